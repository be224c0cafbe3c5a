//! The few constants CPython exports on Linux that neither the `libc` crate
//! nor `nix` defines. This is the one place with numbers typed in: each entry
//! names the header that defines it, and the unit test below compares every
//! value with that header wherever the header is installed.

/// `(name, value, header)`: header paths are relative to /usr/include.
#[cfg(target_os = "linux")]
pub const LINUX: &[(&str, i64, &str)] = &[
    ("AF_QIPCRTR", 42, "x86_64-linux-gnu/bits/socket.h"),
    ("ALG_OP_SIGN", 2, "linux/if_alg.h"),
    ("ALG_OP_VERIFY", 3, "linux/if_alg.h"),
    ("ALG_SET_PUBKEY", 6, "linux/if_alg.h"),
    ("EAI_ADDRFAMILY", -9, "netdb.h"),
    ("INADDR_ALLHOSTS_GROUP", 0xe000_0001, "netinet/in.h"),
    ("INADDR_MAX_LOCAL_GROUP", 0xe000_00ff, "netinet/in.h"),
    ("INADDR_UNSPEC_GROUP", 0xe000_0000, "netinet/in.h"),
    ("IPPORT_RESERVED", 1024, "netinet/in.h"),
    ("IPPORT_USERRESERVED", 5000, "netinet/in.h"),
    ("IPV6_RTHDR_TYPE_0", 0, "x86_64-linux-gnu/bits/in.h"),
    ("IP_MAX_MEMBERSHIPS", 20, "x86_64-linux-gnu/bits/in.h"),
    ("NI_MAXSERV", 32, "netdb.h"),
    ("PACKET_FASTROUTE", 6, "linux/if_packet.h"),
    ("SO_VM_SOCKETS_BUFFER_SIZE", 0, "linux/vm_sockets.h"),
    ("SO_VM_SOCKETS_BUFFER_MIN_SIZE", 1, "linux/vm_sockets.h"),
    ("SO_VM_SOCKETS_BUFFER_MAX_SIZE", 2, "linux/vm_sockets.h"),
    (
        "VM_SOCKETS_INVALID_VERSION",
        0xffff_ffff,
        "linux/vm_sockets.h",
    ),
    ("TCP_TX_DELAY", 37, "linux/tcp.h"),
    ("UDPLITE_SEND_CSCOV", 10, "netinet/udp.h"),
    ("UDPLITE_RECV_CSCOV", 11, "netinet/udp.h"),
    ("TIPC_ADDR_NAMESEQ", 1, "linux/tipc.h"),
    ("TIPC_ADDR_NAME", 2, "linux/tipc.h"),
    ("TIPC_ADDR_ID", 3, "linux/tipc.h"),
    ("TIPC_CFG_SRV", 0, "linux/tipc.h"),
    ("TIPC_TOP_SRV", 1, "linux/tipc.h"),
    ("TIPC_ZONE_SCOPE", 1, "linux/tipc.h"),
    ("TIPC_CLUSTER_SCOPE", 2, "linux/tipc.h"),
    ("TIPC_NODE_SCOPE", 3, "linux/tipc.h"),
    ("TIPC_LOW_IMPORTANCE", 0, "linux/tipc.h"),
    ("TIPC_MEDIUM_IMPORTANCE", 1, "linux/tipc.h"),
    ("TIPC_HIGH_IMPORTANCE", 2, "linux/tipc.h"),
    ("TIPC_CRITICAL_IMPORTANCE", 3, "linux/tipc.h"),
    ("TIPC_SUB_PORTS", 1, "linux/tipc.h"),
    ("TIPC_SUB_SERVICE", 2, "linux/tipc.h"),
    ("TIPC_SUB_CANCEL", 4, "linux/tipc.h"),
    ("TIPC_WAIT_FOREVER", -1, "linux/tipc.h"),
    ("TIPC_PUBLISHED", 1, "linux/tipc.h"),
    ("TIPC_WITHDRAWN", 2, "linux/tipc.h"),
    ("TIPC_SUBSCR_TIMEOUT", 3, "linux/tipc.h"),
    ("TIPC_IMPORTANCE", 127, "linux/tipc.h"),
    ("TIPC_SRC_DROPPABLE", 128, "linux/tipc.h"),
    ("TIPC_DEST_DROPPABLE", 129, "linux/tipc.h"),
    ("TIPC_CONN_TIMEOUT", 130, "linux/tipc.h"),
    // Bluetooth (BlueZ headers, which CPython needs to export these).
    ("BTPROTO_L2CAP", 0, "bluetooth/bluetooth.h"),
    ("BTPROTO_HCI", 1, "bluetooth/bluetooth.h"),
    ("BTPROTO_SCO", 2, "bluetooth/bluetooth.h"),
    ("BTPROTO_RFCOMM", 3, "bluetooth/bluetooth.h"),
    ("SOL_HCI", 0, "bluetooth/bluetooth.h"),
    ("HCI_DATA_DIR", 1, "bluetooth/hci.h"),
    ("HCI_FILTER", 2, "bluetooth/hci.h"),
    ("HCI_TIME_STAMP", 3, "bluetooth/hci.h"),
];

/// String constants CPython defines itself (Modules/socketmodule.c) for
/// BlueZ's `BDADDR_ANY` and `BDADDR_LOCAL` (bluetooth/bluetooth.h).
#[cfg(target_os = "linux")]
pub const LINUX_STRINGS: &[(&str, &str)] = &[
    ("BDADDR_ANY", "00:00:00:00:00:00"),
    ("BDADDR_LOCAL", "00:00:00:FF:FF:FF"),
];

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::LINUX;

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
        let mut checked = 0;
        let mut wrong = Vec::new();
        for &(name, value, header) in LINUX {
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
