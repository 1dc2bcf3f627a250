//! The client's transport: retries, timeouts, connection failures, endpoint and TLS
//! checks.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

use std::time::Duration;

use serde_json::json;
use ssokit::client::{
    CreateTokenRequest, ErrorCode, HttpSettings, OidcClient, PortalClient, ResponseError,
    RetryPolicy, ServiceError, TransportError,
};
use ssokit::secret::{AccessToken, ClientSecret, RefreshToken};
use tokio::time::Instant;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Two self-signed test CAs (generated for these tests only).
const TWO_CAS: &str = "-----BEGIN CERTIFICATE-----
MIIBjTCCATOgAwIBAgIUNunFUWi9LiZnxlXYnzVZsdu5W/8wCgYIKoZIzj0EAwIw
GzEZMBcGA1UEAwwQc3Nva2l0IHRlc3QgQ0EgMTAgFw0yNjExMjcyMjM1MjRaGA8y
MTI2MTEwMzIyMzUyNFowGzEZMBcGA1UEAwwQc3Nva2l0IHRlc3QgQ0EgMTBZMBMG
ByqGSM49AgEGCCqGSM49AwEHA0IABHH0VNn9r6cAwhq9n8WCIOAIyZcdtfryy1uv
JSCGeQCUHeG/5LT/Pw7th4OdRBqzLI2YTBnzQyDzw9ECjsag2lWjUzBRMB0GA1Ud
DgQWBBS1PSk4qtTUEBwdTx8pP9CHLZ9nQDAfBgNVHSMEGDAWgBS1PSk4qtTUEBwd
Tx8pP9CHLZ9nQDAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIHwA
BL+VN81DdXz6uWH2Ynsn+9P98Wv2W+Esr9NJaggjAiEAu0+KxtdA/imst44bNGVs
FdqWy4y0f/hqi1O0WYmBl2E=
-----END CERTIFICATE-----
-----BEGIN CERTIFICATE-----
MIIBjjCCATOgAwIBAgIUZWMBBG/1Ns6Xn4kTVC3iDBtcyr8wCgYIKoZIzj0EAwIw
GzEZMBcGA1UEAwwQc3Nva2l0IHRlc3QgQ0EgMjAgFw0yNjExMjcyMjM1MjRaGA8y
MTI2MTEwMzIyMzUyNFowGzEZMBcGA1UEAwwQc3Nva2l0IHRlc3QgQ0EgMjBZMBMG
ByqGSM49AgEGCCqGSM49AwEHA0IABPN3Fvi4Dkx5+5KEU0FVgiXLtQy1kmbUBWAw
tCUiw9oG13eAENAL8nzoCyjimYxhKhq3aBX/XZ2Kw4Mx2+JyfHOjUzBRMB0GA1Ud
DgQWBBQ67n7qWiAoGQEBpH6cF12Vik+SSzAfBgNVHSMEGDAWgBQ67n7qWiAoGQEB
pH6cF12Vik+SSzAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0kAMEYCIQCb
vJbeBoDOR2UAh46nRJnzyeTL4sQIAVa2oKHAFttazwIhAPJaGOc8TlyJuQNvYTno
UzX9HNtz3ul30nyUD3dzbj7K
-----END CERTIFICATE-----
";

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn settings(attempts: u32) -> HttpSettings {
    HttpSettings::default().retry(RetryPolicy::new(attempts, ms(1), ms(5)))
}

fn refresh_request() -> CreateTokenRequest {
    CreateTokenRequest::refresh_token("cid", ClientSecret::new("cs"), RefreshToken::new("rt"))
}

fn token_ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"accessToken": "at", "expiresIn": 3600}))
}

/// A port on which nothing listens.
fn dead_endpoint() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

#[tokio::test]
async fn server_error_then_success_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(
            ResponseTemplate::new(500).insert_header("x-amzn-ErrorType", "InternalServerException"),
        )
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(token_ok())
        .expect(1)
        .mount(&server)
        .await;
    let c = OidcClient::new(&server.uri(), &settings(4)).unwrap();
    let t = c.create_token(&refresh_request()).await.unwrap();
    assert_eq!(t.access_token.expose_secret(), "at");
}

#[tokio::test]
async fn throttled_then_success_backs_off_as_told() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/federation/credentials"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("x-amzn-ErrorType", "TooManyRequestsException")
                // Ten seconds asked; the policy caps a wait at 150 ms.
                .insert_header("retry-after", "10"),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/federation/credentials"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"roleCredentials": {
                "accessKeyId": "a", "secretAccessKey": "s", "sessionToken": "t", "expiration": 1
            }})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let policy = RetryPolicy::new(3, ms(1), ms(150));
    let c = PortalClient::new(&server.uri(), &HttpSettings::default().retry(policy)).unwrap();
    let started = Instant::now();
    c.get_role_credentials(&AccessToken::new("tok"), "1", "R")
        .await
        .unwrap();
    let waited = started.elapsed();
    assert!(waited >= ms(150), "waited {waited:?}");
    assert!(waited < Duration::from_secs(5), "waited {waited:?}");
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    for status in [400, 401, 403, 404, 409] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/token"))
            .respond_with(
                ResponseTemplate::new(status).set_body_json(json!({"error": "invalid_grant"})),
            )
            .expect(1)
            .mount(&server)
            .await;
        let c = OidcClient::new(&server.uri(), &settings(4)).unwrap();
        let e = c.create_token(&refresh_request()).await.unwrap_err();
        assert!(!e.is_retryable(), "{status}");
        server.verify().await;
    }
}

#[tokio::test]
async fn retries_are_bounded_and_the_error_says_how_many() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(ResponseTemplate::new(503).set_body_string("<html>busy</html>"))
        .expect(3)
        .mount(&server)
        .await;
    let c = OidcClient::new(&server.uri(), &settings(3)).unwrap();
    let e = c.create_token(&refresh_request()).await.unwrap_err();
    assert!(
        matches!(
            e,
            ServiceError::Response(ResponseError {
                code: ErrorCode::Other(None),
                status: 503,
                attempts: 3,
                ..
            })
        ),
        "{e:?}"
    );
    assert_eq!(e.attempts(), Some(3));
    assert!(e.is_retryable());
    let text = e.to_string();
    assert!(
        text.contains("HTTP 503") && text.contains("gave up after 3 attempts"),
        "{text}"
    );
    assert!(
        !text.contains("busy"),
        "a non-JSON body is not quoted: {text}"
    );
}

#[tokio::test]
async fn retry_budget_stops_long_waits() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(ResponseTemplate::new(500).insert_header("retry-after", "1"))
        .expect(1)
        .mount(&server)
        .await;
    let policy = RetryPolicy::new(10, ms(1), Duration::from_secs(5)).max_elapsed(ms(100));
    let c = OidcClient::new(&server.uri(), &HttpSettings::default().retry(policy)).unwrap();
    let started = Instant::now();
    let e = c.create_token(&refresh_request()).await.unwrap_err();
    assert!(started.elapsed() < ms(900));
    assert!(
        matches!(
            e,
            ServiceError::Response(ResponseError {
                code: ErrorCode::Other(None),
                attempts: 1,
                ..
            })
        ),
        "{e:?}"
    );
}

#[tokio::test]
async fn connection_refused_is_transport() {
    let endpoint = dead_endpoint();
    let c = PortalClient::new(&endpoint, &settings(2)).unwrap();
    let e = c.list_accounts(&AccessToken::new("tok")).await.unwrap_err();
    let ServiceError::Transport(TransportError {
        operation,
        endpoint: shown,
        attempts,
        timed_out: false,
        ..
    }) = &e
    else {
        panic!("{e:?}");
    };
    assert_eq!(*operation, "ListAccounts");
    assert!(shown.starts_with(&endpoint), "{shown}");
    assert_eq!(*attempts, 2);
    assert!(e.is_retryable());
    let text = e.to_string();
    assert!(
        text.contains("could not reach") && text.contains(&endpoint),
        "{text}"
    );
    assert!(text.to_lowercase().contains("refused"), "{text}");
    assert!(std::error::Error::source(&e).is_some());
}

#[tokio::test]
async fn slow_server_is_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(token_ok().set_delay(Duration::from_secs(3)))
        .expect(2)
        .mount(&server)
        .await;
    let s = settings(2).timeouts(Duration::from_secs(1), ms(200));
    let c = OidcClient::new(&server.uri(), &s).unwrap();
    let started = Instant::now();
    let e = c.create_token(&refresh_request()).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(
        matches!(
            e,
            ServiceError::Transport(TransportError {
                attempts: 2,
                timed_out: true,
                ..
            })
        ),
        "{e:?}"
    );
    assert!(e.is_retryable());
    let text = e.to_string();
    assert!(
        text.starts_with("CreateToken: ") && text.contains("did not answer in time"),
        "{text}"
    );
}

#[tokio::test]
async fn plain_http_is_refused_except_on_loopback() {
    for endpoint in [
        "http://oidc.us-east-1.amazonaws.com",
        "http://192.168.1.10:8080",
    ] {
        let e = OidcClient::new(endpoint, &HttpSettings::default()).unwrap_err();
        assert!(matches!(e, ServiceError::InsecureEndpoint { .. }), "{e:?}");
        assert!(e.to_string().contains("clear text"), "{e}");
        let e = PortalClient::new(endpoint, &HttpSettings::default()).unwrap_err();
        assert!(matches!(e, ServiceError::InsecureEndpoint { .. }), "{e:?}");
    }
    for endpoint in [
        "http://127.0.0.1:1",
        "http://localhost:1",
        "http://[::1]:1",
        "https://oidc.example.com",
    ] {
        OidcClient::new(endpoint, &HttpSettings::default()).unwrap();
    }
}

/// An `https` endpoint on loopback where nothing listens: a request that got as far
/// as connecting would fail with a connection error, not a CA bundle error.
const NOWHERE_HTTPS: &str = "https://127.0.0.1:1";

/// The error of the first `https` request with `bundle` as the CA bundle.
async fn first_https_error(bundle: &std::path::Path) -> ServiceError {
    // Building the client reads nothing: the bundle is read on the first request.
    let c = OidcClient::new(NOWHERE_HTTPS, &settings(4).ca_bundle(bundle)).unwrap();
    c.create_token(&refresh_request()).await.unwrap_err()
}

#[tokio::test]
async fn a_bad_ca_bundle_is_reported_at_the_first_https_request_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.pem");
    let garbage = dir.path().join("garbage.pem");
    std::fs::write(&garbage, "this is not a certificate\n").unwrap();
    let broken = dir.path().join("broken.pem");
    std::fs::write(
        &broken,
        "-----BEGIN CERTIFICATE-----\n!!!not base64!!!\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    for path in [&missing, &garbage, &broken] {
        let e = first_https_error(path).await;
        assert!(matches!(e, ServiceError::CaBundle { .. }), "{e:?}");
        assert!(!e.is_retryable(), "{e:?}");
        let text = e.to_string();
        assert!(text.contains(&path.display().to_string()), "{text}");
        assert!(text.contains("AWS_CA_BUNDLE"), "{text}");
        // The portal client reports it the same way.
        let portal = PortalClient::new(NOWHERE_HTTPS, &settings(4).ca_bundle(path)).unwrap();
        let e = portal
            .list_accounts(&AccessToken::new("at"))
            .await
            .unwrap_err();
        assert!(matches!(e, ServiceError::CaBundle { .. }), "{e:?}");
    }
}

#[tokio::test]
async fn a_fixed_ca_bundle_is_used_by_the_next_request() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("bundle.pem");
    std::fs::write(&bundle, "not yet\n").unwrap();
    let c = OidcClient::new(NOWHERE_HTTPS, &settings(1).ca_bundle(&bundle)).unwrap();
    let e = c.create_token(&refresh_request()).await.unwrap_err();
    assert!(matches!(e, ServiceError::CaBundle { .. }), "{e:?}");
    // A failure is not kept: once the file is fixed, the same client goes on to
    // connect (and finds nothing listening).
    std::fs::write(&bundle, TWO_CAS).unwrap();
    let e = c.create_token(&refresh_request()).await.unwrap_err();
    assert!(matches!(e, ServiceError::Transport(_)), "{e:?}");
}

#[tokio::test]
async fn plain_http_to_loopback_never_reads_the_ca_bundle() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(token_ok())
        .expect(1)
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.pem");
    let c = OidcClient::new(&server.uri(), &settings(1).ca_bundle(&missing)).unwrap();
    c.create_token(&refresh_request()).await.unwrap();
}

#[tokio::test]
async fn a_bundle_of_several_certificates_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("bundle.pem");
    std::fs::write(&bundle, TWO_CAS).unwrap();
    // Accepted: the request goes on to connect.
    let e = first_https_error(&bundle).await;
    assert!(matches!(e, ServiceError::Transport(_)), "{e:?}");
}

#[cfg(unix)]
#[tokio::test]
async fn a_ca_bundle_that_is_not_a_bounded_regular_file_is_refused() {
    // /dev/zero would be read forever; a FIFO would block the open.
    let e = first_https_error(std::path::Path::new("/dev/zero")).await;
    assert!(matches!(e, ServiceError::CaBundle { .. }), "{e:?}");
    let text = e.to_string();
    assert!(
        text.contains("/dev/zero") && text.contains("not a regular file"),
        "{text}"
    );

    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("bundle.fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    // On a thread of its own with a runtime of its own: if opening the FIFO ever
    // blocked, the deadline below would still fire.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let _ = tx.send(runtime.block_on(first_https_error(&fifo)));
    });
    let opened = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("opening a FIFO as the CA bundle blocked");
    assert!(
        matches!(opened, ServiceError::CaBundle { .. }),
        "{opened:?}"
    );

    // Larger than 8 MiB (sparse: never read).
    let huge = dir.path().join("huge.pem");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(8 * 1024 * 1024 + 1)
        .unwrap();
    let text = first_https_error(&huge).await.to_string();
    assert!(text.contains("8 MiB"), "{text}");

    // A symbolic link to a bundle is fine (as in /etc/ssl/certs).
    let bundle = dir.path().join("bundle.pem");
    std::fs::write(&bundle, TWO_CAS).unwrap();
    let link = dir.path().join("link.pem");
    std::os::unix::fs::symlink(&bundle, &link).unwrap();
    let e = first_https_error(&link).await;
    assert!(matches!(e, ServiceError::Transport(_)), "{e:?}");
}

#[tokio::test]
async fn an_oversized_response_is_refused_once_and_not_retried() {
    let server = MockServer::start().await;
    let big = format!(
        "{{\"accessToken\":\"{}\",\"expiresIn\":3600}}",
        "a".repeat(2 * 1024 * 1024)
    );
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(big, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let c = OidcClient::new(&server.uri(), &settings(4)).unwrap();
    let e = c.create_token(&refresh_request()).await.unwrap_err();
    assert!(matches!(e, ServiceError::MalformedResponse { .. }), "{e:?}");
    assert!(!e.is_retryable());
    let text = e.to_string();
    assert!(
        text.contains("CreateToken") && text.contains("1 MiB"),
        "{text}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

/// A body with no `Content-Length` (chunked) is cut off at the limit too.
#[tokio::test]
async fn an_oversized_chunked_response_is_cut_off() {
    use std::io::{Read, Write};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&requests);
    std::thread::spawn(move || {
        for socket in listener.incoming() {
            let Ok(mut socket) = socket else { return };
            counter.fetch_add(1, Ordering::SeqCst);
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf);
                let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
                if socket.write_all(head.as_bytes()).is_err() {
                    return;
                }
                let chunk = vec![b' '; 64 * 1024];
                // 2 MiB in all, unless the client hangs up first.
                for _ in 0..32 {
                    let mut frame = format!("{:x}\r\n", chunk.len()).into_bytes();
                    frame.extend_from_slice(&chunk);
                    frame.extend_from_slice(b"\r\n");
                    if socket.write_all(&frame).is_err() {
                        return;
                    }
                }
                let _ = socket.write_all(b"0\r\n\r\n");
            });
        }
    });
    let c = PortalClient::new(&format!("http://{addr}"), &settings(4)).unwrap();
    let e = c
        .get_role_credentials(&AccessToken::new("tok"), "1", "R")
        .await
        .unwrap_err();
    assert!(matches!(e, ServiceError::MalformedResponse { .. }), "{e:?}");
    assert!(e.to_string().contains("1 MiB"), "{e}");
    assert_eq!(requests.load(Ordering::SeqCst), 1);
}
