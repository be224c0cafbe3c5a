//! How both readiness mechanisms (libuv poll handles in `poll.rs`, the
//! reactor thread in `reactor.rs`) hand an event to JavaScript.

use std::ptr;

use napi::sys;

/// Calls `func(fd, status, events)` through `napi_make_callback` (so that
/// microtasks run after it, as after any libuv callback); an exception it
/// throws becomes an uncaught exception. The caller holds a handle scope.
///
/// # Safety
/// `env` must be the current environment, `func` a function value of it and
/// `ctx` an async context made for it.
#[cfg(unix)]
pub(crate) unsafe fn dispatch(
    env: sys::napi_env,
    func: sys::napi_value,
    ctx: sys::napi_async_context,
    fd: i32,
    status: i32,
    events: i32,
) {
    let mut global = ptr::null_mut();
    let mut argv = [ptr::null_mut(); 3];
    let ok = sys::napi_get_global(env, &mut global) == sys::Status::napi_ok
        && sys::napi_create_int32(env, fd, &mut argv[0]) == sys::Status::napi_ok
        && sys::napi_create_int32(env, status, &mut argv[1]) == sys::Status::napi_ok
        && sys::napi_create_int32(env, events, &mut argv[2]) == sys::Status::napi_ok;
    if !ok {
        return;
    }
    let mut result = ptr::null_mut();
    let st = sys::napi_make_callback(
        env,
        ctx,
        global,
        func,
        argv.len(),
        argv.as_ptr(),
        &mut result,
    );
    if st == sys::Status::napi_pending_exception {
        let mut err = ptr::null_mut();
        if sys::napi_get_and_clear_last_exception(env, &mut err) == sys::Status::napi_ok {
            sys::napi_fatal_exception(env, err);
        }
    }
}
