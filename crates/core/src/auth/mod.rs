//! Signing in and staying signed in: the device-code and PKCE logins and what they
//! show the person (`prompt`), the SSO token provider (with refresh) and the
//! role-credentials provider, on top of [`crate::client`] and [`crate::cache`].
//!
//! The decisions are pure functions ([`token::decide`], `login::poll_step`) tested
//! without HTTP or waiting; the providers are thin async shells around them.
//!
//! The logins (`login`, `pkce`, `flow`, `prompt`) need the `login` feature (on by
//! default); the providers do not.

pub mod credentials;
mod error;
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

/// Runs blocking file work (locks, reads, writes) off the async executor.
pub(crate) async fn blocking<T, F>(f: F) -> Result<T, crate::Error>
where
    F: FnOnce() -> Result<T, crate::Error> + Send + 'static,
    T: Send + 'static,
{
    match tokio::task::spawn_blocking(f).await {
        Ok(result) => result,
        Err(join) => Err(crate::Error::Internal(format!(
            "a background file task failed: {join}"
        ))),
    }
}
