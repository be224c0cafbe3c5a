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

/// Elsewhere the classic calls, serialised by the caller: same shape as the
/// glibc `_r` forms so that one code path serves both.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
mod classic {
    use libc::{c_char, c_int, c_void, socklen_t};
    use std::sync::Mutex;

    extern "C" {
        fn gethostbyname(name: *const c_char) -> *mut libc::hostent;
        fn gethostbyaddr(addr: *const c_void, len: socklen_t, family: c_int) -> *mut libc::hostent;
        static h_errno: c_int;
    }

    static LOCK: Mutex<()> = Mutex::new(());

    unsafe fn finish(
        h: *mut libc::hostent,
        ret: *mut libc::hostent,
        result: *mut *mut libc::hostent,
        h_errnop: *mut c_int,
    ) -> c_int {
        if h.is_null() {
            *h_errnop = h_errno;
            *result = std::ptr::null_mut();
        } else {
            // The entry stays valid until the next call; copy the struct
            // (its strings are read before the lock is released by the caller
            // in practice only through `result`).
            *ret = *h;
            *result = ret;
        }
        0
    }

    pub unsafe fn gethostbyname_r(
        name: *const c_char,
        ret: *mut libc::hostent,
        _buf: *mut c_char,
        _buflen: libc::size_t,
        result: *mut *mut libc::hostent,
        h_errnop: *mut c_int,
    ) -> c_int {
        let _g = LOCK.lock().unwrap_or_else(|e| e.into_inner());
        finish(gethostbyname(name), ret, result, h_errnop)
    }

    #[allow(clippy::too_many_arguments)]
    pub unsafe fn gethostbyaddr_r(
        addr: *const c_void,
        len: socklen_t,
        family: c_int,
        ret: *mut libc::hostent,
        _buf: *mut c_char,
        _buflen: libc::size_t,
        result: *mut *mut libc::hostent,
        h_errnop: *mut c_int,
    ) -> c_int {
        let _g = LOCK.lock().unwrap_or_else(|e| e.into_inner());
        finish(gethostbyaddr(addr, len, family), ret, result, h_errnop)
    }
}
#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub use classic::{gethostbyaddr_r, gethostbyname_r};
