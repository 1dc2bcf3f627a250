//! No secret reaches an error message, a `Debug` string or a tracing log line.
//!
//! Alone in its test binary: a thread-local tracing subscriber misses events when
//! other tests hit the same callsites concurrently.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use ssokit::client::{
    AuthorizationCode, CodeVerifier, CreateTokenRequest, DeviceCode, HttpSettings, OidcClient,
    PortalClient, RegisterClientRequest, RetryPolicy,
};
use ssokit::secret::{AccessToken, ClientSecret, RefreshToken};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn settings(attempts: u32) -> HttpSettings {
    HttpSettings::default().retry(RetryPolicy::new(
        attempts,
        Duration::from_millis(1),
        Duration::from_millis(5),
    ))
}

/// A port on which nothing listens.
fn dead_endpoint() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

/// Records every tracing event and span field as text.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<String>>);

struct Record<'a>(&'a mut String);

impl tracing::field::Visit for Record<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn fmt::Debug) {
        self.0.push_str(&format!("{}={:?} ", field.name(), value));
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        span.record(&mut Record(&mut self.0.lock().unwrap()));
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        values.record(&mut Record(&mut self.0.lock().unwrap()));
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut text = self.0.lock().unwrap();
        event.record(&mut Record(&mut text));
        text.push('\n');
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

const SECRETS: [&str; 9] = [
    "SECRET-client-secret",
    "SECRET-refresh-token",
    "SECRET-device-code",
    "SECRET-auth-code",
    "SECRET-verifier",
    "SECRET-access-token",
    "SECRET-secret-key",
    "SECRET-session-token",
    "SECRET-in-a-bad-field",
];

fn assert_clean(shown: &str) {
    for secret in SECRETS {
        assert!(!shown.contains(secret), "{secret} leaked in:\n{shown}");
    }
    assert!(!shown.contains("SECRET-"), "a secret leaked in:\n{shown}");
}

#[tokio::test]
async fn no_secret_in_errors_debug_or_logs() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let server = MockServer::start().await;
    // OIDC answers: a success full of secrets, then every kind of failure.
    let responses = [
        ResponseTemplate::new(200).set_body_json(json!({
            "accessToken": "SECRET-access-token", "expiresIn": 1,
            "refreshToken": "SECRET-refresh-token", "idToken": "SECRET-id-token",
        })),
        ResponseTemplate::new(400)
            .insert_header("x-amzn-ErrorType", "InvalidGrantException:uri")
            .set_body_json(
                json!({"error": "invalid_grant", "error_description": "Invalid grant provided"}),
            ),
        ResponseTemplate::new(500).set_body_json(json!({"error": "server_error"})),
        ResponseTemplate::new(200).set_body_json(
            json!({"accessToken": "SECRET-access-token", "expiresIn": "SECRET-in-a-bad-field"}),
        ),
        ResponseTemplate::new(200).set_body_string("{\"accessToken\": \"SECRET-access-token\""),
        ResponseTemplate::new(418).set_body_string("SECRET-in-a-bad-field"),
    ];
    let requests = [
        CreateTokenRequest::refresh_token(
            "cid",
            ClientSecret::new(SECRETS[0]),
            RefreshToken::new(SECRETS[1]),
        ),
        CreateTokenRequest::device_code(
            "cid",
            ClientSecret::new(SECRETS[0]),
            DeviceCode::new(SECRETS[2]),
        ),
        CreateTokenRequest::authorization_code(
            "cid",
            ClientSecret::new(SECRETS[0]),
            AuthorizationCode::new(SECRETS[3]),
            CodeVerifier::new(SECRETS[4]),
            "http://127.0.0.1:1/oauth/callback",
        ),
    ];
    let c = OidcClient::new(&server.uri(), &settings(2)).unwrap();
    let mut shown = format!("{c:?} {requests:?}\n");
    for response in responses {
        server.reset().await;
        Mock::given(method("POST"))
            .respond_with(response)
            .mount(&server)
            .await;
        for request in &requests {
            match c.create_token(request).await {
                Ok(t) => shown.push_str(&format!("{t:?} {t:#?}\n")),
                Err(e) => shown.push_str(&format!("{e} {e:?} {e:#?}\n")),
            }
        }
    }
    server.reset().await;
    Mock::given(method("POST"))
        .and(path("/device_authorization"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "deviceCode": "SECRET-device-code", "userCode": "U", "verificationUri": "https://v", "expiresIn": 1
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/client/register"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "clientId": "c", "clientSecret": "SECRET-client-secret", "clientSecretExpiresAt": 1
        })))
        .mount(&server)
        .await;
    let d = c
        .start_device_authorization("cid", &ClientSecret::new(SECRETS[0]), "https://s")
        .await
        .unwrap();
    let r = c
        .register_client(&RegisterClientRequest::public("n", None))
        .await
        .unwrap();
    shown.push_str(&format!("{d:?} {d:#?} {r:?} {r:#?}\n"));

    // Portal: credentials, and failures with the bearer token.
    server.reset().await;
    Mock::given(method("GET"))
        .and(path("/federation/credentials"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"roleCredentials": {
                "accessKeyId": "AKIA", "secretAccessKey": "SECRET-secret-key",
                "sessionToken": "SECRET-session-token", "expiration": 1
            }})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/assignment/accounts"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"message": "Session token not found or invalid"})),
        )
        .mount(&server)
        .await;
    let p = PortalClient::new(&server.uri(), &settings(2)).unwrap();
    let token = AccessToken::new(SECRETS[5]);
    let creds = p.get_role_credentials(&token, "1", "R").await.unwrap();
    shown.push_str(&format!("{p:?} {creds:?} {creds:#?}\n"));
    let e = p.list_accounts(&token).await.unwrap_err();
    shown.push_str(&format!("{e} {e:?}\n"));
    let dead = PortalClient::new(&dead_endpoint(), &settings(1)).unwrap();
    let e = dead.logout(&token).await.unwrap_err();
    shown.push_str(&format!("{e} {e:?} {e:#?}\n"));

    assert!(
        shown.contains("CreateToken"),
        "the test exercised the errors"
    );
    assert_clean(&shown);
    let logs = capture.0.lock().unwrap().clone();
    assert!(logs.contains("operation=\"CreateToken\""), "{logs}");
    assert!(logs.contains("status=500"), "{logs}");
    assert_clean(&logs);
}
