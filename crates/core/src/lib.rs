//! pysocket's native core: syscalls through socket2/libc, the sockaddr <->
//! address model, deadlines and the poll loop, and netdb. No napi here, so
//! everything is unit-tested with `cargo test`.

pub mod addr;
pub mod error;
mod ffi;
pub mod nb;
pub mod netdb;
pub mod sys;
pub mod wait;

pub use error::{Error, Result};
pub use wait::Mode;
