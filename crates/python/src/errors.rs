//! The exception hierarchy and the one mapping from `ssokit::Error` to it.

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

use ssokit::Error;
use ssokit::auth::AuthError;

create_exception!(
    ssokit,
    SsoError,
    PyException,
    "Base class of every error ssokit raises. The message says what went wrong and what to do."
);
create_exception!(
    ssokit,
    ConfigError,
    SsoError,
    "The AWS config file, a profile or the environment is wrong; the message says where and how to fix it."
);
create_exception!(
    ssokit,
    CacheError,
    SsoError,
    "A cache file under ~/.aws could not be read, written or locked."
);
create_exception!(
    ssokit,
    NotLoggedInError,
    SsoError,
    "There is no usable SSO token: never logged in, logged out, or the token file is unreadable. Call ssokit.login()."
);
create_exception!(
    ssokit,
    SessionExpiredError,
    NotLoggedInError,
    "The SSO session has ended: the token expired and cannot be refreshed, or the service revoked it. Call ssokit.login()."
);
create_exception!(
    ssokit,
    AccessDeniedError,
    SsoError,
    "The login was declined in the browser, or is not allowed."
);
create_exception!(
    ssokit,
    LoginTimeoutError,
    SsoError,
    "The login was not approved in time: the timeout passed or the code expired."
);
create_exception!(
    ssokit,
    LoginCancelledError,
    SsoError,
    "The login was cancelled before it was approved."
);
create_exception!(
    ssokit,
    ServiceError,
    SsoError,
    "IAM Identity Center (SSO OIDC or the SSO portal) answered with an error, or could not be reached. `code` is the service's error code and `status` the HTTP status, when there was a response."
);

/// Every exception class, by its Python name.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("SsoError", py.get_type::<SsoError>())?;
    m.add("ConfigError", py.get_type::<ConfigError>())?;
    m.add("CacheError", py.get_type::<CacheError>())?;
    m.add("NotLoggedInError", py.get_type::<NotLoggedInError>())?;
    m.add("SessionExpiredError", py.get_type::<SessionExpiredError>())?;
    m.add("AccessDeniedError", py.get_type::<AccessDeniedError>())?;
    m.add("LoginTimeoutError", py.get_type::<LoginTimeoutError>())?;
    m.add("LoginCancelledError", py.get_type::<LoginCancelledError>())?;
    m.add("ServiceError", py.get_type::<ServiceError>())?;
    Ok(())
}

/// Maps every core error to its exception class, keeping the core's message (which
/// never contains a token or key).
pub(crate) fn to_py(py: Python<'_>, err: Error) -> PyErr {
    let message = err.to_string();
    match err {
        Error::Config(_) => ConfigError::new_err(message),
        Error::Cache(_) => CacheError::new_err(message),
        Error::Client(e) => {
            let err = ServiceError::new_err(message);
            let value = err.value(py);
            // Plain attributes on a fresh exception instance: cannot fail.
            let _ = value.setattr("code", e.code());
            let _ = value.setattr("status", e.status());
            err
        }
        Error::Auth(e) => match e {
            AuthError::NotLoggedIn { .. } => NotLoggedInError::new_err(message),
            AuthError::SessionEnded { .. } => SessionExpiredError::new_err(message),
            // A wrong `state` in the PKCE callback: the browser's answer was not for
            // this login, so it is not approved.
            AuthError::AccessDenied { .. } | AuthError::StateMismatch { .. } => {
                AccessDeniedError::new_err(message)
            }
            // The authorize page answered with an OAuth error other than
            // `access_denied`: the service's error, with its code.
            AuthError::AuthorizeFailed { error, .. } => {
                let err = ServiceError::new_err(message);
                let value = err.value(py);
                let _ = value.setattr("code", error);
                let _ = value.setattr("status", py.None());
                err
            }
            AuthError::DeviceCodeExpired { .. } | AuthError::LoginTimeout { .. } => {
                LoginTimeoutError::new_err(message)
            }
            AuthError::Cancelled { .. } => LoginCancelledError::new_err(message),
            // The same call failed moments ago, here or in another process: that
            // failure, with the service's code and status.
            AuthError::RecentFailure { failure, .. } => {
                let err = ServiceError::new_err(message);
                let value = err.value(py);
                let _ = value.setattr("code", failure.code.clone());
                let _ = value.setattr("status", failure.status);
                err
            }
            // `AuthError` is non-exhaustive: a future variant is still an SsoError.
            _ => SsoError::new_err(message),
        },
        Error::Internal(_) => SsoError::new_err(message),
        // `Error` is non-exhaustive: a future variant is still an SsoError.
        _ => SsoError::new_err(message),
    }
}
