//! The socket syscalls on a raw fd, each under a `Mode` (see `wait`).
//! The fd's ownership stays with the JavaScript socket object; these
//! functions borrow it.

use std::io;
use std::mem;
use std::os::fd::RawFd;

use socket2::SockAddr;

use crate::error::{Error, Result};
use crate::wait::{self, Deadline, Interest, Mode};

fn cvt(rc: libc::c_int) -> io::Result<libc::c_int> {
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(rc)
    }
}

fn cvt_size(rc: libc::ssize_t) -> io::Result<usize> {
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(rc as usize)
    }
}

/// Flags that socket(2) accepts inside `type` on this platform.
#[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
const TYPE_FLAGS: i32 = libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC;
#[cfg(not(any(target_os = "linux", target_os = "android", target_os = "freebsd")))]
const TYPE_FLAGS: i32 = 0;

/// `type` with SOCK_NONBLOCK/SOCK_CLOEXEC removed, as Python's `.type`.
pub fn plain_type(ty: i32) -> i32 {
    ty & !TYPE_FLAGS
}

/// The SOCK_NONBLOCK flag of this platform, 0 where socket(2) has none.
pub fn nonblock_flag() -> i32 {
    #[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
    {
        libc::SOCK_NONBLOCK
    }
    #[cfg(not(any(target_os = "linux", target_os = "android", target_os = "freebsd")))]
    {
        0
    }
}

/// A new non-inheritable socket.
pub fn socket(family: i32, ty: i32, proto: i32) -> Result<RawFd> {
    #[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
    {
        Ok(cvt(unsafe {
            libc::socket(family, ty | libc::SOCK_CLOEXEC, proto)
        })?)
    }
    #[cfg(not(any(target_os = "linux", target_os = "android", target_os = "freebsd")))]
    {
        let fd = cvt(unsafe { libc::socket(family, ty, proto) })?;
        set_inheritable(fd, false)?;
        Ok(fd)
    }
}

/// A connected pair of non-inheritable sockets.
pub fn socketpair(family: i32, ty: i32, proto: i32) -> Result<(RawFd, RawFd)> {
    let mut fds = [-1; 2];
    #[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
    cvt(unsafe { libc::socketpair(family, ty | libc::SOCK_CLOEXEC, proto, fds.as_mut_ptr()) })?;
    #[cfg(not(any(target_os = "linux", target_os = "android", target_os = "freebsd")))]
    {
        cvt(unsafe { libc::socketpair(family, ty, proto, fds.as_mut_ptr()) })?;
        set_inheritable(fds[0], false)?;
        set_inheritable(fds[1], false)?;
    }
    Ok((fds[0], fds[1]))
}

/// Family, type and protocol of an existing socket fd.
pub fn describe(fd: RawFd) -> Result<(i32, i32, i32)> {
    let ty = getsockopt_int(fd, libc::SOL_SOCKET, libc::SO_TYPE)?;
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        let family = getsockopt_int(fd, libc::SOL_SOCKET, libc::SO_DOMAIN)?;
        let proto = getsockopt_int(fd, libc::SOL_SOCKET, libc::SO_PROTOCOL)?;
        Ok((family, ty, proto))
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let family = getsockname(fd)?.family() as i32;
        Ok((family, ty, 0))
    }
}

pub fn close(fd: RawFd) -> Result<()> {
    // Not retried on EINTR: the fd is gone either way. CPython ignores
    // ECONNRESET here, since the socket is closed all the same.
    let rc = unsafe { libc::close(fd) };
    if rc < 0 {
        let e = io::Error::last_os_error();
        if e.raw_os_error() != Some(libc::ECONNRESET) {
            return Err(e.into());
        }
    }
    Ok(())
}

pub fn dup(fd: RawFd) -> Result<RawFd> {
    Ok(cvt(unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 0) })?)
}

pub fn get_inheritable(fd: RawFd) -> Result<bool> {
    let flags = cvt(unsafe { libc::fcntl(fd, libc::F_GETFD) })?;
    Ok(flags & libc::FD_CLOEXEC == 0)
}

pub fn set_inheritable(fd: RawFd, inheritable: bool) -> Result<()> {
    let flags = cvt(unsafe { libc::fcntl(fd, libc::F_GETFD) })?;
    let new = if inheritable {
        flags & !libc::FD_CLOEXEC
    } else {
        flags | libc::FD_CLOEXEC
    };
    if new != flags {
        cvt(unsafe { libc::fcntl(fd, libc::F_SETFD, new) })?;
    }
    Ok(())
}

pub fn get_blocking(fd: RawFd) -> Result<bool> {
    let flags = cvt(unsafe { libc::fcntl(fd, libc::F_GETFL) })?;
    Ok(flags & libc::O_NONBLOCK == 0)
}

pub fn set_blocking(fd: RawFd, blocking: bool) -> Result<()> {
    let flags = cvt(unsafe { libc::fcntl(fd, libc::F_GETFL) })?;
    let new = if blocking {
        flags & !libc::O_NONBLOCK
    } else {
        flags | libc::O_NONBLOCK
    };
    if new != flags {
        cvt(unsafe { libc::fcntl(fd, libc::F_SETFL, new) })?;
    }
    Ok(())
}

pub fn bind(fd: RawFd, addr: &SockAddr) -> Result<()> {
    cvt(unsafe { libc::bind(fd, addr.as_ptr().cast(), addr.len()) })?;
    Ok(())
}

pub fn listen(fd: RawFd, backlog: i32) -> Result<()> {
    cvt(unsafe { libc::listen(fd, backlog) })?;
    Ok(())
}

pub fn shutdown(fd: RawFd, how: i32) -> Result<()> {
    cvt(unsafe { libc::shutdown(fd, how) })?;
    Ok(())
}

fn name_of(
    fd: RawFd,
    f: unsafe extern "C" fn(RawFd, *mut libc::sockaddr, *mut libc::socklen_t) -> libc::c_int,
) -> Result<SockAddr> {
    let ((), addr) = unsafe {
        SockAddr::try_init(|storage, len| {
            cvt(f(fd, storage.cast(), len))?;
            Ok(())
        })
    }?;
    Ok(addr)
}

pub fn getsockname(fd: RawFd) -> Result<SockAddr> {
    name_of(fd, libc::getsockname)
}

pub fn getpeername(fd: RawFd) -> Result<SockAddr> {
    name_of(fd, libc::getpeername)
}

/// The SO_ERROR of a socket whose connect is in progress.
fn take_socket_error(fd: RawFd) -> Result<i32> {
    getsockopt_int(fd, libc::SOL_SOCKET, libc::SO_ERROR)
}

/// connect(2) with CPython's `internal_connect`: in timeout mode, and after
/// EINTR in blocking mode, wait for the connection to finish and report its
/// outcome from SO_ERROR.
pub fn connect(fd: RawFd, addr: &SockAddr, mode: Mode) -> Result<()> {
    let rc = unsafe { libc::connect(fd, addr.as_ptr().cast(), addr.len()) };
    if rc == 0 {
        return Ok(());
    }
    let err = io::Error::last_os_error()
        .raw_os_error()
        .unwrap_or(libc::EIO);
    let wait_connect = if err == libc::EINTR {
        mode != Mode::NonBlocking
    } else {
        matches!(mode, Mode::Timeout(_)) && err == libc::EINPROGRESS
    };
    if !wait_connect {
        return Err(Error::Os(err));
    }
    let mut deadline = Deadline::new(mode);
    loop {
        deadline.wait(fd, Interest::Write)?;
        match take_socket_error(fd)? {
            0 => return Ok(()),
            e if e == libc::EISCONN => return Ok(()),
            // A false positive of poll(): keep waiting.
            e if e == libc::EINPROGRESS || e == libc::EALREADY => continue,
            e => return Err(Error::Os(e)),
        }
    }
}

/// accept(2) returning a non-inheritable fd and the peer's address.
pub fn accept(fd: RawFd, mode: Mode) -> Result<(RawFd, SockAddr)> {
    wait::call(fd, mode, Interest::Read, || unsafe {
        SockAddr::try_init(|storage, len| {
            #[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
            {
                cvt(libc::accept4(fd, storage.cast(), len, libc::SOCK_CLOEXEC))
            }
            #[cfg(not(any(target_os = "linux", target_os = "android", target_os = "freebsd")))]
            {
                let new = cvt(libc::accept(fd, storage.cast(), len))?;
                if let Err(e) = set_inheritable(new, false) {
                    libc::close(new);
                    return Err(io::Error::from_raw_os_error(e.errno().unwrap_or(libc::EIO)));
                }
                Ok(new)
            }
        })
    })
}

/// The socket system call `nr` with its arguments, each passed as the
/// `long` that syscall(2) reads (unused ones as 0).
#[cfg(target_os = "linux")]
unsafe fn bare(nr: libc::c_long, args: [isize; 6]) -> libc::ssize_t {
    let [a, b, c, d, e, f] = args.map(|v| v as libc::c_long);
    libc::syscall(nr, a, b, c, d, e, f) as libc::ssize_t
}

/// recv(2) as the bare system call on Linux. The C library's wrapper is a
/// thread-cancellation point, whose bookkeeping (two more calls around
/// every syscall in a threaded process such as Node) costs a good part of a
/// one-byte call's glue; nothing in pysocket cancels threads.
///
/// # Safety
/// `buf` must be valid for writes of `len` bytes.
unsafe fn raw_recv(fd: RawFd, buf: *mut u8, len: usize, flags: i32) -> libc::ssize_t {
    #[cfg(target_os = "linux")]
    {
        bare(
            libc::SYS_recvfrom,
            [
                fd as isize,
                buf as isize,
                len as isize,
                flags as isize,
                0,
                0,
            ],
        )
    }
    #[cfg(not(target_os = "linux"))]
    {
        libc::recv(fd, buf.cast(), len, flags)
    }
}

/// send(2) as the bare system call on Linux (see `raw_recv`).
///
/// # Safety
/// `buf` must be valid for reads of `len` bytes.
unsafe fn raw_send(fd: RawFd, buf: *const u8, len: usize, flags: i32) -> libc::ssize_t {
    #[cfg(target_os = "linux")]
    {
        bare(
            libc::SYS_sendto,
            [
                fd as isize,
                buf as isize,
                len as isize,
                flags as isize,
                0,
                0,
            ],
        )
    }
    #[cfg(not(target_os = "linux"))]
    {
        libc::send(fd, buf.cast(), len, flags)
    }
}

/// sendmsg(2) as the bare system call on Linux (see `raw_recv`).
///
/// # Safety
/// `msg` must point at a valid msghdr whose buffers outlive the call.
pub(crate) unsafe fn raw_sendmsg(fd: RawFd, msg: *const libc::msghdr, flags: i32) -> libc::ssize_t {
    #[cfg(target_os = "linux")]
    {
        bare(
            libc::SYS_sendmsg,
            [fd as isize, msg as isize, flags as isize, 0, 0, 0],
        )
    }
    #[cfg(not(target_os = "linux"))]
    {
        libc::sendmsg(fd, msg, flags)
    }
}

/// recvmsg(2) as the bare system call on Linux (see `raw_recv`).
///
/// # Safety
/// `msg` must point at a valid msghdr whose buffers outlive the call.
pub(crate) unsafe fn raw_recvmsg(fd: RawFd, msg: *mut libc::msghdr, flags: i32) -> libc::ssize_t {
    #[cfg(target_os = "linux")]
    {
        bare(
            libc::SYS_recvmsg,
            [fd as isize, msg as isize, flags as isize, 0, 0, 0],
        )
    }
    #[cfg(not(target_os = "linux"))]
    {
        libc::recvmsg(fd, msg, flags)
    }
}

pub fn recv(fd: RawFd, buf: &mut [u8], flags: i32, mode: Mode) -> Result<usize> {
    wait::call(fd, mode, Interest::Read, || {
        cvt_size(unsafe { raw_recv(fd, buf.as_mut_ptr(), buf.len(), flags) })
    })
}

pub fn recvfrom(fd: RawFd, buf: &mut [u8], flags: i32, mode: Mode) -> Result<(usize, SockAddr)> {
    wait::call(fd, mode, Interest::Read, || unsafe {
        SockAddr::try_init(|storage, len| {
            cvt_size(libc::recvfrom(
                fd,
                buf.as_mut_ptr().cast(),
                buf.len(),
                flags,
                storage.cast(),
                len,
            ))
        })
    })
}

pub fn send(fd: RawFd, buf: &[u8], flags: i32, mode: Mode) -> Result<usize> {
    wait::call(fd, mode, Interest::Write, || {
        cvt_size(unsafe { raw_send(fd, buf.as_ptr(), buf.len(), flags) })
    })
}

pub fn sendto(fd: RawFd, buf: &[u8], flags: i32, addr: &SockAddr, mode: Mode) -> Result<usize> {
    wait::call(fd, mode, Interest::Write, || {
        cvt_size(unsafe {
            libc::sendto(
                fd,
                buf.as_ptr().cast(),
                buf.len(),
                flags,
                addr.as_ptr().cast(),
                addr.len(),
            )
        })
    })
}

/// Sends all of `buf`, one deadline for the whole call. On an error the
/// count already sent is lost, as in Python.
pub fn sendall(fd: RawFd, buf: &[u8], flags: i32, mode: Mode) -> Result<()> {
    let mut deadline = Deadline::new(mode);
    let mut sent = 0;
    while sent < buf.len() {
        let rest = &buf[sent..];
        sent += wait::call_with(fd, &mut deadline, Interest::Write, || {
            cvt_size(unsafe { raw_send(fd, rest.as_ptr(), rest.len(), flags) })
        })?;
    }
    Ok(())
}

pub fn getsockopt_int(fd: RawFd, level: i32, name: i32) -> Result<i32> {
    let mut v: libc::c_int = 0;
    let mut len = mem::size_of::<libc::c_int>() as libc::socklen_t;
    cvt(unsafe {
        libc::getsockopt(
            fd,
            level,
            name,
            (&mut v as *mut libc::c_int).cast(),
            &mut len,
        )
    })?;
    Ok(v)
}

/// getsockopt with a buffer of `buflen` bytes; returns the bytes the kernel wrote.
pub fn getsockopt_buf(fd: RawFd, level: i32, name: i32, buflen: usize) -> Result<Vec<u8>> {
    let mut buf = vec![0u8; buflen];
    let mut len = buflen as libc::socklen_t;
    cvt(unsafe { libc::getsockopt(fd, level, name, buf.as_mut_ptr().cast(), &mut len) })?;
    buf.truncate(len as usize);
    Ok(buf)
}

pub fn setsockopt_int(fd: RawFd, level: i32, name: i32, value: i32) -> Result<()> {
    let v: libc::c_int = value;
    cvt(unsafe {
        libc::setsockopt(
            fd,
            level,
            name,
            (&v as *const libc::c_int).cast(),
            mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    })?;
    Ok(())
}

pub fn setsockopt_buf(fd: RawFd, level: i32, name: i32, value: &[u8]) -> Result<()> {
    cvt(unsafe {
        libc::setsockopt(
            fd,
            level,
            name,
            value.as_ptr().cast(),
            value.len() as libc::socklen_t,
        )
    })?;
    Ok(())
}

/// `setsockopt(level, optname, None, optlen)`: a NULL option value.
pub fn setsockopt_null(fd: RawFd, level: i32, name: i32, optlen: u32) -> Result<()> {
    cvt(unsafe { libc::setsockopt(fd, level, name, std::ptr::null(), optlen as libc::socklen_t) })?;
    Ok(())
}

/// Whether `fd` refers to an open file description.
pub fn is_open(fd: RawFd) -> bool {
    unsafe { libc::fcntl(fd, libc::F_GETFD) >= 0 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addr::{self, Address};
    use std::net::Ipv4Addr;

    fn tcp_pair() -> (RawFd, RawFd, RawFd) {
        let l = socket(libc::AF_INET, libc::SOCK_STREAM, 0).unwrap();
        bind(l, &addr::encode_inet(Ipv4Addr::LOCALHOST, 0)).unwrap();
        listen(l, 1).unwrap();
        let at = getsockname(l).unwrap();
        let c = socket(libc::AF_INET, libc::SOCK_STREAM, 0).unwrap();
        connect(c, &at, Mode::Blocking).unwrap();
        let (s, peer) = accept(l, Mode::Blocking).unwrap();
        assert_eq!(addr::decode(&peer), addr::decode(&getsockname(c).unwrap()));
        (l, c, s)
    }

    #[test]
    fn tcp_exchange_over_loopback() {
        let (l, c, s) = tcp_pair();
        sendall(c, b"hello", 0, Mode::Blocking).unwrap();
        let mut buf = [0u8; 16];
        set_blocking(s, false).unwrap();
        let n = recv(s, &mut buf, 0, Mode::from_secs(5.0)).unwrap();
        assert_eq!(&buf[..n], b"hello");
        assert!(!get_inheritable(s).unwrap());
        assert_eq!(
            describe(s).unwrap(),
            (libc::AF_INET, libc::SOCK_STREAM, libc::IPPROTO_TCP)
        );
        for fd in [l, c, s] {
            close(fd).unwrap();
        }
    }

    #[test]
    fn udp_recvfrom_reports_the_sender() {
        let a = socket(libc::AF_INET, libc::SOCK_DGRAM, 0).unwrap();
        let b = socket(libc::AF_INET, libc::SOCK_DGRAM, 0).unwrap();
        bind(a, &addr::encode_inet(Ipv4Addr::LOCALHOST, 0)).unwrap();
        bind(b, &addr::encode_inet(Ipv4Addr::LOCALHOST, 0)).unwrap();
        let at = getsockname(a).unwrap();
        assert_eq!(sendto(b, b"x", 0, &at, Mode::Blocking).unwrap(), 1);
        let mut buf = [0u8; 4];
        let (n, from) = recvfrom(a, &mut buf, 0, Mode::Blocking).unwrap();
        assert_eq!(n, 1);
        assert_eq!(addr::decode(&from), addr::decode(&getsockname(b).unwrap()));
        assert!(matches!(addr::decode(&from), Address::Inet { .. }));
        close(a).unwrap();
        close(b).unwrap();
    }

    #[test]
    fn refused_connect_reports_econnrefused_in_timeout_mode() {
        let l = socket(libc::AF_INET, libc::SOCK_STREAM, 0).unwrap();
        bind(l, &addr::encode_inet(Ipv4Addr::LOCALHOST, 0)).unwrap();
        let at = getsockname(l).unwrap();
        close(l).unwrap();
        let c = socket(libc::AF_INET, libc::SOCK_STREAM, 0).unwrap();
        set_blocking(c, false).unwrap();
        assert_eq!(
            connect(c, &at, Mode::from_secs(5.0)),
            Err(Error::Os(libc::ECONNREFUSED))
        );
        close(c).unwrap();
    }

    #[test]
    fn options_round_trip() {
        let s = socket(libc::AF_INET, libc::SOCK_STREAM, 0).unwrap();
        setsockopt_int(s, libc::SOL_SOCKET, libc::SO_REUSEADDR, 1).unwrap();
        assert_eq!(
            getsockopt_int(s, libc::SOL_SOCKET, libc::SO_REUSEADDR).unwrap(),
            1
        );
        let raw = getsockopt_buf(s, libc::SOL_SOCKET, libc::SO_REUSEADDR, 4).unwrap();
        assert_eq!(raw, 1i32.to_ne_bytes());
        assert_eq!(
            getsockopt_int(s, libc::SOL_SOCKET, 99999),
            Err(Error::Os(libc::ENOPROTOOPT))
        );
        close(s).unwrap();
    }
}
