//! The address model: sockaddr bytes in, Python's address values out.
//!
//! Encoding takes already-checked parts (the JavaScript layer checks the
//! tuple and raises Python's errors); decoding reads any sockaddr the kernel
//! hands back, as CPython's `makesockaddr` does.

use std::mem;
use std::net::{Ipv4Addr, Ipv6Addr};

use socket2::{SockAddr, SockAddrStorage};

use crate::error::{Error, Result};

/// A decoded socket address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Address {
    /// The kernel returned no address (addrlen 0): Python's `None`.
    None,
    Inet {
        ip: Ipv4Addr,
        port: u16,
    },
    Inet6 {
        ip: Ipv6Addr,
        port: u16,
        flowinfo: u32,
        scope_id: u32,
    },
    /// A filesystem path (decoded to text in JavaScript).
    UnixPath(Vec<u8>),
    /// A Linux abstract name, leading NUL included (a `bytes` in Python).
    UnixAbstract(Vec<u8>),
    /// The Linux families (AF_NETLINK, AF_PACKET, AF_CAN, AF_ALG, ...):
    /// see `crate::family`.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    Family(crate::family::FamilyAddress),
    /// A family this build has no model for: `(family, sa_data)`.
    Other {
        family: i32,
        data: Vec<u8>,
    },
}

fn zeroed_storage() -> SockAddrStorage {
    SockAddrStorage::zeroed()
}

/// Wraps raw bytes of a sockaddr (as built by `encode_*`) back into a `SockAddr`.
pub fn from_bytes(bytes: &[u8]) -> Result<SockAddr> {
    let mut storage = zeroed_storage();
    if bytes.len() > mem::size_of::<libc::sockaddr_storage>()
        || bytes.len() < mem::size_of::<libc::sa_family_t>()
    {
        return Err(Error::Os(libc::EINVAL));
    }
    // SAFETY: the length was checked against the storage size just above.
    unsafe {
        std::ptr::copy_nonoverlapping(
            bytes.as_ptr(),
            (&mut storage as *mut SockAddrStorage).cast::<u8>(),
            bytes.len(),
        );
        Ok(SockAddr::new(storage, bytes.len() as libc::socklen_t))
    }
}

/// The bytes of a `SockAddr`, to hand to JavaScript and back.
pub fn to_bytes(addr: &SockAddr) -> &[u8] {
    // SAFETY: `as_ptr` points at `len` initialised bytes owned by `addr`.
    unsafe { std::slice::from_raw_parts(addr.as_ptr().cast::<u8>(), addr.len() as usize) }
}

pub fn encode_inet(ip: Ipv4Addr, port: u16) -> SockAddr {
    let mut sin: libc::sockaddr_in = unsafe { mem::zeroed() };
    sin.sin_family = libc::AF_INET as libc::sa_family_t;
    sin.sin_port = port.to_be();
    sin.sin_addr.s_addr = u32::from_ne_bytes(ip.octets());
    from_raw(&sin)
}

pub fn encode_inet6(ip: Ipv6Addr, port: u16, flowinfo: u32, scope_id: u32) -> SockAddr {
    let mut sin6: libc::sockaddr_in6 = unsafe { mem::zeroed() };
    sin6.sin6_family = libc::AF_INET6 as libc::sa_family_t;
    sin6.sin6_port = port.to_be();
    sin6.sin6_flowinfo = flowinfo.to_be();
    sin6.sin6_addr.s6_addr = ip.octets();
    sin6.sin6_scope_id = scope_id;
    from_raw(&sin6)
}

/// The longest AF_UNIX name: `sun_path` may be filled completely only by an
/// abstract name, a path needs room for its terminating NUL.
pub fn unix_path_capacity() -> usize {
    let sun: libc::sockaddr_un = unsafe { mem::zeroed() };
    sun.sun_path.len()
}

/// An AF_UNIX address from the bytes of a path or an abstract name
/// (leading NUL). The length is CPython's: family plus the bytes given.
pub fn encode_unix(path: &[u8]) -> Result<SockAddr> {
    let mut sun: libc::sockaddr_un = unsafe { mem::zeroed() };
    let cap = sun.sun_path.len();
    let is_abstract = path.first() == Some(&0);
    if (is_abstract && path.len() > cap) || (!is_abstract && path.len() >= cap) {
        return Err(Error::OsMessage("AF_UNIX path too long".into()));
    }
    sun.sun_family = libc::AF_UNIX as libc::sa_family_t;
    for (dst, src) in sun.sun_path.iter_mut().zip(path) {
        *dst = *src as libc::c_char;
    }
    let len = mem::offset_of!(libc::sockaddr_un, sun_path) + path.len();
    let mut storage = zeroed_storage();
    // SAFETY: sockaddr_un fits in sockaddr_storage; `len` is within it.
    unsafe {
        std::ptr::copy_nonoverlapping(
            (&sun as *const libc::sockaddr_un).cast::<u8>(),
            (&mut storage as *mut SockAddrStorage).cast::<u8>(),
            mem::size_of::<libc::sockaddr_un>(),
        );
        Ok(SockAddr::new(storage, len as libc::socklen_t))
    }
}

/// A `SockAddr` holding the bytes of the C sockaddr struct `raw`.
pub(crate) fn from_raw<T>(raw: &T) -> SockAddr {
    let mut storage = zeroed_storage();
    let len = mem::size_of::<T>();
    assert!(len <= mem::size_of::<libc::sockaddr_storage>());
    // SAFETY: T is one of the libc sockaddr structs, smaller than the storage.
    unsafe {
        std::ptr::copy_nonoverlapping(
            (raw as *const T).cast::<u8>(),
            (&mut storage as *mut SockAddrStorage).cast::<u8>(),
            len,
        );
        SockAddr::new(storage, len as libc::socklen_t)
    }
}

/// Reads a `T` out of the storage when the kernel returned enough bytes.
fn read_as<T: Copy>(addr: &SockAddr) -> Option<T> {
    if (addr.len() as usize) < mem::size_of::<T>() {
        return None;
    }
    // SAFETY: the storage is large and aligned enough for every sockaddr
    // type, and at least size_of::<T>() bytes of it were written.
    Some(unsafe { *(addr.as_ptr().cast::<T>()) })
}

/// Decodes what accept/recvfrom/getsockname returned, as CPython's
/// `makesockaddr`.
pub fn decode(addr: &SockAddr) -> Address {
    decode_on(addr, -1)
}

/// `decode` for an address that socket `fd` returned: the families whose
/// tuple depends on the protocol (AF_CAN, AF_BLUETOOTH) ask the socket for
/// it, and interface indexes are named through it. `fd` may be -1.
pub fn decode_on(addr: &SockAddr, fd: std::os::fd::RawFd) -> Address {
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let _ = fd;
    let len = addr.len() as usize;
    if len == 0 {
        return Address::None;
    }
    let bytes = to_bytes(addr);
    match addr.family() as i32 {
        libc::AF_INET => match read_as::<libc::sockaddr_in>(addr) {
            Some(sin) => Address::Inet {
                ip: Ipv4Addr::from(sin.sin_addr.s_addr.to_ne_bytes()),
                port: u16::from_be(sin.sin_port),
            },
            None => other(addr, bytes),
        },
        libc::AF_INET6 => match read_as::<libc::sockaddr_in6>(addr) {
            Some(sin6) => Address::Inet6 {
                ip: Ipv6Addr::from(sin6.sin6_addr.s6_addr),
                port: u16::from_be(sin6.sin6_port),
                flowinfo: u32::from_be(sin6.sin6_flowinfo),
                scope_id: sin6.sin6_scope_id,
            },
            None => other(addr, bytes),
        },
        libc::AF_UNIX => {
            let off = mem::offset_of!(libc::sockaddr_un, sun_path);
            let path = bytes.get(off..).unwrap_or(&[]);
            if cfg!(any(target_os = "linux", target_os = "android")) && path.first() == Some(&0) {
                Address::UnixAbstract(path.to_vec())
            } else {
                // A regular, NUL-terminated path.
                let end = path.iter().position(|&b| b == 0).unwrap_or(path.len());
                Address::UnixPath(path[..end].to_vec())
            }
        }
        #[cfg(any(target_os = "linux", target_os = "android"))]
        family => match crate::family::decode(family, bytes, fd) {
            Some(a) => Address::Family(a),
            None => other(addr, bytes),
        },
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        _ => other(addr, bytes),
    }
}

/// CPython's fallback: the family and the 14 bytes of `sa_data`.
fn other(addr: &SockAddr, bytes: &[u8]) -> Address {
    let off = mem::offset_of!(libc::sockaddr, sa_data);
    let width = mem::size_of::<libc::sockaddr>() - off;
    let mut data = vec![0u8; width];
    let have = bytes.get(off..).unwrap_or(&[]);
    let n = have.len().min(width);
    data[..n].copy_from_slice(&have[..n]);
    Address::Other {
        family: addr.family() as i32,
        data,
    }
}

/// IPv6 text as glibc's inet_ntop writes it (`::1.2.3.4` forms included),
/// which is what Python returns.
pub fn ipv6_text(ip: &Ipv6Addr) -> String {
    let raw = ip.octets();
    let mut buf = [0u8; 64];
    // SAFETY: buf is larger than INET6_ADDRSTRLEN.
    let p = unsafe {
        crate::ffi::inet_ntop(
            libc::AF_INET6,
            raw.as_ptr().cast(),
            buf.as_mut_ptr().cast(),
            buf.len() as libc::socklen_t,
        )
    };
    if p.is_null() {
        return ip.to_string();
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(0);
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inet_round_trip() {
        let a = encode_inet(Ipv4Addr::new(127, 0, 0, 1), 8080);
        assert_eq!(a.len() as usize, mem::size_of::<libc::sockaddr_in>());
        assert_eq!(
            decode(&from_bytes(to_bytes(&a)).unwrap()),
            Address::Inet {
                ip: Ipv4Addr::LOCALHOST,
                port: 8080
            }
        );
    }

    #[test]
    fn inet6_round_trip_keeps_flowinfo_and_scope() {
        let a = encode_inet6(Ipv6Addr::LOCALHOST, 443, 0xfffff, 7);
        assert_eq!(
            decode(&a),
            Address::Inet6 {
                ip: Ipv6Addr::LOCALHOST,
                port: 443,
                flowinfo: 0xfffff,
                scope_id: 7
            }
        );
    }

    #[test]
    fn unix_lengths_follow_cpython() {
        let cap = unix_path_capacity();
        let path = vec![b'x'; cap - 1];
        let a = encode_unix(&path).unwrap();
        assert_eq!(decode(&a), Address::UnixPath(path));
        assert!(encode_unix(&vec![b'x'; cap]).is_err());
        let mut abs = vec![b'y'; cap];
        abs[0] = 0;
        assert_eq!(
            decode(&encode_unix(&abs).unwrap()),
            Address::UnixAbstract(abs)
        );
        let mut too_long = vec![b'y'; cap + 1];
        too_long[0] = 0;
        assert_eq!(
            encode_unix(&too_long).unwrap_err(),
            Error::OsMessage("AF_UNIX path too long".into())
        );
        // An unnamed socket: just the family.
        assert_eq!(
            decode(&encode_unix(b"").unwrap()),
            Address::UnixPath(vec![])
        );
    }

    #[test]
    fn ipv6_text_is_glibc_form() {
        assert_eq!(ipv6_text(&"::1.2.3.4".parse().unwrap()), "::1.2.3.4");
        assert_eq!(
            ipv6_text(&"::ffff:1.2.3.4".parse().unwrap()),
            "::ffff:1.2.3.4"
        );
        assert_eq!(ipv6_text(&"fe80::1".parse().unwrap()), "fe80::1");
    }

    #[test]
    fn bad_byte_lengths_are_refused() {
        assert!(from_bytes(&[]).is_err());
        assert!(from_bytes(&[0u8; 1000]).is_err());
    }
}
