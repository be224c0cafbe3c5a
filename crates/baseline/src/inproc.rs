//! The in-process ping-pongs' floor (`pp1`, `udp1`): both ends on one
//! thread with epoll, as the event loops of `bench/suites/loop.js` run them.
//! Linux only (epoll).

use std::io;
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::time::Instant;

use crate::peers::{check, cpu_ns};

/// `pp1`: the TCP ping-pong.
pub fn tcp(iters: u64, warmup: u64) -> io::Result<()> {
    let (client, server, _listener) = tcp_pair()?;
    in_process(client, server, None, iters, warmup)
}

/// `udp1`: the UDP echo.
pub fn udp(iters: u64, warmup: u64) -> io::Result<()> {
    let (client, server, to) = udp_pair()?;
    in_process(client, server, Some(to), iters, warmup)
}

/// A connected TCP client and its accepted end on loopback, both
/// non-blocking with TCP_NODELAY (the listener is kept until the end).
fn tcp_pair() -> io::Result<(OwnedFd, OwnedFd, TcpListener)> {
    let listener = TcpListener::bind(("127.0.0.1", 0))?;
    let client = TcpStream::connect(listener.local_addr()?)?;
    let (server, _) = listener.accept()?;
    for s in [&client, &server] {
        s.set_nodelay(true)?;
        s.set_nonblocking(true)?;
    }
    Ok((client.into(), server.into(), listener))
}

/// Two non-blocking, unconnected UDP sockets on loopback, and the server's
/// address for the client's sendto(2).
fn udp_pair() -> io::Result<(OwnedFd, OwnedFd, libc::sockaddr_in)> {
    let server = UdpSocket::bind(("127.0.0.1", 0))?;
    let client = UdpSocket::bind(("127.0.0.1", 0))?;
    for s in [&client, &server] {
        s.set_nonblocking(true)?;
    }
    let to = libc::sockaddr_in {
        sin_family: libc::AF_INET as libc::sa_family_t,
        sin_port: server.local_addr()?.port().to_be(),
        sin_addr: libc::in_addr {
            s_addr: u32::from(std::net::Ipv4Addr::LOCALHOST).to_be(),
        },
        sin_zero: [0; 8],
    };
    Ok((client.into(), server.into(), to))
}

/// The in-process ping-pong of `bench/suites/loop.js` with nothing around
/// the syscalls: both ends on one thread, one level-triggered epoll set
/// registered once (as libuv keeps its handles), and per round trip the
/// calls an event loop makes: sendto on the client (to `to`, or to its
/// peer), epoll_wait, recvfrom and sendto on the server (back to the
/// sender), epoll_wait, recvfrom on the client. Prints `{"us":..,"cpu":..}`,
/// µs and process CPU µs per round trip.
fn in_process(
    client: OwnedFd,
    server: OwnedFd,
    to: Option<libc::sockaddr_in>,
    iters: u64,
    warmup: u64,
) -> io::Result<()> {
    let (c, s) = (client.as_raw_fd(), server.as_raw_fd());
    let ep = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
    check(ep as isize)?;
    let ep = unsafe { OwnedFd::from_raw_fd(ep) };
    for fd in [c, s] {
        let mut ev = libc::epoll_event {
            events: libc::EPOLLIN as u32,
            u64: fd as u64,
        };
        check(
            unsafe { libc::epoll_ctl(ep.as_raw_fd(), libc::EPOLL_CTL_ADD, fd, &mut ev) } as isize,
        )?;
    }
    let mut events = [libc::epoll_event { events: 0, u64: 0 }; 8];
    let mut buf = [0u8; 2048];
    let (to, to_len) = match &to {
        Some(a) => (
            (a as *const libc::sockaddr_in).cast::<libc::sockaddr>(),
            std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t,
        ),
        None => (std::ptr::null(), 0),
    };
    let mut round = || -> io::Result<()> {
        check(unsafe { libc::sendto(c, b"x".as_ptr().cast(), 1, 0, to, to_len) })?;
        loop {
            let n = unsafe { libc::epoll_wait(ep.as_raw_fd(), events.as_mut_ptr(), 8, -1) };
            if n < 0 {
                let e = io::Error::last_os_error();
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(e);
            }
            for ev in &events[..n as usize] {
                let fd = ev.u64 as i32;
                let mut from: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
                let mut len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
                let got = check(unsafe {
                    libc::recvfrom(
                        fd,
                        buf.as_mut_ptr().cast(),
                        buf.len(),
                        0,
                        (&mut from as *mut libc::sockaddr_storage).cast(),
                        &mut len,
                    )
                })?;
                if fd == c {
                    return Ok(());
                }
                // A stream has no sender address (len 0): sendto goes to the peer.
                let back: *const libc::sockaddr = if len > 0 {
                    (&from as *const libc::sockaddr_storage).cast()
                } else {
                    std::ptr::null()
                };
                check(unsafe { libc::sendto(s, buf.as_ptr().cast(), got, 0, back, len) })?;
            }
        }
    };
    for _ in 0..warmup {
        round()?;
    }
    let cpu0 = cpu_ns();
    let t0 = Instant::now();
    for _ in 0..iters {
        round()?;
    }
    let us = t0.elapsed().as_nanos() as f64 / 1000.0 / iters as f64;
    let cpu = (cpu_ns() - cpu0) as f64 / 1000.0 / iters as f64;
    println!("{{\"us\":{us},\"cpu\":{cpu}}}");
    Ok(())
}
