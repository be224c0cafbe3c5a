//! AF_CAN (`sockaddr_can`): the plain form for CAN_RAW and CAN_BCM, the
//! ISO-TP and J1939 forms chosen by the socket's protocol.

use std::os::fd::RawFd;

use socket2::SockAddr;

use super::{ifname, read_struct, sockaddr_of, zeroed, FamilyAddress};

fn base(ifindex: i32) -> libc::sockaddr_can {
    let mut can: libc::sockaddr_can = zeroed();
    can.can_family = libc::AF_CAN as libc::sa_family_t;
    can.can_ifindex = ifindex;
    can
}

/// CAN_RAW / CAN_BCM: the interface only (0: every CAN interface).
pub fn encode(ifindex: i32) -> SockAddr {
    sockaddr_of(&base(ifindex))
}

pub fn encode_isotp(ifindex: i32, rx_id: u32, tx_id: u32) -> SockAddr {
    let mut can = base(ifindex);
    can.can_addr.tp = libc::__c_anonymous_sockaddr_can_tp { rx_id, tx_id };
    sockaddr_of(&can)
}

pub fn encode_j1939(ifindex: i32, name: u64, pgn: u32, addr: u8) -> SockAddr {
    let mut can = base(ifindex);
    can.can_addr.j1939 = libc::__c_anonymous_sockaddr_can_j1939 { name, pgn, addr };
    sockaddr_of(&can)
}

/// CPython's decoding: the tuple's shape follows the socket's protocol.
pub fn decode(bytes: &[u8], fd: RawFd, proto: i32) -> Option<FamilyAddress> {
    let can: libc::sockaddr_can = read_struct(bytes);
    let ifname = ifname(fd, can.can_ifindex);
    // SAFETY (both arms): the union members are plain integers, valid for
    // any bytes the kernel wrote.
    Some(match proto {
        libc::CAN_ISOTP => {
            let tp = unsafe { can.can_addr.tp };
            FamilyAddress::CanIsotp {
                ifname,
                rx: tp.rx_id,
                tx: tp.tx_id,
            }
        }
        libc::CAN_J1939 => {
            let j = unsafe { can.can_addr.j1939 };
            FamilyAddress::CanJ1939 {
                ifname,
                name: j.name,
                pgn: j.pgn,
                addr: j.addr,
            }
        }
        _ => FamilyAddress::Can { ifname },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addr::to_bytes;
    use std::mem::{offset_of, size_of};

    #[test]
    fn plain_form_carries_only_the_index() {
        let a = encode(7);
        let raw = to_bytes(&a);
        assert_eq!(raw.len(), size_of::<libc::sockaddr_can>());
        let o = offset_of!(libc::sockaddr_can, can_ifindex);
        assert_eq!(raw[o..o + 4], 7i32.to_ne_bytes());
        let o = offset_of!(libc::sockaddr_can, can_addr);
        assert!(raw[o..].iter().all(|&b| b == 0));
        // Index 0 ("any interface") decodes to the empty name.
        assert_eq!(
            decode(to_bytes(&encode(0)), -1, libc::CAN_RAW),
            Some(FamilyAddress::Can { ifname: vec![] })
        );
    }

    #[test]
    fn isotp_ids_sit_at_the_union() {
        let a = encode_isotp(0, 0x7e0, 0x8000_07e8);
        let raw = to_bytes(&a);
        let o = offset_of!(libc::sockaddr_can, can_addr)
            + offset_of!(libc::__c_anonymous_sockaddr_can_tp, tx_id);
        assert_eq!(raw[o..o + 4], 0x8000_07e8u32.to_ne_bytes());
        assert_eq!(
            decode(raw, -1, libc::CAN_ISOTP),
            Some(FamilyAddress::CanIsotp {
                ifname: vec![],
                rx: 0x7e0,
                tx: 0x8000_07e8
            })
        );
        // The same bytes on a CAN_RAW socket: the plain tuple.
        assert_eq!(
            decode(raw, -1, libc::CAN_RAW),
            Some(FamilyAddress::Can { ifname: vec![] })
        );
    }

    #[test]
    fn j1939_fields_sit_at_the_union() {
        let a = encode_j1939(0, u64::MAX - 1, libc::J1939_PGN_REQUEST, 0xfe);
        let raw = to_bytes(&a);
        let base = offset_of!(libc::sockaddr_can, can_addr);
        let o = base + offset_of!(libc::__c_anonymous_sockaddr_can_j1939, name);
        assert_eq!(raw[o..o + 8], (u64::MAX - 1).to_ne_bytes());
        let o = base + offset_of!(libc::__c_anonymous_sockaddr_can_j1939, addr);
        assert_eq!(raw[o], 0xfe);
        assert_eq!(
            decode(raw, -1, libc::CAN_J1939),
            Some(FamilyAddress::CanJ1939 {
                ifname: vec![],
                name: u64::MAX - 1,
                pgn: libc::J1939_PGN_REQUEST,
                addr: 0xfe
            })
        );
    }
}
