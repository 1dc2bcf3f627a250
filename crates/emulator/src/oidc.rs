//! SSO OIDC: RegisterClient, StartDeviceAuthorization and CreateToken.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use url::Url;

use crate::clock::epoch_secs;
use crate::error::{OidcError, OidcErrorKind};
use crate::log::LogDetail;
use crate::server::Shared;
use crate::store::{
    GRANT_AUTHORIZATION_CODE, GRANT_DEVICE_CODE, GRANT_REFRESH_TOKEN, NewClient, Tokens,
};

/// The grant types a registration may ask for.
const KNOWN_GRANTS: [&str; 3] = [
    GRANT_AUTHORIZATION_CODE,
    GRANT_REFRESH_TOKEN,
    GRANT_DEVICE_CODE,
];

/// Reads a JSON body; an empty body is `{}`. Failures are `InvalidRequestException`
/// and never echo the body.
pub(crate) fn json_body<T: DeserializeOwned>(
    body: Result<Bytes, BytesRejection>,
    limit: usize,
) -> Result<T, OidcError> {
    let bytes = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            OidcError::invalid_request(format!("The request body is larger than {limit} bytes"))
        } else {
            OidcError::invalid_request("The request body could not be read")
        }
    })?;
    let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        &bytes
    };
    serde_json::from_slice(bytes).map_err(|e| {
        OidcError::invalid_request(format!(
            "The request body is not a valid JSON object for this operation (line {}, column {})",
            e.line(),
            e.column()
        ))
    })
}

/// A required string member.
fn required(value: Option<String>, name: &str) -> Result<String, OidcError> {
    value
        .filter(|v| !v.is_empty())
        .ok_or_else(|| OidcError::invalid_request(format!("{name} is required")))
}

/// A scope is `openid` or `service:name` from a small alphabet.
fn valid_scope(scope: &str) -> bool {
    (1..=256).contains(&scope.len())
        && scope
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ":_-.*/".contains(c))
        && (scope == "openid" || scope.contains(':'))
}

/// A loopback `http://` redirect URI (127.0.0.0/8, `[::1]` or `localhost`).
pub(crate) fn loopback_redirect(uri: &str) -> Option<Url> {
    let url = Url::parse(uri).ok()?;
    let loopback = match url.host()? {
        url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    };
    (url.scheme() == "http" && loopback && url.fragment().is_none()).then_some(url)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RegisterClientBody {
    client_name: Option<String>,
    client_type: Option<String>,
    scopes: Option<Vec<String>>,
    redirect_uris: Option<Vec<String>>,
    grant_types: Option<Vec<String>>,
    issuer_url: Option<String>,
}

/// `POST /client/register`.
pub(crate) async fn register_client(
    State(shared): State<Arc<Shared>>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    register(&shared, body).map_or_else(IntoResponse::into_response, |v| Json(v).into_response())
}

fn register(shared: &Shared, body: Result<Bytes, BytesRejection>) -> Result<Value, OidcError> {
    let b: RegisterClientBody = json_body(body, shared.config.max_body_bytes)?;
    let name = required(b.client_name, "clientName")?;
    let client_type = required(b.client_type, "clientType")?;
    if client_type != "public" {
        return Err(OidcError::new(
            OidcErrorKind::InvalidClientMetadata,
            "Invalid client type: only public clients are supported",
        ));
    }
    let scopes = b.scopes.unwrap_or_default();
    if let Some(bad) = scopes.iter().find(|s| !valid_scope(s)) {
        return Err(OidcError::new(
            OidcErrorKind::InvalidScope,
            format!("Invalid scope: {}", bad.escape_debug()),
        ));
    }
    let grants = b.grant_types.as_deref().unwrap_or_default();
    if let Some(bad) = grants.iter().find(|g| !KNOWN_GRANTS.contains(&g.as_str())) {
        return Err(OidcError::new(
            OidcErrorKind::UnsupportedGrantType,
            format!("Unsupported grant type: {}", bad.escape_debug()),
        ));
    }
    let redirect_uris = b.redirect_uris.unwrap_or_default();
    if redirect_uris.iter().any(|u| loopback_redirect(u).is_none()) {
        return Err(OidcError::new(
            OidcErrorKind::InvalidRedirectUri,
            "Invalid redirect URI: only http loopback URIs are allowed for public clients",
        ));
    }
    let wants_code = b
        .grant_types
        .as_ref()
        .is_some_and(|g| g.iter().any(|g| g == GRANT_AUTHORIZATION_CODE));
    if wants_code {
        if redirect_uris.is_empty() {
            return Err(OidcError::new(
                OidcErrorKind::InvalidRedirectUri,
                "redirectUris is required for the authorization_code grant",
            ));
        }
        let issuer = required(b.issuer_url.clone(), "issuerUrl")?;
        if Url::parse(&issuer).is_err() {
            return Err(OidcError::invalid_request("issuerUrl is not a URL"));
        }
    }
    let now = shared.clock.now();
    let client = shared.store().register(
        NewClient {
            name,
            scopes,
            grant_types: b.grant_types,
            redirect_uris,
            issuer_url: b.issuer_url,
        },
        now,
        &shared.config,
    );
    Ok(json!({
        "clientId": client.id,
        "clientSecret": client.secret,
        "clientIdIssuedAt": epoch_secs(client.issued_at),
        "clientSecretExpiresAt": epoch_secs(client.expires_at),
    }))
}

// No Debug outside tests: it holds secrets.
#[cfg_attr(test, derive(Debug))]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StartDeviceBody {
    client_id: Option<String>,
    client_secret: Option<String>,
    start_url: Option<String>,
}

/// `POST /device_authorization`.
pub(crate) async fn start_device_authorization(
    State(shared): State<Arc<Shared>>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    start_device(&shared, body)
        .map_or_else(IntoResponse::into_response, |v| Json(v).into_response())
}

fn start_device(shared: &Shared, body: Result<Bytes, BytesRejection>) -> Result<Value, OidcError> {
    let b: StartDeviceBody = json_body(body, shared.config.max_body_bytes)?;
    let client_id = required(b.client_id, "clientId")?;
    let client_secret = required(b.client_secret, "clientSecret")?;
    let start_url = required(b.start_url, "startUrl")?;
    if !Url::parse(&start_url).is_ok_and(|u| matches!(u.scheme(), "http" | "https")) {
        return Err(OidcError::invalid_request("startUrl is not a valid URL"));
    }
    let now = shared.clock.now();
    let mut store = shared.store();
    let client = store.client(&client_id, &client_secret, now)?;
    if !client.allows(GRANT_DEVICE_CODE) {
        return Err(OidcError::new(
            OidcErrorKind::UnauthorizedClient,
            "The client is not registered for the device code grant",
        ));
    }
    let started = store.start_device(&client_id, &start_url, now, &shared.config);
    drop(store);
    let page = shared.verification_uri();
    let mut complete = Url::parse(&page)
        .map_err(|_| OidcError::new(OidcErrorKind::InternalServer, "bad base URL"))?;
    complete
        .query_pairs_mut()
        .append_pair("user_code", &started.user_code);
    Ok(json!({
        "deviceCode": started.device_code,
        "userCode": started.user_code,
        "verificationUri": page,
        "verificationUriComplete": complete.as_str(),
        "expiresIn": started.expires_in,
        "interval": started.interval,
    }))
}

// No Debug outside tests: it holds secrets.
#[cfg_attr(test, derive(Debug))]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateTokenBody {
    client_id: Option<String>,
    client_secret: Option<String>,
    grant_type: Option<String>,
    device_code: Option<String>,
    code: Option<String>,
    refresh_token: Option<String>,
    scope: Option<Vec<String>>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
}

/// `POST /token`.
pub(crate) async fn create_token(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let (grant, result) = token(&shared, query.as_deref(), body);
    let mut response = result.map_or_else(IntoResponse::into_response, |v| Json(v).into_response());
    if let Some(grant) = grant {
        response
            .extensions_mut()
            .insert(LogDetail(grant.to_owned()));
    }
    response
}

/// CreateToken; also returns the grant type (a known one only) for the log.
fn token(
    shared: &Shared,
    query: Option<&str>,
    body: Result<Bytes, BytesRejection>,
) -> (Option<&'static str>, Result<Value, OidcError>) {
    if query.is_some_and(|q| q.split('&').any(|p| p.starts_with("aws_iam"))) {
        let err = OidcError::invalid_request("CreateTokenWithIAM is not supported by the emulator");
        return (None, Err(err));
    }
    let b: CreateTokenBody = match json_body(body, shared.config.max_body_bytes) {
        Ok(b) => b,
        Err(e) => return (None, Err(e)),
    };
    let grant = b
        .grant_type
        .as_deref()
        .and_then(|g| KNOWN_GRANTS.into_iter().find(|k| *k == g));
    (grant, exchange(shared, b, grant))
}

fn exchange(
    shared: &Shared,
    b: CreateTokenBody,
    grant: Option<&'static str>,
) -> Result<Value, OidcError> {
    let client_id = required(b.client_id, "clientId")?;
    let client_secret = required(b.client_secret, "clientSecret")?;
    let grant_type = required(b.grant_type, "grantType")?;
    let now = shared.clock.now();
    let config = &shared.config;
    let mut store = shared.store();
    let client = store.client(&client_id, &client_secret, now)?.clone();
    let Some(grant) = grant else {
        return Err(OidcError::new(
            OidcErrorKind::UnsupportedGrantType,
            format!("Unsupported grant type: {}", grant_type.escape_debug()),
        ));
    };
    if !client.allows(grant) {
        return Err(OidcError::new(
            OidcErrorKind::UnauthorizedClient,
            format!("The client is not registered for the {grant} grant"),
        ));
    }
    let requested = b.scope.as_deref().unwrap_or_default();
    if let Some(bad) = requested.iter().find(|s| !client.scopes.contains(s)) {
        return Err(OidcError::new(
            OidcErrorKind::InvalidScope,
            format!(
                "Invalid scope: {} was not registered for this client",
                bad.escape_debug()
            ),
        ));
    }
    let tokens: Tokens = match grant {
        GRANT_DEVICE_CODE => {
            let device_code = required(b.device_code, "deviceCode")?;
            store.poll_device(&client, &device_code, now, config)?
        }
        GRANT_REFRESH_TOKEN => {
            let refresh_token = required(b.refresh_token, "refreshToken")?;
            store.refresh(&client, &refresh_token, now, config)?
        }
        _ => {
            let code = required(b.code, "code")?;
            let redirect_uri = required(b.redirect_uri, "redirectUri")?;
            // Compared in normal form, as the authorize request stored it.
            let redirect_uri =
                loopback_redirect(&redirect_uri).map_or(redirect_uri, |u| u.to_string());
            let verifier = required(b.code_verifier, "codeVerifier")?;
            store.exchange_code(&client, &code, &redirect_uri, &verifier, now, config)?
        }
    };
    let mut out = Map::new();
    out.insert("accessToken".into(), tokens.access_token.into());
    out.insert("tokenType".into(), "Bearer".into());
    out.insert("expiresIn".into(), tokens.expires_in.into());
    if let Some(refresh) = tokens.refresh_token {
        out.insert("refreshToken".into(), refresh.into());
    }
    Ok(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_and_redirects() {
        assert!(valid_scope("sso:account:access"));
        assert!(valid_scope("codewhisperer:completions"));
        assert!(valid_scope("openid"));
        assert!(!valid_scope("nope"));
        assert!(!valid_scope("a b:c"));
        assert!(!valid_scope(""));
        assert!(loopback_redirect("http://127.0.0.1/oauth/callback").is_some());
        assert!(loopback_redirect("http://[::1]:8080/cb").is_some());
        assert!(loopback_redirect("http://localhost:1/cb").is_some());
        assert!(loopback_redirect("https://127.0.0.1/cb").is_none());
        assert!(loopback_redirect("http://example.com/cb").is_none());
        assert!(loopback_redirect("not a url").is_none());
    }

    #[test]
    fn bodies() {
        let ok: Result<StartDeviceBody, _> = json_body(Ok(Bytes::from_static(b"  ")), 10);
        assert!(ok.unwrap().client_id.is_none());
        let bad: Result<StartDeviceBody, _> =
            json_body(Ok(Bytes::from_static(b"{\"clientId\": 5}")), 10);
        let err = bad.unwrap_err();
        assert_eq!(err.kind, OidcErrorKind::InvalidRequest);
        assert!(!err.description.contains("integer"), "{}", err.description);
    }
}
