//! The fds that socket objects of this thread's environment own, closed
//! when the environment goes away: a terminated Worker runs no finalisers,
//! so without this its sockets would stay open in the process.
//!
//! One registry per thread (Node runs one environment per thread; an
//! embedder with several on one thread gets them all closed by the first
//! environment's teardown).

use std::cell::RefCell;
use std::collections::HashSet;
use std::ffi::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

use napi::bindgen_prelude::*;
use napi_derive::napi;

thread_local! {
    static OWNED: RefCell<Option<HashSet<i32>>> = const { RefCell::new(None) };
}

/// A socket object of this environment took ownership of `fd`.
#[napi(catch_unwind)]
pub fn own_fd(env: Env, fd: i32) {
    OWNED.with(|owned| {
        let mut owned = owned.borrow_mut();
        if owned.is_none() {
            let rc = unsafe {
                napi::sys::napi_add_env_cleanup_hook(env.raw(), Some(teardown), ptr::null_mut())
            };
            if rc != napi::sys::Status::napi_ok {
                return;
            }
            *owned = Some(HashSet::new());
        }
        if let Some(set) = owned.as_mut() {
            set.insert(fd);
        }
    })
}

/// The object closed or detached `fd`: no longer ours to close.
#[napi(catch_unwind)]
pub fn disown_fd(fd: i32) {
    OWNED.with(|owned| {
        if let Some(set) = owned.borrow_mut().as_mut() {
            set.remove(&fd);
        }
    })
}

unsafe extern "C" fn teardown(_arg: *mut c_void) {
    let _ = catch_unwind(AssertUnwindSafe(|| {
        let fds = OWNED.with(|owned| owned.borrow_mut().take());
        for fd in fds.into_iter().flatten() {
            unsafe { libc::close(fd) };
        }
    }));
}
