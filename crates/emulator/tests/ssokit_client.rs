//! The real ssokit client against the emulator: device login with auto-approve,
//! refresh, role credentials (also from a profile with endpoint overrides), list
//! accounts and roles across pages, retries through injected faults, logout, PKCE.
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use ssokit::auth::LoginTarget;
use ssokit::auth::TokioSleeper;
use ssokit::auth::credentials::SsoCredentialsProvider;
use ssokit::auth::login::{DeviceLogin, DevicePrompt, LoginOptions};
use ssokit::auth::token::SsoTokenProvider;
use ssokit::cache::CacheDirs;
use ssokit::client::{
    AuthorizationCode, CodeVerifier, CreateTokenRequest, ErrorCode, HttpSettings, OidcClient,
    PortalClient, RegisterClientRequest, ResponseError, RetryPolicy, ServiceError,
};
use ssokit::config::{Endpoints, SsoSession};
use ssokit::env::Env;
use ssokit::time::{Clock, SystemClock};
use ssokit::{Selector, Sso};
use ssokit_emulator::{
    Account, DEFAULT_SSO_SESSION, Emulator, Fault, HomeOptions, Operation, RunningEmulator,
    default_accounts, profiles,
};
use support::*;

fn session(url: &str) -> SsoSession {
    SsoSession {
        name: Some("my-sso".into()),
        start_url: START_URL.into(),
        region: "us-east-1".into(),
        scopes: Some(vec!["sso:account:access".into()]),
        endpoints: Endpoints {
            oidc: url.to_owned(),
            portal: url.to_owned(),
        },
        ca_bundle: None,
        use_device_code: false,
    }
}

fn fast_http() -> HttpSettings {
    HttpSettings::default().retry(RetryPolicy::new(
        4,
        Duration::from_millis(1),
        Duration::from_millis(5),
    ))
}

fn device_login(url: &str, dirs: &CacheDirs) -> DeviceLogin {
    DeviceLogin::new(
        session(url),
        LoginTarget::Profile("dev".into()),
        dirs.clone(),
        OidcClient::new(url, &fast_http()).unwrap(),
        Arc::new(SystemClock),
        Arc::new(TokioSleeper),
    )
}

fn token_provider(url: &str, dirs: &CacheDirs) -> SsoTokenProvider {
    SsoTokenProvider::new(
        session(url),
        LoginTarget::Profile("dev".into()),
        dirs.tokens(),
        OidcClient::new(url, &fast_http()).unwrap(),
        Arc::new(SystemClock),
    )
}

/// Logs in through ssokit's device flow; returns the temp home and its caches.
async fn logged_in(emu: &RunningEmulator) -> (tempfile::TempDir, CacheDirs) {
    let home = tempfile::tempdir().unwrap();
    let dirs = CacheDirs::under_home(home.path());
    let prompts = Arc::new(Mutex::new(Vec::<DevicePrompt>::new()));
    let sink = Arc::clone(&prompts);
    let prompt = move |p: &DevicePrompt| sink.lock().unwrap().push(p.clone());
    let token = device_login(emu.url(), &dirs)
        .login(
            &prompt,
            // A failure ends within a minute, never after the default ten.
            &LoginOptions::default().with_timeout(Some(std::time::Duration::from_secs(60))),
        )
        .await
        .unwrap();
    assert!(token.refresh_token.is_some());
    let shown = prompts.lock().unwrap().clone();
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].verification_uri, emu.verification_uri());
    (home, dirs)
}

#[tokio::test]
async fn device_login_refresh_and_role_credentials() {
    let emu = Emulator::builder()
        .accounts(accounts())
        .auto_approve_after_polls(1)
        .start()
        .await
        .unwrap();
    let (_home, dirs) = logged_in(&emu).await;
    let polls: Vec<_> = emu
        .request_log()
        .into_iter()
        .filter(|r| r.operation == Some(Operation::CreateToken))
        .map(|r| r.error)
        .collect();
    assert_eq!(
        polls,
        [Some("AuthorizationPendingException".to_owned()), None],
        "one pending poll, then the token"
    );

    // Five minutes left: the provider refreshes through the emulator.
    let tokens = dirs.tokens();
    let mut token = tokens.load("my-sso").unwrap();
    let old_access = token.access_token.expose_secret().to_owned();
    token.expires_at = SystemClock.now() + Duration::from_secs(300);
    tokens.store("my-sso", &token).unwrap();
    let provider = token_provider(emu.url(), &dirs);
    let refreshed = provider.token().await.unwrap();
    assert_ne!(refreshed.access_token.expose_secret(), old_access);
    assert!(refreshed.expires_at > SystemClock.now() + Duration::from_secs(3500));
    let last = emu.request_log().pop().unwrap();
    assert_eq!(last.operation, Some(Operation::CreateToken));
    assert_eq!(last.detail.as_deref(), Some("refresh_token"));
    assert_eq!(last.status, 200);

    let creds = SsoCredentialsProvider::new(
        provider,
        PortalClient::new(emu.url(), &fast_http()).unwrap(),
        "111122223333",
        "Admin",
        Some(dirs.role_credentials()),
        Arc::new(SystemClock),
    )
    .credentials()
    .await
    .unwrap();
    assert!(creds.access_key_id().starts_with("ASIA"));
    let expiry = creds.expiry().unwrap();
    assert!(expiry > SystemClock.now() + Duration::from_secs(3500));
}

#[tokio::test]
async fn credentials_from_a_profile_with_endpoint_overrides() {
    let emu = start_auto().await;
    let (home, _dirs) = logged_in(&emu).await;
    std::fs::write(
        home.path().join(".aws/config"),
        "[profile dev]\nsso_session = my-sso\nsso_account_id = 444455556666\nsso_role_name = ReadOnly\n\n\
         [sso-session my-sso]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = us-east-1\n\
         sso_registration_scopes = sso:account:access\n",
    )
    .unwrap();
    let env = Env::from_vars([
        ("HOME", home.path().to_str().unwrap()),
        ("AWS_ENDPOINT_URL_SSO", emu.url()),
        ("AWS_ENDPOINT_URL_SSO_OIDC", emu.url()),
    ]);
    let provider = SsoCredentialsProvider::builder()
        .profile_name("dev")
        .env(env)
        .build()
        .unwrap();
    let creds = provider.credentials().await.unwrap();
    assert!(creds.access_key_id().starts_with("ASIA"));
    let get = emu.request_log().pop().unwrap();
    assert_eq!(get.operation, Some(Operation::GetRoleCredentials));
    assert_eq!(
        get.query.as_deref(),
        Some("role_name=ReadOnly&account_id=444455556666")
    );
}

#[tokio::test]
async fn an_emulator_home_resolves_every_profile_and_logs_in() {
    let emu = Emulator::builder()
        .auto_approve_after_polls(0)
        .start()
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let home = emu.write_home(dir.path(), &HomeOptions::default()).unwrap();
    assert_eq!(home.profiles, profiles(&default_accounts()));
    let env = Env::from_vars(home.env.clone());
    let resolve = |name: &str| {
        let selector = Selector::default().with_profile(Some(name.to_owned()));
        Sso::resolve(&selector, &env).unwrap()
    };
    for profile in &home.profiles {
        let sso = resolve(&profile.name);
        let resolved = sso.profile().unwrap();
        assert_eq!(
            (
                resolved.account_id.as_deref(),
                resolved.role_name.as_deref(),
                resolved.region.as_deref(),
                resolved.session.name.as_deref()
            ),
            (
                Some(profile.account_id.as_str()),
                Some(profile.role_name.as_str()),
                Some("us-east-1"),
                Some(DEFAULT_SSO_SESSION)
            ),
            "{}",
            profile.name
        );
        assert!(resolved.warnings.is_empty(), "{:?}", resolved.warnings);
    }
    // No AWS_PROFILE: the `default` profile.
    let sso = Sso::resolve(&Selector::default(), &env).unwrap();
    assert_eq!(sso.profile().unwrap().name, "default");
    let options = LoginOptions::default().with_timeout(Some(Duration::from_secs(60)));
    sso.login(&|_: &DevicePrompt| {}, &options).await.unwrap();
    let creds = resolve("staging-Deployer")
        .credentials_provider()
        .unwrap()
        .credentials()
        .await
        .unwrap();
    assert!(creds.access_key_id().starts_with("ASIA"));
    let get = emu.request_log().pop().unwrap();
    assert_eq!(
        get.query.as_deref(),
        Some("role_name=Deployer&account_id=444455556666")
    );
}

#[tokio::test]
async fn list_accounts_and_roles_across_pages() {
    // 250 accounts: the client asks for 100 per page, so three pages.
    let accounts: Vec<Account> = (0..250)
        .map(|i| {
            Account::new(
                format!("{:012}", 200_000_000_000u64 + i),
                format!("Account {i}"),
                &["ReadOnly", "Admin"],
            )
        })
        .collect();
    let emu = Emulator::builder()
        .accounts(accounts)
        .auto_approve_after_polls(0)
        .start()
        .await
        .unwrap();
    let (_home, dirs) = logged_in(&emu).await;
    let token = dirs.tokens().load("my-sso").unwrap().access_token;
    let portal = PortalClient::new(emu.url(), &fast_http()).unwrap();
    let listed = portal.list_accounts(&token).await.unwrap();
    assert_eq!(listed.len(), 250);
    assert_eq!(listed[249].account_id, "200000000249");
    assert_eq!(listed[0].account_name.as_deref(), Some("Account 0"));
    let pages = emu
        .request_log()
        .iter()
        .filter(|r| r.operation == Some(Operation::ListAccounts))
        .count();
    assert_eq!(pages, 3);
    let roles = portal
        .list_account_roles(&token, "200000000007")
        .await
        .unwrap();
    let names: Vec<_> = roles.iter().map(|r| r.role_name.as_str()).collect();
    assert_eq!(names, ["ReadOnly", "Admin"]);
}

#[tokio::test]
async fn retries_through_injected_failures_and_throttling() {
    let emu = start_auto().await;
    let (_home, dirs) = logged_in(&emu).await;
    let token = dirs.tokens().load("my-sso").unwrap().access_token;
    let portal = PortalClient::new(emu.url(), &fast_http()).unwrap();
    emu.clear_request_log();
    emu.inject_fault(Fault::fail(2, 500).on(Operation::GetRoleCredentials))
        .unwrap();
    portal
        .get_role_credentials(&token, "111122223333", "ReadOnly")
        .await
        .unwrap();
    let statuses: Vec<_> = emu.request_log().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [500, 500, 200]);
    assert!(emu.faults().is_empty(), "used up");

    // Always throttled: the client gives up with TooManyRequests after its attempts.
    emu.inject_fault(Fault::throttle(1.0).on(Operation::ListAccountRoles))
        .unwrap();
    let err = portal
        .list_account_roles(&token, "111122223333")
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ServiceError::Response(ResponseError {
                code: ErrorCode::TooManyRequests,
                attempts: 4,
                ..
            })
        ),
        "{err:?}"
    );
    emu.clear_faults();

    // An injected OIDC failure is the service's InternalServerException.
    emu.inject_fault(Fault::fail(4, 500).on(Operation::RegisterClient))
        .unwrap();
    let oidc = OidcClient::new(emu.url(), &fast_http()).unwrap();
    let err = oidc
        .register_client(&RegisterClientRequest::public("x", None))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ServiceError::Response(ResponseError {
                code: ErrorCode::InternalServer,
                attempts: 4,
                ..
            })
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn logout_and_revocation_are_seen_by_the_client() {
    let emu = start_auto().await;
    let (_home, dirs) = logged_in(&emu).await;
    let cached = dirs.tokens().load("my-sso").unwrap();
    let portal = PortalClient::new(emu.url(), &fast_http()).unwrap();
    portal.logout(&cached.access_token).await.unwrap();
    let err = portal
        .get_role_credentials(&cached.access_token, "111122223333", "ReadOnly")
        .await
        .unwrap_err();
    assert!(err.code() == Some(&ErrorCode::Unauthorized), "{err:?}");
    assert!(err.requires_login());

    let oidc = OidcClient::new(emu.url(), &fast_http()).unwrap();
    let refresh = CreateTokenRequest::refresh_token(
        cached.client_id.clone().unwrap(),
        cached.client_secret.clone().unwrap(),
        cached.refresh_token.clone().unwrap(),
    );
    let err = oidc.create_token(&refresh).await.unwrap_err();
    assert!(err.code() == Some(&ErrorCode::InvalidGrant), "{err:?}");
}

#[tokio::test]
async fn a_denied_login_is_access_denied() {
    let emu = start().await;
    let home = tempfile::tempdir().unwrap();
    let dirs = CacheDirs::under_home(home.path());
    let control = emu.control().clone();
    let prompt = move |p: &DevicePrompt| control.deny(&p.user_code).unwrap();
    let err = device_login(emu.url(), &dirs)
        .login(
            &prompt,
            // A failure ends within a minute, never after the default ten.
            &LoginOptions::default().with_timeout(Some(std::time::Duration::from_secs(60))),
        )
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("denied") || err.to_string().contains("declined"),
        "{err}"
    );
}

#[tokio::test]
async fn pkce_code_exchange_through_the_client() {
    let emu = start_auto().await;
    let oidc = OidcClient::new(emu.url(), &fast_http()).unwrap();
    let request =
        RegisterClientRequest::public("ssokit-pkce", Some(vec!["sso:account:access".into()]))
            .grant_types(vec!["authorization_code".into(), "refresh_token".into()])
            .redirect_uris(vec!["http://127.0.0.1/oauth/callback".into()])
            .issuer_url(START_URL);
    let registered = oidc.register_client(&request).await.unwrap();
    let verifier = "Zx9-._~".repeat(10);
    let challenge = {
        use base64::Engine;
        use sha2::Digest;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(&verifier))
    };
    let redirect = "http://127.0.0.1:41000/oauth/callback";
    let mut authorize = url::Url::parse(&format!("{}/authorize", emu.url())).unwrap();
    authorize
        .query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &registered.client_id)
        .append_pair("redirect_uri", redirect)
        .append_pair("state", "st-1")
        .append_pair("code_challenge_method", "S256")
        .append_pair("scopes", "sso:account:access")
        .append_pair("code_challenge", &challenge);
    let response = http().get(authorize.as_str()).send().await.unwrap();
    let location = url::Url::parse(response.headers()["location"].to_str().unwrap()).unwrap();
    let code = location
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let token = oidc
        .create_token(&CreateTokenRequest::authorization_code(
            registered.client_id,
            registered.client_secret,
            AuthorizationCode::new(code),
            CodeVerifier::new(verifier),
            redirect,
        ))
        .await
        .unwrap();
    assert!(token.refresh_token.is_some());
    assert_eq!(token.expires_in, Duration::from_secs(3600));
}
