use pysocket_core::Error as CoreError;

/// The wire format of errors between the addon and the TypeScript layer
/// (`lib/errors.ts` parses it): `PYSOCKET:<kind>:<payload>`.
pub fn to_js(e: CoreError) -> napi::Error {
    let reason = match e {
        CoreError::Os(n) => format!("PYSOCKET:os:{n}"),
        CoreError::Gai(n) => format!("PYSOCKET:gai:{n}"),
        CoreError::Host(n) => format!("PYSOCKET:herror:{n}"),
        CoreError::Timeout => "PYSOCKET:timeout:".to_string(),
        CoreError::OsMessage(m) => format!("PYSOCKET:osmsg:{m}"),
        CoreError::Value(m) => format!("PYSOCKET:value:{m}"),
        CoreError::Overflow(m) => format!("PYSOCKET:overflow:{m}"),
    };
    napi::Error::from_reason(reason)
}

pub type Result<T> = napi::Result<T>;

/// `?` on a core result inside a binding.
pub trait Js<T> {
    fn js(self) -> Result<T>;
}

impl<T> Js<T> for pysocket_core::Result<T> {
    fn js(self) -> Result<T> {
        self.map_err(to_js)
    }
}

/// The errnos that select PEP 3151's OSError subclasses, by name, with the
/// values of this platform's C library (Node's `os.constants.errno` lacks
/// some of them, such as ESHUTDOWN).
#[napi_derive::napi(catch_unwind, ts_return_type = "Array<[string, number]>")]
pub fn pep3151_errnos() -> Vec<(String, i32)> {
    [
        ("EAGAIN", libc::EAGAIN),
        ("EALREADY", libc::EALREADY),
        ("EWOULDBLOCK", libc::EWOULDBLOCK),
        ("EINPROGRESS", libc::EINPROGRESS),
        ("ECHILD", libc::ECHILD),
        ("EPIPE", libc::EPIPE),
        ("ESHUTDOWN", libc::ESHUTDOWN),
        ("ECONNABORTED", libc::ECONNABORTED),
        ("ECONNREFUSED", libc::ECONNREFUSED),
        ("ECONNRESET", libc::ECONNRESET),
        ("EEXIST", libc::EEXIST),
        ("ENOENT", libc::ENOENT),
        ("EISDIR", libc::EISDIR),
        ("ENOTDIR", libc::ENOTDIR),
        ("EINTR", libc::EINTR),
        ("EACCES", libc::EACCES),
        ("EPERM", libc::EPERM),
        ("ESRCH", libc::ESRCH),
        ("ETIMEDOUT", libc::ETIMEDOUT),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_string(), value))
    .collect()
}
