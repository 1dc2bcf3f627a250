//! STS `AssumeRole` (query protocol, XML answers), signed with SigV4 by `aws-sigv4`,
//! over the same HTTP client (transport seam, retries, timeouts) as the other
//! clients. Role chaining (feature `extras`) calls it once per hop.

use std::fmt;
use std::time::SystemTime;

use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use aws_smithy_xml::decode::{Document, ScopedDecoder, try_data};
use reqwest::Method;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};

use super::error::{ErrorCode, ResponseError, ServiceError};
use super::http::{Endpoint, HttpClient};
use super::response::{MAX_MESSAGE_CHARS, bare_code};
use crate::secret::{SecretAccessKey, SessionToken};
use crate::transport::Request;

const OPERATION: &str = "AssumeRole";
/// The STS API version of the query protocol.
const VERSION: &str = "2011-06-15";
/// The longest STS session of a role assumed with role credentials, in seconds.
const CHAINED_MAX_SECONDS: u64 = 3600;

/// A client of one STS endpoint.
#[derive(Debug, Clone)]
pub struct StsClient {
    http: HttpClient,
    endpoint: Endpoint,
    signing_region: String,
}

/// The credentials that sign an `AssumeRole` (the previous hop's, or the SSO role's).
pub struct SourceCredentials<'a> {
    /// The access key id.
    pub access_key_id: &'a str,
    /// The secret access key.
    pub secret_access_key: &'a str,
    /// The session token.
    pub session_token: Option<&'a str>,
}

/// What one `AssumeRole` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumeRoleRequest<'a> {
    /// `RoleArn`.
    pub role_arn: &'a str,
    /// `RoleSessionName`.
    pub role_session_name: &'a str,
    /// `DurationSeconds`, if set.
    pub duration_seconds: Option<u32>,
    /// `ExternalId`, if set.
    pub external_id: Option<&'a str>,
}

/// The credentials of an assumed role.
#[derive(Clone, PartialEq)]
pub struct AssumedRole {
    /// The access key id.
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: SecretAccessKey,
    /// The session token.
    pub session_token: SessionToken,
    /// When they expire.
    pub expiration: SystemTime,
    /// `AssumedRoleUser.Arn`.
    pub assumed_role_arn: Option<String>,
    /// `AssumedRoleUser.AssumedRoleId`.
    pub assumed_role_id: Option<String>,
}

impl AssumedRole {
    /// The account of the role, read from the assumed role's ARN.
    pub fn account_id(&self) -> Option<&str> {
        let arn = self.assumed_role_arn.as_deref()?;
        let account = arn.split(':').nth(4)?;
        (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then_some(account)
    }
}

impl fmt::Debug for AssumedRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumedRole")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &self.secret_access_key)
            .field("session_token", &self.session_token)
            .field(
                "expiration",
                &crate::time::format_timestamp(self.expiration),
            )
            .field("assumed_role_arn", &self.assumed_role_arn)
            .finish()
    }
}

/// The STS error codes ssokit explains.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StsErrorCode {
    /// `AccessDenied`: the role's trust policy does not let these credentials assume
    /// it (or the external id is wrong).
    AccessDenied,
    /// `ExpiredToken`: the signing credentials have expired.
    ExpiredToken,
    /// `InvalidClientTokenId`: STS does not know the signing access key.
    InvalidClientTokenId,
    /// `SignatureDoesNotMatch`: the signature was refused (clock, endpoint).
    SignatureDoesNotMatch,
    /// `ValidationError`: a parameter is out of range or malformed.
    ValidationError,
    /// `RegionDisabledException`: STS is not activated in the region.
    RegionDisabled,
    /// `Throttling`.
    Throttling,
    /// Anything else, with the code STS sent, if any.
    Other(Option<String>),
}

impl StsErrorCode {
    fn from_code(code: Option<&str>) -> Self {
        match code {
            Some("AccessDenied" | "AccessDeniedException") => Self::AccessDenied,
            Some("ExpiredToken" | "ExpiredTokenException") => Self::ExpiredToken,
            Some("InvalidClientTokenId") => Self::InvalidClientTokenId,
            Some("SignatureDoesNotMatch") => Self::SignatureDoesNotMatch,
            Some("ValidationError") => Self::ValidationError,
            Some("RegionDisabledException") => Self::RegionDisabled,
            Some("Throttling" | "ThrottlingException") => Self::Throttling,
            other => Self::Other(other.map(str::to_owned)),
        }
    }

    /// The code as STS sends it.
    pub fn as_str(&self) -> Option<&str> {
        Some(match self {
            Self::AccessDenied => "AccessDenied",
            Self::ExpiredToken => "ExpiredToken",
            Self::InvalidClientTokenId => "InvalidClientTokenId",
            Self::SignatureDoesNotMatch => "SignatureDoesNotMatch",
            Self::ValidationError => "ValidationError",
            Self::RegionDisabled => "RegionDisabledException",
            Self::Throttling => "Throttling",
            Self::Other(code) => return code.as_deref(),
        })
    }
}

/// Why one `AssumeRole` failed, without the profile (see [`AssumeRoleError`]).
#[derive(Debug)]
#[non_exhaustive]
pub enum StsFailure {
    /// STS answered with an error.
    Rejected {
        /// What STS said went wrong.
        code: StsErrorCode,
        /// The HTTP status.
        status: u16,
        /// STS's explanation, cleaned and bounded.
        message: Option<String>,
        /// The region the request was signed for.
        signing_region: String,
    },
    /// A 2xx answer that is not an `AssumeRoleResponse` with credentials.
    Malformed {
        /// What is wrong.
        reason: String,
    },
    /// No answer, or the request could not be made (endpoint, CA bundle, proxy).
    Service(ServiceError),
}

/// An `AssumeRole` of a role chain failed: the profile, the role and the chain, with
/// what STS said and what to do.
#[derive(Debug)]
#[non_exhaustive]
pub struct AssumeRoleError {
    /// The profile whose `role_arn` was being assumed.
    pub profile: String,
    /// The role.
    pub role_arn: String,
    /// The chain, from the selected profile to the SSO root.
    pub chain: String,
    /// What went wrong.
    pub failure: StsFailure,
}

impl fmt::Display for AssumeRoleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            profile,
            role_arn,
            chain,
            ..
        } = self;
        write!(
            f,
            "assuming {role_arn} for profile {profile:?} (chain: {chain}) failed: "
        )?;
        match &self.failure {
            StsFailure::Rejected {
                code,
                status,
                message,
                signing_region,
            } => {
                let detail = message
                    .as_deref()
                    .map(|m| format!(": {m}"))
                    .unwrap_or_default();
                let sent = code.as_str().unwrap_or("no error code");
                let next = match code {
                    StsErrorCode::AccessDenied => format!(
                        "the role's trust policy does not allow the credentials of the previous \
                         profile of the chain to assume it: check role_arn and external_id in \
                         profile {profile:?}, and ask the role's administrator to trust that role"
                    ),
                    StsErrorCode::ExpiredToken => "the credentials that signed the request had \
                         expired by STS's clock: check this machine's clock; if it is right, \
                         the source credentials' cache entry is stale (remove it, or log in \
                         again)"
                        .to_owned(),
                    StsErrorCode::InvalidClientTokenId => format!(
                        "STS in {signing_region} does not know the signing access key: check \
                         region, sts_regional_endpoints and AWS_ENDPOINT_URL_STS (the key may \
                         belong to another partition)"
                    ),
                    StsErrorCode::SignatureDoesNotMatch => "check this machine's clock and the \
                         STS endpoint (AWS_ENDPOINT_URL_STS, a proxy that rewrites requests)"
                        .to_owned(),
                    StsErrorCode::ValidationError => format!(
                        "check role_arn, role_session_name, external_id and duration_seconds of \
                         profile {profile:?} (a chained role session lasts at most {CHAINED_MAX_SECONDS} \
                         seconds, and at most the role's maximum session duration)"
                    ),
                    StsErrorCode::RegionDisabled => format!(
                        "STS is not activated in {signing_region} for this account: activate \
                         it in the IAM account settings, or set region (or AWS_REGION) to \
                         another region"
                    ),
                    StsErrorCode::Throttling => "STS throttled the request: wait a minute and \
                         try again"
                        .to_owned(),
                    StsErrorCode::Other(_) => "check the STS endpoint and try again".to_owned(),
                };
                write!(f, "STS answered HTTP {status} ({sent}){detail}: {next}")
            }
            StsFailure::Malformed { reason } => write!(
                f,
                "the STS answer could not be read ({reason}): check that the STS endpoint \
                 (AWS_ENDPOINT_URL_STS) is AWS STS"
            ),
            StsFailure::Service(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for AssumeRoleError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.failure {
            StsFailure::Service(e) => e.source(),
            _ => None,
        }
    }
}

impl StsClient {
    /// A client of the STS endpoint at `url` (e.g. `https://sts.eu-west-1.amazonaws.com`),
    /// signing for `signing_region`, with its own HTTP client.
    ///
    /// # Errors
    /// [`ServiceError::InvalidEndpoint`] or [`ServiceError::InsecureEndpoint`] for a
    /// bad URL; a set-up failure of the HTTP client.
    pub fn new(
        url: &str,
        signing_region: &str,
        settings: &crate::client::HttpSettings,
    ) -> Result<Self, ServiceError> {
        Self::with_http_client(url, signing_region, &HttpClient::new(settings)?)
    }

    /// A client of the STS endpoint at `url`, signing for `signing_region`.
    pub(crate) fn with_http_client(
        url: &str,
        signing_region: &str,
        http: &HttpClient,
    ) -> Result<Self, ServiceError> {
        Ok(Self {
            http: http.clone(),
            endpoint: Endpoint::parse(url)?,
            signing_region: signing_region.to_owned(),
        })
    }

    /// The endpoint, as errors show it.
    pub fn endpoint(&self) -> &str {
        self.endpoint.shown()
    }

    /// The region requests are signed for.
    pub fn signing_region(&self) -> &str {
        &self.signing_region
    }

    /// `POST /` `Action=AssumeRole`, signed at `now` with `source`.
    pub async fn assume_role(
        &self,
        source: &SourceCredentials<'_>,
        request: &AssumeRoleRequest<'_>,
        now: SystemTime,
    ) -> Result<AssumedRole, StsFailure> {
        let signed = self.signed_request(source, request, now)?;
        let region = self.signing_region.clone();
        let body = self
            .http
            .send_with_retries(
                &self.endpoint,
                OPERATION,
                signed,
                &|status, _, body, attempt| {
                    let (code, message) = parse_error(body);
                    ResponseError {
                        code: ErrorCode::Other(code),
                        operation: OPERATION,
                        status,
                        message,
                        attempts: attempt,
                        retry_after: None,
                    }
                    .into()
                },
            )
            .await
            .map_err(|e| match e {
                ServiceError::Response(r) => StsFailure::Rejected {
                    code: StsErrorCode::from_code(r.code.as_str()),
                    status: r.status,
                    message: r.message,
                    signing_region: region.clone(),
                },
                other => StsFailure::Service(other),
            })?;
        let text = std::str::from_utf8(&body).map_err(|_| StsFailure::Malformed {
            reason: "the body is not UTF-8".to_owned(),
        })?;
        let role = parse_success(text).map_err(|reason| StsFailure::Malformed { reason })?;
        if role.expiration <= now {
            return Err(StsFailure::Malformed {
                reason: format!(
                    "the credentials expire at {}, which has passed",
                    crate::time::format_timestamp(role.expiration)
                ),
            });
        }
        Ok(role)
    }

    fn signed_request(
        &self,
        source: &SourceCredentials<'_>,
        request: &AssumeRoleRequest<'_>,
        now: SystemTime,
    ) -> Result<Request, StsFailure> {
        let invalid = |reason: String| {
            StsFailure::Service(ServiceError::HttpClient {
                reason: format!("cannot sign the AssumeRole request: {reason}"),
            })
        };
        let body = form_body(request);
        let url = self.endpoint.url("/", &[]);
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded; charset=utf-8"),
        );
        if let Some(agent) = self.http.user_agent() {
            headers.insert(reqwest::header::USER_AGENT, agent.clone());
        }
        let identity: Identity = aws_credential_types::Credentials::new(
            source.access_key_id,
            source.secret_access_key,
            source.session_token.map(str::to_owned),
            None,
            "ssokit",
        )
        .into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.signing_region)
            .name("sts")
            .time(now)
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| invalid(e.to_string()))?
            .into();
        let content_type = "application/x-www-form-urlencoded; charset=utf-8";
        let signable = SignableRequest::new(
            "POST",
            url.as_str(),
            std::iter::once(("content-type", content_type)),
            SignableBody::Bytes(body.as_bytes()),
        )
        .map_err(|e| invalid(e.to_string()))?;
        let (instructions, _signature) = sign(signable, &params)
            .map_err(|e| invalid(e.to_string()))?
            .into_parts();
        for (name, value) in instructions.headers() {
            let name =
                HeaderName::from_bytes(name.as_bytes()).map_err(|e| invalid(e.to_string()))?;
            let mut value = HeaderValue::from_str(value).map_err(|_| {
                invalid("a signing header holds characters not allowed in HTTP".to_owned())
            })?;
            if name == reqwest::header::AUTHORIZATION || name.as_str() == "x-amz-security-token" {
                value.set_sensitive(true);
            }
            headers.insert(name, value);
        }
        Ok(Request::new(Method::POST, url, headers, body.into_bytes()))
    }
}

/// `Action=AssumeRole&Version=2011-06-15&RoleArn=…&RoleSessionName=…[&DurationSeconds=…][&ExternalId=…]`.
pub(crate) fn form_body(request: &AssumeRoleRequest<'_>) -> String {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    form.append_pair("Action", OPERATION)
        .append_pair("Version", VERSION)
        .append_pair("RoleArn", request.role_arn)
        .append_pair("RoleSessionName", request.role_session_name);
    if let Some(d) = request.duration_seconds {
        form.append_pair("DurationSeconds", &d.to_string());
    }
    if let Some(id) = request.external_id {
        form.append_pair("ExternalId", id);
    }
    form.finish()
}

fn data(tag: &mut ScopedDecoder<'_, '_>) -> Result<String, String> {
    try_data(tag)
        .map(|d| d.trim().to_owned())
        .map_err(|e| format!("bad XML: {e}"))
}

/// Reads `AssumeRoleResponse/AssumeRoleResult/{Credentials,AssumedRoleUser}`.
fn parse_success(text: &str) -> Result<AssumedRole, String> {
    let mut doc = Document::new(text);
    let mut root = doc.root_element().map_err(|e| format!("not XML: {e}"))?;
    if !root.start_el().matches("AssumeRoleResponse") {
        return Err(format!(
            "the root element is <{}>, not <AssumeRoleResponse>",
            root.start_el().local().chars().take(64).collect::<String>()
        ));
    }
    let (mut key, mut secret, mut token, mut expiration) = (None, None, None, None);
    let (mut arn, mut role_id) = (None, None);
    while let Some(mut result) = root.next_tag() {
        if !result.start_el().matches("AssumeRoleResult") {
            continue;
        }
        while let Some(mut part) = result.next_tag() {
            if part.start_el().matches("Credentials") {
                while let Some(mut field) = part.next_tag() {
                    let name = field.start_el().local().to_owned();
                    let value = data(&mut field)?;
                    match name.as_str() {
                        "AccessKeyId" => key = Some(value),
                        "SecretAccessKey" => secret = Some(value),
                        "SessionToken" => token = Some(value),
                        "Expiration" => expiration = Some(value),
                        _ => {}
                    }
                }
            } else if part.start_el().matches("AssumedRoleUser") {
                while let Some(mut field) = part.next_tag() {
                    let name = field.start_el().local().to_owned();
                    let value = data(&mut field)?;
                    match name.as_str() {
                        "Arn" => arn = Some(value),
                        "AssumedRoleId" => role_id = Some(value),
                        _ => {}
                    }
                }
            }
        }
    }
    let need = |v: Option<String>, name: &str| {
        v.filter(|s| !s.is_empty())
            .ok_or_else(|| format!("Credentials/{name} is missing"))
    };
    let expiration = need(expiration, "Expiration")?;
    let expiration = crate::time::parse_timestamp(&expiration)
        .map_err(|_| "Credentials/Expiration is not an ISO 8601 time".to_owned())?;
    Ok(AssumedRole {
        access_key_id: need(key, "AccessKeyId")?,
        secret_access_key: SecretAccessKey::new(need(secret, "SecretAccessKey")?),
        session_token: SessionToken::new(need(token, "SessionToken")?),
        expiration,
        assumed_role_arn: arn,
        assumed_role_id: role_id,
    })
}

/// Reads `ErrorResponse/Error/{Code,Message}`: the code (if it is an identifier) and
/// the message (cleaned, bounded).
pub(crate) fn parse_error(body: &[u8]) -> (Option<String>, Option<String>) {
    let Ok(text) = std::str::from_utf8(body) else {
        return (None, None);
    };
    let mut doc = Document::new(text);
    let Ok(mut root) = doc.root_element() else {
        return (None, None);
    };
    let (mut code, mut message) = (None, None);
    while let Some(mut error) = root.next_tag() {
        if !error.start_el().matches("Error") {
            continue;
        }
        while let Some(mut field) = error.next_tag() {
            let name = field.start_el().local().to_owned();
            let Ok(value) = data(&mut field) else {
                continue;
            };
            match name.as_str() {
                "Code" => code = bare_code(&value).map(str::to_owned),
                "Message" => {
                    let clean: String = value
                        .chars()
                        .map(|c| if c.is_control() { ' ' } else { c })
                        .take(MAX_MESSAGE_CHARS)
                        .collect();
                    let clean = clean.trim().to_owned();
                    message = (!clean.is_empty()).then_some(clean);
                }
                _ => {}
            }
        }
    }
    (code, message)
}

#[cfg(test)]
mod tests;
