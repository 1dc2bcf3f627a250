//! The PKCE authorization-code flow the AWS CLI uses: registration, `GET /authorize`
//! with the CLI's parameters, Allow and Deny, and the code exchange with S256
//! verification.
#![allow(clippy::unwrap_used)]

mod support;

use serde_json::json;
use support::*;
use url::Url;

const CALLBACK: &str = "http://127.0.0.1:53123/oauth/callback";
const VERIFIER: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
/// base64url(SHA-256(VERIFIER)).
const CHALLENGE: &str = "_-BU_nrgy23GXDr5th1SCfQ5hR20PQulmXM33xVGaOs";

/// Registers as the AWS CLI does for PKCE.
async fn register_cli(url: &str) -> (String, String) {
    let r = post(
        url,
        "/client/register",
        json!({"clientName": "botocore-client-my-sso", "clientType": "public",
               "grantTypes": ["authorization_code", "refresh_token"],
               "redirectUris": ["http://127.0.0.1/oauth/callback"],
               "issuerUrl": START_URL, "scopes": ["sso:account:access"]}),
    )
    .await;
    assert_eq!(r.status, 200, "{r:?}");
    (
        r.body["clientId"].as_str().unwrap().to_owned(),
        r.body["clientSecret"].as_str().unwrap().to_owned(),
    )
}

/// The authorize URL exactly as the AWS CLI builds it.
fn authorize_url(base: &str, client_id: &str, redirect: &str, challenge: &str) -> String {
    let enc = |s: &str| {
        url::form_urlencoded::byte_serialize(s.as_bytes())
            .collect::<String>()
            .replace('+', "%20")
    };
    format!(
        "{base}/authorize?response_type=code&client_id={}&redirect_uri={}&state=3f5a9b8e-state&code_challenge_method=S256&scopes={}&code_challenge={}",
        enc(client_id),
        enc(redirect),
        enc("sso:account:access"),
        enc(challenge)
    )
}

async fn get(url: &str) -> reqwest::Response {
    http().get(url).send().await.unwrap()
}

fn location(r: &reqwest::Response) -> Url {
    Url::parse(r.headers()["location"].to_str().unwrap()).unwrap()
}

fn query(url: &Url, key: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

async fn exchange(
    base: &str,
    client: &(String, String),
    code: &str,
    verifier: &str,
    redirect: &str,
) -> Reply {
    post(
        base,
        "/token",
        json!({"clientId": client.0, "clientSecret": client.1, "grantType": "authorization_code",
               "code": code, "codeVerifier": verifier, "redirectUri": redirect}),
    )
    .await
}

/// The hidden request id of the authorize page.
fn request_id(html: &str) -> String {
    let start = html.find("name=\"request\" value=\"").unwrap() + 22;
    html[start..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn auto_approve_redirects_with_code_and_state_and_the_verifier_is_checked() {
    let emu = start_auto().await;
    let base = emu.url();
    let client = register_cli(base).await;
    let r = get(&authorize_url(base, &client.0, CALLBACK, CHALLENGE)).await;
    assert_eq!(r.status(), 302);
    let to = location(&r);
    assert_eq!(to.host_str(), Some("127.0.0.1"));
    assert_eq!(to.port(), Some(53123));
    assert_eq!(to.path(), "/oauth/callback");
    assert_eq!(query(&to, "state").as_deref(), Some("3f5a9b8e-state"));
    let code = query(&to, "code").unwrap();

    let ok = exchange(base, &client, &code, VERIFIER, CALLBACK).await;
    assert_eq!(ok.status, 200, "{ok:?}");
    assert!(ok.body["refreshToken"].is_string());
    let access = ok.body["accessToken"].as_str().unwrap();
    assert_eq!(
        portal_get(base, "/assignment/accounts", access)
            .await
            .status,
        200
    );
    let session = &emu.sessions()[0];
    assert_eq!(session.grant_type, "authorization_code");
    assert_eq!(session.start_url.as_deref(), Some(START_URL));

    // The code is single-use.
    exchange(base, &client, &code, VERIFIER, CALLBACK)
        .await
        .assert_oidc_error(400, "InvalidGrantException", "invalid_grant");
    // The log never shows the code, state or challenge.
    let log = serde_json::to_string(&emu.request_log()).unwrap();
    assert!(!log.contains(&code) && !log.contains("3f5a9b8e") && !log.contains(CHALLENGE));
}

#[tokio::test]
async fn a_wrong_verifier_or_redirect_uri_is_invalid_grant() {
    let emu = start_auto().await;
    let base = emu.url();
    let client = register_cli(base).await;
    let code_for = |_: ()| async {
        let r = get(&authorize_url(base, &client.0, CALLBACK, CHALLENGE)).await;
        query(&location(&r), "code").unwrap()
    };
    let code = code_for(()).await;
    exchange(base, &client, &code, &"b".repeat(64), CALLBACK)
        .await
        .assert_oidc_error(400, "InvalidGrantException", "invalid_grant");
    let code = code_for(()).await;
    exchange(
        base,
        &client,
        &code,
        VERIFIER,
        "http://127.0.0.1:9/oauth/callback",
    )
    .await
    .assert_oidc_error(400, "InvalidGrantException", "invalid_grant");
    let code = code_for(()).await;
    post(
        base,
        "/token",
        json!({"clientId": client.0, "clientSecret": client.1, "grantType": "authorization_code", "code": code, "redirectUri": CALLBACK}),
    )
    .await
    .assert_oidc_error(400, "InvalidRequestException", "invalid_request");
    // Another client cannot use the code.
    let code = code_for(()).await;
    let other = register_cli(base).await;
    exchange(base, &other, &code, VERIFIER, CALLBACK)
        .await
        .assert_oidc_error(400, "InvalidGrantException", "invalid_grant");
}

#[tokio::test]
async fn allow_and_deny_on_the_authorize_page() {
    let emu = start().await;
    let base = emu.url();
    let client = register_cli(base).await;
    let page = get(&authorize_url(base, &client.0, CALLBACK, CHALLENGE)).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("botocore-client-my-sso"), "{html}");
    assert!(html.contains("sso:account:access"));

    let allow = http()
        .post(format!("{base}/authorize"))
        .form(&[
            ("request", request_id(&html).as_str()),
            ("decision", "allow"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(allow.status(), 302);
    let code = query(&location(&allow), "code").unwrap();
    assert_eq!(
        exchange(base, &client, &code, VERIFIER, CALLBACK)
            .await
            .status,
        200
    );

    let html = get(&authorize_url(base, &client.0, CALLBACK, CHALLENGE))
        .await
        .text()
        .await
        .unwrap();
    let id = request_id(&html);
    let deny = http()
        .post(format!("{base}/authorize"))
        .form(&[("request", id.as_str()), ("decision", "deny")])
        .send()
        .await
        .unwrap();
    let to = location(&deny);
    assert_eq!(query(&to, "error").as_deref(), Some("access_denied"));
    assert_eq!(query(&to, "state").as_deref(), Some("3f5a9b8e-state"));
    assert_eq!(query(&to, "code"), None);
    // A request is answered once.
    let again = http()
        .post(format!("{base}/authorize"))
        .form(&[("request", id.as_str()), ("decision", "allow")])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 400);
}

#[tokio::test]
async fn bad_authorize_requests() {
    let emu = start_auto().await;
    let base = emu.url();
    let client = register_cli(base).await;
    // No safe place to redirect to: an error page.
    for url in [
        authorize_url(base, "unknown-client", CALLBACK, CHALLENGE),
        authorize_url(
            base,
            &client.0,
            "https://evil.example.com/oauth/callback",
            CHALLENGE,
        ),
        authorize_url(
            base,
            &client.0,
            "http://127.0.0.1:53123/elsewhere",
            CHALLENGE,
        ),
    ] {
        let r = get(&url).await;
        assert_eq!(r.status(), 400, "{url}");
        assert!(r.headers().get("location").is_none());
    }
    // Otherwise the error goes back to the client.
    let cases = [
        (
            authorize_url(base, &client.0, CALLBACK, CHALLENGE)
                .replace("response_type=code", "response_type=token"),
            "unsupported_response_type",
        ),
        (
            authorize_url(base, &client.0, CALLBACK, CHALLENGE).replace("S256", "plain"),
            "invalid_request",
        ),
        (
            authorize_url(base, &client.0, CALLBACK, "short"),
            "invalid_request",
        ),
        (
            authorize_url(base, &client.0, CALLBACK, CHALLENGE)
                .replace("sso%3Aaccount%3Aaccess", "codewhisperer%3Aanalysis"),
            "invalid_scope",
        ),
    ];
    for (url, error) in cases {
        let r = get(&url).await;
        assert_eq!(r.status(), 302, "{url}");
        assert_eq!(
            query(&location(&r), "error").as_deref(),
            Some(error),
            "{url}"
        );
    }
    // A device-flow registration may not use /authorize.
    let (device_client, _) = register(base, Some(&["sso:account:access"])).await;
    let r = get(&authorize_url(base, &device_client, CALLBACK, CHALLENGE)).await;
    assert_eq!(r.status(), 400, "no redirect URI registered");
}
