//! The error kinds the core can produce. The JavaScript layer turns each into
//! the Python exception class with CPython's message; the core only carries
//! the numbers (errno, EAI_*) and, for the few errors that are facts of a byte
//! layout, a message.

use std::fmt;
use std::io;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// A failed syscall: `OSError(errno, strerror(errno))`.
    Os(i32),
    /// A getaddrinfo/getnameinfo failure: `gaierror(code, gai_strerror(code))`.
    Gai(i32),
    /// A gethostbyname/gethostbyaddr failure: `herror(code, hstrerror(code))`.
    Host(i32),
    /// The socket's deadline passed: `TimeoutError('timed out')`.
    Timeout,
    /// `OSError(message)` with no errno, e.g. "address family mismatched".
    OsMessage(String),
    /// `ValueError(message)`.
    Value(String),
    /// `OverflowError(message)`.
    Overflow(String),
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// The error left in `errno` by the last failed libc call.
    pub fn last() -> Self {
        Error::Os(
            io::Error::last_os_error()
                .raw_os_error()
                .unwrap_or(libc::EIO),
        )
    }

    pub fn errno(&self) -> Option<i32> {
        match self {
            Error::Os(e) => Some(*e),
            _ => None,
        }
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error::Os(e.raw_os_error().unwrap_or(libc::EIO))
    }
}

impl From<nix::errno::Errno> for Error {
    fn from(e: nix::errno::Errno) -> Self {
        Error::Os(e as i32)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Os(e) => write!(f, "[Errno {e}] {}", strerror(*e)),
            Error::Gai(e) => write!(f, "[Errno {e}] {}", crate::netdb::gai_strerror(*e)),
            Error::Host(e) => write!(f, "[Errno {e}] {}", crate::hostdb::hstrerror(*e)),
            Error::Timeout => f.write_str("timed out"),
            Error::OsMessage(m) | Error::Value(m) | Error::Overflow(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {}

/// The C library's text for an errno value, as Python's `os.strerror`.
pub fn strerror(errno: i32) -> String {
    let mut buf = [0u8; 256];
    // The XSI strerror_r (what the libc crate binds) fills `buf`.
    let rc = unsafe { libc::strerror_r(errno, buf.as_mut_ptr().cast(), buf.len()) };
    if rc != 0 {
        return format!("Unknown error {errno}");
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strerror_matches_libc_text() {
        assert_eq!(strerror(libc::ECONNREFUSED), "Connection refused");
        assert_eq!(
            Error::Os(libc::ECONNREFUSED).to_string(),
            format!("[Errno {}] Connection refused", libc::ECONNREFUSED)
        );
        assert!(strerror(99999).contains("99999"));
    }
}
