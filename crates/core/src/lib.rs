//! # ssokit
//!
//! AWS IAM Identity Center (formerly AWS SSO) login, token refresh and role
//! credentials for Rust, sharing `~/.aws/sso/cache` and `~/.aws/cli/cache` with the
//! AWS CLI v2 and every AWS SDK.
//!
//! The root has what a Rust service embeds: [`SsoCredentialsProvider`] and
//! [`SsoTokenProvider`] (built with `builder()`, plugged into `aws-config`), [`Sso`]
//! (built with [`Sso::builder`]), and [`Error`] with its [`ErrorKind`] and [`Remedy`].
//!
//! ```no_run
//! let provider = ssokit::SsoCredentialsProvider::builder()
//!     .profile_name("dev")
//!     .build()?;
//! # let _ = provider;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The crate is organised by concern, in one-way layers: each module uses only the
//! modules of the layers below its own (modules that share a layer do not use each
//! other), lowest first:
//!
//! 1. [`env`](mod@env), [`time`], [`secret`], [`warnings`], [`transport`] (and the
//!    private bounded file reads): the injectable process environment (variables and
//!    home directory), the injectable clock and sleep (`aws-smithy-async`'s
//!    `TimeSource` and `AsyncSleep`) and the cache timestamp formats, the HTTP seam
//!    (a request in, a response out) for a service that sends ssokit's requests
//!    through its own HTTP stack, types for
//!    tokens and keys that never print their value, and the process-wide sink for
//!    warnings (unsafe cache permissions, differing profile variables), which each
//!    front-end installs; core never prints.
//! 2. [`config`]: the shared AWS config and credentials files, and SSO profile
//!    resolution exactly as the AWS SDKs do it (sessions, legacy profiles, endpoints).
//! 3. [`cache`] and [`client`]: the token, client-registration and role-credentials
//!    caches, with atomic 0600 writes, preserved unknown keys and cross-process locks;
//!    the IAM Identity Center HTTP client (SSO OIDC and the SSO portal), with typed
//!    errors, retries and timeouts.
//! 4. [`browser`], [`export`] and `start_url`: text safe to print, and (feature
//!    `login`) opening a URL in the user's browser (`BROWSER`, WSL, platform);
//!    credentials as `credential_process` JSON and shell variables; (feature `login`)
//!    custom start URLs resolved through their one redirect to an AWS portal host.
//! 5. [`Error`] (with auth's [`auth::AuthError`] and [`auth::LoginTarget`] just below
//!    it): one variant per failing layer, with its [`ErrorKind`] and [`Remedy`]; then
//!    the private helper that runs blocking file work off the executor.
//! 6. [`auth`]: device-code and PKCE login (feature `login`), the SSO token provider
//!    with refresh, and the role-credentials provider (`aws-credential-types`
//!    `ProvideToken` / `ProvideCredentials`).
//! 7. [`sso`]: [`Sso`], a resolved profile or session with everything to act on it
//!    (login, tokens, credentials, accounts, roles): what the CLI and bindings call.
//! 8. [`logout`], [`status`], [`profile`] and `populate` (feature `login`): `aws sso
//!    logout`; "am I logged in, for how long"; one-call resolution of a profile and
//!    its cache paths, for the CLI and the bindings; a profile for every account and
//!    role, written into the config; (feature `extras`) [`serve`](mod@serve), the
//!    container-credentials server over the credentials provider, and
//!    [`console`](mod@console), console sign-in URLs (their error types sit with
//!    auth's, just below [`Error`]).
//!
//! `tests/layers.rs` reads the sources and fails on a reference that points up or
//! sideways.
//!
//! Every failure is a typed error ([`Error`] at the top, a per-module enum below it)
//! whose message names the file, line, profile or key at fault and says what to do.
//!
//! ## Cargo features
//!
//! - **`login`** (on by default): logging in. The device-code and PKCE flows
//!   (`auth::login`, `auth::pkce`), choosing between them (`auth::flow`), what a
//!   login shows (`auth::prompt`), `Sso::login` and the other login methods of
//!   [`Sso`], automatic login on the token and credentials providers, opening the
//!   browser (`browser::open` and its URL checks) and profile generation
//!   (`populate::populate`). It brings in `axum` (the PKCE loopback callback), `sha2`
//!   and `base64` (the S256 challenge) and `getrandom` (the verifier and `state`).
//! - **`extras`** (on by default; implies `login`): what goes beyond the AWS CLI.
//!   The container-credentials server (`serve`: what
//!   `AWS_CONTAINER_CREDENTIALS_FULL_URI` points at) and console sign-in
//!   (`console`: a URL that opens the AWS console as the role, through the sign-in
//!   federation endpoint, `client::SigninClient`), and role chaining: a profile with
//!   `role_arn` and `source_profile` ending at an SSO profile, served by
//!   [`SsoCredentialsProvider`] through STS `AssumeRole` (`client::StsClient`), each
//!   hop cached in `~/.aws/cli/cache` under the AWS CLI's key. It brings in
//!   `aws-sigv4` (SigV4 signing), `aws-smithy-xml` (STS's XML answers) and
//!   `aws-smithy-runtime-api`; without it a role-chaining profile is a configuration
//!   error.
//! - **`sdk-config`** (off): `configure(&sdk_config)` on the builders of [`Sso`],
//!   [`SsoTokenProvider`] and [`SsoCredentialsProvider`], which sends ssokit's
//!   requests through an `aws_types::SdkConfig`'s HTTP client and takes its time
//!   source and sleep. It brings in `aws-types`; it does not enable `login`.
//!
//! With `default-features = false` the crate reads the config, serves and refreshes
//! cached tokens ([`auth::token::SsoTokenProvider`], `ProvideToken`) and role
//! credentials ([`auth::credentials::SsoCredentialsProvider`], `ProvideCredentials`),
//! lists accounts and roles, logs out ([`logout`]) and reports [`status`], sharing
//! the caches with whatever logged in (the AWS CLI, or ssokit with the feature on). A
//! missing or ended session is then an error ([`ErrorKind::NotLoggedIn`],
//! [`ErrorKind::SessionExpired`]) naming what to log in to. Items that need the
//! feature say so in their documentation.
//!
//! ```toml
//! [dependencies]
//! ssokit = { version = "0.1", default-features = false }
//! ```

#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod auth;
pub mod browser;
pub mod cache;
pub mod client;
pub mod config;
#[cfg(feature = "extras")]
pub mod console;
pub mod env;
mod error;
pub mod export;
pub mod logout;
#[cfg(feature = "login")]
pub mod populate;
pub mod profile;
mod read_limited;
mod rt;
pub mod secret;
#[cfg(feature = "extras")]
pub mod serve;
pub mod sso;
#[cfg(feature = "login")]
pub mod start_url;
pub mod status;
pub mod time;
pub mod transport;
pub mod warnings;

pub use auth::credentials::SsoCredentialsProvider;
pub use auth::token::SsoTokenProvider;
pub use error::{Error, ErrorKind, Remedy};
pub use sso::{AccountRole, Selector, Sso, SsoBuilder};
