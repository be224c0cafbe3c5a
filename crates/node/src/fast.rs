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
use pysocket_core::{sys as core, Error as CoreError, Mode};

use crate::error::throw_core;

/// Adds `fastRecvInto(fd, view, nbytes, flags, timeout)` and
/// `fastSend(fd, view, flags, timeout)` to the module's exports.
pub fn add_exports(exports: &mut Object, env: &Env) -> Result<()> {
    exports.set_named_property(
        "fastRecvInto",
        env.create_function::<(), i64>("fastRecvInto", recv_into)?,
    )?;
    exports.set_named_property(
        "fastSend",
        env.create_function::<(), i64>("fastSend", send)?,
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

/// The bytes of a Uint8Array (an empty slice for a detached or empty one);
/// for anything else an empty slice and a problem noted.
///
/// # Safety
/// The slice lives as long as the view, which the caller holds for the call;
/// no JavaScript runs on this thread while the slice is in use.
unsafe fn bytes<'a>(env: sys::napi_env, v: sys::napi_value, bad: &mut Bad) -> &'a mut [u8] {
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
    if status != sys::Status::napi_ok || ty != sys::TypedarrayType::uint8_array {
        fail(bad, "a Uint8Array expected");
        return &mut [];
    }
    if data.is_null() || len == 0 {
        return &mut [];
    }
    // `data` is already adjusted by the view's byte offset.
    std::slice::from_raw_parts_mut(data.cast::<u8>(), len)
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
    // NaN and negatives read as 0; anything past the view is clamped to it.
    let n = if n > 0.0 {
        (n as usize).min(buf.len())
    } else {
        0
    };
    let r = catch_unwind(AssertUnwindSafe(|| {
        core::recv(fd, &mut buf[..n], flags, Mode::from_secs(secs))
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
