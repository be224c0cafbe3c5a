//! The Linux address families across the boundary: one encoder per family
//! (parts checked by `lib/families.ts`), the tuples of decoded addresses,
//! interface lookups, `sendmsg_afalg` and the AF_VSOCK helpers.

use napi::bindgen_prelude::*;
use napi_derive::napi;
use pysocket_core::addr;
use pysocket_core::family::{self, alg, bluetooth, can, link, misc, vsock, FamilyAddress};
use pysocket_core::Mode;
use socket2::SockAddr;

use crate::error::{to_js, Js, Result};

fn bytes(a: &SockAddr) -> Buffer {
    Buffer::from(addr::to_bytes(a).to_vec())
}

fn text(b: Vec<u8>) -> String {
    String::from_utf8_lossy(&b).into_owned()
}

/// The JavaScript value of a decoded family address (CPython's tuple).
///
/// # Safety
/// `env` must be the live environment of the current call.
pub unsafe fn to_napi(env: sys::napi_env, a: FamilyAddress) -> napi::Result<sys::napi_value> {
    match a {
        FamilyAddress::Netlink { pid, groups } => <(u32, u32)>::to_napi_value(env, (pid, groups)),
        FamilyAddress::Packet {
            ifname,
            proto,
            pkttype,
            hatype,
            addr,
        } => <(String, u32, u32, u32, Buffer)>::to_napi_value(
            env,
            (
                text(ifname),
                proto as u32,
                pkttype as u32,
                hatype as u32,
                Buffer::from(addr),
            ),
        ),
        FamilyAddress::Can { ifname } => <(String,)>::to_napi_value(env, (text(ifname),)),
        FamilyAddress::CanIsotp { ifname, rx, tx } => {
            <(String, u32, u32)>::to_napi_value(env, (text(ifname), rx, tx))
        }
        FamilyAddress::CanJ1939 {
            ifname,
            name,
            pgn,
            addr,
        } => <(String, u64, u32, u32)>::to_napi_value(env, (text(ifname), name, pgn, addr as u32)),
        FamilyAddress::Alg {
            ty,
            name,
            feat,
            mask,
        } => <(String, String, u32, u32)>::to_napi_value(env, (text(ty), text(name), feat, mask)),
        FamilyAddress::Vsock { cid, port } => <(u32, u32)>::to_napi_value(env, (cid, port)),
        FamilyAddress::Tipc {
            addr_type,
            v1,
            v2,
            v3,
            scope,
        } => <(u32, u32, u32, u32, u32)>::to_napi_value(env, (addr_type, v1, v2, v3, scope)),
        FamilyAddress::Qrtr { node, port } => <(u32, u32)>::to_napi_value(env, (node, port)),
        FamilyAddress::L2cap { bdaddr, psm } => {
            <(String, u32)>::to_napi_value(env, (bdaddr, psm as u32))
        }
        FamilyAddress::Rfcomm { bdaddr, channel } => {
            <(String, u32)>::to_napi_value(env, (bdaddr, channel as u32))
        }
        FamilyAddress::Hci { dev } => u32::to_napi_value(env, dev as u32),
        FamilyAddress::Sco { bdaddr } => String::to_napi_value(env, bdaddr),
        FamilyAddress::Invalid(m) => Err(to_js(pysocket_core::Error::Value(m))),
    }
}

/// The index of interface `name` (bytes, cut at NUL and IFNAMSIZ - 1) as
/// socket `fd` sees it (SIOCGIFINDEX); `fd` -1 asks glibc's if_nametoindex.
#[napi(catch_unwind)]
pub fn if_index(fd: i32, name: &[u8]) -> Result<i32> {
    family::ifindex(fd, name).js()
}

#[napi(catch_unwind)]
pub fn encode_netlink(pid: u32, groups: u32) -> Buffer {
    bytes(&link::encode_netlink(pid, groups))
}

/// AF_PACKET; `proto` in host order, `addr` at most 8 bytes.
#[napi(catch_unwind)]
pub fn encode_packet(ifindex: i32, proto: u32, pkttype: u32, hatype: u32, addr: &[u8]) -> Buffer {
    bytes(&link::encode_packet(
        ifindex,
        proto as u16,
        pkttype as u8,
        hatype as u16,
        addr,
    ))
}

#[napi(catch_unwind)]
pub fn packet_addr_capacity() -> u32 {
    link::packet_addr_capacity() as u32
}

#[napi(catch_unwind)]
pub fn encode_can(ifindex: i32) -> Buffer {
    bytes(&can::encode(ifindex))
}

#[napi(catch_unwind)]
pub fn encode_can_isotp(ifindex: i32, rx_id: u32, tx_id: u32) -> Buffer {
    bytes(&can::encode_isotp(ifindex, rx_id, tx_id))
}

/// `name` is a BigInt already reduced to 64 bits by the caller.
#[napi(catch_unwind)]
pub fn encode_can_j1939(ifindex: i32, name: BigInt, pgn: u32, addr: u32) -> Buffer {
    let (_, n, _) = name.get_u64();
    bytes(&can::encode_j1939(ifindex, n, pgn, addr as u8))
}

#[napi(catch_unwind)]
pub fn encode_alg(ty: &[u8], name: &[u8], feat: u32, mask: u32) -> Result<Buffer> {
    Ok(bytes(&alg::encode(ty, name, feat, mask).js()?))
}

/// `[typeCapacity, nameCapacity]` of sockaddr_alg, NUL included.
#[napi(catch_unwind)]
pub fn alg_capacities() -> (u32, u32) {
    let (t, n) = alg::capacities();
    (t as u32, n as u32)
}

#[napi(catch_unwind)]
pub fn encode_vsock(cid: u32, port: u32) -> Buffer {
    bytes(&vsock::encode(cid, port))
}

/// AF_TIPC; null for an address type CPython refuses.
#[napi(catch_unwind)]
pub fn encode_tipc(addr_type: u32, v1: u32, v2: u32, v3: u32, scope: u32) -> Option<Buffer> {
    misc::encode_tipc(addr_type, v1, v2, v3, scope).map(|a| bytes(&a))
}

#[napi(catch_unwind)]
pub fn encode_qrtr(node: u32, port: u32) -> Buffer {
    bytes(&misc::encode_qrtr(node, port))
}

fn octets(b: &[u8]) -> Result<[u8; 6]> {
    b.try_into().map_err(|_| {
        to_js(pysocket_core::Error::OsMessage(
            "bad bluetooth address".into(),
        ))
    })
}

/// Bluetooth addresses come as six octets in text order.
#[napi(catch_unwind)]
pub fn encode_bt_l2cap(bdaddr: &[u8], psm: u32) -> Result<Buffer> {
    Ok(bytes(&bluetooth::encode_l2cap(octets(bdaddr)?, psm as u16)))
}

#[napi(catch_unwind)]
pub fn encode_bt_rfcomm(bdaddr: &[u8], channel: u32) -> Result<Buffer> {
    Ok(bytes(&bluetooth::encode_rfcomm(
        octets(bdaddr)?,
        channel as u8,
    )))
}

/// CPython stores the tuple's C int over `hci_dev` and the `hci_channel`
/// after it: the low half is the device, the high half the channel on
/// little-endian machines.
#[napi(catch_unwind)]
pub fn encode_bt_hci(dev: i32) -> Buffer {
    let raw = dev.to_ne_bytes();
    bytes(&bluetooth::encode_hci(
        u16::from_ne_bytes([raw[0], raw[1]]),
        u16::from_ne_bytes([raw[2], raw[3]]),
    ))
}

#[napi(catch_unwind)]
pub fn encode_bt_sco(bdaddr: &[u8]) -> Result<Buffer> {
    Ok(bytes(&bluetooth::encode_sco(octets(bdaddr)?)))
}

/// Decodes sockaddr bytes as socket `fd` (or -1) would report them, the
/// protocol-dependent families included (tests and tools).
#[napi(catch_unwind, ts_return_type = "unknown")]
pub fn decode_address_on(raw: &[u8], fd: i32) -> Result<crate::address::JsAddress> {
    let sa = crate::address::sockaddr(raw)?;
    Ok(crate::address::JsAddress(addr::decode_on(&sa, fd)))
}

/// sendmsg with the AF_ALG control messages; `assoclen` -1 for none.
#[napi(catch_unwind)]
pub fn sendmsg_afalg(
    fd: i32,
    bufs: Vec<Buffer>,
    op: u32,
    iv: Option<Buffer>,
    assoclen: i64,
    flags: i32,
    timeout: f64,
) -> Result<u32> {
    let slices: Vec<&[u8]> = bufs.iter().map(|b| b.as_ref()).collect();
    let assoc = if assoclen < 0 {
        None
    } else {
        Some(assoclen as u32)
    };
    let n = alg::sendmsg_afalg(
        fd,
        &slices,
        op,
        iv.as_deref(),
        assoc,
        flags,
        Mode::from_secs(timeout),
    )
    .js()?;
    Ok(n as u32)
}

/// The local CID (IOCTL_VM_SOCKETS_GET_LOCAL_CID on /dev/vsock).
#[napi(catch_unwind)]
pub fn vsock_local_cid() -> Result<u32> {
    vsock::local_cid().js()
}

/// A 64-bit option as a BigInt (CPython's getsockopt on AF_VSOCK sockets).
#[napi(catch_unwind)]
pub fn getsockopt_u64(fd: i32, level: i32, name: i32) -> Result<u64> {
    vsock::getsockopt_u64(fd, level, name).js()
}

/// `value` a BigInt already reduced to 64 bits.
#[napi(catch_unwind)]
pub fn setsockopt_u64(fd: i32, level: i32, name: i32, value: BigInt) -> Result<()> {
    let (_, v, _) = value.get_u64();
    vsock::setsockopt_u64(fd, level, name, v).js()
}
