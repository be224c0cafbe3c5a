//! Bindings of the non-blocking attempts behind `socket.loop` (core `nb`).
//! They run on every fast path, so "would block" and other errno failures
//! come back as a negative errno instead of a thrown error; anything else
//! (bad arguments) still throws the usual wire format.

use napi::bindgen_prelude::*;
use napi_derive::napi;
use pysocket_core::nb;

use crate::address::{decoded, sockaddr, JsAddress};
use crate::error::{or_errno, value_or_errno, Result};

/// recv into `buf[..nbytes]`: the count, or `-errno`.
#[napi(catch_unwind)]
pub fn try_recv_into(fd: i32, mut buf: Uint8ArraySlice, nbytes: u32, flags: i32) -> Result<i64> {
    // SAFETY: the view is alive for this call and nothing else writes to it
    // while the syscall runs on this thread.
    let buf = unsafe { buf.as_mut() };
    let n = (nbytes as usize).min(buf.len());
    or_errno(nb::recv(fd, &mut buf[..n], flags), |n| n as i64)
}

/// recvfrom into `buf[..nbytes]`: `[count, address]`, or `-errno`.
#[napi(catch_unwind, ts_return_type = "number | [number, unknown]")]
pub fn try_recvfrom_into(
    fd: i32,
    mut buf: Uint8ArraySlice,
    nbytes: u32,
    flags: i32,
) -> Result<Either<i64, (u32, JsAddress)>> {
    // SAFETY: as in try_recv_into.
    let buf = unsafe { buf.as_mut() };
    let n = (nbytes as usize).min(buf.len());
    value_or_errno(nb::recvfrom(fd, &mut buf[..n], flags), |(got, from)| {
        (got as u32, decoded(&from))
    })
}

/// send of `data[offset..]`: the count, or `-errno`.
#[napi(catch_unwind)]
pub fn try_send(fd: i32, data: &[u8], offset: u32, flags: i32) -> Result<i64> {
    let rest = data.get(offset as usize..).unwrap_or(&[]);
    or_errno(nb::send(fd, rest, flags), |n| n as i64)
}

#[napi(catch_unwind)]
pub fn try_sendto(fd: i32, data: &[u8], flags: i32, addr: &[u8]) -> Result<i64> {
    let to = sockaddr(addr)?;
    or_errno(nb::sendto(fd, data, flags, &to), |n| n as i64)
}

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
