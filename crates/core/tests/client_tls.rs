//! A TLS certificate the client does not trust is a final failure: one attempt, no
//! retries, an error that says what to check.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use ssokit::client::{
    CreateTokenRequest, HttpSettings, OidcClient, PortalClient, RetryPolicy, ServiceError,
    TransportError,
};
use ssokit::secret::{AccessToken, ClientSecret, RefreshToken};

/// A self-signed certificate for localhost and 127.0.0.1 and its key, generated for
/// this test only (no system trusts it).
const CERT: &str = "-----BEGIN CERTIFICATE-----
MIIBvzCCAWWgAwIBAgIUFl4BE1UeuS9pLy/PZPWJL/rLs2owCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyODA4MTU1MFoYDzIxMjYxMTA0
MDgxNTUwWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAARzUxF0OK2AaU0WF2tC4WmpH2ewrIE1/6Btttxnn9K9Oqtp/cYwmwLq
RKm8YZXhrhtED7J1qg1inQjOCh6jUDB7o4GSMIGPMB0GA1UdDgQWBBS8SCCmnBT5
dMy7F6mAztnHORlmuzAfBgNVHSMEGDAWgBS8SCCmnBT5dMy7F6mAztnHORlmuzAa
BgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwDAYDVR0TAQH/BAIwADAOBgNVHQ8B
Af8EBAMCB4AwEwYDVR0lBAwwCgYIKwYBBQUHAwEwCgYIKoZIzj0EAwIDSAAwRQIg
CUiAXjXNngmo75KrTYNT3US4CqBAXV+x9qxGMzUDyasCIQD7eMn075jlOPEbSR4O
fFkNmr9cctNdh7g7FEdC8ffweQ==
-----END CERTIFICATE-----
";
const KEY: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg+ftOcf5V835qwhER
2pRzo6Dd3YR//O8rNJ7Dslm3T1+hRANCAARzUxF0OK2AaU0WF2tC4WmpH2ewrIE1
/6Btttxnn9K9Oqtp/cYwmwLqRKm8YZXhrhtED7J1qg1inQjOCh6jUDB7
-----END PRIVATE KEY-----
";

/// An HTTPS server on 127.0.0.1 with the self-signed certificate; counts the TCP
/// connections it accepts (one per attempt).
async fn untrusted_https_server() -> (String, Arc<AtomicUsize>) {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from_pem_slice(CERT.as_bytes()).unwrap()],
            PrivateKeyDer::from_pem_slice(KEY.as_bytes()).unwrap(),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&connections);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let acceptor = acceptor.clone();
            // The client gives up during the handshake.
            tokio::spawn(async move {
                let _ = acceptor.accept(stream).await;
            });
        }
    });
    (format!("https://localhost:{port}"), connections)
}

fn settings() -> HttpSettings {
    HttpSettings::default()
        .retry(RetryPolicy::new(
            4,
            Duration::from_millis(1),
            Duration::from_millis(5),
        ))
        .timeouts(Duration::from_secs(30), Duration::from_secs(60))
}

#[tokio::test]
async fn an_untrusted_certificate_is_not_retried() {
    let (endpoint, connections) = untrusted_https_server().await;
    let oidc = OidcClient::new(&endpoint, &settings()).unwrap();
    let e = oidc
        .create_token(&CreateTokenRequest::refresh_token(
            "cid",
            ClientSecret::new("cs"),
            RefreshToken::new("rt"),
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            ServiceError::Transport(TransportError {
                attempts: 1,
                timed_out: false,
                ..
            })
        ),
        "{e:?}"
    );
    assert_eq!(e.attempts(), Some(1));
    // Final for every caller, the device-code poll loop included.
    assert!(!e.is_retryable(), "{e:?}");
    let text = e.to_string();
    assert!(text.contains("certificate"), "{text}");
    assert!(text.contains("CA bundle"), "{text}");
    assert!(text.contains("gave up after 1 attempt"), "{text}");
    assert_eq!(connections.load(Ordering::SeqCst), 1, "one connection only");

    // The portal client shares the transport.
    let portal = PortalClient::new(&endpoint, &settings()).unwrap();
    let e = portal
        .list_accounts(&AccessToken::new("at"))
        .await
        .unwrap_err();
    assert_eq!(e.attempts(), Some(1), "{e:?}");
    assert_eq!(connections.load(Ordering::SeqCst), 2);
}
