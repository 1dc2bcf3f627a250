//! STS AssumeRole: the signature is verified (a request signed with a wrong secret
//! fails), unknown keys, unknown roles and long chained sessions are refused in
//! STS's own XML, and ssokit's role chaining runs a two-hop chain through it.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::{Duration, SystemTime};

use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;

use ssokit::ErrorKind;
use ssokit::auth::login::{DevicePrompt, LoginOptions};
use ssokit::env::Env;
use ssokit::time::{Clock, SystemClock};
use ssokit::{Selector, Sso};
use ssokit_emulator::{Emulator, HomeOptions, Operation, RequestRecord, RunningEmulator};

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
    // Both hops were signed for STS in some region, which the log records.
    for record in emu.request_log() {
        if record.operation == Some(Operation::AssumeRole) {
            assert_eq!((record.status, record.error.as_deref()), (200, None));
            assert!(record.detail.is_some_and(|r| !r.is_empty()));
        }
    }
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
        let record = last_assume_role(&emu);
        assert_eq!(record.status, 403);
        assert_eq!(record.error.as_deref(), Some("AccessDenied"));
    }
}

/// How a raw AssumeRole request is signed and sent.
struct Raw {
    key: String,
    secret: String,
    token: Option<String>,
    /// Sign the session token (else it is added after signing, when `send_token`).
    sign_token: bool,
    send_token: bool,
    time: SystemTime,
    region: &'static str,
    service: &'static str,
    /// The body signed; `sent` replaces it on the wire when set.
    body: String,
    sent: Option<String>,
    /// Rewrites the `Authorization` header after signing.
    rewrite_authorization: Option<fn(&str) -> String>,
}

impl Raw {
    fn new(root: &aws_credential_types::Credentials, time: SystemTime) -> Self {
        Self {
            key: root.access_key_id().to_owned(),
            secret: root.secret_access_key().to_owned(),
            token: root.session_token().map(str::to_owned),
            sign_token: true,
            send_token: true,
            time,
            region: "us-east-1",
            service: "sts",
            body: body(""),
            sent: None,
            rewrite_authorization: None,
        }
    }

    async fn send(self, url: &str) -> (u16, String) {
        let url = format!("{url}/");
        let signed_token = self.token.clone().filter(|_| self.sign_token);
        let identity =
            aws_credential_types::Credentials::new(self.key, self.secret, signed_token, None, "t")
                .into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(self.region)
            .name(self.service)
            .time(self.time)
            .settings(SigningSettings::default())
            .build()
            .unwrap()
            .into();
        let ct = "application/x-www-form-urlencoded";
        let signable = SignableRequest::new(
            "POST",
            &url,
            std::iter::once(("content-type", ct)),
            SignableBody::Bytes(self.body.as_bytes()),
        )
        .unwrap();
        let (instructions, _) = sign(signable, &params).unwrap().into_parts();
        let mut request = reqwest::Client::new().post(&url).header("content-type", ct);
        for (name, value) in instructions.headers() {
            let value = match (name, self.rewrite_authorization) {
                ("authorization", Some(rewrite)) => rewrite(value),
                _ => value.to_owned(),
            };
            request = request.header(name, value);
        }
        if let (Some(token), false, true) = (&self.token, self.sign_token, self.send_token) {
            request = request.header("x-amz-security-token", token);
        }
        let response = request
            .body(self.sent.unwrap_or(self.body))
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }
}

fn body(extra: &str) -> String {
    format!(
        "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A444455556666%3Arole%2FDeployer&RoleSessionName=raw{extra}"
    )
}

/// The last AssumeRole in the log.
fn last_assume_role(emu: &RunningEmulator) -> RequestRecord {
    emu.request_log()
        .into_iter()
        .rev()
        .find(|r| r.operation == Some(Operation::AssumeRole))
        .unwrap()
}

/// The answer is STS's error of this status and code (with `message` in it), and
/// the request log names the code.
#[track_caller]
fn assert_refused(
    emu: &RunningEmulator,
    answer: (u16, String),
    status: u16,
    code: &str,
    message: &str,
) {
    let (got, text) = answer;
    assert_eq!(got, status, "{text}");
    assert!(text.contains(&format!("<Code>{code}</Code>")), "{text}");
    assert!(text.contains(message), "{message:?} not in {text}");
    let record = last_assume_role(emu);
    assert_eq!(record.status, status);
    assert_eq!(record.error.as_deref(), Some(code));
}

async fn root_credentials(env: &Env) -> aws_credential_types::Credentials {
    let selector = Selector::default().with_profile(Some("dev".to_owned()));
    Sso::resolve(&selector, env)
        .unwrap()
        .credentials_provider()
        .unwrap()
        .credentials()
        .await
        .unwrap()
}

/// Raw requests: a good signature passes, in any region (which the log records);
/// a wrong secret, a tampered body, a date off the emulator's clock, a scope of
/// another service or date, an unsigned or missing session token, no
/// `Authorization`, an unknown key and a chained session over an hour do not.
#[tokio::test]
async fn the_signature_and_parameters_are_checked() {
    let emu = Emulator::builder()
        .auto_approve_after_polls(0)
        .start()
        .await
        .unwrap();
    let (_dir, env) = logged_in_home(&emu, "").await;
    let root = root_credentials(&env).await;
    let url = emu.url().to_owned();
    let now = || emu.control().now();

    let (status, text) = Raw::new(&root, now()).send(&url).await;
    assert_eq!(status, 200, "{text}");
    assert!(
        text.contains("<AssumeRoleResponse") && text.contains("<AccessKeyId>ASIA"),
        "{text}"
    );
    let record = last_assume_role(&emu);
    assert_eq!((record.status, record.error), (200, None));
    assert_eq!(record.detail.as_deref(), Some("us-east-1"));
    let (status, text) = Raw {
        region: "eu-west-1",
        ..Raw::new(&root, now())
    }
    .send(&url)
    .await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(last_assume_role(&emu).detail.as_deref(), Some("eu-west-1"));

    let mismatch = "does not match the signature you provided";
    let answer = Raw {
        secret: format!("{}x", root.secret_access_key()),
        ..Raw::new(&root, now())
    }
    .send(&url)
    .await;
    assert_refused(&emu, answer, 403, "SignatureDoesNotMatch", mismatch);
    // The signature covers another body than the one sent.
    let answer = Raw {
        sent: Some(body("&DurationSeconds=900")),
        ..Raw::new(&root, now())
    }
    .send(&url)
    .await;
    assert_refused(&emu, answer, 403, "SignatureDoesNotMatch", mismatch);
    // Signed 16 minutes before, or after, the emulator's time.
    let skew = Duration::from_secs(16 * 60);
    let answer = Raw::new(&root, now() - skew).send(&url).await;
    assert_refused(
        &emu,
        answer,
        403,
        "SignatureDoesNotMatch",
        "Signature expired: ",
    );
    let answer = Raw::new(&root, now() + skew).send(&url).await;
    assert_refused(
        &emu,
        answer,
        403,
        "SignatureDoesNotMatch",
        "Signature not yet current: ",
    );
    // 14 minutes off either way is within the allowed skew.
    for time in [
        now() - Duration::from_secs(14 * 60),
        now() + Duration::from_secs(14 * 60),
    ] {
        let (status, text) = Raw::new(&root, time).send(&url).await;
        assert_eq!(status, 200, "{text}");
    }
    let answer = Raw {
        service: "s3",
        ..Raw::new(&root, now())
    }
    .send(&url)
    .await;
    assert_refused(
        &emu,
        answer,
        403,
        "SignatureDoesNotMatch",
        "scoped to correct service: &#39;sts&#39;, not &#39;s3&#39;",
    );
    // The scope's date is not X-Amz-Date's.
    let answer = Raw {
        rewrite_authorization: Some(|value| {
            let (head, tail) = value.split_once("Credential=").unwrap();
            let (key, rest) = tail.split_once('/').unwrap();
            format!("{head}Credential={key}/19990101{}", &rest[8..])
        }),
        ..Raw::new(&root, now())
    }
    .send(&url)
    .await;
    assert_refused(
        &emu,
        answer,
        403,
        "SignatureDoesNotMatch",
        "Date in Credential scope does not match",
    );
    // The session token sent but left out of the signature, or not sent at all.
    let answer = Raw {
        sign_token: false,
        ..Raw::new(&root, now())
    }
    .send(&url)
    .await;
    assert_refused(
        &emu,
        answer,
        403,
        "SignatureDoesNotMatch",
        "X-Amz-Security-Token",
    );
    let answer = Raw {
        sign_token: false,
        send_token: false,
        ..Raw::new(&root, now())
    }
    .send(&url)
    .await;
    assert_refused(
        &emu,
        answer,
        403,
        "InvalidClientTokenId",
        "security token included in the request is invalid",
    );
    // No Authorization at all.
    let response = reqwest::Client::new()
        .post(format!("{url}/"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body(""))
        .send()
        .await
        .unwrap();
    let answer = (response.status().as_u16(), response.text().await.unwrap());
    assert_refused(
        &emu,
        answer,
        403,
        "MissingAuthenticationToken",
        "missing Authentication Token",
    );
    let answer = Raw {
        key: "ASIAUNKNOWN".into(),
        ..Raw::new(&root, now())
    }
    .send(&url)
    .await;
    assert_refused(
        &emu,
        answer,
        403,
        "InvalidClientTokenId",
        "security token included in the request is invalid",
    );
    let answer = Raw {
        body: body("&DurationSeconds=7200"),
        ..Raw::new(&root, now())
    }
    .send(&url)
    .await;
    assert_refused(&emu, answer, 400, "ValidationError", "role chaining");
    // Credentials that expired, in a request signed at the emulator's (moved) time:
    // ExpiredToken. Signed at the system's time, the request is 24 hours stale.
    emu.control().advance_clock(Duration::from_secs(24 * 3600));
    let answer = Raw::new(&root, now()).send(&url).await;
    assert_refused(&emu, answer, 400, "ExpiredToken", "expired");
    let answer = Raw::new(&root, SystemClock.now()).send(&url).await;
    assert_refused(
        &emu,
        answer,
        403,
        "SignatureDoesNotMatch",
        "Signature expired: ",
    );
}
