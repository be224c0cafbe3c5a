//! Letting a Worker that is blocked in a synchronous call be terminated.
//!
//! `worker.terminate()` stops the Worker's environment from the main thread
//! and wakes its event loop (uv_async_send, a write to an fd in the loop's
//! epoll set), but a thread blocked in recv(2) sees neither. So in a Worker,
//! a blocking wait (crates/core wait.rs) polls its socket together with the
//! loop's backend fd, and when that turns readable asks Node-API whether
//! the environment can still run JavaScript: Node answers no once it is
//! stopping, and the wait ends with ECANCELED (the Worker's JavaScript is
//! being terminated, so nobody sees it).
//!
//! Only in Workers of hosts with libuv (the TypeScript layer decides): the
//! main thread's calls stay plain blocking syscalls.

use std::ffi::{c_int, c_void};
use std::ptr;

use napi::bindgen_prelude::*;
use napi::sys;
use napi_derive::napi;
use pysocket_core::wait::{self, Waker};

type BackendFdFn = unsafe extern "C" fn(*const sys::uv_loop_s) -> c_int;

/// True when Node-API refuses to run JavaScript in `env`: it is stopping.
unsafe fn stopping(env: sys::napi_env) -> bool {
    let mut undefined = ptr::null_mut();
    if sys::napi_get_undefined(env, &mut undefined) != sys::Status::napi_ok {
        return true;
    }
    // napi_strict_equals begins with the check every call that may run
    // JavaScript makes (NAPI_PREAMBLE), and runs none itself.
    let mut same = false;
    sys::napi_strict_equals(env, undefined, undefined, &mut same) != sys::Status::napi_ok
}

/// Makes this thread's blocking waits end when its environment stops.
/// Returns false where that cannot be arranged (no libuv in the host).
#[napi(catch_unwind)]
pub fn install_waker(env: Env) -> bool {
    unsafe {
        let backend = libc::dlsym(libc::RTLD_DEFAULT, c"uv_backend_fd".as_ptr());
        if backend.is_null() {
            return false;
        }
        let backend: BackendFdFn = std::mem::transmute::<*mut c_void, BackendFdFn>(backend);
        let mut uv_loop = ptr::null_mut();
        if sys::napi_get_uv_event_loop(env.raw(), &mut uv_loop) != sys::Status::napi_ok
            || uv_loop.is_null()
        {
            return false;
        }
        let fd = backend(uv_loop);
        if fd < 0 {
            return false;
        }
        let raw = env.raw();
        if sys::napi_add_env_cleanup_hook(raw, Some(uninstall), ptr::null_mut())
            != sys::Status::napi_ok
        {
            return false;
        }
        let addr = raw as usize;
        wait::set_waker(Some(Waker {
            fd,
            stopping: Box::new(move || stopping(addr as sys::napi_env)),
        }));
        true
    }
}

unsafe extern "C" fn uninstall(_arg: *mut c_void) {
    let _ = std::panic::catch_unwind(|| wait::set_waker(None));
}
