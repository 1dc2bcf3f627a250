//! Malformed requests, huge bodies, 1,000 concurrent requests, clean shutdown, the
//! background runner, latency faults, the admin endpoint and the request log.
// The timing tests measure real elapsed time, hence `Instant::now`.
#![allow(clippy::unwrap_used, clippy::print_stdout, clippy::disallowed_methods)]

mod support;

use std::time::Duration;

use serde_json::{Value, json};
use ssokit_emulator::{Emulator, EmulatorConfig, Fault, Operation};
use support::*;

#[test]
fn emulator_types_are_send_and_sync() {
    fn send<T: Send>() {}
    fn sync<T: Sync>() {}
    send::<Emulator>();
    send::<ssokit_emulator::RunningEmulator>();
    send::<ssokit_emulator::BackgroundEmulator>();
    send::<ssokit_emulator::EmulatorControl>();
    sync::<ssokit_emulator::EmulatorControl>();
}

#[tokio::test]
async fn malformed_bodies_get_the_service_error_shape() {
    let emu = start().await;
    let url = emu.url();
    for path in ["/client/register", "/device_authorization", "/token"] {
        for body in [
            &b"{not json"[..],
            b"[1,2,3]",
            b"\"string\"",
            b"{\"clientName\": 5, \"clientType\": []}",
            b"{\"clientId\": {\"nested\": true}}",
            b"\xff\xfe\x00garbage",
            b"",
            b"null",
        ] {
            let r = post_raw(url, path, body.to_vec()).await;
            r.assert_oidc_error(400, "InvalidRequestException", "invalid_request");
        }
    }
    // Wrong member types never echo the value.
    let r = post_raw(
        url,
        "/token",
        &b"{\"clientId\": \"x\", \"clientSecret\": 1234567}"[..],
    )
    .await;
    assert!(!r.body.to_string().contains("1234567"), "{r:?}");
}

#[tokio::test]
async fn huge_bodies_are_rejected_in_the_service_shape() {
    let emu = start().await;
    let huge = vec![b'a'; 10 * 1024 * 1024];
    for path in ["/client/register", "/token"] {
        let r = post_raw(emu.url(), path, huge.clone()).await;
        r.assert_oidc_error(400, "InvalidRequestException", "invalid_request");
        assert!(
            r.body["error_description"]
                .as_str()
                .unwrap()
                .contains("larger than")
        );
    }
    // Still serving.
    register(emu.url(), None).await;
}

#[tokio::test]
async fn unknown_paths_and_methods() {
    let emu = start().await;
    let r = reply(
        http()
            .get(format!("{}/nope", emu.url()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 404);
    assert!(
        r.error_type
            .unwrap()
            .starts_with("UnknownOperationException:")
    );
    let r = reply(
        http()
            .get(format!("{}/token", emu.url()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 405);
    let r = reply(
        http()
            .delete(format!("{}/federation/credentials", emu.url()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 405);
    // Odd query strings and headers do not hurt the portal.
    let r = reply(
        http()
            .get(format!(
                "{}/assignment/roles?account_id=%ZZ&&=&max_result=%00",
                emu.url()
            ))
            .header(
                "x-amz-sso_bearer_token",
                reqwest::header::HeaderValue::from_bytes(b"\xfftoken").unwrap(),
            )
            .send()
            .await
            .unwrap(),
    )
    .await;
    r.assert_portal_error(401, "UnauthorizedException");
    let r = post_raw(emu.url(), "/device?x=1", &b"%%%"[..]).await;
    assert_eq!(r.status, 400);
    let r = reply(
        http()
            .get(format!("{}/authorize?%FF", emu.url()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_requests() {
    let emu = start_auto().await;
    let url = emu.url().to_owned();
    let token = access_token(&url).await;
    let client = register(&url, Some(&["sso:account:access"])).await;
    emu.clear_request_log();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(1000)
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let mut tasks = Vec::new();
    for i in 0..1000 {
        let (http, url, token, client) = (http.clone(), url.clone(), token.clone(), client.clone());
        tasks.push(tokio::spawn(async move {
            let response = match i % 4 {
                0 => http
                    .get(format!("{url}/federation/credentials?role_name=ReadOnly&account_id=111122223333"))
                    .header("x-amz-sso_bearer_token", &token)
                    .send()
                    .await,
                1 => http
                    .get(format!("{url}/assignment/accounts?max_result=1"))
                    .header("x-amz-sso_bearer_token", &token)
                    .send()
                    .await,
                2 => http
                    .post(format!("{url}/device_authorization"))
                    .json(&json!({"clientId": client.0, "clientSecret": client.1, "startUrl": START_URL}))
                    .send()
                    .await,
                _ => http
                    .post(format!("{url}/client/register"))
                    .json(&json!({"clientName": format!("c{i}"), "clientType": "public"}))
                    .send()
                    .await,
            };
            response.unwrap().status().as_u16()
        }));
    }
    let mut ok = 0;
    for task in tasks {
        if task.await.unwrap() == 200 {
            ok += 1;
        }
    }
    let elapsed = started.elapsed();
    println!("1000 concurrent requests: {ok} OK in {elapsed:?}");
    assert_eq!(ok, 1000);
    assert_eq!(emu.request_log().len(), 1000);
    assert_eq!(emu.pending_user_codes().len(), 250);
    assert!(elapsed < Duration::from_secs(30), "{elapsed:?}");
}

#[tokio::test]
async fn shutdown_is_clean_and_frees_the_port() {
    let emu = start().await;
    let url = emu.url().to_owned();
    let port: u16 = url.rsplit(':').next().unwrap().parse().unwrap();
    // A keep-alive connection does not hold the shutdown up.
    let http = http();
    http.get(format!("{url}/_emulator/health"))
        .send()
        .await
        .unwrap();
    tokio::time::timeout(Duration::from_secs(3), emu.shutdown())
        .await
        .expect("shutdown took too long")
        .unwrap();
    assert!(
        http.get(format!("{url}/_emulator/health"))
            .send()
            .await
            .is_err()
    );
    // The same port can be bound again.
    let again = Emulator::builder().port(port).start().await.unwrap();
    assert_eq!(again.url(), url);
    again.shutdown().await.unwrap();
}

#[test]
fn background_emulator_runs_without_a_runtime() {
    let emu = Emulator::builder()
        .accounts(accounts())
        .auto_approve_after_polls(0)
        .start_in_background()
        .unwrap();
    let url = emu.url().to_owned();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let token = runtime.block_on(access_token(&url));
    assert!(!token.is_empty());
    assert_eq!(emu.sessions().len(), 1);
    emu.stop();
    assert!(
        runtime
            .block_on(http().get(format!("{url}/_emulator/health")).send())
            .is_err()
    );
}

#[test]
fn a_busy_port_is_a_clear_error() {
    let holder = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = holder.local_addr().unwrap().port();
    let err = Emulator::builder()
        .port(port)
        .start_in_background()
        .unwrap_err();
    assert!(
        err.to_string().contains(&format!("127.0.0.1:{port}")),
        "{err}"
    );
    let mut config = EmulatorConfig::default();
    config.poll_interval_secs = 0;
    let err = Emulator::new(config).start_in_background().unwrap_err();
    assert!(err.to_string().contains("poll interval"), "{err}");
}

#[tokio::test]
async fn latency_fault_delays_only_its_operation() {
    let emu = start().await;
    emu.inject_fault(Fault::latency(Duration::from_millis(300)).on(Operation::RegisterClient))
        .unwrap();
    let t = std::time::Instant::now();
    register(emu.url(), None).await;
    assert!(t.elapsed() >= Duration::from_millis(300));
    post(emu.url(), "/device_authorization", json!({})).await;
    // The other operation was not delayed: no fault is recorded for it (its duration is
    // not asserted, since a busy machine can make any request slow).
    let log = emu.request_log();
    assert_eq!(log[0].fault.as_deref(), Some("latency 300 ms"));
    assert!(log[0].duration_ms >= 300);
    assert_eq!(log[1].path, "/device_authorization");
    assert_eq!(log[1].fault, None);
    assert!(emu.inject_fault(Fault::fail(1, 302)).is_err());
}

#[tokio::test]
async fn the_request_log_holds_no_secret() {
    let emu = start_auto().await;
    let url = emu.url();
    let (client, token) = login(url, Some(&["sso:account:access"])).await;
    let access = token["accessToken"].as_str().unwrap();
    portal_get(url, "/assignment/accounts", access).await;
    post(
        url,
        "/token",
        json!({"clientId": client.0, "clientSecret": client.1, "grantType": "refresh_token",
               "refreshToken": token["refreshToken"]}),
    )
    .await;
    let log = emu.request_log();
    let ops: Vec<_> = log.iter().map(|r| r.operation.unwrap().name()).collect();
    assert_eq!(
        ops,
        [
            "RegisterClient",
            "StartDeviceAuthorization",
            "CreateToken",
            "ListAccounts",
            "CreateToken"
        ]
    );
    assert_eq!(
        log[2].detail.as_deref(),
        Some("urn:ietf:params:oauth:grant-type:device_code")
    );
    assert_eq!(log[4].detail.as_deref(), Some("refresh_token"));
    let all = format!("{log:?} {}", serde_json::to_string(&log).unwrap());
    for secret in [
        client.1.as_str(),
        access,
        token["refreshToken"].as_str().unwrap(),
    ] {
        assert!(!all.contains(secret));
    }
}

#[tokio::test]
async fn the_admin_endpoint() {
    let emu = start().await;
    let url = emu.url();
    let admin = |p: &str| format!("{url}/_emulator{p}");
    let h = http();
    let health: Value = h
        .get(admin("/health"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");

    let client = register(url, None).await;
    let d = start_device(url, &client).await;
    let user_code = d["userCode"].as_str().unwrap();
    let pending: Value = h
        .get(admin("/pending"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(pending["userCodes"], json!([user_code]));
    let r = h
        .post(admin("/approve"))
        .json(&json!({"userCode": user_code}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let r = h
        .post(admin("/approve"))
        .json(&json!({"userCode": user_code}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let r = h
        .post(admin("/deny"))
        .json(&json!({"userCode": "ZZZZ-ZZZZ"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(
        poll(url, &client, d["deviceCode"].as_str().unwrap())
            .await
            .status,
        200
    );

    let fault = json!({"kind": "fail", "operation": "ListAccounts", "status": 503, "times": 1});
    assert_eq!(
        h.post(admin("/faults"))
            .json(&fault)
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    let faults: Value = h
        .get(admin("/faults"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(faults, json!([fault]));
    let r = h
        .post(admin("/faults"))
        .json(&json!({"kind": "throttle", "rate": 7}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = h.post(admin("/faults")).body("{oops").send().await.unwrap();
    assert_eq!(r.status(), 400);
    let r = portal_get(url, "/assignment/accounts", "whatever").await;
    r.assert_portal_error(503, "InternalServerException");
    assert_eq!(
        h.delete(admin("/faults")).send().await.unwrap().status(),
        204
    );

    let sessions: Value = h
        .get(admin("/sessions"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(sessions.as_array().unwrap().len(), 1);
    let revoked: Value = h
        .post(admin("/sessions/revoke"))
        .json(&json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(revoked["revoked"], 1);

    let requests: Value = h
        .get(admin("/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let requests = requests.as_array().unwrap();
    assert!(
        requests
            .iter()
            .all(|r| !r["path"].as_str().unwrap().starts_with("/_emulator"))
    );
    assert_eq!(requests.last().unwrap()["fault"], "fail 503");
    assert_eq!(
        h.delete(admin("/requests")).send().await.unwrap().status(),
        204
    );
    assert!(emu.request_log().is_empty());

    let r = h
        .post(admin("/auto-approve"))
        .json(&json!({"afterPolls": 0}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    login(url, None).await;
    let r = h
        .post(admin("/clock/advance"))
        .json(&json!({"seconds": 7200}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
}
