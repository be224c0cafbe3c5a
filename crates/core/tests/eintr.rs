//! PEP 475: a syscall or poll() interrupted by a signal is retried, in
//! blocking mode and in timeout mode, with the deadline kept. The handler is
//! installed without SA_RESTART so that the kernel reports EINTR instead of
//! restarting the call itself (Node's handlers use SA_RESTART, which is why
//! this is tested here rather than from JavaScript).
#![cfg(unix)]

use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use pysocket_core::{sys, Mode};

static SIGNALS: AtomicUsize = AtomicUsize::new(0);

extern "C" fn on_signal(_: libc::c_int) {
    SIGNALS.fetch_add(1, Ordering::SeqCst);
}

fn install_handler() {
    // SAFETY: a plain handler that only touches an atomic; sa_flags 0 (no
    // SA_RESTART) so that blocked calls fail with EINTR.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_signal as *const () as usize;
        sa.sa_flags = 0;
        libc::sigemptyset(&mut sa.sa_mask);
        assert_eq!(libc::sigaction(libc::SIGUSR1, &sa, std::ptr::null_mut()), 0);
    }
}

fn recv_while_signalled(mode: Mode) {
    install_handler();
    let (a, b) = socket2::Socket::pair(socket2::Domain::UNIX, socket2::Type::STREAM, None).unwrap();
    if matches!(mode, Mode::Timeout(_)) {
        a.set_nonblocking(true).unwrap();
    }
    let target = unsafe { libc::pthread_self() };
    let before = SIGNALS.load(Ordering::SeqCst);
    let sender = thread::spawn(move || {
        for _ in 0..20 {
            thread::sleep(Duration::from_millis(3));
            // SAFETY: the target thread is alive: it waits for this data.
            unsafe { libc::pthread_kill(target, libc::SIGUSR1) };
        }
        use std::io::Write;
        (&b).write_all(b"after").unwrap();
        b
    });
    let mut buf = [0u8; 16];
    let n = sys::recv(a.as_raw_fd(), &mut buf, 0, mode).unwrap();
    assert_eq!(&buf[..n], b"after");
    drop(sender.join().unwrap());
    assert!(SIGNALS.load(Ordering::SeqCst) > before);
}

#[test]
fn blocking_recv_is_retried_after_eintr() {
    recv_while_signalled(Mode::Blocking);
}

#[test]
fn timeout_mode_poll_is_retried_after_eintr() {
    recv_while_signalled(Mode::from_secs(5.0));
}
