//! The data path (`recv`, `recv_into`, `send`) as hand-written Node-API
//! callbacks. A `#[napi]` function opens and closes a native-borrow scope on
//! every call (thread-local and mutex bookkeeping, a heap allocation for a
//! borrowed buffer), which costs more than the rest of the glue together on
//! a one-byte ping-pong; these go from the arguments straight to the core
//! syscall. Same arguments and results as `socket::recv_into` /
//! `socket::send`, except that an errno comes back as `-errno` rather than
//! thrown (the TypeScript layer throws the Python exception: one throw, one
//! stack capture); other errors are thrown as values (`error::throw_core`).
//! The TypeScript layer has already checked the arguments, but anything else
//! still gets an exception, never a crash.

use std::ffi::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

use napi::bindgen_prelude::*;
use napi::{sys, JsError};
use pysocket_core::addr::{self, Address};
use pysocket_core::{sys as core, Error as CoreError, Mode};

use crate::address::JsAddress;
use crate::error::throw_core;

/// Adds `fastRecvInto(fd, view, nbytes, flags, timeout)`,
/// `fastRecvfromInto(fd, view, nbytes, flags, timeout, out)`,
/// `fastSend(fd, view, flags, timeout)`, `fastSendto(fd, view, flags, addr,
/// timeout)`, `fastSendmsgOne(fd, view, level, type, data, flags, addr,
/// timeout)`, `fastRecvmsgOne(fd, view, control, ancbufsize, flags,
/// timeout, out)` and `fastGetsockoptInt(fd, level, name)` to the module's
/// exports.
pub fn add_exports(exports: &mut Object, env: &Env) -> Result<()> {
    exports.set_named_property(
        "fastRecvInto",
        env.create_function::<(), i64>("fastRecvInto", recv_into)?,
    )?;
    exports.set_named_property(
        "fastRecvfromInto",
        env.create_function::<(), i64>("fastRecvfromInto", recvfrom_into)?,
    )?;
    exports.set_named_property("fastSenderSlots", SENDER_SLOTS as u32)?;
    exports.set_named_property(
        "fastSend",
        env.create_function::<(), i64>("fastSend", send)?,
    )?;
    exports.set_named_property(
        "fastSendto",
        env.create_function::<(), i64>("fastSendto", sendto)?,
    )?;
    exports.set_named_property(
        "fastSendmsgOne",
        env.create_function::<(), i64>("fastSendmsgOne", sendmsg_one)?,
    )?;
    exports.set_named_property(
        "fastRecvmsgOne",
        env.create_function::<(), ()>("fastRecvmsgOne", recvmsg_one)?,
    )?;
    exports.set_named_property(
        "fastGetsockoptInt",
        env.create_function::<(), i32>("fastGetsockoptInt", getsockopt_int)?,
    )?;
    Ok(())
}

/// The first problem with a call's arguments, if any: the message of the
/// exception (kept as a string, so that the checks cost no more than a flag).
type Bad = Option<&'static str>;

/// Notes `what` as the problem unless there is one already.
fn fail(bad: &mut Bad, what: &'static str) {
    if bad.is_none() {
        *bad = Some(what);
    }
}

/// Reads the arguments into `argv`; `few` is the problem if fewer came.
unsafe fn args<const N: usize>(
    env: sys::napi_env,
    info: sys::napi_callback_info,
    argv: &mut [sys::napi_value; N],
    few: &'static str,
) -> Bad {
    let mut argc = N;
    let status = sys::napi_get_cb_info(
        env,
        info,
        &mut argc,
        argv.as_mut_ptr(),
        ptr::null_mut(),
        ptr::null_mut(),
    );
    if status != sys::Status::napi_ok {
        Some("arguments expected")
    } else if argc < N {
        Some(few)
    } else {
        None
    }
}

/// An int32 argument (0 and a problem noted if it is not a number).
unsafe fn int32(env: sys::napi_env, v: sys::napi_value, bad: &mut Bad) -> i32 {
    let mut out = 0;
    if sys::napi_get_value_int32(env, v, &mut out) != sys::Status::napi_ok {
        fail(bad, "a number expected");
    }
    out
}

/// A double argument (0 and a problem noted if it is not a number).
unsafe fn double(env: sys::napi_env, v: sys::napi_value, bad: &mut Bad) -> f64 {
    let mut out = 0.0;
    if sys::napi_get_value_double(env, v, &mut out) != sys::Status::napi_ok {
        fail(bad, "a number expected");
    }
    out
}

/// The elements of a typed array of type `want` (an empty slice for a
/// detached or empty one); for anything else an empty slice and `what`
/// noted as the problem.
///
/// # Safety
/// `T` must be the element type of `want`. The slice lives as long as the
/// view, which the caller holds for the call; no JavaScript runs on this
/// thread while the slice is in use.
unsafe fn typed<'a, T>(
    env: sys::napi_env,
    v: sys::napi_value,
    want: sys::napi_typedarray_type,
    what: &'static str,
    bad: &mut Bad,
) -> &'a mut [T] {
    let mut ty = 0;
    let mut len = 0usize;
    let mut data: *mut c_void = ptr::null_mut();
    let status = sys::napi_get_typedarray_info(
        env,
        v,
        &mut ty,
        &mut len,
        &mut data,
        ptr::null_mut(),
        ptr::null_mut(),
    );
    if status != sys::Status::napi_ok || ty != want {
        fail(bad, what);
        return &mut [];
    }
    if data.is_null() || len == 0 {
        return &mut [];
    }
    // `data` is already adjusted by the view's byte offset.
    std::slice::from_raw_parts_mut(data.cast::<T>(), len)
}

/// The bytes of a Uint8Array (see `typed`).
///
/// # Safety
/// As for `typed`.
unsafe fn bytes<'a>(env: sys::napi_env, v: sys::napi_value, bad: &mut Bad) -> &'a mut [u8] {
    typed(
        env,
        v,
        sys::TypedarrayType::uint8_array,
        "a Uint8Array expected",
        bad,
    )
}

/// The bytes of a Uint8Array, or None for `null` (see `bytes`).
///
/// # Safety
/// As for `bytes`.
unsafe fn bytes_or_null<'a>(
    env: sys::napi_env,
    v: sys::napi_value,
    bad: &mut Bad,
) -> Option<&'a mut [u8]> {
    let mut ty = 0;
    if sys::napi_typeof(env, v, &mut ty) == sys::Status::napi_ok && ty == sys::ValueType::napi_null
    {
        return None;
    }
    Some(bytes(env, v, bad))
}

/// The numbers of a Float64Array (see `typed`).
///
/// # Safety
/// As for `typed`.
unsafe fn doubles<'a>(env: sys::napi_env, v: sys::napi_value, bad: &mut Bad) -> &'a mut [f64] {
    typed(
        env,
        v,
        sys::TypedarrayType::float64_array,
        "a Float64Array expected",
        bad,
    )
}

/// Throws the error of arguments that the TypeScript layer checks first,
/// so that it never happens on the data path proper.
#[cold]
#[inline(never)]
unsafe fn bad_arguments(env: sys::napi_env, what: &str) -> sys::napi_value {
    JsError::from(Error::new(Status::InvalidArg, what.to_string())).throw_into(env);
    ptr::null_mut()
}

/// A failure other than an errno (or a panic), thrown as the value the
/// TypeScript layer translates.
#[cold]
#[inline(never)]
unsafe fn thrown(env: sys::napi_env, e: Option<CoreError>) -> sys::napi_value {
    match e {
        Some(e) => {
            throw_core(env, &e);
        }
        None => {
            JsError::from(Error::from_reason("pysocket: panic in a fast-path call")).throw_into(env)
        }
    }
    ptr::null_mut()
}

/// The result of a syscall as a number: the count, or `-errno`.
unsafe fn result(
    env: sys::napi_env,
    r: std::thread::Result<pysocket_core::Result<usize>>,
) -> sys::napi_value {
    let number = match r {
        Ok(Ok(n)) => n as i64,
        Ok(Err(CoreError::Os(errno))) => -i64::from(errno),
        Ok(Err(e)) => return thrown(env, Some(e)),
        Err(_) => return thrown(env, None),
    };
    integer(env, number)
}

/// `number` as a JavaScript number (null if the environment fails).
unsafe fn integer(env: sys::napi_env, number: i64) -> sys::napi_value {
    let mut out = ptr::null_mut();
    // Most counts are small: a small integer is cheaper to make than an
    // int64 (which V8 makes as a double). A count fits an i64 (and a JS
    // number) exactly: it is at most a buffer's length.
    let status = match i32::try_from(number) {
        Ok(n) => sys::napi_create_int32(env, n, &mut out),
        Err(_) => sys::napi_create_int64(env, number, &mut out),
    };
    if status == sys::Status::napi_ok {
        out
    } else {
        ptr::null_mut()
    }
}

/// How many bytes a read of `nbytes` into a view of `len` asks for: NaN and
/// negatives read as 0; anything past the view is clamped to it.
fn read_len(nbytes: f64, len: usize) -> usize {
    if nbytes > 0.0 {
        (nbytes as usize).min(len)
    } else {
        0
    }
}

unsafe extern "C" fn recv_into(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    let mut argv = [ptr::null_mut(); 5];
    if let Some(what) = args(env, info, &mut argv, "5 arguments expected") {
        return bad_arguments(env, what);
    }
    let [fd, view, nbytes, flags, timeout] = argv;
    let mut bad = None;
    let fd = int32(env, fd, &mut bad);
    let buf = bytes(env, view, &mut bad);
    let n = double(env, nbytes, &mut bad);
    let flags = int32(env, flags, &mut bad);
    let secs = double(env, timeout, &mut bad);
    if let Some(what) = bad {
        return bad_arguments(env, what);
    }
    let n = read_len(n, buf.len());
    let r = catch_unwind(AssertUnwindSafe(|| {
        core::recv(fd, &mut buf[..n], flags, Mode::from_secs(secs))
    }));
    result(env, r)
}

/// How many numbers `fastRecvfromInto` may write to `out`: an AF_INET6
/// sender takes them all (see `sender_numbers`). Exported as
/// `fastSenderSlots`, the size of the TypeScript layer's array.
const SENDER_SLOTS: usize = 12;

/// Writes an AF_INET or AF_INET6 sender into `out` as numbers, for the
/// TypeScript layer to make Python's tuple without a crossing per element:
/// `[AF_INET, address as a u32, port]`, or `[AF_INET6, the eight 16-bit
/// words..., port, flowinfo, scope_id]`, or `[0]` for no address. Any
/// other family is given back (`Err`), for the caller to convert whole.
fn sender_numbers(address: Address, out: &mut [f64]) -> std::result::Result<(), Address> {
    match address {
        Address::None => out[0] = 0.0,
        Address::Inet { ip, port } => {
            out[0] = f64::from(libc::AF_INET);
            out[1] = f64::from(u32::from(ip));
            out[2] = f64::from(port);
        }
        Address::Inet6 {
            ip,
            port,
            flowinfo,
            scope_id,
        } => {
            out[0] = f64::from(libc::AF_INET6);
            for (slot, word) in out[1..9].iter_mut().zip(ip.segments()) {
                *slot = f64::from(word);
            }
            out[9] = f64::from(port);
            out[10] = f64::from(flowinfo);
            out[11] = f64::from(scope_id);
        }
        other => return Err(other),
    }
    Ok(())
}

/// `recvfromInto` without napi-rs's bookkeeping or a tuple built element by
/// element through Node-API: the count, with an AF_INET/AF_INET6 sender (or
/// none) written to `out` as numbers (`sender_numbers`), or `-errno`; for
/// a sender of any other family, `[count, address]` as `recvfromInto`
/// gives it.
unsafe extern "C" fn recvfrom_into(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    let mut argv = [ptr::null_mut(); 6];
    if let Some(what) = args(env, info, &mut argv, "6 arguments expected") {
        return bad_arguments(env, what);
    }
    let [fd, view, nbytes, flags, timeout, out] = argv;
    let mut bad = None;
    let fd = int32(env, fd, &mut bad);
    let buf = bytes(env, view, &mut bad);
    let n = double(env, nbytes, &mut bad);
    let flags = int32(env, flags, &mut bad);
    let secs = double(env, timeout, &mut bad);
    let out = doubles(env, out, &mut bad);
    if out.len() < SENDER_SLOTS {
        fail(&mut bad, "a Float64Array of 12 numbers expected");
    }
    if let Some(what) = bad {
        return bad_arguments(env, what);
    }
    let n = read_len(n, buf.len());
    let r = catch_unwind(AssertUnwindSafe(|| {
        core::recvfrom(fd, &mut buf[..n], flags, Mode::from_secs(secs))
            .map(|(got, from)| (got, addr::decode_on(&from, fd)))
    }));
    match r {
        Ok(Ok((got, from))) => match sender_numbers(from, out) {
            Ok(()) => integer(env, got as i64),
            Err(other) => {
                match <(u32, JsAddress)>::to_napi_value(env, (got as u32, JsAddress(other))) {
                    Ok(v) => v,
                    Err(e) => {
                        JsError::from(e).throw_into(env);
                        ptr::null_mut()
                    }
                }
            }
        },
        Ok(Err(CoreError::Os(errno))) => integer(env, -i64::from(errno)),
        Ok(Err(e)) => thrown(env, Some(e)),
        Err(_) => thrown(env, None),
    }
}

/// `sendto` without napi-rs's bookkeeping: the count sent, or `-errno`;
/// `addr` is the destination's sockaddr bytes.
unsafe extern "C" fn sendto(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    let mut argv = [ptr::null_mut(); 5];
    if let Some(what) = args(env, info, &mut argv, "5 arguments expected") {
        return bad_arguments(env, what);
    }
    let [fd, view, flags, to, timeout] = argv;
    let mut bad = None;
    let fd = int32(env, fd, &mut bad);
    let data = bytes(env, view, &mut bad);
    let flags = int32(env, flags, &mut bad);
    let to = bytes(env, to, &mut bad);
    let secs = double(env, timeout, &mut bad);
    if let Some(what) = bad {
        return bad_arguments(env, what);
    }
    let r = catch_unwind(AssertUnwindSafe(|| {
        let to = addr::from_bytes(to)?;
        core::sendto(fd, data, flags, &to, Mode::from_secs(secs))
    }));
    result(env, r)
}

unsafe extern "C" fn send(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    let mut argv = [ptr::null_mut(); 4];
    if let Some(what) = args(env, info, &mut argv, "4 arguments expected") {
        return bad_arguments(env, what);
    }
    let [fd, view, flags, timeout] = argv;
    let mut bad = None;
    let fd = int32(env, fd, &mut bad);
    let data = bytes(env, view, &mut bad);
    let flags = int32(env, flags, &mut bad);
    let secs = double(env, timeout, &mut bad);
    if let Some(what) = bad {
        return bad_arguments(env, what);
    }
    let r = catch_unwind(AssertUnwindSafe(|| {
        core::send(fd, data, flags, Mode::from_secs(secs))
    }));
    result(env, r)
}

/// `getsockoptInt` without napi-rs's per-call bookkeeping: the option's
/// value; a failure is thrown as the value `socket::getsockopt_int` throws
/// (the errno as a number), since any int is a valid result.
unsafe extern "C" fn getsockopt_int(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    let mut argv = [ptr::null_mut(); 3];
    if let Some(what) = args(env, info, &mut argv, "3 arguments expected") {
        return bad_arguments(env, what);
    }
    let [fd, level, name] = argv;
    let mut bad = None;
    let fd = int32(env, fd, &mut bad);
    let level = int32(env, level, &mut bad);
    let name = int32(env, name, &mut bad);
    if let Some(what) = bad {
        return bad_arguments(env, what);
    }
    match core::getsockopt_int(fd, level, name) {
        Ok(v) => {
            let mut out = ptr::null_mut();
            if sys::napi_create_int32(env, v, &mut out) == sys::Status::napi_ok {
                out
            } else {
                ptr::null_mut()
            }
        }
        Err(e) => thrown(env, Some(e)),
    }
}

/// `sendmsgOne` without napi-rs's per-call bookkeeping: the count sent, or
/// `-errno`; `data` (the one ancillary item's) and `addr` may be null.
unsafe extern "C" fn sendmsg_one(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    let mut argv = [ptr::null_mut(); 8];
    if let Some(what) = args(env, info, &mut argv, "8 arguments expected") {
        return bad_arguments(env, what);
    }
    let [fd, view, level, ty, data, flags, addr, timeout] = argv;
    let mut bad = None;
    let fd = int32(env, fd, &mut bad);
    let buf = bytes(env, view, &mut bad);
    let level = int32(env, level, &mut bad);
    let ty = int32(env, ty, &mut bad);
    let data = bytes_or_null(env, data, &mut bad);
    let flags = int32(env, flags, &mut bad);
    let addr = bytes_or_null(env, addr, &mut bad);
    let secs = double(env, timeout, &mut bad);
    if let Some(what) = bad {
        return bad_arguments(env, what);
    }
    let r = catch_unwind(AssertUnwindSafe(|| {
        let anc = data.map(|d| (level, ty, &*d));
        crate::msg::send_one(fd, buf, anc, flags, addr.as_deref(), Mode::from_secs(secs))
    }));
    result(env, r)
}

/// `recvmsgOne` without napi-rs's per-call bookkeeping: the same arguments
/// and results (the sender's address, never a number; the numbers in
/// `out`); an errno comes back as `-errno`, other failures are thrown as
/// values as there.
unsafe extern "C" fn recvmsg_one(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    let mut argv = [ptr::null_mut(); 7];
    if let Some(what) = args(env, info, &mut argv, "7 arguments expected") {
        return bad_arguments(env, what);
    }
    let [fd, view, control, ancbufsize, flags, timeout, out] = argv;
    let mut bad = None;
    let fd = int32(env, fd, &mut bad);
    let view = bytes(env, view, &mut bad);
    let control = bytes(env, control, &mut bad);
    let ancbufsize = double(env, ancbufsize, &mut bad);
    let flags = int32(env, flags, &mut bad);
    let secs = double(env, timeout, &mut bad);
    let out = doubles(env, out, &mut bad);
    if let Some(what) = bad {
        return bad_arguments(env, what);
    }
    // NaN and negatives read as 0 (then the control buffer's check applies).
    let ancbufsize = if ancbufsize > 0.0 {
        ancbufsize as usize
    } else {
        0
    };
    let r = catch_unwind(AssertUnwindSafe(|| {
        crate::msg::recv_one(
            fd,
            view,
            &mut *control,
            ancbufsize,
            flags,
            Mode::from_secs(secs),
            out,
        )
    }));
    match r {
        Ok(Ok((addr, len))) => match JsAddress::to_napi_value(env, addr) {
            Ok(v) => v,
            Err(e) => {
                // Nothing will ever see the fds this message carried.
                pysocket_core::msg::close_rights_in(&control[..len]);
                JsError::from(e).throw_into(env);
                ptr::null_mut()
            }
        },
        Ok(Err(CoreError::Os(errno))) => integer(env, -i64::from(errno)),
        Ok(Err(e)) => thrown(env, Some(e)),
        Err(_) => thrown(env, None),
    }
}
