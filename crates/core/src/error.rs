//! The crate-wide error type: one enum the bindings and the CLI map exhaustively.

/// Any error ssokit reports. Each variant wraps the error of the module that failed;
/// its message is the module's message, which says what went wrong and what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The AWS config or credentials file, or the environment, is wrong.
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    /// A cache file is missing, unreadable, or could not be written or locked.
    #[error(transparent)]
    Cache(#[from] crate::cache::CacheError),
    /// A call to IAM Identity Center (SSO OIDC or the SSO portal) failed.
    #[error(transparent)]
    Client(#[from] crate::client::ServiceError),
    /// Not signed in, the session ended, or a login did not complete.
    #[error(transparent)]
    Auth(#[from] crate::auth::AuthError),
    /// Credentials that the requested output format cannot print safely.
    #[error(transparent)]
    Export(#[from] crate::export::ExportError),
    /// A bug or an unexpected runtime failure in ssokit itself.
    #[error("internal error in ssokit: {0} (please report it)")]
    Internal(String),
}
