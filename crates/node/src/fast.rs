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

fn check(status: sys::napi_status, what: &str) -> Result<()> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(Error::new(Status::InvalidArg, format!("{what} expected")))
    }
}

unsafe fn args<const N: usize>(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> Result<[sys::napi_value; N]> {
    let mut argv = [ptr::null_mut(); N];
    let mut argc = N;
    check(
        sys::napi_get_cb_info(
            env,
            info,
            &mut argc,
            argv.as_mut_ptr(),
            ptr::null_mut(),
            ptr::null_mut(),
        ),
        "arguments",
    )?;
    if argc < N {
        return Err(Error::new(
            Status::InvalidArg,
            format!("{N} arguments expected"),
        ));
    }
    Ok(argv)
}

unsafe fn int32(env: sys::napi_env, v: sys::napi_value) -> Result<i32> {
    let mut out = 0;
    check(sys::napi_get_value_int32(env, v, &mut out), "a number")?;
    Ok(out)
}

unsafe fn double(env: sys::napi_env, v: sys::napi_value) -> Result<f64> {
    let mut out = 0.0;
    check(sys::napi_get_value_double(env, v, &mut out), "a number")?;
    Ok(out)
}

/// The bytes of a Uint8Array (an empty slice for a detached or empty one).
///
/// # Safety
/// The slice lives as long as the view, which the caller holds for the call;
/// no JavaScript runs on this thread while the slice is in use.
unsafe fn bytes<'a>(env: sys::napi_env, v: sys::napi_value) -> Result<&'a mut [u8]> {
    let mut ty = 0;
    let mut len = 0usize;
    let mut data: *mut c_void = ptr::null_mut();
    let mut buffer = ptr::null_mut();
    let mut offset = 0usize;
    check(
        sys::napi_get_typedarray_info(
            env,
            v,
            &mut ty,
            &mut len,
            &mut data,
            &mut buffer,
            &mut offset,
        ),
        "a Uint8Array",
    )?;
    if ty != sys::TypedarrayType::uint8_array {
        return Err(Error::new(
            Status::InvalidArg,
            "a Uint8Array expected".to_string(),
        ));
    }
    if data.is_null() || len == 0 {
        return Ok(&mut []);
    }
    // `data` is already adjusted by the view's byte offset.
    Ok(std::slice::from_raw_parts_mut(data.cast::<u8>(), len))
}

/// Runs a callback body: the count, `-errno`, or a thrown exception for bad
/// arguments, other errors and panics.
unsafe fn run(
    env: sys::napi_env,
    body: impl FnOnce() -> Result<pysocket_core::Result<usize>>,
) -> sys::napi_value {
    let result = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(r) => r,
        Err(_) => Err(Error::from_reason("pysocket: panic in a fast-path call")),
    };
    // A count fits an i64 (and a JS number) exactly: it is at most a buffer's length.
    let number = match result {
        Ok(Ok(n)) => n as i64,
        Ok(Err(CoreError::Os(errno))) => -i64::from(errno),
        Ok(Err(e)) => {
            throw_core(env, &e);
            return ptr::null_mut();
        }
        Err(e) => {
            JsError::from(e).throw_into(env);
            return ptr::null_mut();
        }
    };
    let mut out = ptr::null_mut();
    if sys::napi_create_int64(env, number, &mut out) == sys::Status::napi_ok {
        out
    } else {
        ptr::null_mut()
    }
}

unsafe extern "C" fn recv_into(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    run(env, || {
        let [fd, view, nbytes, flags, timeout] = args::<5>(env, info)?;
        let fd = int32(env, fd)?;
        let buf = bytes(env, view)?;
        let n = double(env, nbytes)?;
        let flags = int32(env, flags)?;
        let mode = Mode::from_secs(double(env, timeout)?);
        // NaN and negatives read as 0; anything past the view is clamped to it.
        let n = if n > 0.0 {
            (n as usize).min(buf.len())
        } else {
            0
        };
        Ok(core::recv(fd, &mut buf[..n], flags, mode))
    })
}

unsafe extern "C" fn send(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    run(env, || {
        let [fd, view, flags, timeout] = args::<4>(env, info)?;
        let fd = int32(env, fd)?;
        let data = bytes(env, view)?;
        let flags = int32(env, flags)?;
        let mode = Mode::from_secs(double(env, timeout)?);
        Ok(core::send(fd, data, flags, mode))
    })
}
