//! Console sign-in against a wiremock portal and sign-in endpoint: the role
//! credentials go as the Session JSON (no SessionDuration), the login URL carries the
//! token to the console home of the profile's region (or the destination given), and
//! no error or Debug output holds the credentials or the token.
#![cfg(feature = "extras")]
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::Arc;

use serde_json::json;
use ssokit::console::{ENDPOINT_VAR, console_url};
use ssokit::env::Env;
use ssokit::time::ManualClock;
use ssokit::{ErrorKind, Sso};
use support::*;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SESSION_JSON: &str =
    r#"{"sessionId":"ASIAEXAMPLE","sessionKey":"SECRETKEY","sessionToken":"SESSIONTOKEN"}"#;

fn sso(uri: &str, home: &std::path::Path, region: Option<&str>, logged_in: bool) -> Sso {
    let dirs = caches(home);
    if logged_in {
        dirs.tokens()
            .store("my-sso", &refreshable_token(T0 + 8 * 3600))
            .unwrap();
    }
    let region = region
        .map(|r| format!("region = {r}\n"))
        .unwrap_or_default();
    std::fs::create_dir_all(home.join(".aws")).unwrap();
    std::fs::write(
        home.join(".aws/config"),
        format!(
            "[profile dev]\nsso_session = my-sso\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\n{region}\n\
             [sso-session my-sso]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = us-east-1\n"
        ),
    )
    .unwrap();
    let env = Env::from_vars([
        ("HOME", home.to_str().unwrap()),
        ("AWS_ENDPOINT_URL_SSO", uri),
        ("AWS_ENDPOINT_URL_SSO_OIDC", uri),
    ]);
    Sso::builder()
        .profile_name("dev")
        .env(env)
        .http_settings(fast_http())
        .clock(Arc::new(ManualClock::at_unix(T0)))
        .build()
        .unwrap()
}

async fn portal(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/federation/credentials"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"roleCredentials": {
                "accessKeyId": "ASIAEXAMPLE",
                "secretAccessKey": "SECRETKEY",
                "sessionToken": "SESSIONTOKEN",
                "expiration": (T0 + 3600) * 1000
            }})),
        )
        .mount(server)
        .await;
}

fn env(uri: &str) -> Env {
    Env::from_vars([(ENDPOINT_VAR, uri)])
}

#[tokio::test]
async fn the_login_url_carries_the_token_to_the_region_s_console_home() {
    let server = MockServer::start().await;
    portal(&server).await;
    Mock::given(method("GET"))
        .and(path("/federation"))
        .and(query_param("Action", "getSigninToken"))
        .and(query_param("Session", SESSION_JSON))
        .and(query_param_is_missing("SessionDuration"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"SigninToken": "TOKEN+/="})))
        .expect(2)
        .mount(&server)
        .await;
    let home = tempfile::tempdir().unwrap();
    let sso = sso(&server.uri(), home.path(), Some("eu-west-1"), true);
    let url = console_url(&sso, None, &env(&server.uri())).await.unwrap();
    assert_eq!(
        url.expose_secret(),
        format!(
            "{}/federation?Action=login&Issuer=ssokit&Destination=https%3A%2F%2Feu-west-1.console.aws.amazon.com%2F&SigninToken=TOKEN%2B%2F%3D",
            server.uri()
        )
    );
    assert!(!format!("{url:?}").contains("TOKEN"), "{url:?}");

    let url = console_url(
        &sso,
        Some("https://console.aws.amazon.com/s3/home?region=eu-west-1"),
        &env(&server.uri()),
    )
    .await
    .unwrap();
    assert!(
        url.expose_secret().contains(
            "&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2Fs3%2Fhome%3Fregion%3Deu-west-1&"
        ),
        "{}",
        url.expose_secret()
    );
}

#[tokio::test]
async fn without_a_profile_region_the_sso_region_s_console_opens() {
    let server = MockServer::start().await;
    portal(&server).await;
    Mock::given(method("GET"))
        .and(path("/federation"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"SigninToken": "T"})))
        .mount(&server)
        .await;
    let home = tempfile::tempdir().unwrap();
    let sso = sso(&server.uri(), home.path(), None, true);
    let url = console_url(&sso, None, &env(&server.uri())).await.unwrap();
    assert!(
        url.expose_secret()
            .contains("Destination=https%3A%2F%2Fus-east-1.console.aws.amazon.com%2F"),
        "{}",
        url.expose_secret()
    );
}

#[tokio::test]
async fn a_refused_session_is_a_service_error_without_the_credentials() {
    let server = MockServer::start().await;
    portal(&server).await;
    Mock::given(method("GET"))
        .and(path("/federation"))
        .respond_with(ResponseTemplate::new(400).set_body_string("<html>Bad Request</html>"))
        .mount(&server)
        .await;
    let home = tempfile::tempdir().unwrap();
    let sso = sso(&server.uri(), home.path(), Some("eu-west-1"), true);
    let err = console_url(&sso, None, &env(&server.uri()))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Service, "{err}");
    let shown = format!("{err} {err:?}");
    assert!(shown.contains("GetSigninToken"), "{shown}");
    for secret in ["SECRETKEY", "SESSIONTOKEN", "Session=", "sessionKey"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
}

#[tokio::test]
async fn an_unreachable_endpoint_names_it_without_the_query() {
    let server = MockServer::start().await;
    portal(&server).await;
    let home = tempfile::tempdir().unwrap();
    let sso = sso(&server.uri(), home.path(), Some("eu-west-1"), true);
    let err = console_url(&sso, None, &env("http://127.0.0.1:9"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Network, "{err}");
    let shown = format!("{err} {err:?}");
    assert!(shown.contains("127.0.0.1:9"), "{shown}");
    assert!(
        !shown.contains("SECRETKEY") && !shown.contains("Action="),
        "{shown}"
    );
}

#[tokio::test]
async fn not_logged_in_says_what_to_log_in_to_and_calls_nothing() {
    let server = MockServer::start().await;
    let home = tempfile::tempdir().unwrap();
    let sso = sso(&server.uri(), home.path(), Some("eu-west-1"), false);
    let err = console_url(&sso, None, &env(&server.uri()))
        .await
        .unwrap_err();
    assert_login_remedy(&err, ErrorKind::NotLoggedIn);
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_bad_destination_is_a_usage_error_before_any_request() {
    let server = MockServer::start().await;
    let home = tempfile::tempdir().unwrap();
    let sso = sso(&server.uri(), home.path(), Some("eu-west-1"), true);
    let err = console_url(&sso, Some("http://example.com/"), &env(&server.uri()))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Usage, "{err}");
    assert!(err.to_string().contains("https"), "{err}");
    assert!(server.received_requests().await.unwrap().is_empty());
}
