//! Readiness for `socket.loop`: one libuv poll handle per fd on the current
//! environment's own event loop, and a JavaScript callback run inside a
//! callback scope (so promises settled there run their reactions at once).
//!
//! The interface is deliberately small, so that another mechanism (a
//! reactor thread for hosts without libuv) can sit behind it:
//! `new Poller(dispatch)`, `watch(fd, events, keepAlive)` (events 0 pauses),
//! `release(fd)`
//! (before the fd is closed), and `dispatch(fd, status, events)` called back
//! with `status` 0 or a negative errno (then every watched direction is
//! reported ready and polling on that fd is paused).
//!
//! The libuv functions come from the host process (node exports them) and
//! are looked up at run time with `dlsym`, so a host without them gets a
//! clear error instead of a failed load. Windows builds cannot reach them
//! without linking node.lib: there the constructor throws.
//!
//! Each event goes to JavaScript from its own poll callback (not batched
//! to the end of the loop turn): the call reads the socket at once, so a
//! level-triggered fd is not reported again by the next epoll_wait round of
//! the same turn (libuv polls again without blocking when 1024 fds were
//! ready; batching measured 2.6x the epoll_ctl calls on 10,000 sockets).
//!
//! Which hosts get poll handles: `Poller.probe()` says whether the loop
//! that `napi_get_uv_event_loop` gives is a libuv loop, judged from its
//! memory alone (see `is_libuv_loop`), before any libuv function is called.
//! Node and Electron give their libuv loop; Bun gives its own event loop
//! and exports libuv's names as stubs that abort the process; Deno gives
//! its napi environment and emulates a few libuv functions (one event per
//! `uv_poll_start`, close callbacks run inside `uv_close`). JavaScript picks
//! the reactor thread where the probe says no.
//!
//! Lifetimes: the per-environment state (`Shared`) lives until the
//! environment's cleanup has closed every handle; each handle's memory is
//! freed in its close callback. On a libuv loop the cleanup is an async
//! cleanup hook, removed from the last close callback. On another loop
//! (only reached by forcing `PYSOCKET_LOOP_POLLER=uv`) nothing runs the loop
//! after the environment's cleanup hooks, and Deno frees an async hook's
//! handle both in `napi_remove_async_cleanup_hook` and after the hook
//! returns (a double free when the hook removes itself), so there the
//! cleanup is a plain environment cleanup hook that closes what is left.
//! Close callbacks may run inside `uv_close` (Deno's emulation does): the
//! teardown holds a count of its own while it closes handles, so `Shared`
//! is freed once, after the last of them. Deno's emulation also runs poll
//! callbacks queued before `uv_close` after it, so on such a loop a closed
//! handle's memory is kept (a leak, on that forced path only) rather than
//! reused under them. No panic crosses into libuv: both
//! callbacks catch them and report `PANICKED` to JavaScript.

use napi::bindgen_prelude::*;
use napi_derive::napi;

/// `status` passed to `dispatch` after a panic on the Rust side.
pub const PANICKED: i32 = i32::MIN;
/// `status` passed to `dispatch` when the fd was closed (or closed and its
/// number reused) behind the poller's back: polling of it has stopped.
pub const CLOSED: i32 = i32::MIN + 1;

#[napi]
pub struct Poller {
    #[cfg(unix)]
    shared: *mut imp::Shared,
}

#[cfg(unix)]
#[napi]
impl Poller {
    /// A poller on this environment's loop; `dispatch(fd, status, events)`
    /// is called for every readiness event.
    #[napi(constructor, catch_unwind)]
    pub fn new(
        env: Env,
        #[napi(ts_arg_type = "(fd: number, status: number, events: number) => void")]
        dispatch: Unknown<'_>,
    ) -> Result<Self> {
        let shared = unsafe { imp::Shared::create(env.raw(), dispatch.raw()) }?;
        Ok(Poller { shared })
    }

    /// The event bits: `[READABLE, WRITABLE]`.
    #[napi(catch_unwind, ts_return_type = "[number, number]")]
    pub fn events() -> (i32, i32) {
        (imp::READABLE, imp::WRITABLE)
    }

    /// Whether this environment's event loop is a libuv loop and the host
    /// exports libuv's poll functions: the evidence that poll handles work
    /// here. Calls no libuv function (a host may export them as stubs that
    /// abort the process).
    #[napi(catch_unwind)]
    pub fn probe(env: Env) -> bool {
        unsafe { imp::probe(env.raw()) }
    }

    /// Polls `fd` for `events` (READABLE | WRITABLE); 0 pauses polling but
    /// keeps the handle. `keep_alive` says whether the handle keeps the
    /// process alive while it polls (uv_ref / uv_unref). Calls that change
    /// nothing cost no syscall.
    #[napi(catch_unwind)]
    pub fn watch(&mut self, fd: i32, events: i32, keep_alive: bool) -> Result<()> {
        unsafe { imp::watch(self.shared, fd, events, keep_alive) }
    }

    /// Stops polling `fd` and lets go of its handle: call it before `fd` is
    /// closed. Nothing happens for an fd that has no handle.
    #[napi(catch_unwind)]
    pub fn release(&mut self, fd: i32) {
        unsafe { imp::release(self.shared, fd) }
    }

    /// True when `fd` has a handle but no longer refers to the file it was
    /// opened for (closed, or closed and the number reused).
    #[napi(catch_unwind)]
    pub fn stale(&self, fd: i32) -> bool {
        unsafe { imp::stale(self.shared, fd) }
    }
}

#[cfg(not(unix))]
#[napi]
impl Poller {
    #[napi(constructor, catch_unwind)]
    pub fn new(
        #[napi(ts_arg_type = "(fd: number, status: number, events: number) => void")]
        _dispatch: Unknown<'_>,
    ) -> Result<Self> {
        Err(crate::error::to_js(pysocket_core::Error::OsMessage(
            "socket.loop is not available on this platform yet \
             (libuv's poll handles need node.lib on Windows)"
                .into(),
        )))
    }

    #[napi(catch_unwind, ts_return_type = "[number, number]")]
    pub fn events() -> (i32, i32) {
        (1, 2)
    }

    #[napi(catch_unwind)]
    pub fn probe() -> bool {
        false
    }

    #[napi(catch_unwind)]
    pub fn watch(&mut self, _fd: i32, _events: i32, _keep_alive: bool) -> Result<()> {
        Err(crate::error::to_js(pysocket_core::Error::OsMessage(
            "socket.loop is not available".into(),
        )))
    }

    #[napi(catch_unwind)]
    pub fn release(&mut self, _fd: i32) {}

    #[napi(catch_unwind)]
    pub fn stale(&self, _fd: i32) -> bool {
        false
    }
}

#[cfg(unix)]
mod imp {
    use std::collections::HashMap;
    use std::ffi::{c_int, c_void, CStr};
    use std::mem;
    use std::panic::{catch_unwind, AssertUnwindSafe};
    use std::ptr;
    use std::sync::OnceLock;

    use napi::sys;
    use napi::{Error, Result};
    use pysocket_core::fdid::{self, FileId};

    use super::{CLOSED, PANICKED};

    // From uv.h: `enum uv_poll_event` and the position of UV_POLL in
    // `UV_HANDLE_TYPE_MAP` (`uv_handle_type`). libuv has no other source
    // for them that this crate can read.
    pub const READABLE: c_int = 1;
    pub const WRITABLE: c_int = 2;
    const UV_POLL: c_int = 8;
    /// `UV_HANDLE_TYPE_MAX`: every handle's `type` is below it.
    const UV_HANDLE_TYPE_MAX: i32 = 18;

    // The start of libuv's public structs, in words (uv.h): `uv_loop_t` is
    // `void* data; unsigned int active_handles; struct uv__queue
    // handle_queue; ...`, `uv_handle_t` is `void* data; uv_loop_t* loop;
    // uv_handle_type type; uv_close_cb close_cb; struct uv__queue
    // handle_queue; ...`, and a `uv__queue` is `{ next, prev }`.
    const WORD: usize = mem::size_of::<usize>();
    const LOOP_QUEUE: usize = 2 * WORD;
    const HANDLE_LOOP: usize = WORD;
    const HANDLE_TYPE: usize = 2 * WORD;
    const HANDLE_QUEUE: usize = 4 * WORD;
    /// How many handles of the loop's list the probe checks.
    const PROBE_HANDLES: usize = 16;
    const UV_PREPARE: c_int = 9;

    type PollCb = unsafe extern "C" fn(*mut c_void, c_int, c_int);
    type CloseCb = unsafe extern "C" fn(*mut c_void);

    type HandleSizeFn = unsafe extern "C" fn(c_int) -> usize;
    type PollInitFn = unsafe extern "C" fn(*mut sys::uv_loop_s, *mut c_void, c_int) -> c_int;
    type PollStartFn = unsafe extern "C" fn(*mut c_void, c_int, PollCb) -> c_int;
    type HandleFn = unsafe extern "C" fn(*mut c_void) -> c_int;
    type CloseFn = unsafe extern "C" fn(*mut c_void, Option<CloseCb>);
    type RefFn = unsafe extern "C" fn(*mut c_void);
    type PrepareCb = unsafe extern "C" fn(*mut c_void);
    type PrepareInitFn = unsafe extern "C" fn(*mut sys::uv_loop_s, *mut c_void) -> c_int;
    type PrepareStartFn = unsafe extern "C" fn(*mut c_void, PrepareCb) -> c_int;

    /// The few libuv functions used, found in the host process.
    struct Uv {
        handle_size: HandleSizeFn,
        poll_init: PollInitFn,
        poll_start: PollStartFn,
        poll_stop: HandleFn,
        close: CloseFn,
        ref_: RefFn,
        unref: RefFn,
        /// None where the host lacks them (Deno's emulation, forced with
        /// `PYSOCKET_LOOP_POLLER=uv`): no libuv poll phase to protect there.
        prepare: Option<PrepareFns>,
    }

    /// libuv's prepare handles, for the check before each poll phase.
    struct PrepareFns {
        init: PrepareInitFn,
        start: PrepareStartFn,
        stop: HandleFn,
    }

    fn lookup(name: &CStr) -> Option<*mut c_void> {
        let p = unsafe { libc::dlsym(libc::RTLD_DEFAULT, name.as_ptr()) };
        (!p.is_null()).then_some(p)
    }

    fn uv() -> Option<&'static Uv> {
        static UV: OnceLock<Option<Uv>> = OnceLock::new();
        UV.get_or_init(|| unsafe {
            Some(Uv {
                handle_size: mem::transmute::<*mut c_void, HandleSizeFn>(lookup(
                    c"uv_handle_size",
                )?),
                poll_init: mem::transmute::<*mut c_void, PollInitFn>(lookup(c"uv_poll_init")?),
                poll_start: mem::transmute::<*mut c_void, PollStartFn>(lookup(c"uv_poll_start")?),
                poll_stop: mem::transmute::<*mut c_void, HandleFn>(lookup(c"uv_poll_stop")?),
                close: mem::transmute::<*mut c_void, CloseFn>(lookup(c"uv_close")?),
                ref_: mem::transmute::<*mut c_void, RefFn>(lookup(c"uv_ref")?),
                unref: mem::transmute::<*mut c_void, RefFn>(lookup(c"uv_unref")?),
                prepare: (|| {
                    Some(PrepareFns {
                        init: mem::transmute::<*mut c_void, PrepareInitFn>(lookup(
                            c"uv_prepare_init",
                        )?),
                        start: mem::transmute::<*mut c_void, PrepareStartFn>(lookup(
                            c"uv_prepare_start",
                        )?),
                        stop: mem::transmute::<*mut c_void, HandleFn>(lookup(c"uv_prepare_stop")?),
                    })
                })(),
            })
        })
        .as_ref()
    }

    /// Reads memory that may not be mapped, without faulting: the kernel
    /// copies it into a pipe (`write` fails with EFAULT where it is not).
    struct Peek {
        pipe: [c_int; 2],
    }

    impl Peek {
        fn new() -> Option<Peek> {
            let mut pipe = [-1; 2];
            if unsafe { libc::pipe(pipe.as_mut_ptr()) } != 0 {
                return None;
            }
            Some(Peek { pipe })
        }

        /// The word at `addr`, if it is mapped and aligned.
        fn word(&self, addr: usize) -> Option<usize> {
            if addr == 0 || !addr.is_multiple_of(WORD) {
                return None;
            }
            let mut buf = [0u8; WORD];
            unsafe {
                if libc::write(self.pipe[1], addr as *const c_void, WORD) != WORD as isize {
                    return None;
                }
                if libc::read(self.pipe[0], buf.as_mut_ptr().cast(), WORD) != WORD as isize {
                    return None;
                }
            }
            Some(usize::from_ne_bytes(buf))
        }
    }

    impl Drop for Peek {
        fn drop(&mut self) {
            unsafe {
                libc::close(self.pipe[0]);
                libc::close(self.pipe[1]);
            }
        }
    }

    /// Whether `lp` points at a libuv loop, from its memory alone: its
    /// handle list must be libuv's circular doubly linked queue, and each
    /// node in it must sit inside a handle whose `loop` is `lp` and whose
    /// `type` is a handle type. Every environment of Node and Electron has
    /// handles of its own on its loop, so the list is never empty there;
    /// an empty one is no evidence and gives false.
    fn is_libuv_loop(lp: usize) -> bool {
        let Some(peek) = Peek::new() else {
            return false;
        };
        let head = lp + LOOP_QUEUE;
        let mut prev = head;
        let Some(mut node) = peek.word(head) else {
            return false;
        };
        let mut checked = 0;
        while node != head && checked < PROBE_HANDLES {
            let ok = (|| {
                let back = peek.word(node + WORD)?;
                let handle = node.checked_sub(HANDLE_QUEUE)?;
                let owner = peek.word(handle + HANDLE_LOOP)?;
                let ty = peek.word(handle + HANDLE_TYPE)?;
                // `type` is an int at the start of its word.
                let ty = i32::from_ne_bytes(ty.to_ne_bytes()[..4].try_into().ok()?);
                (back == prev && owner == lp && (1..UV_HANDLE_TYPE_MAX).contains(&ty)).then_some(())
            })();
            if ok.is_none() {
                return false;
            }
            checked += 1;
            prev = node;
            match peek.word(node) {
                Some(next) => node = next,
                None => return false,
            }
        }
        // A list that closed on its head also has it as the head's `prev`.
        checked > 0 && (node != head || peek.word(head + WORD) == Some(prev))
    }

    /// See `Poller::probe`.
    pub unsafe fn probe(env: sys::napi_env) -> bool {
        if uv().is_none() {
            return false;
        }
        let mut lp = ptr::null_mut();
        if sys::napi_get_uv_event_loop(env, &mut lp) != sys::Status::napi_ok || lp.is_null() {
            return false;
        }
        is_libuv_loop(lp as usize)
    }

    fn os(errno: i32) -> Error {
        crate::error::to_js(pysocket_core::Error::Os(errno))
    }

    fn napi_failed(what: &str) -> Error {
        Error::from_reason(format!("pysocket: {what} failed"))
    }

    /// Per environment: the loop, the JavaScript callback, the handles.
    pub struct Shared {
        env: sys::napi_env,
        uv_loop: *mut sys::uv_loop_s,
        dispatch: sys::napi_ref,
        async_ctx: sys::napi_async_context,
        handles: HashMap<i32, *mut Handle>,
        /// Handles given to uv_close whose callback has not run yet, plus
        /// one while the teardown is closing handles.
        closing: usize,
        /// Set once the environment is being torn down.
        tearing_down: bool,
        /// The async cleanup hook to remove once every handle is closed
        /// (None on a loop that is not libuv's: a plain cleanup hook).
        hook: Option<sys::napi_async_cleanup_hook_handle>,
        /// Whether the loop is libuv's (see `is_libuv_loop`).
        libuv: bool,
        /// The prepare handle that checks `pending` just before libuv polls
        /// (null until first needed), and whether it is started.
        prepare: *mut c_void,
        prepare_active: bool,
        /// Fds whose polling started or changed in this loop turn: libuv
        /// hands them to epoll_ctl in its next poll phase, and aborts the
        /// process if that fails, so each is checked first (`on_prepare`).
        pending: Vec<i32>,
    }

    /// One poll handle: libuv's memory (its first field is `void* data`,
    /// which points back here) and the fd it watches.
    struct Handle {
        uv: *mut c_void,
        words: usize,
        fd: i32,
        shared: *mut Shared,
        /// What libuv polls for now (0: stopped).
        events: c_int,
        referenced: bool,
        /// The file `fd` referred to when the handle was made.
        id: FileId,
        /// Listed in `Shared::pending`.
        pending: bool,
    }

    impl Shared {
        pub unsafe fn create(env: sys::napi_env, dispatch: sys::napi_value) -> Result<*mut Shared> {
            if uv().is_none() {
                return Err(crate::error::to_js(pysocket_core::Error::OsMessage(
                    "socket.loop needs libuv (uv_poll_*) in the host process, \
                     and this host does not provide it"
                        .into(),
                )));
            }
            let mut ty = 0;
            if sys::napi_typeof(env, dispatch, &mut ty) != sys::Status::napi_ok
                || ty != sys::ValueType::napi_function
            {
                return Err(Error::new(
                    napi::Status::InvalidArg,
                    "dispatch must be a function",
                ));
            }
            let mut uv_loop = ptr::null_mut();
            if sys::napi_get_uv_event_loop(env, &mut uv_loop) != sys::Status::napi_ok
                || uv_loop.is_null()
            {
                return Err(crate::error::to_js(pysocket_core::Error::OsMessage(
                    "socket.loop cannot reach this host's event loop".into(),
                )));
            }
            let mut dref = ptr::null_mut();
            if sys::napi_create_reference(env, dispatch, 1, &mut dref) != sys::Status::napi_ok {
                return Err(napi_failed("napi_create_reference"));
            }
            let mut resource = ptr::null_mut();
            let mut name = ptr::null_mut();
            let mut async_ctx = ptr::null_mut();
            let label = "pysocket.loop";
            if sys::napi_create_object(env, &mut resource) != sys::Status::napi_ok
                || sys::napi_create_string_utf8(
                    env,
                    label.as_ptr().cast(),
                    label.len() as isize,
                    &mut name,
                ) != sys::Status::napi_ok
                || sys::napi_async_init(env, resource, name, &mut async_ctx) != sys::Status::napi_ok
            {
                sys::napi_delete_reference(env, dref);
                return Err(napi_failed("napi_async_init"));
            }
            let libuv = is_libuv_loop(uv_loop as usize);
            let shared = Box::into_raw(Box::new(Shared {
                env,
                uv_loop,
                dispatch: dref,
                async_ctx,
                handles: HashMap::new(),
                closing: 0,
                tearing_down: false,
                hook: None,
                libuv,
                prepare: ptr::null_mut(),
                prepare_active: false,
                pending: Vec::new(),
            }));
            let added = if libuv {
                sys::napi_add_async_cleanup_hook(
                    env,
                    Some(on_teardown),
                    shared.cast(),
                    ptr::null_mut(),
                )
            } else {
                sys::napi_add_env_cleanup_hook(env, Some(on_env_teardown), shared.cast())
            };
            if added != sys::Status::napi_ok {
                drop(Box::from_raw(shared));
                sys::napi_delete_reference(env, dref);
                return Err(napi_failed("adding a cleanup hook"));
            }
            Ok(shared)
        }
    }

    /// Starts, changes or pauses polling of `fd`.
    pub unsafe fn watch(shared: *mut Shared, fd: i32, events: i32, keep_alive: bool) -> Result<()> {
        let uv = uv().expect("checked at construction");
        let s = &mut *shared;
        if s.tearing_down {
            return Err(os(libc::EBADF));
        }
        let handle = match s.handles.get(&fd) {
            Some(&h) => h,
            None => {
                if events == 0 {
                    return Ok(());
                }
                let h = open(uv, shared, fd)?;
                (*shared).handles.insert(fd, h);
                h
            }
        };
        let h = &mut *handle;
        let events = events & (READABLE | WRITABLE);
        if events != h.events {
            let rc = if events == 0 {
                (uv.poll_stop)(h.uv)
            } else {
                (uv.poll_start)(h.uv, events, on_poll)
            };
            if rc < 0 {
                return Err(os(-rc));
            }
            h.events = events;
            if events != 0 && !h.pending {
                h.pending = true;
                check_before_poll(uv, shared, fd)?;
            }
        }
        if keep_alive != h.referenced {
            if keep_alive {
                (uv.ref_)(h.uv)
            } else {
                (uv.unref)(h.uv)
            }
            h.referenced = keep_alive;
        }
        Ok(())
    }

    /// A new handle for `fd`. uv_poll_init makes the fd non-blocking; the
    /// socket's own mode belongs to the synchronous API, so it is put back.
    unsafe fn open(uv: &Uv, shared: *mut Shared, fd: i32) -> Result<*mut Handle> {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        let id = fdid::file_id(fd);
        let (true, Ok(id)) = (flags >= 0, id) else {
            return Err(os(std::io::Error::last_os_error()
                .raw_os_error()
                .unwrap_or(libc::EBADF)));
        };
        let size = (uv.handle_size)(UV_POLL);
        let words = size.div_ceil(8).max(1);
        let mem: Box<[u64]> = vec![0u64; words].into_boxed_slice();
        let mem = Box::into_raw(mem) as *mut u64 as *mut c_void;
        let rc = (uv.poll_init)((*shared).uv_loop, mem, fd);
        if rc < 0 {
            free_mem(mem, words);
            return Err(os(-rc));
        }
        if libc::fcntl(fd, libc::F_GETFL) != flags {
            libc::fcntl(fd, libc::F_SETFL, flags);
        }
        let h = Box::into_raw(Box::new(Handle {
            uv: mem,
            words,
            fd,
            shared,
            events: 0,
            referenced: true,
            id,
            pending: false,
        }));
        *(mem as *mut *mut c_void) = h.cast();
        Ok(h)
    }

    unsafe fn free_mem(mem: *mut c_void, words: usize) {
        drop(Box::from_raw(ptr::slice_from_raw_parts_mut(
            mem as *mut u64,
            words,
        )));
    }

    /// Lists `fd` for the check before libuv's next poll phase, starting
    /// the prepare handle (unreferenced: it never keeps the loop alive).
    unsafe fn check_before_poll(uv: &Uv, shared: *mut Shared, fd: i32) -> Result<()> {
        // Only libuv's own poll phase hands fds to epoll_ctl and aborts on
        // its failure; a host loop that merely emulates libuv has neither.
        let Some(prepare) = uv.prepare.as_ref().filter(|_| (*shared).libuv) else {
            return Ok(());
        };
        (*shared).pending.push(fd);
        if (*shared).prepare_active {
            return Ok(());
        }
        if (*shared).prepare.is_null() {
            let size = (uv.handle_size)(UV_PREPARE);
            let words = size.div_ceil(8).max(1);
            let mem = Box::into_raw(vec![0u64; words].into_boxed_slice()) as *mut u64;
            let mem = mem as *mut c_void;
            let rc = (prepare.init)((*shared).uv_loop, mem);
            if rc < 0 {
                free_mem(mem, words);
                return Err(os(-rc));
            }
            *(mem as *mut *mut Shared) = shared;
            (uv.unref)(mem);
            (*shared).prepare = mem;
        }
        let rc = (prepare.start)((*shared).prepare, on_prepare);
        if rc < 0 {
            return Err(os(-rc));
        }
        (*shared).prepare_active = true;
        Ok(())
    }

    /// Just before libuv polls: a listed fd that no longer refers to its
    /// file (closed, or closed and its number reused, behind this poller's
    /// back) has its handle closed now, so that libuv never passes it to
    /// epoll_ctl, and JavaScript hears `CLOSED` for it.
    unsafe extern "C" fn on_prepare(raw: *mut c_void) {
        let _ = catch_unwind(AssertUnwindSafe(|| {
            let shared = *(raw as *mut *mut Shared);
            let prepare = uv()
                .and_then(|uv| uv.prepare.as_ref())
                .expect("the handle exists only where these do");
            (prepare.stop)(raw);
            (*shared).prepare_active = false;
            let fds = mem::take(&mut (*shared).pending);
            for fd in fds {
                let Some(&h) = (*shared).handles.get(&fd) else {
                    continue;
                };
                (*h).pending = false;
                if (*h).events != 0 && !fdid::still(fd, (*h).id) {
                    forget_closed(shared, fd, h);
                }
            }
        }));
    }

    /// `fd`'s file is gone: close its handle and tell JavaScript.
    unsafe fn forget_closed(shared: *mut Shared, fd: i32, h: *mut Handle) {
        (*shared).handles.remove(&fd);
        close(shared, h);
        let r = catch_unwind(AssertUnwindSafe(|| call_js(shared, fd, CLOSED, 0)));
        if r.is_err() {
            let _ = catch_unwind(AssertUnwindSafe(|| call_js(shared, fd, PANICKED, 0)));
        }
    }

    /// Whether `fd`'s handle outlived the file it was made for.
    pub unsafe fn stale(shared: *mut Shared, fd: i32) -> bool {
        match (*shared).handles.get(&fd) {
            Some(&h) => !fdid::still(fd, (*h).id),
            None => false,
        }
    }

    /// Closes `fd`'s handle: libuv stops polling and drops the fd from its
    /// poll set now; the memory goes in the close callback.
    pub unsafe fn release(shared: *mut Shared, fd: i32) {
        let s = &mut *shared;
        if let Some(h) = s.handles.remove(&fd) {
            close(shared, h);
        }
    }

    unsafe fn close(shared: *mut Shared, h: *mut Handle) {
        let uv = uv().expect("checked at construction");
        (*shared).closing += 1;
        (uv.close)((*h).uv, Some(on_close));
    }

    /// libuv calls no callback of a handle after its close callback, so its
    /// memory goes here. A loop that is not libuv's may (Deno's emulation
    /// runs poll callbacks it queued before `uv_close`): there the memory
    /// is kept, with `data` null so that `on_poll` ignores it.
    unsafe extern "C" fn on_close(raw: *mut c_void) {
        let _ = catch_unwind(AssertUnwindSafe(|| {
            let h = Box::from_raw(*(raw as *mut *mut Handle));
            let shared = h.shared;
            if (*shared).libuv {
                free_mem(h.uv, h.words);
            } else {
                *(h.uv as *mut *mut Handle) = ptr::null_mut();
            }
            drop(h);
            (*shared).closing -= 1;
            finish_teardown(shared);
        }));
    }

    unsafe extern "C" fn on_poll(raw: *mut c_void, status: c_int, events: c_int) {
        let target = catch_unwind(AssertUnwindSafe(|| {
            // Null once closed, on a loop that still calls back (on_close).
            let handle = *(raw as *mut *mut Handle);
            let h = handle.as_mut()?;
            if status < 0 {
                // libuv stopped the handle (POLLERR, which it reports as
                // EBADF): a socket error, or the fd closed under it.
                h.events = 0;
                if !fdid::still(h.fd, h.id) {
                    return Some((h.shared, h.fd, Some(handle)));
                }
            }
            Some((h.shared, h.fd, None))
        }));
        let Ok(Some((shared, fd, gone))) = target else {
            return;
        };
        if let Some(h) = gone {
            let _ = catch_unwind(AssertUnwindSafe(|| forget_closed(shared, fd, h)));
            return;
        }
        let r = catch_unwind(AssertUnwindSafe(|| call_js(shared, fd, status, events)));
        if r.is_err() {
            let _ = catch_unwind(AssertUnwindSafe(|| call_js(shared, fd, PANICKED, 0)));
        }
    }

    /// `dispatch(fd, status, events)` inside a handle scope and a callback
    /// scope; an exception it throws becomes an uncaught exception.
    unsafe fn call_js(shared: *mut Shared, fd: i32, status: i32, events: i32) {
        let (env, dref, ctx) = {
            let s = &*shared;
            if s.tearing_down {
                return;
            }
            (s.env, s.dispatch, s.async_ctx)
        };
        let mut scope = ptr::null_mut();
        if sys::napi_open_handle_scope(env, &mut scope) != sys::Status::napi_ok {
            return;
        }
        let mut func = ptr::null_mut();
        if sys::napi_get_reference_value(env, dref, &mut func) == sys::Status::napi_ok
            && !func.is_null()
        {
            crate::dispatch::dispatch(env, func, ctx, fd, status, events);
        }
        sys::napi_close_handle_scope(env, scope);
    }

    /// The environment is going away (a libuv loop): close every handle;
    /// the hook is removed (and the state freed) once the last close
    /// callback ran, which libuv runs on a later turn of the loop.
    unsafe extern "C" fn on_teardown(hook: sys::napi_async_cleanup_hook_handle, arg: *mut c_void) {
        let _ = catch_unwind(AssertUnwindSafe(|| {
            let shared = arg as *mut Shared;
            (*shared).hook = Some(hook);
            close_all(shared);
        }));
    }

    unsafe extern "C" fn on_prepare_close(raw: *mut c_void) {
        let _ = catch_unwind(AssertUnwindSafe(|| {
            let shared = *(raw as *mut *mut Shared);
            if (*shared).libuv {
                let words = (uv().expect("checked at construction").handle_size)(UV_PREPARE)
                    .div_ceil(8)
                    .max(1);
                free_mem(raw, words);
            }
            (*shared).closing -= 1;
            finish_teardown(shared);
        }));
    }

    /// The environment is going away (a loop that is not libuv's): close
    /// every handle. Nothing runs that loop afterwards, so a close callback
    /// that has not run by the end of this hook never will, and the state
    /// is left behind rather than freed under it.
    unsafe extern "C" fn on_env_teardown(arg: *mut c_void) {
        let _ = catch_unwind(AssertUnwindSafe(|| close_all(arg as *mut Shared)));
    }

    /// Closes every handle, holding a count of its own so that close
    /// callbacks run inside `uv_close` cannot free `shared` under it.
    unsafe fn close_all(shared: *mut Shared) {
        (*shared).tearing_down = true;
        (*shared).closing += 1;
        let handles: Vec<*mut Handle> = (*shared).handles.drain().map(|(_, h)| h).collect();
        for h in handles {
            close(shared, h);
        }
        let prepare = (*shared).prepare;
        if !prepare.is_null() {
            let uv = uv().expect("checked at construction");
            (*shared).prepare = ptr::null_mut();
            (*shared).closing += 1;
            (uv.close)(prepare, Some(on_prepare_close));
        }
        (*shared).closing -= 1;
        finish_teardown(shared);
    }

    /// Frees the state once the environment is going away and no close
    /// callback is outstanding; removing the async hook tells the host that
    /// this addon's cleanup is done.
    unsafe fn finish_teardown(shared: *mut Shared) {
        let s = &mut *shared;
        if !s.tearing_down || s.closing != 0 {
            return;
        }
        let hook = s.hook.take();
        drop(Box::from_raw(shared));
        if let Some(hook) = hook {
            sys::napi_remove_async_cleanup_hook(hook);
        }
    }
}
