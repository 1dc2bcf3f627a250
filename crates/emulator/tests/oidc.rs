//! SSO OIDC over HTTP: every operation, every error with its status, header and body.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use serde_json::json;
use support::*;

#[tokio::test]
async fn register_client_answers_like_the_service() {
    let emu = start().await;
    let r = post(
        emu.url(),
        "/client/register",
        json!({"clientName": "botocore-client-my-sso", "clientType": "public", "scopes": ["sso:account:access"]}),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.error_type, None);
    let issued = r.body["clientIdIssuedAt"].as_u64().unwrap();
    let expires = r.body["clientSecretExpiresAt"].as_u64().unwrap();
    assert_eq!(expires - issued, 90 * 86_400);
    assert!(r.body["clientId"].as_str().unwrap().len() >= 16);
    assert!(r.body["clientSecret"].as_str().unwrap().len() >= 64);
}

#[tokio::test]
async fn register_client_errors() {
    let emu = start().await;
    let url = emu.url();
    let cases = [
        (
            json!({"clientType": "public"}),
            400,
            "InvalidRequestException",
            "invalid_request",
        ),
        (
            json!({"clientName": "x"}),
            400,
            "InvalidRequestException",
            "invalid_request",
        ),
        (
            json!({"clientName": "x", "clientType": "confidential"}),
            400,
            "InvalidClientMetadataException",
            "invalid_client_metadata",
        ),
        (
            json!({"clientName": "x", "clientType": "public", "scopes": ["bogus scope"]}),
            400,
            "InvalidScopeException",
            "invalid_scope",
        ),
        (
            json!({"clientName": "x", "clientType": "public", "grantTypes": ["password"]}),
            400,
            "UnsupportedGrantTypeException",
            "unsupported_grant_type",
        ),
        (
            json!({"clientName": "x", "clientType": "public", "grantTypes": ["authorization_code"],
                   "redirectUris": ["https://evil.example.com/cb"], "issuerUrl": START_URL}),
            400,
            "InvalidRedirectUriException",
            "invalid_redirect_uri",
        ),
        (
            json!({"clientName": "x", "clientType": "public", "grantTypes": ["authorization_code"],
                   "issuerUrl": START_URL}),
            400,
            "InvalidRedirectUriException",
            "invalid_redirect_uri",
        ),
        (
            json!({"clientName": "x", "clientType": "public", "grantTypes": ["authorization_code"],
                   "redirectUris": ["http://127.0.0.1/oauth/callback"]}),
            400,
            "InvalidRequestException",
            "invalid_request",
        ),
    ];
    for (body, status, name, code) in cases {
        post(url, "/client/register", body)
            .await
            .assert_oidc_error(status, name, code);
    }
}

#[tokio::test]
async fn start_device_authorization_answers_like_the_service() {
    let emu = start().await;
    let client = register(emu.url(), None).await;
    let d = start_device(emu.url(), &client).await;
    let user_code = d["userCode"].as_str().unwrap();
    assert_eq!(user_code.len(), 9);
    assert_eq!(d["verificationUri"], format!("{}/device", emu.url()));
    assert_eq!(
        d["verificationUriComplete"],
        format!("{}/device?user_code={user_code}", emu.url())
    );
    assert_eq!(d["expiresIn"], 600);
    assert_eq!(d["interval"], 1);
    assert!(d["deviceCode"].as_str().unwrap().len() >= 40);
    assert_eq!(emu.pending_user_codes(), [user_code]);
}

#[tokio::test]
async fn start_device_authorization_errors() {
    let emu = start().await;
    let url = emu.url();
    let (id, secret) = register(url, None).await;
    post(
        url,
        "/device_authorization",
        json!({"clientId": id, "clientSecret": secret}),
    )
    .await
    .assert_oidc_error(400, "InvalidRequestException", "invalid_request");
    post(
        url,
        "/device_authorization",
        json!({"clientId": id, "clientSecret": secret, "startUrl": "not a url"}),
    )
    .await
    .assert_oidc_error(400, "InvalidRequestException", "invalid_request");
    post(
        url,
        "/device_authorization",
        json!({"clientId": id, "clientSecret": "wrong", "startUrl": START_URL}),
    )
    .await
    .assert_oidc_error(401, "InvalidClientException", "invalid_client");
    post(
        url,
        "/device_authorization",
        json!({"clientId": "nobody", "clientSecret": secret, "startUrl": START_URL}),
    )
    .await
    .assert_oidc_error(401, "InvalidClientException", "invalid_client");
    // A PKCE-only registration may not start a device authorization.
    let r = post(
        url,
        "/client/register",
        json!({"clientName": "cli", "clientType": "public", "grantTypes": ["authorization_code", "refresh_token"],
               "redirectUris": ["http://127.0.0.1/oauth/callback"], "issuerUrl": START_URL,
               "scopes": ["sso:account:access"]}),
    )
    .await;
    post(
        url,
        "/device_authorization",
        json!({"clientId": r.body["clientId"], "clientSecret": r.body["clientSecret"], "startUrl": START_URL}),
    )
    .await
    .assert_oidc_error(400, "UnauthorizedClientException", "unauthorized_client");
    // An expired registration is an invalid client.
    emu.advance_clock(Duration::from_secs(91 * 86_400));
    post(
        url,
        "/device_authorization",
        json!({"clientId": id, "clientSecret": secret, "startUrl": START_URL}),
    )
    .await
    .assert_oidc_error(401, "InvalidClientException", "invalid_client");
}

#[tokio::test]
async fn device_flow_pending_slow_down_approve() {
    // A long interval, so that "polled again at once" holds however slow the machine
    // is; the emulator's clock, not a sleep, then moves past it.
    let emu = builder().poll_interval_secs(60).start().await.unwrap();
    let url = emu.url();
    let client = register(url, Some(&["sso:account:access"])).await;
    let d = start_device(url, &client).await;
    let code = d["deviceCode"].as_str().unwrap();
    let first = poll(url, &client, code).await;
    first.assert_oidc_error(
        400,
        "AuthorizationPendingException",
        "authorization_pending",
    );
    assert_eq!(
        first.body["error_description"],
        "Authorization is still pending"
    );
    // Polled again at once: faster than the 60 s interval.
    poll(url, &client, code)
        .await
        .assert_oidc_error(400, "SlowDownException", "slow_down");
    emu.approve(d["userCode"].as_str().unwrap()).unwrap();
    emu.advance_clock(Duration::from_secs(61));
    let ok = poll(url, &client, code).await;
    assert_eq!(ok.status, 200, "{ok:?}");
    assert_eq!(ok.body["tokenType"], "Bearer");
    assert_eq!(ok.body["expiresIn"], 3600);
    assert!(ok.body["accessToken"].as_str().unwrap().starts_with("aoa"));
    assert!(ok.body["refreshToken"].as_str().unwrap().starts_with("aor"));
    // The device code is used up.
    emu.advance_clock(Duration::from_secs(61));
    poll(url, &client, code)
        .await
        .assert_oidc_error(400, "InvalidGrantException", "invalid_grant");
    let s = emu.sessions();
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].start_url.as_deref(), Some(START_URL));
    assert_eq!(s[0].client_name, "test-client");
}

#[tokio::test]
async fn device_flow_denied_and_expired() {
    let emu = start().await;
    let url = emu.url();
    let client = register(url, None).await;
    let d = start_device(url, &client).await;
    emu.deny(d["userCode"].as_str().unwrap()).unwrap();
    poll(url, &client, d["deviceCode"].as_str().unwrap())
        .await
        .assert_oidc_error(400, "AccessDeniedException", "access_denied");

    let d = start_device(url, &client).await;
    emu.advance_clock(Duration::from_secs(601));
    poll(url, &client, d["deviceCode"].as_str().unwrap())
        .await
        .assert_oidc_error(400, "ExpiredTokenException", "expired_token");
    assert!(emu.approve(d["userCode"].as_str().unwrap()).is_err());
}

#[tokio::test]
async fn auto_approve_after_n_polls() {
    let emu = builder().auto_approve_after_polls(1).start().await.unwrap();
    let url = emu.url();
    let client = register(url, None).await;
    let d = start_device(url, &client).await;
    let code = d["deviceCode"].as_str().unwrap();
    poll(url, &client, code).await.assert_oidc_error(
        400,
        "AuthorizationPendingException",
        "authorization_pending",
    );
    emu.advance_clock(Duration::from_secs(2));
    let ok = poll(url, &client, code).await;
    assert_eq!(ok.status, 200);
    assert!(
        ok.body.get("refreshToken").is_none(),
        "no refresh token for a registration without scopes"
    );
}

#[tokio::test]
async fn refresh_grant_and_its_errors() {
    let emu = start_auto().await;
    let url = emu.url();
    let (client, token) = login(url, Some(&["sso:account:access"])).await;
    let refresh = token["refreshToken"].as_str().unwrap();
    let body = |rt: &str| json!({"clientId": client.0, "clientSecret": client.1, "grantType": "refresh_token", "refreshToken": rt});
    let r = post(url, "/token", body(refresh)).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_ne!(r.body["accessToken"], token["accessToken"]);
    assert!(r.body["refreshToken"].is_string());

    post(url, "/token", body("aor-unknown"))
        .await
        .assert_oidc_error(400, "InvalidGrantException", "invalid_grant");
    let other = register(url, Some(&["sso:account:access"])).await;
    post(
        url,
        "/token",
        json!({"clientId": other.0, "clientSecret": other.1, "grantType": "refresh_token", "refreshToken": refresh}),
    )
    .await
    .assert_oidc_error(400, "InvalidGrantException", "invalid_grant");
    post(
        url,
        "/token",
        json!({"clientId": client.0, "clientSecret": client.1, "grantType": "refresh_token"}),
    )
    .await
    .assert_oidc_error(400, "InvalidRequestException", "invalid_request");
    post(
        url,
        "/token",
        json!({"clientId": client.0, "clientSecret": client.1, "grantType": "refresh_token",
               "refreshToken": refresh, "scope": ["codewhisperer:completions"]}),
    )
    .await
    .assert_oidc_error(400, "InvalidScopeException", "invalid_scope");

    // Revoking the session ends refresh.
    assert_eq!(emu.revoke_all_sessions(), 1);
    post(url, "/token", body(refresh)).await.assert_oidc_error(
        400,
        "InvalidGrantException",
        "invalid_grant",
    );
}

#[tokio::test]
async fn refresh_ends_with_the_session() {
    let emu = builder()
        .auto_approve_after_polls(0)
        .session_lifetime(Duration::from_secs(7200))
        .start()
        .await
        .unwrap();
    let url = emu.url();
    let (client, token) = login(url, Some(&["sso:account:access"])).await;
    let body = json!({"clientId": client.0, "clientSecret": client.1, "grantType": "refresh_token",
                      "refreshToken": token["refreshToken"]});
    emu.advance_clock(Duration::from_secs(7000));
    let r = post(url, "/token", body.clone()).await;
    assert!(r.body["expiresIn"].as_u64().unwrap() <= 200, "{r:?}");
    emu.advance_clock(Duration::from_secs(300));
    post(url, "/token", body).await.assert_oidc_error(
        400,
        "InvalidGrantException",
        "invalid_grant",
    );
}

#[tokio::test]
async fn create_token_errors() {
    let emu = start_auto().await;
    let url = emu.url();
    let (id, secret) = register(url, None).await;
    let cases = [
        (
            json!({"clientSecret": secret, "grantType": DEVICE_GRANT, "deviceCode": "x"}),
            400,
            "InvalidRequestException",
            "invalid_request",
        ),
        (
            json!({"clientId": id, "clientSecret": secret, "deviceCode": "x"}),
            400,
            "InvalidRequestException",
            "invalid_request",
        ),
        (
            json!({"clientId": id, "clientSecret": "bad", "grantType": DEVICE_GRANT, "deviceCode": "x"}),
            401,
            "InvalidClientException",
            "invalid_client",
        ),
        (
            json!({"clientId": id, "clientSecret": secret, "grantType": "password"}),
            400,
            "UnsupportedGrantTypeException",
            "unsupported_grant_type",
        ),
        (
            json!({"clientId": id, "clientSecret": secret, "grantType": "authorization_code", "code": "c", "codeVerifier": "v", "redirectUri": "http://127.0.0.1/cb"}),
            400,
            "UnauthorizedClientException",
            "unauthorized_client",
        ),
        (
            json!({"clientId": id, "clientSecret": secret, "grantType": DEVICE_GRANT}),
            400,
            "InvalidRequestException",
            "invalid_request",
        ),
        (
            json!({"clientId": id, "clientSecret": secret, "grantType": DEVICE_GRANT, "deviceCode": "unknown"}),
            400,
            "InvalidGrantException",
            "invalid_grant",
        ),
        (
            json!({"clientId": id, "clientSecret": secret, "grantType": "refresh_token", "refreshToken": "x"}),
            400,
            "InvalidGrantException",
            "invalid_grant",
        ),
    ];
    for (body, status, name, code) in cases {
        post(url, "/token", body)
            .await
            .assert_oidc_error(status, name, code);
    }
    // CreateTokenWithIAM is another operation on the same path.
    reply(
        http()
            .post(format!("{url}/token?aws_iam=t"))
            .json(&json!({"clientId": id, "grantType": "refresh_token"}))
            .send()
            .await
            .unwrap(),
    )
    .await
    .assert_oidc_error(400, "InvalidRequestException", "invalid_request");
}

#[tokio::test]
async fn a_device_code_of_another_client_is_invalid() {
    let emu = start_auto().await;
    let url = emu.url();
    let a = register(url, None).await;
    let b = register(url, None).await;
    let d = start_device(url, &a).await;
    poll(url, &b, d["deviceCode"].as_str().unwrap())
        .await
        .assert_oidc_error(400, "InvalidGrantException", "invalid_grant");
}
