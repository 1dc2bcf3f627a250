//! ssokit as the credentials provider of a real AWS SDK client: STS
//! GetCallerIdentity is signed with the credentials ssokit got from a (mock) SSO
//! portal, and the request reaches a local server whose check is the SigV4
//! `Authorization` header's access key id.
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use aws_config::BehaviorVersion;
use aws_credential_types::provider::SharedCredentialsProvider;
use serde_json::json;
use ssokit::auth::LoginTarget;
use ssokit::auth::credentials::SsoCredentialsProvider;
use ssokit::auth::token::SsoTokenProvider;
use ssokit::client::{OidcClient, PortalClient};
use ssokit::time::{Clock, SystemClock};
use support::*;
use wiremock::matchers::{header_regex, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CALLER_IDENTITY: &str = r#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:sts::111122223333:assumed-role/ReadOnly/user</Arn>
    <UserId>AROAEXAMPLE:user</UserId>
    <Account>111122223333</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>"#;

#[tokio::test]
async fn an_sdk_client_signs_with_ssokit_credentials() {
    let portal = MockServer::start().await;
    // An hour from now on the real clock (which the SDK's signer uses too).
    let expiration = (SystemClock.now() + Duration::from_secs(3600))
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    Mock::given(method("GET"))
        .and(path("/federation/credentials"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"roleCredentials": {
                "accessKeyId": "ASIASSOKITTEST",
                "secretAccessKey": "secret",
                "sessionToken": "session",
                "expiration": expiration
            }})),
        )
        .expect(1)
        .mount(&portal)
        .await;
    let sts = MockServer::start().await;
    Mock::given(method("POST"))
        .and(header_regex(
            "authorization",
            r"^AWS4-HMAC-SHA256 Credential=ASIASSOKITTEST/\d{8}/eu-west-1/sts/aws4_request, ",
        ))
        .and(header_regex("x-amz-security-token", "^session$"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(CALLER_IDENTITY, "text/xml"))
        .expect(1)
        .mount(&sts)
        .await;

    let home = tempfile::tempdir().unwrap();
    let dirs = caches(home.path());
    // A token valid for a long time on the real clock.
    dirs.tokens()
        .store("my-sso", &refreshable_token(4_102_444_800))
        .unwrap();
    let clock = Arc::new(SystemClock);
    let token = SsoTokenProvider::new(
        session(&portal.uri()),
        LoginTarget::Profile("dev".into()),
        dirs.tokens(),
        OidcClient::new(&portal.uri(), &fast_http()).unwrap(),
        clock.clone(),
    );
    let provider = SsoCredentialsProvider::new(
        token,
        PortalClient::new(&portal.uri(), &fast_http()).unwrap(),
        "111122223333",
        "ReadOnly",
        None,
        clock,
    );

    let config = aws_config::defaults(BehaviorVersion::latest())
        .no_credentials()
        .credentials_provider(SharedCredentialsProvider::new(provider))
        .region(aws_config::Region::new("eu-west-1"))
        .endpoint_url(sts.uri())
        .load()
        .await;
    let client = aws_sdk_sts::Client::new(&config);
    let identity = client.get_caller_identity().send().await.unwrap();
    assert_eq!(identity.account(), Some("111122223333"));
}
