//! C library functions the `libc` crate does not bind.

use libc::{c_char, c_int, c_void, socklen_t};

extern "C" {
    pub fn inet_pton(af: c_int, src: *const c_char, dst: *mut c_void) -> c_int;
    pub fn inet_ntop(
        af: c_int,
        src: *const c_void,
        dst: *mut c_char,
        size: socklen_t,
    ) -> *const c_char;
}

extern "C" {
    pub fn inet_aton(cp: *const c_char, inp: *mut libc::in_addr) -> c_int;
}

#[cfg(any(target_os = "linux", target_os = "android"))]
extern "C" {
    pub fn gethostbyname_r(
        name: *const c_char,
        ret: *mut libc::hostent,
        buf: *mut c_char,
        buflen: libc::size_t,
        result: *mut *mut libc::hostent,
        h_errnop: *mut c_int,
    ) -> c_int;
    #[allow(clippy::too_many_arguments)]
    pub fn gethostbyaddr_r(
        addr: *const c_void,
        len: socklen_t,
        family: c_int,
        ret: *mut libc::hostent,
        buf: *mut c_char,
        buflen: libc::size_t,
        result: *mut *mut libc::hostent,
        h_errnop: *mut c_int,
    ) -> c_int;
}

/// Elsewhere the classic calls (the caller serialises them and copies the
/// entry out before releasing its lock).
#[cfg(not(any(target_os = "linux", target_os = "android")))]
extern "C" {
    pub fn gethostbyname(name: *const c_char) -> *mut libc::hostent;
    pub fn gethostbyaddr(addr: *const c_void, len: socklen_t, family: c_int) -> *mut libc::hostent;
    pub static h_errno: c_int;
}
