//! Which open file an fd number refers to, and whether it can be polled.
//!
//! An fd number can be closed behind the back of whoever holds it
//! (`fs.closeSync`, the module's `close(fd)`) and handed out again by the
//! next open. Code that keeps an fd number across calls (the loop's pollers,
//! the ownership registry) records the file's identity when it takes the fd
//! and compares before it acts on the number again.

use std::io;
use std::mem::MaybeUninit;
use std::os::fd::RawFd;

/// The identity of an open file: its device and inode. Stable while the
/// file is open; a socket's inode is unique among the live sockets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileId {
    dev: u64,
    ino: u64,
}

/// The identity of the file `fd` refers to now; EBADF once it is closed.
pub fn file_id(fd: RawFd) -> io::Result<FileId> {
    let mut st = MaybeUninit::<libc::stat>::uninit();
    if unsafe { libc::fstat(fd, st.as_mut_ptr()) } < 0 {
        return Err(io::Error::last_os_error());
    }
    let st = unsafe { st.assume_init() };
    #[allow(clippy::unnecessary_cast)]
    Ok(FileId {
        dev: st.st_dev as u64,
        ino: st.st_ino as u64,
    })
}

/// True while `fd` still refers to the file recorded as `id`.
pub fn still(fd: RawFd, id: FileId) -> bool {
    matches!(file_id(fd), Ok(now) if now == id)
}

/// Whether readiness of `fd` can be waited for, as the selector of asyncio
/// (and libuv's `uv_poll_init`) decide it: epoll refuses regular files and
/// directories with EPERM and a closed fd with EBADF. poll(2) would report
/// such an fd ready forever instead.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub fn pollable(fd: RawFd) -> io::Result<()> {
    use std::sync::Mutex;
    // One probe set for the process; the lock keeps two probes of the same
    // fd from seeing each other's registration.
    static PROBE: Mutex<Option<RawFd>> = Mutex::new(None);
    let mut probe = PROBE.lock().unwrap_or_else(|e| e.into_inner());
    let ep = match *probe {
        Some(ep) => ep,
        None => {
            let ep = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
            if ep < 0 {
                return Err(io::Error::last_os_error());
            }
            *probe = Some(ep);
            ep
        }
    };
    let mut ev = libc::epoll_event { events: 0, u64: 0 };
    if unsafe { libc::epoll_ctl(ep, libc::EPOLL_CTL_ADD, fd, &mut ev) } < 0 {
        return Err(io::Error::last_os_error());
    }
    unsafe { libc::epoll_ctl(ep, libc::EPOLL_CTL_DEL, fd, &mut ev) };
    Ok(())
}

/// Elsewhere only a closed fd is refused (poll(2) and kqueue take the rest).
#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub fn pollable(fd: RawFd) -> io::Result<()> {
    if unsafe { libc::fcntl(fd, libc::F_GETFD) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::{AsRawFd, IntoRawFd};

    #[test]
    fn identity_follows_the_file_not_the_number() {
        let (a, _b) =
            socket2::Socket::pair(socket2::Domain::UNIX, socket2::Type::STREAM, None).unwrap();
        let fd = a.into_raw_fd();
        let id = file_id(fd).unwrap();
        assert!(still(fd, id));
        unsafe { libc::close(fd) };
        assert!(!still(fd, id));
        // Other tests run in parallel threads of this process and may have
        // taken the number again already: only a free number must be EBADF.
        if let Err(e) = file_id(fd) {
            assert_eq!(e.raw_os_error(), Some(libc::EBADF));
        }
        // The lowest free number is taken again by the next open.
        let (c, _d) =
            socket2::Socket::pair(socket2::Domain::UNIX, socket2::Type::STREAM, None).unwrap();
        if c.as_raw_fd() == fd {
            assert!(!still(fd, id));
        }
    }

    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[test]
    fn regular_files_and_closed_fds_cannot_be_polled() {
        let (a, _b) =
            socket2::Socket::pair(socket2::Domain::UNIX, socket2::Type::STREAM, None).unwrap();
        assert!(pollable(a.as_raw_fd()).is_ok());
        let f = std::fs::File::open("/proc/self/exe").unwrap();
        assert_eq!(
            pollable(f.as_raw_fd()).unwrap_err().raw_os_error(),
            Some(libc::EPERM)
        );
        // A number far above what the parallel test threads hold, so that
        // none of them takes it again once it is closed.
        let fd = unsafe { libc::fcntl(f.as_raw_fd(), libc::F_DUPFD_CLOEXEC, 4096) };
        assert!(fd >= 4096);
        unsafe { libc::close(fd) };
        assert_eq!(pollable(fd).unwrap_err().raw_os_error(), Some(libc::EBADF));
    }
}
