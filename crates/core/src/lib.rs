//! pysocket's native core: syscalls through socket2/libc, the sockaddr <->
//! address model, deadlines and the poll loop, and netdb. No napi here, so
//! everything is unit-tested with `cargo test`.

pub mod addr;
pub mod error;
#[cfg(any(target_os = "linux", target_os = "android"))]
pub mod family;
pub mod fdid;
mod ffi;
pub mod fsname;
pub mod hostdb;
#[cfg(any(target_os = "linux", target_os = "android"))]
pub mod kernel;
#[cfg(any(target_os = "linux", target_os = "android"))]
pub mod mmsg;
pub mod msg;
pub mod nb;
pub mod netdb;
pub mod sendfile;
pub mod sys;
pub mod wait;

pub use error::{Error, Result};
pub use wait::Mode;
