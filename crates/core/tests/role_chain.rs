//! Role chaining through the credentials provider, against a wiremock portal and STS:
//! hop by hop from the SSO role's credentials, each hop signed with the previous
//! hop's key, shared through `~/.aws/cli/cache` under botocore's keys, one call per
//! hop for concurrent callers, renewed in the 15-minute window, and STS's refusals
//! as typed errors.
#![cfg(feature = "extras")]
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use ssokit::cache::assume_role_cache_key;
use ssokit::env::Env;
use ssokit::time::{ManualClock, format_timestamp};
use ssokit::{ErrorKind, SsoCredentialsProvider};
use support::*;
use wiremock::matchers::{body_string_contains, header_regex, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const MIDDLE: &str = "arn:aws:iam::222233334444:role/Middle";
const TOP: &str = "arn:aws:iam::333344445555:role/Top";

fn config(extra: &str) -> String {
    format!(
        "[profile sso]\nsso_session = my-sso\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\n\
         [sso-session my-sso]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = us-east-1\n\
         [profile middle]\nrole_arn = {MIDDLE}\nsource_profile = sso\nrole_session_name = mid\n\
         [profile top]\nrole_arn = {TOP}\nsource_profile = middle\nduration_seconds = 1800\nregion = eu-west-1\n{extra}"
    )
}

struct Setup {
    server: MockServer,
    home: tempfile::TempDir,
    env: Env,
    clock: ManualClock,
}

async fn setup(extra: &str) -> Setup {
    let server = MockServer::start().await;
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir(home.path().join(".aws")).unwrap();
    std::fs::write(home.path().join(".aws/config"), config(extra)).unwrap();
    caches(home.path())
        .tokens()
        .store("my-sso", &refreshable_token(T0 + 8 * 3600))
        .unwrap();
    let uri = server.uri();
    let env = Env::from_vars([
        ("HOME", home.path().to_str().unwrap()),
        ("AWS_ENDPOINT_URL_SSO", uri.as_str()),
        ("AWS_ENDPOINT_URL_SSO_OIDC", uri.as_str()),
        ("AWS_ENDPOINT_URL_STS", uri.as_str()),
    ]);
    Setup {
        server,
        home,
        env,
        clock: ManualClock::new(at(T0)),
    }
}

fn provider(s: &Setup, profile: &str) -> SsoCredentialsProvider {
    SsoCredentialsProvider::builder()
        .profile_name(profile)
        .env(s.env.clone())
        .clock(Arc::new(s.clock.clone()))
        .http_settings(fast_http())
        .build()
        .unwrap()
}

fn portal(expires: u64) -> Mock {
    Mock::given(method("GET"))
        .and(path("/federation/credentials"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"roleCredentials": {
                "accessKeyId": "ASIAROOT",
                "secretAccessKey": "ROOTSECRET",
                "sessionToken": "ROOTTOKEN",
                "expiration": expires * 1000
            }})),
        )
}

fn assumed(key: &str, account: &str, role: &str, expires: u64) -> ResponseTemplate {
    let expiration = format_timestamp(at(expires));
    ResponseTemplate::new(200).set_body_string(format!(
        "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>\
         <AssumedRoleUser><AssumedRoleId>AROA:{role}</AssumedRoleId>\
         <Arn>arn:aws:sts::{account}:assumed-role/{role}/s</Arn></AssumedRoleUser>\
         <Credentials><AccessKeyId>{key}</AccessKeyId><SecretAccessKey>{key}SECRET</SecretAccessKey>\
         <SessionToken>{key}TOKEN</SessionToken><Expiration>{expiration}</Expiration></Credentials>\
         </AssumeRoleResult></AssumeRoleResponse>"
    ))
}

/// AssumeRole of `role_arn`, signed with `signer`'s key for region `region`.
fn sts(role_arn: &str, signer: &str, region: &str) -> wiremock::MockBuilder {
    let encoded: String = url::form_urlencoded::byte_serialize(role_arn.as_bytes()).collect();
    Mock::given(method("POST"))
        .and(path("/"))
        .and(body_string_contains(format!("RoleArn={encoded}")))
        .and(header_regex(
            "authorization",
            &format!("^AWS4-HMAC-SHA256 Credential={signer}/\\d{{8}}/{region}/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{{64}}$"),
        ))
        .and(header_regex("x-amz-security-token", &format!("^{signer}TOKEN$|^ROOTTOKEN$")))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_two_hop_chain_assumes_each_role_once_and_shares_the_aws_cli_cache() {
    let s = setup("").await;
    portal(T0 + 8 * 3600).expect(1).mount(&s.server).await;
    sts(MIDDLE, "ASIAROOT", "eu-west-1")
        .and(body_string_contains("RoleSessionName=mid"))
        .respond_with(assumed("ASIAMID", "222233334444", "Middle", T0 + 3600))
        .expect(1)
        .mount(&s.server)
        .await;
    sts(TOP, "ASIAMID", "eu-west-1")
        .and(body_string_contains(format!(
            "RoleSessionName=botocore-session-{T0}"
        )))
        .and(body_string_contains("DurationSeconds=1800"))
        .respond_with(assumed("ASIATOP", "333344445555", "Top", T0 + 1800))
        .expect(1)
        .mount(&s.server)
        .await;
    let p = provider(&s, "top");
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let p = p.clone();
            tokio::spawn(async move { p.credentials().await.unwrap() })
        })
        .collect();
    for t in tasks {
        let c = t.await.unwrap();
        assert_eq!(c.access_key_id(), "ASIATOP");
        assert_eq!(c.secret_access_key(), "ASIATOPSECRET");
        assert_eq!(c.account_id().map(|a| a.as_str()), Some("333344445555"));
        assert_eq!(c.expiry(), Some(at(T0 + 1800)));
    }
    // Both hops are in the AWS CLI's cache, under botocore's keys: the top hop's
    // without its generated session name.
    let dirs = caches(s.home.path());
    let top_key = assume_role_cache_key(TOP, None, Some(1800), None);
    let mid_key = assume_role_cache_key(MIDDLE, Some("mid"), None, None);
    let top = dirs.assumed_roles().load(&top_key).unwrap();
    assert_eq!(top.access_key_id, "ASIATOP");
    let text = std::fs::read_to_string(dirs.assumed_roles().path(&top_key)).unwrap();
    assert!(text.contains("UTC\""), "{text}");
    assert_eq!(
        dirs.assumed_roles().load(&mid_key).unwrap().access_key_id,
        "ASIAMID"
    );
    // A new provider (another process) answers from the cache: no further request.
    assert_eq!(
        provider(&s, "top")
            .credentials()
            .await
            .unwrap()
            .access_key_id(),
        "ASIATOP"
    );
    // So does the middle profile on its own.
    assert_eq!(
        provider(&s, "middle")
            .credentials()
            .await
            .unwrap()
            .access_key_id(),
        "ASIAMID"
    );
    // The `credential_process` fast path reads the same entry.
    let selector = ssokit::Selector::default().with_profile(Some("top".into()));
    let (_, _, cached) = ssokit::sso::resolve_cached(&selector, &s.env, at(T0)).unwrap();
    assert_eq!(cached.unwrap().access_key_id, "ASIATOP");
}

#[tokio::test]
async fn the_last_hop_is_renewed_from_the_cached_middle_one_in_the_window() {
    let s = setup("").await;
    portal(T0 + 8 * 3600).expect(1).mount(&s.server).await;
    sts(MIDDLE, "ASIAROOT", "eu-west-1")
        .respond_with(assumed("ASIAMID", "222233334444", "Middle", T0 + 3600))
        .expect(1)
        .mount(&s.server)
        .await;
    sts(TOP, "ASIAMID", "eu-west-1")
        .respond_with(assumed("ASIATOP", "333344445555", "Top", T0 + 1800))
        .expect(2)
        .mount(&s.server)
        .await;
    let p = provider(&s, "top");
    p.credentials().await.unwrap();
    // 14 minutes before the top hop expires: renewed, from the middle hop's entry
    // (which has 44 minutes left), not from the portal.
    s.clock.advance(Duration::from_secs(1800 - 14 * 60));
    assert_eq!(p.credentials().await.unwrap().access_key_id(), "ASIATOP");
}

#[tokio::test]
async fn an_entry_the_aws_cli_wrote_is_used_as_it_is() {
    let s = setup("").await;
    let dirs = caches(s.home.path());
    std::fs::create_dir_all(&dirs.cli).unwrap();
    let key = assume_role_cache_key(TOP, None, Some(1800), None);
    std::fs::write(
        dirs.assumed_roles().path(&key),
        json!({
            "Credentials": {
                "AccessKeyId": "ASIAFROMCLI",
                "SecretAccessKey": "s",
                "SessionToken": "t",
                "Expiration": format!("{}UTC", format_timestamp(at(T0 + 3000)).trim_end_matches('Z')),
                "AccountId": "333344445555"
            },
            "AssumedRoleUser": {"AssumedRoleId": "AROA:x", "Arn": "arn:aws:sts::333344445555:assumed-role/Top/x"},
            "ResponseMetadata": {"RequestId": "r"}
        })
        .to_string(),
    )
    .unwrap();
    // No mock: any request would fail.
    let c = provider(&s, "top").credentials().await.unwrap();
    assert_eq!(c.access_key_id(), "ASIAFROMCLI");
    assert!(s.server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn sts_refusals_are_typed_errors_naming_the_profile_and_chain() {
    let s = setup("").await;
    portal(T0 + 8 * 3600).mount(&s.server).await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(403).set_body_string(
            "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>\
             <Message>User is not authorized to perform: sts:AssumeRole</Message></Error></ErrorResponse>",
        ))
        .mount(&s.server)
        .await;
    let err = provider(&s, "top").credentials().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AccessDenied);
    assert_eq!(err.service_code(), Some("AccessDenied"));
    assert_eq!(err.http_status(), Some(403));
    let text = err.to_string();
    assert!(
        text.contains("profile \"middle\"")
            && text.contains("top -> middle -> sso")
            && text.contains("not authorized")
            && text.contains("trust policy"),
        "{text}"
    );
    assert!(!text.contains("ROOTSECRET"), "{text}");
}

#[tokio::test]
async fn a_failed_assume_role_is_shared_with_the_processes_waiting_on_its_entry() {
    let s = setup("").await;
    portal(T0 + 8 * 3600).mount(&s.server).await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(403).set_body_string(
            "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>\
             <Message>User is not authorized to perform: sts:AssumeRole</Message></Error></ErrorResponse>",
        ))
        .mount(&s.server)
        .await;
    provider(&s, "top").credentials().await.unwrap_err();
    assert_eq!(posts(&s.server).await, 1);
    // Another process (a provider of its own) within the back-off: the recorded
    // failure, without a call.
    let err = provider(&s, "top").credentials().await.unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("not authorized") && text.contains("profile \"middle\""),
        "{text}"
    );
    assert_eq!(posts(&s.server).await, 1, "{text}");
    // Once the back-off passed, STS is asked again.
    s.clock.advance(Duration::from_secs(11));
    provider(&s, "top").credentials().await.unwrap_err();
    assert_eq!(posts(&s.server).await, 2);
}

async fn posts(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.method.as_str() == "POST")
        .count()
}
