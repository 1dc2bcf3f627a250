//! SSO portal client: request shapes, pagination and errors, against wiremock.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

use std::time::{Duration, UNIX_EPOCH};

use serde_json::json;
use ssokit::client::{
    ErrorCode, HttpSettings, PortalClient, ResponseError, RetryPolicy, ServiceError,
};
use ssokit::secret::AccessToken;
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "aoaAAAAA-bearer-token";

fn settings() -> HttpSettings {
    HttpSettings::default().retry(RetryPolicy::new(
        4,
        Duration::from_millis(1),
        Duration::from_millis(5),
    ))
}

fn client(server: &MockServer) -> PortalClient {
    PortalClient::new(&server.uri(), &settings()).unwrap()
}

fn token() -> AccessToken {
    AccessToken::new(TOKEN)
}

/// The query strings the server received, in order.
async fn queries(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.query().unwrap_or("").to_owned())
        .collect()
}

#[tokio::test]
async fn get_role_credentials_shape() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/federation/credentials"))
        .and(query_param("role_name", "Admin+Ops"))
        .and(query_param("account_id", "123456789012"))
        .and(header("x-amz-sso_bearer_token", TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "roleCredentials": {
                "accessKeyId": "ASIAEXAMPLE",
                "secretAccessKey": "sk-secret",
                "sessionToken": "st-secret",
                "expiration": 1_795_813_445_123u64,
            }
        })))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server)
        .get_role_credentials(&token(), "123456789012", "Admin+Ops")
        .await
        .unwrap();
    assert_eq!(c.access_key_id, "ASIAEXAMPLE");
    assert_eq!(c.secret_access_key.expose_secret(), "sk-secret");
    assert_eq!(c.session_token.expose_secret(), "st-secret");
    assert_eq!(
        c.expiration,
        UNIX_EPOCH + Duration::from_millis(1_795_813_445_123)
    );
    assert_eq!(
        queries(&server).await,
        ["role_name=Admin%2BOps&account_id=123456789012"]
    );
    let sent = &server.received_requests().await.unwrap()[0];
    assert!(sent.headers.get("authorization").is_none(), "unsigned");
    assert!(sent.body.is_empty());
}

#[tokio::test]
async fn get_role_credentials_missing_fields_are_malformed() {
    for (body, reason) in [
        (json!({}), "`roleCredentials` is missing"),
        (
            json!({"roleCredentials": {"accessKeyId": "a", "secretAccessKey": "s", "sessionToken": "t"}}),
            "`roleCredentials.expiration` is missing",
        ),
        (
            json!({"roleCredentials": {"accessKeyId": "a", "secretAccessKey": 5, "sessionToken": "t", "expiration": 1}}),
            "`roleCredentials.secretAccessKey` is not a string",
        ),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&server)
            .await;
        let e = client(&server)
            .get_role_credentials(&token(), "1", "R")
            .await
            .unwrap_err();
        assert!(matches!(e, ServiceError::MalformedResponse { .. }), "{e:?}");
        assert!(e.to_string().contains(reason), "{e}");
    }
}

#[tokio::test]
async fn portal_errors_map_to_variants() {
    let cases = [
        (
            401,
            "UnauthorizedException",
            "Session token not found or invalid",
        ),
        (404, "ResourceNotFoundException", "No access"),
        (400, "InvalidRequestException", "Invalid account id"),
    ];
    for (status, name, message) in cases {
        // Header form, then body-only `__type` form.
        for header_form in [true, false] {
            let server = MockServer::start().await;
            let mut response = ResponseTemplate::new(status);
            if header_form {
                response = response
                    .insert_header(
                        "x-amzn-ErrorType",
                        format!(
                            "{name}:http://internal.amazon.com/coral/com.amazon.switchboard.portal/"
                        )
                        .as_str(),
                    )
                    .set_body_json(json!({"message": message}));
            } else {
                response = response.set_body_json(
                    json!({"__type": format!("com.amazonaws.switchboard.portal#{name}"), "message": message}),
                );
            }
            Mock::given(method("GET"))
                .respond_with(response)
                .expect(1)
                .mount(&server)
                .await;
            let e = client(&server)
                .get_role_credentials(&token(), "1", "R")
                .await
                .unwrap_err();
            assert_eq!(e.service_code(), Some(name));
            assert_eq!(e.status(), Some(status));
            let text = e.to_string();
            assert!(text.starts_with("GetRoleCredentials: "), "{text}");
            assert!(text.contains(message), "{text}");
            match status {
                401 => {
                    assert_eq!(e.code(), Some(&ErrorCode::Unauthorized));
                    assert!(
                        text.contains(
                            "the SSO token was rejected (expired, revoked or logged out elsewhere)"
                        ),
                        "{text}"
                    );
                    assert!(text.contains("log in again"), "{text}");
                }
                404 => assert_eq!(e.code(), Some(&ErrorCode::ResourceNotFound)),
                _ => assert_eq!(e.code(), Some(&ErrorCode::InvalidRequest)),
            }
            // `expect(1)`: a 4xx is never retried.
            server.verify().await;
        }
    }
}

#[tokio::test]
async fn list_accounts_follows_every_page() {
    let server = MockServer::start().await;
    let page = |ids: &[&str], next: Option<&str>| {
        let accounts: Vec<_> = ids
            .iter()
            .map(|id| json!({"accountId": id, "accountName": format!("name-{id}"), "emailAddress": format!("{id}@example.com")}))
            .collect();
        ResponseTemplate::new(200)
            .set_body_json(json!({"accountList": accounts, "nextToken": next}))
    };
    Mock::given(method("GET"))
        .and(path("/assignment/accounts"))
        .and(query_param_is_missing("next_token"))
        .and(header("x-amz-sso_bearer_token", TOKEN))
        .respond_with(page(&["1", "2"], Some("tok/1+=")))
        .expect(1)
        .mount(&server)
        .await;
    // The second page is throttled once, then served.
    Mock::given(method("GET"))
        .and(path("/assignment/accounts"))
        .and(query_param("next_token", "tok/1+="))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("x-amzn-ErrorType", "TooManyRequestsException")
                .set_body_json(json!({"message": "Too many requests"})),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/assignment/accounts"))
        .and(query_param("next_token", "tok/1+="))
        .respond_with(page(&["3"], Some("tok2")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/assignment/accounts"))
        .and(query_param("next_token", "tok2"))
        .respond_with(page(&["4"], None))
        .expect(1)
        .mount(&server)
        .await;
    let accounts = client(&server).list_accounts(&token()).await.unwrap();
    let ids: Vec<_> = accounts.iter().map(|a| a.account_id.as_str()).collect();
    assert_eq!(ids, ["1", "2", "3", "4"]);
    assert_eq!(accounts[2].account_name.as_deref(), Some("name-3"));
    assert_eq!(accounts[3].email_address.as_deref(), Some("4@example.com"));
    assert_eq!(
        queries(&server).await,
        [
            "max_result=100",
            "max_result=100&next_token=tok%2F1%2B%3D",
            "max_result=100&next_token=tok%2F1%2B%3D",
            "max_result=100&next_token=tok2",
        ]
    );
}

#[tokio::test]
async fn list_account_roles_pages_and_fills_the_account() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/assignment/roles"))
        .and(query_param("account_id", "111"))
        .and(query_param_is_missing("next_token"))
        .and(header("x-amz-sso_bearer_token", TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "roleList": [{"roleName": "Admin", "accountId": "111"}], "nextToken": "n1"
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/assignment/roles"))
        .and(query_param("next_token", "n1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "roleList": [{"roleName": "ReadOnly"}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let roles = client(&server)
        .list_account_roles(&token(), "111")
        .await
        .unwrap();
    let names: Vec<_> = roles
        .iter()
        .map(|r| (r.role_name.as_str(), r.account_id.as_str()))
        .collect();
    assert_eq!(names, [("Admin", "111"), ("ReadOnly", "111")]);
    assert_eq!(
        queries(&server).await,
        [
            "account_id=111&max_result=100",
            "account_id=111&max_result=100&next_token=n1"
        ]
    );
}

#[tokio::test]
async fn empty_list_and_empty_token_end_the_listing() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/assignment/accounts"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"accountList": [], "nextToken": ""})),
        )
        .expect(1)
        .mount(&server)
        .await;
    assert!(
        client(&server)
            .list_accounts(&token())
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_repeated_next_token_is_an_error_not_a_loop() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/assignment/roles"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "roleList": [{"roleName": "R", "accountId": "1"}], "nextToken": "same"
        })))
        .mount(&server)
        .await;
    let e = client(&server)
        .list_account_roles(&token(), "1")
        .await
        .unwrap_err();
    assert!(matches!(e, ServiceError::MalformedResponse { .. }), "{e:?}");
    assert!(e.to_string().contains("already sent"), "{e}");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn list_gives_up_when_throttled_on_every_attempt() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/assignment/accounts"))
        .respond_with(
            ResponseTemplate::new(429).set_body_json(json!({"message": "Too many requests"})),
        )
        .expect(4)
        .mount(&server)
        .await;
    let e = client(&server).list_accounts(&token()).await.unwrap_err();
    assert!(
        matches!(
            e,
            ServiceError::Response(ResponseError {
                code: ErrorCode::TooManyRequests,
                attempts: 4,
                ..
            })
        ),
        "{e:?}"
    );
    assert!(e.is_retryable());
    let text = e.to_string();
    assert!(
        text.contains("throttled") && text.contains("4 attempts"),
        "{text}"
    );
    assert!(text.starts_with("ListAccounts: "), "{text}");
}

#[tokio::test]
async fn logout_shape() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/logout"))
        .and(header("x-amz-sso_bearer_token", TOKEN))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    client(&server).logout(&token()).await.unwrap();
    let sent = &server.received_requests().await.unwrap()[0];
    assert!(sent.body.is_empty());
    assert_eq!(sent.url.query(), None);
}

#[tokio::test]
async fn logout_with_a_dead_token_is_unauthorized() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/logout"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"message": "Session token not found or invalid"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let e = client(&server).logout(&token()).await.unwrap_err();
    // Without an error code, a portal 401 still means the token is no good.
    assert!(
        matches!(
            e,
            ServiceError::Response(ResponseError {
                code: ErrorCode::Unauthorized,
                status: 401,
                ..
            })
        ),
        "{e:?}"
    );
    assert!(e.requires_login());
    assert!(e.to_string().starts_with("Logout: "), "{e}");
}
