//! Core's warnings (unsafe cache permissions), for `process.emitWarning`.
//!
//! Core may warn on any thread, including the runtime's, where JavaScript cannot be
//! called. So the core queues its warnings ([`queue_warnings`], called once by
//! `ssokit.js` at load) and `ssokit.js` takes them ([`take_warnings`]) on the
//! JavaScript thread after every call that reached the core, and emits each with
//! `process.emitWarning`. No thread-safe function, nothing that keeps the event loop
//! alive, and no JavaScript runs inside a core call.

use napi_derive::napi;

/// A warning from the core.
#[napi(object, object_from_js = false)]
pub struct NativeWarning {
    /// The stable code, e.g. `SSOKIT_UNSAFE_PERMISSIONS`.
    pub code: String,
    /// What is wrong and how to fix it.
    pub message: String,
    /// The file or directory it is about, if any.
    pub path: Option<String>,
}

/// Keeps the core's warnings until [`take_warnings`] takes them.
#[napi]
pub fn queue_warnings() {
    ssokit::warnings::queue();
}

/// The core's warnings since the last call, oldest first.
#[napi]
pub fn take_warnings() -> Vec<NativeWarning> {
    ssokit::warnings::take_queued()
        .into_iter()
        .map(|w| NativeWarning {
            code: w.code().to_owned(),
            message: w.to_string(),
            path: w.path().map(|p| p.display().to_string()),
        })
        .collect()
}
