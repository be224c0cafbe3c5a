//! The Unix implementation of every command (see main.rs).

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;
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
        #[cfg(any(target_os = "linux", target_os = "android"))]
        ["pp1", iters, warmup] => crate::inproc::tcp(parse(iters), parse(warmup)),
        #[cfg(any(target_os = "linux", target_os = "android"))]
        ["udp1", iters, warmup] => crate::inproc::udp(parse(iters), parse(warmup)),
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        ["pp1" | "udp1", _, _] => Err(io::Error::other("pp1 and udp1 use epoll: Linux only")),
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

pub(crate) fn check(rc: isize) -> io::Result<usize> {
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

/// CPU time of the whole process (every thread), in nanoseconds.
pub(crate) fn cpu_ns() -> u128 {
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
