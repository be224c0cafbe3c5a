//! Python's three socket modes and the deadline loop around every blocking
//! call (CPython's `sock_call_ex`): try the syscall, retry on EINTR (PEP 475),
//! and in timeout mode wait with `poll()` for the time that remains, one
//! deadline across every retry.

use std::cell::RefCell;
use std::io;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// The mode a socket is in, from `gettimeout()`: `None` blocks, `0.0` never
/// waits, a positive number waits at most that many seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mode {
    Blocking,
    NonBlocking,
    Timeout(Duration),
}

impl Mode {
    /// The JavaScript layer passes the timeout as seconds, negative for None.
    pub fn from_secs(secs: f64) -> Mode {
        if secs.is_nan() || secs < 0.0 {
            Mode::Blocking
        } else if secs == 0.0 {
            Mode::NonBlocking
        } else {
            Mode::Timeout(Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX))
        }
    }
}

/// What a call waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interest {
    Read,
    Write,
}

/// What a blocking wait on this thread watches besides its socket, so that
/// the thread can be stopped while it waits (a Worker being terminated):
/// an fd that turns readable when the thread may have to stop, and the
/// check whether it must.
pub struct Waker {
    pub fd: RawFd,
    pub stopping: Box<dyn Fn() -> bool>,
}

thread_local! {
    static WAKER: RefCell<Option<Waker>> = const { RefCell::new(None) };
}

/// Whether any thread ever had a waker: until then a blocking call skips
/// the thread-local lookup (in a dynamically loaded library, a call into the
/// C library's TLS resolver on every syscall).
static ANY_WAKER: AtomicBool = AtomicBool::new(false);

/// Sets (or with None removes) this thread's waker.
pub fn set_waker(waker: Option<Waker>) {
    if waker.is_some() {
        // Set before the thread's own waker: this thread sees both.
        ANY_WAKER.store(true, Ordering::Relaxed);
    }
    WAKER.with(|w| *w.borrow_mut() = waker);
}

/// How long a wake that was not a stop keeps the waker fd out of the poll
/// set: it stays readable until its owner runs, which a blocked thread
/// does not do, and polling it meanwhile would spin.
const QUIET: Duration = Duration::from_millis(100);

/// On a thread with a waker, blocks until `fd` is ready for `interest`
/// (then the blocking syscall returns at once) or the thread must stop
/// (ECANCELED). Without one, returns at once: the syscall itself blocks.
fn wait_blocking(fd: RawFd, interest: Interest) -> Result<()> {
    if !ANY_WAKER.load(Ordering::Relaxed) {
        return Ok(());
    }
    WAKER.with(|w| {
        let w = w.borrow();
        let Some(w) = w.as_ref() else { return Ok(()) };
        let events = match interest {
            Interest::Read => libc::POLLIN,
            Interest::Write => libc::POLLOUT,
        };
        let mut quiet_until: Option<Instant> = None;
        loop {
            let now = Instant::now();
            let quiet = quiet_until.and_then(|t| t.checked_duration_since(now));
            let mut pfds = [
                libc::pollfd {
                    fd,
                    events,
                    revents: 0,
                },
                libc::pollfd {
                    fd: w.fd,
                    events: libc::POLLIN,
                    revents: 0,
                },
            ];
            let (n, ms) = match quiet {
                Some(d) => (1, d.as_millis().max(1) as i32),
                None => (2, -1),
            };
            let rc = unsafe { libc::poll(pfds.as_mut_ptr(), n, ms) };
            if rc < 0 {
                let e = io::Error::last_os_error();
                if e.raw_os_error() == Some(libc::EINTR) {
                    continue;
                }
                return Err(e.into());
            }
            if pfds[0].revents != 0 {
                return Ok(());
            }
            if n == 2 && pfds[1].revents != 0 {
                if (w.stopping)() {
                    return Err(Error::Os(libc::ECANCELED));
                }
                quiet_until = Some(Instant::now() + QUIET);
            }
        }
    })
}

/// A deadline fixed on first use, so the fast path (the syscall succeeds at
/// once) never reads the clock.
pub struct Deadline {
    limit: Option<Duration>,
    at: Option<Instant>,
    /// Blocking mode: the syscall blocks (see `wait_blocking`).
    blocking: bool,
}

impl Deadline {
    pub fn new(mode: Mode) -> Self {
        let limit = match mode {
            Mode::Timeout(d) => Some(d),
            _ => None,
        };
        Deadline {
            limit,
            at: None,
            blocking: mode == Mode::Blocking,
        }
    }

    /// Time left, or `Error::Timeout` once it is spent. Infinite without a limit.
    fn remaining(&mut self) -> Result<Option<Duration>> {
        let Some(limit) = self.limit else {
            return Ok(None);
        };
        let now = Instant::now();
        let at = *self.at.get_or_insert_with(|| {
            now.checked_add(limit)
                .unwrap_or(now + Duration::from_secs(86400 * 365 * 100))
        });
        match at.checked_duration_since(now) {
            Some(d) if !d.is_zero() => Ok(Some(d)),
            _ => Err(Error::Timeout),
        }
    }

    /// Waits until `fd` is ready for `interest` or the deadline passes.
    pub fn wait(&mut self, fd: RawFd, interest: Interest) -> Result<()> {
        loop {
            let left = self.remaining()?;
            match poll_once(fd, interest, left) {
                Ok(true) => return Ok(()),
                Ok(false) => return Err(Error::Timeout),
                Err(e) if e.raw_os_error() == Some(libc::EINTR) => continue,
                Err(e) => return Err(e.into()),
            }
        }
    }
}

/// One `poll()` on one fd; `Ok(false)` when the time ran out.
pub fn poll_once(fd: RawFd, interest: Interest, timeout: Option<Duration>) -> io::Result<bool> {
    let events = match interest {
        Interest::Read => libc::POLLIN,
        Interest::Write => libc::POLLOUT,
    };
    let mut pfd = libc::pollfd {
        fd,
        events,
        revents: 0,
    };
    // Round up so that a wait never ends before the deadline.
    let ms = match timeout {
        None => -1,
        Some(d) => {
            let ms = d.as_nanos().div_ceil(1_000_000);
            ms.min(i32::MAX as u128) as i32
        }
    };
    let n = unsafe { libc::poll(&mut pfd, 1, ms) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(n > 0)
}

fn would_block(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(c) if c == libc::EAGAIN || c == libc::EWOULDBLOCK)
}

/// Runs `op` under `mode` as CPython's `sock_call` does, except that the
/// syscall is tried before the first poll: same outcome, one syscall fewer
/// when data is already there.
pub fn call<T>(
    fd: RawFd,
    mode: Mode,
    interest: Interest,
    op: impl FnMut() -> io::Result<T>,
) -> Result<T> {
    call_with(fd, &mut Deadline::new(mode), interest, op)
}

/// `call` with a deadline shared with the caller, for loops such as sendall.
pub fn call_with<T>(
    fd: RawFd,
    deadline: &mut Deadline,
    interest: Interest,
    mut op: impl FnMut() -> io::Result<T>,
) -> Result<T> {
    loop {
        if deadline.blocking {
            wait_blocking(fd, interest)?;
        }
        match op() {
            Ok(v) => return Ok(v),
            Err(e) if e.raw_os_error() == Some(libc::EINTR) => continue,
            Err(e) if would_block(&e) && deadline.limit.is_some() => deadline.wait(fd, interest)?,
            Err(e) => return Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_from_seconds() {
        assert_eq!(Mode::from_secs(-1.0), Mode::Blocking);
        assert_eq!(Mode::from_secs(0.0), Mode::NonBlocking);
        assert_eq!(
            Mode::from_secs(1.5),
            Mode::Timeout(Duration::from_millis(1500))
        );
        assert!(matches!(Mode::from_secs(1e300), Mode::Timeout(_)));
    }

    #[test]
    fn timeout_mode_times_out_on_an_idle_socket() {
        let (a, _b) =
            socket2::Socket::pair(socket2::Domain::UNIX, socket2::Type::STREAM, None).unwrap();
        a.set_nonblocking(true).unwrap();
        use std::os::fd::AsRawFd;
        let fd = a.as_raw_fd();
        let mut buf = [0u8; 4];
        let r = call(fd, Mode::from_secs(0.05), Interest::Read, || {
            let n = unsafe { libc::recv(fd, buf.as_mut_ptr().cast(), 4, 0) };
            if n < 0 {
                Err(io::Error::last_os_error())
            } else {
                Ok(n as usize)
            }
        });
        assert_eq!(r, Err(Error::Timeout));
    }

    #[test]
    fn nonblocking_mode_reports_eagain() {
        let (a, _b) =
            socket2::Socket::pair(socket2::Domain::UNIX, socket2::Type::STREAM, None).unwrap();
        a.set_nonblocking(true).unwrap();
        use std::os::fd::AsRawFd;
        let fd = a.as_raw_fd();
        let mut buf = [0u8; 4];
        let r = call(fd, Mode::NonBlocking, Interest::Read, || {
            let n = unsafe { libc::recv(fd, buf.as_mut_ptr().cast(), 4, 0) };
            if n < 0 {
                Err(io::Error::last_os_error())
            } else {
                Ok(n as usize)
            }
        });
        assert_eq!(r, Err(Error::Os(libc::EAGAIN)));
    }
}
