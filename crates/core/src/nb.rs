//! One non-blocking attempt of a socket call, whatever the fd's own
//! blocking mode: the fast path of the Promise API. recv/send-type calls
//! pass MSG_DONTWAIT; connect, accept and sendfile have no such flag, so the
//! fd is made non-blocking for the one call and put back as it was (the
//! synchronous API never sees the difference). `Err(Error::Os(EAGAIN))` or
//! EINPROGRESS means: wait for readiness, then try again.

use std::io;
use std::os::fd::RawFd;

use socket2::SockAddr;

use crate::error::{Error, Result};
use crate::sys;
use crate::wait::Mode;

/// The flag that makes one recv/send call non-blocking.
pub const DONTWAIT: i32 = libc::MSG_DONTWAIT;

/// Runs `f` with O_NONBLOCK set on `fd`, restoring the previous flags after.
pub fn with_nonblocking<T>(fd: RawFd, f: impl FnOnce() -> Result<T>) -> Result<T> {
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 {
        return Err(last());
    }
    if flags & libc::O_NONBLOCK != 0 {
        return f();
    }
    if unsafe { libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) } < 0 {
        return Err(last());
    }
    let out = f();
    // Put the mode back even when the call failed; an error here wins only
    // if the call itself succeeded.
    let restored = unsafe { libc::fcntl(fd, libc::F_SETFL, flags) };
    match out {
        Ok(_) if restored < 0 => Err(last()),
        other => other,
    }
}

fn last() -> Error {
    Error::Os(
        io::Error::last_os_error()
            .raw_os_error()
            .unwrap_or(libc::EIO),
    )
}

pub fn recv(fd: RawFd, buf: &mut [u8], flags: i32) -> Result<usize> {
    sys::recv(fd, buf, flags | DONTWAIT, Mode::NonBlocking)
}

pub fn recvfrom(fd: RawFd, buf: &mut [u8], flags: i32) -> Result<(usize, SockAddr)> {
    sys::recvfrom(fd, buf, flags | DONTWAIT, Mode::NonBlocking)
}

pub fn send(fd: RawFd, buf: &[u8], flags: i32) -> Result<usize> {
    sys::send(fd, buf, flags | DONTWAIT, Mode::NonBlocking)
}

pub fn sendto(fd: RawFd, buf: &[u8], flags: i32, to: &SockAddr) -> Result<usize> {
    sys::sendto(fd, buf, flags | DONTWAIT, to, Mode::NonBlocking)
}

/// Starts a connection: `Ok` when it completed at once, EINPROGRESS (or
/// EINTR/EAGAIN) when the outcome comes later through `connect_result`.
pub fn connect(fd: RawFd, addr: &SockAddr) -> Result<()> {
    with_nonblocking(fd, || sys::connect(fd, addr, Mode::NonBlocking))
}

/// The outcome of a connection started by `connect`, once the fd is
/// writable: `Ok` or the error the kernel recorded (SO_ERROR).
pub fn connect_result(fd: RawFd) -> Result<()> {
    match sys::getsockopt_int(fd, libc::SOL_SOCKET, libc::SO_ERROR)? {
        0 => Ok(()),
        e => Err(Error::Os(e)),
    }
}

pub fn accept(fd: RawFd) -> Result<(RawFd, SockAddr)> {
    with_nonblocking(fd, || sys::accept(fd, Mode::NonBlocking))
}

/// sendfile(2) from `in_fd` at `offset`, at most `count` bytes.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub fn sendfile(out_fd: RawFd, in_fd: RawFd, offset: i64, count: usize) -> Result<usize> {
    with_nonblocking(out_fd, || {
        let mut off = offset as libc::off_t;
        loop {
            let n = unsafe { libc::sendfile(out_fd, in_fd, &mut off, count) };
            if n >= 0 {
                return Ok(n as usize);
            }
            match last() {
                Error::Os(e) if e == libc::EINTR => continue,
                e => return Err(e),
            }
        }
    })
}

/// Elsewhere the caller falls back to read + send.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub fn sendfile(_out_fd: RawFd, _in_fd: RawFd, _offset: i64, _count: usize) -> Result<usize> {
    Err(Error::Os(libc::ENOSYS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsRawFd;

    fn pair() -> (socket2::Socket, socket2::Socket) {
        socket2::Socket::pair(socket2::Domain::UNIX, socket2::Type::STREAM, None).unwrap()
    }

    #[test]
    fn recv_on_a_blocking_fd_does_not_block() {
        let (a, b) = pair();
        let mut buf = [0u8; 4];
        assert_eq!(
            recv(a.as_raw_fd(), &mut buf, 0),
            Err(Error::Os(libc::EAGAIN))
        );
        assert_eq!(send(b.as_raw_fd(), b"hi", 0), Ok(2));
        assert_eq!(recv(a.as_raw_fd(), &mut buf, 0), Ok(2));
        assert_eq!(&buf[..2], b"hi");
        assert!(sys::get_blocking(a.as_raw_fd()).unwrap());
    }

    /// A TCP socket bound to an ephemeral port on 127.0.0.1.
    fn loopback_tcp() -> socket2::Socket {
        let l = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        let any: std::net::SocketAddr = "127.0.0.1:0".parse().unwrap();
        l.bind(&any.into()).unwrap();
        l
    }

    #[test]
    fn accept_restores_blocking_mode() {
        let l = loopback_tcp();
        l.listen(1).unwrap();
        let fd = l.as_raw_fd();
        assert!(matches!(accept(fd), Err(Error::Os(e)) if e == libc::EAGAIN));
        assert!(sys::get_blocking(fd).unwrap());
        let c = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        let r = connect(c.as_raw_fd(), &l.local_addr().unwrap());
        assert!(matches!(r, Ok(()) | Err(Error::Os(libc::EINPROGRESS))));
        assert!(sys::get_blocking(c.as_raw_fd()).unwrap());
        let (new, _) = sys::accept(fd, Mode::Blocking).unwrap();
        assert_eq!(connect_result(c.as_raw_fd()), Ok(()));
        sys::close(new).unwrap();
    }

    #[test]
    fn connect_result_reports_refusal() {
        // A port with no listener: bind one, read its number, close it.
        let l = loopback_tcp();
        let addr = l.local_addr().unwrap();
        drop(l);
        let c = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        match connect(c.as_raw_fd(), &addr) {
            Err(Error::Os(libc::ECONNREFUSED)) => {}
            Err(Error::Os(libc::EINPROGRESS)) => {
                let pfd = c.as_raw_fd();
                crate::wait::poll_once(pfd, crate::wait::Interest::Write, None).unwrap();
                assert_eq!(connect_result(pfd), Err(Error::Os(libc::ECONNREFUSED)));
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
