//! sendmsg/recvmsg and the byte layout of ancillary data (`struct cmsghdr`
//! lists). The walk over received control data follows glibc's
//! CMSG_FIRSTHDR/CMSG_NXTHDR and CPython's truncation rules, on a byte slice
//! so that it can be tested without a kernel.

use std::io;
use std::mem;
use std::ops::Range;
use std::os::fd::RawFd;

use socket2::SockAddr;

use crate::error::{Error, Result};
use crate::wait::{self, Interest, Mode};

/// CPython's SOCKLEN_T_LIMIT: the largest control length it accepts.
const SOCKLEN_T_LIMIT: usize = i32::MAX as usize;

/// The size of a `cmsghdr`, which is where CMSG_DATA starts.
fn header_len() -> usize {
    // SAFETY: CMSG_LEN only does arithmetic.
    unsafe { libc::CMSG_LEN(0) as usize }
}

/// CMSG_ALIGN: glibc and the kernel align items to `size_t`.
fn align(n: usize) -> usize {
    let a = mem::size_of::<libc::size_t>();
    n.saturating_add(a - 1) & !(a - 1)
}

/// `CMSG_LEN(length)`, or None where CPython raises OverflowError.
pub fn cmsg_len(length: i64) -> Option<usize> {
    let hdr = header_len();
    if length < 0 || length as u64 > (SOCKLEN_T_LIMIT - hdr) as u64 {
        return None;
    }
    // SAFETY: arithmetic only; the bound above keeps it within u32.
    let v = unsafe { libc::CMSG_LEN(length as u32) } as usize;
    (v <= SOCKLEN_T_LIMIT && v >= length as usize).then_some(v)
}

/// `CMSG_SPACE(length)`, or None where CPython raises OverflowError.
pub fn cmsg_space(length: i64) -> Option<usize> {
    // SAFETY: arithmetic only.
    let one = unsafe { libc::CMSG_SPACE(1) } as usize;
    if length < 0 || length as u64 > (SOCKLEN_T_LIMIT - one) as u64 {
        return None;
    }
    // SAFETY: arithmetic only; the bound above keeps it within u32.
    let v = unsafe { libc::CMSG_SPACE(length as u32) } as usize;
    (v <= SOCKLEN_T_LIMIT && v >= length as usize).then_some(v)
}

/// One ancillary data item: `(level, type, data)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub level: i32,
    pub ty: i32,
    pub data: Vec<u8>,
}

/// Lays out `items` as a control buffer for sendmsg (each item padded to
/// CMSG_SPACE, as CPython does).
pub fn encode_control(items: &[(i32, i32, &[u8])]) -> Result<Vec<u8>> {
    let mut buf = vec![0u8; control_len(items)?];
    encode_control_into(items, &mut buf);
    Ok(buf)
}

/// The bytes `items` take as a control buffer (each padded to CMSG_SPACE).
pub fn control_len(items: &[(i32, i32, &[u8])]) -> Result<usize> {
    let mut total: usize = 0;
    for (_, _, data) in items {
        let space = cmsg_space(data.len() as i64)
            .ok_or_else(|| Error::OsMessage("ancillary data item too large".into()))?;
        total = total
            .checked_add(space)
            .filter(|t| *t <= SOCKLEN_T_LIMIT)
            .ok_or_else(|| Error::OsMessage("too much ancillary data".into()))?;
    }
    Ok(total)
}

/// Lays out `items` in `buf`, which is zeroed and `control_len(items)` long.
pub fn encode_control_into(items: &[(i32, i32, &[u8])], buf: &mut [u8]) {
    let hdr = header_len();
    let mut off = 0;
    for (level, ty, data) in items {
        let len = hdr + data.len();
        // Field by field: some C libraries (musl) pad the struct with private fields.
        // SAFETY: a zeroed cmsghdr is valid.
        let mut h: libc::cmsghdr = unsafe { mem::zeroed() };
        h.cmsg_len = len as _;
        h.cmsg_level = *level;
        h.cmsg_type = *ty;
        assert!(
            off + len <= buf.len(),
            "control buffer shorter than control_len"
        );
        // SAFETY: `off + hdr <= buf.len()` (checked above); the header is written unaligned.
        unsafe {
            std::ptr::write_unaligned(buf.as_mut_ptr().add(off).cast::<libc::cmsghdr>(), h);
        }
        buf[off + hdr..off + len].copy_from_slice(data);
        off += align(len);
    }
}

/// Calls `f` with the iovecs `at(0..n)`: on the stack for one buffer, the
/// common case, else in a Vec.
fn with_iovecs<R>(
    n: usize,
    at: impl FnMut(usize) -> libc::iovec,
    f: impl FnOnce(&mut [libc::iovec]) -> R,
) -> R {
    let mut at = at;
    if n == 1 {
        f(&mut [at(0)])
    } else {
        let mut many: Vec<libc::iovec> = (0..n).map(at).collect();
        f(&mut many)
    }
}

fn read_header(ctrl: &[u8], off: usize) -> libc::cmsghdr {
    // SAFETY: callers check `off + size_of::<cmsghdr>() <= ctrl.len()`.
    unsafe { std::ptr::read_unaligned(ctrl.as_ptr().add(off).cast::<libc::cmsghdr>()) }
}

/// `cmsg_len` as usize: it is size_t on glibc, socklen_t elsewhere.
#[allow(clippy::unnecessary_cast)]
fn cmsg_len_of(h: &libc::cmsghdr) -> usize {
    h.cmsg_len as usize
}

/// What a walk over received control data found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Decoded {
    pub items: Vec<Item>,
    /// CPython warns "received malformed or improperly-truncated ancillary data".
    pub malformed: bool,
}

/// Walks the `msg_controllen` bytes the kernel filled in. Items follow one
/// another as glibc's CMSG_FIRSTHDR/CMSG_NXTHDR allow; an item cut short by
/// the end of the buffer is returned with the data that is there, and
/// flagged.
pub fn decode_control(ctrl: &[u8]) -> Decoded {
    let mut items = Vec::new();
    let malformed = walk_control(ctrl, |level, ty, data| {
        items.push(Item {
            level,
            ty,
            data: ctrl[data].to_vec(),
        })
    });
    Decoded { items, malformed }
}

/// The walk of `decode_control` without copying: `item(level, type, data)`
/// for each item, `data` the range of its bytes in `ctrl`. Returns whether
/// the data was malformed or truncated.
pub fn walk_control(ctrl: &[u8], mut item: impl FnMut(i32, i32, Range<usize>)) -> bool {
    let hdr = header_len();
    let hsize = mem::size_of::<libc::cmsghdr>();
    // CMSG_FIRSTHDR: a header must fit.
    let mut at = if ctrl.len() >= hsize { Some(0) } else { None };
    while let Some(off) = at {
        let h = read_header(ctrl, off);
        let clen = cmsg_len_of(&h);
        // get_cmsg_data_len: the header and its length field must be there.
        if ctrl.len() - off < hdr || clen < hdr {
            return true;
        }
        let want = clen - hdr;
        let data_off = off + hdr;
        if data_off > ctrl.len() {
            return true;
        }
        let space = ctrl.len() - data_off;
        let (n, truncated) = if space >= want {
            (want, false)
        } else {
            (space, true)
        };
        item(h.cmsg_level, h.cmsg_type, data_off..data_off + n);
        if truncated {
            return true;
        }
        // CMSG_NXTHDR (glibc): the next header and all of its aligned
        // length must lie inside the buffer.
        let next = off.saturating_add(align(clen));
        at = if next.saturating_add(hsize) > ctrl.len() {
            None
        } else {
            let nclen = cmsg_len_of(&read_header(ctrl, next));
            if next.saturating_add(align(nclen)) > ctrl.len() {
                None
            } else {
                Some(next)
            }
        };
    }
    false
}

/// The upper bound on how many items `len` bytes of control data can hold
/// (each takes at least a header).
pub fn max_items(len: usize) -> usize {
    len / header_len() + 1
}

/// The fds of every SCM_RIGHTS item in `items`.
pub fn rights(items: &[Item]) -> Vec<RawFd> {
    let mut fds = Vec::new();
    for it in items {
        if it.level == libc::SOL_SOCKET && it.ty == libc::SCM_RIGHTS {
            for c in it.data.chunks_exact(mem::size_of::<libc::c_int>()) {
                fds.push(libc::c_int::from_ne_bytes(c.try_into().unwrap()));
            }
        }
    }
    fds
}

/// The fds of the SCM_RIGHTS items in received control data (as
/// `recvmsg_raw` leaves it).
pub fn rights_in(ctrl: &[u8]) -> Vec<RawFd> {
    let mut fds = Vec::new();
    walk_control(ctrl, |level, ty, range| {
        if level == libc::SOL_SOCKET && ty == libc::SCM_RIGHTS {
            for c in ctrl[range].chunks_exact(mem::size_of::<libc::c_int>()) {
                fds.push(libc::c_int::from_ne_bytes(c.try_into().unwrap()));
            }
        }
    });
    fds
}

/// Closes every fd of the SCM_RIGHTS items in received control data (an
/// error path).
pub fn close_rights_in(ctrl: &[u8]) {
    for fd in rights_in(ctrl) {
        // SAFETY: these fds were just created by the kernel for us.
        unsafe { libc::close(fd) };
    }
}

/// Closes every fd received in SCM_RIGHTS items (an error path).
pub fn close_rights(items: &[Item]) {
    for fd in rights(items) {
        // SAFETY: these fds were just created by the kernel for us.
        unsafe { libc::close(fd) };
    }
}

/// sendmsg(2): gathers `bufs`, with a control buffer from `encode_control`
/// and an optional destination.
pub fn sendmsg(
    fd: RawFd,
    bufs: &[&[u8]],
    control: &[u8],
    flags: i32,
    addr: Option<&SockAddr>,
    mode: Mode,
) -> Result<usize> {
    let iovec = |i: usize| libc::iovec {
        iov_base: bufs[i].as_ptr() as *mut libc::c_void,
        iov_len: bufs[i].len(),
    };
    with_iovecs(bufs.len(), iovec, |iov| {
        // SAFETY: a zeroed msghdr is valid; every pointer set below outlives the call.
        let mut msg: libc::msghdr = unsafe { mem::zeroed() };
        if let Some(a) = addr {
            msg.msg_name = a.as_ptr() as *mut libc::c_void;
            msg.msg_namelen = a.len();
        }
        msg.msg_iov = iov.as_mut_ptr();
        msg.msg_iovlen = iov.len() as _;
        if !control.is_empty() {
            msg.msg_control = control.as_ptr() as *mut libc::c_void;
            msg.msg_controllen = control.len() as _;
        }
        wait::call(fd, mode, Interest::Write, || {
            // SAFETY: msg points at live buffers for the duration of the call.
            let n = unsafe { crate::sys::raw_sendmsg(fd, &msg, flags) };
            if n < 0 {
                Err(io::Error::last_os_error())
            } else {
                Ok(n as usize)
            }
        })
    })
}

/// What recvmsg(2) returned.
#[derive(Debug)]
pub struct Received {
    pub nbytes: usize,
    pub items: Vec<Item>,
    pub malformed: bool,
    pub msg_flags: i32,
    pub addr: SockAddr,
}

/// recvmsg(2) scattering into `bufs`, with room for `ancbufsize` bytes of
/// ancillary data. Received fds are inheritable, as CPython leaves them,
/// unless `flags` has MSG_CMSG_CLOEXEC.
pub fn recvmsg(
    fd: RawFd,
    bufs: &mut [&mut [u8]],
    ancbufsize: usize,
    flags: i32,
    mode: Mode,
) -> Result<Received> {
    let mut control = vec![0u8; ancbufsize];
    let r = recvmsg_raw(fd, bufs, &mut control, flags, mode)?;
    let decoded = decode_control(&control[..r.controllen]);
    Ok(Received {
        nbytes: r.nbytes,
        items: decoded.items,
        malformed: decoded.malformed,
        msg_flags: r.msg_flags,
        addr: r.addr,
    })
}

/// What `recvmsg_raw` received: the control data stays in the caller's
/// buffer, its first `controllen` bytes (walk it with `walk_control`).
pub struct RawReceived {
    pub nbytes: usize,
    pub controllen: usize,
    pub msg_flags: i32,
    pub addr: SockAddr,
}

/// recvmsg(2) scattering into `bufs`, the control data into `control`
/// (ancbufsize is its length): no allocation for one buffer.
pub fn recvmsg_raw(
    fd: RawFd,
    bufs: &mut [&mut [u8]],
    control: &mut [u8],
    flags: i32,
    mode: Mode,
) -> Result<RawReceived> {
    let ancbufsize = control.len();
    let count = bufs.len();
    let iovec = |i: usize| libc::iovec {
        iov_base: bufs[i].as_mut_ptr().cast(),
        iov_len: bufs[i].len(),
    };
    let ((n, msg_flags, controllen), addr) = with_iovecs(count, iovec, |iov| {
        wait::call(fd, mode, Interest::Read, || unsafe {
            SockAddr::try_init(|storage, len| {
                // SAFETY: a zeroed msghdr is valid; the pointers below outlive the call.
                let mut msg: libc::msghdr = mem::zeroed();
                msg.msg_name = storage.cast();
                msg.msg_namelen = *len;
                msg.msg_iov = iov.as_mut_ptr();
                msg.msg_iovlen = iov.len() as _;
                if ancbufsize > 0 {
                    msg.msg_control = control.as_mut_ptr().cast();
                    msg.msg_controllen = ancbufsize as _;
                }
                let n = crate::sys::raw_recvmsg(fd, &mut msg, flags);
                if n < 0 {
                    return Err(io::Error::last_os_error());
                }
                *len = msg.msg_namelen;
                Ok((n as usize, msg.msg_flags, msg.msg_controllen as usize))
            })
        })
    })?;
    Ok(RawReceived {
        nbytes: n,
        controllen: controllen.min(ancbufsize),
        msg_flags,
        addr,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys;

    #[test]
    fn cmsg_len_and_space_follow_libc_and_cpython_bounds() {
        let hdr = header_len();
        assert_eq!(cmsg_len(0), Some(hdr));
        assert_eq!(cmsg_len(5), Some(hdr + 5));
        assert_eq!(cmsg_len(-1), None);
        assert_eq!(
            cmsg_len((i32::MAX as usize - hdr) as i64),
            Some(i32::MAX as usize)
        );
        assert_eq!(cmsg_len((i32::MAX as usize - hdr + 1) as i64), None);
        assert_eq!(cmsg_space(1), Some(unsafe { libc::CMSG_SPACE(1) } as usize));
        assert_eq!(cmsg_space(-1), None);
        assert!(cmsg_space(i32::MAX as i64).is_none());
    }

    #[test]
    fn control_round_trips_through_the_walk() {
        let items = [
            (libc::SOL_SOCKET, libc::SCM_RIGHTS, &[1u8, 0, 0, 0][..]),
            (1, 2, &b"hello"[..]),
            (3, 4, &b""[..]),
        ];
        let ctrl = encode_control(&items).unwrap();
        let d = decode_control(&ctrl);
        assert!(!d.malformed);
        let got: Vec<_> = d
            .items
            .iter()
            .map(|i| (i.level, i.ty, i.data.as_slice()))
            .collect();
        assert_eq!(got, items);
        assert_eq!(rights(&d.items), vec![1]);
    }

    #[test]
    fn a_truncated_item_keeps_its_partial_data_and_is_flagged() {
        let ctrl = encode_control(&[(7, 8, &b"abcdefgh"[..])]).unwrap();
        let cut = &ctrl[..header_len() + 3];
        let d = decode_control(cut);
        assert!(d.malformed);
        assert_eq!(d.items.len(), 1);
        assert_eq!(d.items[0].data, b"abc");
        // Shorter than a header: nothing, no warning (CMSG_FIRSTHDR is NULL).
        let d = decode_control(&ctrl[..header_len() - 1]);
        assert_eq!(d, Decoded::default());
    }

    #[test]
    fn fds_cross_a_unix_socketpair() {
        let (a, b) = sys::socketpair(libc::AF_UNIX, libc::SOCK_STREAM, 0).unwrap();
        let fd_bytes = b.to_ne_bytes();
        let ctrl = encode_control(&[(libc::SOL_SOCKET, libc::SCM_RIGHTS, &fd_bytes[..])]).unwrap();
        assert_eq!(
            sendmsg(a, &[b"x", b"yz"], &ctrl, 0, None, Mode::Blocking).unwrap(),
            3
        );
        let mut buf = [0u8; 8];
        let r = recvmsg(
            b,
            &mut [&mut buf[..]],
            cmsg_space(4).unwrap(),
            0,
            Mode::Blocking,
        )
        .unwrap();
        assert_eq!(r.nbytes, 3);
        assert_eq!(r.msg_flags, 0);
        assert_eq!(&buf[..3], b"xyz");
        let fds = rights(&r.items);
        assert_eq!(fds.len(), 1);
        assert_ne!(fds[0], b);
        // Inheritable, as CPython leaves received fds...
        assert!(sys::get_inheritable(fds[0]).unwrap());
        close_rights(&r.items);
        // ...and close-on-exec when the caller asks with MSG_CMSG_CLOEXEC.
        #[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
        {
            sendmsg(a, &[b"x"], &ctrl, 0, None, Mode::Blocking).unwrap();
            let flags = libc::MSG_CMSG_CLOEXEC;
            let space = cmsg_space(4).unwrap();
            let r = recvmsg(b, &mut [&mut buf[..]], space, flags, Mode::Blocking).unwrap();
            let fds = rights(&r.items);
            assert_eq!(fds.len(), 1);
            assert!(!sys::get_inheritable(fds[0]).unwrap());
            close_rights(&r.items);
        }
        sys::close(a).unwrap();
        sys::close(b).unwrap();
    }
}
