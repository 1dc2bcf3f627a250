//! Signing in and staying signed in: the device-code and PKCE logins and what they
//! show the person (`prompt`), the SSO token provider (with refresh) and the
//! role-credentials provider, on top of [`crate::client`] and [`crate::cache`].
//!
//! The decisions are pure functions (`token::decide`, `login::poll_step`) tested
//! without HTTP or waiting; the providers are thin async shells around them.
//!
//! The logins (`login`, `pkce`, `flow`, `prompt`) need the `login` feature (on by
//! default); the providers do not.

#[cfg(feature = "extras")]
mod chain;
#[cfg(feature = "login")]
mod context;
mod convert;
pub mod credentials;
pub(crate) mod error;
#[cfg(feature = "login")]
pub mod flow;
#[cfg(feature = "login")]
pub mod login;
#[cfg(feature = "login")]
pub mod pkce;
#[cfg(feature = "login")]
pub mod prompt;
pub mod token;

pub use error::{AuthError, LoginTarget};

/// How ssokit waits (the AWS SDK's `AsyncSleep`); defined in [`crate::time`].
pub use crate::time::{SharedSleeper, Sleeper, TokioSleeper};
