//! STS `AssumeRole` (`POST /`, query protocol, XML answers), as role chaining uses
//! it. The request's SigV4 signature is verified: recomputed with `aws-sigv4` from
//! the secret of the credentials this emulator issued (GetRoleCredentials or an
//! earlier AssumeRole), so a broken signer fails with `SignatureDoesNotMatch`.
//!
//! A role may be assumed when its ARN is `arn:aws:iam::<account>:role/<name>` with
//! an account of the directory and one of that account's role names; anything else
//! is `AccessDenied`. Every emulator credential is a role session, so every
//! AssumeRole is role chaining: `DurationSeconds` above 3600 is a `ValidationError`.
//! The credentials it answers are remembered like GetRoleCredentials's, so chains of
//! several hops (and console sign-in with chained credentials) work.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use aws_smithy_types::DateTime;
use aws_smithy_types::date_time::Format;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::pages::escape;
use crate::server::Shared;
use crate::{lock, random};

/// The longest session of a role assumed with role credentials.
const CHAINED_MAX: u64 = 3600;
/// The shortest session STS grants.
const MIN_DURATION: u64 = 900;

/// An STS error answer: `ErrorResponse/Error/{Type,Code,Message}`.
pub(crate) struct StsError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl StsError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    fn validation(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "ValidationError", message)
    }

    /// The answer to an injected fault of this status.
    pub(crate) fn for_status(status: StatusCode) -> Self {
        let code = match status.as_u16() {
            400 | 429 => "Throttling",
            403 => "AccessDenied",
            _ => "InternalFailure",
        };
        Self::new(status, code, "injected fault")
    }
}

impl IntoResponse for StsError {
    fn into_response(self) -> Response {
        let kind = if self.status.is_server_error() {
            "Receiver"
        } else {
            "Sender"
        };
        let body = format!(
            "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <Error>\n    \
             <Type>{kind}</Type>\n    <Code>{}</Code>\n    <Message>{}</Message>\n  </Error>\n  \
             <RequestId>{}</RequestId>\n</ErrorResponse>\n",
            self.code,
            escape(&self.message),
            random::token("req-", 16),
        );
        (self.status, [("content-type", "text/xml")], body).into_response()
    }
}

fn form(body: &[u8]) -> HashMap<String, String> {
    let mut map = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(body) {
        map.entry(k.into_owned()).or_insert_with(|| v.into_owned());
    }
    map
}

/// `POST /` with `Action=AssumeRole`.
pub(crate) async fn handle(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match assume_role(&shared, &headers, &body) {
        Ok(xml) => (StatusCode::OK, [("content-type", "text/xml")], xml).into_response(),
        Err(e) => e.into_response(),
    }
}

/// The parts of `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=...,
/// Signature=...`.
struct Authorization {
    access_key_id: String,
    region: String,
    service: String,
    signed_headers: Vec<String>,
    signature: String,
}

fn parse_authorization(headers: &HeaderMap) -> Result<Authorization, StsError> {
    let missing = || {
        StsError::new(
            StatusCode::FORBIDDEN,
            "MissingAuthenticationToken",
            "Request is missing Authentication Token",
        )
    };
    let value = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(missing)?;
    let rest = value.strip_prefix("AWS4-HMAC-SHA256 ").ok_or_else(|| {
        StsError::new(
            StatusCode::BAD_REQUEST,
            "IncompleteSignature",
            "only AWS4-HMAC-SHA256 is accepted",
        )
    })?;
    let mut parts: HashMap<&str, &str> = HashMap::new();
    for part in rest.split(',') {
        if let Some((k, v)) = part.trim().split_once('=') {
            parts.insert(k, v);
        }
    }
    let incomplete = || {
        StsError::new(
            StatusCode::BAD_REQUEST,
            "IncompleteSignature",
            "Authorization needs Credential, SignedHeaders and Signature",
        )
    };
    let credential: Vec<&str> = parts
        .get("Credential")
        .ok_or_else(incomplete)?
        .split('/')
        .collect();
    let [key, _date, region, service, "aws4_request"] = credential.as_slice() else {
        return Err(incomplete());
    };
    Ok(Authorization {
        access_key_id: (*key).to_owned(),
        region: (*region).to_owned(),
        service: (*service).to_owned(),
        signed_headers: parts
            .get("SignedHeaders")
            .ok_or_else(incomplete)?
            .split(';')
            .map(str::to_owned)
            .collect(),
        signature: (*parts.get("Signature").ok_or_else(incomplete)?).to_owned(),
    })
}

/// `X-Amz-Date: 20261128T190000Z`.
fn parse_amz_date(value: &str) -> Option<SystemTime> {
    let b = value.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let iso = format!(
        "{}-{}-{}T{}:{}:{}Z",
        value.get(0..4)?,
        value.get(4..6)?,
        value.get(6..8)?,
        value.get(9..11)?,
        value.get(11..13)?,
        value.get(13..15)?
    );
    SystemTime::try_from(DateTime::from_str(&iso, Format::DateTime).ok()?).ok()
}

/// Recomputes the signature of the request with `secret` and compares it.
fn verify_signature(
    headers: &HeaderMap,
    body: &[u8],
    auth: &Authorization,
    secret: &str,
    session_token: &str,
) -> Result<(), StsError> {
    let mismatch = || {
        StsError::new(
            StatusCode::FORBIDDEN,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. \
             Check your AWS Secret Access Key and signing method.",
        )
    };
    let time = headers
        .get("x-amz-date")
        .and_then(|v| v.to_str().ok())
        .and_then(parse_amz_date)
        .ok_or_else(mismatch)?;
    let host = headers
        .get("host")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(mismatch)?;
    let mut signed: Vec<(&str, &str)> = Vec::new();
    for name in &auth.signed_headers {
        // The signer adds these two itself, from the same values.
        if name == "x-amz-date" || name == "x-amz-security-token" {
            continue;
        }
        let value = headers
            .get(name.as_str())
            .and_then(|v| v.to_str().ok())
            .ok_or_else(mismatch)?;
        signed.push((name.as_str(), value));
    }
    if !auth.signed_headers.iter().any(|h| h == "host") {
        return Err(mismatch());
    }
    let identity: Identity = aws_credential_types::Credentials::new(
        &auth.access_key_id,
        secret,
        auth.signed_headers
            .iter()
            .any(|h| h == "x-amz-security-token")
            .then(|| session_token.to_owned()),
        None,
        "emulator",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(&auth.region)
        .name(&auth.service)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .map_err(|_| mismatch())?
        .into();
    let uri = format!("http://{host}/");
    let request = SignableRequest::new("POST", &uri, signed.into_iter(), SignableBody::Bytes(body))
        .map_err(|_| mismatch())?;
    let (_, expected) = sign(request, &params).map_err(|_| mismatch())?.into_parts();
    if constant_time_eq(expected.as_bytes(), auth.signature.as_bytes()) {
        Ok(())
    } else {
        Err(mismatch())
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn assume_role(shared: &Shared, headers: &HeaderMap, body: &[u8]) -> Result<String, StsError> {
    let params = form(body);
    match params.get("Action").map(String::as_str) {
        Some("AssumeRole") => {}
        Some(other) => {
            return Err(StsError::new(
                StatusCode::BAD_REQUEST,
                "InvalidAction",
                format!("Could not find operation {other} for version 2011-06-15 in this emulator"),
            ));
        }
        None => {
            return Err(StsError::new(
                StatusCode::BAD_REQUEST,
                "MissingAction",
                "Missing Action",
            ));
        }
    }
    let auth = parse_authorization(headers)?;
    let now = shared.clock.now();
    let (secret, token, expiration) = {
        let issued = lock(&shared.federation.issued);
        let Some(found) = issued.get(&auth.access_key_id) else {
            return Err(StsError::new(
                StatusCode::FORBIDDEN,
                "InvalidClientTokenId",
                "The security token included in the request is invalid.",
            ));
        };
        (
            found.secret_access_key.clone(),
            found.session_token.clone(),
            found.expiration,
        )
    };
    let sent_token = headers
        .get("x-amz-security-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !constant_time_eq(sent_token.as_bytes(), token.as_bytes()) {
        return Err(StsError::new(
            StatusCode::FORBIDDEN,
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        ));
    }
    verify_signature(headers, body, &auth, &secret, &token)?;
    if auth.service != "sts" {
        return Err(StsError::new(
            StatusCode::FORBIDDEN,
            "SignatureDoesNotMatch",
            format!(
                "Credential should be scoped to correct service: 'sts', not '{}'",
                auth.service
            ),
        ));
    }
    if expiration <= now {
        return Err(StsError::new(
            StatusCode::BAD_REQUEST,
            "ExpiredToken",
            "The security token included in the request is expired",
        ));
    }
    let role_arn = params
        .get("RoleArn")
        .filter(|v| !v.is_empty())
        .ok_or_else(|| StsError::validation("1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null"))?;
    let session_name = params
        .get("RoleSessionName")
        .filter(|v| !v.is_empty())
        .ok_or_else(|| StsError::validation("1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null"))?;
    let name_ok = (2..=64).contains(&session_name.len())
        && session_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c));
    if !name_ok {
        return Err(StsError::validation(
            "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint: \
             Member must satisfy regular expression pattern: [\\w+=,.@-]* and length 2 to 64",
        ));
    }
    let duration = match params.get("DurationSeconds") {
        None => CHAINED_MAX,
        Some(raw) => raw
            .parse::<u64>()
            .map_err(|_| StsError::validation("DurationSeconds must be a number"))?,
    };
    if duration < MIN_DURATION {
        return Err(StsError::validation(
            "1 validation error detected: Value at 'durationSeconds' failed to satisfy constraint: \
             Member must have value greater than or equal to 900",
        ));
    }
    if duration > CHAINED_MAX {
        return Err(StsError::validation(
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by \
             role chaining.",
        ));
    }
    let Some((account, role)) = assumable(shared, role_arn) else {
        return Err(StsError::new(
            StatusCode::FORBIDDEN,
            "AccessDenied",
            format!(
                "User: arn:aws:sts::emulator:assumed-role/{} is not authorized to perform: \
                 sts:AssumeRole on resource: {role_arn}",
                auth.access_key_id
            ),
        ));
    };
    let expiration = now + Duration::from_secs(duration);
    let issued = crate::federation::Issued {
        access_key_id: random::access_key_id(),
        secret_access_key: random::secret_access_key(),
        session_token: random::secret(240),
        expiration,
    };
    let role_id = format!("AROA{}", &random::access_key_id()[4..]);
    let expires = DateTime::from(expiration)
        .fmt(Format::DateTime)
        .unwrap_or_default();
    let xml = format!(
        "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  \
         <AssumeRoleResult>\n    <AssumedRoleUser>\n      \
         <AssumedRoleId>{role_id}:{session}</AssumedRoleId>\n      \
         <Arn>arn:aws:sts::{account}:assumed-role/{role}/{session}</Arn>\n    \
         </AssumedRoleUser>\n    <Credentials>\n      <AccessKeyId>{}</AccessKeyId>\n      \
         <SecretAccessKey>{}</SecretAccessKey>\n      <SessionToken>{}</SessionToken>\n      \
         <Expiration>{expires}</Expiration>\n    </Credentials>\n  </AssumeRoleResult>\n  \
         <ResponseMetadata>\n    <RequestId>{}</RequestId>\n  </ResponseMetadata>\n\
         </AssumeRoleResponse>\n",
        issued.access_key_id,
        escape(&issued.secret_access_key),
        escape(&issued.session_token),
        random::token("req-", 16),
        session = escape(session_name),
    );
    shared.federation.remember(issued);
    Ok(xml)
}

/// `(account, role name)` of an ARN naming a role of an assigned account.
fn assumable<'a>(shared: &Shared, arn: &'a str) -> Option<(&'a str, &'a str)> {
    let rest = arn.strip_prefix("arn:aws:iam::")?;
    let (account, role) = rest.split_once(":role/")?;
    let role = role.rsplit('/').next()?;
    shared
        .config
        .assigned_account(account)
        .is_some_and(|a| a.roles.iter().any(|r| r == role))
        .then_some((account, role))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amz_dates_parse() {
        let t = parse_amz_date("20261128T190000Z").unwrap();
        assert_eq!(
            t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs(),
            1_795_892_400
        );
        assert!(parse_amz_date("2026-11-28T19:00:00Z").is_none());
    }
}
