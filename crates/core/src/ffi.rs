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
