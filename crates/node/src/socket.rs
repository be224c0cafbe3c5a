//! The socket syscalls, one binding each. `fd` is borrowed: the TypeScript
//! socket object owns it. `timeout` is in seconds, negative for blocking.

use napi::bindgen_prelude::*;
use napi_derive::napi;
use pysocket_core::{sys, Mode};

use crate::address::{decoded_on, sockaddr, JsAddress};
use crate::error::{value_or_errno, Js, Result};

#[napi(catch_unwind)]
pub fn socket(family: i32, ty: i32, proto: i32) -> Result<i32> {
    sys::socket(family, ty, proto).js()
}

#[napi(catch_unwind)]
pub fn socketpair(family: i32, ty: i32, proto: i32) -> Result<(i32, i32)> {
    sys::socketpair(family, ty, proto).js()
}

/// `[family, type, proto]` of an fd.
#[napi(catch_unwind)]
pub fn describe(fd: i32) -> Result<(i32, i32, i32)> {
    sys::describe(fd).js()
}

/// `type` without SOCK_NONBLOCK/SOCK_CLOEXEC.
#[napi(catch_unwind)]
pub fn plain_type(ty: i32) -> i32 {
    sys::plain_type(ty)
}

#[napi(catch_unwind)]
pub fn nonblock_flag() -> i32 {
    sys::nonblock_flag()
}

#[napi(catch_unwind)]
pub fn close(fd: i32) -> Result<()> {
    sys::close(fd).js()
}

#[napi(catch_unwind)]
pub fn dup(fd: i32) -> Result<i32> {
    sys::dup(fd).js()
}

#[napi(catch_unwind)]
pub fn is_open(fd: i32) -> bool {
    sys::is_open(fd)
}

#[napi(catch_unwind)]
pub fn get_inheritable(fd: i32) -> Result<bool> {
    sys::get_inheritable(fd).js()
}

#[napi(catch_unwind)]
pub fn set_inheritable(fd: i32, inheritable: bool) -> Result<()> {
    sys::set_inheritable(fd, inheritable).js()
}

#[napi(catch_unwind)]
pub fn get_blocking(fd: i32) -> Result<bool> {
    sys::get_blocking(fd).js()
}

#[napi(catch_unwind)]
pub fn set_blocking(fd: i32, blocking: bool) -> Result<()> {
    sys::set_blocking(fd, blocking).js()
}

#[napi(catch_unwind)]
pub fn bind(fd: i32, addr: &[u8]) -> Result<()> {
    sys::bind(fd, &sockaddr(addr)?).js()
}

#[napi(catch_unwind)]
pub fn listen(fd: i32, backlog: i32) -> Result<()> {
    sys::listen(fd, backlog).js()
}

#[napi(catch_unwind)]
pub fn shutdown(fd: i32, how: i32) -> Result<()> {
    sys::shutdown(fd, how).js()
}

#[napi(catch_unwind)]
pub fn connect(fd: i32, addr: &[u8], timeout: f64) -> Result<()> {
    sys::connect(fd, &sockaddr(addr)?, Mode::from_secs(timeout)).js()
}

/// `[newfd, address]`, or `-errno`.
#[napi(catch_unwind, ts_return_type = "number | [number, unknown]")]
pub fn accept(fd: i32, timeout: f64) -> Result<Either<i64, (i32, JsAddress)>> {
    value_or_errno(sys::accept(fd, Mode::from_secs(timeout)), |(new, peer)| {
        (new, decoded_on(fd, &peer))
    })
}

#[napi(catch_unwind, ts_return_type = "unknown")]
pub fn getsockname(fd: i32) -> Result<JsAddress> {
    Ok(decoded_on(fd, &sys::getsockname(fd).js()?))
}

#[napi(catch_unwind, ts_return_type = "unknown")]
pub fn getpeername(fd: i32) -> Result<JsAddress> {
    Ok(decoded_on(fd, &sys::getpeername(fd).js()?))
}

/// recv into the first `nbytes` of `buf`; returns the count received.
#[napi(catch_unwind)]
pub fn recv_into(
    fd: i32,
    mut buf: Uint8ArraySlice,
    nbytes: u32,
    flags: i32,
    timeout: f64,
) -> Result<u32> {
    // SAFETY: the view is alive for this call and nothing else writes to it
    // while the syscall runs on this thread.
    let buf = unsafe { buf.as_mut() };
    let n = (nbytes as usize).min(buf.len());
    let got = sys::recv(fd, &mut buf[..n], flags, Mode::from_secs(timeout)).js()?;
    Ok(got as u32)
}

#[napi(catch_unwind)]
pub fn send(fd: i32, data: &[u8], flags: i32, timeout: f64) -> Result<u32> {
    Ok(sys::send(fd, data, flags, Mode::from_secs(timeout)).js()? as u32)
}

#[napi(catch_unwind)]
pub fn sendall(fd: i32, data: &[u8], flags: i32, timeout: f64) -> Result<()> {
    sys::sendall(fd, data, flags, Mode::from_secs(timeout)).js()
}

#[napi(catch_unwind)]
pub fn getsockopt_buf(fd: i32, level: i32, name: i32, buflen: u32) -> Result<Buffer> {
    Ok(Buffer::from(
        sys::getsockopt_buf(fd, level, name, buflen as usize).js()?,
    ))
}

#[napi(catch_unwind)]
pub fn setsockopt_int(fd: i32, level: i32, name: i32, value: i32) -> Result<()> {
    sys::setsockopt_int(fd, level, name, value).js()
}

#[napi(catch_unwind)]
pub fn setsockopt_buf(fd: i32, level: i32, name: i32, value: &[u8]) -> Result<()> {
    sys::setsockopt_buf(fd, level, name, value).js()
}

#[napi(catch_unwind)]
pub fn setsockopt_null(fd: i32, level: i32, name: i32, optlen: u32) -> Result<()> {
    sys::setsockopt_null(fd, level, name, optlen).js()
}
