//! Name services: getaddrinfo and CPython's host-to-address rules
//! (`setipaddr`), with errors as numbers for the JavaScript layer.

use std::ffi::{CStr, CString};
use std::mem;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::ptr;

use socket2::SockAddr;

use crate::error::{Error, Result};

/// The C library's text for an EAI_* code.
pub fn gai_strerror(code: i32) -> String {
    // SAFETY: gai_strerror returns a static string for any code.
    let p = unsafe { libc::gai_strerror(code) };
    if p.is_null() {
        return format!("Unknown error {code}");
    }
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

/// One result of getaddrinfo.
#[derive(Debug)]
pub struct AddrInfo {
    pub family: i32,
    pub socktype: i32,
    pub protocol: i32,
    pub canonname: String,
    pub addr: SockAddr,
}

fn cstring(bytes: &[u8]) -> Result<CString> {
    CString::new(bytes).map_err(|_| Error::Value("embedded null byte".into()))
}

fn gai_error(code: i32) -> Error {
    if code == libc::EAI_SYSTEM {
        Error::last()
    } else {
        Error::Gai(code)
    }
}

/// getaddrinfo(3) as is: `host` and `service` are the exact strings to pass.
pub fn getaddrinfo(
    host: Option<&[u8]>,
    service: Option<&[u8]>,
    family: i32,
    socktype: i32,
    protocol: i32,
    flags: i32,
) -> Result<Vec<AddrInfo>> {
    let host = host.map(cstring).transpose()?;
    let service = service.map(cstring).transpose()?;
    let mut hints: libc::addrinfo = unsafe { mem::zeroed() };
    hints.ai_family = family;
    hints.ai_socktype = socktype;
    hints.ai_protocol = protocol;
    hints.ai_flags = flags;
    let mut res: *mut libc::addrinfo = ptr::null_mut();
    // SAFETY: every pointer is valid or null; res is freed below.
    let rc = unsafe {
        libc::getaddrinfo(
            host.as_ref().map_or(ptr::null(), |h| h.as_ptr()),
            service.as_ref().map_or(ptr::null(), |s| s.as_ptr()),
            &hints,
            &mut res,
        )
    };
    if rc != 0 {
        return Err(gai_error(rc));
    }
    let mut out = Vec::new();
    let mut cur = res;
    while !cur.is_null() {
        // SAFETY: getaddrinfo returned a valid list.
        let ai = unsafe { &*cur };
        let canonname = if ai.ai_canonname.is_null() {
            String::new()
        } else {
            unsafe { CStr::from_ptr(ai.ai_canonname) }
                .to_string_lossy()
                .into_owned()
        };
        let len = (ai.ai_addrlen as usize).min(mem::size_of::<libc::sockaddr_storage>());
        let bytes = unsafe { std::slice::from_raw_parts(ai.ai_addr.cast::<u8>(), len) };
        if let Ok(addr) = crate::addr::from_bytes(bytes) {
            out.push(AddrInfo {
                family: ai.ai_family,
                socktype: ai.ai_socktype,
                protocol: ai.ai_protocol,
                canonname,
                addr,
            });
        }
        cur = ai.ai_next;
    }
    unsafe { libc::freeaddrinfo(res) };
    Ok(out)
}

/// An IP address resolved from a host string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ip {
    V4(Ipv4Addr),
    V6 { ip: Ipv6Addr },
}

fn inet_pton4(name: &CStr) -> Option<Ipv4Addr> {
    let mut out = [0u8; 4];
    let rc =
        unsafe { crate::ffi::inet_pton(libc::AF_INET, name.as_ptr(), out.as_mut_ptr().cast()) };
    (rc > 0).then(|| Ipv4Addr::from(out))
}

fn inet_pton6(name: &CStr) -> Option<Ipv6Addr> {
    let mut out = [0u8; 16];
    let rc =
        unsafe { crate::ffi::inet_pton(libc::AF_INET6, name.as_ptr(), out.as_mut_ptr().cast()) };
    (rc > 0).then(|| Ipv6Addr::from(out))
}

fn ip_of(addr: &SockAddr) -> Result<Ip> {
    match crate::addr::decode(addr) {
        crate::addr::Address::Inet { ip, .. } => Ok(Ip::V4(ip)),
        crate::addr::Address::Inet6 { ip, .. } => Ok(Ip::V6 { ip }),
        _ => Err(Error::OsMessage("unknown address family".into())),
    }
}

/// CPython's `setipaddr`: the empty string is the wildcard, `<broadcast>` the
/// broadcast address, numeric forms skip the resolver, anything else goes
/// through getaddrinfo for family `af`.
pub fn resolve_host(name: &[u8], af: i32) -> Result<Ip> {
    let cname = cstring(name)?;
    if name.is_empty() {
        let found = getaddrinfo(None, Some(b"0"), af, libc::SOCK_DGRAM, 0, libc::AI_PASSIVE)?;
        let first = found.first().ok_or(Error::Gai(libc::EAI_NONAME))?;
        if first.family != libc::AF_INET && first.family != libc::AF_INET6 {
            return Err(Error::OsMessage("unsupported address family".into()));
        }
        if found.len() > 1 {
            return Err(Error::OsMessage(
                "wildcard resolved to multiple address".into(),
            ));
        }
        return ip_of(&first.addr);
    }
    if name == b"255.255.255.255" || name == b"<broadcast>" {
        if af != libc::AF_INET && af != libc::AF_UNSPEC {
            return Err(Error::OsMessage("address family mismatched".into()));
        }
        return Ok(Ip::V4(Ipv4Addr::BROADCAST));
    }
    if af == libc::AF_UNSPEC || af == libc::AF_INET {
        if let Some(ip) = inet_pton4(&cname) {
            return Ok(Ip::V4(ip));
        }
    }
    if (af == libc::AF_UNSPEC || af == libc::AF_INET6) && !name.contains(&b'%') {
        if let Some(ip) = inet_pton6(&cname) {
            return Ok(Ip::V6 { ip });
        }
    }
    let found = getaddrinfo(Some(name), None, af, 0, 0, 0)?;
    let first = found.first().ok_or(Error::Gai(libc::EAI_NONAME))?;
    ip_of(&first.addr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_hosts_skip_the_resolver() {
        assert_eq!(
            resolve_host(b"127.0.0.1", libc::AF_INET).unwrap(),
            Ip::V4(Ipv4Addr::LOCALHOST)
        );
        assert_eq!(
            resolve_host(b"::1", libc::AF_INET6).unwrap(),
            Ip::V6 {
                ip: Ipv6Addr::LOCALHOST
            }
        );
        assert_eq!(
            resolve_host(b"<broadcast>", libc::AF_INET).unwrap(),
            Ip::V4(Ipv4Addr::BROADCAST)
        );
        assert_eq!(
            resolve_host(b"<broadcast>", libc::AF_INET6).unwrap_err(),
            Error::OsMessage("address family mismatched".into())
        );
        assert_eq!(
            resolve_host(b"", libc::AF_INET).unwrap(),
            Ip::V4(Ipv4Addr::UNSPECIFIED)
        );
    }

    #[test]
    fn resolver_errors_are_gai_codes() {
        // An IPv6 literal for AF_INET fails without any DNS query.
        match resolve_host(b"::1", libc::AF_INET) {
            Err(Error::Gai(code)) => assert!(!gai_strerror(code).is_empty()),
            other => panic!("expected a gaierror, got {other:?}"),
        }
        match getaddrinfo(
            Some(b"no-such-host.invalid"),
            None,
            libc::AF_INET,
            0,
            0,
            libc::AI_NUMERICHOST,
        ) {
            Err(Error::Gai(code)) => assert_eq!(code, libc::EAI_NONAME),
            other => panic!("expected EAI_NONAME, got {other:?}"),
        }
        assert_eq!(
            resolve_host(b"a\0b", libc::AF_INET).unwrap_err(),
            Error::Value("embedded null byte".into())
        );
    }

    #[test]
    fn getaddrinfo_numeric() {
        let r = getaddrinfo(
            Some(b"127.0.0.1"),
            Some(b"80"),
            libc::AF_INET,
            libc::SOCK_STREAM,
            0,
            libc::AI_NUMERICHOST,
        )
        .unwrap();
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].family, libc::AF_INET);
        assert_eq!(r[0].socktype, libc::SOCK_STREAM);
    }
}
