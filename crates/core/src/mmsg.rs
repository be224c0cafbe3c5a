//! recvmmsg(2) and sendmmsg(2) (Linux): many datagrams per syscall. The
//! per-message layout (`struct mmsghdr`: a `msghdr` and its length) is built
//! here; the ancillary data of each message is encoded and walked by `msg`.

use std::io;
use std::mem;
use std::os::fd::RawFd;

use socket2::SockAddr;

use crate::error::{Error, Result};
use crate::msg::{self, Item};
use crate::wait::{self, Interest, Mode};

/// The most messages one call takes (UIO_MAXIOV): the kernel silently
/// clamps a larger `vlen` to it.
pub const MAX_VLEN: usize = 1024;

/// One received message of a batch.
#[derive(Debug)]
pub struct Received {
    /// The bytes written at the start of the message's slot.
    pub nbytes: usize,
    pub items: Vec<Item>,
    pub malformed: bool,
    pub msg_flags: i32,
    pub addr: SockAddr,
}

/// Rounds up to a multiple of 8 (the control storage is u64-aligned, which
/// keeps every message's `cmsghdr` aligned).
fn align8(n: usize) -> usize {
    n.div_ceil(8) * 8
}

/// recvmmsg into `data`, message `i` into `data[i * bufsize..][..bufsize]`,
/// with room for `ancbufsize` bytes of ancillary data per message. Waits
/// (as the mode says) for the first message only (MSG_WAITFORONE), then
/// takes what is queued, up to `vlen` (at most `MAX_VLEN`). Received fds
/// are close-on-exec.
pub fn recvmmsg(
    fd: RawFd,
    data: &mut [u8],
    bufsize: usize,
    vlen: usize,
    ancbufsize: usize,
    flags: i32,
    mode: Mode,
) -> Result<Vec<Received>> {
    let vlen = vlen.min(MAX_VLEN);
    let need = bufsize
        .checked_mul(vlen)
        .filter(|n| *n <= data.len())
        .ok_or_else(|| Error::Value("buffer too small for the batch".into()))?;
    if vlen == 0 {
        return Ok(Vec::new());
    }
    let data = &mut data[..need];
    let mut iov: Vec<libc::iovec> = (0..vlen)
        .map(|i| libc::iovec {
            // SAFETY: `i * bufsize <= need`, inside `data`.
            iov_base: unsafe { data.as_mut_ptr().add(i * bufsize) }.cast(),
            iov_len: bufsize,
        })
        .collect();
    // SAFETY: all-zero sockaddr_storage and mmsghdr are valid values.
    let mut names: Vec<libc::sockaddr_storage> = vec![unsafe { mem::zeroed() }; vlen];
    let space = align8(ancbufsize);
    let mut control = vec![0u64; space / 8 * vlen];
    let mut hdrs: Vec<libc::mmsghdr> = vec![unsafe { mem::zeroed() }; vlen];
    let reset = |hdrs: &mut [libc::mmsghdr],
                 names: &mut [libc::sockaddr_storage],
                 iov: &mut [libc::iovec],
                 control: &mut [u64]| {
        for (i, h) in hdrs.iter_mut().enumerate() {
            h.msg_len = 0;
            h.msg_hdr.msg_name = (&mut names[i] as *mut libc::sockaddr_storage).cast();
            h.msg_hdr.msg_namelen = mem::size_of::<libc::sockaddr_storage>() as _;
            h.msg_hdr.msg_iov = &mut iov[i];
            h.msg_hdr.msg_iovlen = 1;
            h.msg_hdr.msg_flags = 0;
            if ancbufsize > 0 {
                // SAFETY: `i * space / 8` words into `control`, which holds `vlen * space` bytes.
                h.msg_hdr.msg_control = unsafe { control.as_mut_ptr().add(i * space / 8) }.cast();
                h.msg_hdr.msg_controllen = ancbufsize as _;
            } else {
                h.msg_hdr.msg_control = std::ptr::null_mut();
                h.msg_hdr.msg_controllen = 0;
            }
        }
    };
    let all = flags | libc::MSG_WAITFORONE | libc::MSG_CMSG_CLOEXEC;
    let n = wait::call(fd, mode, Interest::Read, || {
        reset(&mut hdrs, &mut names, &mut iov, &mut control);
        // SAFETY: every header points at live storage owned by this frame.
        let n = unsafe {
            libc::recvmmsg(
                fd,
                hdrs.as_mut_ptr(),
                vlen as _,
                all as _,
                std::ptr::null_mut(),
            )
        };
        if n < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(n as usize)
        }
    })?;
    // Linux echoes MSG_CMSG_CLOEXEC in msg_flags: hide it unless the caller asked.
    let hide = libc::MSG_CMSG_CLOEXEC & !flags;
    let ctrl_bytes = control.len() * 8;
    // SAFETY: u64 storage viewed as bytes.
    let ctrl: &[u8] =
        unsafe { std::slice::from_raw_parts(control.as_ptr().cast::<u8>(), ctrl_bytes) };
    let mut out = Vec::with_capacity(n);
    for (i, h) in hdrs.iter().take(n).enumerate() {
        // msg_controllen is size_t on glibc, socklen_t on musl.
        #[allow(clippy::unnecessary_cast)]
        let clen = (h.msg_hdr.msg_controllen as usize).min(ancbufsize);
        let decoded = if ancbufsize > 0 {
            msg::decode_control(&ctrl[i * space..i * space + clen])
        } else {
            msg::Decoded::default()
        };
        let mut storage = socket2::SockAddrStorage::zeroed();
        // SAFETY: the kernel filled `names[i]` and set its length; the
        // storage is a sockaddr_storage.
        let addr = unsafe {
            *storage.view_as::<libc::sockaddr_storage>() = names[i];
            SockAddr::new(storage, h.msg_hdr.msg_namelen)
        };
        out.push(Received {
            nbytes: (h.msg_len as usize).min(bufsize),
            items: decoded.items,
            malformed: decoded.malformed,
            msg_flags: h.msg_hdr.msg_flags & !hide,
            addr,
        });
    }
    Ok(out)
}

/// One message of a sendmmsg batch.
pub struct Outgoing<'a> {
    pub bufs: Vec<&'a [u8]>,
    /// A control buffer from `msg::encode_control` (empty for none).
    pub control: Vec<u8>,
    pub addr: Option<SockAddr>,
    /// Flags of this message, added to the call's.
    pub flags: i32,
}

/// sendmmsg: sends `msgs` in order and returns how many went. Messages
/// whose flags differ cannot share a syscall, so each run of equal flags is
/// one sendmmsg; a run the kernel sends only in part ends the batch. An
/// error is returned only when no message went (as sendmmsg(2) does).
pub fn sendmmsg(fd: RawFd, msgs: &[Outgoing<'_>], flags: i32, mode: Mode) -> Result<usize> {
    let mut deadline = wait::Deadline::new(mode);
    let mut sent = 0;
    while sent < msgs.len() {
        let run_flags = msgs[sent].flags;
        let run = msgs[sent..]
            .iter()
            .take(MAX_VLEN)
            .take_while(|m| m.flags == run_flags)
            .count();
        let batch = &msgs[sent..sent + run];
        let mut iovs: Vec<Vec<libc::iovec>> = batch
            .iter()
            .map(|m| {
                m.bufs
                    .iter()
                    .map(|b| libc::iovec {
                        iov_base: b.as_ptr() as *mut libc::c_void,
                        iov_len: b.len(),
                    })
                    .collect()
            })
            .collect();
        // SAFETY: an all-zero mmsghdr is valid; the pointers set below outlive the call.
        let mut hdrs: Vec<libc::mmsghdr> = vec![unsafe { mem::zeroed() }; run];
        for ((h, m), iov) in hdrs.iter_mut().zip(batch).zip(iovs.iter_mut()) {
            if let Some(a) = &m.addr {
                h.msg_hdr.msg_name = a.as_ptr() as *mut libc::c_void;
                h.msg_hdr.msg_namelen = a.len();
            }
            h.msg_hdr.msg_iov = iov.as_mut_ptr();
            h.msg_hdr.msg_iovlen = iov.len() as _;
            if !m.control.is_empty() {
                h.msg_hdr.msg_control = m.control.as_ptr() as *mut libc::c_void;
                h.msg_hdr.msg_controllen = m.control.len() as _;
            }
        }
        let all = flags | run_flags;
        let r = wait::call_with(fd, &mut deadline, Interest::Write, || {
            // SAFETY: every header points at live buffers for the call.
            let n = unsafe { libc::sendmmsg(fd, hdrs.as_mut_ptr(), run as _, all as _) };
            if n < 0 {
                Err(io::Error::last_os_error())
            } else {
                Ok(n as usize)
            }
        });
        match r {
            Ok(n) => {
                sent += n;
                if n < run {
                    break;
                }
            }
            Err(e) if sent == 0 => return Err(e),
            Err(_) => break,
        }
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys;

    fn udp_pair() -> (RawFd, RawFd, SockAddr) {
        let a = sys::socket(libc::AF_INET, libc::SOCK_DGRAM, 0).unwrap();
        let b = sys::socket(libc::AF_INET, libc::SOCK_DGRAM, 0).unwrap();
        let lo: SockAddr = "127.0.0.1:0"
            .parse::<std::net::SocketAddr>()
            .unwrap()
            .into();
        sys::bind(b, &lo).unwrap();
        let to = sys::getsockname(b).unwrap();
        (a, b, to)
    }

    #[test]
    fn a_batch_crosses_loopback_in_order_with_addresses() {
        let (a, b, to) = udp_pair();
        let payloads: [&[u8]; 3] = [b"one", b"", b"three"];
        let msgs: Vec<Outgoing> = payloads
            .iter()
            .map(|p| Outgoing {
                bufs: vec![*p],
                control: Vec::new(),
                addr: Some(to.clone()),
                flags: 0,
            })
            .collect();
        assert_eq!(sendmmsg(a, &msgs, 0, Mode::Blocking).unwrap(), 3);
        let mut data = vec![0u8; 4 * 8];
        let got = recvmmsg(b, &mut data, 8, 4, 0, 0, Mode::Blocking).unwrap();
        assert_eq!(got.len(), 3);
        // The sender was bound implicitly, to 0.0.0.0 and some port.
        let port = sys::getsockname(a).unwrap().as_socket().unwrap().port();
        for (i, (r, p)) in got.iter().zip(payloads).enumerate() {
            assert_eq!(&data[i * 8..i * 8 + r.nbytes], p);
            let from = r.addr.as_socket().unwrap();
            assert_eq!(from.port(), port);
            assert_eq!(from.ip().to_string(), "127.0.0.1");
            assert_eq!(r.msg_flags, 0);
        }
        // Nothing queued: a non-blocking batch would block.
        sys::set_blocking(b, false).unwrap();
        let e = recvmmsg(b, &mut data, 8, 4, 0, 0, Mode::NonBlocking).unwrap_err();
        assert_eq!(e, Error::Os(libc::EAGAIN));
        sys::close(a).unwrap();
        sys::close(b).unwrap();
    }

    #[test]
    fn a_long_datagram_is_truncated_to_its_slot_and_flagged() {
        let (a, b, to) = udp_pair();
        let msgs = [Outgoing {
            bufs: vec![b"abcdefghij"],
            control: Vec::new(),
            addr: Some(to),
            flags: 0,
        }];
        assert_eq!(sendmmsg(a, &msgs, 0, Mode::Blocking).unwrap(), 1);
        let mut data = vec![0u8; 8];
        let got = recvmmsg(b, &mut data, 4, 2, 0, 0, Mode::Blocking).unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].nbytes, 4);
        assert_eq!(&data[..4], b"abcd");
        assert_ne!(got[0].msg_flags & libc::MSG_TRUNC, 0);
        sys::close(a).unwrap();
        sys::close(b).unwrap();
    }

    #[test]
    fn fds_travel_per_message_and_a_small_buffer_is_refused() {
        let (a, b) = sys::socketpair(libc::AF_UNIX, libc::SOCK_DGRAM, 0).unwrap();
        let fd_bytes = b.to_ne_bytes();
        let ctrl =
            msg::encode_control(&[(libc::SOL_SOCKET, libc::SCM_RIGHTS, &fd_bytes[..])]).unwrap();
        let msgs = [
            Outgoing {
                bufs: vec![b"x"],
                control: ctrl,
                addr: None,
                flags: 0,
            },
            Outgoing {
                bufs: vec![b"y", b"z"],
                control: Vec::new(),
                addr: None,
                flags: 0,
            },
        ];
        assert_eq!(sendmmsg(a, &msgs, 0, Mode::Blocking).unwrap(), 2);
        let anc = msg::cmsg_space(4).unwrap();
        let mut data = vec![0u8; 2 * 4];
        assert!(matches!(
            recvmmsg(b, &mut data, 4, 3, anc, 0, Mode::Blocking),
            Err(Error::Value(_))
        ));
        let got = recvmmsg(b, &mut data, 4, 2, anc, 0, Mode::Blocking).unwrap();
        assert_eq!(got.len(), 2);
        let fds = msg::rights(&got[0].items);
        assert_eq!(fds.len(), 1);
        assert!(!sys::get_inheritable(fds[0]).unwrap());
        assert!(got[1].items.is_empty());
        assert_eq!(&data[4..6], b"yz");
        msg::close_rights(&got[0].items);
        sys::close(a).unwrap();
        sys::close(b).unwrap();
    }
}
