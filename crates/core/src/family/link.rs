//! AF_NETLINK (`sockaddr_nl`) and AF_PACKET (`sockaddr_ll`).

use std::os::fd::RawFd;

use socket2::SockAddr;

use super::{ifname, read_struct, sockaddr_of, zeroed, FamilyAddress};

pub fn encode_netlink(pid: u32, groups: u32) -> SockAddr {
    let mut nl: libc::sockaddr_nl = zeroed();
    nl.nl_family = libc::AF_NETLINK as libc::sa_family_t;
    nl.nl_pid = pid;
    nl.nl_groups = groups;
    sockaddr_of(&nl)
}

pub fn decode_netlink(bytes: &[u8]) -> Option<FamilyAddress> {
    let nl: libc::sockaddr_nl = read_struct(bytes);
    Some(FamilyAddress::Netlink {
        pid: nl.nl_pid,
        groups: nl.nl_groups,
    })
}

/// Capacity of `sll_addr` (the "8 bytes or less" of CPython's message).
pub fn packet_addr_capacity() -> usize {
    let ll: libc::sockaddr_ll = zeroed();
    ll.sll_addr.len()
}

/// A `sockaddr_ll`; `proto` in host order (stored in network order), the
/// hardware address at most `packet_addr_capacity()` bytes (longer is cut).
pub fn encode_packet(ifindex: i32, proto: u16, pkttype: u8, hatype: u16, addr: &[u8]) -> SockAddr {
    let mut ll: libc::sockaddr_ll = zeroed();
    ll.sll_family = libc::AF_PACKET as libc::c_ushort;
    ll.sll_protocol = proto.to_be();
    ll.sll_ifindex = ifindex;
    ll.sll_pkttype = pkttype;
    ll.sll_hatype = hatype;
    let n = addr.len().min(ll.sll_addr.len());
    ll.sll_addr[..n].copy_from_slice(&addr[..n]);
    ll.sll_halen = n as u8;
    sockaddr_of(&ll)
}

pub fn decode_packet(bytes: &[u8], fd: RawFd) -> Option<FamilyAddress> {
    let ll: libc::sockaddr_ll = read_struct(bytes);
    let halen = (ll.sll_halen as usize).min(ll.sll_addr.len());
    Some(FamilyAddress::Packet {
        ifname: ifname(fd, ll.sll_ifindex),
        proto: u16::from_be(ll.sll_protocol),
        pkttype: ll.sll_pkttype,
        hatype: ll.sll_hatype,
        addr: ll.sll_addr[..halen].to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addr::{decode, to_bytes, Address};
    use std::mem::{offset_of, size_of};

    #[test]
    fn netlink_layout_and_round_trip() {
        let a = encode_netlink(0xdead_beef, 0x8000_0001);
        let raw = to_bytes(&a);
        assert_eq!(raw.len(), size_of::<libc::sockaddr_nl>());
        let o = offset_of!(libc::sockaddr_nl, nl_pid);
        assert_eq!(raw[o..o + 4], 0xdead_beefu32.to_ne_bytes());
        let o = offset_of!(libc::sockaddr_nl, nl_groups);
        assert_eq!(raw[o..o + 4], 0x8000_0001u32.to_ne_bytes());
        assert_eq!(
            decode(&a),
            Address::Family(FamilyAddress::Netlink {
                pid: 0xdead_beef,
                groups: 0x8000_0001
            })
        );
    }

    #[test]
    fn netlink_socket_reports_its_port_id() {
        let fd = crate::sys::socket(libc::AF_NETLINK, libc::SOCK_RAW, libc::NETLINK_ROUTE).unwrap();
        crate::sys::bind(fd, &encode_netlink(0, 0)).unwrap();
        match decode(&crate::sys::getsockname(fd).unwrap()) {
            // The kernel assigns a non-zero port id on bind.
            Address::Family(FamilyAddress::Netlink { pid, groups: 0 }) => assert_ne!(pid, 0),
            other => panic!("{other:?}"),
        }
        crate::sys::close(fd).unwrap();
    }

    #[test]
    fn packet_layout_and_round_trip() {
        let a = encode_packet(1, libc::ETH_P_IP as u16, 4, 772, &[1, 2, 3, 4, 5, 6]);
        let raw = to_bytes(&a);
        assert_eq!(raw.len(), size_of::<libc::sockaddr_ll>());
        let o = offset_of!(libc::sockaddr_ll, sll_protocol);
        // Network byte order on the wire.
        assert_eq!(raw[o..o + 2], (libc::ETH_P_IP as u16).to_be_bytes());
        assert_eq!(raw[offset_of!(libc::sockaddr_ll, sll_pkttype)], 4);
        assert_eq!(raw[offset_of!(libc::sockaddr_ll, sll_halen)], 6);
        let o = offset_of!(libc::sockaddr_ll, sll_addr);
        assert_eq!(raw[o..o + 6], [1, 2, 3, 4, 5, 6]);
        // Index 1 is the loopback on Linux; the name comes from the kernel.
        let lo = crate::family::ifname(-1, 1);
        assert_eq!(
            decode(&a),
            Address::Family(FamilyAddress::Packet {
                ifname: lo,
                proto: libc::ETH_P_IP as u16,
                pkttype: 4,
                hatype: 772,
                addr: vec![1, 2, 3, 4, 5, 6]
            })
        );
        assert_eq!(packet_addr_capacity(), 8);
    }
}
