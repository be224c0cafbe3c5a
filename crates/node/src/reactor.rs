//! The readiness fallback for hosts whose event loop is not reachable
//! libuv (or when `PYSOCKET_LOOP_POLLER=thread` asks for it): a reactor
//! thread waiting in poll(2) on the watched fds, handing each readiness
//! event to JavaScript through a thread-safe function.
//!
//! Same interface as `poll::Poller`: `watch(fd, events, keepAlive)`,
//! `release(fd)`, and `dispatch(fd, status, events)` called on the JS
//! thread. Level-triggered like uv_poll: an fd that was reported is left
//! out of the poll set until its dispatch has run, then polled again.
//! A late or spurious report is harmless: every attempt behind it is a
//! non-blocking syscall.

use napi::bindgen_prelude::*;
use napi_derive::napi;

#[napi]
pub struct ReactorPoller {
    #[cfg(unix)]
    inner: *const imp::Inner,
}

#[cfg(unix)]
#[napi]
impl ReactorPoller {
    #[napi(constructor, catch_unwind)]
    pub fn new(
        env: Env,
        #[napi(ts_arg_type = "(fd: number, status: number, events: number) => void")]
        dispatch: Unknown<'_>,
    ) -> Result<Self> {
        let inner = unsafe { imp::Inner::start(env.raw(), dispatch.raw()) }?;
        Ok(ReactorPoller { inner })
    }

    /// Polls `fd` for `events` (1 readable | 2 writable; 0 pauses).
    #[napi(catch_unwind)]
    pub fn watch(&mut self, env: Env, fd: i32, events: i32, keep_alive: bool) -> Result<()> {
        unsafe { imp::watch(self.inner, env.raw(), fd, events, keep_alive) }
    }

    /// Stops polling `fd`.
    #[napi(catch_unwind)]
    pub fn release(&mut self, env: Env, fd: i32) {
        unsafe { imp::watch(self.inner, env.raw(), fd, 0, false).ok() };
        unsafe { imp::forget(self.inner, fd) }
    }

    /// True when `fd` is registered but no longer refers to the file it
    /// was registered for (closed, or closed and the number reused).
    #[napi(catch_unwind)]
    pub fn stale(&self, fd: i32) -> bool {
        unsafe { imp::stale(self.inner, fd) }
    }
}

#[cfg(not(unix))]
#[napi]
impl ReactorPoller {
    #[napi(constructor, catch_unwind)]
    pub fn new(
        #[napi(ts_arg_type = "(fd: number, status: number, events: number) => void")]
        _dispatch: Unknown<'_>,
    ) -> Result<Self> {
        Err(crate::error::to_js(pysocket_core::Error::OsMessage(
            "socket.loop has no reactor thread on this platform yet".into(),
        )))
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
    use std::ffi::c_void;
    use std::panic::{catch_unwind, AssertUnwindSafe};
    use std::ptr;
    use std::sync::{Arc, Mutex};
    use std::thread::JoinHandle;

    use napi::sys;
    use napi::{Error, Result};

    use pysocket_core::fdid::{self, FileId};

    use crate::poll::{CLOSED, PANICKED};

    const READABLE: i32 = 1;
    const WRITABLE: i32 = 2;

    struct Reg {
        events: i32,
        keep_alive: bool,
        /// False from a report until its dispatch ran.
        armed: bool,
        /// The file `fd` referred to when it was registered.
        id: FileId,
        /// poll(2) said POLLNVAL: the fd was closed behind our back. It is
        /// never polled again (poll would report it at once, forever).
        closed: bool,
        /// Which registration of `fd` this is: an event still queued for an
        /// earlier one (whose number was closed and reused) is not delivered.
        serial: u64,
    }

    #[derive(Default)]
    struct State {
        fds: HashMap<i32, Reg>,
        stop: bool,
        /// The serial of the last registration made.
        serial: u64,
    }

    pub struct Inner {
        state: Mutex<State>,
        /// The self-pipe that wakes the thread: [read end, write end].
        wake: [i32; 2],
        tsfn: sys::napi_threadsafe_function,
        async_ctx: sys::napi_async_context,
        /// Registrations that keep the process alive (JS thread only).
        alive: std::cell::Cell<usize>,
        thread: Mutex<Option<JoinHandle<()>>>,
    }

    // The raw napi handles are only used on the JS thread, except the
    // thread-safe function, which is made for other threads.
    unsafe impl Send for Inner {}
    unsafe impl Sync for Inner {}

    struct Event {
        inner: *const Inner,
        serial: u64,
        fd: i32,
        status: i32,
        events: i32,
    }

    fn failed(what: &str) -> Error {
        Error::from_reason(format!("pysocket: {what} failed"))
    }

    fn os(e: std::io::Error) -> Error {
        let errno = e.raw_os_error().unwrap_or(libc::EBADF);
        crate::error::to_js(pysocket_core::Error::Os(errno))
    }

    impl Inner {
        pub unsafe fn start(env: sys::napi_env, dispatch: sys::napi_value) -> Result<*const Inner> {
            let mut fds = [0i32; 2];
            if libc::pipe(fds.as_mut_ptr()) != 0 {
                return Err(failed("pipe"));
            }
            for fd in fds {
                libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC);
                let fl = libc::fcntl(fd, libc::F_GETFL);
                libc::fcntl(fd, libc::F_SETFL, fl | libc::O_NONBLOCK);
            }
            let label = "pysocket.loop.reactor";
            let mut name = ptr::null_mut();
            let mut resource = ptr::null_mut();
            let mut async_ctx = ptr::null_mut();
            let mut tsfn = ptr::null_mut();
            let ok = sys::napi_create_string_utf8(
                env,
                label.as_ptr().cast(),
                label.len() as isize,
                &mut name,
            ) == sys::Status::napi_ok
                && sys::napi_create_object(env, &mut resource) == sys::Status::napi_ok
                && sys::napi_async_init(env, resource, name, &mut async_ctx)
                    == sys::Status::napi_ok
                && sys::napi_create_threadsafe_function(
                    env,
                    dispatch,
                    ptr::null_mut(),
                    name,
                    0,
                    1,
                    ptr::null_mut(),
                    None,
                    ptr::null_mut(),
                    Some(call_js),
                    &mut tsfn,
                ) == sys::Status::napi_ok;
            if !ok {
                libc::close(fds[0]);
                libc::close(fds[1]);
                return Err(failed("napi_create_threadsafe_function"));
            }
            // Idle until something keeps the process alive.
            sys::napi_unref_threadsafe_function(env, tsfn);
            let inner = Arc::new(Inner {
                state: Mutex::new(State::default()),
                wake: fds,
                tsfn,
                async_ctx,
                alive: std::cell::Cell::new(0),
                thread: Mutex::new(None),
            });
            // One reference, owned by the cleanup hook; the thread and the
            // JavaScript object borrow it until then.
            let raw = Arc::into_raw(inner.clone());
            let addr = raw as usize;
            let handle = std::thread::Builder::new()
                .name("pysocket-reactor".into())
                .spawn(move || {
                    let inner = unsafe { &*(addr as *const Inner) };
                    let _ = catch_unwind(AssertUnwindSafe(|| run(inner)));
                })
                .map_err(|_| failed("spawning the reactor thread"))?;
            *inner.thread.lock().unwrap() = Some(handle);
            sys::napi_add_env_cleanup_hook(env, Some(teardown), raw as *mut c_void);
            Ok(raw)
        }

        fn wake(&self) {
            let b = 1u8;
            unsafe { libc::write(self.wake[1], (&b as *const u8).cast(), 1) };
        }
    }

    /// The reactor thread: poll the armed fds, report, repeat.
    fn run(inner: &Inner) {
        let mut pfds: Vec<libc::pollfd> = Vec::new();
        loop {
            pfds.clear();
            pfds.push(libc::pollfd {
                fd: inner.wake[0],
                events: libc::POLLIN,
                revents: 0,
            });
            {
                let st = inner.state.lock().unwrap();
                if st.stop {
                    return;
                }
                for (&fd, reg) in st.fds.iter() {
                    if reg.armed && !reg.closed && reg.events != 0 {
                        let mut ev = 0;
                        if reg.events & READABLE != 0 {
                            ev |= libc::POLLIN;
                        }
                        if reg.events & WRITABLE != 0 {
                            ev |= libc::POLLOUT;
                        }
                        pfds.push(libc::pollfd {
                            fd,
                            events: ev,
                            revents: 0,
                        });
                    }
                }
            }
            let n = unsafe { libc::poll(pfds.as_mut_ptr(), pfds.len() as libc::nfds_t, -1) };
            if n < 0 {
                continue;
            }
            if pfds[0].revents != 0 {
                let mut buf = [0u8; 64];
                while unsafe { libc::read(inner.wake[0], buf.as_mut_ptr().cast(), buf.len()) } > 0 {
                }
            }
            let mut st = inner.state.lock().unwrap();
            if st.stop {
                return;
            }
            for p in &pfds[1..] {
                if p.revents == 0 {
                    continue;
                }
                let Some(reg) = st.fds.get_mut(&p.fd) else {
                    continue;
                };
                let mut events = 0;
                if p.revents & (libc::POLLIN | libc::POLLHUP | libc::POLLERR) != 0 {
                    events |= READABLE;
                }
                if p.revents & (libc::POLLOUT | libc::POLLHUP | libc::POLLERR) != 0 {
                    events |= WRITABLE;
                }
                let status = if p.revents & libc::POLLNVAL != 0 {
                    reg.closed = true;
                    CLOSED
                } else {
                    0
                };
                reg.armed = false;
                let ev = Box::into_raw(Box::new(Event {
                    inner: inner as *const Inner,
                    serial: reg.serial,
                    fd: p.fd,
                    status,
                    events: events & reg.events,
                }));
                let rc = unsafe {
                    sys::napi_call_threadsafe_function(
                        inner.tsfn,
                        ev.cast(),
                        sys::ThreadsafeFunctionCallMode::nonblocking,
                    )
                };
                if rc != sys::Status::napi_ok {
                    // Closing down: nobody will take it.
                    drop(unsafe { Box::from_raw(ev) });
                }
            }
        }
    }

    /// On the JS thread: `dispatch(fd, status, events)`, then re-arm the fd.
    unsafe extern "C" fn call_js(
        env: sys::napi_env,
        func: sys::napi_value,
        _context: *mut c_void,
        data: *mut c_void,
    ) {
        let _ = catch_unwind(AssertUnwindSafe(|| {
            let ev = Box::from_raw(data as *mut Event);
            if env.is_null() {
                return;
            }
            let inner = &*ev.inner;
            let current = matches!(
                inner.state.lock().unwrap().fds.get(&ev.fd),
                Some(reg) if reg.serial == ev.serial
            );
            if !current {
                // For a registration released since: not this one's news.
                return;
            }
            let r = catch_unwind(AssertUnwindSafe(|| {
                crate::dispatch::dispatch(env, func, inner.async_ctx, ev.fd, ev.status, ev.events)
            }));
            if r.is_err() {
                let _ = catch_unwind(AssertUnwindSafe(|| {
                    crate::dispatch::dispatch(env, func, inner.async_ctx, ev.fd, PANICKED, 0)
                }));
            }
            let mut st = inner.state.lock().unwrap();
            if let Some(reg) = st.fds.get_mut(&ev.fd) {
                reg.armed = !reg.closed;
            }
            drop(st);
            inner.wake();
        }));
    }

    /// Sets what `fd` is polled for; keeps the process alive while any
    /// registration asks for it (the thread-safe function's ref).
    pub unsafe fn watch(
        inner: *const Inner,
        env: sys::napi_env,
        fd: i32,
        events: i32,
        keep_alive: bool,
    ) -> Result<()> {
        let inner = &*inner;
        let before = inner.alive.get();
        {
            let mut st = inner.state.lock().unwrap();
            let events = events & (READABLE | WRITABLE);
            // Numbers are cheap: one per call, used by a new registration.
            let serial = st.serial + 1;
            st.serial = serial;
            let reg = match st.fds.entry(fd) {
                std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
                std::collections::hash_map::Entry::Vacant(v) => {
                    if events == 0 {
                        return Ok(());
                    }
                    // What asyncio's selector (and libuv) refuse: a closed
                    // fd, or one epoll cannot wait on (regular files), which
                    // poll(2) would report ready forever.
                    fdid::pollable(fd).map_err(os)?;
                    let id = fdid::file_id(fd).map_err(os)?;
                    v.insert(Reg {
                        events: 0,
                        keep_alive: false,
                        armed: true,
                        id,
                        closed: false,
                        serial,
                    })
                }
            };
            if reg.closed && events != 0 {
                return Err(os(std::io::Error::from_raw_os_error(libc::EBADF)));
            }
            let was = reg.keep_alive && reg.events != 0;
            reg.events = events;
            reg.keep_alive = keep_alive;
            let now = reg.keep_alive && reg.events != 0;
            match (was, now) {
                (false, true) => inner.alive.set(inner.alive.get() + 1),
                (true, false) => inner.alive.set(inner.alive.get() - 1),
                _ => {}
            }
        }
        let after = inner.alive.get();
        if before == 0 && after > 0 {
            sys::napi_ref_threadsafe_function(env, inner.tsfn);
        } else if before > 0 && after == 0 {
            sys::napi_unref_threadsafe_function(env, inner.tsfn);
        }
        inner.wake();
        Ok(())
    }

    /// Whether `fd`'s registration outlived the file it was made for.
    pub unsafe fn stale(inner: *const Inner, fd: i32) -> bool {
        let inner = &*inner;
        let st = inner.state.lock().unwrap();
        match st.fds.get(&fd) {
            Some(reg) => reg.closed || !fdid::still(fd, reg.id),
            None => false,
        }
    }

    pub unsafe fn forget(inner: *const Inner, fd: i32) {
        let inner = &*inner;
        inner.state.lock().unwrap().fds.remove(&fd);
        inner.wake();
    }

    /// The environment goes away: stop and join the thread, let go of the
    /// thread-safe function and the pipe.
    unsafe extern "C" fn teardown(arg: *mut c_void) {
        let _ = catch_unwind(AssertUnwindSafe(|| {
            let inner = Arc::from_raw(arg as *const Inner);
            inner.state.lock().unwrap().stop = true;
            inner.wake();
            if let Some(t) = inner.thread.lock().unwrap().take() {
                let _ = t.join();
            }
            sys::napi_release_threadsafe_function(
                inner.tsfn,
                sys::ThreadsafeFunctionReleaseMode::abort,
            );
            libc::close(inner.wake[0]);
            libc::close(inner.wake[1]);
            // `inner` (the one reference) goes here; the JavaScript object
            // that points to it cannot run any more.
        }));
    }
}
