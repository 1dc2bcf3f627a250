//! The request log and the middleware that records every service request, applying
//! injected faults on the way. No body, header or secret query value is recorded.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::Mutex;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::clock::{epoch_millis, since};
use crate::error::{LoggedError, OidcError, PortalError};
use crate::lock;
use crate::operation::Operation;
use crate::server::Shared;

/// The most records kept; older ones are dropped first.
pub const REQUEST_LOG_CAPACITY: usize = 10_000;
/// The admin endpoint's path prefix; its requests are not recorded.
pub(crate) const ADMIN_PREFIX: &str = "/_emulator";

/// Query parameters shown in the log; the values of all others are redacted.
const SHOWN_QUERY_KEYS: [&str; 13] = [
    "account_id",
    "role_name",
    "max_result",
    "next_token",
    "response_type",
    "client_id",
    "redirect_uri",
    "scopes",
    "code_challenge_method",
    "user_code",
    "aws_iam",
    // The sign-in federation endpoint: which action, and which issuer (never the
    // Session, the SigninToken or the Destination).
    "Action",
    "Issuer",
];

/// A note a handler leaves for the log (e.g. the grant type of CreateToken).
#[derive(Debug, Clone)]
pub(crate) struct LogDetail(pub(crate) String);

/// One request as the emulator saw it. Bodies, headers and secret query values
/// (codes, state, challenges) are never recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RequestRecord {
    /// A sequence number, from 1.
    pub seq: u64,
    /// When it arrived, in milliseconds since the Unix epoch (emulated clock).
    pub at_ms: u64,
    /// The HTTP method.
    pub method: String,
    /// The path.
    pub path: String,
    /// The query, with secret values replaced by `REDACTED`.
    pub query: Option<String>,
    /// The service operation, `None` for the HTML pages and unknown paths.
    pub operation: Option<Operation>,
    /// The response status.
    pub status: u16,
    /// The error name of a failed response, e.g. `AuthorizationPendingException`.
    pub error: Option<String>,
    /// What the handler noted: the grant type of CreateToken, the credential
    /// scope's region of AssumeRole.
    pub detail: Option<String>,
    /// The injected fault, if any.
    pub fault: Option<String>,
    /// How long it took, in milliseconds.
    pub duration_ms: u64,
}

/// The bounded log.
#[derive(Debug, Default)]
pub(crate) struct RequestLog {
    inner: Mutex<(u64, VecDeque<RequestRecord>)>,
}

impl RequestLog {
    fn push(&self, mut record: RequestRecord) {
        let mut inner = lock(&self.inner);
        inner.0 += 1;
        record.seq = inner.0;
        if inner.1.len() >= REQUEST_LOG_CAPACITY {
            inner.1.pop_front();
        }
        inner.1.push_back(record);
    }

    pub(crate) fn records(&self) -> Vec<RequestRecord> {
        lock(&self.inner).1.iter().cloned().collect()
    }

    pub(crate) fn clear(&self) {
        lock(&self.inner).1.clear();
    }
}

/// The query with every value outside [`SHOWN_QUERY_KEYS`] redacted.
fn redact_query(query: &str) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        if SHOWN_QUERY_KEYS.contains(&key.as_ref()) {
            out.append_pair(&key, &value);
        } else {
            out.append_pair(&key, "REDACTED");
        }
    }
    out.finish()
}

/// Records the request and applies the faults of its operation.
pub(crate) async fn record(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    if path == ADMIN_PREFIX || path.starts_with(&format!("{ADMIN_PREFIX}/")) {
        return next.run(request).await;
    }
    let started = shared.clock.now();
    let method = request.method().to_string();
    let query = request.uri().query().map(redact_query);
    let operation = Operation::of_request(request.method(), &path);
    let mut fault = None;
    let response = match operation {
        Some(op) => {
            let verdict = shared.faults.decide(op, fastrand::f64());
            fault = verdict.label;
            if !verdict.latency.is_zero() {
                tokio::time::sleep(verdict.latency).await;
            }
            match verdict.fail {
                Some(status) if op.is_oidc() => OidcError::for_status(status).into_response(),
                Some(status) if op == Operation::AssumeRole => {
                    crate::sts::StsError::for_status(status).into_response()
                }
                Some(status) => PortalError::for_status(status).into_response(),
                None => next.run(request).await,
            }
        }
        None => next.run(request).await,
    };
    let duration = since(shared.clock.now(), started);
    shared.log.push(RequestRecord {
        seq: 0,
        at_ms: epoch_millis(started),
        method,
        path,
        query,
        operation,
        status: response.status().as_u16(),
        error: response
            .extensions()
            .get::<LoggedError>()
            .map(|e| e.0.to_owned()),
        detail: response
            .extensions()
            .get::<LogDetail>()
            .map(|d| d.0.clone()),
        fault,
        duration_ms: u64::try_from(duration.as_millis()).unwrap_or(u64::MAX),
    });
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_query_values_are_redacted() {
        let q = redact_query(
            "response_type=code&client_id=c1&state=s3cret&code_challenge=s3cret2&code=s3cret3&scopes=sso%3Aaccount%3Aaccess",
        );
        assert!(!q.contains("s3cret"), "{q}");
        assert!(q.contains("client_id=c1"));
        assert!(q.contains("scopes=sso%3Aaccount%3Aaccess"));
        assert!(q.contains("state=REDACTED"));
    }

    #[test]
    fn the_log_is_bounded() {
        let log = RequestLog::default();
        let record = RequestRecord {
            seq: 0,
            at_ms: 0,
            method: "GET".into(),
            path: "/".into(),
            query: None,
            operation: None,
            status: 200,
            error: None,
            detail: None,
            fault: None,
            duration_ms: 0,
        };
        for _ in 0..REQUEST_LOG_CAPACITY + 5 {
            log.push(record.clone());
        }
        let records = log.records();
        assert_eq!(records.len(), REQUEST_LOG_CAPACITY);
        assert_eq!(records[0].seq, 6);
        log.clear();
        assert!(log.records().is_empty());
    }
}
