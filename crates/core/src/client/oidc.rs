//! SSO OIDC (`sso-oidc`): RegisterClient, StartDeviceAuthorization and CreateToken.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::Method;
use serde::Serialize;
use serde_json::{Map, Value};

use super::error::ServiceError;
use super::http::{Call, Endpoint, Fields, HttpClient};
use super::response::Service;
use super::settings::HttpSettings;
use crate::secret::{AccessToken, ClientSecret, RefreshToken};

/// The device-code grant type of RFC 8628.
pub(crate) const GRANT_DEVICE_CODE: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// The refresh-token grant type.
pub(crate) const GRANT_REFRESH_TOKEN: &str = "refresh_token";
/// The authorization-code grant type (PKCE).
pub(crate) const GRANT_AUTHORIZATION_CODE: &str = "authorization_code";
/// The poll interval when StartDeviceAuthorization does not send one.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(5);
/// The longest access-token lifetime (`expiresIn`) accepted from CreateToken: 90
/// days, the longest session IAM Identity Center can be configured for (an access
/// token cannot outlive its session; real ones last an hour or a few). A longer one
/// is refused, as is 0.
pub(crate) const MAX_ACCESS_TOKEN_LIFETIME: Duration = Duration::from_secs(90 * 86_400);
/// The last instant the AWS CLI's timestamp format (and botocore) can express:
/// 9999-12-31T23:59:59Z, in seconds since the Unix epoch.
pub(crate) const LAST_READABLE_EPOCH_SECS: u64 = 253_402_300_799;

pub use crate::secret::{AuthorizationCode, CodeVerifier, DeviceCode};

/// A RegisterClient request. Absent members are not sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RegisterClientRequest {
    /// `clientName`, shown to the user on the approval page.
    pub client_name: String,
    /// `clientType`; always `public` for ssokit.
    pub client_type: String,
    /// `scopes`, e.g. `["sso:account:access"]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
    /// `redirectUris`, for the PKCE flow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_uris: Option<Vec<String>>,
    /// `grantTypes`, for the PKCE flow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grant_types: Option<Vec<String>>,
    /// `issuerUrl` (the start URL), for the PKCE flow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer_url: Option<String>,
}

impl RegisterClientRequest {
    /// A `public` client with the given name and scopes (send scopes only when
    /// `sso_registration_scopes` is configured): what the device flow registers.
    pub fn public(client_name: impl Into<String>, scopes: Option<Vec<String>>) -> Self {
        Self {
            client_name: client_name.into(),
            client_type: "public".to_owned(),
            scopes,
            redirect_uris: None,
            grant_types: None,
            issuer_url: None,
        }
    }

    /// Sets `scopes`.
    pub fn scopes(mut self, scopes: Vec<String>) -> Self {
        self.scopes = Some(scopes);
        self
    }

    /// Sets `redirectUris`.
    pub fn redirect_uris(mut self, uris: Vec<String>) -> Self {
        self.redirect_uris = Some(uris);
        self
    }

    /// Sets `grantTypes`.
    pub fn grant_types(mut self, grant_types: Vec<String>) -> Self {
        self.grant_types = Some(grant_types);
        self
    }

    /// Sets `issuerUrl`.
    pub fn issuer_url(mut self, issuer_url: impl Into<String>) -> Self {
        self.issuer_url = Some(issuer_url.into());
        self
    }
}

/// A registered client.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RegisterClientResponse {
    /// `clientId`.
    pub client_id: String,
    /// `clientSecret`.
    pub client_secret: ClientSecret,
    /// `clientIdIssuedAt`, when the service sent it.
    pub client_id_issued_at: Option<SystemTime>,
    /// `clientSecretExpiresAt`: when the registration stops working.
    pub client_secret_expires_at: SystemTime,
    /// `authorizationEndpoint`, when the service sent it.
    pub authorization_endpoint: Option<String>,
    /// `tokenEndpoint`, when the service sent it.
    pub token_endpoint: Option<String>,
}

/// A started device authorization (RFC 8628).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeviceAuthorization {
    /// `deviceCode`, sent back with each CreateToken poll.
    pub device_code: DeviceCode,
    /// `userCode`, shown to the user.
    pub user_code: String,
    /// `verificationUri`, where the user enters the code.
    pub verification_uri: String,
    /// `verificationUriComplete`, the same page with the code filled in.
    pub verification_uri_complete: Option<String>,
    /// `expiresIn`: how long the codes are valid.
    pub expires_in: Duration,
    /// `interval`: how long to wait between polls; 5 s when not sent.
    pub interval: Duration,
}

/// The grant of a CreateToken request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Grant {
    /// The device-code grant, with the device code of StartDeviceAuthorization.
    DeviceCode(DeviceCode),
    /// The refresh-token grant.
    RefreshToken(RefreshToken),
    /// The authorization-code grant with PKCE.
    AuthorizationCode {
        /// The code the redirect URI received.
        code: AuthorizationCode,
        /// The PKCE verifier whose challenge was sent to `/authorize`.
        code_verifier: CodeVerifier,
        /// The redirect URI, port included, exactly as sent to `/authorize`.
        redirect_uri: String,
    },
}

impl Grant {
    /// The `grantType` value.
    pub fn grant_type(&self) -> &'static str {
        match self {
            Self::DeviceCode(_) => GRANT_DEVICE_CODE,
            Self::RefreshToken(_) => GRANT_REFRESH_TOKEN,
            Self::AuthorizationCode { .. } => GRANT_AUTHORIZATION_CODE,
        }
    }
}

/// A CreateToken request. `Debug` shows no secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CreateTokenRequest {
    /// `clientId`.
    pub client_id: String,
    /// `clientSecret`.
    pub client_secret: ClientSecret,
    /// The grant and its values.
    pub grant: Grant,
    /// `scope`; not sent when `None`.
    pub scopes: Option<Vec<String>>,
}

impl CreateTokenRequest {
    /// A device-code poll.
    pub fn device_code(
        client_id: impl Into<String>,
        client_secret: ClientSecret,
        device_code: DeviceCode,
    ) -> Self {
        Self::new(client_id, client_secret, Grant::DeviceCode(device_code))
    }

    /// A refresh.
    pub fn refresh_token(
        client_id: impl Into<String>,
        client_secret: ClientSecret,
        refresh_token: RefreshToken,
    ) -> Self {
        Self::new(client_id, client_secret, Grant::RefreshToken(refresh_token))
    }

    /// The PKCE code exchange.
    pub fn authorization_code(
        client_id: impl Into<String>,
        client_secret: ClientSecret,
        code: AuthorizationCode,
        code_verifier: CodeVerifier,
        redirect_uri: impl Into<String>,
    ) -> Self {
        Self::new(
            client_id,
            client_secret,
            Grant::AuthorizationCode {
                code,
                code_verifier,
                redirect_uri: redirect_uri.into(),
            },
        )
    }

    /// A request with any grant and no scopes.
    pub fn new(client_id: impl Into<String>, client_secret: ClientSecret, grant: Grant) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret,
            grant,
            scopes: None,
        }
    }

    /// Sets `scope`.
    pub fn scopes(mut self, scopes: Vec<String>) -> Self {
        self.scopes = Some(scopes);
        self
    }

    /// The JSON body, secrets included.
    fn to_json(&self) -> Value {
        let mut body = Map::new();
        let mut put = |key: &str, value: &str| {
            body.insert(key.to_owned(), Value::String(value.to_owned()));
        };
        put("clientId", &self.client_id);
        put("clientSecret", self.client_secret.expose_secret());
        put("grantType", self.grant.grant_type());
        match &self.grant {
            Grant::DeviceCode(code) => put("deviceCode", code.expose_secret()),
            Grant::RefreshToken(token) => put("refreshToken", token.expose_secret()),
            Grant::AuthorizationCode {
                code,
                code_verifier,
                redirect_uri,
            } => {
                put("code", code.expose_secret());
                put("codeVerifier", code_verifier.expose_secret());
                put("redirectUri", redirect_uri);
            }
        }
        if let Some(scopes) = &self.scopes {
            body.insert(
                "scope".to_owned(),
                Value::Array(scopes.iter().cloned().map(Value::String).collect()),
            );
        }
        Value::Object(body)
    }
}

/// A token from CreateToken. The `idToken` is not kept.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenResponse {
    /// `accessToken`.
    pub access_token: AccessToken,
    /// `tokenType`, normally `Bearer`.
    pub token_type: Option<String>,
    /// `expiresIn`.
    pub expires_in: Duration,
    /// `refreshToken`, when one was issued.
    pub refresh_token: Option<RefreshToken>,
}

impl TokenResponse {
    /// When the access token expires, counted from `now` (the time of the response).
    pub fn expires_at(&self, now: SystemTime) -> SystemTime {
        now.checked_add(self.expires_in).unwrap_or(now)
    }
}

/// A client for SSO OIDC. Requests are unsigned JSON.
#[derive(Debug, Clone)]
pub struct OidcClient {
    http: HttpClient,
    endpoint: Endpoint,
}

impl OidcClient {
    /// The HTTP client under this one (for the start URL's redirect).
    #[cfg(feature = "login")]
    pub(crate) fn http_client(&self) -> &HttpClient {
        &self.http
    }

    /// A client for `endpoint` (e.g. `https://oidc.us-east-1.amazonaws.com`) with its
    /// own HTTP client.
    pub fn new(endpoint: &str, settings: &HttpSettings) -> Result<Self, ServiceError> {
        Self::with_http_client(endpoint, &HttpClient::new(settings)?)
    }

    /// A client for `endpoint` sharing an HTTP client.
    pub(crate) fn with_http_client(
        endpoint: &str,
        http: &HttpClient,
    ) -> Result<Self, ServiceError> {
        Ok(Self {
            http: http.clone(),
            endpoint: Endpoint::parse(endpoint)?,
        })
    }

    /// How this client waits between attempts (the injected sleep).
    #[cfg(feature = "login")]
    pub(crate) fn sleeper(&self) -> &crate::time::SharedSleeper {
        self.http.sleeper()
    }

    /// The same endpoint through another HTTP client.
    pub(crate) fn with_http(mut self, http: &HttpClient) -> Self {
        self.http = http.clone();
        self
    }

    /// The endpoint, as shown in errors.
    pub fn endpoint(&self) -> &str {
        self.endpoint.shown()
    }

    /// RegisterClient: `POST /client/register`.
    pub async fn register_client(
        &self,
        request: &RegisterClientRequest,
    ) -> Result<RegisterClientResponse, ServiceError> {
        const OP: &str = "RegisterClient";
        let body = serde_json::to_value(request).map_err(|_| ServiceError::InvalidInput {
            operation: OP,
            reason: "the registration request cannot be encoded",
        })?;
        let response = self.post(OP, "/client/register", &body).await?;
        let f = Fields::top(OP, response.as_ref())?;
        let secret_expires = f.req_u64("clientSecretExpiresAt")?;
        if secret_expires > LAST_READABLE_EPOCH_SECS {
            return Err(ServiceError::ImplausibleExpiry {
                operation: OP,
                field: "clientSecretExpiresAt",
                sent: format!("{secret_expires} seconds since 1970"),
                problem: "a time after the year 9999, which the AWS CLI cannot read".to_owned(),
            });
        }
        Ok(RegisterClientResponse {
            client_id: f.req_str("clientId")?,
            client_secret: ClientSecret::new(f.req_str("clientSecret")?),
            client_id_issued_at: f.opt_u64("clientIdIssuedAt")?.map(epoch_secs),
            client_secret_expires_at: epoch_secs(secret_expires),
            authorization_endpoint: f.opt_str("authorizationEndpoint")?,
            token_endpoint: f.opt_str("tokenEndpoint")?,
        })
    }

    /// StartDeviceAuthorization: `POST /device_authorization`.
    pub async fn start_device_authorization(
        &self,
        client_id: &str,
        client_secret: &ClientSecret,
        start_url: &str,
    ) -> Result<DeviceAuthorization, ServiceError> {
        const OP: &str = "StartDeviceAuthorization";
        let body = serde_json::json!({
            "clientId": client_id,
            "clientSecret": client_secret.expose_secret(),
            "startUrl": start_url,
        });
        let response = self.post(OP, "/device_authorization", &body).await?;
        let f = Fields::top(OP, response.as_ref())?;
        let interval = match f.opt_u64("interval")? {
            Some(secs) if secs > 0 => Duration::from_secs(secs),
            _ => DEFAULT_POLL_INTERVAL,
        };
        Ok(DeviceAuthorization {
            device_code: DeviceCode::new(f.req_str("deviceCode")?),
            user_code: f.req_str("userCode")?,
            verification_uri: f.req_str("verificationUri")?,
            verification_uri_complete: f.opt_str("verificationUriComplete")?,
            expires_in: Duration::from_secs(f.req_u64("expiresIn")?),
            interval,
        })
    }

    /// CreateToken: `POST /token`. The device-flow signals come back as
    /// [`ServiceError::Response`] with
    /// [`ErrorCode::AuthorizationPending`](super::ErrorCode::AuthorizationPending) and
    /// [`ErrorCode::SlowDown`](super::ErrorCode::SlowDown).
    pub async fn create_token(
        &self,
        request: &CreateTokenRequest,
    ) -> Result<TokenResponse, ServiceError> {
        const OP: &str = "CreateToken";
        let response = self.post(OP, "/token", &request.to_json()).await?;
        let f = Fields::top(OP, response.as_ref())?;
        let expires_in = f.req_u64("expiresIn")?;
        check_lifetime(OP, "expiresIn", expires_in)?;
        Ok(TokenResponse {
            access_token: AccessToken::new(f.req_str("accessToken")?),
            token_type: f.opt_str("tokenType")?,
            expires_in: Duration::from_secs(expires_in),
            refresh_token: f
                .opt_str("refreshToken")?
                .filter(|t| !t.is_empty())
                .map(RefreshToken::new),
        })
    }

    async fn post(
        &self,
        operation: &'static str,
        path: &'static str,
        body: &Value,
    ) -> Result<Option<Value>, ServiceError> {
        let json = serde_json::to_vec(body).map_err(|_| ServiceError::InvalidInput {
            operation,
            reason: "the request body cannot be encoded",
        })?;
        self.http
            .call(
                &self.endpoint,
                Call {
                    service: Service::Oidc,
                    operation,
                    method: Method::POST,
                    path,
                    query: Vec::new(),
                    bearer: None,
                    json: Some(json),
                },
            )
            .await
    }
}

/// An access-token lifetime in seconds must be at least 1 and at most
/// [`MAX_ACCESS_TOKEN_LIFETIME`].
fn check_lifetime(
    operation: &'static str,
    field: &'static str,
    secs: u64,
) -> Result<(), ServiceError> {
    let problem = if secs == 0 {
        "a token that is already expired".to_owned()
    } else if secs > MAX_ACCESS_TOKEN_LIFETIME.as_secs() {
        format!(
            "a lifetime longer than the {} days an IAM Identity Center session can last",
            MAX_ACCESS_TOKEN_LIFETIME.as_secs() / 86_400
        )
    } else {
        return Ok(());
    };
    Err(ServiceError::ImplausibleExpiry {
        operation,
        field,
        sent: format!("{secs} seconds"),
        problem,
    })
}

fn epoch_secs(secs: u64) -> SystemTime {
    UNIX_EPOCH
        .checked_add(Duration::from_secs(secs))
        .unwrap_or(UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn create_token_bodies_for_each_grant() {
        let secret = ClientSecret::new("cs");
        let r = CreateTokenRequest::device_code("cid", secret.clone(), DeviceCode::new("dc"));
        assert_eq!(
            r.to_json(),
            json!({"clientId": "cid", "clientSecret": "cs", "grantType": GRANT_DEVICE_CODE, "deviceCode": "dc"})
        );
        let r = CreateTokenRequest::refresh_token("cid", secret.clone(), RefreshToken::new("rt"));
        assert_eq!(
            r.to_json(),
            json!({"clientId": "cid", "clientSecret": "cs", "grantType": "refresh_token", "refreshToken": "rt"})
        );
        let r = CreateTokenRequest::authorization_code(
            "cid",
            secret,
            AuthorizationCode::new("code"),
            CodeVerifier::new("ver"),
            "http://127.0.0.1:5/oauth/callback",
        )
        .scopes(vec!["sso:account:access".to_owned()]);
        assert_eq!(
            r.to_json(),
            json!({"clientId": "cid", "clientSecret": "cs", "grantType": "authorization_code",
                   "code": "code", "codeVerifier": "ver",
                   "redirectUri": "http://127.0.0.1:5/oauth/callback",
                   "scope": ["sso:account:access"]})
        );
    }

    #[test]
    fn request_debug_hides_every_secret() {
        let r = CreateTokenRequest::authorization_code(
            "cid",
            ClientSecret::new("s3cret-a"),
            AuthorizationCode::new("s3cret-b"),
            CodeVerifier::new("s3cret-c"),
            "http://127.0.0.1/cb",
        );
        let r2 = CreateTokenRequest::device_code(
            "cid",
            ClientSecret::new("x"),
            DeviceCode::new("s3cret-d"),
        );
        let shown = format!("{r:?} {r2:#?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("cid"));
    }

    #[test]
    fn register_request_omits_absent_members() {
        let r = RegisterClientRequest::public("ssokit-dev", None);
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            json!({"clientName": "ssokit-dev", "clientType": "public"})
        );
    }
}
