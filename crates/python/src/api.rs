//! The functions of the package: login, logout, tokens, credentials, status,
//! accounts and roles. Each converts its arguments, calls the core, converts back.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

use ssokit::auth::credentials::SsoCredentialsProvider;
use ssokit::auth::flow::FlowRequest;
use ssokit::auth::login::{CancelToken as CoreCancelToken, LoginOptions};
use ssokit::env::Env;
use ssokit::time::SystemClock;
use ssokit::{Selector, Sso};

use crate::errors::{to_py, usage_error};
use crate::prompt::PyPrompt;
use crate::repr::Repr;
use crate::runtime::{run, run_raw};
use crate::types::{Account, Credentials, LogoutReport, Role, SessionStatus, Token};

/// The environment a call reads: the given mapping, or the process's.
pub(crate) fn make_env(env: Option<HashMap<String, String>>) -> Env {
    env.map_or_else(Env::process, Env::from_vars)
}

/// Resolves a profile or sso-session (reading the config files with the GIL released).
fn resolve(
    py: Python<'_>,
    profile: Option<String>,
    sso_session: Option<String>,
    config_file: Option<PathBuf>,
    env: &Env,
) -> PyResult<Sso> {
    let selector = Selector::default()
        .with_profile(profile)
        .with_sso_session(sso_session)
        .with_config_file(config_file);
    py.detach(|| Sso::resolve(&selector, env))
        .map_err(|e| to_py(py, e))
}

/// A timeout in seconds (int or float) or a `datetime.timedelta`.
fn duration(value: &Bound<'_, PyAny>) -> PyResult<Duration> {
    if let Ok(d) = value.extract::<Duration>() {
        return Ok(d);
    }
    let seconds: f64 = value.extract().map_err(|_| {
        PyTypeError::new_err("timeout must be a number of seconds or a datetime.timedelta")
    })?;
    Duration::try_from_secs_f64(seconds)
        .map_err(|_| usage_error(value.py(), "timeout must be a positive number of seconds"))
}

/// Cancels a login from another thread (a GUI's Cancel button): pass it as
/// `ssokit.login(cancel=token)` and call `token.cancel()`.
#[pyclass(frozen, module = "ssokit")]
#[derive(Default)]
pub(crate) struct CancelToken {
    token: CoreCancelToken,
}

#[pymethods]
impl CancelToken {
    /// A token that is not cancelled.
    #[new]
    fn new() -> Self {
        Self::default()
    }

    /// Cancels every login that watches this token; they raise LoginCancelledError.
    fn cancel(&self) {
        self.token.cancel();
    }

    /// True once cancel() was called.
    #[getter]
    fn cancelled(&self) -> bool {
        self.token.is_cancelled()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        Repr::new(py, "CancelToken")
            .field("cancelled", self.token.is_cancelled())
            .finish()
    }
}

/// Logs in — with the PKCE authorization-code flow or the device code, as `flow`
/// says or the core chooses — and caches the token where the AWS CLI does.
#[pyfunction]
#[pyo3(signature = (profile=None, *, sso_session=None, flow="auto", open_browser=true, on_prompt=None, timeout=None, force=true, cancel=None, config_file=None, env=None))]
#[allow(clippy::too_many_arguments)] // Python keyword arguments
pub(crate) fn login(
    py: Python<'_>,
    profile: Option<String>,
    sso_session: Option<String>,
    flow: &str,
    open_browser: bool,
    on_prompt: Option<Py<PyAny>>,
    timeout: Option<Bound<'_, PyAny>>,
    force: bool,
    cancel: Option<PyRef<'_, CancelToken>>,
    config_file: Option<PathBuf>,
    env: Option<HashMap<String, String>>,
) -> PyResult<Token> {
    let requested: FlowRequest = flow
        .parse()
        .map_err(|e: ssokit::auth::flow::UnknownFlow| usage_error(py, e))?;
    let env = make_env(env);
    let sso = resolve(py, profile, sso_session, config_file, &env)?;
    let choice = sso.choose_flow(requested, &env).map_err(|e| to_py(py, e))?;
    let cancel = cancel.map(|c| c.token.clone()).unwrap_or_default();
    let options = LoginOptions::default()
        .with_force(force)
        .with_timeout(timeout.as_ref().map(duration).transpose()?)
        .with_cancel(Some(cancel.clone()));
    let prompt = Arc::new(PyPrompt::new(on_prompt, Some(cancel.clone())));
    let prompter = sso.prompter(prompt.clone(), open_browser, env);
    let chosen = choice.flow;
    let result = run_raw(
        py,
        async move {
            sso.login_with_flow(chosen, &prompter, &prompter, &options)
                .await
        },
        Some(&cancel),
    )?;
    match result {
        Ok(token) => Token::from_login(py, token, choice),
        Err(e) => Err(prompt.take_error().unwrap_or_else(|| to_py(py, e))),
    }
}

/// Logs out like `aws sso logout`: without a profile or session, every SSO token and
/// every cached SSO role credential; with one, only that session's.
#[pyfunction]
#[pyo3(signature = (profile=None, *, sso_session=None, config_file=None, env=None))]
pub(crate) fn logout(
    py: Python<'_>,
    profile: Option<String>,
    sso_session: Option<String>,
    config_file: Option<PathBuf>,
    env: Option<HashMap<String, String>>,
) -> PyResult<LogoutReport> {
    let env = make_env(env);
    let selector = Selector::default()
        .with_profile(profile)
        .with_sso_session(sso_session)
        .with_config_file(config_file);
    let report = run(
        py,
        async move { ssokit::logout::logout(&selector, &env).await },
    )?;
    Ok(report.into())
}

/// The SSO access token of a profile or session, refreshed when it expires within
/// 15 minutes.
#[pyfunction]
#[pyo3(signature = (profile=None, *, sso_session=None, config_file=None, env=None))]
pub(crate) fn get_token(
    py: Python<'_>,
    profile: Option<String>,
    sso_session: Option<String>,
    config_file: Option<PathBuf>,
    env: Option<HashMap<String, String>>,
) -> PyResult<Token> {
    let env = make_env(env);
    let sso = resolve(py, profile, sso_session, config_file, &env)?;
    let provider = sso.token_provider();
    let token = run(py, async move { provider.token().await })?;
    Token::new(py, token)
}

/// The credentials provider of a profile (built with the GIL released).
fn credentials_provider(
    py: Python<'_>,
    profile: Option<String>,
    config_file: Option<PathBuf>,
    env: &Env,
) -> PyResult<(Sso, SsoCredentialsProvider)> {
    let sso = resolve(py, profile, None, config_file, env)?;
    let provider = py
        .detach(|| sso.credentials_provider())
        .map_err(|e| to_py(py, e))?;
    Ok((sso, provider))
}

/// AWS credentials of a profile: from the AWS CLI's cache when they have more than
/// 15 minutes left, else from GetRoleCredentials with the (refreshed) SSO token.
#[pyfunction]
#[pyo3(signature = (profile=None, *, config_file=None, env=None))]
pub(crate) fn get_credentials(
    py: Python<'_>,
    profile: Option<String>,
    config_file: Option<PathBuf>,
    env: Option<HashMap<String, String>>,
) -> PyResult<Credentials> {
    let env = make_env(env);
    let (_, provider) = credentials_provider(py, profile, config_file, &env)?;
    let credentials = run(py, async move { provider.credentials().await })?;
    Credentials::new(py, credentials)
}

/// The state of every sso-session and legacy start URL in the config. No network.
#[pyfunction]
#[pyo3(signature = (*, config_file=None, env=None))]
pub(crate) fn status(
    py: Python<'_>,
    config_file: Option<PathBuf>,
    env: Option<HashMap<String, String>>,
) -> PyResult<Vec<SessionStatus>> {
    let env = make_env(env);
    let states = py
        .detach(|| ssokit::status::current(config_file.as_deref(), &env, &SystemClock))
        .map_err(|e| to_py(py, e));
    crate::warnings::flush(py);
    let states = states?;
    states
        .into_iter()
        .map(|s| SessionStatus::new(py, s))
        .collect()
}

/// Every account the signed-in user may access.
#[pyfunction]
#[pyo3(signature = (profile=None, *, sso_session=None, config_file=None, env=None))]
pub(crate) fn list_accounts(
    py: Python<'_>,
    profile: Option<String>,
    sso_session: Option<String>,
    config_file: Option<PathBuf>,
    env: Option<HashMap<String, String>>,
) -> PyResult<Vec<Account>> {
    let env = make_env(env);
    let sso = resolve(py, profile, sso_session, config_file, &env)?;
    let accounts = run(py, async move { sso.list_accounts().await })?;
    Ok(accounts.into_iter().map(Account::from).collect())
}

/// Every role the signed-in user may assume, in one account or in every account.
#[pyfunction]
#[pyo3(signature = (profile=None, *, account_id=None, sso_session=None, config_file=None, env=None))]
pub(crate) fn list_roles(
    py: Python<'_>,
    profile: Option<String>,
    account_id: Option<String>,
    sso_session: Option<String>,
    config_file: Option<PathBuf>,
    env: Option<HashMap<String, String>>,
) -> PyResult<Vec<Role>> {
    let env = make_env(env);
    let sso = resolve(py, profile, sso_session, config_file, &env)?;
    let roles = run(py, async move { sso.roles(account_id.as_deref()).await })?;
    Ok(roles.into_iter().map(Role::from).collect())
}

/// Serves AWS credentials of one profile, thread-safe: cached in memory and in the
/// AWS CLI's cache, refreshed 15 minutes before they expire; concurrent callers on a
/// cold provider share one GetRoleCredentials call.
#[pyclass(frozen, module = "ssokit")]
pub(crate) struct CredentialProvider {
    provider: SsoCredentialsProvider,
    profile: String,
    account_id: Option<String>,
    role_name: Option<String>,
    auto_login: bool,
    /// The last credentials handed out, returned again while the core returns the
    /// same ones (no new Python object per call).
    last: Mutex<Option<Py<Credentials>>>,
}

#[pymethods]
impl CredentialProvider {
    #[new]
    #[pyo3(signature = (profile=None, *, auto_login=false, on_prompt=None, open_browser=true, config_file=None, env=None))]
    fn new(
        py: Python<'_>,
        profile: Option<String>,
        auto_login: bool,
        on_prompt: Option<Py<PyAny>>,
        open_browser: bool,
        config_file: Option<PathBuf>,
        env: Option<HashMap<String, String>>,
    ) -> PyResult<Self> {
        let env = make_env(env);
        let (sso, provider) = credentials_provider(py, profile, config_file, &env)?;
        let provider = if auto_login {
            let prompt = Arc::new(PyPrompt::new(on_prompt, None));
            let prompter = Arc::new(sso.prompter(prompt, open_browser, env));
            provider.with_auto_login(sso.caches(), prompter, LoginOptions::default())
        } else {
            provider
        };
        let resolved = sso.profile();
        Ok(Self {
            provider,
            profile: resolved.map(|p| p.name.clone()).unwrap_or_default(),
            account_id: resolved.and_then(|p| p.account_id.clone()),
            role_name: resolved.and_then(|p| p.role_name.clone()),
            auto_login,
            last: Mutex::new(None),
        })
    }

    /// Credentials with more than 15 minutes left (from memory when possible).
    fn __call__(&self, py: Python<'_>) -> PyResult<Py<Credentials>> {
        // Fresh credentials in memory: answered synchronously, no future, no GIL
        // release. Otherwise the core fetches them with the GIL released.
        let credentials = match self.provider.cached() {
            Some(credentials) => credentials,
            None => {
                let provider = self.provider.clone();
                run(py, async move { provider.credentials().await })?
            }
        };
        let last = self
            .last
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .map(|c| c.clone_ref(py));
        if let Some(last) = last.filter(|c| c.get().same_as(&credentials)) {
            return Ok(last);
        }
        let fresh = Py::new(py, Credentials::new(py, credentials)?)?;
        *self.last.lock().unwrap_or_else(PoisonError::into_inner) = Some(fresh.clone_ref(py));
        Ok(fresh)
    }

    /// The profile name.
    #[getter]
    fn profile(&self) -> &str {
        &self.profile
    }

    /// The AWS account id of the profile.
    #[getter]
    fn account_id(&self) -> Option<&str> {
        self.account_id.as_deref()
    }

    /// The role name of the profile.
    #[getter]
    fn role_name(&self) -> Option<&str> {
        self.role_name.as_deref()
    }

    /// True when the provider logs in by itself when there is no usable token.
    #[getter]
    fn auto_login(&self) -> bool {
        self.auto_login
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        Repr::new(py, "CredentialProvider")
            .field("profile", &self.profile)
            .field("account_id", self.account_id.as_deref())
            .field("role_name", self.role_name.as_deref())
            .field("auto_login", self.auto_login)
            .finish()
    }
}

/// The console sign-in URL of a profile's role, to `destination` (default: the
/// console home of the profile's region). It signs in whoever opens it, for 15
/// minutes.
#[pyfunction]
#[pyo3(signature = (profile=None, *, destination=None, config_file=None, env=None))]
pub(crate) fn console_url(
    py: Python<'_>,
    profile: Option<String>,
    destination: Option<String>,
    config_file: Option<PathBuf>,
    env: Option<HashMap<String, String>>,
) -> PyResult<String> {
    let env = make_env(env);
    let sso = resolve(py, profile, None, config_file, &env)?;
    let url = run(py, async move {
        ssokit::console::console_url(&sso, destination.as_deref(), &env).await
    })?;
    Ok(url.expose_secret().to_owned())
}
