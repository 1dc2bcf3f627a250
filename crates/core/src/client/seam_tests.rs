//! The client above the transport seam, with a recording fake transport: what reaches
//! the transport, and what core enforces whatever the transport does (retries through
//! the injected sleep, the 1 MiB limit, no redirects, a sensitive bearer header).
#![allow(clippy::unwrap_used)]

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::{HeaderMap, HeaderValue};

use super::{HttpClient, HttpSettings, PortalClient, RetryPolicy};
use crate::secret::AccessToken;
use crate::time::{Sleep, Sleeper};
use crate::transport::{
    BodyChunks, ChunkFuture, HttpTransport, Request, Response, ResponseBody, SendError,
    SendErrorKind, SendFuture,
};

/// Records every request and answers from a script.
#[derive(Debug, Default)]
struct Fake {
    requests: Mutex<Vec<Request>>,
    script: Mutex<VecDeque<Result<Response, SendError>>>,
}

impl Fake {
    fn new(script: Vec<Result<Response, SendError>>) -> Arc<Self> {
        Arc::new(Self {
            requests: Mutex::default(),
            script: Mutex::new(script.into()),
        })
    }

    fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }
}

impl HttpTransport for Fake {
    fn send(&self, request: Request) -> SendFuture {
        self.requests.lock().unwrap().push(request);
        let next = self.script.lock().unwrap().pop_front();
        Box::pin(async move {
            next.unwrap_or_else(|| Err(SendError::new(SendErrorKind::Other, "script ended")))
        })
    }
}

/// Records each wait and returns at once.
#[derive(Debug, Default)]
struct Recorded(Mutex<Vec<Duration>>);

impl Sleeper for Recorded {
    fn sleep(&self, duration: Duration) -> Sleep {
        self.0.lock().unwrap().push(duration);
        Sleep::new(async {})
    }
}

/// An endless body in 64 KiB chunks, counting how many were pulled.
struct Endless(Arc<AtomicUsize>);

impl BodyChunks for Endless {
    fn next_chunk(&mut self) -> ChunkFuture<'_> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Box::pin(async { Ok(Some(vec![b' '; 64 * 1024])) })
    }
}

const ROLE: &str = r#"{"roleCredentials": {"accessKeyId": "ASIAFAKE",
    "secretAccessKey": "s", "sessionToken": "t", "expiration": 1800003600000}}"#;

fn ok(body: &str) -> Result<Response, SendError> {
    Ok(Response::new(
        200,
        HeaderMap::new(),
        body.as_bytes().to_vec(),
    ))
}

fn status(code: u16, headers: &[(&'static str, &'static str)]) -> Result<Response, SendError> {
    let mut map = HeaderMap::new();
    for (k, v) in headers {
        map.insert(*k, HeaderValue::from_static(v));
    }
    Ok(Response::new(code, map, Vec::new()))
}

fn failed(kind: SendErrorKind) -> Result<Response, SendError> {
    Err(SendError::new(kind, format!("fake {kind:?}")))
}

fn portal(fake: &Arc<Fake>, sleep: &Arc<Recorded>, attempts: u32) -> PortalClient {
    let settings = HttpSettings::default().retry(RetryPolicy::new(
        attempts,
        Duration::from_millis(100),
        Duration::from_secs(5),
    ));
    let client = HttpClient::with_transport(Arc::clone(fake) as _, &settings)
        .with_sleep(Arc::clone(sleep) as _);
    PortalClient::with_http_client("https://portal.sso.us-east-1.amazonaws.com", &client).unwrap()
}

async fn get_role(client: &PortalClient) -> Result<super::RoleCredentials, super::ServiceError> {
    client
        .get_role_credentials(&AccessToken::new("tok-secret"), "111122223333", "ReadOnly")
        .await
}

#[tokio::test]
async fn the_request_reaches_the_transport_and_retries_sleep_through_the_injected_sleep() {
    let fake = Fake::new(vec![status(429, &[("retry-after", "2")]), ok(ROLE)]);
    let sleep = Arc::new(Recorded::default());
    let role = get_role(&portal(&fake, &sleep, 4)).await.unwrap();
    assert_eq!(role.access_key_id, "ASIAFAKE");
    // One wait, the server's Retry-After, through the injected sleep: no real wait.
    assert_eq!(*sleep.0.lock().unwrap(), [Duration::from_secs(2)]);
    let requests = fake.requests();
    assert_eq!(requests.len(), 2);
    let r = &requests[0];
    assert_eq!(r.method(), http::Method::GET);
    assert_eq!(
        r.url().as_str(),
        "https://portal.sso.us-east-1.amazonaws.com/federation/credentials?role_name=ReadOnly&account_id=111122223333"
    );
    assert!(r.body().is_empty());
    let bearer = r.headers().get("x-amz-sso_bearer_token").unwrap();
    assert_eq!(bearer, "tok-secret");
    assert!(
        bearer.is_sensitive(),
        "marked sensitive before the transport"
    );
    assert!(
        r.headers()
            .get(http::header::USER_AGENT)
            .is_some_and(|v| v.to_str().unwrap().starts_with("ssokit/"))
    );
    assert!(!format!("{r:?}").contains("tok-secret"), "{r:?}");
}

#[tokio::test]
async fn a_body_over_1_mib_is_refused_and_not_read_further() {
    let sleep = Arc::new(Recorded::default());
    // A whole buffer handed over.
    let big = vec![b' '; 1024 * 1024 + 1];
    let fake = Fake::new(vec![Ok(Response::new(200, HeaderMap::new(), big))]);
    let e = get_role(&portal(&fake, &sleep, 4)).await.unwrap_err();
    assert!(e.to_string().contains("larger than the 1 MiB limit"), "{e}");
    assert_eq!(fake.requests().len(), 1, "not retried");

    // A stream: core stops pulling right past the limit.
    let pulled = Arc::new(AtomicUsize::new(0));
    let body = ResponseBody::from_chunks(Endless(Arc::clone(&pulled)));
    let fake = Fake::new(vec![Ok(Response::new(200, HeaderMap::new(), body))]);
    let e = get_role(&portal(&fake, &sleep, 4)).await.unwrap_err();
    assert!(e.to_string().contains("1 MiB"), "{e}");
    assert_eq!(
        pulled.load(Ordering::SeqCst),
        17,
        "16 chunks fit, the 17th crosses"
    );

    // A larger Content-Length: refused before reading anything.
    let pulled = Arc::new(AtomicUsize::new(0));
    let body = ResponseBody::from_chunks(Endless(Arc::clone(&pulled)));
    let mut headers = HeaderMap::new();
    headers.insert(
        http::header::CONTENT_LENGTH,
        HeaderValue::from_static("2097152"),
    );
    let fake = Fake::new(vec![Ok(Response::new(200, headers, body))]);
    assert!(get_role(&portal(&fake, &sleep, 4)).await.is_err());
    assert_eq!(pulled.load(Ordering::SeqCst), 0);
    assert!(sleep.0.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_redirect_is_final_and_never_followed() {
    let fake = Fake::new(vec![
        status(302, &[("location", "https://elsewhere.example.com/steal")]),
        ok(ROLE),
    ]);
    let sleep = Arc::new(Recorded::default());
    let e = get_role(&portal(&fake, &sleep, 4)).await.unwrap_err();
    assert!(e.to_string().contains("302"), "{e}");
    let requests = fake.requests();
    assert_eq!(requests.len(), 1, "one request, to the portal only");
    assert_eq!(
        requests[0].url().host_str(),
        Some("portal.sso.us-east-1.amazonaws.com")
    );
}

#[tokio::test]
async fn send_errors_are_retried_by_kind() {
    let sleep = Arc::new(Recorded::default());
    // Refused connections and broken ones are retried.
    let fake = Fake::new(vec![
        failed(SendErrorKind::Connect),
        failed(SendErrorKind::Interrupted),
        ok(ROLE),
    ]);
    get_role(&portal(&fake, &sleep, 4)).await.unwrap();
    assert_eq!(fake.requests().len(), 3);
    assert_eq!(sleep.0.lock().unwrap().len(), 2);

    // A refused TLS handshake and an unknown failure are final.
    for kind in [SendErrorKind::TlsRefused, SendErrorKind::Other] {
        let fake = Fake::new(vec![failed(kind), ok(ROLE)]);
        let e = get_role(&portal(&fake, &sleep, 4)).await.unwrap_err();
        assert_eq!(fake.requests().len(), 1, "{kind:?}");
        // The error says the same as the loop did: not worth another attempt.
        assert!(!e.is_retryable(), "{kind:?}: {e}");
        assert!(e.to_string().contains("GetRoleCredentials"), "{e}");
    }

    // Timeouts are retried, and the last one says so.
    let fake = Fake::new(vec![
        failed(SendErrorKind::Timeout),
        failed(SendErrorKind::Timeout),
    ]);
    let e = get_role(&portal(&fake, &sleep, 2)).await.unwrap_err();
    assert_eq!(fake.requests().len(), 2);
    assert!(e.to_string().contains("did not answer in time"), "{e}");
    assert_eq!(e.attempts(), Some(2));
}

/// Headers at once, then a body that never comes.
struct Stalled;

impl BodyChunks for Stalled {
    fn next_chunk(&mut self) -> ChunkFuture<'_> {
        Box::pin(std::future::pending())
    }
}

#[tokio::test]
async fn a_stalled_body_ends_the_attempt_at_the_request_timeout_whatever_the_transport() {
    let stalled = || {
        Ok(Response::new(
            200,
            HeaderMap::new(),
            ResponseBody::from_chunks(Stalled),
        ))
    };
    let fake = Fake::new(vec![stalled(), stalled()]);
    let sleep = Arc::new(Recorded::default());
    let settings = HttpSettings::default()
        .retry(RetryPolicy::new(
            2,
            Duration::from_millis(100),
            Duration::from_secs(5),
        ))
        .timeouts(Duration::from_secs(1), Duration::from_millis(200));
    let client = HttpClient::with_transport(Arc::clone(&fake) as _, &settings)
        .with_sleep(Arc::clone(&sleep) as _);
    let portal =
        PortalClient::with_http_client("https://portal.sso.us-east-1.amazonaws.com", &client)
            .unwrap();
    // A deadline for the test itself, far above the request timeout.
    let e = tokio::time::timeout(Duration::from_secs(60), get_role(&portal))
        .await
        .expect("the attempt must end at its own request timeout")
        .unwrap_err();
    // Timed out, retried once (the retry wait through the injected sleep), then final.
    assert_eq!(fake.requests().len(), 2);
    assert_eq!(sleep.0.lock().unwrap().len(), 1);
    assert!(e.to_string().contains("did not answer in time"), "{e}");
    assert!(e.is_retryable(), "{e}");
}
