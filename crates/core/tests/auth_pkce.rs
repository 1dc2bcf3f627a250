//! The PKCE login's loopback listener against a wiremock SSO OIDC: only a callback
//! with this login's `state` ends the wait; stray and forged requests are answered
//! 400 and ignored.
#![cfg(feature = "login")]
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use ssokit::Error;
use ssokit::auth::login::{CancelToken, LoginOptions};
use ssokit::auth::pkce::PkceLogin;
use ssokit::auth::{AuthError, LoginTarget};
use ssokit::cache::CacheDirs;
use ssokit::client::OidcClient;
use ssokit::time::ManualClock;
use support::*;
use tokio::sync::mpsc;
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, MockServer};

fn pkce_login(uri: &str, dirs: &CacheDirs) -> PkceLogin {
    PkceLogin::new(
        session(uri),
        LoginTarget::Profile("dev".into()),
        dirs.clone(),
        OidcClient::new(uri, &fast_http()).unwrap(),
        Arc::new(ManualClock::new(at(T0))),
    )
}

async fn mount_exchange(server: &MockServer, code: &str, times: u64) {
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(body_partial_json(
            json!({"grantType": "authorization_code", "code": code}),
        ))
        .respond_with(token_ok())
        .expect(times)
        .mount(server)
        .await;
}

/// The `redirect_uri` and `state` of an authorize URL.
fn callback_and_state(authorize_url: &str) -> (String, String) {
    let url = url::Url::parse(authorize_url).unwrap();
    let get = |key: &str| {
        url.query_pairs()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
            .unwrap()
    };
    (get("redirect_uri"), get("state"))
}

/// A prompt that hands the authorize URL to the test.
fn prompt_channel() -> (mpsc::UnboundedReceiver<String>, impl Fn(&str) + Send + Sync) {
    let (tx, rx) = mpsc::unbounded_channel();
    (rx, move |url: &str| {
        let _ = tx.send(url.to_owned());
    })
}

/// GETs `url` (with a deadline) and returns the status and page.
async fn get(url: &str) -> (u16, String) {
    let response = reqwest::Client::new()
        .get(url)
        .timeout(Duration::from_secs(30))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// Requests that do not carry this login's state, as a local process or a web page
/// could send them.
fn stray_queries() -> Vec<String> {
    vec![
        "".into(),
        "?x=1".into(),
        "?state=%ZZ".into(),
        "?code=forged&state=not-this-login".into(),
        "?error=access_denied&state=not-this-login".into(),
        "?error=access_denied".into(),
        "?code=forged".into(),
        "?state=a&state=b&code=c".into(),
    ]
}

#[tokio::test]
async fn stray_and_forged_callbacks_are_ignored_and_the_right_one_completes_the_login() {
    let server = MockServer::start().await;
    mount_register(&server, 1).await;
    mount_exchange(&server, "forged", 0).await;
    mount_exchange(&server, "good-code", 1).await;
    let home = tempfile::tempdir().unwrap();
    let dirs = caches(home.path());
    let (mut urls, prompt) = prompt_channel();
    let login = pkce_login(&server.uri(), &dirs);
    let options = LoginOptions::default().with_timeout(Some(Duration::from_secs(120)));
    let browser = async {
        let (callback, state) = callback_and_state(&urls.recv().await.unwrap());
        for query in stray_queries() {
            let (status, page) = get(&format!("{callback}{query}")).await;
            assert_eq!(status, 400, "{query}: {page}");
            assert!(page.contains("ignored"), "{query}: {page}");
        }
        // The right state with neither code nor error is ignored too.
        let (status, _) = get(&format!("{callback}?state={state}")).await;
        assert_eq!(status, 400);
        let (status, page) = get(&format!("{callback}?code=good-code&state={state}")).await;
        assert_eq!(status, 200, "{page}");
        assert!(page.contains("Login complete"), "{page}");
    };
    let (token, ()) = tokio::join!(login.login(&prompt, &options), browser);
    let token = token.unwrap();
    assert_eq!(token.access_token.expose_secret(), "ACCESS");
    assert_eq!(dirs.tokens().load("my-sso").unwrap(), token);
}

#[tokio::test]
async fn only_a_denial_with_the_right_state_ends_the_login() {
    let server = MockServer::start().await;
    mount_register(&server, 1).await;
    let home = tempfile::tempdir().unwrap();
    let dirs = caches(home.path());
    let (mut urls, prompt) = prompt_channel();
    let login = pkce_login(&server.uri(), &dirs);
    let options = LoginOptions::default().with_timeout(Some(Duration::from_secs(120)));
    let browser = async {
        let (callback, state) = callback_and_state(&urls.recv().await.unwrap());
        let (status, _) = get(&format!("{callback}?error=access_denied&state=wrong")).await;
        assert_eq!(status, 400);
        let (status, page) = get(&format!("{callback}?error=access_denied&state={state}")).await;
        assert_eq!(status, 200);
        assert!(page.contains("denied"), "{page}");
    };
    let (result, ()) = tokio::join!(login.login(&prompt, &options), browser);
    let err = result.unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::AccessDenied { .. })),
        "{err:?}"
    );
    assert!(!dirs.tokens().path("my-sso").exists());
}

#[tokio::test]
async fn a_wrong_state_leaves_the_login_waiting() {
    let server = MockServer::start().await;
    mount_register(&server, 1).await;
    mount_exchange(&server, "forged", 0).await;
    let home = tempfile::tempdir().unwrap();
    let dirs = caches(home.path());
    let (mut urls, prompt) = prompt_channel();
    let login = pkce_login(&server.uri(), &dirs);
    let cancel = CancelToken::new();
    let options = LoginOptions::default()
        .with_timeout(Some(Duration::from_secs(120)))
        .with_cancel(Some(cancel.clone()));
    let browser = async {
        let (callback, _) = callback_and_state(&urls.recv().await.unwrap());
        let (status, _) = get(&format!("{callback}?code=forged&state=wrong")).await;
        assert_eq!(status, 400);
        // Still waiting: the listener answers another request, and only the
        // cancellation ends the login.
        let (status, _) = get(&format!("{callback}?error=access_denied&state=wrong")).await;
        assert_eq!(status, 400);
        cancel.cancel();
    };
    let (result, ()) = tokio::join!(login.login(&prompt, &options), browser);
    let err = result.unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::Cancelled { .. })),
        "{err:?}"
    );
}
