//! The emulator over HTTPS: the test CA's certificate, trusted by a client through
//! its CA bundle (`AWS_CA_BUNDLE` / `ca_bundle`) and by nothing else.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use ssokit::client::{HttpSettings, OidcClient, RegisterClientRequest, RetryPolicy, ServiceError};
use ssokit_emulator::{Emulator, EmulatorError, TEST_CA_PEM, TlsIdentity};

fn settings() -> HttpSettings {
    HttpSettings::default().retry(RetryPolicy::new(
        2,
        Duration::from_millis(1),
        Duration::from_millis(5),
    ))
}

#[tokio::test]
async fn serves_https_that_a_client_trusts_through_its_ca_bundle() {
    let emulator = Emulator::builder()
        .tls(TlsIdentity::test_localhost())
        .start()
        .await
        .unwrap();
    let url = emulator.url().to_owned();
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");

    // A connection that never starts its handshake holds up nobody.
    let _idle = tokio::net::TcpStream::connect(url.trim_start_matches("https://"))
        .await
        .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("ca.pem");
    std::fs::write(&bundle, TEST_CA_PEM).unwrap();
    let trusted = OidcClient::new(&url, &settings().ca_bundle(&bundle)).unwrap();
    let registration = tokio::time::timeout(
        Duration::from_secs(60),
        trusted.register_client(&RegisterClientRequest::public("tls-test", None)),
    )
    .await
    .expect("no answer over TLS")
    .unwrap();
    assert!(!registration.client_id.is_empty());

    // Without the test CA the certificate is refused, at once.
    let untrusted = OidcClient::new(&url, &settings()).unwrap();
    let e = untrusted
        .register_client(&RegisterClientRequest::public("tls-test", None))
        .await
        .unwrap_err();
    assert!(matches!(e, ServiceError::Transport(_)), "{e:?}");
    assert_eq!(e.attempts(), Some(1), "{e:?}");
    emulator.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_certificate_without_its_key_is_refused_at_start() {
    let mut identity = TlsIdentity::test_localhost();
    identity.key_pem = "not a key".into();
    let e = Emulator::builder().tls(identity).start().await.unwrap_err();
    assert!(matches!(e, EmulatorError::Tls(_)), "{e:?}");
    assert!(e.to_string().contains("key"), "{e}");
    // The key stays out of Debug output.
    let shown = format!("{:?}", TlsIdentity::test_localhost());
    assert!(!shown.contains("PRIVATE KEY"), "{shown}");
}
