//! SSO OIDC client: request shapes, response parsing and error mapping, against wiremock.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

use std::time::{Duration, UNIX_EPOCH};

use serde_json::{Value, json};
use ssokit::client::{
    AuthorizationCode, CodeVerifier, CreateTokenRequest, DeviceCode, ErrorCode, HttpSettings,
    OidcClient, RegisterClientRequest, ResponseError, RetryPolicy, ServiceError,
};
use ssokit::secret::{ClientSecret, RefreshToken};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ERROR_NS: &str = ":http://internal.amazon.com/coral/com.amazonaws.sso.oidc/";

fn settings() -> HttpSettings {
    HttpSettings::default().retry(RetryPolicy::new(
        3,
        Duration::from_millis(1),
        Duration::from_millis(5),
    ))
}

async fn client(server: &MockServer) -> OidcClient {
    OidcClient::new(&server.uri(), &settings()).unwrap()
}

fn refresh_request() -> CreateTokenRequest {
    CreateTokenRequest::refresh_token("cid", ClientSecret::new("cs"), RefreshToken::new("rt"))
}

#[tokio::test]
async fn register_client_device_flow_shape() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/client/register"))
        .and(header("content-type", "application/json"))
        .and(body_json(
            json!({"clientName": "ssokit-dev", "clientType": "public"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "clientId": "client-123",
            "clientSecret": "secret-456",
            "clientIdIssuedAt": 1_700_000_000u64,
            "clientSecretExpiresAt": 1_707_776_000u64,
        })))
        .expect(1)
        .mount(&server)
        .await;
    let r = client(&server)
        .await
        .register_client(&RegisterClientRequest::public("ssokit-dev", None))
        .await
        .unwrap();
    assert_eq!(r.client_id, "client-123");
    assert_eq!(r.client_secret.expose_secret(), "secret-456");
    assert_eq!(
        r.client_id_issued_at,
        Some(UNIX_EPOCH + Duration::from_secs(1_700_000_000))
    );
    assert_eq!(
        r.client_secret_expires_at,
        UNIX_EPOCH + Duration::from_secs(1_707_776_000)
    );
    assert_eq!(r.authorization_endpoint, None);
    // No signing, no bearer token.
    let sent = &server.received_requests().await.unwrap()[0];
    assert!(sent.headers.get("authorization").is_none());
    assert!(sent.headers.get("x-amz-sso_bearer_token").is_none());
    assert!(
        sent.headers
            .get("user-agent")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("ssokit/")
    );
}

#[tokio::test]
async fn register_client_pkce_shape() {
    let server = MockServer::start().await;
    let expected = json!({
        "clientName": "ssokit-work",
        "clientType": "public",
        "scopes": ["sso:account:access"],
        "redirectUris": ["http://127.0.0.1/oauth/callback"],
        "grantTypes": ["authorization_code", "refresh_token"],
        "issuerUrl": "https://d-123.awsapps.com/start",
    });
    Mock::given(method("POST"))
        .and(path("/client/register"))
        .and(body_json(expected))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "clientId": "c", "clientSecret": "s",
            "clientIdIssuedAt": 1, "clientSecretExpiresAt": 2,
            "authorizationEndpoint": "https://oidc/authorize",
            "tokenEndpoint": "https://oidc/token",
        })))
        .expect(1)
        .mount(&server)
        .await;
    let request =
        RegisterClientRequest::public("ssokit-work", Some(vec!["sso:account:access".into()]))
            .redirect_uris(vec!["http://127.0.0.1/oauth/callback".into()])
            .grant_types(vec!["authorization_code".into(), "refresh_token".into()])
            .issuer_url("https://d-123.awsapps.com/start");
    let r = client(&server)
        .await
        .register_client(&request)
        .await
        .unwrap();
    assert_eq!(r.token_endpoint.as_deref(), Some("https://oidc/token"));
    assert_eq!(r.client_id, "c");
    assert_eq!(r.client_secret.expose_secret(), "s");
    assert_eq!(
        r.client_id_issued_at,
        Some(UNIX_EPOCH + Duration::from_secs(1))
    );
    assert_eq!(
        r.client_secret_expires_at,
        UNIX_EPOCH + Duration::from_secs(2)
    );
}

#[tokio::test]
async fn start_device_authorization_shape() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/device_authorization"))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({
            "clientId": "cid", "clientSecret": "cs", "startUrl": "https://d-1.awsapps.com/start"
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "deviceCode": "dev-code-789",
            "userCode": "ABCD-EFGH",
            "verificationUri": "https://device.sso.us-east-1.amazonaws.com/",
            "verificationUriComplete": "https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH",
            "expiresIn": 600,
            "interval": 1,
        })))
        .expect(1)
        .mount(&server)
        .await;
    let d = client(&server)
        .await
        .start_device_authorization(
            "cid",
            &ClientSecret::new("cs"),
            "https://d-1.awsapps.com/start",
        )
        .await
        .unwrap();
    assert_eq!(d.device_code.expose_secret(), "dev-code-789");
    assert_eq!(d.user_code, "ABCD-EFGH");
    assert_eq!(
        d.verification_uri,
        "https://device.sso.us-east-1.amazonaws.com/"
    );
    assert!(
        d.verification_uri_complete
            .unwrap()
            .ends_with("user_code=ABCD-EFGH")
    );
    assert_eq!(d.expires_in, Duration::from_secs(600));
    assert_eq!(d.interval, Duration::from_secs(1));
}

#[tokio::test]
async fn device_authorization_interval_defaults_to_five_seconds() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/device_authorization"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "deviceCode": "d", "userCode": "u", "verificationUri": "https://v", "expiresIn": 600,
        })))
        .mount(&server)
        .await;
    let d = client(&server)
        .await
        .start_device_authorization("cid", &ClientSecret::new("cs"), "https://s")
        .await
        .unwrap();
    assert_eq!(d.interval, Duration::from_secs(5));
    assert_eq!(d.verification_uri_complete, None);
}

async fn token_endpoint(server: &MockServer, expected: Value) {
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(header("content-type", "application/json"))
        .and(body_json(expected))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "accessToken": "at-1",
            "tokenType": "Bearer",
            "expiresIn": 28800,
            "refreshToken": "rt-2",
            "idToken": "id-3",
        })))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn create_token_device_code_grant() {
    let server = MockServer::start().await;
    token_endpoint(
        &server,
        json!({
            "clientId": "cid", "clientSecret": "cs",
            "grantType": "urn:ietf:params:oauth:grant-type:device_code",
            "deviceCode": "dc",
        }),
    )
    .await;
    let t = client(&server)
        .await
        .create_token(&CreateTokenRequest::device_code(
            "cid",
            ClientSecret::new("cs"),
            DeviceCode::new("dc"),
        ))
        .await
        .unwrap();
    assert_eq!(t.access_token.expose_secret(), "at-1");
    assert_eq!(t.token_type.as_deref(), Some("Bearer"));
    assert_eq!(t.expires_in, Duration::from_secs(28800));
    assert_eq!(t.refresh_token.unwrap().expose_secret(), "rt-2");
}

#[tokio::test]
async fn create_token_refresh_grant() {
    let server = MockServer::start().await;
    token_endpoint(
        &server,
        json!({"clientId": "cid", "clientSecret": "cs", "grantType": "refresh_token", "refreshToken": "rt"}),
    )
    .await;
    let t = client(&server)
        .await
        .create_token(&refresh_request())
        .await
        .unwrap();
    assert_eq!(
        t.expires_at(UNIX_EPOCH + Duration::from_secs(100)),
        UNIX_EPOCH + Duration::from_secs(28900)
    );
}

#[tokio::test]
async fn create_token_authorization_code_grant() {
    let server = MockServer::start().await;
    token_endpoint(
        &server,
        json!({
            "clientId": "cid", "clientSecret": "cs", "grantType": "authorization_code",
            "code": "the-code", "codeVerifier": "the-verifier",
            "redirectUri": "http://127.0.0.1:54321/oauth/callback",
        }),
    )
    .await;
    let request = CreateTokenRequest::authorization_code(
        "cid",
        ClientSecret::new("cs"),
        AuthorizationCode::new("the-code"),
        CodeVerifier::new("the-verifier"),
        "http://127.0.0.1:54321/oauth/callback",
    );
    client(&server).await.create_token(&request).await.unwrap();
}

#[tokio::test]
async fn create_token_without_refresh_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"accessToken": "at", "expiresIn": 3600, "refreshToken": null}),
            ),
        )
        .mount(&server)
        .await;
    let t = client(&server)
        .await
        .create_token(&refresh_request())
        .await
        .unwrap();
    assert!(t.refresh_token.is_none());
    assert!(t.token_type.is_none());
}

/// Every OIDC error: exception name, OAuth code, HTTP status.
const OIDC_ERRORS: [(&str, &str, u16); 13] = [
    (
        "AuthorizationPendingException",
        "authorization_pending",
        400,
    ),
    ("SlowDownException", "slow_down", 400),
    ("ExpiredTokenException", "expired_token", 400),
    ("AccessDeniedException", "access_denied", 400),
    ("InvalidGrantException", "invalid_grant", 400),
    ("InvalidClientException", "invalid_client", 401),
    ("InvalidRequestException", "invalid_request", 400),
    ("InvalidScopeException", "invalid_scope", 400),
    ("UnauthorizedClientException", "unauthorized_client", 400),
    (
        "UnsupportedGrantTypeException",
        "unsupported_grant_type",
        400,
    ),
    (
        "InvalidClientMetadataException",
        "invalid_client_metadata",
        400,
    ),
    ("InvalidRedirectUriException", "invalid_redirect_uri", 400),
    ("InternalServerException", "server_error", 500),
];

fn variant_matches(name: &str, e: &ServiceError) -> bool {
    let want = match name {
        "AuthorizationPendingException" => ErrorCode::AuthorizationPending,
        "SlowDownException" => ErrorCode::SlowDown,
        "ExpiredTokenException" => ErrorCode::ExpiredToken,
        "AccessDeniedException" => ErrorCode::AccessDenied,
        "InvalidGrantException" => ErrorCode::InvalidGrant,
        "InvalidClientException" => ErrorCode::InvalidClient,
        "InvalidRequestException" => ErrorCode::InvalidRequest,
        "InvalidScopeException" => ErrorCode::InvalidScope,
        "UnauthorizedClientException" => ErrorCode::UnauthorizedClient,
        "UnsupportedGrantTypeException" => ErrorCode::UnsupportedGrantType,
        "InvalidClientMetadataException" => ErrorCode::InvalidClientMetadata,
        "InvalidRedirectUriException" => ErrorCode::InvalidRedirectUri,
        "InternalServerException" => ErrorCode::InternalServer,
        _ => return false,
    };
    e.code() == Some(&want)
}

/// Sends CreateToken to a server answering with `response`; returns the error and how
/// many requests the server saw.
async fn fail_with(response: ResponseTemplate) -> (ServiceError, usize) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(response)
        .mount(&server)
        .await;
    let e = client(&server)
        .await
        .create_token(&refresh_request())
        .await
        .unwrap_err();
    let n = server.received_requests().await.unwrap().len();
    (e, n)
}

#[tokio::test]
async fn errors_from_the_real_header_form() {
    for (name, oauth, status) in OIDC_ERRORS {
        let description = format!("description of {oauth}");
        let (e, requests) = fail_with(
            ResponseTemplate::new(status)
                .insert_header("x-amzn-ErrorType", format!("{name}{ERROR_NS}").as_str())
                .set_body_json(json!({"error": oauth, "error_description": description})),
        )
        .await;
        assert!(variant_matches(name, &e), "{name}: {e:?}");
        assert_eq!(e.service_code(), Some(name));
        assert_eq!(e.status(), Some(status));
        let text = e.to_string();
        assert!(text.starts_with("CreateToken: "), "{text}");
        assert!(text.contains(&format!("HTTP {status}")), "{text}");
        assert!(text.contains(&description), "{text}");
        // Only the 500 is retried (three attempts with this policy).
        let expected_requests = if status == 500 { 3 } else { 1 };
        assert_eq!(requests, expected_requests, "{name}");
        assert_eq!(e.is_retryable(), status == 500, "{name}");
    }
}

#[tokio::test]
async fn errors_from_the_body_only() {
    for (name, oauth, status) in OIDC_ERRORS {
        let (e, _) =
            fail_with(ResponseTemplate::new(status).set_body_json(json!({"error": oauth}))).await;
        assert!(variant_matches(name, &e), "{name}: {e:?}");
        assert_eq!(e.service_code(), Some(name));
    }
}

#[tokio::test]
async fn errors_from_type_only() {
    for (name, _, status) in OIDC_ERRORS {
        let (e, _) = fail_with(ResponseTemplate::new(status).set_body_json(
            json!({"__type": format!("com.amazonaws.ssooidc#{name}"), "message": "m"}),
        ))
        .await;
        assert!(variant_matches(name, &e), "{name}: {e:?}");
        assert!(e.to_string().contains(": m"), "{e}");
    }
}

#[tokio::test]
async fn header_wins_over_the_body() {
    let (e, _) = fail_with(
        ResponseTemplate::new(400)
            .insert_header("x-amzn-ErrorType", "InvalidGrantException")
            .set_body_json(json!({"error": "authorization_pending"})),
    )
    .await;
    assert_eq!(e.code(), Some(&ErrorCode::InvalidGrant), "{e:?}");
    let text = e.to_string();
    assert!(
        text.contains("the SSO session has ended or the refresh token was revoked")
            && text.contains("log in again"),
        "{text}"
    );
    assert!(e.requires_login());
}

#[tokio::test]
async fn unknown_error_is_other_with_its_code() {
    let (e, requests) = fail_with(
        ResponseTemplate::new(400)
            .insert_header("x-amzn-ErrorType", "InvalidRequestRegionException:uri")
            .set_body_json(
                json!({"error": "invalid_request_region", "error_description": "wrong region"}),
            ),
    )
    .await;
    assert_eq!(requests, 1);
    match &e {
        ServiceError::Response(ResponseError {
            code: ErrorCode::Other(code),
            status,
            message,
            ..
        }) => {
            assert_eq!(*status, 400);
            assert_eq!(code.as_deref(), Some("InvalidRequestRegionException"));
            assert_eq!(message.as_deref(), Some("wrong region"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn malformed_json_and_missing_fields() {
    let cases: [(ResponseTemplate, &str); 5] = [
        (
            ResponseTemplate::new(200).set_body_string("{not json"),
            "not JSON",
        ),
        (ResponseTemplate::new(200), "empty"),
        (
            ResponseTemplate::new(200).set_body_json(json!([1, 2])),
            "not a JSON object",
        ),
        (
            ResponseTemplate::new(200).set_body_json(json!({"expiresIn": 3600})),
            "`accessToken` is missing",
        ),
        (
            ResponseTemplate::new(200)
                .set_body_json(json!({"accessToken": "at", "expiresIn": "soon"})),
            "`expiresIn` is not a number",
        ),
    ];
    for (response, reason) in cases {
        let (e, requests) = fail_with(response).await;
        assert!(matches!(e, ServiceError::MalformedResponse { .. }), "{e:?}");
        assert!(e.to_string().contains(reason), "{e} / {reason}");
        assert!(e.to_string().starts_with("CreateToken: "), "{e}");
        assert_eq!(requests, 1, "a malformed success is not retried");
    }
}

#[tokio::test]
async fn register_client_missing_expiry_is_malformed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/client/register"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"clientId": "c", "clientSecret": "s"})),
        )
        .mount(&server)
        .await;
    let e = client(&server)
        .await
        .register_client(&RegisterClientRequest::public("n", None))
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains("`clientSecretExpiresAt` is missing"),
        "{e}"
    );
}

#[tokio::test]
async fn endpoint_path_prefix_is_kept() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/prefix/token"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"accessToken": "a", "expiresIn": 1})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let c = OidcClient::new(&format!("{}/prefix/", server.uri()), &settings()).unwrap();
    c.create_token(&refresh_request()).await.unwrap();
}
