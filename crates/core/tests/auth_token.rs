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

/// A server whose first refresh attempt fails (3 tries of HTTP 500 with the test retry
/// policy) and whose next one succeeds; it checks both happened when dropped.
async fn fails_once_then_refreshes() -> MockServer {
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
    server
}

/// A server that refuses the refresh token (`invalid_grant`) and checks, when
/// dropped, that it was sent exactly once.
async fn refuses_the_refresh_token_once() -> MockServer {
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
    server
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
    let server = fails_once_then_refreshes().await;
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
    assert_login_remedy(&err, ssokit::ErrorKind::SessionExpired);
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
    assert_login_remedy(&err, ssokit::ErrorKind::NotLoggedIn);
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

/// Not a test on its own: the body of a child process of the multi-process tests
/// below. It asks for the token once, at `T0`, and checks the outcome it was told to
/// expect: an access token, or an error of the given kind.
#[test]
fn token_worker_process() {
    let Ok(spec) = std::env::var(WORKER_ENV) else {
        return;
    };
    let mut parts = spec.splitn(3, '|');
    let (uri, home, expect) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let tokens = caches(home.as_ref()).tokens();
        let clock = ManualClock::new(at(T0));
        let result = provider(uri, &tokens, &clock).token().await;
        match expect {
            "recent-failure-or-service-error" => {
                let err = result.unwrap_err();
                assert!(
                    matches!(
                        err,
                        Error::Auth(AuthError::RecentFailure { .. }) | Error::Client(_)
                    ),
                    "{err:?}"
                );
                assert!(err.to_string().contains("HTTP 500"), "{err}");
            }
            "session-ended" => {
                let err = result.unwrap_err();
                assert!(
                    matches!(err, Error::Auth(AuthError::SessionEnded { .. })),
                    "{err:?}"
                );
            }
            access_token => assert_eq!(result.unwrap().access_token.expose_secret(), access_token),
        }
    });
}

/// Runs `n` worker processes at once against `server` and `home`, each expecting
/// `expect`; returns when all have ended (each within 60 s, or the test fails).
async fn run_workers(n: usize, server: &MockServer, home: &std::path::Path, expect: &str) {
    let exe = std::env::current_exe().unwrap();
    let spec = format!("{}|{}|{expect}", server.uri(), home.display());
    let children: Vec<_> = (0..n)
        .map(|_| {
            Command::new(&exe)
                .args(["--exact", "token_worker_process", "--test-threads", "1"])
                .env(WORKER_ENV, &spec)
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    let statuses = tokio::time::timeout(
        Duration::from_secs(60),
        tokio::task::spawn_blocking(move || {
            children
                .into_iter()
                .map(|mut c| c.wait().unwrap())
                .collect::<Vec<_>>()
        }),
    )
    .await
    .expect("the worker processes did not end within 60 s")
    .unwrap();
    assert!(statuses.iter().all(|s| s.success()), "{statuses:?}");
}

/// The number of refresh calls `server` received.
async fn refresh_calls(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/token")
        .count()
}

#[tokio::test(flavor = "multi_thread")]
async fn twenty_processes_make_one_refresh() {
    let server = MockServer::start().await;
    refresh_mock()
        .respond_with(refresh_ok().set_delay(Duration::from_millis(100)))
        .expect(1)
        .mount(&server)
        .await;
    // Expired: every process needs the new token, so each waits for the one refresh.
    let (home, _tokens) = seeded(refreshable_token(T0 - 1));
    run_workers(20, &server, home.path(), "new-access").await;
    // MockServer verifies `expect(1)` when dropped.
}

#[tokio::test(flavor = "multi_thread")]
async fn twenty_processes_with_a_valid_token_and_a_failing_refresh_serve_it_at_once() {
    let server = MockServer::start().await;
    refresh_mock()
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_json(json!({"error": "server_error"}))
                .set_delay(Duration::from_millis(50)),
        )
        .mount(&server)
        .await;
    // Five minutes left: inside the refresh window, far from expiry.
    let (home, _tokens) = seeded(refreshable_token(T0 + 300));
    run_workers(20, &server, home.path(), "old-access").await;
    // One holder tried (3 tries with the test retry policy); the processes that found
    // the lock held served the valid token, and the later ones read its failure.
    let calls = refresh_calls(&server).await;
    assert!((1..=5).contains(&calls), "{calls} refresh calls");
}

#[tokio::test(flavor = "multi_thread")]
async fn twenty_processes_with_an_expired_token_share_one_failed_refresh() {
    let server = MockServer::start().await;
    refresh_mock()
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_json(json!({"error": "server_error"}))
                .set_delay(Duration::from_millis(50)),
        )
        .mount(&server)
        .await;
    let (home, tokens) = seeded(refreshable_token(T0 - 1));
    run_workers(20, &server, home.path(), "recent-failure-or-service-error").await;
    // The first holder's attempt (3 tries) and no other: the waiters read its failure
    // from the lock file and returned its error at once.
    let calls = refresh_calls(&server).await;
    assert!((1..=3).contains(&calls), "{calls} refresh calls");
    // The failure is in the lock file, naming no secret.
    let lock = std::fs::read_to_string(tokens.lock_path("my-sso")).unwrap();
    assert!(lock.contains("\"retryAt\""), "{lock}");
    assert!(
        !lock.contains("refresh-1") && !lock.contains("client-secret-1"),
        "{lock}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refresh_token_refused_in_one_process_is_sent_by_no_other() {
    let server = refuses_the_refresh_token_once().await;
    // Valid: every process serves the token; one sent the refresh token, and it was
    // refused.
    let (home, tokens) = seeded(refreshable_token(T0 + 300));
    run_workers(20, &server, home.path(), "old-access").await;
    // Expired (the same refresh token): the session has ended, without a call.
    tokens.store("my-sso", &refreshable_token(T0 - 1)).unwrap();
    run_workers(5, &server, home.path(), "session-ended").await;
}

#[tokio::test]
async fn a_recorded_failure_is_retried_once_its_backoff_has_passed() {
    let server = fails_once_then_refreshes().await;
    let (_home, tokens) = seeded(refreshable_token(T0 - 1));
    let clock = ManualClock::new(at(T0));
    // Two providers stand for two processes: they share only the files.
    let err = provider(&server.uri(), &tokens, &clock)
        .token()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Client(_)), "{err:?}");
    let other = provider(&server.uri(), &tokens, &clock);
    let err = other.token().await.unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::RecentFailure { .. })),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains("HTTP 500") && msg.contains("tries again after"),
        "{msg}"
    );
    // Asked again within the back-off: the same error, still no call.
    clock.advance(Duration::from_secs(10));
    let err = other.token().await.unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::RecentFailure { .. })),
        "{err:?}"
    );
    // After it: one new attempt, which succeeds and clears the record.
    clock.advance(Duration::from_secs(20));
    assert_eq!(access(&other).await, "new-access");
    let lock = std::fs::read_to_string(tokens.lock_path("my-sso")).unwrap();
    assert!(!lock.contains("retryAt"), "{lock}");
}

#[tokio::test]
async fn a_refused_refresh_token_is_never_sent_again() {
    let server = refuses_the_refresh_token_once().await;
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

#[tokio::test]
async fn a_token_that_expires_while_another_process_refreshes_is_refreshed_not_ended() {
    let server = MockServer::start().await;
    refresh_mock()
        .respond_with(refresh_ok())
        .expect(1)
        .mount(&server)
        .await;
    let (_home, tokens) = seeded(refreshable_token(T0 + 60));
    let clock = ManualClock::new(at(T0));
    let p = provider(&server.uri(), &tokens, &clock);
    // Another process holds the lock (a refresh or login in progress): the token
    // still works, so it is served at once, without waiting.
    let held = tokens.lock("my-sso", Duration::from_secs(5)).unwrap();
    assert_eq!(access(&p).await, "old-access");
    drop(held);
    // It expires before this provider's throttle has passed: refreshed, not "ended".
    clock.advance(Duration::from_secs(61));
    assert_eq!(access(&p).await, "new-access");
}

#[tokio::test]
async fn a_broken_ca_bundle_in_one_process_holds_up_no_other() {
    // This provider's own set-up fails: its CA bundle is missing, at the first https
    // request (the refresh).
    let (home, tokens) = seeded(refreshable_token(T0 + 600));
    let clock = ManualClock::new(at(T0));
    let missing = home.path().join("missing-ca.pem");
    let broken = SsoTokenProvider::new(
        session("https://127.0.0.1:1"),
        LoginTarget::Profile("dev".into()),
        tokens.clone(),
        OidcClient::new("https://127.0.0.1:1", &fast_http().ca_bundle(&missing)).unwrap(),
        Arc::new(clock.clone()),
    );
    // Still valid: served, the failure logged.
    assert_eq!(access(&broken).await, "old-access");
    // Another provider of the same session, set up well, refreshes at once: the
    // broken bundle was not recorded as the service's failure in the shared lock.
    let server = MockServer::start().await;
    refresh_mock()
        .respond_with(refresh_ok())
        .expect(1)
        .mount(&server)
        .await;
    let good = provider(&server.uri(), &tokens, &clock);
    assert_eq!(access(&good).await, "new-access");
}
