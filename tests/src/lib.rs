//! The harness of ssokit's cross-language and external-tool tests (the suites are in
//! `tests/tests/`): the tools they drive and how to find them ([`tools`]), a
//! temporary AWS home pointed at an in-process emulator ([`World`]), commands run
//! with a deadline ([`run`]) and a minimal WebDriver client for Chromium
//! ([`webdriver`]).
//!
//! None of this is needed by `cargo test` at the root: the core, the CLI and the
//! emulator test themselves with Rust and the emulator alone.
#![allow(clippy::unwrap_used)]

pub mod run;
pub mod tools;
pub mod webdriver;
mod world;

use std::sync::Arc;

use ssokit::auth::login::DeviceLogin;
use ssokit::auth::{LoginTarget, TokioSleeper};
use ssokit::cache::CacheDirs;
use ssokit::client::{HttpSettings, OidcClient};
use ssokit::config::{Endpoints, SsoSession};
use ssokit::time::SystemClock;
pub use world::World;

/// A device login made by the core library itself, on the real clock, for the
/// profile `dev` of the sso-session `my-sso` (scope `sso:account:access`), against the
/// emulator at `url`, caching its token in `dirs`.
pub fn device_login(url: &str, dirs: CacheDirs) -> DeviceLogin {
    let session = SsoSession {
        name: Some("my-sso".into()),
        start_url: "https://d-1234567890.awsapps.com/start".into(),
        region: "us-east-1".into(),
        scopes: Some(vec!["sso:account:access".into()]),
        endpoints: Endpoints {
            oidc: url.to_owned(),
            portal: url.to_owned(),
        },
        ca_bundle: None,
        use_device_code: false,
    };
    DeviceLogin::new(
        session,
        LoginTarget::Profile("dev".into()),
        dirs,
        OidcClient::new(url, &HttpSettings::default()).unwrap(),
        Arc::new(SystemClock),
        Arc::new(TokioSleeper),
    )
}
