//! Interop with botocore, a peer no one here wrote: botocore's own SSO providers
//! accept the token file ssokit writes, and ssokit reads the file botocore rewrites
//! after its own refresh.
//!
//! botocore runs in a subprocess (it fixes its cache directory at import time) with
//! `HOME` and `AWS_ENDPOINT_URL_SSO` / `AWS_ENDPOINT_URL_SSO_OIDC` pointing at a
//! temporary home and a local mock. The interpreter is `$SSOKIT_TEST_PYTHON`, else
//! the repository's `.venv`, else `python3` (see `ssokit_tests::tools`). The mocks'
//! helpers are the core's own test support.
#![allow(clippy::unwrap_used)]

#[path = "../../crates/core/tests/support/mod.rs"]
mod support;

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use ssokit::auth::LoginTarget;
use ssokit::auth::token::SsoTokenProvider;
use ssokit::cache::{CachedToken, TokenCache};
use ssokit::client::OidcClient;
use ssokit::time::{Clock, SystemClock};
use ssokit_tests::{run, tools};
use support::*;
use wiremock::matchers::{body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const BOTOCORE_CREDENTIALS: &str = r#"
import json, botocore.session
creds = botocore.session.Session(profile="dev").get_credentials().get_frozen_credentials()
print(json.dumps({"access_key": creds.access_key, "token": creds.token}))
"#;

fn write_config(home: &Path, uri: &str) {
    std::fs::create_dir_all(home.join(".aws")).unwrap();
    std::fs::write(
        home.join(".aws/config"),
        format!(
            "[profile dev]\nsso_session = my-sso\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\nregion = us-east-1\n\n\
             [sso-session my-sso]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = us-east-1\n\
             sso_registration_scopes = sso:account:access\n# mock at {uri}\n"
        ),
    )
    .unwrap();
}

fn run_botocore(python: &Path, home: &Path, uri: &str) -> serde_json::Value {
    let out = run::success(
        Command::new(python)
            .args(["-c", BOTOCORE_CREDENTIALS])
            .env_clear()
            .env("HOME", home)
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("AWS_ENDPOINT_URL_SSO", uri)
            .env("AWS_ENDPOINT_URL_SSO_OIDC", uri),
    );
    serde_json::from_str(&out).unwrap()
}

async fn mount_role_credentials(server: &MockServer, token: &str) {
    Mock::given(method("GET"))
        .and(path("/federation/credentials"))
        .and(header("x-amz-sso_bearer_token", token))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"roleCredentials": {
                "accessKeyId": "ASIABOTOCORE",
                "secretAccessKey": "secret",
                "sessionToken": "session",
                "expiration": 4_102_444_800_000u64
            }})),
        )
        .expect(1)
        .mount(server)
        .await;
}

fn token_from_now(expires_in: Duration) -> CachedToken {
    let mut token = refreshable_token(0);
    token.expires_at = SystemClock.now() + expires_in;
    token.registration_expires_at = Some(SystemClock.now() + Duration::from_secs(90 * 86_400));
    token
}

#[tokio::test]
async fn botocore_uses_the_token_ssokit_wrote() {
    let Some(python) = tools::python_with_botocore() else {
        return;
    };
    let server = MockServer::start().await;
    mount_role_credentials(&server, "old-access").await;
    let home = tempfile::tempdir().unwrap();
    write_config(home.path(), &server.uri());
    TokenCache::new(home.path().join(".aws/sso/cache"))
        .store("my-sso", &token_from_now(Duration::from_secs(8 * 3600)))
        .unwrap();
    let creds = run_botocore(&python, home.path(), &server.uri());
    assert_eq!(creds["access_key"], "ASIABOTOCORE");
    assert_eq!(creds["token"], "session");
}

#[tokio::test]
async fn ssokit_reads_the_token_botocore_refreshed() {
    let Some(python) = tools::python_with_botocore() else {
        return;
    };
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(body_partial_json(json!({"grantType": "refresh_token", "refreshToken": "refresh-1"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "accessToken": "botocore-refreshed", "tokenType": "Bearer", "expiresIn": 28800, "refreshToken": "refresh-2"
        })))
        .expect(1)
        .mount(&server)
        .await;
    mount_role_credentials(&server, "botocore-refreshed").await;
    let home = tempfile::tempdir().unwrap();
    write_config(home.path(), &server.uri());
    let tokens = TokenCache::new(home.path().join(".aws/sso/cache"));
    // Five minutes left: botocore refreshes it (and so would ssokit).
    tokens
        .store("my-sso", &token_from_now(Duration::from_secs(300)))
        .unwrap();
    run_botocore(&python, home.path(), &server.uri());

    // ssokit now serves botocore's token without calling the service again (the
    // refresh mock expects exactly one call: botocore's).
    let provider = SsoTokenProvider::new(
        session(&server.uri()),
        LoginTarget::Profile("dev".into()),
        tokens.clone(),
        OidcClient::new(&server.uri(), &fast_http()).unwrap(),
        Arc::new(SystemClock),
    );
    let token = provider.token().await.unwrap();
    assert_eq!(token.access_token.expose_secret(), "botocore-refreshed");
    assert_eq!(token.refresh_token.unwrap().expose_secret(), "refresh-2");
    assert!(token.expires_at > SystemClock.now() + Duration::from_secs(7 * 3600));
}
