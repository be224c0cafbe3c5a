//! napi-rs bindings of pysocket: JavaScript values <-> core types, nothing
//! else. Every function catches panics (`catch_unwind`) so that none can
//! reach Node; errors are thrown as values (`error.rs`) for the TypeScript
//! layer to turn into Python's exception classes.

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
#[cfg(any(target_os = "linux", target_os = "android"))]
mod mmsg;
mod msg;
mod nb;
mod netdb;
mod owned;
mod poll;
mod reactor;
mod socket;

/// Module load, once per environment (main thread and each Worker): the
/// environment for thrown error values, and the hand-written exports.
#[napi_derive::napi(module_exports)]
pub fn module_init(mut exports: napi::bindgen_prelude::Object, env: napi::Env) -> napi::Result<()> {
    error::remember_env(&env);
    fast::add_exports(&mut exports, &env)
}
mod wake;
