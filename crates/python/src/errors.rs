//! The exception hierarchy and the one mapping from `ssokit::Error` to it.

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};

use ssokit::auth::LoginTarget;
use ssokit::{Error, ErrorKind, Remedy};

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
create_exception!(
    ssokit,
    NetworkError,
    ServiceError,
    "IAM Identity Center could not be reached: connection, DNS, TLS or a timeout (`code` and `status` are None). A subclass of ServiceError."
);
create_exception!(
    ssokit,
    InternalError,
    SsoError,
    "A bug or an unexpected failure in ssokit itself; please report it."
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
    m.add("NetworkError", py.get_type::<NetworkError>())?;
    m.add("UsageError", usage_error_class(py)?)?;
    m.add("InternalError", py.get_type::<InternalError>())?;
    m.add_function(wrap_pyfunction!(example_error, m)?)?;
    Ok(())
}

/// `UsageError`: an `SsoError` that is also a `ValueError`, as Python callers expect
/// of a bad argument (pyo3's `create_exception!` takes one base class).
fn usage_error_class(py: Python<'_>) -> PyResult<Bound<'_, PyType>> {
    static USAGE_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    USAGE_ERROR
        .get_or_try_init(py, || {
            let bases = PyTuple::new(
                py,
                [py.get_type::<SsoError>(), py.get_type::<PyValueError>()],
            )?;
            let namespace = PyDict::new(py);
            namespace.set_item("__module__", "ssokit")?;
            namespace.set_item(
                "__doc__",
                "What was asked cannot be done as asked (two options that exclude each other, \
                 an output format that cannot carry the values); choose another option. Also a \
                 ValueError.",
            )?;
            let class = py
                .get_type::<PyType>()
                .call1(("UsageError", bases, namespace))?
                .cast_into::<PyType>()?;
            Ok::<_, PyErr>(class.unbind())
        })
        .map(|class| class.bind(py).clone())
}

/// A bad argument (a malformed option): a `UsageError` (also a `ValueError`) of kind
/// `usage`, as the core's own usage errors.
pub(crate) fn usage_error(py: Python<'_>, message: impl std::fmt::Display) -> PyErr {
    let built = usage_error_class(py)
        .and_then(|class| class.call1((message.to_string(),)))
        .and_then(|value| {
            value.setattr("kind", ErrorKind::Usage.as_str())?;
            for name in ["remedy", "profile", "sso_session", "code", "status"] {
                value.setattr(name, py.None())?;
            }
            Ok(PyErr::from_value(value))
        });
    built.unwrap_or_else(|e| e)
}

/// The exception class of each kind of error: Python's one table. Exhaustive on
/// purpose, so a new kind must be given its class here.
fn class_of(py: Python<'_>, kind: ErrorKind) -> Bound<'_, PyType> {
    match kind {
        ErrorKind::NotLoggedIn => py.get_type::<NotLoggedInError>(),
        ErrorKind::SessionExpired => py.get_type::<SessionExpiredError>(),
        ErrorKind::AccessDenied => py.get_type::<AccessDeniedError>(),
        ErrorKind::LoginTimeout => py.get_type::<LoginTimeoutError>(),
        ErrorKind::Cancelled => py.get_type::<LoginCancelledError>(),
        ErrorKind::Config => py.get_type::<ConfigError>(),
        ErrorKind::Cache => py.get_type::<CacheError>(),
        ErrorKind::Service => py.get_type::<ServiceError>(),
        ErrorKind::Network => py.get_type::<NetworkError>(),
        // Made at module load, so it cannot fail here; else the base class.
        ErrorKind::Usage => usage_error_class(py).unwrap_or_else(|_| py.get_type::<SsoError>()),
        ErrorKind::Internal => py.get_type::<InternalError>(),
    }
}

/// The remedy in Python's words: the call that fixes it.
fn remedy_text(remedy: &Remedy) -> String {
    match remedy {
        Remedy::Login(LoginTarget::Profile(p)) => format!("call ssokit.login({p:?})"),
        Remedy::Login(LoginTarget::Session(s)) => format!("call ssokit.login(sso_session={s:?})"),
        Remedy::Login(LoginTarget::StartUrl(u)) => {
            format!("call ssokit.login(\"<a profile with sso_start_url = {u}>\")")
        }
        Remedy::ChooseProfile { .. } => {
            "or pass another profile name (or set AWS_PROFILE)".to_owned()
        }
    }
}

/// Maps a core error to its exception: the class from its kind, the message with the
/// remedy in Python's words (never a token or key), and as attributes `kind` (the
/// kind's name), `remedy` (the call that fixes it, or None), `profile` and
/// `sso_session` (what to log in to, or None), `code` and `status` (the service's
/// error code and HTTP status, or None).
pub(crate) fn to_py(py: Python<'_>, err: Error) -> PyErr {
    let kind = err.kind();
    let target = err.login_target();
    let built = class_of(py, kind)
        .call1((err.message_with(remedy_text),))
        .and_then(|value| {
            value.setattr("kind", kind.as_str())?;
            value.setattr("remedy", err.remedy().map(|r| remedy_text(&r)))?;
            value.setattr("profile", target.and_then(LoginTarget::profile))?;
            value.setattr("sso_session", target.and_then(LoginTarget::sso_session))?;
            value.setattr("code", err.service_code())?;
            value.setattr("status", err.http_status())?;
            Ok(PyErr::from_value(value))
        });
    built.unwrap_or_else(|e| e)
}

/// Raises the exception of a typical error of the named kind (`"not_logged_in"`,
/// `"service"`, ...): for tests of the mapping table.
#[pyfunction]
#[pyo3(name = "_example_error")]
fn example_error(py: Python<'_>, kind: &str) -> PyResult<()> {
    match ErrorKind::ALL.into_iter().find(|k| k.as_str() == kind) {
        Some(kind) => Err(to_py(py, Error::example_of(kind))),
        None => Err(pyo3::exceptions::PyValueError::new_err(format!(
            "no error kind {kind:?}"
        ))),
    }
}
