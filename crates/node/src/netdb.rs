//! Name services and error texts.

use napi::bindgen_prelude::*;
use napi_derive::napi;
use pysocket_core::netdb;

use crate::address::{decoded, JsAddress};
use crate::error::{Js, Result};

#[napi(catch_unwind)]
pub fn strerror(errno: i32) -> String {
    pysocket_core::error::strerror(errno)
}

#[napi(catch_unwind)]
pub fn gai_strerror(code: i32) -> String {
    netdb::gai_strerror(code)
}

/// `(family, type, proto, canonname, sockaddr)`.
pub(crate) type AddrInfoTuple = (i32, i32, i32, String, JsAddress);

/// getaddrinfo(3): a list of `[family, type, proto, canonname, address]`.
#[napi(
    catch_unwind,
    ts_return_type = "Array<[number, number, number, string, unknown]>"
)]
pub fn getaddrinfo(
    host: Option<Buffer>,
    service: Option<Buffer>,
    family: i32,
    socktype: i32,
    protocol: i32,
    flags: i32,
) -> Result<Vec<AddrInfoTuple>> {
    let found = netdb::getaddrinfo(
        host.as_deref(),
        service.as_deref(),
        family,
        socktype,
        protocol,
        flags,
    )
    .js()?;
    Ok(addrinfo_tuples(found))
}

/// getaddrinfo's results as Python's 5-tuples.
pub(crate) fn addrinfo_tuples(found: Vec<netdb::AddrInfo>) -> Vec<AddrInfoTuple> {
    found
        .into_iter()
        .map(|ai| {
            (
                ai.family,
                ai.socktype,
                ai.protocol,
                ai.canonname,
                decoded(&ai.addr),
            )
        })
        .collect()
}
