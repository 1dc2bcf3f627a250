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

/// A TLS acceptor serving `cert` with `key`, and a listener on 127.0.0.1.
async fn tls_listener(
    cert: &str,
    key: &str,
) -> (tokio_rustls::TlsAcceptor, tokio::net::TcpListener) {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from_pem_slice(cert.as_bytes()).unwrap()],
            PrivateKeyDer::from_pem_slice(key.as_bytes()).unwrap(),
        )
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    (tokio_rustls::TlsAcceptor::from(Arc::new(config)), listener)
}

/// An HTTPS server on 127.0.0.1 with the self-signed certificate; counts the TCP
/// connections it accepts (one per attempt).
async fn untrusted_https_server() -> (String, Arc<AtomicUsize>) {
    let (acceptor, listener) = tls_listener(CERT, KEY).await;
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
    // What to do behind a TLS-inspecting proxy: its CA goes in the bundle.
    assert!(text.contains("Mozilla's root certificates"), "{text}");
    assert!(text.contains("AWS_CA_BUNDLE"), "{text}");
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

/// A test root CA, and a certificate for localhost and 127.0.0.1 that it signed, with
/// its key (generated for these tests only; no system trusts the CA).
const TEST_CA: &str = "-----BEGIN CERTIFICATE-----
MIIBojCCAUmgAwIBAgIUBfDNvSBAwongg2vKdW5CsayYzMIwCgYIKoZIzj0EAwIw
HjEcMBoGA1UEAwwTc3Nva2l0IHRlc3Qgcm9vdCBDQTAgFw0yNjExMjgxNTU0NDha
GA8yMTI2MTEwNDE1NTQ0OFowHjEcMBoGA1UEAwwTc3Nva2l0IHRlc3Qgcm9vdCBD
QTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABM7h6PRMp8Jzruumecf+wCd8EVM0
bzFo0sVLBF8/2WzSp2Do1zwSsEtp9IeuU/zn/5+8klT/ITpScoGqPmOoWgGjYzBh
MB0GA1UdDgQWBBQiKUg0y30cJXKi4TftrEJ2IPiMGjAfBgNVHSMEGDAWgBQiKUg0
y30cJXKi4TftrEJ2IPiMGjAPBgNVHRMBAf8EBTADAQH/MA4GA1UdDwEB/wQEAwIB
BjAKBggqhkjOPQQDAgNHADBEAiAWUjK9CI1JwO9Ml6g6tyLESzQSSu7tiI8GtY+w
5u7SiwIgcQCsCoBC9HT3TdoTH3IzRzoQS0aK7EPwHW+WA2MYKoo=
-----END CERTIFICATE-----
";
const SIGNED_CERT: &str = "-----BEGIN CERTIFICATE-----
MIIByDCCAW+gAwIBAgIUI16mdX+yGKwy9v2AlmtRDo1mcw0wCgYIKoZIzj0EAwIw
HjEcMBoGA1UEAwwTc3Nva2l0IHRlc3Qgcm9vdCBDQTAgFw0yNjExMjgxNTU0NDha
GA8yMTI2MTEwNDE1NTQ0OFowFDESMBAGA1UEAwwJbG9jYWxob3N0MFkwEwYHKoZI
zj0CAQYIKoZIzj0DAQcDQgAEeSIm7ry186N0yW8fYawAhuEMZTcLgQRvdHZFpmP1
br7KFWDhPyxLQluOzNpKQcdo2Y5bfaxavNnhF5++szZe4qOBkjCBjzAaBgNVHREE
EzARgglsb2NhbGhvc3SHBH8AAAEwDAYDVR0TAQH/BAIwADAOBgNVHQ8BAf8EBAMC
B4AwEwYDVR0lBAwwCgYIKwYBBQUHAwEwHQYDVR0OBBYEFLsge0JAYEHRfth7SaND
UzSYCr4MMB8GA1UdIwQYMBaAFCIpSDTLfRwlcqLhN+2sQnYg+IwaMAoGCCqGSM49
BAMCA0cAMEQCIFD18o0/GJjPE66/PvWDOEn1NwykysK4gEcoOoRgU5GIAiBEGgVy
FaJcyGEn6C7ZyXy5UF5WV45howO+lMtHPcrz6A==
-----END CERTIFICATE-----
";
const SIGNED_KEY: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgBE6dx6I+u29Wm4O2
6k1Pq26HSk/V3ZzzBUt9GjcZfdyhRANCAAR5IibuvLXzo3TJbx9hrACG4QxlNwuB
BG90dkWmY/VuvsoVYOE/LEtCW47M2kpBx2jZjlt9rFq82eEXn76zNl7i
-----END PRIVATE KEY-----
";

/// An HTTPS server on 127.0.0.1 with the CA-signed certificate that answers every
/// request with a token; counts the requests it answered.
async fn https_server_signed_by_the_test_ca() -> (String, Arc<AtomicUsize>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (acceptor, listener) = tls_listener(SIGNED_CERT, SIGNED_KEY).await;
    let port = listener.local_addr().unwrap().port();
    let answered = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&answered);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let counter = Arc::clone(&counter);
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(stream).await else {
                    return;
                };
                // The request's head, then its body (Content-Length bytes).
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                let head_end = loop {
                    let Ok(n) = tls.read(&mut buf).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    request.extend_from_slice(&buf[..n]);
                    if let Some(i) = request.windows(4).position(|w| w == b"\r\n\r\n") {
                        break i + 4;
                    }
                };
                let head = String::from_utf8_lossy(&request[..head_end]).to_ascii_lowercase();
                let length: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(0);
                while request.len() < head_end + length {
                    let Ok(n) = tls.read(&mut buf).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    request.extend_from_slice(&buf[..n]);
                }
                let body = r#"{"accessToken":"at","expiresIn":3600}"#;
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                counter.fetch_add(1, Ordering::SeqCst);
                let _ = tls.write_all(response.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (format!("https://localhost:{port}"), answered)
}

fn refresh() -> CreateTokenRequest {
    CreateTokenRequest::refresh_token("cid", ClientSecret::new("cs"), RefreshToken::new("rt"))
}

#[tokio::test]
async fn a_server_signed_by_a_ca_of_the_bundle_is_trusted_and_no_other() {
    let (endpoint, answered) = https_server_signed_by_the_test_ca().await;
    // Mozilla's roots alone do not trust the test CA: refused, once.
    let oidc = OidcClient::new(&endpoint, &settings()).unwrap();
    let e = oidc.create_token(&refresh()).await.unwrap_err();
    assert_eq!(e.attempts(), Some(1), "{e:?}");
    assert!(e.to_string().contains("certificate"), "{e}");
    assert_eq!(answered.load(Ordering::SeqCst), 0);

    // With the CA in the bundle (AWS_CA_BUNDLE / ca_bundle), the same server answers.
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("ca.pem");
    std::fs::write(&bundle, TEST_CA).unwrap();
    let oidc = OidcClient::new(&endpoint, &settings().ca_bundle(&bundle)).unwrap();
    let token = oidc.create_token(&refresh()).await.unwrap();
    assert_eq!(token.access_token.expose_secret(), "at");
    // And again, through the same process-wide client.
    oidc.create_token(&refresh()).await.unwrap();
    assert_eq!(answered.load(Ordering::SeqCst), 2);
}
