//! The admin endpoint under `/_emulator/`: the request log, faults, approvals,
//! sessions and the clock, for tests in other languages and for the binary.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::control::EmulatorControl;
use crate::error::ControlError;
use crate::faults::Fault;
use crate::server::Shared;
use crate::store::SessionId;

type Ctl = State<Arc<Shared>>;

fn control(shared: Arc<Shared>) -> EmulatorControl {
    EmulatorControl::new(shared)
}

fn bad_request(message: impl Into<String>) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"message": message.into()})),
    )
        .into_response()
}

fn parse<T: DeserializeOwned>(body: &Bytes) -> Result<T, Box<Response>> {
    let body: &[u8] = if body.is_empty() { b"{}" } else { body };
    serde_json::from_slice(body)
        .map_err(|e| Box::new(bad_request(format!("invalid JSON body: {e}"))))
}

fn control_error(e: &ControlError) -> Response {
    let status = match e {
        ControlError::UnknownUserCode(_) => StatusCode::NOT_FOUND,
        ControlError::InvalidFault(_) => StatusCode::BAD_REQUEST,
        _ => StatusCode::CONFLICT,
    };
    (status, Json(json!({"message": e.to_string()}))).into_response()
}

/// The admin routes, nested under `/_emulator`.
pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/health", get(|| async { Json(json!({"status": "ok"})) }))
        .route("/requests", get(requests).delete(clear_requests))
        .route("/faults", get(faults).post(add_fault).delete(clear_faults))
        .route("/pending", get(pending))
        .route("/approve", post(approve))
        .route("/deny", post(deny))
        .route("/auto-approve", post(auto_approve))
        .route("/sessions", get(sessions))
        .route("/sessions/revoke", post(revoke))
        .route("/clock/advance", post(advance_clock))
}

async fn requests(State(s): Ctl) -> Response {
    Json(control(s).request_log()).into_response()
}

async fn clear_requests(State(s): Ctl) -> StatusCode {
    control(s).clear_request_log();
    StatusCode::NO_CONTENT
}

async fn faults(State(s): Ctl) -> Response {
    Json(control(s).faults()).into_response()
}

async fn add_fault(State(s): Ctl, body: Bytes) -> Response {
    let fault: Fault = match parse(&body) {
        Ok(f) => f,
        Err(r) => return *r,
    };
    match control(s).inject_fault(fault) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => control_error(&e),
    }
}

async fn clear_faults(State(s): Ctl) -> StatusCode {
    control(s).clear_faults();
    StatusCode::NO_CONTENT
}

async fn pending(State(s): Ctl) -> Response {
    Json(json!({"userCodes": control(s).pending_user_codes()})).into_response()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UserCode {
    user_code: String,
}

async fn approve(State(s): Ctl, body: Bytes) -> Response {
    decide(s, &body, true)
}

async fn deny(State(s): Ctl, body: Bytes) -> Response {
    decide(s, &body, false)
}

fn decide(s: Arc<Shared>, body: &Bytes, allow: bool) -> Response {
    let code: UserCode = match parse(body) {
        Ok(c) => c,
        Err(r) => return *r,
    };
    let ctl = control(s);
    let result = if allow {
        ctl.approve(&code.user_code)
    } else {
        ctl.deny(&code.user_code)
    };
    match result {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => control_error(&e),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AutoApprove {
    after_polls: Option<u32>,
}

async fn auto_approve(State(s): Ctl, body: Bytes) -> Response {
    match parse::<AutoApprove>(&body) {
        Ok(a) => {
            control(s).set_auto_approve(a.after_polls);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(r) => *r,
    }
}

async fn sessions(State(s): Ctl) -> Response {
    Json(control(s).sessions()).into_response()
}

#[derive(Deserialize)]
struct Revoke {
    id: Option<u64>,
}

async fn revoke(State(s): Ctl, body: Bytes) -> Response {
    let revoke: Revoke = match parse(&body) {
        Ok(r) => r,
        Err(r) => return *r,
    };
    let ctl = control(s);
    let revoked = match revoke.id {
        Some(id) => usize::from(ctl.revoke_session(SessionId(id))),
        None => ctl.revoke_all_sessions(),
    };
    Json(json!({"revoked": revoked})).into_response()
}

#[derive(Deserialize)]
struct Advance {
    seconds: u64,
}

async fn advance_clock(State(s): Ctl, body: Bytes) -> Response {
    match parse::<Advance>(&body) {
        Ok(a) => {
            control(s).advance_clock(Duration::from_secs(a.seconds));
            StatusCode::NO_CONTENT.into_response()
        }
        Err(r) => *r,
    }
}
