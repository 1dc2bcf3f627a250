//! The values the functions return: frozen classes built from the core's types.
//! Secrets are readable as attributes but never appear in a `repr`.

use std::path::PathBuf;
use std::time::SystemTime;

use pyo3::prelude::*;

use crate::repr::Repr;
use ssokit::AccountRole;
use ssokit::auth::flow::{Flow, FlowChoice};
use ssokit::auth::prompt::PromptEvent;
use ssokit::cache::CachedToken;
use ssokit::client::AccountInfo;
use ssokit::logout::LogoutReport as CoreLogoutReport;
use ssokit::secret::{AccessToken, REDACTED};
use ssokit::status::SessionStatus as CoreSessionStatus;

/// An aware UTC `datetime`.
fn datetime(py: Python<'_>, time: SystemTime) -> PyResult<Py<PyAny>> {
    Ok(time.into_pyobject(py)?.into_any().unbind())
}

/// AWS credentials for one account and role (frozen).
#[pyclass(frozen, module = "ssokit")]
pub(crate) struct Credentials {
    inner: aws_credential_types::Credentials,
    expiration: Py<PyAny>,
}

impl Credentials {
    /// From the core provider's credentials.
    pub(crate) fn new(py: Python<'_>, inner: aws_credential_types::Credentials) -> PyResult<Self> {
        let expiry = inner.expiry().unwrap_or(std::time::UNIX_EPOCH);
        Ok(Self {
            expiration: datetime(py, expiry)?,
            inner,
        })
    }

    /// True when these are the same credentials (same key, same expiry).
    pub(crate) fn same_as(&self, other: &aws_credential_types::Credentials) -> bool {
        self.inner.access_key_id() == other.access_key_id() && self.inner.expiry() == other.expiry()
    }
}

#[pymethods]
impl Credentials {
    /// The access key id (not a secret; it appears in signed requests).
    #[getter]
    fn access_key_id(&self) -> &str {
        self.inner.access_key_id()
    }

    /// The secret access key.
    #[getter]
    fn secret_access_key(&self) -> &str {
        self.inner.secret_access_key()
    }

    /// The session token.
    #[getter]
    fn session_token(&self) -> &str {
        self.inner.session_token().unwrap_or_default()
    }

    /// When the credentials expire (an aware UTC datetime).
    #[getter]
    fn expiration(&self, py: Python<'_>) -> Py<PyAny> {
        self.expiration.clone_ref(py)
    }

    /// The AWS account the credentials belong to.
    #[getter]
    fn account_id(&self) -> Option<&str> {
        self.inner.account_id().map(|a| a.as_str())
    }

    /// The credentials as the environment variables the AWS CLI exports
    /// (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`,
    /// `AWS_CREDENTIAL_EXPIRATION`), for a subprocess.
    fn to_env(&self) -> Vec<(&'static str, String)> {
        ssokit::export::credential_vars(&ssokit::export::from_sdk_credentials(&self.inner))
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        Repr::new(py, "Credentials")
            .field("access_key_id", self.inner.access_key_id())
            .field("secret_access_key", REDACTED)
            .field("session_token", REDACTED)
            .field("expiration", &self.expiration)
            .field("account_id", self.inner.account_id().map(|a| a.as_str()))
            .finish()
    }
}

/// An SSO access token (a bearer token for the SSO portal), frozen.
#[pyclass(frozen, module = "ssokit")]
pub(crate) struct Token {
    token: AccessToken,
    expiration: Py<PyAny>,
    start_url: Option<String>,
    region: Option<String>,
    /// The flow `login` chose (None for a token that did not come from `login`).
    flow: Option<FlowChoice>,
}

impl Token {
    /// From a cached token.
    pub(crate) fn new(py: Python<'_>, token: CachedToken) -> PyResult<Self> {
        Ok(Self {
            expiration: datetime(py, token.expires_at)?,
            token: token.access_token,
            start_url: token.start_url,
            region: token.region,
            flow: None,
        })
    }

    /// The token a login returned, with the flow it chose and why.
    pub(crate) fn from_login(
        py: Python<'_>,
        token: CachedToken,
        choice: FlowChoice,
    ) -> PyResult<Self> {
        Ok(Self {
            flow: Some(choice),
            ..Self::new(py, token)?
        })
    }
}

#[pymethods]
impl Token {
    /// The access token (a secret).
    #[getter]
    fn access_token(&self) -> &str {
        self.token.expose_secret()
    }

    /// When the token expires (an aware UTC datetime).
    #[getter]
    fn expiration(&self, py: Python<'_>) -> Py<PyAny> {
        self.expiration.clone_ref(py)
    }

    /// The start URL it was issued for, when the cache file records it.
    #[getter]
    fn start_url(&self) -> Option<&str> {
        self.start_url.as_deref()
    }

    /// The Identity Center region, when the cache file records it.
    #[getter]
    fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The flow `login` used, "pkce" or "device-code"; None when the token did not
    /// come from `login` (`get_token`).
    #[getter]
    fn flow(&self) -> Option<&'static str> {
        self.flow.as_ref().map(|c| c.flow.as_str())
    }

    /// Why `login` chose that flow ("as requested", "over SSH: ...", ...), or None.
    #[getter]
    fn flow_reason(&self) -> Option<&str> {
        self.flow.as_ref().map(|c| c.reason.as_str())
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let repr = Repr::new(py, "Token")
            .field("access_token", REDACTED)
            .field("expiration", &self.expiration)
            .field("start_url", self.start_url.as_deref())
            .field("region", self.region.as_deref());
        match &self.flow {
            Some(choice) => repr
                .field("flow", choice.flow.as_str())
                .field("flow_reason", &choice.reason)
                .finish(),
            None => repr.finish(),
        }
    }
}

/// What the user must see to approve a device login; passed to `on_prompt`.
#[pyclass(frozen, get_all, module = "ssokit")]
pub(crate) struct DevicePrompt {
    /// The page where the user enters the code.
    verification_uri: String,
    /// The same page with the code filled in (open this one in a browser), or None.
    verification_uri_complete: Option<String>,
    /// The code the user enters (shown to the user; not a secret).
    user_code: String,
    /// When the code expires (an aware UTC datetime).
    expires_at: Py<PyAny>,
    /// True when ssokit opened the verification page in a browser.
    browser_opened: bool,
    /// What ssokit prints when there is no `on_prompt`: the URL, the code, and what
    /// to do with them.
    text: String,
}

impl DevicePrompt {
    /// From the core's prompt, as `event` shows it.
    pub(crate) fn new(
        py: Python<'_>,
        p: &ssokit::auth::login::DevicePrompt,
        event: &PromptEvent<'_>,
    ) -> PyResult<Self> {
        Ok(Self {
            verification_uri: p.verification_uri.clone(),
            verification_uri_complete: p.verification_uri_complete.clone(),
            user_code: p.user_code.clone(),
            expires_at: datetime(py, p.expires_at)?,
            browser_opened: event.browser_opened(),
            text: event.text(),
        })
    }
}

#[pymethods]
impl DevicePrompt {
    /// Always "device-code" (a `PkcePrompt` says "pkce").
    #[getter]
    fn flow(&self) -> &'static str {
        Flow::DeviceCode.as_str()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        Repr::new(py, "DevicePrompt")
            .field("flow", Flow::DeviceCode.as_str())
            .field("verification_uri", &self.verification_uri)
            .field(
                "verification_uri_complete",
                self.verification_uri_complete.as_deref(),
            )
            .field("user_code", &self.user_code)
            .field("expires_at", &self.expires_at)
            .field("browser_opened", self.browser_opened)
            .finish()
    }
}

/// What the user must do to approve a PKCE login: open `authorize_url` in a browser
/// on this machine (it returns to ssokit's listener on 127.0.0.1); passed to
/// `on_prompt`.
#[pyclass(frozen, get_all, module = "ssokit")]
pub(crate) struct PkcePrompt {
    /// The Identity Center authorize page to open.
    authorize_url: String,
    /// True when ssokit opened the page in a browser.
    browser_opened: bool,
    /// What ssokit prints when there is no `on_prompt`.
    text: String,
}

impl PkcePrompt {
    /// For the authorize URL of a login, as `event` shows it.
    pub(crate) fn new(authorize_url: &str, event: &PromptEvent<'_>) -> Self {
        Self {
            authorize_url: authorize_url.to_owned(),
            browser_opened: event.browser_opened(),
            text: event.text(),
        }
    }
}

#[pymethods]
impl PkcePrompt {
    /// Always "pkce" (a `DevicePrompt` says "device-code").
    #[getter]
    fn flow(&self) -> &'static str {
        Flow::Pkce.as_str()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        Repr::new(py, "PkcePrompt")
            .field("flow", Flow::Pkce.as_str())
            .field("authorize_url", &self.authorize_url)
            .field("browser_opened", self.browser_opened)
            .finish()
    }
}

/// An AWS account the signed-in user may access.
#[pyclass(frozen, get_all, eq, module = "ssokit")]
#[derive(PartialEq)]
pub(crate) struct Account {
    /// The 12-digit account id.
    account_id: String,
    /// The account name.
    account_name: Option<String>,
    /// The account's email address.
    email_address: Option<String>,
}

impl From<AccountInfo> for Account {
    fn from(a: AccountInfo) -> Self {
        Self {
            account_id: a.account_id,
            account_name: a.account_name,
            email_address: a.email_address,
        }
    }
}

#[pymethods]
impl Account {
    fn __repr__(&self, py: Python<'_>) -> String {
        Repr::new(py, "Account")
            .field("account_id", &self.account_id)
            .field("account_name", self.account_name.as_deref())
            .field("email_address", self.email_address.as_deref())
            .finish()
    }
}

/// A role the signed-in user may assume in an account.
#[pyclass(frozen, get_all, eq, module = "ssokit")]
#[derive(PartialEq)]
pub(crate) struct Role {
    /// The account id.
    account_id: String,
    /// The account name, when the roles were listed for every account (None for the
    /// roles of one account).
    account_name: Option<String>,
    /// The role (permission set) name.
    role_name: String,
}

impl From<AccountRole> for Role {
    fn from(role: AccountRole) -> Self {
        Self {
            account_id: role.account_id,
            account_name: role.account_name,
            role_name: role.role_name,
        }
    }
}

#[pymethods]
impl Role {
    fn __repr__(&self, py: Python<'_>) -> String {
        Repr::new(py, "Role")
            .field("account_id", &self.account_id)
            .field("account_name", self.account_name.as_deref())
            .field("role_name", &self.role_name)
            .finish()
    }
}

/// The state of one sso-session (or legacy start URL), from the token cache.
#[pyclass(frozen, get_all, module = "ssokit")]
pub(crate) struct SessionStatus {
    /// The sso-session name; None for a legacy start URL.
    sso_session: Option<String>,
    /// The start URL (empty when the session section could not be resolved).
    start_url: String,
    /// The Identity Center region.
    sso_region: String,
    /// The token file shared with the AWS CLI.
    token_file: PathBuf,
    /// True when a token exists and has not expired.
    logged_in: bool,
    /// When the token expires (an aware UTC datetime), when a readable token exists.
    expires_at: Option<Py<PyAny>>,
    /// Seconds left before the token expires (0 when expired), when a token exists.
    expires_in_seconds: Option<u64>,
    /// True when the token can be refreshed without a new login.
    refreshable: bool,
    /// The profiles that use this session, sorted.
    profiles: Vec<String>,
    /// Why the state is unknown or the token unusable.
    problem: Option<String>,
}

impl SessionStatus {
    /// From the core's status.
    pub(crate) fn new(py: Python<'_>, s: CoreSessionStatus) -> PyResult<Self> {
        Ok(Self {
            expires_at: s.expires_at.map(|t| datetime(py, t)).transpose()?,
            sso_session: s.sso_session,
            start_url: s.start_url,
            sso_region: s.sso_region,
            token_file: s.token_file,
            logged_in: s.logged_in,
            expires_in_seconds: s.expires_in_seconds,
            refreshable: s.refreshable,
            profiles: s.profiles,
            problem: s.problem,
        })
    }
}

#[pymethods]
impl SessionStatus {
    fn __repr__(&self, py: Python<'_>) -> String {
        Repr::new(py, "SessionStatus")
            .field("sso_session", self.sso_session.as_deref())
            .field("start_url", &self.start_url)
            .field("logged_in", self.logged_in)
            .field("expires_in_seconds", self.expires_in_seconds)
            .field("refreshable", self.refreshable)
            .field("profiles", &self.profiles)
            .field("problem", self.problem.as_deref())
            .finish()
    }
}

/// What a logout removed.
#[pyclass(frozen, get_all, module = "ssokit")]
pub(crate) struct LogoutReport {
    /// Token files removed.
    tokens_removed: Vec<PathBuf>,
    /// Role-credentials files removed.
    role_credentials_removed: Vec<PathBuf>,
    /// Tokens the portal could not revoke (removed from disk all the same).
    revoke_failures: usize,
}

impl From<CoreLogoutReport> for LogoutReport {
    fn from(r: CoreLogoutReport) -> Self {
        Self {
            tokens_removed: r.tokens_removed,
            role_credentials_removed: r.role_credentials_removed,
            revoke_failures: r.revoke_failures,
        }
    }
}

#[pymethods]
impl LogoutReport {
    fn __repr__(&self, py: Python<'_>) -> String {
        Repr::new(py, "LogoutReport")
            .field("tokens_removed", &self.tokens_removed)
            .field("role_credentials_removed", &self.role_credentials_removed)
            .field("revoke_failures", self.revoke_failures)
            .finish()
    }
}
