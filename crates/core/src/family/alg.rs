//! AF_ALG (`sockaddr_alg`) and `sendmsg_afalg`: sendmsg with the
//! ALG_SET_OP / ALG_SET_IV / ALG_SET_AEAD_ASSOCLEN control messages.

use std::mem;
use std::os::fd::RawFd;

use socket2::SockAddr;

use super::{c_chars, read_struct, sockaddr_of, zeroed, FamilyAddress};
use crate::error::{Error, Result};
use crate::wait::{self, Interest, Mode};

/// Capacities of `salg_type` and `salg_name`, NUL included.
pub fn capacities() -> (usize, usize) {
    let sa: libc::sockaddr_alg = zeroed();
    (sa.salg_type.len(), sa.salg_name.len())
}

/// A `sockaddr_alg`; `ty` and `name` must leave room for their NUL (the
/// JavaScript layer raises CPython's "too long" errors first).
pub fn encode(ty: &[u8], name: &[u8], feat: u32, mask: u32) -> Result<SockAddr> {
    let mut sa: libc::sockaddr_alg = zeroed();
    if ty.len() >= sa.salg_type.len() {
        return Err(Error::Value("AF_ALG type too long.".into()));
    }
    if name.len() >= sa.salg_name.len() {
        return Err(Error::Value("AF_ALG name too long.".into()));
    }
    sa.salg_family = libc::AF_ALG as libc::sa_family_t;
    sa.salg_type[..ty.len()].copy_from_slice(ty);
    sa.salg_name[..name.len()].copy_from_slice(name);
    sa.salg_feat = feat;
    sa.salg_mask = mask;
    Ok(sockaddr_of(&sa))
}

pub fn decode(bytes: &[u8]) -> Option<FamilyAddress> {
    let sa: libc::sockaddr_alg = read_struct(bytes);
    Some(FamilyAddress::Alg {
        ty: c_chars(&sa.salg_type),
        name: c_chars(&sa.salg_name),
        feat: sa.salg_feat,
        mask: sa.salg_mask,
    })
}

/// Appends one control message (level SOL_ALG) to `buf`, aligned as the
/// CMSG_* macros lay them out.
fn push_cmsg(buf: &mut Vec<u8>, ty: libc::c_int, data: &[u8]) {
    // SAFETY: CMSG_SPACE/CMSG_LEN are pure arithmetic.
    let space = unsafe { libc::CMSG_SPACE(data.len() as u32) } as usize;
    let len = unsafe { libc::CMSG_LEN(data.len() as u32) } as usize;
    let start = buf.len();
    buf.resize(start + space, 0);
    let mut hdr: libc::cmsghdr = zeroed();
    hdr.cmsg_len = len as _;
    hdr.cmsg_level = libc::SOL_ALG;
    hdr.cmsg_type = ty;
    // SAFETY: the header fits in the `space` bytes just added.
    unsafe {
        std::ptr::copy_nonoverlapping(
            (&hdr as *const libc::cmsghdr).cast::<u8>(),
            buf.as_mut_ptr().add(start),
            mem::size_of::<libc::cmsghdr>(),
        );
    }
    let data_at = start + (len - data.len());
    buf[data_at..data_at + data.len()].copy_from_slice(data);
}

/// The control buffer of `sendmsg_afalg`: the operation, then the IV
/// (`struct af_alg_iv`) and the AEAD associated-data length when given.
pub fn control(op: u32, iv: Option<&[u8]>, assoclen: Option<u32>) -> Vec<u8> {
    let mut buf = Vec::new();
    push_cmsg(&mut buf, libc::ALG_SET_OP, &op.to_ne_bytes());
    if let Some(iv) = iv {
        // struct af_alg_iv: the length, then the IV bytes.
        let head = mem::offset_of!(libc::af_alg_iv, iv);
        let at = mem::offset_of!(libc::af_alg_iv, ivlen);
        let mut data = vec![0u8; head + iv.len()];
        data[at..at + mem::size_of::<u32>()].copy_from_slice(&(iv.len() as u32).to_ne_bytes());
        data[head..].copy_from_slice(iv);
        push_cmsg(&mut buf, libc::ALG_SET_IV, &data);
    }
    if let Some(n) = assoclen {
        push_cmsg(&mut buf, libc::ALG_SET_AEAD_ASSOCLEN, &n.to_ne_bytes());
    }
    buf
}

/// sendmsg(2) of `bufs` with the AF_ALG control messages, under `mode`.
pub fn sendmsg_afalg(
    fd: RawFd,
    bufs: &[&[u8]],
    op: u32,
    iv: Option<&[u8]>,
    assoclen: Option<u32>,
    flags: i32,
    mode: Mode,
) -> Result<usize> {
    let mut ctl = control(op, iv, assoclen);
    let mut iov: Vec<libc::iovec> = bufs
        .iter()
        .map(|b| libc::iovec {
            iov_base: b.as_ptr() as *mut libc::c_void,
            iov_len: b.len(),
        })
        .collect();
    let mut msg: libc::msghdr = zeroed();
    msg.msg_iov = iov.as_mut_ptr();
    msg.msg_iovlen = iov.len() as _;
    msg.msg_control = ctl.as_mut_ptr().cast();
    msg.msg_controllen = ctl.len() as _;
    wait::call(fd, mode, Interest::Write, || {
        // SAFETY: msg points at live iovecs and control bytes for the call.
        let n = unsafe { libc::sendmsg(fd, &msg, flags) };
        if n < 0 {
            Err(std::io::Error::last_os_error())
        } else {
            Ok(n as usize)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addr::to_bytes;
    use std::mem::{offset_of, size_of};

    #[test]
    fn layout_and_round_trip() {
        let a = encode(b"hash", b"hmac(sha256)", 1, 0xffff_0000).unwrap();
        let raw = to_bytes(&a);
        assert_eq!(raw.len(), size_of::<libc::sockaddr_alg>());
        let o = offset_of!(libc::sockaddr_alg, salg_type);
        assert_eq!(&raw[o..o + 5], b"hash\0");
        let o = offset_of!(libc::sockaddr_alg, salg_mask);
        assert_eq!(raw[o..o + 4], 0xffff_0000u32.to_ne_bytes());
        assert_eq!(
            decode(raw),
            Some(FamilyAddress::Alg {
                ty: b"hash".to_vec(),
                name: b"hmac(sha256)".to_vec(),
                feat: 1,
                mask: 0xffff_0000
            })
        );
        let (tcap, ncap) = capacities();
        assert_eq!((tcap, ncap), (14, 64));
        assert!(encode(&vec![b't'; tcap - 1], &vec![b'n'; ncap - 1], 0, 0).is_ok());
        assert!(encode(&vec![b't'; tcap], b"x", 0, 0).is_err());
        assert!(encode(b"x", &vec![b'n'; ncap], 0, 0).is_err());
    }

    #[test]
    // cmsg_len is a usize on glibc, a u32 on musl.
    #[allow(clippy::unnecessary_cast)]
    fn control_messages_as_the_kernel_reads_them() {
        let ctl = control(libc::ALG_OP_ENCRYPT as u32, Some(&[9u8; 16]), Some(5));
        // Walk the buffer with the kernel's own header layout.
        let mut at = 0;
        let mut seen = Vec::new();
        while at < ctl.len() {
            let hdr: libc::cmsghdr = read_struct(&ctl[at..]);
            let data_at = at + unsafe { libc::CMSG_LEN(0) } as usize;
            let data_len = hdr.cmsg_len as usize - unsafe { libc::CMSG_LEN(0) } as usize;
            assert_eq!(hdr.cmsg_level, libc::SOL_ALG);
            seen.push((hdr.cmsg_type, ctl[data_at..data_at + data_len].to_vec()));
            at += unsafe { libc::CMSG_SPACE(data_len as u32) } as usize;
        }
        assert_eq!(seen.len(), 3);
        assert_eq!(seen[0], (libc::ALG_SET_OP, 1u32.to_ne_bytes().to_vec()));
        assert_eq!(seen[1].0, libc::ALG_SET_IV);
        assert_eq!(seen[1].1[..4], 16u32.to_ne_bytes());
        assert_eq!(seen[1].1[offset_of!(libc::af_alg_iv, iv)..], [9u8; 16]);
        assert_eq!(
            seen[2],
            (libc::ALG_SET_AEAD_ASSOCLEN, 5u32.to_ne_bytes().to_vec())
        );
        // Only the operation when nothing else is given.
        assert_eq!(control(0, None, None).len(), unsafe { libc::CMSG_SPACE(4) }
            as usize);
    }
}
