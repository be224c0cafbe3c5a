//! `socket.sendfile()` as CPython's Lib/socket.py does it: the kernel's
//! sendfile(2) from a regular file into a stream socket, and where the kernel
//! refuses before anything was sent, a read/send loop. Either way the file's
//! position ends after the last byte sent. Unlike CPython, which returns 0
//! for any file whose st_size is 0, a pipe, socket or device is read to its
//! end by the send loop.

use std::io;
use std::mem;
use std::os::fd::RawFd;

use crate::error::{Error, Result};
use crate::wait::{self, Interest, Mode};

/// CPython sends at most 1 GiB per sendfile(2) call (bpo-38319).
const MAX_BLOCK: u64 = 1 << 30;
/// The read size of the fallback loop.
const SEND_BLOCK: u64 = 8192;

/// The size of a regular file; None for anything else (pipes, sockets,
/// devices), which the send loop reads to its end instead.
fn regular_file_size(fd: RawFd) -> io::Result<Option<u64>> {
    // SAFETY: a zeroed stat is a valid out-parameter.
    let mut st: libc::stat = unsafe { mem::zeroed() };
    if unsafe { libc::fstat(fd, &mut st) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok((st.st_mode & libc::S_IFMT == libc::S_IFREG).then_some(st.st_size as u64))
}

fn seek(fd: RawFd, pos: i64) -> Result<()> {
    if unsafe { libc::lseek(fd, pos as libc::off_t, libc::SEEK_SET) } < 0 {
        return Err(Error::last());
    }
    Ok(())
}

/// Where the zero-copy attempt ended.
enum Outcome {
    Sent(u64),
    /// The kernel refused before anything was sent: fall back to send().
    GiveUp,
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn kernel_sendfile(sock: RawFd, file: RawFd, offset: &mut i64, len: u64) -> io::Result<u64> {
    let mut off = *offset as libc::off_t;
    let n = unsafe { libc::sendfile(sock, file, &mut off, len as usize) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    *offset = off as i64;
    Ok(n as u64)
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn kernel_sendfile(_sock: RawFd, _file: RawFd, _offset: &mut i64, _len: u64) -> io::Result<u64> {
    // Only Linux's sendfile is wired up; elsewhere the send loop does the work.
    Err(io::Error::from_raw_os_error(libc::ENOSYS))
}

fn use_sendfile(
    sock: RawFd,
    file: RawFd,
    offset: &mut i64,
    count: Option<u64>,
    mode: Mode,
) -> Result<Outcome> {
    let fsize = match regular_file_size(file) {
        Ok(Some(s)) => s,
        Ok(None) | Err(_) => return Ok(Outcome::GiveUp),
    };
    if fsize == 0 {
        return Ok(Outcome::Sent(0));
    }
    if mode == Mode::NonBlocking {
        return Err(non_blocking());
    }
    let mut blocksize = count.unwrap_or(fsize).min(MAX_BLOCK);
    let mut total: u64 = 0;
    let result = (|| -> Result<Outcome> {
        loop {
            if let Mode::Timeout(d) = mode {
                loop {
                    match wait::poll_once(sock, Interest::Write, Some(d)) {
                        Ok(true) => break,
                        Ok(false) => return Err(Error::Timeout),
                        Err(e) if e.raw_os_error() == Some(libc::EINTR) => continue,
                        Err(e) => return Err(e.into()),
                    }
                }
            }
            if let Some(c) = count {
                if c <= total {
                    break;
                }
                blocksize = c - total;
            }
            match kernel_sendfile(sock, file, offset, blocksize) {
                Ok(0) => break,
                Ok(n) => total += n,
                Err(e) if e.raw_os_error() == Some(libc::EINTR) => continue,
                Err(e) if matches!(e.raw_os_error(), Some(c) if c == libc::EAGAIN || c == libc::EWOULDBLOCK) =>
                {
                    if mode == Mode::Blocking {
                        let _ = wait::poll_once(sock, Interest::Write, None);
                    }
                    continue;
                }
                Err(_) if total == 0 => return Ok(Outcome::GiveUp),
                Err(e) => return Err(e.into()),
            }
        }
        Ok(Outcome::Sent(total))
    })();
    // CPython's finally clause: the position moves past what was sent,
    // whether or not the call failed.
    if total > 0 {
        seek(file, *offset)?;
    }
    result
}

/// CPython refuses non-blocking sockets once it knows there is work to do.
fn non_blocking() -> Error {
    Error::Value("non-blocking sockets are not supported".into())
}

fn use_send(sock: RawFd, file: RawFd, offset: i64, count: Option<u64>, mode: Mode) -> Result<u64> {
    if mode == Mode::NonBlocking {
        return Err(non_blocking());
    }
    if offset != 0 {
        seek(file, offset)?;
    }
    let mut blocksize = count.map_or(SEND_BLOCK, |c| c.min(SEND_BLOCK));
    let mut buf = vec![0u8; blocksize as usize];
    let mut total: u64 = 0;
    let result = (|| -> Result<()> {
        loop {
            if let Some(c) = count {
                blocksize = blocksize.min(c - total);
                if blocksize == 0 {
                    return Ok(());
                }
            }
            let n = loop {
                let n = unsafe { libc::read(file, buf.as_mut_ptr().cast(), blocksize as usize) };
                if n >= 0 {
                    break n as usize;
                }
                let e = Error::last();
                if e != Error::Os(libc::EINTR) {
                    return Err(e);
                }
            };
            if n == 0 {
                return Ok(());
            }
            let mut data = &buf[..n];
            while !data.is_empty() {
                match crate::sys::send(sock, data, 0, mode) {
                    Ok(sent) => {
                        total += sent as u64;
                        data = &data[sent..];
                    }
                    Err(Error::Os(e)) if e == libc::EAGAIN || e == libc::EWOULDBLOCK => continue,
                    Err(e) => return Err(e),
                }
            }
        }
    })();
    if total > 0 {
        // A pipe or socket has no position to move.
        match seek(file, offset + total as i64) {
            Err(Error::Os(e)) if e == libc::ESPIPE => {}
            other => other?,
        }
    }
    result.map(|()| total)
}

/// Sends `count` bytes (all, if None) of `file` from `offset` to the stream
/// socket `sock`. The caller has checked CPython's argument rules (stream
/// socket, positive count, not in non-blocking mode).
pub fn sendfile(
    sock: RawFd,
    file: RawFd,
    offset: i64,
    count: Option<u64>,
    mode: Mode,
) -> Result<u64> {
    let mut off = offset;
    match use_sendfile(sock, file, &mut off, count, mode)? {
        Outcome::Sent(n) => Ok(n),
        Outcome::GiveUp => use_send(sock, file, offset, count, mode),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys;
    use std::io::{Seek, Write};
    use std::os::fd::AsRawFd;

    fn temp_file(data: &[u8]) -> std::fs::File {
        // Tests run in parallel threads of one process: one name each.
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("pysocket-sendfile-{}-{n}", std::process::id()));
        let mut f = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
            .unwrap();
        std::fs::remove_file(&path).unwrap();
        f.write_all(data).unwrap();
        f.rewind().unwrap();
        f
    }

    fn drain(fd: RawFd) -> Vec<u8> {
        let mut out = Vec::new();
        let mut buf = [0u8; 64];
        loop {
            match sys::recv(fd, &mut buf, libc::MSG_DONTWAIT, Mode::NonBlocking) {
                Ok(0) | Err(_) => return out,
                Ok(n) => out.extend_from_slice(&buf[..n]),
            }
        }
    }

    #[test]
    fn sends_a_range_and_moves_the_position() {
        let (a, b) = sys::socketpair(libc::AF_UNIX, libc::SOCK_STREAM, 0).unwrap();
        let mut f = temp_file(b"abcdefghij");
        let fd = f.as_raw_fd();
        assert_eq!(sendfile(a, fd, 3, Some(2), Mode::Blocking).unwrap(), 2);
        assert_eq!(drain(b), b"de");
        assert_eq!(f.stream_position().unwrap(), 5);
        assert_eq!(sendfile(a, fd, 8, Some(100), Mode::Blocking).unwrap(), 2);
        assert_eq!(drain(b), b"ij");
        assert_eq!(sendfile(a, fd, 100, None, Mode::Blocking).unwrap(), 0);
        assert_eq!(
            sendfile(a, fd, -1, None, Mode::Blocking),
            Err(Error::Os(libc::EINVAL))
        );
        sys::close(a).unwrap();
        sys::close(b).unwrap();
    }

    #[test]
    fn a_pipe_is_read_to_its_end() {
        let (a, b) = sys::socketpair(libc::AF_UNIX, libc::SOCK_STREAM, 0).unwrap();
        let mut p = [0; 2];
        assert_eq!(unsafe { libc::pipe(p.as_mut_ptr()) }, 0);
        assert_eq!(unsafe { libc::write(p[1], b"piped".as_ptr().cast(), 5) }, 5);
        sys::close(p[1]).unwrap();
        assert_eq!(sendfile(a, p[0], 0, None, Mode::Blocking).unwrap(), 5);
        assert_eq!(drain(b), b"piped");
        sys::close(p[0]).unwrap();
        sys::close(a).unwrap();
        sys::close(b).unwrap();
    }

    #[test]
    fn the_send_loop_serves_what_the_kernel_refuses() {
        let (a, b) = sys::socketpair(libc::AF_UNIX, libc::SOCK_STREAM, 0).unwrap();
        let f = temp_file(b"0123456789");
        let fd = f.as_raw_fd();
        assert_eq!(use_send(a, fd, 4, Some(3), Mode::Blocking).unwrap(), 3);
        assert_eq!(drain(b), b"456");
        sys::close(a).unwrap();
        sys::close(b).unwrap();
    }
}
