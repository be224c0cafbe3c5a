//! A check of the constants typed in `pysocket_core::kernel` (the ones
//! neither `libc` nor `nix` defines) against the C headers installed on this
//! machine: each value must be what the header's `#define` or enum says.
//! Nothing here is typed twice: the values come from the constant table.

/// `(name, header)`: header paths relative to /usr/include.
#[cfg(all(test, target_os = "linux"))]
const CHECKED: &[(&str, &str)] = &[
    ("AF_QIPCRTR", "x86_64-linux-gnu/bits/socket.h"),
    ("ALG_OP_SIGN", "linux/if_alg.h"),
    ("ALG_OP_VERIFY", "linux/if_alg.h"),
    ("ALG_SET_PUBKEY", "linux/if_alg.h"),
    ("EAI_ADDRFAMILY", "netdb.h"),
    ("INADDR_ALLHOSTS_GROUP", "netinet/in.h"),
    ("INADDR_MAX_LOCAL_GROUP", "netinet/in.h"),
    ("INADDR_UNSPEC_GROUP", "netinet/in.h"),
    ("IPPORT_RESERVED", "netinet/in.h"),
    ("IPPORT_USERRESERVED", "netinet/in.h"),
    ("IPV6_RTHDR_TYPE_0", "x86_64-linux-gnu/bits/in.h"),
    ("IP_MAX_MEMBERSHIPS", "x86_64-linux-gnu/bits/in.h"),
    ("NI_MAXSERV", "netdb.h"),
    ("PACKET_FASTROUTE", "linux/if_packet.h"),
    ("SO_VM_SOCKETS_BUFFER_SIZE", "linux/vm_sockets.h"),
    ("SO_VM_SOCKETS_BUFFER_MIN_SIZE", "linux/vm_sockets.h"),
    ("SO_VM_SOCKETS_BUFFER_MAX_SIZE", "linux/vm_sockets.h"),
    ("VM_SOCKETS_INVALID_VERSION", "linux/vm_sockets.h"),
    ("TCP_TX_DELAY", "linux/tcp.h"),
    ("UDPLITE_SEND_CSCOV", "netinet/udp.h"),
    ("UDPLITE_RECV_CSCOV", "netinet/udp.h"),
    ("TIPC_ADDR_NAMESEQ", "linux/tipc.h"),
    ("TIPC_ADDR_NAME", "linux/tipc.h"),
    ("TIPC_ADDR_ID", "linux/tipc.h"),
    ("TIPC_CFG_SRV", "linux/tipc.h"),
    ("TIPC_TOP_SRV", "linux/tipc.h"),
    ("TIPC_ZONE_SCOPE", "linux/tipc.h"),
    ("TIPC_CLUSTER_SCOPE", "linux/tipc.h"),
    ("TIPC_NODE_SCOPE", "linux/tipc.h"),
    ("TIPC_LOW_IMPORTANCE", "linux/tipc.h"),
    ("TIPC_MEDIUM_IMPORTANCE", "linux/tipc.h"),
    ("TIPC_HIGH_IMPORTANCE", "linux/tipc.h"),
    ("TIPC_CRITICAL_IMPORTANCE", "linux/tipc.h"),
    ("TIPC_SUB_PORTS", "linux/tipc.h"),
    ("TIPC_SUB_SERVICE", "linux/tipc.h"),
    ("TIPC_SUB_CANCEL", "linux/tipc.h"),
    ("TIPC_WAIT_FOREVER", "linux/tipc.h"),
    ("TIPC_PUBLISHED", "linux/tipc.h"),
    ("TIPC_WITHDRAWN", "linux/tipc.h"),
    ("TIPC_SUBSCR_TIMEOUT", "linux/tipc.h"),
    ("TIPC_IMPORTANCE", "linux/tipc.h"),
    ("TIPC_SRC_DROPPABLE", "linux/tipc.h"),
    ("TIPC_DEST_DROPPABLE", "linux/tipc.h"),
    ("TIPC_CONN_TIMEOUT", "linux/tipc.h"),
    ("BTPROTO_L2CAP", "bluetooth/bluetooth.h"),
    ("BTPROTO_HCI", "bluetooth/bluetooth.h"),
    ("BTPROTO_SCO", "bluetooth/bluetooth.h"),
    ("BTPROTO_RFCOMM", "bluetooth/bluetooth.h"),
    ("SOL_HCI", "bluetooth/bluetooth.h"),
    ("HCI_DATA_DIR", "bluetooth/hci.h"),
    ("HCI_FILTER", "bluetooth/hci.h"),
    ("HCI_TIME_STAMP", "bluetooth/hci.h"),
];

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::CHECKED;
    use std::collections::HashMap;

    /// Evaluates the simple C expressions these headers use: integer
    /// literals with U/L suffixes, `-N`, `~0`, parentheses and casts.
    fn eval(expr: &str) -> Option<i64> {
        let mut e = expr.trim();
        loop {
            let before = e;
            if let Some(inner) = e.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
                e = inner.trim();
            }
            // A cast such as `(in_addr_t) 0xe0000001`.
            if e.starts_with('(') {
                if let Some(close) = e.find(')') {
                    let ty = &e[1..close];
                    if ty
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == ' ')
                    {
                        e = e[close + 1..].trim();
                    }
                }
            }
            if e == before {
                break;
            }
        }
        if e == "~0" {
            return Some(-1);
        }
        let (neg, digits) = match e.strip_prefix('-') {
            Some(rest) => (true, rest.trim()),
            None => (false, e),
        };
        let digits = digits.trim_end_matches(['U', 'u', 'L', 'l']);
        let v = if let Some(hex) = digits.strip_prefix("0x").or(digits.strip_prefix("0X")) {
            i64::from_str_radix(hex, 16).ok()?
        } else {
            digits.parse::<i64>().ok()?
        };
        Some(if neg { -v } else { v })
    }

    /// The value `name` has in `header`: a `#define` or an enum member.
    fn from_header(text: &str, name: &str) -> Option<String> {
        for line in text.lines() {
            let t = line.trim_start();
            let t = t.trim_start_matches('#').trim_start();
            if let Some(rest) = t.strip_prefix("define") {
                let rest = rest.trim_start();
                if let Some(v) = rest.strip_prefix(name) {
                    if v.starts_with([' ', '\t']) {
                        let v = v.split("/*").next().unwrap_or("").trim();
                        return Some(v.to_string());
                    }
                }
            } else if let Some(v) = t.strip_prefix(name) {
                if let Some(v) = v.trim_start().strip_prefix('=') {
                    let v = v.split([',', '/']).next().unwrap_or("").trim();
                    return Some(v.to_string());
                }
            }
        }
        None
    }

    #[test]
    fn typed_values_match_the_installed_headers() {
        if !std::path::Path::new("/usr/include/linux/tipc.h").exists() {
            eprintln!("skipped: the Linux UAPI headers are not installed");
            return;
        }
        let table: HashMap<&str, i64> = crate::constants::constants().into_iter().collect();
        let mut checked = 0;
        let mut wrong = Vec::new();
        for &(name, header) in CHECKED {
            let value = table[name];
            let Ok(text) = std::fs::read_to_string(format!("/usr/include/{header}")) else {
                continue;
            };
            let Some(expr) = from_header(&text, name) else {
                continue;
            };
            // A define that names another constant: follow it once.
            let expr = match eval(&expr) {
                Some(_) => expr,
                None => from_header(&text, &expr).unwrap_or(expr),
            };
            match eval(&expr) {
                // -1U and (~0) both mean "all bits" in a 32-bit field.
                Some(v) if v == value || (v as u32 as i64) == value || v as i32 as i64 == value => {
                    checked += 1
                }
                Some(v) => wrong.push(format!("{name}: typed {value}, {header} says {v}")),
                None => {}
            }
        }
        assert!(wrong.is_empty(), "{wrong:?}");
        assert!(checked > 20, "only {checked} constants found in headers");
    }
}
