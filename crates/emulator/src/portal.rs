//! The SSO portal: GetRoleCredentials, ListAccounts, ListAccountRoles and Logout.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};

use crate::clock::epoch_millis;
use crate::error::PortalError;
use crate::random;
use crate::server::Shared;
use crate::store::Bearer;

/// The header that carries the access token.
const BEARER_HEADER: &str = "x-amz-sso_bearer_token";
/// The largest `max_result`.
const MAX_PAGE_SIZE: u32 = 100;

fn respond(result: Result<Value, PortalError>) -> Response {
    result.map_or_else(IntoResponse::into_response, |v| Json(v).into_response())
}

/// The query parameters (a repeated key keeps its first value).
fn params(query: Option<&str>) -> HashMap<String, String> {
    let mut map = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        map.entry(k.into_owned()).or_insert_with(|| v.into_owned());
    }
    map
}

fn required<'a>(params: &'a HashMap<String, String>, name: &str) -> Result<&'a str, PortalError> {
    params
        .get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| PortalError::invalid_request(format!("{name} is required")))
}

/// The valid token of the request, allowed to use the portal.
fn authenticate(shared: &Shared, headers: &HeaderMap) -> Result<Bearer, PortalError> {
    let token = headers
        .get(BEARER_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|t| !t.is_empty())
        .ok_or_else(PortalError::unauthorized)?;
    shared
        .store()
        .bearer(token, shared.clock.now())
        .filter(|b| b.portal_access)
        .ok_or_else(PortalError::unauthorized)
}

/// One page of `items`: `max_result` (1 to 100) and the opaque `next_token`, which is
/// bound to the list it came from.
fn page<'a, T>(
    items: &'a [T],
    params: &HashMap<String, String>,
    list: &str,
    default_size: u32,
) -> Result<(&'a [T], Option<String>), PortalError> {
    let size = match params.get("max_result") {
        None => default_size,
        Some(raw) => raw
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_PAGE_SIZE).contains(n))
            .ok_or_else(|| {
                PortalError::invalid_request("max_result must be an integer from 1 to 100")
            })?,
    };
    let start = match params.get("next_token").filter(|t| !t.is_empty()) {
        None => 0,
        Some(token) => decode_next_token(token, list)
            .filter(|offset| *offset < items.len())
            .ok_or_else(|| PortalError::invalid_request("Invalid next token"))?,
    };
    let end = start.saturating_add(size as usize).min(items.len());
    let next = (end < items.len()).then(|| encode_next_token(list, end));
    Ok((&items[start..end], next))
}

fn encode_next_token(list: &str, offset: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("v1|{list}|{offset}"))
}

fn decode_next_token(token: &str, list: &str) -> Option<usize> {
    let raw = String::from_utf8(URL_SAFE_NO_PAD.decode(token).ok()?).ok()?;
    let rest = raw.strip_prefix("v1|")?;
    let (from, offset) = rest.rsplit_once('|')?;
    (from == list).then_some(())?;
    offset.parse().ok()
}

/// `GET /federation/credentials?role_name=R&account_id=A`.
pub(crate) async fn get_role_credentials(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    respond(role_credentials(&shared, &headers, query.as_deref()))
}

fn role_credentials(
    shared: &Shared,
    headers: &HeaderMap,
    query: Option<&str>,
) -> Result<Value, PortalError> {
    authenticate(shared, headers)?;
    let params = params(query);
    let role = required(&params, "role_name")?;
    let account_id = required(&params, "account_id")?;
    let assigned = shared
        .config
        .assigned_account(account_id)
        .is_some_and(|a| a.roles.iter().any(|r| r == role));
    if !assigned {
        return Err(PortalError::not_found());
    }
    let expiration = shared.clock.now() + shared.config.credentials_lifetime;
    let issued = crate::federation::Issued {
        access_key_id: random::access_key_id(),
        secret_access_key: random::secret_access_key(),
        session_token: random::secret(240),
        expiration,
    };
    let answer = json!({"roleCredentials": {
        "accessKeyId": issued.access_key_id,
        "secretAccessKey": issued.secret_access_key,
        "sessionToken": issued.session_token,
        "expiration": epoch_millis(expiration),
    }});
    // The sign-in federation endpoint accepts these, and only these.
    shared.federation.remember(issued);
    Ok(answer)
}

/// `GET /assignment/accounts?max_result=N&next_token=T`.
pub(crate) async fn list_accounts(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    respond(accounts(&shared, &headers, query.as_deref()))
}

fn accounts(
    shared: &Shared,
    headers: &HeaderMap,
    query: Option<&str>,
) -> Result<Value, PortalError> {
    authenticate(shared, headers)?;
    let params = params(query);
    let assigned: Vec<_> = shared
        .config
        .accounts
        .iter()
        .filter(|a| !a.roles.is_empty())
        .collect();
    let (items, next) = page(
        &assigned,
        &params,
        "accounts",
        shared.config.default_page_size,
    )?;
    let list: Vec<Value> = items
        .iter()
        .map(|a| json!({"accountId": a.id, "accountName": a.name, "emailAddress": a.email}))
        .collect();
    Ok(with_next("accountList", list, next))
}

/// `GET /assignment/roles?account_id=A&max_result=N&next_token=T`.
pub(crate) async fn list_account_roles(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    respond(roles(&shared, &headers, query.as_deref()))
}

fn roles(shared: &Shared, headers: &HeaderMap, query: Option<&str>) -> Result<Value, PortalError> {
    authenticate(shared, headers)?;
    let params = params(query);
    let account_id = required(&params, "account_id")?;
    let account = shared
        .config
        .assigned_account(account_id)
        .ok_or_else(PortalError::not_found)?;
    let list_name = format!("roles/{account_id}");
    let (items, next) = page(
        &account.roles,
        &params,
        &list_name,
        shared.config.default_page_size,
    )?;
    let list: Vec<Value> = items
        .iter()
        .map(|r| json!({"roleName": r, "accountId": account.id}))
        .collect();
    Ok(with_next("roleList", list, next))
}

fn with_next(key: &str, list: Vec<Value>, next: Option<String>) -> Value {
    let mut out = Map::new();
    if let Some(next) = next {
        out.insert("nextToken".into(), next.into());
    }
    out.insert(key.into(), Value::Array(list));
    Value::Object(out)
}

/// `POST /logout`: ends the token's session. The answer has an empty body.
pub(crate) async fn logout(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    match authenticate(&shared, &headers) {
        Ok(bearer) => {
            shared.store().revoke(bearer.session);
            axum::http::StatusCode::OK.into_response()
        }
        Err(e) => e.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_and_tokens() {
        let items: Vec<u32> = (0..45).collect();
        let mut p = HashMap::new();
        p.insert("max_result".to_owned(), "20".to_owned());
        let (first, next) = page(&items, &p, "accounts", 20).unwrap();
        assert_eq!(first.len(), 20);
        p.insert("next_token".into(), next.unwrap());
        let (second, next) = page(&items, &p, "accounts", 20).unwrap();
        assert_eq!(second[0], 20);
        p.insert("next_token".into(), next.unwrap());
        let (third, next) = page(&items, &p, "accounts", 20).unwrap();
        assert_eq!(third, &[40, 41, 42, 43, 44]);
        assert!(next.is_none());
        // A token of another list, a garbage token, or a bad size is rejected.
        let (_, next) = page(&items, &HashMap::new(), "roles/1", 2).unwrap();
        p.insert("next_token".into(), next.unwrap());
        assert!(page(&items, &p, "accounts", 20).is_err());
        p.insert("next_token".into(), "!!".into());
        assert!(page(&items, &p, "accounts", 20).is_err());
        for bad in ["0", "101", "x", "-1"] {
            let q: HashMap<_, _> = [("max_result".to_owned(), bad.to_owned())].into();
            assert!(page(&items, &q, "accounts", 20).is_err(), "{bad}");
        }
        let empty: Vec<u32> = Vec::new();
        let (none, next) = page(&empty, &HashMap::new(), "accounts", 20).unwrap();
        assert!(none.is_empty() && next.is_none());
    }
}
