//! The Node.js addon behind the npm package `ssokit`: a thin layer that converts
//! JavaScript options to `ssokit` calls, results to plain JavaScript objects, and
//! `ssokit::Error` to JavaScript errors with a stable `code`. No logic of its own.
//!
//! The hand-written `ssokit.js` entry point re-exports these bindings, turns their
//! errors into `SsoError` instances and adapts `AbortSignal` and `onPrompt`.

pub mod emulator;
pub mod profile;
pub mod sso;
pub mod warnings;

use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

use napi::bindgen_prelude::{ToNapiValue, TypeName};
use napi::{Status, ValueType, sys};
use napi_derive::napi;
use ssokit::Error;
use ssokit::auth::AuthError;
use ssokit::env::Env;

/// A stable Node-style error code, which becomes `err.code`.
#[derive(Debug, Clone, Copy)]
pub struct ErrorCode(&'static str);

impl AsRef<str> for ErrorCode {
    fn as_ref(&self) -> &str {
        self.0
    }
}

/// The result of a synchronous binding: its errors carry the code as `err.code`.
type SyncResult<T> = napi::Result<T, ErrorCode>;

/// The code of a configuration problem.
const CONFIG: &str = "ERR_SSOKIT_CONFIG";
/// The code of an emulator problem (a bad option, a port in use, an unknown user code).
const EMULATOR: &str = "ERR_SSOKIT_EMULATOR";

/// The one mapping of every core error to its stable code.
fn code_of(err: &Error) -> &'static str {
    match err {
        Error::Config(_) => CONFIG,
        Error::Cache(_) => "ERR_SSOKIT_CACHE",
        Error::Client(_) => "ERR_SSOKIT_SERVICE",
        Error::Auth(auth) => match auth {
            AuthError::NotLoggedIn { .. } => "ERR_SSOKIT_NOT_LOGGED_IN",
            AuthError::SessionEnded { .. } => "ERR_SSOKIT_SESSION_EXPIRED",
            AuthError::AccessDenied { .. } => "ERR_SSOKIT_ACCESS_DENIED",
            AuthError::DeviceCodeExpired { .. } | AuthError::LoginTimeout { .. } => {
                "ERR_SSOKIT_LOGIN_TIMEOUT"
            }
            AuthError::Cancelled { .. } => "ERR_SSOKIT_ABORTED",
            // The browser came back with an answer that is not this login's.
            AuthError::StateMismatch { .. } => "ERR_SSOKIT_ACCESS_DENIED",
            // The authorize page answered with an OAuth error other than access_denied.
            AuthError::AuthorizeFailed { .. } => "ERR_SSOKIT_SERVICE",
            // The same service call failed moments ago, here or in another process.
            AuthError::RecentFailure { .. } => "ERR_SSOKIT_SERVICE",
            _ => "ERR_SSOKIT_INTERNAL",
        },
        Error::Internal(_) => "ERR_SSOKIT_INTERNAL",
        _ => "ERR_SSOKIT_INTERNAL",
    }
}

/// A core error for a synchronous binding: `err.code` is the stable code.
fn sync_error(err: Error) -> napi::Error<ErrorCode> {
    napi::Error::new(ErrorCode(code_of(&err)), err.to_string())
}

/// An error with this code for an asynchronous binding. napi-rs rejects promises with
/// its own status as `err.code`, so the stable code leads the message as
/// `ERR_SSOKIT_…: message`; `ssokit.js` moves it back to `err.code`.
fn coded(code: &str, message: impl std::fmt::Display) -> napi::Error {
    napi::Error::new(Status::GenericFailure, format!("{code}: {message}"))
}

/// A core error for an asynchronous binding (see [`coded`]).
fn async_error(err: Error) -> napi::Error {
    coded(code_of(&err), err)
}

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
