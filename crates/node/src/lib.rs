//! Node bindings.
use napi_derive::napi;

/// The version of ssokit.
#[napi]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
