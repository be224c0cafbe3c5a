//! AF_VSOCK (`sockaddr_vm`), its 64-bit socket options and the local CID.

use std::mem;
use std::os::fd::RawFd;

use socket2::SockAddr;

use super::{read_struct, sockaddr_of, zeroed, FamilyAddress};
use crate::error::{Error, Result};

pub fn encode(cid: u32, port: u32) -> SockAddr {
    let mut vm: libc::sockaddr_vm = zeroed();
    vm.svm_family = libc::AF_VSOCK as libc::sa_family_t;
    vm.svm_cid = cid;
    vm.svm_port = port;
    sockaddr_of(&vm)
}

pub fn decode(bytes: &[u8]) -> Option<FamilyAddress> {
    let vm: libc::sockaddr_vm = read_struct(bytes);
    Some(FamilyAddress::Vsock {
        cid: vm.svm_cid,
        port: vm.svm_port,
    })
}

/// The CID of this machine: IOCTL_VM_SOCKETS_GET_LOCAL_CID on /dev/vsock.
pub fn local_cid() -> Result<u32> {
    let fd = unsafe { libc::open(c"/dev/vsock".as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC) };
    if fd < 0 {
        return Err(Error::last());
    }
    let mut cid: u32 = 0;
    // SAFETY: the ioctl writes one unsigned int to `cid`.
    let rc = unsafe {
        libc::ioctl(
            fd,
            crate::kernel::IOCTL_VM_SOCKETS_GET_LOCAL_CID as _,
            &mut cid as *mut u32,
        )
    };
    let err = if rc < 0 { Some(Error::last()) } else { None };
    unsafe { libc::close(fd) };
    match err {
        Some(e) => Err(e),
        None => Ok(cid),
    }
}

/// getsockopt of a 64-bit option (the SO_VM_SOCKETS_* sizes), as CPython
/// reads every option of an AF_VSOCK socket.
pub fn getsockopt_u64(fd: RawFd, level: i32, name: i32) -> Result<u64> {
    let mut v: u64 = 0;
    let mut len = mem::size_of::<u64>() as libc::socklen_t;
    // SAFETY: `v` has room for the `len` bytes the kernel may write.
    let rc = unsafe { libc::getsockopt(fd, level, name, (&mut v as *mut u64).cast(), &mut len) };
    if rc < 0 {
        return Err(Error::last());
    }
    Ok(v)
}

pub fn setsockopt_u64(fd: RawFd, level: i32, name: i32, value: u64) -> Result<()> {
    // SAFETY: the kernel reads size_of::<u64>() bytes from `value`.
    let rc = unsafe {
        libc::setsockopt(
            fd,
            level,
            name,
            (&value as *const u64).cast(),
            mem::size_of::<u64>() as libc::socklen_t,
        )
    };
    if rc < 0 {
        return Err(Error::last());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addr::{decode as decode_addr, to_bytes, Address};
    use crate::kernel::{SO_VM_SOCKETS_BUFFER_MAX_SIZE, SO_VM_SOCKETS_BUFFER_SIZE};
    use std::mem::{offset_of, size_of};

    #[test]
    fn layout_and_round_trip() {
        let a = encode(libc::VMADDR_CID_LOCAL, 0x1234_5678);
        let raw = to_bytes(&a);
        assert_eq!(raw.len(), size_of::<libc::sockaddr_vm>());
        let o = offset_of!(libc::sockaddr_vm, svm_cid);
        assert_eq!(raw[o..o + 4], libc::VMADDR_CID_LOCAL.to_ne_bytes());
        let o = offset_of!(libc::sockaddr_vm, svm_port);
        assert_eq!(raw[o..o + 4], 0x1234_5678u32.to_ne_bytes());
        assert_eq!(
            decode_addr(&a),
            Address::Family(FamilyAddress::Vsock {
                cid: libc::VMADDR_CID_LOCAL,
                port: 0x1234_5678
            })
        );
    }

    /// Needs the vsock module; skipped (passes) where AF_VSOCK is absent.
    #[test]
    fn bind_any_and_sixty_four_bit_options() {
        let fd = match crate::sys::socket(libc::AF_VSOCK, libc::SOCK_STREAM, 0) {
            Ok(fd) => fd,
            Err(e) => {
                eprintln!("AF_VSOCK unavailable here: {e}");
                return;
            }
        };
        crate::sys::bind(fd, &encode(libc::VMADDR_CID_ANY, libc::VMADDR_PORT_ANY)).unwrap();
        match decode_addr(&crate::sys::getsockname(fd).unwrap()) {
            Address::Family(FamilyAddress::Vsock { cid, port }) => {
                assert_eq!(cid, libc::VMADDR_CID_ANY);
                assert_ne!(port, libc::VMADDR_PORT_ANY);
            }
            other => panic!("{other:?}"),
        }
        let max = getsockopt_u64(fd, libc::AF_VSOCK, SO_VM_SOCKETS_BUFFER_MAX_SIZE).unwrap();
        let want = (max / 2).max(1);
        setsockopt_u64(fd, libc::AF_VSOCK, SO_VM_SOCKETS_BUFFER_SIZE, want).unwrap();
        assert_eq!(
            getsockopt_u64(fd, libc::AF_VSOCK, SO_VM_SOCKETS_BUFFER_SIZE).unwrap(),
            want
        );
        crate::sys::close(fd).unwrap();
        if let Ok(cid) = local_cid() {
            assert_ne!(cid, libc::VMADDR_CID_ANY);
        }
    }
}
