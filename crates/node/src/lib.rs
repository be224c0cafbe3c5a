//! napi-rs bindings of pysocket: JavaScript values <-> core types, nothing
//! else. Every function catches panics (`catch_unwind`) so that none can
//! reach Node; errors travel as `PYSOCKET:<kind>:<payload>` for the
//! TypeScript layer to turn into Python's exception classes.

// Under `cargo test` napi-derive registers nothing, so the bindings look unused.
#![cfg_attr(test, allow(dead_code))]

mod address;
mod constants;
mod dispatch;
mod error;
#[cfg(any(target_os = "linux", target_os = "android"))]
mod families;
mod fast;
#[cfg(test)]
mod headers;
mod hostdb;
mod msg;
mod nb;
mod netdb;
mod owned;
mod poll;
mod reactor;
mod socket;
mod wake;
