//! The Node.js addon behind the npm package `ssokit`: a thin layer that converts
//! JavaScript options to `ssokit` calls, results to plain JavaScript objects, and
//! `ssokit::Error` to JavaScript errors with a stable `code`. No logic of its own.
//!
//! The hand-written `ssokit.js` entry point re-exports these bindings, registers its
//! `SsoError` class (the native side builds every error as one, see [`errors`]) and
//! adapts `AbortSignal` and `onPrompt`.

pub mod console;
pub mod emulator;
pub mod errors;
pub mod listings;
pub mod login;
pub mod profile;
pub mod provider;
pub mod session;
pub mod target;
pub mod warnings;

use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

use napi::bindgen_prelude::{ToNapiValue, TypeName};
use napi::{Status, ValueType, sys};
use napi_derive::napi;
use ssokit::env::Env;

pub(crate) use errors::{EMULATOR, Failure, Reply, coded, js_error};

/// The result of a binding's inner function; the exported function turns it into a
/// [`Reply`].
pub(crate) type JsResult<T> = std::result::Result<T, Failure>;

/// The environment of a call: `env` replaces the process environment (for tests).
fn make_env(env: Option<HashMap<String, String>>) -> Env {
    env.map_or_else(Env::process, Env::from_vars)
}

/// A point in time, converted to a JavaScript `Date`.
#[derive(Debug, Clone, Copy)]
pub struct Timestamp(SystemTime);

impl Timestamp {
    fn millis(self) -> f64 {
        match self.0.duration_since(UNIX_EPOCH) {
            Ok(since) => since.as_millis() as f64,
            Err(before) => -(before.duration().as_millis() as f64),
        }
    }
}

impl TypeName for Timestamp {
    fn type_name() -> &'static str {
        "Date"
    }

    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ToNapiValue for Timestamp {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        let mut date = std::ptr::null_mut();
        // SAFETY: napi-rs calls this on the JavaScript thread with a live `env`.
        let status = unsafe { sys::napi_create_date(env, val.millis(), &mut date) };
        if status == sys::Status::napi_ok {
            Ok(date)
        } else {
            Err(napi::Error::new(
                Status::from(status),
                "could not create a Date",
            ))
        }
    }
}

/// The version of the ssokit native addon.
#[napi]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
