//! Values a server sends that must not reach a terminal, a browser or a cache file as
//! they are: control characters and unchecked URLs in the device prompt, and expiry
//! times no reader can use (CreateToken at login and refresh, GetRoleCredentials).
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::Arc;

use serde_json::json;
use ssokit::Error;
use ssokit::auth::LoginTarget;
use ssokit::auth::credentials::SsoCredentialsProvider;
#[cfg(feature = "login")]
use ssokit::auth::login::LoginOptions;
use ssokit::auth::token::SsoTokenProvider;
#[cfg(feature = "login")]
use ssokit::browser::Opened;
use ssokit::cache::{CachedRoleCredentials, RoleCacheScope};
use ssokit::client::{OidcClient, PortalClient, ServiceError};
#[cfg(feature = "login")]
use ssokit::env::Env;
use ssokit::secret::{SecretAccessKey, SessionToken};
use ssokit::time::ManualClock;
use support::*;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const HUGE: u64 = 1_000_000_000_000_000_000;

#[cfg(feature = "login")]
async fn mount_device_answer(server: &MockServer, answer: serde_json::Value) {
    Mock::given(method("POST"))
        .and(path("/device_authorization"))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .mount(server)
        .await;
}

fn is_implausible(e: &Error) -> bool {
    matches!(e, Error::Client(ServiceError::ImplausibleExpiry { .. }))
}

#[cfg(feature = "login")]
#[tokio::test]
async fn the_device_prompt_gets_no_control_characters_and_no_foreign_page_opens() {
    let pages = [
        "file:///etc/passwd",
        "javascript:alert(document.cookie)",
        "--help",
        "https://evil.example/?user_code=ABCD-EFGH",
        "http://device.sso.us-east-1.amazonaws.com/",
        "https://device.sso.us-east-1.amazonaws.com/\u{1b}]8;;https://evil.example\u{7}",
    ];
    for page in pages {
        let server = MockServer::start().await;
        mount_register(&server, 1).await;
        mount_device_answer(
            &server,
            json!({
                "deviceCode": "DEVICE-CODE",
                "userCode": "ABCD\u{1b}[2J\u{1b}]0;owned\u{7}-EFGH\r\n\u{9b}31m\u{7f}",
                "verificationUri": "https://device.sso.us-east-1.amazonaws.com/\u{1b}[1A",
                "verificationUriComplete": page,
                "expiresIn": 600,
                "interval": 1
            }),
        )
        .await;
        token_poll().respond_with(token_ok()).mount(&server).await;
        let home = tempfile::tempdir().unwrap();
        let dirs = caches(home.path());
        let sleeper = FakeSleeper::new(ManualClock::new(at(T0)));
        let (seen, prompt) = recorder();
        device_login(&server.uri(), &dirs, &sleeper)
            .login(&prompt, &LoginOptions::default())
            .await
            .unwrap();
        let p = seen.lock().unwrap()[0].clone();
        let texts = [
            p.verification_uri.as_str(),
            p.verification_uri_complete.as_deref().unwrap(),
            p.user_code.as_str(),
        ];
        for text in texts {
            assert!(!text.chars().any(char::is_control), "{page}: {text:?}");
        }
        assert_eq!(p.user_code, "ABCD[2J]0;owned-EFGH31m");
        assert_eq!(
            p.verification_uri,
            "https://device.sso.us-east-1.amazonaws.com/[1A"
        );
        if page.contains('\u{1b}') {
            // Stripped of its escape sequence, this page is on the real device host:
            // the browser may open it, and it can no longer act on a terminal.
            assert_eq!(p.refusal(), None);
            assert_eq!(
                p.page(),
                "https://device.sso.us-east-1.amazonaws.com/]8;;https://evil.example"
            );
            continue;
        }
        let refused = p.refusal().expect(page);
        assert!(
            !refused.to_string().chars().any(char::is_control),
            "{refused}"
        );
        // The refusal comes before any command: this BROWSER is never started.
        let env = Env::from_vars([("BROWSER", "/nonexistent/browser-for-ssokit-tests")]);
        assert!(
            matches!(p.open_page(&env), Opened::Refused(_)),
            "{page} was not refused"
        );
    }
}

#[cfg(feature = "login")]
#[tokio::test]
async fn the_real_device_page_and_the_emulator_page_are_allowed() {
    let server = MockServer::start().await;
    mount_register(&server, 1).await;
    mount_device(&server, 1).await;
    token_poll().respond_with(token_ok()).mount(&server).await;
    let home = tempfile::tempdir().unwrap();
    let dirs = caches(home.path());
    let sleeper = FakeSleeper::new(ManualClock::new(at(T0)));
    let (seen, prompt) = recorder();
    device_login(&server.uri(), &dirs, &sleeper)
        .login(&prompt, &LoginOptions::default())
        .await
        .unwrap();
    let p = seen.lock().unwrap()[0].clone();
    assert_eq!(
        p.page(),
        "https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH"
    );
    assert_eq!(p.refusal(), None);
    // The endpoint here is a loopback wiremock, as the emulator is: its own pages too.
    let emulator_page = format!("{}/device?user_code=ABCD-EFGH", server.uri());
    assert!(ssokit::browser::check_url(&emulator_page, &p.allowed_hosts).is_ok());
}

/// The bytes of `path`.
fn bytes(path: &std::path::Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[cfg(feature = "login")]
#[tokio::test]
async fn a_login_answered_with_an_absurd_expires_in_writes_nothing() {
    for expires_in in [HUGE, 0, 90 * 86_400 + 1] {
        let server = MockServer::start().await;
        mount_register(&server, 1).await;
        mount_device(&server, 1).await;
        token_poll()
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "accessToken": "NEW-ACCESS", "tokenType": "Bearer",
                "expiresIn": expires_in, "refreshToken": "NEW-REFRESH"
            })))
            .mount(&server)
            .await;
        let home = tempfile::tempdir().unwrap();
        let dirs = caches(home.path());
        dirs.tokens()
            .store("my-sso", &refreshable_token(T0 + 3600))
            .unwrap();
        let file = dirs.tokens().path("my-sso");
        let before = bytes(&file);
        let sleeper = FakeSleeper::new(ManualClock::new(at(T0)));
        let (_seen, prompt) = recorder();
        let options = LoginOptions::default().with_force(true);
        let e = device_login(&server.uri(), &dirs, &sleeper)
            .login(&prompt, &options)
            .await
            .unwrap_err();
        assert!(is_implausible(&e), "{expires_in}: {e:?}");
        let message = e.to_string();
        assert!(
            message.contains(&format!("`expiresIn` = {expires_in} seconds")),
            "{message}"
        );
        assert!(!message.contains("NEW-ACCESS"), "{message}");
        assert_eq!(bytes(&file), before, "{expires_in}: the token file changed");
    }
}

#[tokio::test]
async fn a_refresh_answered_with_an_absurd_expires_in_keeps_the_token_file() {
    for (expires_in, token_expires) in [(HUGE, T0 + 600), (HUGE, T0 - 60), (0, T0 - 60)] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/token"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "accessToken": "new-access", "tokenType": "Bearer",
                "expiresIn": expires_in, "refreshToken": "refresh-2"
            })))
            .mount(&server)
            .await;
        let home = tempfile::tempdir().unwrap();
        let tokens = caches(home.path()).tokens();
        tokens
            .store("my-sso", &refreshable_token(token_expires))
            .unwrap();
        let file = tokens.path("my-sso");
        let before = bytes(&file);
        let clock = ManualClock::new(at(T0));
        let provider = SsoTokenProvider::new(
            session(&server.uri()),
            LoginTarget::Profile("dev".into()),
            tokens.clone(),
            OidcClient::new(&server.uri(), &fast_http()).unwrap(),
            Arc::new(clock.clone()),
        );
        let result = provider.token().await;
        if token_expires > T0 {
            // Still valid: served as it is, not replaced.
            assert_eq!(result.unwrap().access_token.expose_secret(), "old-access");
        } else {
            let e = result.unwrap_err();
            assert!(e.to_string().contains("expiresIn"), "{e}");
        }
        assert!(!server.received_requests().await.unwrap().is_empty());
        assert_eq!(bytes(&file), before, "{expires_in}: the token file changed");
    }
}

fn previous_credentials() -> CachedRoleCredentials {
    CachedRoleCredentials {
        access_key_id: "ASIAPREVIOUS".into(),
        secret_access_key: SecretAccessKey::new("previous-secret"),
        session_token: SessionToken::new("previous-token"),
        // Expired: the provider asks the portal again.
        expiration: at(T0 - 60),
        account_id: Some("111122223333".into()),
        extra: Default::default(),
    }
}

#[tokio::test]
async fn role_credentials_with_an_absurd_expiration_are_not_cached_nor_returned() {
    let cases = [
        json!(HUGE),
        json!(0),
        json!((T0 - 1) * 1000),
        json!((T0 + 14 * 3600) * 1000),
        json!(253_402_300_800_000u64),
        json!(-5),
    ];
    for expiration in cases {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/federation/credentials"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"roleCredentials": {
                    "accessKeyId": "ASIANEW",
                    "secretAccessKey": "NEWSECRET",
                    "sessionToken": "NEWTOKEN",
                    "expiration": expiration
                }})),
            )
            .mount(&server)
            .await;
        let home = tempfile::tempdir().unwrap();
        let dirs = caches(home.path());
        dirs.tokens()
            .store("my-sso", &refreshable_token(T0 + 8 * 3600))
            .unwrap();
        let roles = dirs.role_credentials();
        let s = session(&server.uri());
        roles
            .store(
                "111122223333",
                "ReadOnly",
                RoleCacheScope::for_session(&s),
                &previous_credentials(),
            )
            .unwrap();
        let file = roles.path("111122223333", "ReadOnly", RoleCacheScope::for_session(&s));
        let before = bytes(&file);
        let clock: Arc<ManualClock> = Arc::new(ManualClock::new(at(T0)));
        let token = SsoTokenProvider::new(
            s.clone(),
            LoginTarget::Profile("dev".into()),
            dirs.tokens(),
            OidcClient::new(&server.uri(), &fast_http()).unwrap(),
            clock.clone(),
        );
        let provider = SsoCredentialsProvider::new(
            token,
            PortalClient::new(&server.uri(), &fast_http()).unwrap(),
            "111122223333",
            "ReadOnly",
            Some(roles.clone()),
            clock,
        );
        let e = provider.credentials().await.unwrap_err();
        let message = e.to_string();
        if expiration == json!(-5) {
            assert!(
                matches!(e, Error::Client(ServiceError::MalformedResponse { .. })),
                "{e:?}"
            );
        } else {
            assert!(is_implausible(&e), "{expiration}: {e:?}");
            assert!(
                message.contains(&format!("= {expiration} ms since 1970")),
                "{message}"
            );
        }
        assert!(
            !message.contains("NEWSECRET") && !message.contains("NEWTOKEN"),
            "{message}"
        );
        assert_eq!(
            bytes(&file),
            before,
            "{expiration}: the credentials file changed"
        );
        assert!(provider.cached().is_none());
    }
}

#[tokio::test]
async fn twelve_hour_role_credentials_are_accepted() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/federation/credentials"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"roleCredentials": {
                "accessKeyId": "ASIANEW",
                "secretAccessKey": "NEWSECRET",
                "sessionToken": "NEWTOKEN",
                "expiration": (T0 + 12 * 3600) * 1000
            }})),
        )
        .mount(&server)
        .await;
    let home = tempfile::tempdir().unwrap();
    let dirs = caches(home.path());
    dirs.tokens()
        .store("my-sso", &refreshable_token(T0 + 8 * 3600))
        .unwrap();
    let clock: Arc<ManualClock> = Arc::new(ManualClock::new(at(T0)));
    let token = SsoTokenProvider::new(
        session(&server.uri()),
        LoginTarget::Profile("dev".into()),
        dirs.tokens(),
        OidcClient::new(&server.uri(), &fast_http()).unwrap(),
        clock.clone(),
    );
    let provider = SsoCredentialsProvider::new(
        token,
        PortalClient::new(&server.uri(), &fast_http()).unwrap(),
        "111122223333",
        "ReadOnly",
        Some(dirs.role_credentials()),
        clock,
    );
    let c = provider.credentials().await.unwrap();
    assert_eq!(c.expiry(), Some(at(T0 + 12 * 3600)));
}
