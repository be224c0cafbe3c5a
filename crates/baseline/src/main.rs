//! The benchmark peers and the baseline client of `bench/`: the same
//! syscalls the contenders make, with nothing around them (the physical
//! limit). Plain std and libc.
//!
//! ```text
//! pysocket-baseline echo-server          listen on 127.0.0.1:0, print the port, echo every connection
//! pysocket-baseline bulk-server BYTES    listen on 127.0.0.1:0, print the port, send BYTES to every connection
//! pysocket-baseline pingpong PORT ITERS WARMUP   1-byte send/recv round trips; prints JSON
//! pysocket-baseline bulk PORT BUFSIZE    recv into a reused buffer until EOF; prints JSON
//! pysocket-baseline pair ITERS WARMUP    1-byte send + recv on a Unix socketpair, one thread; prints JSON
//! pysocket-baseline getsockopt ITERS     getsockopt(SOL_SOCKET, SO_TYPE) on a socket; prints JSON
//! pysocket-baseline eagain ITERS WARMUP  recv on an empty non-blocking socketpair end (EAGAIN); prints JSON
//! pysocket-baseline pp1 ITERS WARMUP     TCP ping-pong with both ends on one thread and epoll; prints JSON
//! pysocket-baseline udp1 ITERS WARMUP    the same over UDP (recvfrom, sendto to the sender); prints JSON
//! ```
//!
//! Servers serve until killed; the client commands print one JSON line
//! (`{"ns":..,"cpu_ns":..,"iters":..,"batch":..,"batches":[..]}` /
//! `{"ns":..,"bytes":..,"segment":..,"segments":[..]}`, `{"ns":..,"iters":..}`,
//! `{"us":..,"cpu":..}`), timed inside the process so that start-up is not measured.

#[cfg(any(target_os = "linux", target_os = "android"))]
mod inproc;
#[cfg(unix)]
mod peers;

#[cfg(unix)]
fn main() -> std::process::ExitCode {
    peers::main()
}

#[cfg(not(unix))]
fn main() -> std::process::ExitCode {
    eprintln!("pysocket-baseline: the benchmarks run on Unix only");
    std::process::ExitCode::from(2)
}
