//! The Linux address families beyond IP and AF_UNIX: one module per family
//! group, each with its sockaddr encoder (from parts the JavaScript layer
//! has checked) and its decoder (CPython's `makesockaddr`).
//!
//! AF_RDS needs no module: it uses `sockaddr_in`, which `addr` handles.

pub mod alg;
pub mod bluetooth;
pub mod can;
pub mod link;
pub mod misc;
pub mod vsock;

use std::ffi::CStr;
use std::mem;
use std::os::fd::RawFd;

use crate::error::{Error, Result};

/// A decoded address of one of the families of this module, in the shape of
/// CPython's tuple for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FamilyAddress {
    /// AF_NETLINK `(pid, groups)`.
    Netlink { pid: u32, groups: u32 },
    /// AF_PACKET `(ifname, proto, pkttype, hatype, addr)`, proto in host order.
    Packet {
        ifname: Vec<u8>,
        proto: u16,
        pkttype: u8,
        hatype: u16,
        addr: Vec<u8>,
    },
    /// AF_CAN with CAN_RAW/CAN_BCM (and any other protocol): `(interface,)`.
    Can { ifname: Vec<u8> },
    /// AF_CAN with CAN_ISOTP: `(interface, rx_addr, tx_addr)`.
    CanIsotp { ifname: Vec<u8>, rx: u32, tx: u32 },
    /// AF_CAN with CAN_J1939: `(interface, name, pgn, addr)`.
    CanJ1939 {
        ifname: Vec<u8>,
        name: u64,
        pgn: u32,
        addr: u8,
    },
    /// AF_ALG `(type, name, feat, mask)`.
    Alg {
        ty: Vec<u8>,
        name: Vec<u8>,
        feat: u32,
        mask: u32,
    },
    /// AF_VSOCK `(cid, port)`.
    Vsock { cid: u32, port: u32 },
    /// AF_TIPC `(addr_type, v1, v2, v3, scope)`.
    Tipc {
        addr_type: u32,
        v1: u32,
        v2: u32,
        v3: u32,
        scope: u32,
    },
    /// AF_QIPCRTR `(node, port)`.
    Qrtr { node: u32, port: u32 },
    /// AF_BLUETOOTH BTPROTO_L2CAP `(bdaddr, psm)`.
    L2cap { bdaddr: String, psm: u16 },
    /// AF_BLUETOOTH BTPROTO_RFCOMM `(bdaddr, channel)`.
    Rfcomm { bdaddr: String, channel: u8 },
    /// AF_BLUETOOTH BTPROTO_HCI: the device id, a plain int.
    Hci { dev: u16 },
    /// AF_BLUETOOTH BTPROTO_SCO: the bdaddr as a str.
    Sco { bdaddr: String },
    /// An address CPython refuses to decode: `ValueError(message)`.
    Invalid(String),
}

/// Decodes `bytes` (a whole sockaddr of `family`) when it is one of this
/// module's families; `None` leaves it to the generic `(family, data)`.
pub fn decode(family: i32, bytes: &[u8], fd: RawFd) -> Option<FamilyAddress> {
    match family {
        libc::AF_NETLINK => link::decode_netlink(bytes),
        libc::AF_PACKET => link::decode_packet(bytes, fd),
        libc::AF_CAN => can::decode(bytes, fd, protocol_of(fd)),
        libc::AF_ALG => alg::decode(bytes),
        libc::AF_VSOCK => vsock::decode(bytes),
        libc::AF_TIPC => misc::decode_tipc(bytes),
        crate::kernel::AF_QIPCRTR => misc::decode_qrtr(bytes),
        libc::AF_BLUETOOTH => bluetooth::decode(bytes, protocol_of(fd)),
        _ => None,
    }
}

/// The protocol a socket was created with, -1 when unknown.
fn protocol_of(fd: RawFd) -> i32 {
    if fd < 0 {
        return -1;
    }
    crate::sys::getsockopt_int(fd, libc::SOL_SOCKET, libc::SO_PROTOCOL).unwrap_or(-1)
}

/// Reads a `T` from the front of `bytes`, zero-filling what the kernel did
/// not return (CPython reads its zeroed buffer the same way).
pub(crate) fn read_struct<T: Copy>(bytes: &[u8]) -> T {
    let mut out = mem::MaybeUninit::<T>::zeroed();
    let n = bytes.len().min(mem::size_of::<T>());
    // SAFETY: at most size_of::<T>() bytes are copied into zeroed storage of
    // T; every T used here is a plain C struct valid for any bit pattern.
    unsafe {
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), out.as_mut_ptr().cast::<u8>(), n);
        out.assume_init()
    }
}

/// A `SockAddr` holding the bytes of the C struct `raw`.
pub(crate) use crate::addr::from_raw as sockaddr_of;

/// A zeroed C struct (all sockaddr types are valid when zeroed).
pub(crate) fn zeroed<T: Copy>() -> T {
    // SAFETY: only used for plain C structs of integers and arrays.
    unsafe { mem::zeroed() }
}

/// Bytes up to the first NUL within a fixed-size C char array.
pub(crate) fn c_chars(raw: &[u8]) -> Vec<u8> {
    let end = raw.iter().position(|&b| b == 0).unwrap_or(raw.len());
    raw[..end].to_vec()
}

/// The `ifr_name` CPython puts in its `ifreq`: the bytes of `name` up to a
/// NUL, cut to IFNAMSIZ - 1 (its strncpy plus the forced terminator).
fn ifreq_with_name(name: &[u8]) -> libc::ifreq {
    let mut ifr: libc::ifreq = zeroed();
    let cap = ifr.ifr_name.len() - 1;
    for (dst, &src) in ifr
        .ifr_name
        .iter_mut()
        .zip(name.iter().take_while(|&&b| b != 0).take(cap))
    {
        *dst = src as libc::c_char;
    }
    ifr
}

/// The index of interface `name`, asked through socket `fd` with
/// SIOCGIFINDEX as CPython does (so the errno is the one Python reports).
/// With `fd` -1, glibc's `if_nametoindex` asks through a socket of its own.
pub fn ifindex(fd: RawFd, name: &[u8]) -> Result<i32> {
    let mut ifr = ifreq_with_name(name);
    if fd < 0 {
        // SAFETY: ifr_name is NUL-terminated by construction.
        let idx = unsafe { libc::if_nametoindex(ifr.ifr_name.as_ptr()) };
        if idx == 0 {
            return Err(Error::last());
        }
        return Ok(idx as i32);
    }
    // SAFETY: SIOCGIFINDEX reads ifr_name and writes ifr_ifindex of `ifr`.
    let rc = unsafe { libc::ioctl(fd, libc::SIOCGIFINDEX as _, &mut ifr) };
    if rc < 0 {
        return Err(Error::last());
    }
    // SAFETY: the kernel filled the ifindex member of the union.
    Ok(unsafe { ifr.ifr_ifru.ifru_ifindex })
}

/// The name of interface `index` (SIOCGIFNAME through `fd`, or glibc's
/// `if_indextoname`), or empty when the index is 0 or unknown, as CPython.
pub fn ifname(fd: RawFd, index: i32) -> Vec<u8> {
    if index == 0 {
        return Vec::new();
    }
    let mut ifr: libc::ifreq = zeroed();
    ifr.ifr_ifru.ifru_ifindex = index;
    let ok = if fd >= 0 {
        // SAFETY: SIOCGIFNAME reads ifr_ifindex and writes ifr_name.
        unsafe { libc::ioctl(fd, libc::SIOCGIFNAME as _, &mut ifr) == 0 }
    } else {
        // SAFETY: ifr_name has IFNAMSIZ bytes, what if_indextoname needs.
        unsafe { !libc::if_indextoname(index as u32, ifr.ifr_name.as_mut_ptr()).is_null() }
    };
    if !ok {
        return Vec::new();
    }
    // SAFETY: the name was written NUL-terminated within IFNAMSIZ bytes.
    unsafe { CStr::from_ptr(ifr.ifr_name.as_ptr()) }
        .to_bytes()
        .to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lo_index() -> i32 {
        std::fs::read_to_string("/sys/class/net/lo/ifindex")
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    }

    #[test]
    fn interface_names_and_indexes_through_a_socket_and_without() {
        let fd = crate::sys::socket(libc::AF_INET, libc::SOCK_DGRAM, 0).unwrap();
        assert_eq!(ifindex(fd, b"lo").unwrap(), lo_index());
        assert_eq!(ifindex(-1, b"lo").unwrap(), lo_index());
        // CPython cuts at the NUL and at IFNAMSIZ - 1 bytes.
        assert_eq!(ifindex(fd, b"lo\0junk").unwrap(), lo_index());
        assert_eq!(ifindex(fd, b"no-such-if"), Err(Error::Os(libc::ENODEV)));
        assert_eq!(ifname(fd, lo_index()), b"lo");
        assert_eq!(ifname(-1, lo_index()), b"lo");
        assert_eq!(ifname(fd, 0), b"");
        assert_eq!(ifname(fd, i32::MAX), b"");
        crate::sys::close(fd).unwrap();
    }
}
