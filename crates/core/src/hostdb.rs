//! The rest of the name services: host entries (h_errno errors), services,
//! protocols, getnameinfo, the host name, interface names, and the text <->
//! packed address conversions, as the C library does them.

use std::ffi::{CStr, CString};
use std::mem;
use std::ptr;

use socket2::SockAddr;

use crate::error::{Error, Result};
use crate::ffi;

fn cstring(bytes: &[u8]) -> Result<CString> {
    CString::new(bytes).map_err(|_| Error::Value("embedded null character".into()))
}

/// The bytes of a C string (empty for NULL), for names Python decodes with
/// the file-system encoding (interface names).
fn raw(p: *const libc::c_char) -> Vec<u8> {
    if p.is_null() {
        return Vec::new();
    }
    // SAFETY: a non-null pointer from the C library to a NUL-terminated string.
    unsafe { CStr::from_ptr(p) }.to_bytes().to_vec()
}

fn text(p: *const libc::c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: a non-null pointer from the C library to a NUL-terminated string.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

/// The C library's text for an h_errno value.
pub fn hstrerror(code: i32) -> String {
    // SAFETY: hstrerror returns a static string for any code.
    let p = unsafe { libc::hstrerror(code) };
    if p.is_null() {
        return "Unknown host".into();
    }
    text(p)
}

/// A host entry: `(name, aliases, addresses as text)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostEnt {
    pub name: String,
    pub aliases: Vec<String>,
    pub addrs: Vec<String>,
}

/// Packed address bytes as text (inet_ntop), or None for a bad length/family.
pub fn ntop(family: i32, packed: &[u8]) -> Option<String> {
    let want = match family {
        libc::AF_INET => 4,
        libc::AF_INET6 => 16,
        _ => return None,
    };
    if packed.len() != want {
        return None;
    }
    let mut buf = [0u8; 64];
    // SAFETY: `packed` holds the address, buf is larger than INET6_ADDRSTRLEN.
    let p = unsafe {
        ffi::inet_ntop(
            family,
            packed.as_ptr().cast(),
            buf.as_mut_ptr().cast(),
            buf.len() as libc::socklen_t,
        )
    };
    if p.is_null() {
        return None;
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(0);
    Some(String::from_utf8_lossy(&buf[..end]).into_owned())
}

/// inet_pton(3): `Ok(None)` when the text is not an address of `family`,
/// `Err(EAFNOSUPPORT)` for an unknown family.
pub fn pton(family: i32, text: &[u8]) -> Result<Option<Vec<u8>>> {
    let c = cstring(text)?;
    let mut out = [0u8; 16];
    // SAFETY: out is large enough for either family.
    let rc = unsafe { ffi::inet_pton(family, c.as_ptr(), out.as_mut_ptr().cast()) };
    match rc {
        1 => Ok(Some(
            out[..if family == libc::AF_INET { 4 } else { 16 }].to_vec(),
        )),
        0 => Ok(None),
        _ => Err(Error::last()),
    }
}

/// inet_aton(3), with the C library's leniency (`127.1`, hex, octal).
pub fn aton(text: &[u8]) -> Result<Option<[u8; 4]>> {
    let c = cstring(text)?;
    let mut out: libc::in_addr = unsafe { mem::zeroed() };
    // SAFETY: valid string and out pointer.
    let rc = unsafe { ffi::inet_aton(c.as_ptr(), &mut out) };
    Ok((rc != 0).then(|| out.s_addr.to_ne_bytes()))
}

unsafe fn string_list(mut p: *mut *mut libc::c_char) -> Vec<String> {
    let mut out = Vec::new();
    if p.is_null() {
        return out;
    }
    while !(*p).is_null() {
        out.push(text(*p));
        p = p.add(1);
    }
    out
}

unsafe fn hostent(h: &libc::hostent) -> HostEnt {
    let mut addrs = Vec::new();
    let len = h.h_length as usize;
    let mut p = h.h_addr_list;
    if !p.is_null() {
        while !(*p).is_null() {
            let bytes = std::slice::from_raw_parts((*p).cast::<u8>(), len);
            if let Some(t) = ntop(h.h_addrtype, bytes) {
                addrs.push(t);
            }
            p = p.add(1);
        }
    }
    HostEnt {
        name: text(h.h_name),
        aliases: string_list(h.h_aliases),
        addrs,
    }
}

/// gethostbyname(3): the IPv4 host entry of `name`.
pub fn gethostbyname_ex(name: &[u8]) -> Result<HostEnt> {
    let c = cstring(name)?;
    #[cfg(any(target_os = "linux", target_os = "android"))]
    return lookup(|h, buf, res, herr| unsafe {
        ffi::gethostbyname_r(c.as_ptr(), h, buf.as_mut_ptr().cast(), buf.len(), res, herr)
    });
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    return classic(|| unsafe { ffi::gethostbyname(c.as_ptr()) });
}

/// gethostbyaddr(3) for packed address bytes of `family`.
pub fn gethostbyaddr(packed: &[u8], family: i32) -> Result<HostEnt> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    return lookup(|h, buf, res, herr| unsafe {
        ffi::gethostbyaddr_r(
            packed.as_ptr().cast(),
            packed.len() as libc::socklen_t,
            family,
            h,
            buf.as_mut_ptr().cast(),
            buf.len(),
            res,
            herr,
        )
    });
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    return classic(|| unsafe {
        ffi::gethostbyaddr(
            packed.as_ptr().cast(),
            packed.len() as libc::socklen_t,
            family,
        )
    });
}

/// The non-reentrant calls: run and copied out under the netdb lock.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn classic(call: impl FnOnce() -> *mut libc::hostent) -> Result<HostEnt> {
    let _guard = NETDB.lock().unwrap_or_else(|e| e.into_inner());
    let h = call();
    if h.is_null() {
        // SAFETY: h_errno is the C library's global, read under the lock.
        let code = unsafe { ffi::h_errno };
        return Err(Error::Host(if code == 0 { 1 } else { code }));
    }
    // SAFETY: the static entry is valid until the next call, which the lock excludes.
    Ok(unsafe { hostent(&*h) })
}

/// The reentrant `_r` calls, growing the buffer on ERANGE.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn lookup(
    call: impl Fn(
        *mut libc::hostent,
        &mut [u8],
        *mut *mut libc::hostent,
        *mut libc::c_int,
    ) -> libc::c_int,
) -> Result<HostEnt> {
    let mut buf = vec![0u8; 16384];
    loop {
        let mut h: libc::hostent = unsafe { mem::zeroed() };
        let mut res: *mut libc::hostent = ptr::null_mut();
        let mut herr: libc::c_int = 0;
        let rc = call(&mut h, &mut buf, &mut res, &mut herr);
        if rc == libc::ERANGE && buf.len() < (1 << 24) {
            let n = buf.len() * 2;
            buf.resize(n, 0);
            continue;
        }
        if res.is_null() {
            // No entry: the h_errno family (HOST_NOT_FOUND etc.).
            return Err(Error::Host(if herr == 0 { 1 } else { herr }));
        }
        // SAFETY: res points at `h`, filled from `buf`, both alive here.
        return Ok(unsafe { hostent(&*res) });
    }
}

/// getnameinfo(3) on a socket address: `(host, service)`.
pub fn getnameinfo(addr: &SockAddr, flags: i32) -> Result<(String, String)> {
    let mut host = [0u8; 1025];
    let mut serv = [0u8; 32];
    // SAFETY: addr is a valid sockaddr of addr.len() bytes; buffers sized as passed.
    let rc = unsafe {
        libc::getnameinfo(
            addr.as_ptr().cast(),
            addr.len(),
            host.as_mut_ptr().cast(),
            host.len() as _,
            serv.as_mut_ptr().cast(),
            serv.len() as _,
            flags,
        )
    };
    if rc != 0 {
        return Err(if rc == libc::EAI_SYSTEM {
            Error::last()
        } else {
            Error::Gai(rc)
        });
    }
    Ok((text(host.as_ptr().cast()), text(serv.as_ptr().cast())))
}

/// CPython's getnameinfo on a `(host, port[, flowinfo, scope_id])` tuple:
/// the numeric host and port go through getaddrinfo first, then the result
/// (with the IPv6 fields set) through getnameinfo(3).
pub fn getnameinfo_tuple(
    host: &[u8],
    port: i32,
    v6: Option<(u32, u32)>,
    flags: i32,
) -> Result<(String, String)> {
    let service = port.to_string();
    let found = crate::netdb::getaddrinfo(
        Some(host),
        Some(service.as_bytes()),
        libc::AF_UNSPEC,
        libc::SOCK_DGRAM,
        0,
        libc::AI_NUMERICHOST,
    )?;
    if found.len() > 1 {
        return Err(Error::OsMessage(
            "sockaddr resolved to multiple addresses".into(),
        ));
    }
    let first = found.first().ok_or(Error::Gai(libc::EAI_NONAME))?;
    let addr = match crate::addr::decode(&first.addr) {
        crate::addr::Address::Inet { .. } => {
            if v6.is_some() {
                return Err(Error::OsMessage("IPv4 sockaddr must be 2 tuple".into()));
            }
            first.addr.clone()
        }
        crate::addr::Address::Inet6 { ip, port, .. } => {
            let (flowinfo, scope_id) = v6.unwrap_or((0, 0));
            crate::addr::encode_inet6(ip, port, flowinfo, scope_id)
        }
        _ => first.addr.clone(),
    };
    getnameinfo(&addr, flags)
}

/// getprotobyname(3).
pub fn getprotobyname(name: &[u8]) -> Result<Option<i32>> {
    let c = cstring(name)?;
    let _guard = NETDB.lock().unwrap_or_else(|e| e.into_inner());
    // SAFETY: valid string; the static result is read under the lock.
    let p = unsafe { libc::getprotobyname(c.as_ptr()) };
    Ok((!p.is_null()).then(|| unsafe { (*p).p_proto }))
}

/// getservbyname(3): the port in host order.
pub fn getservbyname(name: &[u8], proto: Option<&[u8]>) -> Result<Option<u16>> {
    let c = cstring(name)?;
    let p = proto.map(cstring).transpose()?;
    let _guard = NETDB.lock().unwrap_or_else(|e| e.into_inner());
    // SAFETY: valid strings; the static result is read under the lock.
    let s =
        unsafe { libc::getservbyname(c.as_ptr(), p.as_ref().map_or(ptr::null(), |p| p.as_ptr())) };
    Ok((!s.is_null()).then(|| u16::from_be(unsafe { (*s).s_port } as u16)))
}

/// getservbyport(3) for a port in host order.
pub fn getservbyport(port: u16, proto: Option<&[u8]>) -> Result<Option<String>> {
    let p = proto.map(cstring).transpose()?;
    let _guard = NETDB.lock().unwrap_or_else(|e| e.into_inner());
    // SAFETY: valid strings; the static result is read under the lock.
    let s = unsafe {
        libc::getservbyport(
            port.to_be() as libc::c_int,
            p.as_ref().map_or(ptr::null(), |p| p.as_ptr()),
        )
    };
    Ok((!s.is_null()).then(|| text(unsafe { (*s).s_name })))
}

/// The non-reentrant netdb calls share static storage.
static NETDB: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// gethostname(2) as bytes.
pub fn gethostname() -> Result<Vec<u8>> {
    let mut buf = [0u8; 1024];
    // SAFETY: buf and its length.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len() - 1) };
    if rc != 0 {
        return Err(Error::last());
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    Ok(buf[..end].to_vec())
}

/// sethostname(2).
pub fn sethostname(name: &[u8]) -> Result<()> {
    use std::os::unix::ffi::OsStrExt;
    nix::unistd::sethostname(std::ffi::OsStr::from_bytes(name))?;
    Ok(())
}

/// if_nameindex(3): `(index, name)` pairs, names as the kernel's bytes.
pub fn if_nameindex() -> Result<Vec<(u32, Vec<u8>)>> {
    // SAFETY: the list is read then freed.
    let list = unsafe { libc::if_nameindex() };
    if list.is_null() {
        return Err(Error::last());
    }
    let mut out = Vec::new();
    let mut p = list;
    unsafe {
        while (*p).if_index != 0 && !(*p).if_name.is_null() {
            out.push(((*p).if_index, raw((*p).if_name)));
            p = p.add(1);
        }
        libc::if_freenameindex(list);
    }
    Ok(out)
}

/// if_nametoindex(3): 0 when there is no such interface.
pub fn if_nametoindex(name: &[u8]) -> Result<u32> {
    let c = cstring(name)?;
    // SAFETY: valid string.
    Ok(unsafe { libc::if_nametoindex(c.as_ptr()) })
}

/// if_indextoname(3): the name as the kernel's bytes.
pub fn if_indextoname(index: u32) -> Result<Vec<u8>> {
    // Larger than IF_NAMESIZE (16) on every platform.
    let mut buf = [0u8; 64];
    // SAFETY: buf holds more than IF_NAMESIZE bytes.
    let p = unsafe { libc::if_indextoname(index, buf.as_mut_ptr().cast()) };
    if p.is_null() {
        return Err(Error::last());
    }
    Ok(raw(buf.as_ptr().cast()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions() {
        assert_eq!(aton(b"127.1").unwrap(), Some([127, 0, 0, 1]));
        assert_eq!(aton(b"256.1.1.1").unwrap(), None);
        assert_eq!(pton(libc::AF_INET, b"127.1").unwrap(), None);
        assert_eq!(pton(libc::AF_INET6, b"::1").unwrap().unwrap()[15], 1);
        assert_eq!(
            pton(12345, b"::1").unwrap_err(),
            Error::Os(libc::EAFNOSUPPORT)
        );
        assert_eq!(ntop(libc::AF_INET, &[1, 2, 3, 4]).unwrap(), "1.2.3.4");
        assert_eq!(ntop(libc::AF_INET, &[1, 2, 3]), None);
    }

    #[test]
    fn loopback_lookups() {
        let h = gethostbyname_ex(b"127.0.0.1").unwrap();
        assert_eq!(h.addrs, vec!["127.0.0.1".to_string()]);
        let lo = if_nametoindex(b"lo").unwrap();
        assert!(lo > 0);
        assert_eq!(if_indextoname(lo).unwrap(), b"lo");
        assert!(if_nameindex().unwrap().contains(&(lo, b"lo".to_vec())));
        assert_eq!(getprotobyname(b"tcp").unwrap(), Some(libc::IPPROTO_TCP));
    }
}
