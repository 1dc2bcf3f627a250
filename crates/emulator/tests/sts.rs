//! STS AssumeRole: the signature is verified (a request signed with a wrong secret
//! fails), unknown keys, unknown roles and long chained sessions are refused in
//! STS's own XML, and ssokit's role chaining runs a two-hop chain through it.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use ssokit::ErrorKind;
use ssokit::auth::login::{DevicePrompt, LoginOptions};
use ssokit::env::Env;
use ssokit::time::{Clock, SystemClock};
use ssokit::{Selector, Sso};
use ssokit_emulator::{Emulator, HomeOptions, Operation, RunningEmulator};

const CHAIN: &str = "\n[profile hop1]\nrole_arn = arn:aws:iam::444455556666:role/Deployer\n\
                     source_profile = dev\nrole_session_name = hop-one\n\
                     [profile hop2]\nrole_arn = arn:aws:iam::777788889999:role/ReadOnly\n\
                     source_profile = hop1\nduration_seconds = 1800\n";

async fn logged_in_home(emu: &RunningEmulator, extra: &str) -> (tempfile::TempDir, Env) {
    let dir = tempfile::tempdir().unwrap();
    let home = emu.write_home(dir.path(), &HomeOptions::default()).unwrap();
    let mut config = std::fs::read_to_string(&home.config_file).unwrap();
    config.push_str(extra);
    std::fs::write(&home.config_file, config).unwrap();
    let env = Env::from_vars(home.env.clone());
    let sso = Sso::resolve(&Selector::default(), &env).unwrap();
    let options = LoginOptions::default().with_timeout(Some(Duration::from_secs(60)));
    sso.login(&|_: &DevicePrompt| {}, &options).await.unwrap();
    (dir, env)
}

async fn credentials(
    env: &Env,
    profile: &str,
) -> Result<aws_credential_types::Credentials, ssokit::Error> {
    let selector = Selector::default().with_profile(Some(profile.to_owned()));
    Sso::resolve(&selector, env)?
        .credentials_provider()?
        .credentials()
        .await
}

fn count(emu: &RunningEmulator, op: Operation) -> usize {
    emu.request_log()
        .iter()
        .filter(|r| r.operation == Some(op))
        .count()
}

#[tokio::test]
async fn a_two_hop_chain_resolves_through_the_verified_sts() {
    let emu = Emulator::builder()
        .auto_approve_after_polls(0)
        .start()
        .await
        .unwrap();
    let (_dir, env) = logged_in_home(&emu, CHAIN).await;
    let c = credentials(&env, "hop2").await.unwrap();
    assert!(c.access_key_id().starts_with("ASIA"));
    assert_eq!(c.account_id().map(|a| a.as_str()), Some("777788889999"));
    let left = c
        .expiry()
        .unwrap()
        .duration_since(SystemClock.now())
        .unwrap();
    assert!(left <= Duration::from_secs(1800), "{left:?}");
    assert_eq!(count(&emu, Operation::AssumeRole), 2);
    assert_eq!(count(&emu, Operation::GetRoleCredentials), 1);
    // Cached: a second resolution makes no request.
    credentials(&env, "hop2").await.unwrap();
    credentials(&env, "hop1").await.unwrap();
    assert_eq!(count(&emu, Operation::AssumeRole), 2);
}

#[tokio::test]
async fn refusals_come_back_as_sts_errors() {
    let emu = Emulator::builder()
        .auto_approve_after_polls(0)
        .start()
        .await
        .unwrap();
    let extra = format!(
        "{CHAIN}[profile nope]\nrole_arn = arn:aws:iam::444455556666:role/NoSuchRole\nsource_profile = dev\n\
         [profile stranger]\nrole_arn = arn:aws:iam::999999999999:role/ReadOnly\nsource_profile = dev\n"
    );
    let (_dir, env) = logged_in_home(&emu, &extra).await;
    for profile in ["nope", "stranger"] {
        let err = credentials(&env, profile).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AccessDenied, "{err}");
        assert_eq!(err.service_code(), Some("AccessDenied"));
        assert!(
            err.to_string()
                .contains("not authorized to perform: sts:AssumeRole"),
            "{err}"
        );
    }
}

/// Raw requests: a good signature passes; a wrong secret, an unknown key and a
/// chained session over an hour do not.
#[tokio::test]
async fn the_signature_and_parameters_are_checked() {
    use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
    use aws_sigv4::sign::v4;

    let emu = Emulator::builder()
        .auto_approve_after_polls(0)
        .start()
        .await
        .unwrap();
    let (_dir, env) = logged_in_home(&emu, "").await;
    let selector = Selector::default().with_profile(Some("dev".to_owned()));
    let root = Sso::resolve(&selector, &env)
        .unwrap()
        .credentials_provider()
        .unwrap()
        .credentials()
        .await
        .unwrap();
    let send = |key: String, secret: String, token: Option<String>, body: String| {
        let url = format!("{}/", emu.url());
        async move {
            let identity =
                aws_credential_types::Credentials::new(key, secret, token, None, "t").into();
            let params = v4::SigningParams::builder()
                .identity(&identity)
                .region("us-east-1")
                .name("sts")
                .time(SystemClock.now())
                .settings(SigningSettings::default())
                .build()
                .unwrap()
                .into();
            let ct = "application/x-www-form-urlencoded";
            let signable = SignableRequest::new(
                "POST",
                &url,
                std::iter::once(("content-type", ct)),
                SignableBody::Bytes(body.as_bytes()),
            )
            .unwrap();
            let (instructions, _) = sign(signable, &params).unwrap().into_parts();
            let mut request = reqwest::Client::new().post(&url).header("content-type", ct);
            for (name, value) in instructions.headers() {
                request = request.header(name, value);
            }
            let response = request.body(body).send().await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    let body = |extra: &str| {
        format!(
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A444455556666%3Arole%2FDeployer&RoleSessionName=raw{extra}"
        )
    };
    let key = root.access_key_id().to_owned();
    let secret = root.secret_access_key().to_owned();
    let token = root.session_token().map(str::to_owned);
    let (status, text) = send(key.clone(), secret.clone(), token.clone(), body("")).await;
    assert_eq!(status, 200, "{text}");
    assert!(
        text.contains("<AssumeRoleResponse") && text.contains("<AccessKeyId>ASIA"),
        "{text}"
    );
    let (status, text) = send(key.clone(), format!("{secret}x"), token.clone(), body("")).await;
    assert_eq!(status, 403, "{text}");
    assert!(
        text.contains("<Code>SignatureDoesNotMatch</Code>"),
        "{text}"
    );
    let (status, text) = send(
        "ASIAUNKNOWN".into(),
        secret.clone(),
        token.clone(),
        body(""),
    )
    .await;
    assert_eq!(status, 403, "{text}");
    assert!(text.contains("<Code>InvalidClientTokenId</Code>"), "{text}");
    let (status, text) = send(
        key.clone(),
        secret.clone(),
        token.clone(),
        body("&DurationSeconds=7200"),
    )
    .await;
    assert_eq!(status, 400, "{text}");
    assert!(
        text.contains("<Code>ValidationError</Code>") && text.contains("role chaining"),
        "{text}"
    );
    // Credentials that expired: ExpiredToken.
    emu.control().advance_clock(Duration::from_secs(24 * 3600));
    let (status, text) = send(key, secret, token, body("")).await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("<Code>ExpiredToken</Code>"), "{text}");
}
