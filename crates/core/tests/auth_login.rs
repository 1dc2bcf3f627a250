//! The device-code login against a wiremock SSO OIDC: polling, slow_down, errors,
//! registration reuse, cancellation, timeout, and one login for many waiters.
#![cfg(feature = "login")]
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use ssokit::Error;
use ssokit::auth::login::{
    CancelToken, DeviceLogin, DevicePrompt, LoginOptions, MAX_POLL_INTERVAL,
};
use ssokit::auth::{AuthError, LoginTarget};
use ssokit::cache::{CacheDirs, ClientRegistration, RegistrationKey};
use ssokit::client::{HttpSettings, OidcClient, RetryPolicy};
use ssokit::secret::ClientSecret;
use ssokit::time::ManualClock;
use support::*;

use wiremock::{MockServer, ResponseTemplate};

#[tokio::test]
async fn pending_slow_down_then_approved_writes_an_aws_cli_token() {
    let server = MockServer::start().await;
    mount_register(&server, 1).await;
    mount_device(&server, 1).await;
    token_poll()
        .respond_with(oidc_error(
            "AuthorizationPendingException",
            "authorization_pending",
        ))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    token_poll()
        .respond_with(oidc_error("SlowDownException", "slow_down"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    token_poll()
        .respond_with(oidc_error(
            "AuthorizationPendingException",
            "authorization_pending",
        ))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    token_poll().respond_with(token_ok()).mount(&server).await;

    let home = tempfile::tempdir().unwrap();
    let dirs = caches(home.path());
    let sleeper = FakeSleeper::new(ManualClock::new(at(T0)));
    let (seen, prompt) = recorder();
    let token = device_login(&server.uri(), &dirs, &sleeper)
        .login(&prompt, &LoginOptions::default())
        .await
        .unwrap();

    let secs: Vec<u64> = sleeper.slept().iter().map(Duration::as_secs).collect();
    assert_eq!(
        secs,
        [1, 1, 1, 6, 6],
        "slow_down adds 5 s for the rest of the login"
    );
    let prompts = seen.lock().unwrap();
    assert_eq!(prompts.len(), 1);
    assert_eq!(prompts[0].user_code, "ABCD-EFGH");
    assert_eq!(prompts[0].expires_at, at(T0 + 600));
    assert!(
        prompts[0]
            .verification_uri_complete
            .as_deref()
            .unwrap()
            .ends_with("ABCD-EFGH")
    );

    let disk = dirs.tokens().load("my-sso").unwrap();
    assert_eq!(disk, token);
    assert_eq!(disk.access_token.expose_secret(), "ACCESS");
    assert_eq!(disk.refresh_token.unwrap().expose_secret(), "REFRESH");
    assert_eq!(disk.client_id.as_deref(), Some("new-client"));
    assert_eq!(disk.registration_expires_at, Some(at(T0 + 90 * 86_400)));
    assert_eq!(
        disk.start_url.as_deref(),
        Some("https://d-1234567890.awsapps.com/start")
    );
    assert_eq!(disk.region.as_deref(), Some("us-east-1"));
    assert_eq!(disk.expires_at, at(T0 + 15 + 28800));
    // The registration is cached under the AWS CLI's key, for the device flow.
    let s = session(&server.uri());
    let reg = dirs
        .registrations()
        .load(&RegistrationKey::for_session(&s))
        .unwrap();
    assert_eq!(reg.client_id, "new-client");
    assert_eq!(reg.grant_types, None);
}

async fn login_error(response: ResponseTemplate) -> Error {
    let server = MockServer::start().await;
    mount_register(&server, 1).await;
    mount_device(&server, 1).await;
    token_poll().respond_with(response).mount(&server).await;
    let home = tempfile::tempdir().unwrap();
    let dirs = caches(home.path());
    let sleeper = FakeSleeper::new(ManualClock::new(at(T0)));
    let err = device_login(&server.uri(), &dirs, &sleeper)
        .login(&|_: &DevicePrompt| {}, &LoginOptions::default())
        .await
        .unwrap_err();
    assert!(
        !dirs.tokens().path("my-sso").exists(),
        "no token is written"
    );
    err
}

#[tokio::test]
async fn denied_expired_and_other_errors_stop_the_login() {
    let denied = login_error(oidc_error("AccessDeniedException", "access_denied")).await;
    assert!(
        matches!(denied, Error::Auth(AuthError::AccessDenied { .. })),
        "{denied:?}"
    );
    assert_login_remedy(&denied, ssokit::ErrorKind::AccessDenied);

    let expired = login_error(oidc_error("ExpiredTokenException", "expired_token")).await;
    assert!(
        matches!(expired, Error::Auth(AuthError::DeviceCodeExpired { .. })),
        "{expired:?}"
    );

    let other = login_error(oidc_error_status(
        401,
        "InvalidClientException",
        "invalid_client",
    ))
    .await;
    assert!(matches!(other, Error::Client(_)), "{other:?}");
    let msg = other.to_string();
    assert!(
        !msg.contains("DEVICE-CODE") && !msg.contains("new-secret"),
        "{msg}"
    );
}

#[tokio::test]
async fn stops_when_the_device_code_expires() {
    let server = MockServer::start().await;
    mount_register(&server, 1).await;
    mount_device(&server, 1).await;
    token_poll()
        .respond_with(oidc_error(
            "AuthorizationPendingException",
            "authorization_pending",
        ))
        .mount(&server)
        .await;
    let home = tempfile::tempdir().unwrap();
    let sleeper = FakeSleeper::new(ManualClock::new(at(T0)));
    let err = device_login(&server.uri(), &caches(home.path()), &sleeper)
        .login(&|_: &DevicePrompt| {}, &LoginOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::DeviceCodeExpired { .. })),
        "{err:?}"
    );
    assert_eq!(
        sleeper.slept().len(),
        600,
        "polled every second until the code expired"
    );
}

#[tokio::test]
async fn honours_a_shorter_timeout_and_cancellation() {
    let server = MockServer::start().await;
    mount_register(&server, 1).await;
    mount_device(&server, 2).await;
    token_poll()
        .respond_with(oidc_error(
            "AuthorizationPendingException",
            "authorization_pending",
        ))
        .mount(&server)
        .await;
    let home = tempfile::tempdir().unwrap();
    let dirs = caches(home.path());
    let sleeper = FakeSleeper::new(ManualClock::new(at(T0)));
    let options = LoginOptions::default().with_timeout(Some(Duration::from_secs(10)));
    let err = device_login(&server.uri(), &dirs, &sleeper)
        .login(&|_: &DevicePrompt| {}, &options)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::LoginTimeout { .. })),
        "{err:?}"
    );

    let cancel = CancelToken::new();
    let options = LoginOptions::default().with_cancel(Some(cancel.clone()));
    let canceller = cancel.clone();
    let prompt = move |_: &DevicePrompt| canceller.cancel();
    let err = device_login(&server.uri(), &dirs, &sleeper)
        .login(&prompt, &options)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::Cancelled { .. })),
        "{err:?}"
    );
}

#[tokio::test]
async fn reuses_a_device_registration_but_not_a_pkce_one() {
    let server = MockServer::start().await;
    mount_register(&server, 1).await;
    mount_device(&server, 2).await;
    token_poll().respond_with(token_ok()).mount(&server).await;
    let home = tempfile::tempdir().unwrap();
    let dirs = caches(home.path());
    let s = session(&server.uri());
    let key = RegistrationKey::for_session(&s);
    let pkce = ClientRegistration {
        client_id: "pkce-client".into(),
        client_secret: ClientSecret::new("pkce-secret"),
        expires_at: at(T0 + 86_400),
        scopes: Some(vec!["sso:account:access".into()]),
        grant_types: Some(vec!["authorization_code".into(), "refresh_token".into()]),
        extra: Default::default(),
    };
    dirs.registrations().store(&key, &pkce).unwrap();
    let sleeper = FakeSleeper::new(ManualClock::new(at(T0)));
    let forced = LoginOptions::default().with_force(true);
    let first = device_login(&server.uri(), &dirs, &sleeper)
        .login(&|_: &DevicePrompt| {}, &forced)
        .await
        .unwrap();
    assert_eq!(
        first.client_id.as_deref(),
        Some("new-client"),
        "PKCE registration not reused"
    );
    // The second (forced) login reuses the new device registration: RegisterClient
    // was called once in all (`expect(1)`).
    let second = device_login(&server.uri(), &dirs, &sleeper)
        .login(&|_: &DevicePrompt| {}, &forced)
        .await
        .unwrap();
    assert_eq!(second.client_id.as_deref(), Some("new-client"));
}

#[tokio::test]
async fn registers_again_when_the_cached_registration_is_about_to_expire() {
    let server = MockServer::start().await;
    mount_register(&server, 1).await;
    mount_device(&server, 1).await;
    token_poll().respond_with(token_ok()).mount(&server).await;
    let home = tempfile::tempdir().unwrap();
    let dirs = caches(home.path());
    let s = session(&server.uri());
    let expiring = ClientRegistration {
        client_id: "old-client".into(),
        client_secret: ClientSecret::new("old-secret"),
        expires_at: at(T0 + 15 * 60 - 1),
        scopes: Some(vec!["sso:account:access".into()]),
        grant_types: None,
        extra: Default::default(),
    };
    dirs.registrations()
        .store(&RegistrationKey::for_session(&s), &expiring)
        .unwrap();
    let sleeper = FakeSleeper::new(ManualClock::new(at(T0)));
    let token = device_login(&server.uri(), &dirs, &sleeper)
        .login(&|_: &DevicePrompt| {}, &LoginOptions::default())
        .await
        .unwrap();
    assert_eq!(token.client_id.as_deref(), Some("new-client"));
    let stored = dirs
        .registrations()
        .load(&RegistrationKey::for_session(&s))
        .unwrap();
    assert_eq!(
        stored.client_id, "new-client",
        "the new registration overwrote the old one"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_waiters_cause_one_device_authorization() {
    let server = MockServer::start().await;
    mount_register(&server, 1).await;
    mount_device(&server, 1).await;
    token_poll().respond_with(token_ok()).mount(&server).await;
    let home = tempfile::tempdir().unwrap();
    let dirs = caches(home.path());
    let sleeper = FakeSleeper::new(ManualClock::new(at(T0)));
    let prompts = Arc::new(Mutex::new(0));
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let l = device_login(&server.uri(), &dirs, &sleeper);
            let prompts = Arc::clone(&prompts);
            tokio::spawn(async move {
                let prompt = move |_: &DevicePrompt| *prompts.lock().unwrap() += 1;
                l.login(&prompt, &LoginOptions::default()).await.unwrap()
            })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap().access_token.expose_secret(), "ACCESS");
    }
    assert_eq!(*prompts.lock().unwrap(), 1, "one code shown");
}

const WORKER_ENV: &str = "SSOKIT_TEST_LOGIN_WORKER";

/// Not a test on its own: the body of a child process of
/// `twenty_processes_cause_one_device_authorization`.
#[test]
fn login_worker_process() {
    let Ok(spec) = std::env::var(WORKER_ENV) else {
        return;
    };
    let mut parts = spec.split('|');
    let (uri, home, marks) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap().to_owned(),
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let sleeper = FakeSleeper::new(ManualClock::new(at(T0)));
        let prompt = move |_: &DevicePrompt| {
            let mark = std::path::Path::new(&marks).join(std::process::id().to_string());
            std::fs::write(mark, "shown").unwrap();
        };
        let token = device_login(uri, &caches(home.as_ref()), &sleeper)
            .login(&prompt, &LoginOptions::default())
            .await
            .unwrap();
        assert_eq!(token.access_token.expose_secret(), "ACCESS");
    });
}

#[tokio::test(flavor = "multi_thread")]
async fn twenty_processes_cause_one_device_authorization() {
    let server = MockServer::start().await;
    mount_register(&server, 1).await;
    mount_device(&server, 1).await;
    token_poll().respond_with(token_ok()).mount(&server).await;
    let home = tempfile::tempdir().unwrap();
    let marks = tempfile::tempdir().unwrap();
    let spec = format!(
        "{}|{}|{}",
        server.uri(),
        home.path().display(),
        marks.path().display()
    );
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..20)
        .map(|_| {
            std::process::Command::new(&exe)
                .args(["--exact", "login_worker_process", "--test-threads", "1"])
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
    let shown = std::fs::read_dir(marks.path()).unwrap().count();
    assert_eq!(shown, 1, "exactly one process showed a code");
}

fn login_without_http_retries(uri: &str, dirs: &CacheDirs, sleeper: &FakeSleeper) -> DeviceLogin {
    DeviceLogin::new(
        session(uri),
        LoginTarget::Profile("dev".into()),
        dirs.clone(),
        OidcClient::new(uri, &HttpSettings::default().retry(RetryPolicy::never())).unwrap(),
        Arc::new(sleeper.clock.clone()),
        Arc::new(sleeper.clone()),
    )
}

fn server_error() -> ResponseTemplate {
    oidc_error_status(500, "InternalServerException", "server_error")
}

#[tokio::test]
async fn a_burst_of_server_errors_and_throttling_does_not_end_the_login() {
    let server = MockServer::start().await;
    mount_register(&server, 1).await;
    mount_device(&server, 1).await;
    token_poll()
        .respond_with(server_error())
        .up_to_n_times(3)
        .mount(&server)
        .await;
    token_poll()
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "30"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    token_poll().respond_with(token_ok()).mount(&server).await;

    let home = tempfile::tempdir().unwrap();
    let dirs = caches(home.path());
    let sleeper = FakeSleeper::new(ManualClock::new(at(T0)));
    let token = login_without_http_retries(&server.uri(), &dirs, &sleeper)
        .login(&|_: &DevicePrompt| {}, &LoginOptions::default())
        .await
        .unwrap();
    assert_eq!(token.access_token.expose_secret(), "ACCESS");
    assert!(dirs.tokens().path("my-sso").exists());
    let secs: Vec<u64> = sleeper.slept().iter().map(Duration::as_secs).collect();
    assert_eq!(
        secs,
        [1, 2, 4, 8, 30],
        "the interval doubles after each failure, and Retry-After is honoured"
    );
}

#[tokio::test]
async fn steady_server_errors_poll_with_capped_back_off_until_the_code_expires() {
    let server = MockServer::start().await;
    mount_register(&server, 1).await;
    mount_device(&server, 1).await;
    token_poll()
        .respond_with(server_error().insert_header("Retry-After", "3600"))
        .mount(&server)
        .await;
    let home = tempfile::tempdir().unwrap();
    let dirs = caches(home.path());
    let sleeper = FakeSleeper::new(ManualClock::new(at(T0)));
    let err = login_without_http_retries(&server.uri(), &dirs, &sleeper)
        .login(&|_: &DevicePrompt| {}, &LoginOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::DeviceCodeExpired { .. })),
        "{err:?}"
    );
    assert_eq!(
        now_of(&sleeper.clock),
        at(T0 + 600),
        "gave up when the code expired"
    );
    let slept = sleeper.slept();
    assert!(slept.len() > 5, "kept polling: {slept:?}");
    assert!(
        slept.iter().all(|d| *d <= MAX_POLL_INTERVAL),
        "never waits longer than the interval ceiling: {slept:?}"
    );
    assert!(!dirs.tokens().path("my-sso").exists());

    // With a shorter timeout, the login times out at that deadline instead.
    let server = MockServer::start().await;
    mount_register(&server, 1).await;
    mount_device(&server, 1).await;
    token_poll()
        .respond_with(server_error())
        .mount(&server)
        .await;
    let home = tempfile::tempdir().unwrap();
    let dirs = caches(home.path());
    let sleeper = FakeSleeper::new(ManualClock::new(at(T0)));
    let options = LoginOptions::default().with_timeout(Some(Duration::from_secs(100)));
    let err = login_without_http_retries(&server.uri(), &dirs, &sleeper)
        .login(&|_: &DevicePrompt| {}, &options)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::LoginTimeout { .. })),
        "{err:?}"
    );
    assert_eq!(now_of(&sleeper.clock), at(T0 + 100));
}
