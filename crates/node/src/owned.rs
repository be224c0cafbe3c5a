//! Who owns which fd: the registry that finalisers and a Worker's teardown
//! consult before they close anything.
//!
//! The rule: a socket object owns its fd from construction until `close()`
//! or `detach()`. Several objects may own one fd (`socket({ fileno:
//! other.fileno() })`, possibly in different threads). An explicit
//! `close()` closes the fd as Python's does, and every owner loses it. The
//! implicit closes (the finaliser of a collected socket, and the teardown
//! of a terminated Worker, which runs no finalisers) close an fd only when
//! the object was its last owner and the number still refers to the file
//! the object took: never an fd another live object owns, nor a number that
//! was closed behind the object's back and handed out again.
//!
//! Each take of an fd gets a token (the registration's generation), so an
//! object whose fd was closed and reused cannot act on the new owner's
//! registration.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::ffi::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;
use std::sync::Mutex;

use napi::bindgen_prelude::*;
use napi_derive::napi;
use pysocket_core::fdid::{self, FileId};

/// One fd's registration: the file it referred to when first taken, its
/// generation, and how many live objects own it.
struct Entry {
    id: FileId,
    token: u32,
    owners: u32,
}

struct Registry {
    fds: BTreeMap<i32, Entry>,
    next: u32,
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    fds: BTreeMap::new(),
    next: 1,
});

fn registry() -> std::sync::MutexGuard<'static, Registry> {
    REGISTRY.lock().unwrap_or_else(|e| e.into_inner())
}

thread_local! {
    /// The (fd, token) takes of this thread's objects, with their count:
    /// what this thread's teardown gives up.
    static MINE: RefCell<Option<HashMap<(i32, u32), u32>>> = const { RefCell::new(None) };
}

fn mine_remove(fd: i32, token: u32) {
    MINE.with(|m| {
        if let Some(map) = m.borrow_mut().as_mut() {
            if let Some(n) = map.get_mut(&(fd, token)) {
                *n -= 1;
                if *n == 0 {
                    map.remove(&(fd, token));
                }
            }
        }
    })
}

/// A socket object of this environment took ownership of `fd`; returns the
/// token that names this take (0 if `fd` is not open).
#[napi(catch_unwind)]
pub fn own_fd(env: Env, fd: i32) -> u32 {
    let Ok(id) = fdid::file_id(fd) else { return 0 };
    let token = {
        let mut reg = registry();
        let next = reg.next;
        let entry = reg.fds.entry(fd).or_insert(Entry {
            id,
            token: 0,
            owners: 0,
        });
        if entry.id != id || entry.owners == 0 {
            // A new file behind the number: earlier owners lost it.
            *entry = Entry {
                id,
                token: next,
                owners: 0,
            };
        }
        entry.owners += 1;
        let token = entry.token;
        if token == next {
            reg.next = next.wrapping_add(1).max(1);
        }
        token
    };
    MINE.with(|m| {
        let mut m = m.borrow_mut();
        if m.is_none() {
            let rc = unsafe {
                napi::sys::napi_add_env_cleanup_hook(env.raw(), Some(teardown), ptr::null_mut())
            };
            if rc != napi::sys::Status::napi_ok {
                return;
            }
            *m = Some(HashMap::new());
        }
        if let Some(map) = m.as_mut() {
            *map.entry((fd, token)).or_insert(0) += 1;
        }
    });
    token
}

/// An owner let go of `fd`: `closed` when it is about to close the fd
/// (every owner loses it), else it detached (the others keep it). Token 0
/// stands for any owner (the module's `close(fd)`). Returns whether the
/// number still refers to the file this owner took: false once it was
/// closed (by another owner, or behind the objects' backs) and perhaps
/// handed out again, when closing it would close someone else's file.
#[napi(catch_unwind)]
pub fn disown_fd(fd: i32, token: u32, closed: bool) -> bool {
    let ours = {
        let mut reg = registry();
        match reg.fds.get_mut(&fd) {
            Some(entry) if token == 0 || entry.token == token => {
                let id = entry.id;
                entry.owners = entry.owners.saturating_sub(1);
                if closed || entry.owners == 0 {
                    reg.fds.remove(&fd);
                }
                token == 0 || fdid::still(fd, id)
            }
            _ => token == 0,
        }
    };
    mine_remove(fd, token);
    ours
}

/// The implicit close of one owner's take (finaliser, teardown): true when
/// the caller must close `fd` (it was the last owner and the number still
/// refers to the file taken); otherwise the take is only given up.
#[napi(catch_unwind)]
pub fn claim_fd(fd: i32, token: u32) -> bool {
    mine_remove(fd, token);
    claim(fd, token)
}

fn claim(fd: i32, token: u32) -> bool {
    let mut reg = registry();
    let Some(entry) = reg.fds.get_mut(&fd) else {
        return false;
    };
    if entry.token != token {
        return false;
    }
    if entry.owners > 1 {
        entry.owners -= 1;
        return false;
    }
    let id = entry.id;
    reg.fds.remove(&fd);
    fdid::still(fd, id)
}

unsafe extern "C" fn teardown(_arg: *mut c_void) {
    let _ = catch_unwind(AssertUnwindSafe(|| {
        let takes = MINE.with(|m| m.borrow_mut().take());
        for ((fd, token), n) in takes.into_iter().flatten() {
            for _ in 0..n {
                if claim(fd, token) {
                    unsafe { libc::close(fd) };
                }
            }
        }
    }));
}
