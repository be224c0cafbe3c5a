//! How core errors reach JavaScript: as values, never as messages to parse.
//!
//! A failed binding throws a plain value, not an `Error` object (so no stack
//! is captured in the addon; `lib/errors.ts` `fromNative` builds the Python
//! exception once, with the only stack capture):
//! - an errno (`Os`) is thrown as the number itself;
//! - every other kind as a two-element array `[kind, payload]`, kind one of
//!   `'gai'`, `'herror'` (payload: the code), `'timeout'` (payload: null),
//!   `'osmsg'`, `'value'`, `'overflow'` (payload: the message).
//!
//! napi-rs turns a returned `Err` into a thrown `Error` unless an exception
//! is already pending and the error says so (`Status::PendingException`), so
//! `to_js` throws the value itself, on the environment of the calling thread,
//! and returns that marker.

use std::cell::Cell;
use std::ffi::c_void;
use std::ptr;

use napi::bindgen_prelude::*;
use napi::sys;
use pysocket_core::Error as CoreError;

thread_local! {
    /// The Node-API environment of this thread's JavaScript, set when the
    /// addon is loaded on it, cleared when that environment is torn down.
    /// Null on threads that run no JavaScript (the libuv threadpool).
    static ENV: Cell<sys::napi_env> = const { Cell::new(ptr::null_mut()) };
}

unsafe extern "C" fn forget_env(_: *mut c_void) {
    ENV.with(|e| e.set(ptr::null_mut()));
}

/// Remembers this thread's environment for `to_js` (at module load, on the
/// environment's own thread).
pub fn remember_env(env: &Env) {
    ENV.with(|e| e.set(env.raw()));
    // SAFETY: a plain function with no data, run on this thread at teardown.
    unsafe { sys::napi_add_env_cleanup_hook(env.raw(), Some(forget_env), ptr::null_mut()) };
}

/// The kind and payload of a non-errno error.
fn kind_of(e: &CoreError) -> (&'static str, Payload<'_>) {
    match e {
        CoreError::Os(n) => ("os", Payload::Code(*n)),
        CoreError::Gai(n) => ("gai", Payload::Code(*n)),
        CoreError::Host(n) => ("herror", Payload::Code(*n)),
        CoreError::Timeout => ("timeout", Payload::None),
        CoreError::OsMessage(m) => ("osmsg", Payload::Text(m)),
        CoreError::Value(m) => ("value", Payload::Text(m)),
        CoreError::Overflow(m) => ("overflow", Payload::Text(m)),
    }
}

enum Payload<'a> {
    Code(i32),
    Text(&'a str),
    None,
}

/// The JavaScript value that stands for `e` (see the module comment); null
/// if the environment could not make it.
///
/// # Safety
/// `env` is the live environment of the calling thread.
pub unsafe fn error_value(env: sys::napi_env, e: &CoreError) -> sys::napi_value {
    let mut out = ptr::null_mut();
    if let CoreError::Os(n) = e {
        sys::napi_create_int32(env, *n, &mut out);
        return out;
    }
    let (kind, payload) = kind_of(e);
    let mut kind_v = ptr::null_mut();
    let mut payload_v = ptr::null_mut();
    let made = match payload {
        Payload::Code(n) => sys::napi_create_int32(env, n, &mut payload_v),
        Payload::Text(m) => {
            sys::napi_create_string_utf8(env, m.as_ptr().cast(), m.len() as isize, &mut payload_v)
        }
        Payload::None => sys::napi_get_null(env, &mut payload_v),
    };
    if made != sys::Status::napi_ok
        || sys::napi_create_string_latin1(
            env,
            kind.as_ptr().cast(),
            kind.len() as isize,
            &mut kind_v,
        ) != sys::Status::napi_ok
        || sys::napi_create_array_with_length(env, 2, &mut out) != sys::Status::napi_ok
        || sys::napi_set_element(env, out, 0, kind_v) != sys::Status::napi_ok
        || sys::napi_set_element(env, out, 1, payload_v) != sys::Status::napi_ok
    {
        return ptr::null_mut();
    }
    out
}

/// Throws the value of `e` on `env`; false if nothing could be thrown.
///
/// # Safety
/// `env` is the live environment of the calling thread, inside a callback.
pub unsafe fn throw_core(env: sys::napi_env, e: &CoreError) -> bool {
    let v = error_value(env, e);
    !v.is_null() && sys::napi_throw(env, v) == sys::Status::napi_ok
}

/// A core error as the `Err` of a binding: the value is thrown now, on this
/// thread's environment. Where there is none (a threadpool thread) or the
/// throw fails, an ordinary error with Python's text is the fallback; async
/// tasks use `rejection` instead.
pub fn to_js(e: CoreError) -> napi::Error {
    let env = ENV.with(Cell::get);
    // SAFETY: ENV is only ever this thread's own live environment, and a
    // binding runs inside a Node-API callback on it.
    if !env.is_null() && unsafe { throw_core(env, &e) } {
        return napi::Error::new(Status::PendingException, String::new());
    }
    napi::Error::from_reason(e.to_string())
}

/// A core error as the rejection of an async task's Promise (in `reject`,
/// on the JavaScript thread): the same value, not an `Error` object.
pub fn rejection(env: Env, e: &CoreError) -> napi::Error {
    // SAFETY: `reject` runs on the environment's own thread.
    let v = unsafe { error_value(env.raw(), e) };
    if v.is_null() {
        return napi::Error::from_reason(e.to_string());
    }
    // SAFETY: `v` is a live value of `env`.
    napi::Error::from(unsafe { Unknown::from_raw_unchecked(env.raw(), v) })
}

pub type Result<T> = napi::Result<T>;

/// A count-like result for the calls that return an errno instead of
/// throwing it (so that the Python exception is the only throw of the
/// failure): `ok(v)`, or `-errno`; any other error is thrown.
pub fn or_errno<T>(r: pysocket_core::Result<T>, ok: impl FnOnce(T) -> i64) -> Result<i64> {
    match r {
        Ok(v) => Ok(ok(v)),
        Err(CoreError::Os(e)) => Ok(-(e as i64)),
        Err(e) => Err(to_js(e)),
    }
}

/// `or_errno` for a structured result: `B(ok(v))`, or `A(-errno)`.
pub fn value_or_errno<T, U>(
    r: pysocket_core::Result<T>,
    ok: impl FnOnce(T) -> U,
) -> Result<Either<i64, U>> {
    match r {
        Ok(v) => Ok(Either::B(ok(v))),
        Err(CoreError::Os(e)) => Ok(Either::A(-(e as i64))),
        Err(e) => Err(to_js(e)),
    }
}

/// `?` on a core result inside a binding.
pub trait Js<T> {
    fn js(self) -> Result<T>;
}

impl<T> Js<T> for pysocket_core::Result<T> {
    fn js(self) -> Result<T> {
        self.map_err(to_js)
    }
}
/// The errnos that select PEP 3151's OSError subclasses, by name, with the
/// values of this platform's C library (Node's `os.constants.errno` lacks
/// some of them, such as ESHUTDOWN).
#[napi_derive::napi(catch_unwind, ts_return_type = "Array<[string, number]>")]
pub fn pep3151_errnos() -> Vec<(String, i32)> {
    [
        ("EAGAIN", libc::EAGAIN),
        ("EALREADY", libc::EALREADY),
        ("EWOULDBLOCK", libc::EWOULDBLOCK),
        ("EINPROGRESS", libc::EINPROGRESS),
        ("ECHILD", libc::ECHILD),
        ("EPIPE", libc::EPIPE),
        ("ESHUTDOWN", libc::ESHUTDOWN),
        ("ECONNABORTED", libc::ECONNABORTED),
        ("ECONNREFUSED", libc::ECONNREFUSED),
        ("ECONNRESET", libc::ECONNRESET),
        ("EEXIST", libc::EEXIST),
        ("ENOENT", libc::ENOENT),
        ("EISDIR", libc::EISDIR),
        ("ENOTDIR", libc::ENOTDIR),
        ("EINTR", libc::EINTR),
        ("EACCES", libc::EACCES),
        ("EPERM", libc::EPERM),
        ("ESRCH", libc::ESRCH),
        ("ETIMEDOUT", libc::ETIMEDOUT),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_string(), value))
    .collect()
}
