//! The local IAM Identity Center of `ssokit-emulator`, linked into the module for
//! `ssokit.testing.Emulator`: a server on its own thread, and its controls.

use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::repr::Repr;
use ssokit_emulator::{
    Account, BackgroundEmulator, DEFAULT_REGION, DEFAULT_SSO_SESSION, DEFAULT_START_URL, Emulator,
    EmulatorControl, Fault, HomeOptions, default_accounts,
};

fn to_duration(name: &str, value: f64) -> PyResult<Duration> {
    Duration::try_from_secs_f64(value)
        .map_err(|_| PyValueError::new_err(format!("{name} must be a positive number of seconds")))
}

fn json_error(e: serde_json::Error) -> PyErr {
    PyRuntimeError::new_err(e.to_string())
}

/// The accounts of `accounts_json` (`{"id", "name", "email"?, "roles"?}`), with the
/// email of [`Account::new`] where none is given.
fn parse_accounts(accounts_json: &str) -> PyResult<Vec<Account>> {
    let accounts: Vec<Account> = serde_json::from_str(accounts_json)
        .map_err(|e| PyValueError::new_err(format!("invalid accounts: {e}")))?;
    Ok(accounts
        .into_iter()
        .map(|a| {
            if a.email.is_empty() {
                let email = Account::new(a.id.as_str(), a.name.as_str(), &[]).email;
                a.email(email)
            } else {
                a
            }
        })
        .collect())
}

/// A running emulator (the low-level handle behind `ssokit.testing.Emulator`).
#[pyclass(frozen, module = "ssokit.testing")]
pub(crate) struct EmulatorServer {
    control: EmulatorControl,
    running: Mutex<Option<BackgroundEmulator>>,
}

impl EmulatorServer {
    fn control(&self) -> &EmulatorControl {
        &self.control
    }
}

#[pymethods]
impl EmulatorServer {
    /// Starts a server on 127.0.0.1 (a free port unless `port` is given), with the
    /// accounts of `accounts_json` or (None) the emulator's default organisation.
    #[new]
    #[pyo3(signature = (*, accounts_json=None, port=0, token_lifetime=None, session_lifetime=None, credentials_lifetime=None, registration_lifetime=None, device_code_lifetime=None, poll_interval=None, auto_approve_after_polls=None))]
    #[allow(clippy::too_many_arguments)] // Python keyword arguments
    fn new(
        py: Python<'_>,
        accounts_json: Option<&str>,
        port: u16,
        token_lifetime: Option<f64>,
        session_lifetime: Option<f64>,
        credentials_lifetime: Option<f64>,
        registration_lifetime: Option<f64>,
        device_code_lifetime: Option<f64>,
        poll_interval: Option<u64>,
        auto_approve_after_polls: Option<u32>,
    ) -> PyResult<Self> {
        let accounts = match accounts_json {
            Some(json) => parse_accounts(json)?,
            None => default_accounts(),
        };
        let mut builder = Emulator::builder()
            .accounts(accounts)
            .host(std::net::Ipv4Addr::LOCALHOST.into())
            .port(port);
        if let Some(n) = auto_approve_after_polls {
            builder = builder.auto_approve_after_polls(n);
        }
        if let Some(s) = token_lifetime {
            builder = builder.token_lifetime(to_duration("token_lifetime", s)?);
        }
        if let Some(s) = session_lifetime {
            builder = builder.session_lifetime(to_duration("session_lifetime", s)?);
        }
        if let Some(s) = credentials_lifetime {
            builder = builder.credentials_lifetime(to_duration("credentials_lifetime", s)?);
        }
        if let Some(s) = registration_lifetime {
            builder = builder.registration_lifetime(to_duration("registration_lifetime", s)?);
        }
        if let Some(s) = device_code_lifetime {
            builder = builder.device_code_lifetime(to_duration("device_code_lifetime", s)?);
        }
        if let Some(secs) = poll_interval {
            builder = builder.poll_interval_secs(secs);
        }
        let running = py
            .detach(|| builder.start_in_background())
            .map_err(|e| PyValueError::new_err(format!("could not start the emulator: {e}")))?;
        Ok(Self {
            control: running.control().clone(),
            running: Mutex::new(Some(running)),
        })
    }

    /// The emulator's default organisation, as a JSON array of
    /// `{"id", "name", "email", "roles"}`.
    #[staticmethod]
    fn default_accounts_json() -> PyResult<String> {
        serde_json::to_string(&default_accounts()).map_err(json_error)
    }

    /// The defaults of `write_home`: (sso-session name, start URL, region).
    #[staticmethod]
    fn home_defaults() -> (&'static str, &'static str, &'static str) {
        (DEFAULT_SSO_SESSION, DEFAULT_START_URL, DEFAULT_REGION)
    }

    /// Writes `<dir>/.aws/config` (an sso-session at this emulator and a profile per
    /// role) and an empty `<dir>/.aws/credentials`. Returns a dict: `config_file`,
    /// `credentials_file`, `sso_session`, `start_url`, `region`, `profiles` (a list of
    /// `(name, account id, role name)`), `env` (a list of `(name, value)` to set) and
    /// `cleared_vars` (the variables to remove).
    #[pyo3(signature = (dir, *, sso_session=None, start_url=None, region=None))]
    fn write_home<'py>(
        &self,
        py: Python<'py>,
        dir: PathBuf,
        sso_session: Option<String>,
        start_url: Option<String>,
        region: Option<String>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let mut options = HomeOptions::default();
        if let Some(name) = sso_session {
            options = options.sso_session(name);
        }
        if let Some(url) = start_url {
            options = options.start_url(url);
        }
        if let Some(region) = region {
            options = options.region(region);
        }
        let home = py
            .detach(|| self.control().write_home(&dir, &options))
            .map_err(|e| {
                PyRuntimeError::new_err(format!("could not write the emulator's AWS home: {e}"))
            })?;
        let profiles: Vec<(String, String, String)> = home
            .profiles
            .iter()
            .map(|p| (p.name.clone(), p.account_id.clone(), p.role_name.clone()))
            .collect();
        let dict = PyDict::new(py);
        dict.set_item("config_file", &home.config_file)?;
        dict.set_item("credentials_file", &home.credentials_file)?;
        dict.set_item("sso_session", &home.sso_session)?;
        dict.set_item("start_url", &home.start_url)?;
        dict.set_item("region", &home.region)?;
        dict.set_item("profiles", profiles)?;
        dict.set_item("env", &home.env)?;
        dict.set_item("cleared_vars", home.cleared_vars())?;
        Ok(dict)
    }

    /// The base URL of both SSO OIDC and the SSO portal.
    #[getter]
    fn url(&self) -> &str {
        self.control().url()
    }

    /// The device verification page.
    #[getter]
    fn verification_uri(&self) -> String {
        self.control().verification_uri()
    }

    /// Every recorded request (no secrets), as a JSON array.
    fn request_log_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.control().request_log()).map_err(json_error)
    }

    /// Empties the request log.
    fn clear_request_log(&self) {
        self.control().clear_request_log();
    }

    /// Approves the pending device authorization with this user code.
    fn approve(&self, user_code: &str) -> PyResult<()> {
        self.control()
            .approve(user_code)
            .map_err(|e| PyValueError::new_err(e.to_string()))
    }

    /// Denies the pending device authorization with this user code.
    fn deny(&self, user_code: &str) -> PyResult<()> {
        self.control()
            .deny(user_code)
            .map_err(|e| PyValueError::new_err(e.to_string()))
    }

    /// The user codes waiting for a decision.
    fn pending_user_codes(&self) -> Vec<String> {
        self.control().pending_user_codes()
    }

    /// Auto-approve device codes on poll `after_polls + 1`, or (None) wait for approve().
    #[pyo3(signature = (after_polls))]
    fn set_auto_approve(&self, after_polls: Option<u32>) {
        self.control().set_auto_approve(after_polls);
    }

    /// Every Identity Center session so far, as a JSON array.
    fn sessions_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.control().sessions()).map_err(json_error)
    }

    /// Revokes every live session; returns how many.
    fn revoke_all_sessions(&self) -> usize {
        self.control().revoke_all_sessions()
    }

    /// Adds a fault, given as the admin endpoint's JSON.
    fn inject_fault_json(&self, fault: &str) -> PyResult<()> {
        let fault: Fault = serde_json::from_str(fault)
            .map_err(|e| PyValueError::new_err(format!("invalid fault: {e}")))?;
        self.control()
            .inject_fault(fault)
            .map_err(|e| PyValueError::new_err(e.to_string()))
    }

    /// Removes every fault.
    fn clear_faults(&self) {
        self.control().clear_faults();
    }

    /// Moves the emulator's clock forward by this many seconds.
    fn advance_clock(&self, seconds: f64) -> PyResult<()> {
        self.control()
            .advance_clock(to_duration("advance_clock", seconds)?);
        Ok(())
    }

    /// Stops the server and waits for its thread. Idempotent.
    fn stop(&self, py: Python<'_>) {
        let running = self
            .running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(running) = running {
            py.detach(|| running.stop());
        }
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        Repr::new(py, "EmulatorServer")
            .field("url", self.control().url())
            .finish()
    }
}
