#![allow(clippy::unwrap_used)]

use std::time::{Duration, UNIX_EPOCH};

use wiremock::matchers::{body_string, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;
use crate::client::{HttpSettings, RetryPolicy};

const OK: &str = r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser>
      <AssumedRoleId>AROA3XFRBF535PLBIFPI4:me</AssumedRoleId>
      <Arn>arn:aws:sts::222233334444:assumed-role/Top/me</Arn>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAHOP</AccessKeyId>
      <SecretAccessKey>hop&amp;secret</SecretAccessKey>
      <SessionToken>HOPTOKEN</SessionToken>
      <Expiration>2026-11-28T20:00:00.000Z</Expiration>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>c6104cbe</RequestId></ResponseMetadata>
</AssumeRoleResponse>"#;

/// 2026-11-28T19:00:00Z.
fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_795_892_400)
}

fn client(server: &MockServer) -> StsClient {
    let settings = HttpSettings::default().retry(RetryPolicy::new(
        2,
        Duration::from_millis(1),
        Duration::from_millis(2),
    ));
    let http = HttpClient::new(&settings).unwrap();
    StsClient::with_http_client(&server.uri(), "eu-west-1", &http).unwrap()
}

fn source() -> SourceCredentials<'static> {
    SourceCredentials {
        access_key_id: "ASIASOURCE",
        secret_access_key: "source-secret",
        session_token: Some("source-token"),
    }
}

fn request() -> AssumeRoleRequest<'static> {
    AssumeRoleRequest {
        role_arn: "arn:aws:iam::222233334444:role/Top",
        role_session_name: "me",
        duration_seconds: Some(900),
        external_id: Some("ext 1"),
    }
}

#[tokio::test]
async fn assume_role_posts_the_signed_form_and_reads_the_xml() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/"))
        .and(header(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        ))
        .and(header("x-amz-date", "20261128T190000Z"))
        .and(header("x-amz-security-token", "source-token"))
        .and(body_string(
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A222233334444%3Arole%2FTop&RoleSessionName=me&DurationSeconds=900&ExternalId=ext+1",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_string(OK))
        .expect(1)
        .mount(&server)
        .await;
    let role = client(&server)
        .assume_role(&source(), &request(), now())
        .await
        .unwrap();
    assert_eq!(role.access_key_id, "ASIAHOP");
    assert_eq!(role.secret_access_key.expose_secret(), "hop&secret");
    assert_eq!(role.session_token.expose_secret(), "HOPTOKEN");
    assert_eq!(role.expiration, now() + Duration::from_secs(3600));
    assert_eq!(role.account_id(), Some("222233334444"));
    assert_eq!(
        role.assumed_role_id.as_deref(),
        Some("AROA3XFRBF535PLBIFPI4:me")
    );
    let received = &server.received_requests().await.unwrap()[0];
    let auth = received.headers["authorization"].to_str().unwrap();
    assert!(
        auth.starts_with(
            "AWS4-HMAC-SHA256 Credential=ASIASOURCE/20261128/eu-west-1/sts/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature="
        ),
        "{auth}"
    );
    let shown = format!("{role:?}");
    assert!(
        !shown.contains("hop&secret") && !shown.contains("HOPTOKEN"),
        "{shown}"
    );
}

#[tokio::test]
async fn sts_error_codes_become_typed_failures_with_their_message() {
    for (status, code, expected) in [
        (403, "AccessDenied", StsErrorCode::AccessDenied),
        (400, "ExpiredToken", StsErrorCode::ExpiredToken),
        (
            403,
            "InvalidClientTokenId",
            StsErrorCode::InvalidClientTokenId,
        ),
        (
            403,
            "SignatureDoesNotMatch",
            StsErrorCode::SignatureDoesNotMatch,
        ),
        (400, "ValidationError", StsErrorCode::ValidationError),
        (403, "RegionDisabledException", StsErrorCode::RegionDisabled),
        (400, "Throttling", StsErrorCode::Throttling),
        (400, "Weird", StsErrorCode::Other(Some("Weird".into()))),
    ] {
        let server = MockServer::start().await;
        let body = format!(
            "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>\
             <Type>Sender</Type><Code>{code}</Code><Message>because &lt;reasons&gt;</Message>\
             </Error><RequestId>r</RequestId></ErrorResponse>"
        );
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(status).set_body_string(body))
            .mount(&server)
            .await;
        let failure = client(&server)
            .assume_role(&source(), &request(), now())
            .await
            .unwrap_err();
        let StsFailure::Rejected {
            code: got,
            status: got_status,
            message,
            ..
        } = &failure
        else {
            panic!("{code}: {failure:?}");
        };
        assert_eq!((got, *got_status), (&expected, status));
        assert_eq!(message.as_deref(), Some("because <reasons>"));
        let e = AssumeRoleError {
            profile: "top".into(),
            role_arn: "arn:aws:iam::222233334444:role/Top".into(),
            chain: "top -> sso".into(),
            failure,
        };
        let text = e.to_string();
        assert!(
            text.contains("profile \"top\"")
                && text.contains("top -> sso")
                && text.contains(code)
                && text.contains("because <reasons>"),
            "{text}"
        );
    }
}

#[tokio::test]
async fn a_5xx_is_retried_and_a_broken_answer_is_malformed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string(OK))
        .mount(&server)
        .await;
    assert!(
        client(&server)
            .assume_role(&source(), &request(), now())
            .await
            .is_ok()
    );
    for body in [
        "not xml",
        "<Other/>",
        "<AssumeRoleResponse><AssumeRoleResult/></AssumeRoleResponse>",
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_string(body))
            .mount(&server)
            .await;
        let failure = client(&server)
            .assume_role(&source(), &request(), now())
            .await
            .unwrap_err();
        assert!(
            matches!(failure, StsFailure::Malformed { .. }),
            "{body}: {failure:?}"
        );
    }
    // Credentials that expired already are refused.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string(OK))
        .mount(&server)
        .await;
    let late = now() + Duration::from_secs(7200);
    let failure = client(&server)
        .assume_role(&source(), &request(), late)
        .await
        .unwrap_err();
    assert!(
        matches!(failure, StsFailure::Malformed { .. }),
        "{failure:?}"
    );
}

#[tokio::test]
async fn throttling_is_retried_although_sts_sends_it_as_400() {
    let throttled = r#"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>
<Message>Rate exceeded</Message></Error></ErrorResponse>"#;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_string(throttled))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string(OK))
        .expect(1)
        .mount(&server)
        .await;
    let role = client(&server)
        .assume_role(&source(), &request(), now())
        .await
        .unwrap();
    assert_eq!(role.access_key_id, "ASIAHOP");
    // Throttled on every attempt: the typed failure once the attempts ran out.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_string(throttled))
        .expect(2)
        .mount(&server)
        .await;
    let failure = client(&server)
        .assume_role(&source(), &request(), now())
        .await
        .unwrap_err();
    assert!(
        matches!(
            failure,
            StsFailure::Rejected {
                code: StsErrorCode::Throttling,
                status: 400,
                ..
            }
        ),
        "{failure:?}"
    );
}

#[tokio::test]
async fn an_endpoint_with_a_path_is_posted_to_that_path_as_botocore_joins_it() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/sts"))
        .respond_with(ResponseTemplate::new(200).set_body_string(OK))
        .expect(1)
        .mount(&server)
        .await;
    let http = HttpClient::new(&HttpSettings::default()).unwrap();
    let sts =
        StsClient::with_http_client(&format!("{}/sts", server.uri()), "eu-west-1", &http).unwrap();
    sts.assume_role(&source(), &request(), now()).await.unwrap();
}

#[test]
fn the_form_body_omits_unset_parameters() {
    let body = form_body(&AssumeRoleRequest {
        role_arn: "arn:aws:iam::1:role/R",
        role_session_name: "botocore-session-1",
        duration_seconds: None,
        external_id: None,
    });
    assert_eq!(
        body,
        "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2FR&RoleSessionName=botocore-session-1"
    );
}
