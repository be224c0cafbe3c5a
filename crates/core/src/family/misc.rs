//! AF_TIPC (`sockaddr_tipc`) and AF_QIPCRTR (`sockaddr_qrtr`), whose
//! structs the `libc` crate lacks (see `crate::kernel`).

use socket2::SockAddr;

use super::{read_struct, sockaddr_of, zeroed, FamilyAddress};
use crate::kernel::{
    sockaddr_qrtr, sockaddr_tipc, tipc_addr, tipc_name_domain, tipc_service_addr,
    tipc_service_range, tipc_socket_addr, AF_QIPCRTR, TIPC_ADDR_ID, TIPC_ADDR_NAME,
    TIPC_ADDR_NAMESEQ,
};

/// A `sockaddr_tipc`, or `None` for an address type CPython refuses.
/// `scope` is stored in the struct's signed char, as CPython does.
pub fn encode_tipc(addr_type: u32, v1: u32, v2: u32, v3: u32, scope: u32) -> Option<SockAddr> {
    let addr = match addr_type as i32 {
        TIPC_ADDR_NAMESEQ => tipc_addr {
            nameseq: tipc_service_range {
                type_: v1,
                lower: v2,
                upper: v3,
            },
        },
        TIPC_ADDR_NAME => tipc_addr {
            name: tipc_name_domain {
                name: tipc_service_addr {
                    type_: v1,
                    instance: v2,
                },
                domain: 0,
            },
        },
        TIPC_ADDR_ID => tipc_addr {
            id: tipc_socket_addr { ref_: v2, node: v1 },
        },
        _ => return None,
    };
    let sa = sockaddr_tipc {
        family: libc::AF_TIPC as libc::c_ushort,
        addrtype: addr_type as u8,
        scope: scope as u8 as libc::c_schar,
        addr,
    };
    Some(sockaddr_of(&sa))
}

/// CPython's tuple: NAME gives the instance twice, ID a 0 as v3, the
/// scope read from its signed char as an unsigned int.
pub fn decode_tipc(bytes: &[u8]) -> Option<FamilyAddress> {
    let sa: sockaddr_tipc = read_struct(bytes);
    let scope = sa.scope as i32 as u32;
    let addr_type = sa.addrtype as u32;
    // SAFETY: every member of the union is plain u32s.
    let (v1, v2, v3) = unsafe {
        match sa.addrtype as i32 {
            TIPC_ADDR_NAMESEQ => (
                sa.addr.nameseq.type_,
                sa.addr.nameseq.lower,
                sa.addr.nameseq.upper,
            ),
            TIPC_ADDR_NAME => (
                sa.addr.name.name.type_,
                sa.addr.name.name.instance,
                sa.addr.name.name.instance,
            ),
            TIPC_ADDR_ID => (sa.addr.id.node, sa.addr.id.ref_, 0),
            _ => return Some(FamilyAddress::Invalid("Invalid address type".into())),
        }
    };
    Some(FamilyAddress::Tipc {
        addr_type,
        v1,
        v2,
        v3,
        scope,
    })
}

pub fn encode_qrtr(node: u32, port: u32) -> SockAddr {
    let mut sq: sockaddr_qrtr = zeroed();
    sq.sq_family = AF_QIPCRTR as libc::sa_family_t;
    sq.sq_node = node;
    sq.sq_port = port;
    sockaddr_of(&sq)
}

pub fn decode_qrtr(bytes: &[u8]) -> Option<FamilyAddress> {
    let sq: sockaddr_qrtr = read_struct(bytes);
    Some(FamilyAddress::Qrtr {
        node: sq.sq_node,
        port: sq.sq_port,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addr::{decode, to_bytes, Address};
    use std::mem::offset_of;

    #[test]
    fn tipc_forms() {
        let a = encode_tipc(TIPC_ADDR_NAMESEQ as u32, 1000, 1, 9, 2).unwrap();
        let raw = to_bytes(&a);
        assert_eq!(raw[offset_of!(sockaddr_tipc, addrtype)], 1);
        assert_eq!(raw[offset_of!(sockaddr_tipc, scope)], 2);
        let o = offset_of!(sockaddr_tipc, addr) + offset_of!(tipc_service_range, upper);
        assert_eq!(raw[o..o + 4], 9u32.to_ne_bytes());
        assert_eq!(
            decode(&a),
            Address::Family(FamilyAddress::Tipc {
                addr_type: 1,
                v1: 1000,
                v2: 1,
                v3: 9,
                scope: 2
            })
        );
        // NAME: v3 is not stored, the instance comes back twice.
        let a = encode_tipc(TIPC_ADDR_NAME as u32, 1000, 5, 77, 3).unwrap();
        assert_eq!(
            decode_tipc(to_bytes(&a)),
            Some(FamilyAddress::Tipc {
                addr_type: 2,
                v1: 1000,
                v2: 5,
                v3: 5,
                scope: 3
            })
        );
        // ID: (node, ref) in the tuple, (ref, node) in the struct.
        let a = encode_tipc(TIPC_ADDR_ID as u32, 0x0100_1001, 42, 77, 255).unwrap();
        let raw = to_bytes(&a);
        let o = offset_of!(sockaddr_tipc, addr) + offset_of!(tipc_socket_addr, node);
        assert_eq!(raw[o..o + 4], 0x0100_1001u32.to_ne_bytes());
        assert_eq!(
            decode_tipc(raw),
            Some(FamilyAddress::Tipc {
                addr_type: 3,
                v1: 0x0100_1001,
                v2: 42,
                v3: 0,
                scope: u32::MAX
            })
        );
        assert!(encode_tipc(9, 0, 0, 0, 0).is_none());
        let mut bad = raw.to_vec();
        bad[offset_of!(sockaddr_tipc, addrtype)] = 9;
        assert_eq!(
            decode_tipc(&bad),
            Some(FamilyAddress::Invalid("Invalid address type".into()))
        );
    }

    #[test]
    fn qrtr_round_trip() {
        let a = encode_qrtr(7, u32::MAX);
        let raw = to_bytes(&a);
        assert_eq!(raw.len(), 12);
        let o = offset_of!(sockaddr_qrtr, sq_port);
        assert_eq!(raw[o..o + 4], u32::MAX.to_ne_bytes());
        assert_eq!(
            decode(&a),
            Address::Family(FamilyAddress::Qrtr {
                node: 7,
                port: u32::MAX
            })
        );
    }
}
