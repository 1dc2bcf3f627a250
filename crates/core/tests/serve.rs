//! The container-credentials server against a wiremock portal: the token is required
//! (missing, wrong: 401), the credentials JSON, an ended session (403 with the remedy,
//! never the 401 of a wrong token), and one GetRoleCredentials for 200 concurrent
//! requests.
#![cfg(feature = "extras")]
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use ssokit::auth::LoginTarget;
use ssokit::auth::credentials::SsoCredentialsProvider;
use ssokit::auth::token::SsoTokenProvider;
use ssokit::client::{OidcClient, PortalClient};
use ssokit::serve::CredentialsServer;
use ssokit::time::ManualClock;
use support::*;
use tokio::sync::oneshot;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn provider(uri: &str, dirs: &ssokit::cache::CacheDirs) -> SsoCredentialsProvider {
    let clock = Arc::new(ManualClock::new(at(T0)));
    let token = SsoTokenProvider::new(
        session(uri),
        LoginTarget::Profile("dev".into()),
        dirs.tokens(),
        OidcClient::new(uri, &fast_http()).unwrap(),
        clock.clone(),
    );
    SsoCredentialsProvider::new(
        token,
        PortalClient::new(uri, &fast_http()).unwrap(),
        "111122223333",
        "ReadOnly",
        None,
        clock,
    )
}

fn logged_in_home() -> (tempfile::TempDir, ssokit::cache::CacheDirs) {
    let home = tempfile::tempdir().unwrap();
    let dirs = caches(home.path());
    dirs.tokens()
        .store("my-sso", &refreshable_token(T0 + 8 * 3600))
        .unwrap();
    (home, dirs)
}

async fn role_credentials(server: &MockServer, expected_calls: u64) {
    Mock::given(method("GET"))
        .and(path("/federation/credentials"))
        .and(header("x-amz-sso_bearer_token", "old-access"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"roleCredentials": {
                    "accessKeyId": "ASIAEXAMPLE",
                    "secretAccessKey": "SECRETKEY",
                    "sessionToken": "SESSIONTOKEN",
                    "expiration": (T0 + 3600) * 1000
                }}))
                .set_delay(Duration::from_millis(50)),
        )
        .expect(expected_calls)
        .mount(server)
        .await;
}

/// A running server: its URL, its token, and what stops it.
struct Running {
    url: String,
    token: String,
    stop: oneshot::Sender<()>,
    served: tokio::task::JoinHandle<Result<(), ssokit::Error>>,
}

async fn start(server: CredentialsServer) -> Running {
    let [(url_var, url), (token_var, token)] = server.env_vars();
    assert_eq!(url_var, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
    assert_eq!(token_var, "AWS_CONTAINER_AUTHORIZATION_TOKEN");
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(!format!("{server:?}").contains(&token));
    let (stop, stopped) = oneshot::channel::<()>();
    let served = tokio::spawn(server.serve(async {
        let _ = stopped.await;
    }));
    Running {
        url,
        token,
        stop,
        served,
    }
}

impl Running {
    async fn get(&self, authorization: Option<&str>) -> (u16, Value) {
        let mut request = reqwest::Client::new()
            .get(&self.url)
            .timeout(Duration::from_secs(30));
        if let Some(value) = authorization {
            request = request.header("Authorization", value);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        assert_eq!(
            response.headers()["content-type"].to_str().unwrap(),
            "application/json"
        );
        (status, response.json().await.unwrap())
    }

    async fn stop(self) {
        self.stop.send(()).unwrap();
        tokio::time::timeout(Duration::from_secs(30), self.served)
            .await
            .unwrap()
            .unwrap()
            .unwrap();
    }
}

#[tokio::test]
async fn answers_the_container_credentials_json_to_the_token_only() {
    let portal = MockServer::start().await;
    role_credentials(&portal, 1).await;
    let (_home, dirs) = logged_in_home();
    let server = CredentialsServer::bind(provider(&portal.uri(), &dirs), 0)
        .await
        .unwrap();
    let running = start(server).await;

    let (status, body) = running.get(None).await;
    assert_eq!(status, 401);
    assert_eq!(body["code"], "Unauthorized");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("AWS_CONTAINER_AUTHORIZATION_TOKEN")
    );
    let mut wrong = running.token.clone();
    wrong.pop();
    wrong.push('x');
    for bad in [wrong.as_str(), "", &running.token[..10]] {
        let (status, body) = running.get(Some(bad)).await;
        assert_eq!(status, 401, "{bad}");
        assert_eq!(body["code"], "Unauthorized");
        assert!(!body.to_string().contains(&running.token));
    }

    let (status, body) = running.get(Some(&running.token.clone())).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({
            "AccessKeyId": "ASIAEXAMPLE",
            "SecretAccessKey": "SECRETKEY",
            "Token": "SESSIONTOKEN",
            "Expiration": "2027-01-15T09:00:00Z",
            "AccountId": "111122223333",
        })
    );
    // From memory now: the mock expects one call.
    let (status, _) = running.get(Some(&running.token.clone())).await;
    assert_eq!(status, 200);
    running.stop().await;
}

#[tokio::test]
async fn an_ended_session_is_a_403_with_the_remedy_not_a_401() {
    let portal = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/federation/credentials"))
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("x-amzn-ErrorType", "UnauthorizedException")
                .set_body_json(json!({"message": "Session token not found or invalid"})),
        )
        .mount(&portal)
        .await;
    let (_home, dirs) = logged_in_home();
    let server = CredentialsServer::bind(provider(&portal.uri(), &dirs), 0)
        .await
        .unwrap()
        .with_error_message(|e| e.message_with(|_| "run `my-tool login`".to_owned()));
    let running = start(server).await;
    let (status, body) = running.get(Some(&running.token.clone())).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["code"], "session_expired");
    let message = body["message"].as_str().unwrap();
    assert!(message.ends_with("; run `my-tool login`"), "{message}");
    running.stop().await;
}

#[tokio::test]
async fn not_logged_in_is_a_403_naming_what_to_log_in_to() {
    let portal = MockServer::start().await;
    let home = tempfile::tempdir().unwrap();
    let dirs = caches(home.path());
    let server = CredentialsServer::bind(provider(&portal.uri(), &dirs), 0)
        .await
        .unwrap();
    let running = start(server).await;
    let (status, body) = running.get(Some(&running.token.clone())).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["code"], "not_logged_in");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .ends_with("log in to profile \"dev\" again"),
        "{body}"
    );
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_requests_make_one_get_role_credentials() {
    let portal = MockServer::start().await;
    role_credentials(&portal, 1).await;
    let (_home, dirs) = logged_in_home();
    let server = CredentialsServer::bind(provider(&portal.uri(), &dirs), 0)
        .await
        .unwrap();
    let running = Arc::new(start(server).await);
    let requests: Vec<_> = (0..200)
        .map(|_| {
            let running = Arc::clone(&running);
            tokio::spawn(async move { running.get(Some(&running.token)).await })
        })
        .collect();
    for request in requests {
        let (status, body) = request.await.unwrap();
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["AccessKeyId"], "ASIAEXAMPLE");
    }
    Arc::into_inner(running).unwrap().stop().await;
    portal.verify().await;
}

#[tokio::test]
async fn other_paths_and_methods_are_refused_after_the_token_check() {
    let portal = MockServer::start().await;
    let (_home, dirs) = logged_in_home();
    let server = CredentialsServer::bind(provider(&portal.uri(), &dirs), 0)
        .await
        .unwrap();
    let running = start(server).await;
    let base = running.url.trim_end_matches("/credentials").to_owned();
    let client = reqwest::Client::new();
    let other = client.get(format!("{base}/other")).send().await.unwrap();
    assert_eq!(other.status().as_u16(), 401);
    let other = client
        .get(format!("{base}/other"))
        .header("Authorization", &running.token)
        .send()
        .await
        .unwrap();
    assert_eq!(other.status().as_u16(), 404);
    let post = client
        .post(&running.url)
        .header("Authorization", &running.token)
        .send()
        .await
        .unwrap();
    assert_eq!(post.status().as_u16(), 405);
    running.stop().await;
}

#[tokio::test]
async fn a_port_in_use_is_a_usage_error_naming_it() {
    let portal = MockServer::start().await;
    let (_home, dirs) = logged_in_home();
    let first = CredentialsServer::bind(provider(&portal.uri(), &dirs), 0)
        .await
        .unwrap();
    let err = CredentialsServer::bind(provider(&portal.uri(), &dirs), first.port())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ssokit::ErrorKind::Usage);
    assert!(
        err.to_string()
            .contains(&format!("127.0.0.1:{}", first.port())),
        "{err}"
    );
}
