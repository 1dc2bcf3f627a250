//! The pages a person sees: the device verification page (`verificationUri`) and the
//! PKCE authorize page (`GET /authorize`), each with Allow and Deny.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use url::Url;

use crate::error::ControlError;
use crate::oidc::loopback_redirect;
use crate::server::Shared;
use crate::store::{AuthorizeRequest, GRANT_AUTHORIZATION_CODE, normalize_user_code};

/// The path of the device verification page.
pub(crate) const DEVICE_PATH: &str = "/device";

/// Escapes text for HTML element content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A whole page around `body` (already escaped).
pub(crate) fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\">\
         <title>{title} - ssokit emulator</title>\
         <style>body{{font-family:sans-serif;max-width:34em;margin:3em auto;padding:0 1em}}\
         input{{font-size:1.4em;letter-spacing:.1em;width:10em}}button{{font-size:1.1em;margin:1em .5em 0 0}}\
         .note{{color:#555}}</style></head>\
         <body><p class=\"note\">AWS IAM Identity Center (local emulator)</p><h1 id=\"title\">{title}</h1>{body}</body></html>\n",
        title = escape(title)
    );
    let mut response = (status, Html(html)).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

fn query_map(query: Option<&str>) -> HashMap<String, String> {
    let mut map = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        map.entry(k.into_owned()).or_insert_with(|| v.into_owned());
    }
    map
}

fn device_form(user_code: &str, message: Option<&str>) -> String {
    let message = message
        .map(|m| format!("<p id=\"message\" role=\"alert\">{}</p>", escape(m)))
        .unwrap_or_default();
    format!(
        "{message}<p>Enter the code shown by the application that is signing in, then allow or deny it.</p>\
         <form method=\"post\" action=\"{DEVICE_PATH}\">\
         <label for=\"user_code\">Code</label><br>\
         <input id=\"user_code\" name=\"user_code\" value=\"{}\" autocomplete=\"off\" autofocus required><br>\
         <button id=\"allow\" type=\"submit\" name=\"decision\" value=\"allow\">Allow</button>\
         <button id=\"deny\" type=\"submit\" name=\"decision\" value=\"deny\">Deny</button>\
         </form>",
        escape(user_code)
    )
}

/// `GET /device?user_code=...`: the form, pre-filled when the code is in the URL.
pub(crate) async fn device_page(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
) -> Response {
    let params = query_map(query.as_deref());
    let code = params
        .get("user_code")
        .map(|c| normalize_user_code(c))
        .unwrap_or_default();
    let mut body = device_form(&code, None);
    let client = (!code.is_empty())
        .then(|| {
            shared
                .store()
                .pending_client_name(&code, shared.clock.now())
        })
        .flatten();
    if let Some(name) = client {
        body = format!(
            "<p>The application <strong id=\"client\">{}</strong> asks to access your AWS accounts.</p>{body}",
            escape(&name)
        );
    }
    page(StatusCode::OK, "Authorize request", &body)
}

#[derive(Debug, Deserialize)]
pub(crate) struct DeviceDecision {
    user_code: Option<String>,
    decision: Option<String>,
}

/// `POST /device`: Allow or Deny.
pub(crate) async fn device_decision(
    State(shared): State<Arc<Shared>>,
    form: Result<Form<DeviceDecision>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return page(
            StatusCode::BAD_REQUEST,
            "Authorize request",
            &device_form(
                "",
                Some("The form could not be read. Enter the code again."),
            ),
        );
    };
    let code = normalize_user_code(form.user_code.as_deref().unwrap_or_default());
    let approve = match form.decision.as_deref() {
        Some("allow") => true,
        Some("deny") => false,
        _ => {
            let body = device_form(&code, Some("Choose Allow or Deny."));
            return page(StatusCode::BAD_REQUEST, "Authorize request", &body);
        }
    };
    let result = shared
        .store()
        .decide_user_code(&code, approve, shared.clock.now());
    match result {
        Ok(client) if approve => page(
            StatusCode::OK,
            "Request approved",
            &format!(
                "<p id=\"result\">Request approved. <strong>{}</strong> can now access your AWS accounts. You can close this window.</p>",
                escape(&client)
            ),
        ),
        Ok(_) => page(
            StatusCode::OK,
            "Request denied",
            "<p id=\"result\">Request denied. The application did not get access. You can close this window.</p>",
        ),
        Err(e) => {
            let message = match e {
                ControlError::Expired(_) => "This code has expired. Start the sign-in again.",
                ControlError::AlreadyDecided(_) => "This code was already used.",
                _ => "This code is not valid. Check it and try again.",
            };
            page(
                StatusCode::BAD_REQUEST,
                "Authorize request",
                &device_form(&code, Some(message)),
            )
        }
    }
}

/// Redirects the browser to the client's loopback callback.
fn redirect(redirect_uri: &Url, pairs: &[(&str, &str)]) -> Response {
    let mut url = redirect_uri.clone();
    {
        let mut q = url.query_pairs_mut();
        for (k, v) in pairs {
            q.append_pair(k, v);
        }
    }
    (StatusCode::FOUND, [(header::LOCATION, url.to_string())]).into_response()
}

fn redirect_error(uri: &Url, error: &str, state: Option<&str>) -> Response {
    let mut pairs = vec![("error", error)];
    if let Some(state) = state {
        pairs.push(("state", state));
    }
    redirect(uri, &pairs)
}

fn approve(shared: &Shared, request: AuthorizeRequest) -> Response {
    let Some(uri) = loopback_redirect(&request.redirect_uri) else {
        return bad_authorize("The redirect URI is not valid.");
    };
    let state = request.state.clone();
    let code = shared
        .store()
        .issue_code(request, shared.clock.now(), &shared.config);
    let mut pairs = vec![("code", code.as_str())];
    if let Some(state) = &state {
        pairs.push(("state", state));
    }
    redirect(&uri, &pairs)
}

fn bad_authorize(message: &str) -> Response {
    page(
        StatusCode::BAD_REQUEST,
        "Authorization failed",
        &format!("<p id=\"message\" role=\"alert\">{}</p>", escape(message)),
    )
}

/// Whether `given` matches a registered redirect URI: same scheme, host and path; a
/// registered URI without a port allows any port (RFC 8252 §7.3).
fn registered(redirect_uris: &[String], given: &Url) -> bool {
    redirect_uris
        .iter()
        .filter_map(|r| Url::parse(r).ok())
        .any(|r| {
            r.scheme() == given.scheme()
                && r.host() == given.host()
                && r.path() == given.path()
                && (r.port().is_none() || r.port() == given.port())
        })
}

/// `GET /authorize`: the PKCE authorization request of the AWS CLI.
pub(crate) async fn authorize(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
) -> Response {
    let q = query_map(query.as_deref());
    let get = |k: &str| q.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let now = shared.clock.now();
    let Some(client) =
        get("client_id").and_then(|id| shared.store().client_by_id(id, now).cloned())
    else {
        return bad_authorize("Unknown or expired client_id.");
    };
    let Some(uri) = get("redirect_uri").and_then(loopback_redirect) else {
        return bad_authorize("redirect_uri must be an http loopback URI.");
    };
    if !registered(&client.redirect_uris, &uri) {
        return bad_authorize("redirect_uri was not registered for this client.");
    }
    let state = get("state");
    if get("response_type") != Some("code") {
        return redirect_error(&uri, "unsupported_response_type", state);
    }
    if !client.allows(GRANT_AUTHORIZATION_CODE) {
        return redirect_error(&uri, "unauthorized_client", state);
    }
    let challenge = get("code_challenge").filter(|c| {
        c.len() == 43
            && c.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    });
    let (Some(challenge), Some("S256")) = (challenge, get("code_challenge_method")) else {
        return redirect_error(&uri, "invalid_request", state);
    };
    let scopes: Vec<String> = get("scopes")
        .unwrap_or_default()
        .split([' ', ','])
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    if scopes.iter().any(|s| !client.scopes.contains(s)) {
        return redirect_error(&uri, "invalid_scope", state);
    }
    let request = AuthorizeRequest::new(
        client.id.clone(),
        uri.to_string(),
        state.map(str::to_owned),
        challenge.to_owned(),
        scopes.clone(),
    );
    let auto = shared.store().auto_approve.is_some();
    if auto {
        return approve(&shared, request);
    }
    let id = shared.store().hold_authorize_request(request, now);
    let scope_list = if scopes.is_empty() {
        "your AWS accounts".to_owned()
    } else {
        escape(&scopes.join(", "))
    };
    page(
        StatusCode::OK,
        "Allow access?",
        &format!(
            "<p>The application <strong id=\"client\">{}</strong> asks for access to {scope_list}.</p>\
             <form method=\"post\" action=\"/authorize\">\
             <input type=\"hidden\" name=\"request\" value=\"{}\">\
             <button id=\"allow\" type=\"submit\" name=\"decision\" value=\"allow\">Allow</button>\
             <button id=\"deny\" type=\"submit\" name=\"decision\" value=\"deny\">Deny</button>\
             </form>",
            escape(&client.name),
            escape(&id)
        ),
    )
}

#[derive(Debug, Deserialize)]
pub(crate) struct AuthorizeDecision {
    request: Option<String>,
    decision: Option<String>,
}

/// `POST /authorize`: Allow redirects with `code` and `state`, Deny with
/// `error=access_denied`.
pub(crate) async fn authorize_decision(
    State(shared): State<Arc<Shared>>,
    form: Result<Form<AuthorizeDecision>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return bad_authorize("The form could not be read.");
    };
    let now = shared.clock.now();
    let Some(request) = form
        .request
        .as_deref()
        .and_then(|id| shared.store().take_authorize_request(id, now))
    else {
        return bad_authorize("This authorization request has expired or was already answered.");
    };
    match form.decision.as_deref() {
        Some("allow") => approve(&shared, request),
        _ => match loopback_redirect(&request.redirect_uri) {
            Some(uri) => redirect_error(&uri, "access_denied", request.state.as_deref()),
            None => bad_authorize("The redirect URI is not valid."),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn redirect_matching_ignores_an_unregistered_port() {
        let reg = vec!["http://127.0.0.1/oauth/callback".to_owned()];
        let ok = Url::parse("http://127.0.0.1:53123/oauth/callback").unwrap();
        assert!(registered(&reg, &ok));
        let other_path = Url::parse("http://127.0.0.1:53123/other").unwrap();
        assert!(!registered(&reg, &other_path));
        let other_host = Url::parse("http://localhost:53123/oauth/callback").unwrap();
        assert!(!registered(&reg, &other_host));
        let fixed = vec!["http://127.0.0.1:9000/cb".to_owned()];
        assert!(!registered(
            &fixed,
            &Url::parse("http://127.0.0.1:9001/cb").unwrap()
        ));
    }
}
