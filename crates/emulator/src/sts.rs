//! STS `AssumeRole` (`POST /`, query protocol, XML answers), as role chaining uses
//! it. The request's SigV4 signature is verified: recomputed with `aws-sigv4` from
//! the secret of the credentials this emulator issued (GetRoleCredentials or an
//! earlier AssumeRole), so a broken signer fails with `SignatureDoesNotMatch`. As
//! STS does, the scope must name `sts` and `X-Amz-Date`'s day, `X-Amz-Date` must be
//! within 15 minutes of the emulator's clock and the session token must be signed;
//! the scope's region is noted in the request log.
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

use crate::clock::since;
use crate::error::LoggedError;
use crate::log::LogDetail;
use crate::pages::escape;
use crate::server::Shared;
use crate::{lock, random};

/// The longest session of a role assumed with role credentials.
const CHAINED_MAX: u64 = 3600;
/// The shortest session STS grants.
const MIN_DURATION: u64 = 900;
/// How far `X-Amz-Date` may be from the emulator's clock, either way.
const MAX_SKEW: Duration = Duration::from_secs(15 * 60);

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
        let mut response = (self.status, [("content-type", "text/xml")], body).into_response();
        response.extensions_mut().insert(LoggedError(self.code));
        response
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
    let (region, result) = assume_role(&shared, &headers, &body);
    let mut response = match result {
        Ok(xml) => (StatusCode::OK, [("content-type", "text/xml")], xml).into_response(),
        Err(e) => e.into_response(),
    };
    if let Some(region) = region {
        response.extensions_mut().insert(LogDetail(region));
    }
    response
}

/// The parts of `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=...,
/// Signature=...`.
struct Authorization {
    access_key_id: String,
    /// The scope's date, `YYYYMMDD`.
    date: String,
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
    let [key, date, region, service, "aws4_request"] = credential.as_slice() else {
        return Err(incomplete());
    };
    Ok(Authorization {
        access_key_id: (*key).to_owned(),
        date: (*date).to_owned(),
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

/// `t` as `X-Amz-Date` writes it: `20261128T190000Z`.
fn amz_date(t: SystemTime) -> String {
    let secs = i64::try_from(crate::clock::epoch_secs(t)).unwrap_or(i64::MAX);
    DateTime::from_secs(secs)
        .fmt(Format::DateTime)
        .unwrap_or_default()
        .replace(['-', ':'], "")
}

/// Checks the credential scope and the request's time against the clock, as STS
/// does before it looks at the key: the service must be `sts`, the scope's date
/// the date of `X-Amz-Date`, and `X-Amz-Date` within 15 minutes of `now`. Returns
/// the request's time, which the signature is computed for.
fn check_scope(
    headers: &HeaderMap,
    auth: &Authorization,
    now: SystemTime,
) -> Result<SystemTime, StsError> {
    let forbidden =
        |message: String| StsError::new(StatusCode::FORBIDDEN, "SignatureDoesNotMatch", message);
    if auth.service != "sts" {
        return Err(forbidden(format!(
            "Credential should be scoped to correct service: 'sts', not '{}'.",
            auth.service
        )));
    }
    let raw = headers
        .get("x-amz-date")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            StsError::new(
                StatusCode::BAD_REQUEST,
                "IncompleteSignature",
                "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' \
                 header.",
            )
        })?;
    let time = parse_amz_date(raw).ok_or_else(|| {
        StsError::new(
            StatusCode::BAD_REQUEST,
            "IncompleteSignature",
            format!("X-Amz-Date '{raw}' is not an ISO-8601 basic date such as 20261128T190000Z"),
        )
    })?;
    let day = raw.get(..8).unwrap_or_default();
    if auth.date != day {
        return Err(forbidden(format!(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date \
             from HTTP: '{}' != '{day}', from '{raw}'.",
            auth.date
        )));
    }
    let (now_text, earliest, latest) = (
        amz_date(now),
        amz_date(now.checked_sub(MAX_SKEW).unwrap_or(now)),
        amz_date(now.checked_add(MAX_SKEW).unwrap_or(now)),
    );
    if since(now, time) > MAX_SKEW {
        return Err(forbidden(format!(
            "Signature expired: {raw} is now earlier than {earliest} ({now_text} - 15 min.)"
        )));
    }
    if since(time, now) > MAX_SKEW {
        return Err(forbidden(format!(
            "Signature not yet current: {raw} is still later than {latest} ({now_text} + 15 min.)"
        )));
    }
    Ok(time)
}

/// Recomputes the signature of the request, made at `time`, with `secret` and
/// compares it. The session token must be signed.
fn verify_signature(
    headers: &HeaderMap,
    body: &[u8],
    auth: &Authorization,
    time: SystemTime,
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
    if !auth
        .signed_headers
        .iter()
        .any(|h| h == "x-amz-security-token")
    {
        return Err(StsError::new(
            StatusCode::FORBIDDEN,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided: \
             X-Amz-Security-Token must be among the SignedHeaders.",
        ));
    }
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
        Some(session_token.to_owned()),
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

/// AssumeRole; also returns the credential scope's region (when the
/// `Authorization` could be read) for the log.
fn assume_role(
    shared: &Shared,
    headers: &HeaderMap,
    body: &[u8],
) -> (Option<String>, Result<String, StsError>) {
    let params = form(body);
    if let Err(e) = check_action(&params) {
        return (None, Err(e));
    }
    match parse_authorization(headers) {
        Ok(auth) => (
            Some(auth.region.clone()),
            assume_role_signed(shared, headers, body, &params, &auth),
        ),
        Err(e) => (None, Err(e)),
    }
}

fn check_action(params: &HashMap<String, String>) -> Result<(), StsError> {
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
    Ok(())
}

/// AssumeRole once the `Authorization` header has been read.
fn assume_role_signed(
    shared: &Shared,
    headers: &HeaderMap,
    body: &[u8],
    params: &HashMap<String, String>,
    auth: &Authorization,
) -> Result<String, StsError> {
    let now = shared.clock.now();
    let time = check_scope(headers, auth, now)?;
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
    verify_signature(headers, body, auth, time, &secret, &token)?;
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
        assert_eq!(
            amz_date(t + Duration::from_millis(1500)),
            "20261128T190001Z"
        );
    }
}
