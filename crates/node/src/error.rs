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
