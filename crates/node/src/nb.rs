//! Bindings of the non-blocking attempts behind `socket.loop` (core `nb`)
//! that have no MSG_DONTWAIT flag (connect, accept, sendfile): the data
//! calls are the hand-written ones of `fast.rs`, called with the flag.
//! "Would block" and other errno failures come back as a negative errno
//! instead of a thrown error; anything else (bad arguments) still throws
//! the usual wire format.

use napi::bindgen_prelude::*;
use napi_derive::napi;
use pysocket_core::nb;

use crate::address::{decoded, sockaddr, JsAddress};
use crate::error::{or_errno, value_or_errno, Result};

/// Starts a connection: 0 when done, else `-errno` (EINPROGRESS: wait for
/// writability, then `connectResult`).
#[napi(catch_unwind)]
pub fn try_connect(fd: i32, addr: &[u8]) -> Result<i64> {
    let to = sockaddr(addr)?;
    or_errno(nb::connect(fd, &to), |_| 0)
}

/// The outcome of a pending connection: 0 or `-errno`.
#[napi(catch_unwind)]
pub fn connect_result(fd: i32) -> Result<i64> {
    or_errno(nb::connect_result(fd), |_| 0)
}

/// `[newfd, address]`, or `-errno`.
#[napi(catch_unwind, ts_return_type = "number | [number, unknown]")]
pub fn try_accept(fd: i32) -> Result<Either<i64, (i32, JsAddress)>> {
    value_or_errno(nb::accept(fd), |(new, peer)| (new, decoded(&peer)))
}

/// sendfile from `in_fd` at `offset`: the count, or `-errno` (`-ENOSYS`
/// where the platform has none: the caller reads and sends instead).
#[napi(catch_unwind)]
pub fn try_sendfile(out_fd: i32, in_fd: i32, offset: i64, count: u32) -> Result<i64> {
    or_errno(nb::sendfile(out_fd, in_fd, offset, count as usize), |n| {
        n as i64
    })
}
