//! The physical limit for bench/suites/fds.js and bench/suites/sendfile.js:
//! the same syscalls from Rust, no JavaScript or Python in between.
//!
//!   msg_baseline fds <count> <per-message> <file>   prints seconds
//!   msg_baseline sendfile <file>                    prints the port, then seconds
use std::io::Write;
use std::os::fd::{AsRawFd, RawFd};
use std::time::Instant;

use pysocket_core::{addr, msg, sendfile, sys, Mode};

fn fds(count: usize, per: usize, file: &str) {
    let (a, b) = sys::socketpair(libc::AF_UNIX, libc::SOCK_STREAM, 0).unwrap();
    let f = std::fs::File::open(file).unwrap();
    let ints: Vec<u8> = (0..per)
        .flat_map(|_| (f.as_raw_fd() as libc::c_int).to_ne_bytes())
        .collect();
    let room = msg::cmsg_len((per * 4) as i64).unwrap();
    let mut buf = [0u8; 1];
    let t0 = Instant::now();
    for _ in 0..count / per {
        let control =
            msg::encode_control(&[(libc::SOL_SOCKET, libc::SCM_RIGHTS, &ints[..])]).unwrap();
        msg::sendmsg(a, &[b"x"], &control, 0, None, Mode::Blocking).unwrap();
        let r = msg::recvmsg(b, &mut [&mut buf[..]], room, 0, Mode::Blocking).unwrap();
        for fd in msg::rights(&r.items) {
            sys::close(fd as RawFd).unwrap();
        }
    }
    println!("{}", t0.elapsed().as_secs_f64());
}

fn send_file(file: &str) {
    let l = sys::socket(libc::AF_INET, libc::SOCK_STREAM, 0).unwrap();
    sys::bind(l, &addr::encode_inet(std::net::Ipv4Addr::LOCALHOST, 0)).unwrap();
    sys::listen(l, 1).unwrap();
    let port = match addr::decode(&sys::getsockname(l).unwrap()) {
        addr::Address::Inet { port, .. } => port,
        other => panic!("unexpected address {other:?}"),
    };
    println!("{port}");
    std::io::stdout().flush().unwrap();
    let (c, _) = sys::accept(l, Mode::Blocking).unwrap();
    let f = std::fs::File::open(file).unwrap();
    let t0 = Instant::now();
    let sent = sendfile::sendfile(c, f.as_raw_fd(), 0, None, Mode::Blocking).unwrap();
    sys::close(c).unwrap();
    let secs = t0.elapsed().as_secs_f64();
    sys::close(l).unwrap();
    println!("{secs} {sent}");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("fds") => fds(args[2].parse().unwrap(), args[3].parse().unwrap(), &args[4]),
        Some("sendfile") => send_file(&args[2]),
        _ => {
            eprintln!("usage: msg_baseline fds <count> <per> <file> | sendfile <file>");
            std::process::exit(2)
        }
    }
}
