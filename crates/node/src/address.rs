//! Addresses across the boundary: encoders take the parts the TypeScript
//! layer has checked and return sockaddr bytes; decoded addresses become
//! Python's tuples (JS arrays).

use napi::bindgen_prelude::*;
use napi_derive::napi;
use pysocket_core::addr::{self, Address};
use pysocket_core::fsname;
use pysocket_core::netdb::{self, Ip};
use socket2::SockAddr;

use crate::error::{Js, Result};

/// A decoded address as the JavaScript value Python would return.
pub struct JsAddress(pub Address);

impl ToNapiValue for JsAddress {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        match val.0 {
            Address::None => Null::to_napi_value(env, Null),
            Address::Inet { ip, port } => {
                <(String, u32)>::to_napi_value(env, (ip.to_string(), port as u32))
            }
            Address::Inet6 {
                ip,
                port,
                flowinfo,
                scope_id,
            } => <(String, u32, u32, u32)>::to_napi_value(
                env,
                (addr::ipv6_text(&ip), port as u32, flowinfo, scope_id),
            ),
            // Python's fsdecode: undecodable bytes become lone surrogates.
            Address::UnixPath(p) => {
                Utf16String::to_napi_value(env, Utf16String::from(fsname::decode_utf16(&p)))
            }
            Address::UnixAbstract(b) => Buffer::to_napi_value(env, Buffer::from(b)),
            #[cfg(any(target_os = "linux", target_os = "android"))]
            Address::Family(f) => crate::families::to_napi(env, f),
            Address::Other { family, data } => {
                <(i32, Buffer)>::to_napi_value(env, (family, Buffer::from(data)))
            }
        }
    }
}

impl TypeName for JsAddress {
    fn type_name() -> &'static str {
        "Address"
    }
    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

pub fn decoded(a: &SockAddr) -> JsAddress {
    JsAddress(addr::decode(a))
}

/// `decoded` for an address socket `fd` returned (the protocol-dependent
/// families ask the socket for its protocol and interface names).
pub fn decoded_on(fd: i32, a: &SockAddr) -> JsAddress {
    JsAddress(addr::decode_on(a, fd))
}

fn bytes(a: &SockAddr) -> Buffer {
    Buffer::from(addr::to_bytes(a).to_vec())
}

/// Bytes from JavaScript back into a sockaddr.
pub fn sockaddr(raw: &[u8]) -> Result<SockAddr> {
    addr::from_bytes(raw).js()
}

/// An AF_INET sockaddr for `host` (resolved by CPython's rules) and `port`.
#[napi(catch_unwind)]
pub fn encode_inet(host: &[u8], port: u32) -> Result<Buffer> {
    match netdb::resolve_host(host, libc::AF_INET).js()? {
        Ip::V4(ip) => Ok(bytes(&addr::encode_inet(ip, port as u16))),
        Ip::V6 { .. } => Err(crate::error::to_js(pysocket_core::Error::OsMessage(
            "address family mismatched".into(),
        ))),
    }
}

/// An AF_INET6 sockaddr; the tuple's flowinfo and scope_id win over what the
/// resolver found, as in CPython.
#[napi(catch_unwind)]
pub fn encode_inet6(host: &[u8], port: u32, flowinfo: u32, scope_id: u32) -> Result<Buffer> {
    match netdb::resolve_host(host, libc::AF_INET6).js()? {
        Ip::V6 { ip } => Ok(bytes(&addr::encode_inet6(
            ip,
            port as u16,
            flowinfo,
            scope_id,
        ))),
        Ip::V4(_) => Err(crate::error::to_js(pysocket_core::Error::OsMessage(
            "address family mismatched".into(),
        ))),
    }
}

/// An AF_UNIX sockaddr from path bytes (abstract names start with NUL).
#[napi(catch_unwind)]
pub fn encode_unix(path: &[u8]) -> Result<Buffer> {
    Ok(bytes(&addr::encode_unix(path).js()?))
}

/// Decodes sockaddr bytes (tests and tools).
#[napi(catch_unwind, ts_return_type = "unknown")]
pub fn decode_address(raw: &[u8]) -> Result<JsAddress> {
    Ok(decoded(&sockaddr(raw)?))
}
