//! The SSO token provider against a wiremock SSO OIDC: refresh policy, throttling,
//! failures, and single-flight across tasks and processes.
#![allow(clippy::unwrap_used)]

mod support;

use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use ssokit::Error;
use ssokit::auth::token::SsoTokenProvider;
use ssokit::auth::{AuthError, LoginTarget};
use ssokit::cache::{CachedToken, TokenCache};
use ssokit::client::OidcClient;
use ssokit::secret::AccessToken;
use ssokit::time::ManualClock;
use support::*;
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn provider(server_uri: &str, tokens: &TokenCache, clock: &ManualClock) -> SsoTokenProvider {
    SsoTokenProvider::new(
        session(server_uri),
        LoginTarget::Profile("dev".into()),
        tokens.clone(),
        OidcClient::new(server_uri, &fast_http()).unwrap(),
        Arc::new(clock.clone()),
    )
}

/// A temporary home whose token cache holds `token` for session `my-sso`.
fn seeded(token: CachedToken) -> (tempfile::TempDir, TokenCache) {
    let home = tempfile::tempdir().unwrap();
    let tokens = caches(home.path()).tokens();
    tokens.store("my-sso", &token).unwrap();
    (home, tokens)
}

/// The access token the provider serves now.
async fn access(p: &SsoTokenProvider) -> String {
    p.token()
        .await
        .unwrap()
        .access_token
        .expose_secret()
        .to_owned()
}

fn refresh_ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "accessToken": "new-access",
        "tokenType": "Bearer",
        "expiresIn": 28800,
        "refreshToken": "refresh-2"
    }))
}

fn refresh_mock() -> wiremock::MockBuilder {
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(body_partial_json(json!({
            "grantType": "refresh_token",
            "clientId": "client-1",
            "clientSecret": "client-secret-1",
            "refreshToken": "refresh-1"
        })))
}

#[tokio::test]
async fn a_fresh_token_is_served_without_any_call() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(refresh_ok())
        .expect(0)
        .mount(&server)
        .await;
    let (_home, tokens) = seeded(refreshable_token(T0 + 3600));
    let clock = ManualClock::new(at(T0));
    let p = provider(&server.uri(), &tokens, &clock);
    assert_eq!(access(&p).await, "old-access");
}

#[tokio::test]
async fn refreshes_inside_the_window_and_keeps_other_fields() {
    let server = MockServer::start().await;
    refresh_mock()
        .respond_with(refresh_ok())
        .expect(1)
        .mount(&server)
        .await;
    let home = tempfile::tempdir().unwrap();
    let tokens = caches(home.path()).tokens();
    let mut old = refreshable_token(T0 + 899);
    old.extra.insert("fromANewerCli".into(), json!(42));
    tokens.store("my-sso", &old).unwrap();
    let clock = ManualClock::new(at(T0));
    let p = provider(&server.uri(), &tokens, &clock);

    let t = p.token().await.unwrap();
    assert_eq!(t.access_token.expose_secret(), "new-access");
    assert_eq!(t.expires_at, at(T0 + 28800));
    let disk = tokens.load("my-sso").unwrap();
    assert_eq!(disk.access_token.expose_secret(), "new-access");
    assert_eq!(disk.refresh_token.unwrap().expose_secret(), "refresh-2");
    assert_eq!(disk.client_id.as_deref(), Some("client-1"));
    assert_eq!(disk.start_url, old.start_url);
    assert_eq!(disk.registration_expires_at, old.registration_expires_at);
    assert_eq!(disk.extra["fromANewerCli"], 42);
    // Served from memory afterwards.
    assert_eq!(access(&p).await, "new-access");
}

#[tokio::test]
async fn exactly_fifteen_minutes_left_is_not_refreshed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(refresh_ok())
        .expect(0)
        .mount(&server)
        .await;
    let (_home, tokens) = seeded(refreshable_token(T0 + 900));
    let clock = ManualClock::new(at(T0));
    let p = provider(&server.uri(), &tokens, &clock);
    assert_eq!(access(&p).await, "old-access");
}

#[tokio::test]
async fn a_refresh_token_without_rotation_is_kept() {
    let server = MockServer::start().await;
    refresh_mock()
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "accessToken": "new-access", "tokenType": "Bearer", "expiresIn": 3600
        })))
        .expect(1)
        .mount(&server)
        .await;
    let (_home, tokens) = seeded(refreshable_token(T0 - 5));
    let clock = ManualClock::new(at(T0));
    provider(&server.uri(), &tokens, &clock)
        .token()
        .await
        .unwrap();
    let disk = tokens.load("my-sso").unwrap();
    assert_eq!(disk.refresh_token.unwrap().expose_secret(), "refresh-1");
}

#[tokio::test]
async fn concurrent_callers_share_one_refresh() {
    let server = MockServer::start().await;
    refresh_mock()
        .respond_with(refresh_ok().set_delay(Duration::from_millis(50)))
        .expect(1)
        .mount(&server)
        .await;
    let (_home, tokens) = seeded(refreshable_token(T0 + 60));
    let clock = ManualClock::new(at(T0));
    let p = provider(&server.uri(), &tokens, &clock);
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let p = p.clone();
            tokio::spawn(async move { p.token().await.unwrap() })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap().access_token.expose_secret(), "new-access");
    }
}

#[tokio::test]
async fn a_failed_refresh_keeps_serving_a_valid_token_and_is_throttled() {
    let server = MockServer::start().await;
    refresh_mock()
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({"error": "server_error"})))
        .expect(3) // one attempt = 3 tries with the test retry policy; then throttled
        .mount(&server)
        .await;
    let (_home, tokens) = seeded(refreshable_token(T0 + 600));
    let clock = ManualClock::new(at(T0));
    let p = provider(&server.uri(), &tokens, &clock);
    assert_eq!(access(&p).await, "old-access");
    clock.advance(Duration::from_secs(10));
    assert_eq!(access(&p).await, "old-access");
}

#[tokio::test]
async fn the_refresh_is_retried_after_thirty_seconds() {
    let server = MockServer::start().await;
    refresh_mock()
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({"error": "server_error"})))
        .up_to_n_times(3)
        .expect(3)
        .mount(&server)
        .await;
    refresh_mock()
        .respond_with(refresh_ok())
        .expect(1)
        .mount(&server)
        .await;
    let (_home, tokens) = seeded(refreshable_token(T0 + 600));
    let clock = ManualClock::new(at(T0));
    let p = provider(&server.uri(), &tokens, &clock);
    assert_eq!(access(&p).await, "old-access");
    clock.advance(Duration::from_secs(30));
    assert_eq!(access(&p).await, "new-access");
}

#[tokio::test]
async fn invalid_grant_on_an_expired_token_ends_the_session() {
    let server = MockServer::start().await;
    refresh_mock()
        .respond_with(
            ResponseTemplate::new(400)
                .insert_header("x-amzn-ErrorType", "InvalidGrantException:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/")
                .set_body_json(json!({"error": "invalid_grant", "error_description": "Invalid grant provided"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let (_home, tokens) = seeded(refreshable_token(T0 - 1));
    let clock = ManualClock::new(at(T0));
    let err = provider(&server.uri(), &tokens, &clock)
        .token()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::SessionEnded { .. })),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(msg.contains("ssokit login --profile dev"), "{msg}");
    assert!(msg.contains("invalid_grant"), "{msg}");
    assert!(
        !msg.contains("refresh-1") && !msg.contains("client-secret-1"),
        "{msg}"
    );
    // The file is left for the next login to replace.
    assert!(tokens.path("my-sso").exists());
}

#[tokio::test]
async fn an_expired_legacy_token_ends_the_session_without_a_call() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(refresh_ok())
        .expect(0)
        .mount(&server)
        .await;
    let home = tempfile::tempdir().unwrap();
    let tokens = caches(home.path()).tokens();
    tokens
        .store(
            "my-sso",
            &CachedToken::new(AccessToken::new("legacy"), at(T0 - 1)),
        )
        .unwrap();
    let clock = ManualClock::new(at(T0));
    let err = provider(&server.uri(), &tokens, &clock)
        .token()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("has ended"), "{err}");
    assert!(err.to_string().contains("no refresh token"), "{err}");
}

#[tokio::test]
async fn a_missing_or_broken_file_is_not_logged_in() {
    let server = MockServer::start().await;
    let home = tempfile::tempdir().unwrap();
    let tokens = caches(home.path()).tokens();
    let clock = ManualClock::new(at(T0));
    let p = provider(&server.uri(), &tokens, &clock);
    let err = p.token().await.unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::NotLoggedIn { .. })),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("ssokit login --profile dev"),
        "{err}"
    );
    std::fs::create_dir_all(tokens.dir()).unwrap();
    std::fs::write(tokens.path("my-sso"), "{\"accessToken\": \"trunc").unwrap();
    let err = p.token().await.unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::NotLoggedIn { .. })),
        "{err:?}"
    );
    assert!(err.to_string().contains("truncated"), "{err}");
}

const WORKER_ENV: &str = "SSOKIT_TEST_TOKEN_WORKER";

/// Not a test on its own: the body of a child process of
/// `twenty_processes_make_one_refresh`.
#[test]
fn token_worker_process() {
    let Ok(spec) = std::env::var(WORKER_ENV) else {
        return;
    };
    let (uri, home) = spec.split_once('|').unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let tokens = caches(home.as_ref()).tokens();
        let clock = ManualClock::new(at(T0));
        let t = provider(uri, &tokens, &clock).token().await.unwrap();
        assert_eq!(t.access_token.expose_secret(), "new-access");
    });
}

#[tokio::test(flavor = "multi_thread")]
async fn twenty_processes_make_one_refresh() {
    let server = MockServer::start().await;
    refresh_mock()
        .respond_with(refresh_ok().set_delay(Duration::from_millis(100)))
        .expect(1)
        .mount(&server)
        .await;
    let (home, _tokens) = seeded(refreshable_token(T0 + 60));
    let exe = std::env::current_exe().unwrap();
    let spec = format!("{}|{}", server.uri(), home.path().display());
    let children: Vec<_> = (0..20)
        .map(|_| {
            Command::new(&exe)
                .args(["--exact", "token_worker_process", "--test-threads", "1"])
                .env(WORKER_ENV, &spec)
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    let statuses = tokio::task::spawn_blocking(move || {
        children
            .into_iter()
            .map(|mut c| c.wait().unwrap())
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    assert!(statuses.iter().all(|s| s.success()), "{statuses:?}");
    // MockServer verifies `expect(1)` when dropped.
}

#[tokio::test]
async fn a_refused_refresh_token_is_never_sent_again() {
    let server = MockServer::start().await;
    refresh_mock()
        .respond_with(
            ResponseTemplate::new(400)
                .insert_header("x-amzn-ErrorType", "InvalidGrantException")
                .set_body_json(json!({"error": "invalid_grant"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let (_home, tokens) = seeded(refreshable_token(T0 + 600));
    let clock = ManualClock::new(at(T0));
    let p = provider(&server.uri(), &tokens, &clock);
    // Still valid: served, though the refresh was refused.
    assert_eq!(access(&p).await, "old-access");
    clock.advance(Duration::from_secs(120));
    assert_eq!(access(&p).await, "old-access");
    // Expired: the session has ended, without asking the service again.
    clock.advance(Duration::from_secs(600));
    let err = p.token().await.unwrap_err();
    assert!(err.to_string().contains("has ended"), "{err}");
}
