//! Bindings of the name and conversion services (core `hostdb`), and the
//! threadpool (Promise) forms of getaddrinfo and getnameinfo.

use napi::bindgen_prelude::*;
use napi_derive::napi;
use pysocket_core::netdb::{self, Ip};
use pysocket_core::{fsname, hostdb, Error as CoreError};

use crate::error::{rejection, Js, Result};

#[napi(catch_unwind)]
pub fn hstrerror(code: i32) -> String {
    hostdb::hstrerror(code)
}

type HostTuple = (String, Vec<String>, Vec<String>);

fn host_tuple(h: hostdb::HostEnt) -> HostTuple {
    (h.name, h.aliases, h.addrs)
}

/// CPython's gethostbyname: the IPv4 address of `name` as text.
#[napi(catch_unwind)]
pub fn gethostbyname(name: Buffer) -> Result<String> {
    match netdb::resolve_host(&name, libc::AF_INET).js()? {
        Ip::V4(ip) => Ok(ip.to_string()),
        Ip::V6 { ip } => Ok(pysocket_core::addr::ipv6_text(&ip)),
    }
}

/// `[hostname, aliases, addresses]` for a name (checked as CPython does
/// with setipaddr first).
#[napi(catch_unwind, ts_return_type = "[string, string[], string[]]")]
pub fn gethostbyname_ex(name: Buffer) -> Result<HostTuple> {
    netdb::resolve_host(&name, libc::AF_INET).js()?;
    Ok(host_tuple(hostdb::gethostbyname_ex(&name).js()?))
}

/// `[hostname, aliases, addresses]` for an address (or a name, resolved first).
#[napi(catch_unwind, ts_return_type = "[string, string[], string[]]")]
pub fn gethostbyaddr(name: Buffer) -> Result<HostTuple> {
    let found = match netdb::resolve_host(&name, libc::AF_UNSPEC).js()? {
        Ip::V4(ip) => hostdb::gethostbyaddr(&ip.octets(), libc::AF_INET),
        Ip::V6 { ip } => hostdb::gethostbyaddr(&ip.octets(), libc::AF_INET6),
    };
    Ok(host_tuple(found.js()?))
}

/// getnameinfo on `(host, port[, flowinfo, scope_id])` parts; `v6` says
/// whether the tuple had the IPv6 fields.
#[napi(catch_unwind, ts_return_type = "[string, string]")]
pub fn getnameinfo(
    host: Buffer,
    port: i32,
    v6: bool,
    flowinfo: u32,
    scope_id: u32,
    flags: i32,
) -> Result<(String, String)> {
    hostdb::getnameinfo_tuple(&host, port, v6.then_some((flowinfo, scope_id)), flags).js()
}

#[napi(catch_unwind)]
pub fn getprotobyname(name: Buffer) -> Result<Option<i32>> {
    hostdb::getprotobyname(&name).js()
}

#[napi(catch_unwind)]
pub fn getservbyname(name: Buffer, proto: Option<Buffer>) -> Result<Option<u32>> {
    Ok(hostdb::getservbyname(&name, proto.as_deref())
        .js()?
        .map(u32::from))
}

#[napi(catch_unwind)]
pub fn getservbyport(port: u32, proto: Option<Buffer>) -> Result<Option<String>> {
    hostdb::getservbyport(port as u16, proto.as_deref()).js()
}

#[napi(catch_unwind)]
pub fn gethostname() -> Result<Utf16String> {
    // Python's PyUnicode_DecodeFSDefault: undecodable bytes become lone surrogates.
    Ok(Utf16String::from(fsname::decode_utf16(
        &hostdb::gethostname().js()?,
    )))
}

#[napi(catch_unwind)]
pub fn sethostname(name: Buffer) -> Result<()> {
    hostdb::sethostname(&name).js()
}

#[napi(catch_unwind, ts_return_type = "Array<[number, string]>")]
pub fn if_nameindex() -> Result<Vec<(u32, Utf16String)>> {
    // Python's PyUnicode_DecodeFSDefault, as for every name from the kernel.
    let list = hostdb::if_nameindex().js()?;
    Ok(list
        .into_iter()
        .map(|(i, name)| (i, Utf16String::from(fsname::decode_utf16(&name))))
        .collect())
}

#[napi(catch_unwind)]
pub fn if_nametoindex(name: Buffer) -> Result<u32> {
    hostdb::if_nametoindex(&name).js()
}

#[napi(catch_unwind)]
pub fn if_indextoname(index: u32) -> Result<Utf16String> {
    Ok(Utf16String::from(fsname::decode_utf16(
        &hostdb::if_indextoname(index).js()?,
    )))
}

/// inet_aton(3): null for text it rejects.
#[napi(catch_unwind)]
pub fn inet_aton(text: Buffer) -> Result<Option<Buffer>> {
    Ok(hostdb::aton(&text).js()?.map(|b| b.to_vec().into()))
}

/// inet_pton(3): null for text that is not an address of `family`.
#[napi(catch_unwind)]
pub fn inet_pton(family: i32, text: Buffer) -> Result<Option<Buffer>> {
    Ok(hostdb::pton(family, &text).js()?.map(Buffer::from))
}

/// inet_ntop(3): null for a bad family or length.
#[napi(catch_unwind)]
pub fn inet_ntop(family: i32, packed: &[u8]) -> Option<String> {
    hostdb::ntop(family, packed)
}

/// Runs a lookup on a threadpool thread, keeping its error in `failed` for
/// `reject` (which runs on the JavaScript thread and can make its value).
fn guarded<T>(
    failed: &mut Option<CoreError>,
    f: impl FnOnce() -> pysocket_core::Result<T>,
) -> Result<T> {
    let e = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(Ok(v)) => return Ok(v),
        Ok(Err(e)) => e,
        Err(_) => CoreError::OsMessage("internal error".into()),
    };
    let out = Error::from_reason(e.to_string());
    *failed = Some(e);
    Err(out)
}

/// The rejection of a lookup task: its core error's value where it has one.
fn rejected(failed: &mut Option<CoreError>, env: Env, err: Error) -> Error {
    match failed.take() {
        Some(e) => rejection(env, &e),
        None => err,
    }
}

/// getaddrinfo on the libuv threadpool.
pub struct GetaddrinfoTask {
    host: Option<Vec<u8>>,
    service: Option<Vec<u8>>,
    family: i32,
    socktype: i32,
    protocol: i32,
    flags: i32,
    failed: Option<CoreError>,
}

impl Task for GetaddrinfoTask {
    type Output = Vec<netdb::AddrInfo>;
    type JsValue = Vec<crate::netdb::AddrInfoTuple>;

    fn compute(&mut self) -> Result<Self::Output> {
        guarded(&mut self.failed, || {
            netdb::getaddrinfo(
                self.host.as_deref(),
                self.service.as_deref(),
                self.family,
                self.socktype,
                self.protocol,
                self.flags,
            )
        })
    }

    fn resolve(&mut self, _env: Env, out: Self::Output) -> Result<Self::JsValue> {
        Ok(crate::netdb::addrinfo_tuples(out))
    }

    fn reject(&mut self, env: Env, err: Error) -> Result<Self::JsValue> {
        Err(rejected(&mut self.failed, env, err))
    }
}

/// The Promise form of `getaddrinfo` (same arguments).
#[napi(
    catch_unwind,
    ts_return_type = "Promise<Array<[number, number, number, string, unknown]>>"
)]
pub fn getaddrinfo_async(
    host: Option<Buffer>,
    service: Option<Buffer>,
    family: i32,
    socktype: i32,
    protocol: i32,
    flags: i32,
) -> AsyncTask<GetaddrinfoTask> {
    AsyncTask::new(GetaddrinfoTask {
        host: host.map(|b| b.to_vec()),
        service: service.map(|b| b.to_vec()),
        family,
        socktype,
        protocol,
        flags,
        failed: None,
    })
}

/// getnameinfo on the libuv threadpool.
pub struct GetnameinfoTask {
    host: Vec<u8>,
    port: i32,
    v6: Option<(u32, u32)>,
    flags: i32,
    failed: Option<CoreError>,
}

impl Task for GetnameinfoTask {
    type Output = (String, String);
    type JsValue = (String, String);

    fn compute(&mut self) -> Result<Self::Output> {
        guarded(&mut self.failed, || {
            hostdb::getnameinfo_tuple(&self.host, self.port, self.v6, self.flags)
        })
    }

    fn resolve(&mut self, _env: Env, out: Self::Output) -> Result<Self::JsValue> {
        Ok(out)
    }

    fn reject(&mut self, env: Env, err: Error) -> Result<Self::JsValue> {
        Err(rejected(&mut self.failed, env, err))
    }
}

/// The Promise form of `getnameinfo` (same arguments).
#[napi(catch_unwind, ts_return_type = "Promise<[string, string]>")]
pub fn getnameinfo_async(
    host: Buffer,
    port: i32,
    v6: bool,
    flowinfo: u32,
    scope_id: u32,
    flags: i32,
) -> AsyncTask<GetnameinfoTask> {
    AsyncTask::new(GetnameinfoTask {
        host: host.to_vec(),
        port,
        v6: v6.then_some((flowinfo, scope_id)),
        flags,
        failed: None,
    })
}
