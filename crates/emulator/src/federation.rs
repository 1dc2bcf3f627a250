//! The AWS sign-in federation endpoint (`GET /federation`), as console sign-in uses
//! it: `Action=getSigninToken` turns a `Session` JSON of role credentials this
//! emulator issued (`sessionId`, `sessionKey`, `sessionToken`) into a `SigninToken`;
//! `Action=login` with that token, an `Issuer` and a `Destination` answers a page
//! that says the console would open. Other credentials, a `SessionDuration` (refused
//! for credentials of a role session, as AWS does) or an unknown token get HTTP 400.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::pages::{escape, page};
use crate::server::Shared;
use crate::{lock, random};

/// The path of the federation endpoint (as on `signin.aws.amazon.com`).
pub const FEDERATION_PATH: &str = "/federation";

/// How long a sign-in token may be used (AWS: 15 minutes).
const SIGNIN_TOKEN_LIFETIME: Duration = Duration::from_secs(15 * 60);

/// Role credentials as GetRoleCredentials issued them.
pub(crate) struct Issued {
    pub(crate) access_key_id: String,
    pub(crate) secret_access_key: String,
    pub(crate) session_token: String,
    pub(crate) expiration: SystemTime,
}

/// The credentials issued (by access key id) and the sign-in tokens made.
#[derive(Default)]
pub(crate) struct Federation {
    pub(crate) issued: Mutex<HashMap<String, Issued>>,
    /// Sign-in token -> (access key id, valid until).
    tokens: Mutex<HashMap<String, (String, SystemTime)>>,
}

impl fmt::Debug for Federation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Federation")
            .field("issued", &lock(&self.issued).len())
            .field("tokens", &lock(&self.tokens).len())
            .finish()
    }
}

impl Federation {
    /// Accepts `issued` at the federation endpoint from now on (until it expires).
    pub(crate) fn remember(&self, issued: Issued) {
        lock(&self.issued).insert(issued.access_key_id.clone(), issued);
    }
}

fn params(query: Option<&str>) -> HashMap<String, String> {
    let mut map = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        map.entry(k.into_owned()).or_insert_with(|| v.into_owned());
    }
    map
}

fn bad_request(message: &str) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({"message": message}))).into_response()
}

/// `GET /federation?Action=getSigninToken|login&...`.
pub(crate) async fn federation(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
) -> Response {
    let params = params(query.as_deref());
    match params.get("Action").map(String::as_str) {
        Some("getSigninToken") => signin_token(&shared, &params),
        Some("login") => login(&shared, &params),
        _ => bad_request("Action must be getSigninToken or login"),
    }
}

fn signin_token(shared: &Shared, params: &HashMap<String, String>) -> Response {
    if params.contains_key("SessionDuration") {
        return bad_request(
            "SessionDuration is not allowed for the credentials of a role session (role chaining)",
        );
    }
    let Some(session) = params
        .get("Session")
        .and_then(|s| serde_json::from_str::<Value>(s).ok())
    else {
        return bad_request("Session must be a JSON object");
    };
    let field = |name: &str| {
        session
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
    };
    let (id, key, token) = (
        field("sessionId"),
        field("sessionKey"),
        field("sessionToken"),
    );
    let now = shared.clock.now();
    let valid = lock(&shared.federation.issued)
        .get(id)
        .is_some_and(|issued| {
            issued.secret_access_key == key
                && issued.session_token == token
                && issued.expiration > now
        });
    if !valid {
        return bad_request("the Session holds no valid credentials issued by this emulator");
    }
    let signin_token = random::token("signin-", 64);
    lock(&shared.federation.tokens).insert(
        signin_token.clone(),
        (id.to_owned(), now + SIGNIN_TOKEN_LIFETIME),
    );
    Json(json!({"SigninToken": signin_token})).into_response()
}

fn login(shared: &Shared, params: &HashMap<String, String>) -> Response {
    let get = |name: &str| params.get(name).map(String::as_str).unwrap_or_default();
    let (issuer, destination, token) = (get("Issuer"), get("Destination"), get("SigninToken"));
    let now = shared.clock.now();
    let valid = lock(&shared.federation.tokens)
        .get(token)
        .is_some_and(|(_, until)| *until > now);
    if !valid || destination.is_empty() {
        return page(
            StatusCode::BAD_REQUEST,
            "Sign-in failed",
            "<p id=\"message\">The sign-in token is missing, unknown or expired, or there is no Destination.</p>",
        );
    }
    page(
        StatusCode::OK,
        "Signed in to the AWS console",
        &format!(
            "<p id=\"message\">Signed in (emulated) by <b id=\"issuer\">{}</b>. The console would open at <a id=\"destination\" href=\"{d}\">{d}</a>.</p>",
            escape(issuer),
            d = escape(destination),
        ),
    )
}
