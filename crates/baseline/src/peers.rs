//! The Unix implementation of every command (see main.rs).

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::process::ExitCode;
use std::thread;
use std::time::Instant;

/// Round trips per timed batch, and bytes per timed bulk segment: the
/// suites take the median batch, which shrugs off a noisy neighbour.
const BATCH: u64 = 1000;
const SEGMENT: u64 = 64 << 20;

pub fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match argv.as_slice() {
        ["echo-server"] => serve(echo),
        ["bulk-server", bytes] => {
            let total: u64 = parse(bytes);
            serve(move |s| send_bytes(s, total))
        }
        ["pingpong", port, iters, warmup] => pingpong(parse(port), parse(iters), parse(warmup)),
        ["bulk", port, bufsize] => bulk(parse(port), parse(bufsize)),
        ["pair", iters, warmup] => pair(parse(iters), parse(warmup)),
        ["getsockopt", iters] => getsockopt(parse(iters)),
        ["eagain", iters, warmup] => eagain(parse(iters), parse(warmup)),
        ["pp1", iters, warmup] => tcp_pair().and_then(|(client, server, _listener)| {
            in_process(client, server, None, parse(iters), parse(warmup))
        }),
        ["udp1", iters, warmup] => udp_pair().and_then(|(client, server, to)| {
            in_process(client, server, Some(to), parse(iters), parse(warmup))
        }),
        _ => {
            eprintln!("usage: see the comment at the top of crates/baseline/src/main.rs");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pysocket-baseline: {e}");
            ExitCode::FAILURE
        }
    }
}

fn parse<T: std::str::FromStr>(s: &str) -> T {
    match s.parse() {
        Ok(v) => v,
        Err(_) => {
            eprintln!("pysocket-baseline: bad number {s:?}");
            std::process::exit(2)
        }
    }
}

/// Listens on an ephemeral loopback port, prints it, and runs `handle` on a
/// thread per connection.
fn serve(handle: impl Fn(TcpStream) -> io::Result<()> + Send + Copy + 'static) -> io::Result<()> {
    let listener = TcpListener::bind(("127.0.0.1", 0))?;
    let port = listener.local_addr()?.port();
    let mut out = io::stdout().lock();
    writeln!(out, "{port}")?;
    out.flush()?;
    drop(out);
    for conn in listener.incoming() {
        let conn = conn?;
        conn.set_nodelay(true)?;
        thread::spawn(move || {
            // A contender that goes away mid-stream is not an error here.
            let _ = handle(conn);
        });
    }
    Ok(())
}

fn echo(mut s: TcpStream) -> io::Result<()> {
    let mut buf = vec![0u8; 65536];
    loop {
        let n = s.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        s.write_all(&buf[..n])?;
    }
}

fn send_bytes(mut s: TcpStream, total: u64) -> io::Result<()> {
    let chunk = vec![b'x'; 256 * 1024];
    let mut left = total;
    while left > 0 {
        let n = left.min(chunk.len() as u64) as usize;
        s.write_all(&chunk[..n])?;
        left -= n as u64;
    }
    Ok(())
}

fn check(rc: isize) -> io::Result<usize> {
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(rc as usize)
    }
}

/// One round trip: send(2) one byte, recv(2) one byte.
fn round_trip(fd: i32, byte: &mut [u8; 1]) -> io::Result<()> {
    check(unsafe { libc::send(fd, byte.as_ptr().cast(), 1, 0) })?;
    let n = check(unsafe { libc::recv(fd, byte.as_mut_ptr().cast(), 1, 0) })?;
    if n != 1 {
        return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "peer closed"));
    }
    Ok(())
}

fn pingpong(port: u16, iters: u64, warmup: u64) -> io::Result<()> {
    let s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_nodelay(true)?;
    let fd = s.as_raw_fd();
    let mut byte = [b'x'];
    time_batches(iters, warmup, || round_trip(fd, &mut byte))
}

/// The per-call cost with no waiting: send one byte on one end of a
/// socketpair and recv it on the other, on one thread.
fn pair(iters: u64, warmup: u64) -> io::Result<()> {
    let (a, b) = std::os::unix::net::UnixStream::pair()?;
    let (fa, fb) = (a.as_raw_fd(), b.as_raw_fd());
    let mut byte = [b'x'];
    time_batches(iters, warmup, || {
        check(unsafe { libc::send(fa, byte.as_ptr().cast(), 1, 0) })?;
        check(unsafe { libc::recv(fb, byte.as_mut_ptr().cast(), 1, 0) })?;
        Ok(())
    })
}

/// Runs `once` `warmup` times, then `iters` times timed in batches of
/// BATCH; prints `{"ns":..,"cpu_ns":..,"iters":..,"batch":..,"batches":[..]}`
/// (the process's CPU time over the timed calls).
fn time_batches(
    iters: u64,
    warmup: u64,
    mut once: impl FnMut() -> io::Result<()>,
) -> io::Result<()> {
    for _ in 0..warmup {
        once()?;
    }
    let mut batches = Vec::new();
    let cpu0 = cpu_ns();
    let t0 = Instant::now();
    let mut tb = t0;
    for i in 1..=iters {
        once()?;
        if i % BATCH == 0 {
            let t = Instant::now();
            batches.push((t - tb).as_nanos());
            tb = t;
        }
    }
    let ns = t0.elapsed().as_nanos();
    let cpu = cpu_ns() - cpu0;
    println!(
        "{{\"ns\":{ns},\"cpu_ns\":{cpu},\"iters\":{iters},\"batch\":{BATCH},\"batches\":{}}}",
        json_list(&batches)
    );
    Ok(())
}

/// `iters` getsockopt(SOL_SOCKET, SO_TYPE) calls on a TCP socket, after a
/// quarter as many for warm-up; prints `{"ns":..,"iters":..}`.
fn getsockopt(iters: u64) -> io::Result<()> {
    let sock = TcpListener::bind("127.0.0.1:0")?;
    let fd = sock.as_raw_fd();
    let once = || -> io::Result<()> {
        let mut value: libc::c_int = 0;
        let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
        let rc = unsafe {
            libc::getsockopt(
                fd,
                libc::SOL_SOCKET,
                libc::SO_TYPE,
                (&mut value as *mut libc::c_int).cast(),
                &mut len,
            )
        };
        check(rc as isize).map(drop)
    };
    for _ in 0..iters / 4 {
        once()?;
    }
    let t0 = Instant::now();
    for _ in 0..iters {
        once()?;
    }
    let ns = t0.elapsed().as_nanos();
    println!("{{\"ns\":{ns},\"iters\":{iters}}}");
    Ok(())
}

/// recv(2) on an empty non-blocking socketpair end, `iters` times after
/// `warmup`: the syscall under the raise-and-catch benchmark, which fails
/// with EAGAIN each time; prints the same JSON as `pair`.
fn eagain(iters: u64, warmup: u64) -> io::Result<()> {
    let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    a.set_nonblocking(true)?;
    let fd = a.as_raw_fd();
    let mut byte = [0u8];
    time_batches(iters, warmup, || {
        let rc = unsafe { libc::recv(fd, byte.as_mut_ptr().cast(), 1, 0) };
        match check(rc) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(()),
            Err(e) => Err(e),
            Ok(_) => Err(io::Error::other("data on an empty socket")),
        }
    })
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

/// CPU time of the whole process (every thread), in nanoseconds.
fn cpu_ns() -> u128 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    ts.tv_sec as u128 * 1_000_000_000 + ts.tv_nsec as u128
}

fn bulk(port: u16, bufsize: usize) -> io::Result<()> {
    let s = TcpStream::connect(("127.0.0.1", port))?;
    let fd = s.as_raw_fd();
    let mut buf = vec![0u8; bufsize];
    let mut total: u64 = 0;
    let mut mark = SEGMENT;
    let mut segments = Vec::new();
    // CPU from the end of the first segment, as in every client.
    let mut cpu0 = cpu_ns();
    let mut cpu_from = 0;
    let t0 = Instant::now();
    let mut ts = t0;
    loop {
        let n = check(unsafe { libc::recv(fd, buf.as_mut_ptr().cast(), buf.len(), 0) })?;
        if n == 0 {
            break;
        }
        total += n as u64;
        if total >= mark {
            let t = Instant::now();
            segments.push((t - ts).as_nanos());
            ts = t;
            mark += SEGMENT;
            if segments.len() == 1 {
                cpu0 = cpu_ns();
                cpu_from = total;
            }
        }
    }
    let ns = t0.elapsed().as_nanos();
    let cpu = cpu_ns() - cpu0;
    println!(
        "{{\"ns\":{ns},\"cpu_ns\":{cpu},\"cpu_bytes\":{},\"bytes\":{total},\"segment\":{SEGMENT},\"segments\":{}}}",
        total - cpu_from,
        json_list(&segments)
    );
    Ok(())
}

fn json_list(xs: &[u128]) -> String {
    let items: Vec<String> = xs.iter().map(u128::to_string).collect();
    format!("[{}]", items.join(","))
}
