//! A custom ("vanity") start URL: `GET` or `HEAD /vanity/<target>` answers with the
//! one redirect a custom start URL gives, so that logins through a custom start URL
//! can be tested against the emulator (see `docs/emulator.md`).
//!
//! | `<target>` | answer |
//! |---|---|
//! | `aws` | `302`, `Location: https://d-0000000000.awsapps.com/start` (an AWS portal host) |
//! | `self` | `302`, `Location: <emulator URL>/start` (this loopback server as the portal: allowed only when the client widens its allow-list) |
//! | `elsewhere` | `302`, `Location: https://sso.example.com/start` (not an AWS portal host) |
//! | `none` | `200`, no redirect |
//! | `get-only` | `HEAD`: `405`; `GET`: as `aws` |
//!
//! Any other target is a 404. The request log records these requests (method and
//! path) with no operation.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::home::DEFAULT_START_URL;
use crate::server::Shared;

/// The path of the custom start URLs, followed by `/<target>`.
pub const VANITY_PATH: &str = "/vanity";

/// A host that is no AWS portal host, for the `elsewhere` target.
pub const ELSEWHERE_URL: &str = "https://sso.example.com/start";

fn redirect(location: &str) -> Response {
    (StatusCode::FOUND, [(header::LOCATION, location.to_owned())]).into_response()
}

/// `GET` or `HEAD /vanity/{target}` (axum serves `HEAD` with the `GET` handler).
pub(crate) async fn start_url(
    State(shared): State<Arc<Shared>>,
    method: Method,
    Path(target): Path<String>,
) -> Response {
    match target.as_str() {
        "aws" => redirect(DEFAULT_START_URL),
        "self" => redirect(&format!("{}/start", shared.base_url)),
        "elsewhere" => redirect(ELSEWHERE_URL),
        "none" => (StatusCode::OK, "a custom start URL without a redirect").into_response(),
        "get-only" if method == Method::HEAD => StatusCode::METHOD_NOT_ALLOWED.into_response(),
        "get-only" => redirect(DEFAULT_START_URL),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}
