//! The SSO portal over HTTP: role credentials, accounts and roles with pagination,
//! logout, and the errors.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use serde_json::json;
use ssokit_emulator::{Account, Emulator};
use support::*;

#[tokio::test]
async fn get_role_credentials_returns_expiring_credentials() {
    let emu = builder()
        .auto_approve_after_polls(0)
        .credentials_lifetime(Duration::from_secs(900))
        .start()
        .await
        .unwrap();
    let token = access_token(emu.url()).await;
    let r = portal_get(
        emu.url(),
        "/federation/credentials?role_name=ReadOnly&account_id=111122223333",
        &token,
    )
    .await;
    assert_eq!(r.status, 200, "{r:?}");
    let c = &r.body["roleCredentials"];
    assert!(c["accessKeyId"].as_str().unwrap().starts_with("ASIA"));
    assert_eq!(c["secretAccessKey"].as_str().unwrap().len(), 40);
    assert!(c["sessionToken"].as_str().unwrap().len() > 100);
    let expiration_ms = c["expiration"].as_u64().unwrap();
    let last = emu.request_log().last().unwrap().at_ms;
    let lifetime = expiration_ms - last;
    assert!((899_000..=901_000).contains(&lifetime), "{lifetime}");
}

#[tokio::test]
async fn get_role_credentials_errors() {
    let emu = start_auto().await;
    let url = emu.url();
    let token = access_token(url).await;
    let path = "/federation/credentials?role_name=ReadOnly&account_id=111122223333";
    portal_get(url, path, "not-a-token")
        .await
        .assert_portal_error(401, "UnauthorizedException");
    let r = reply(http().get(format!("{url}{path}")).send().await.unwrap()).await;
    r.assert_portal_error(401, "UnauthorizedException");
    assert_eq!(r.body["message"], "Session token not found or invalid");
    for unassigned in [
        "/federation/credentials?role_name=Admin&account_id=444455556666",
        "/federation/credentials?role_name=ReadOnly&account_id=777788889999",
        "/federation/credentials?role_name=ReadOnly&account_id=000000000000",
    ] {
        portal_get(url, unassigned, &token)
            .await
            .assert_portal_error(404, "ResourceNotFoundException");
    }
    portal_get(url, "/federation/credentials?role_name=ReadOnly", &token)
        .await
        .assert_portal_error(400, "InvalidRequestException");
    // An expired token is rejected even though it was valid.
    emu.advance_clock(Duration::from_secs(3601));
    portal_get(url, path, &token)
        .await
        .assert_portal_error(401, "UnauthorizedException");
}

#[tokio::test]
async fn list_accounts_and_roles() {
    let emu = start_auto().await;
    let url = emu.url();
    let token = access_token(url).await;
    let r = portal_get(url, "/assignment/accounts", &token).await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.body,
        json!({"accountList": [
            {"accountId": "111122223333", "accountName": "Development", "emailAddress": "development@example.com"},
            {"accountId": "444455556666", "accountName": "Production", "emailAddress": "prod@example.com"}
        ]})
    );
    let r = portal_get(url, "/assignment/roles?account_id=111122223333", &token).await;
    assert_eq!(
        r.body,
        json!({"roleList": [
            {"roleName": "ReadOnly", "accountId": "111122223333"},
            {"roleName": "Admin", "accountId": "111122223333"}
        ]})
    );
    portal_get(url, "/assignment/roles?account_id=777788889999", &token)
        .await
        .assert_portal_error(404, "ResourceNotFoundException");
    portal_get(url, "/assignment/roles", &token)
        .await
        .assert_portal_error(400, "InvalidRequestException");
    portal_get(url, "/assignment/accounts", "bad")
        .await
        .assert_portal_error(401, "UnauthorizedException");
}

#[tokio::test]
async fn pagination_follows_next_token() {
    let accounts: Vec<Account> = (0..45)
        .map(|i| {
            let roles: Vec<String> = (0..7).map(|r| format!("Role{r}")).collect();
            let roles: Vec<&str> = roles.iter().map(String::as_str).collect();
            Account::new(
                format!("{:012}", 100_000_000_000u64 + i),
                format!("Account {i}"),
                &roles,
            )
        })
        .collect();
    let emu = Emulator::builder()
        .accounts(accounts)
        .auto_approve_after_polls(0)
        .start()
        .await
        .unwrap();
    let url = emu.url();
    let token = access_token(url).await;

    // Default page size 20: pages of 20, 20, 5.
    let mut seen = Vec::new();
    let mut next: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &next {
            Some(t) => format!("/assignment/accounts?next_token={t}"),
            None => "/assignment/accounts".to_owned(),
        };
        let r = portal_get(url, &path, &token).await;
        assert_eq!(r.status, 200, "{r:?}");
        pages += 1;
        for a in r.body["accountList"].as_array().unwrap() {
            seen.push(a["accountId"].as_str().unwrap().to_owned());
        }
        match r.body.get("nextToken").and_then(|t| t.as_str()) {
            Some(t) => next = Some(t.to_owned()),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 45);
    seen.dedup();
    assert_eq!(seen.len(), 45);

    // max_result 3 over 7 roles: 3, 3, 1.
    let mut sizes = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let mut path = "/assignment/roles?account_id=100000000003&max_result=3".to_owned();
        if let Some(t) = &next {
            path.push_str(&format!("&next_token={t}"));
        }
        let r = portal_get(url, &path, &token).await;
        sizes.push(r.body["roleList"].as_array().unwrap().len());
        match r.body.get("nextToken").and_then(|t| t.as_str()) {
            Some(t) => next = Some(t.to_owned()),
            None => break,
        }
    }
    assert_eq!(sizes, [3, 3, 1]);

    for bad in [
        "max_result=0",
        "max_result=101",
        "max_result=ten",
        "next_token=garbage",
    ] {
        portal_get(url, &format!("/assignment/accounts?{bad}"), &token)
            .await
            .assert_portal_error(400, "InvalidRequestException");
    }
    // A roles token does not work for another account or for accounts.
    let r = portal_get(
        url,
        "/assignment/roles?account_id=100000000003&max_result=1",
        &token,
    )
    .await;
    let t = r.body["nextToken"].as_str().unwrap();
    portal_get(
        url,
        &format!("/assignment/roles?account_id=100000000004&next_token={t}"),
        &token,
    )
    .await
    .assert_portal_error(400, "InvalidRequestException");
    portal_get(url, &format!("/assignment/accounts?next_token={t}"), &token)
        .await
        .assert_portal_error(400, "InvalidRequestException");
}

#[tokio::test]
async fn logout_revokes_the_token_and_its_refresh() {
    let emu = start_auto().await;
    let url = emu.url();
    let (client, token) = login(url, Some(&["sso:account:access"])).await;
    let access = token["accessToken"].as_str().unwrap();
    let r = reply(
        http()
            .post(format!("{url}/logout"))
            .header("x-amz-sso_bearer_token", access)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body, serde_json::Value::Null, "empty body");
    portal_get(url, "/assignment/accounts", access)
        .await
        .assert_portal_error(401, "UnauthorizedException");
    post(
        url,
        "/token",
        json!({"clientId": client.0, "clientSecret": client.1, "grantType": "refresh_token",
               "refreshToken": token["refreshToken"]}),
    )
    .await
    .assert_oidc_error(400, "InvalidGrantException", "invalid_grant");
    // Logging out again: the token is no longer valid.
    let again = reply(
        http()
            .post(format!("{url}/logout"))
            .header("x-amz-sso_bearer_token", access)
            .send()
            .await
            .unwrap(),
    )
    .await;
    again.assert_portal_error(401, "UnauthorizedException");
    assert!(emu.sessions()[0].revoked);
}

#[tokio::test]
async fn revoking_one_session_leaves_the_others() {
    let emu = start_auto().await;
    let url = emu.url();
    let a = access_token(url).await;
    let b = access_token(url).await;
    let sessions = emu.sessions();
    assert_eq!(sessions.len(), 2);
    assert!(emu.revoke_session(sessions[0].id));
    assert!(!emu.revoke_session(sessions[0].id));
    portal_get(url, "/assignment/accounts", &a)
        .await
        .assert_portal_error(401, "UnauthorizedException");
    assert_eq!(
        portal_get(url, "/assignment/accounts", &b).await.status,
        200
    );
}

#[tokio::test]
async fn a_token_without_the_portal_scope_cannot_use_the_portal() {
    let emu = start_auto().await;
    let url = emu.url();
    let (_, token) = login(url, Some(&["codewhisperer:completions"])).await;
    portal_get(
        url,
        "/assignment/accounts",
        token["accessToken"].as_str().unwrap(),
    )
    .await
    .assert_portal_error(401, "UnauthorizedException");
    // Without any scope (a legacy registration) the portal works.
    let (_, legacy) = login(url, None).await;
    let r = portal_get(
        url,
        "/assignment/accounts",
        legacy["accessToken"].as_str().unwrap(),
    )
    .await;
    assert_eq!(r.status, 200);
}

/// `GET /federation` with these query pairs; the status and the body as text.
async fn federation(url: &str, pairs: &[(&str, &str)]) -> (u16, String) {
    let response = http()
        .get(format!("{url}/federation"))
        .query(pairs)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn the_federation_endpoint_signs_in_with_issued_credentials_only() {
    let emu = start_auto().await;
    let url = emu.url();
    let token = access_token(url).await;
    let r = portal_get(
        url,
        "/federation/credentials?role_name=ReadOnly&account_id=111122223333",
        &token,
    )
    .await;
    let c = &r.body["roleCredentials"];
    let session = json!({
        "sessionId": c["accessKeyId"],
        "sessionKey": c["secretAccessKey"],
        "sessionToken": c["sessionToken"],
    })
    .to_string();
    let (status, body) =
        federation(url, &[("Action", "getSigninToken"), ("Session", &session)]).await;
    assert_eq!(status, 200, "{body}");
    let signin: serde_json::Value = serde_json::from_str(&body).unwrap();
    let signin = signin["SigninToken"].as_str().unwrap().to_owned();

    let login = |token: String| async move {
        federation(
            url,
            &[
                ("Action", "login"),
                ("Issuer", "ssokit"),
                ("Destination", "https://us-east-1.console.aws.amazon.com/"),
                ("SigninToken", &token),
            ],
        )
        .await
    };
    let (status, page) = login(signin.clone()).await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("https://us-east-1.console.aws.amazon.com/"),
        "{page}"
    );
    let (status, _) = login("signin-unknown".into()).await;
    assert_eq!(status, 400);

    // Credentials it did not issue, a SessionDuration, no Session: refused.
    let forged = json!({"sessionId": c["accessKeyId"], "sessionKey": "wrong", "sessionToken": c["sessionToken"]}).to_string();
    for pairs in [
        vec![("Action", "getSigninToken"), ("Session", forged.as_str())],
        vec![
            ("Action", "getSigninToken"),
            ("SessionDuration", "3600"),
            ("Session", session.as_str()),
        ],
        vec![("Action", "getSigninToken")],
        vec![("Action", "other")],
    ] {
        let (status, body) = federation(url, &pairs).await;
        assert_eq!(status, 400, "{pairs:?}: {body}");
    }
    // The log shows the action, never the Session or the token.
    let shown: Vec<String> = emu
        .request_log()
        .iter()
        .filter(|r| r.path == "/federation")
        .filter_map(|r| r.query.clone())
        .collect();
    assert!(shown.iter().any(|q| q.contains("Action=getSigninToken")));
    for q in &shown {
        assert!(!q.contains("ASIA") && !q.contains(&signin), "{q}");
    }
}
