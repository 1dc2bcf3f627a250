//! A local AWS IAM Identity Center: SSO OIDC (client registration, the device-code,
//! refresh-token and PKCE authorization-code grants), the device verification and
//! authorize pages, and the SSO portal (role credentials, accounts, roles, logout),
//! with the services' wire format and errors. ssokit, botocore, the AWS CLI and the
//! AWS SDKs talk to it through the endpoint overrides `AWS_ENDPOINT_URL_SSO_OIDC` and
//! `AWS_ENDPOINT_URL_SSO`.
//!
//! For tests and demos it can approve logins by itself, inject faults (latency,
//! failures, throttling, revoked sessions), move its clock forward, and record every
//! request (never a secret).
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use ssokit_emulator::{Account, Emulator, Fault, Operation};
//!
//! let emulator = Emulator::builder()
//!     .accounts(vec![Account::new("111122223333", "Dev", &["ReadOnly"])])
//!     .auto_approve_after_polls(1)
//!     .start()
//!     .await?;
//! println!("SSO endpoints: {}", emulator.url());
//! emulator.inject_fault(Fault::fail(2, 500).on(Operation::GetRoleCredentials))?;
//! // ... run a login against emulator.url() ...
//! for request in emulator.request_log() {
//!     println!("{} {} -> {}", request.method, request.path, request.status);
//! }
//! emulator.shutdown().await?;
//! # Ok(()) }
//! ```
//!
//! Without a tokio runtime, [`Emulator::start_in_background`] runs it on its own
//! thread.
//!
//! Without accounts it serves the [`default_accounts`]. [`EmulatorHome`] (or
//! [`EmulatorControl::write_home`]) writes an AWS home whose config points at a
//! running emulator, with the profiles of [`profiles`]: the names every ssokit
//! front-end uses (`ssokit demo`, Python's `ssokit.testing.Emulator`, Node's
//! `Emulator`).

mod admin;
mod clock;
mod config;
mod control;
mod error;
mod faults;
mod federation;
mod home;
mod log;
mod oidc;
mod operation;
mod pages;
mod portal;
mod random;
mod server;
mod store;
mod sts;
mod tls;
mod vanity;

pub use config::{
    Account, ConfigError, DEFAULT_AUTHORIZATION_CODE_LIFETIME, DEFAULT_CREDENTIALS_LIFETIME,
    DEFAULT_DEVICE_CODE_LIFETIME, DEFAULT_MAX_BODY_BYTES, DEFAULT_PAGE_SIZE,
    DEFAULT_POLL_INTERVAL_SECS, DEFAULT_REGISTRATION_LIFETIME, DEFAULT_SESSION_LIFETIME,
    DEFAULT_TOKEN_LIFETIME, EmulatorConfig, default_accounts, sample_accounts,
};
pub use control::EmulatorControl;
pub use error::{ControlError, EmulatorError};
pub use faults::Fault;
pub use federation::FEDERATION_PATH;
pub use home::{
    DEFAULT_PROFILE, DEFAULT_REGION, DEFAULT_SSO_SESSION, DEFAULT_START_URL, EmulatorHome,
    HomeOptions, Profile, config_text, profile_name, profiles,
};
pub use log::{REQUEST_LOG_CAPACITY, RequestRecord};
pub use operation::Operation;
pub use server::{BackgroundEmulator, Emulator, EmulatorBuilder, RunningEmulator};
pub use store::{SessionId, SessionInfo};
pub use tls::{TEST_CA_PEM, TlsIdentity};
pub use vanity::{ELSEWHERE_URL, VANITY_PATH};

/// Locks a mutex, recovering the data if a holder panicked (the state stays usable).
fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
