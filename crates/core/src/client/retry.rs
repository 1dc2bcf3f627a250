//! Which failures are worth another attempt. The retry loop is in `http.rs`, the
//! policy (attempts, backoff) in `settings.rs`.

use super::error::{ErrorCode, ServiceError};
use crate::transport::{SendError, SendErrorKind};

/// Whether a request that got no response is worth another attempt: a timeout, a
/// refused connection or a broken one, but not a refused certificate or TLS handshake
/// (the same server gives the same answer again) nor a request the transport cannot
/// send. The retry loop and [`ServiceError::is_retryable`] both ask this.
pub(crate) fn send_is_retryable(error: &SendError) -> bool {
    matches!(
        error.kind(),
        SendErrorKind::Timeout | SendErrorKind::Connect | SendErrorKind::Interrupted
    ) && !super::cause::is_tls_failure(error)
}

/// Whether an unsuccessful status is worth another attempt: 5xx and 429.
pub(crate) fn status_is_retryable(status: u16) -> bool {
    status == 429 || (500..600).contains(&status)
}

/// Error codes that mean "throttled" whatever the HTTP status, as botocore's retry
/// handler lists them for the services ssokit calls (STS sends `Throttling` with 400).
fn is_throttling_code(code: &str) -> bool {
    matches!(
        code,
        "Throttling"
            | "ThrottlingException"
            | "ThrottledException"
            | "RequestThrottledException"
            | "TooManyRequestsException"
            | "RequestLimitExceeded"
            | "RequestThrottled"
            | "SlowDown"
    )
}

impl ServiceError {
    /// Whether the failure is transient — a 5xx, a 429, a throttling error code
    /// (`Throttling`, ...), a connection failure or a timeout — so the same request may succeed later. These are the failures the
    /// client itself retries; when one comes back, the retries ran out.
    ///
    /// The device-flow signals `authorization_pending` and `slow_down` are not
    /// "retryable" in this sense: the login's poll loop handles them.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Response(e) => match &e.code {
                ErrorCode::InternalServer | ErrorCode::TooManyRequests => true,
                ErrorCode::Other(code) => {
                    status_is_retryable(e.status) || code.as_deref().is_some_and(is_throttling_code)
                }
                _ => false,
            },
            // The same rule as the retry loop's when the failure came through the
            // transport seam; otherwise (no source) only a refused TLS handshake is
            // final.
            Self::Transport(e) => {
                e.timed_out
                    || match e.source.as_deref() {
                        None => true,
                        Some(source) => match source.downcast_ref::<SendError>() {
                            Some(send) => send_is_retryable(send),
                            None => !super::cause::is_tls_failure(source),
                        },
                    }
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::error::{ResponseError, TransportError};

    #[test]
    fn retryable_statuses() {
        for status in [429, 500, 502, 503, 504, 599] {
            assert!(status_is_retryable(status), "{status}");
        }
        for status in [200, 400, 401, 403, 404, 418, 499, 600] {
            assert!(!status_is_retryable(status), "{status}");
        }
    }

    #[test]
    fn retryable_errors() {
        let response = |status, code| ServiceError::from(ResponseError::new("Op", status, code));
        assert!(response(500, ErrorCode::InternalServer).is_retryable());
        assert!(response(400, ErrorCode::InternalServer).is_retryable());
        assert!(response(429, ErrorCode::TooManyRequests).is_retryable());
        assert!(response(503, ErrorCode::Other(None)).is_retryable());
        assert!(!response(418, ErrorCode::Other(Some("Teapot".into()))).is_retryable());
        for code in ErrorCode::KNOWN {
            let want = matches!(code, ErrorCode::InternalServer | ErrorCode::TooManyRequests);
            // The status does not matter for a known code.
            assert_eq!(response(503, code.clone()).is_retryable(), want, "{code:?}");
        }
        let transport = |timed_out, source: Option<Box<dyn std::error::Error + Send + Sync>>| {
            ServiceError::from(TransportError {
                operation: "Op",
                endpoint: "https://example.com/".into(),
                attempts: 1,
                timed_out,
                reason: "r".into(),
                source,
            })
        };
        assert!(transport(true, None).is_retryable());
        assert!(transport(false, None).is_retryable());
        let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        assert!(transport(false, Some(Box::new(refused))).is_retryable());
        let tls = std::io::Error::other(rustls::Error::General("bad certificate".into()));
        assert!(!transport(false, Some(Box::new(tls))).is_retryable());
        let invalid = ServiceError::InvalidInput {
            operation: "Op",
            reason: "r",
        };
        assert!(!invalid.is_retryable());
    }
}
