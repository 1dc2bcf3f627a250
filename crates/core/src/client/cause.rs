//! What a failure's chain of causes says: whether TLS refused the server, and the
//! innermost cause. Shared by the HTTP client, its transports and the retry rules.

use crate::transport::{SendError, SendErrorKind};

/// Whether a failure is the TLS handshake's verdict (an untrusted, expired or
/// mismatched certificate, a protocol or version mismatch, a fatal alert) rather
/// than the connection breaking: rustls reports it through an `io::Error` that
/// holds a `rustls::Error`.
pub(crate) fn is_tls_failure(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(e) = current {
        if e.is::<rustls::Error>()
            || e.downcast_ref::<SendError>()
                .is_some_and(|s| s.kind() == SendErrorKind::TlsRefused)
        {
            return true;
        }
        // An io::Error's `source()` skips the error it wraps: descend into it.
        current = match e.downcast_ref::<std::io::Error>() {
            Some(io) => io
                .get_ref()
                .map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => e.source(),
        };
    }
    false
}

/// The innermost cause of an error, which says what actually happened.
pub(crate) fn innermost(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = error;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}
