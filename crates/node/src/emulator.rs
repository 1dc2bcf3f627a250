//! `Emulator`: the local IAM Identity Center of `ssokit-emulator`, linked into the
//! addon for users' own tests, on its own thread and runtime, with a temporary AWS
//! home whose config points at it.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use napi_derive::napi;
use ssokit_emulator::{
    Account, BackgroundEmulator, Emulator as CoreEmulator, EmulatorControl, EmulatorHome, Fault,
    HomeOptions, Operation, RequestRecord, profiles,
};
use tempfile::TempDir;

use crate::profile::path_string;
use crate::{EMULATOR, Failure, JsResult, Reply, coded};

/// An account of the emulated organisation.
#[napi(object)]
pub struct EmulatorAccount {
    /// The 12-digit account id.
    pub id: String,
    /// The account name.
    pub name: String,
    /// The account's email address (default `<name>@example.com`).
    pub email: Option<String>,
    /// The roles users may assume in it.
    pub roles: Vec<String>,
}

/// How to start an emulator. Every setting has the emulator's default.
#[napi(object)]
#[derive(Default)]
pub struct EmulatorOptions {
    /// The organisation (default: the emulator's default organisation,
    /// `111122223333` `dev` with the roles `ReadOnly` and `AdministratorAccess`,
    /// `444455556666` `staging` with `ReadOnly` and `Deployer`, `777788889999`
    /// `prod` with `ReadOnly`).
    pub accounts: Option<Vec<EmulatorAccount>>,
    /// The port on 127.0.0.1 (default: a free one).
    pub port: Option<u32>,
    /// Approve each device code on its `n+1`-th poll (default: wait for `approve`).
    pub auto_approve_after_polls: Option<u32>,
    /// The device-flow poll interval in whole seconds (default 1, the minimum).
    pub poll_interval_seconds: Option<u32>,
    /// How long access tokens last, in seconds (default 3600).
    pub token_lifetime_seconds: Option<u32>,
    /// How long a login session lasts, in seconds (default 8 hours).
    pub session_lifetime_seconds: Option<u32>,
    /// How long role credentials last, in seconds (default 3600).
    pub credentials_lifetime_seconds: Option<u32>,
    /// How long a device code can be approved, in seconds (default 600).
    pub device_code_lifetime_seconds: Option<u32>,
    /// Create a temporary AWS home whose config points at the emulator (default
    /// `true`); it is removed by `stop`.
    pub home: Option<bool>,
}

/// A profile of the emulator's config: a name for one role of one account.
#[napi(object, object_from_js = false)]
pub struct EmulatorProfile {
    /// The profile name.
    pub name: String,
    /// `sso_account_id`.
    pub account_id: String,
    /// `sso_role_name`.
    pub role_name: String,
}

/// A fault to inject.
#[napi(object)]
pub struct FaultOptions {
    /// `'fail'` (the next `times` requests fail with `status`), `'latency'` (every
    /// request waits `millis`) or `'throttle'` (a `rate` fraction gets HTTP 429).
    pub kind: String,
    /// The operation (`'GetRoleCredentials'`, `'CreateToken'`, ...); default: all.
    pub operation: Option<String>,
    /// For `'fail'`: how many requests fail (default 1).
    pub times: Option<u32>,
    /// For `'fail'`: the HTTP status, 400 to 599 (default 500).
    pub status: Option<u32>,
    /// For `'latency'`: the delay in milliseconds.
    pub millis: Option<u32>,
    /// For `'throttle'`: the fraction of requests throttled, 0 to 1.
    pub rate: Option<f64>,
}

/// One request as the emulator saw it (never a body, header or secret).
#[napi(object, object_from_js = false)]
pub struct EmulatorRequest {
    /// A sequence number, from 1.
    pub seq: f64,
    /// When it arrived, in milliseconds since the Unix epoch (emulated clock).
    pub at_ms: f64,
    /// The HTTP method.
    pub method: String,
    /// The path.
    pub path: String,
    /// The query, with secret values redacted.
    pub query: Option<String>,
    /// The operation, e.g. `'GetRoleCredentials'`; absent for pages.
    pub operation: Option<String>,
    /// The response status.
    pub status: u32,
    /// The error name of a failed response, e.g. `'AuthorizationPendingException'`.
    pub error: Option<String>,
    /// What the handler noted (the grant type of CreateToken).
    pub detail: Option<String>,
    /// The injected fault, if any.
    pub fault: Option<String>,
    /// How long it took, in milliseconds.
    pub duration_ms: f64,
}

impl From<RequestRecord> for EmulatorRequest {
    fn from(r: RequestRecord) -> Self {
        Self {
            seq: r.seq as f64,
            at_ms: r.at_ms as f64,
            method: r.method,
            path: r.path,
            query: r.query,
            operation: r.operation.map(|op| op.name().to_owned()),
            status: u32::from(r.status),
            error: r.error,
            detail: r.detail,
            fault: r.fault,
            duration_ms: r.duration_ms as f64,
        }
    }
}

fn emulator_error(err: impl std::fmt::Display) -> Failure {
    coded(EMULATOR, err)
}

fn secs(value: Option<u32>) -> Option<Duration> {
    value.map(|s| Duration::from_secs(u64::from(s)))
}

/// A local IAM Identity Center (SSO OIDC and the SSO portal) for tests, with a
/// temporary AWS home whose config points at it.
#[napi]
pub struct Emulator {
    control: EmulatorControl,
    running: Mutex<Option<BackgroundEmulator>>,
    home: Mutex<Option<TempDir>>,
    aws_home: Option<EmulatorHome>,
}

/// A temporary directory with the emulator's AWS home in it.
fn temp_home(control: &EmulatorControl) -> std::io::Result<(TempDir, EmulatorHome)> {
    let dir = tempfile::Builder::new()
        .prefix("ssokit-emulator-")
        .tempdir()?;
    let home = control.write_home(dir.path(), &HomeOptions::default())?;
    Ok((dir, home))
}

fn take<T>(slot: &Mutex<Option<T>>) -> Option<T> {
    slot.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take()
}

#[napi]
impl Emulator {
    /// Starts an emulator on 127.0.0.1 on its own thread; returns once it listens.
    #[napi(ts_return_type = "Emulator")]
    pub fn start(options: Option<EmulatorOptions>) -> Reply<Emulator> {
        Self::start_with(options).into()
    }

    fn start_with(options: Option<EmulatorOptions>) -> JsResult<Self> {
        let options = options.unwrap_or_default();
        let mut builder = CoreEmulator::builder();
        if let Some(accounts) = options.accounts {
            builder = builder.accounts(
                accounts
                    .into_iter()
                    .map(|a| {
                        let roles: Vec<&str> = a.roles.iter().map(String::as_str).collect();
                        let account = Account::new(a.id.clone(), a.name.clone(), &roles);
                        match a.email {
                            Some(email) => account.email(email),
                            None => account,
                        }
                    })
                    .collect(),
            );
        }
        if let Some(port) = options.port {
            let port = u16::try_from(port)
                .map_err(|_| emulator_error(format!("the port {port} is out of range")))?;
            builder = builder.port(port);
        }
        if let Some(n) = options.auto_approve_after_polls {
            builder = builder.auto_approve_after_polls(n);
        }
        if let Some(s) = options.poll_interval_seconds {
            builder = builder.poll_interval_secs(u64::from(s));
        }
        if let Some(d) = secs(options.token_lifetime_seconds) {
            builder = builder.token_lifetime(d);
        }
        if let Some(d) = secs(options.session_lifetime_seconds) {
            builder = builder.session_lifetime(d);
        }
        if let Some(d) = secs(options.credentials_lifetime_seconds) {
            builder = builder.credentials_lifetime(d);
        }
        if let Some(d) = secs(options.device_code_lifetime_seconds) {
            builder = builder.device_code_lifetime(d);
        }
        let emulator = builder.build().map_err(emulator_error)?;
        let running = emulator.start_in_background().map_err(emulator_error)?;
        let (home, aws_home) = if options.home.unwrap_or(true) {
            match temp_home(running.control()) {
                Ok((dir, home)) => (Some(dir), Some(home)),
                Err(e) => {
                    running.stop();
                    return Err(emulator_error(format!(
                        "could not create a temporary AWS home: {e}"
                    )));
                }
            }
        } else {
            (None, None)
        };
        Ok(Self {
            control: running.control().clone(),
            running: Mutex::new(Some(running)),
            home: Mutex::new(home),
            aws_home,
        })
    }

    /// The base URL, e.g. `http://127.0.0.1:41234`: the endpoint of both SSO OIDC and
    /// the SSO portal.
    #[napi(getter)]
    pub fn url(&self) -> String {
        self.control.url().to_owned()
    }

    /// The device verification page.
    #[napi(getter)]
    pub fn verification_uri(&self) -> String {
        self.control.verification_uri()
    }

    /// The temporary AWS home (absent with `home: false`).
    #[napi(getter)]
    pub fn home(&self) -> Option<String> {
        self.aws_home.as_ref().map(|h| path_string(h.dir.clone()))
    }

    /// The temporary home's AWS config file (absent with `home: false`).
    #[napi(getter)]
    pub fn config_file(&self) -> Option<String> {
        self.aws_home
            .as_ref()
            .map(|h| path_string(h.config_file.clone()))
    }

    /// The name of the config's sso-session, `emulator` (absent with `home: false`).
    #[napi(getter)]
    pub fn sso_session(&self) -> Option<String> {
        self.aws_home.as_ref().map(|h| h.sso_session.clone())
    }

    /// The profiles of the temporary home's config, in its order (with
    /// `home: false`, those it would have): `default` for the first account's first
    /// role, `<account name>` for each account's first role and
    /// `<account name>-<role>` for every role.
    #[napi(getter)]
    pub fn profiles(&self) -> Vec<EmulatorProfile> {
        let table = match &self.aws_home {
            Some(home) => home.profiles.clone(),
            None => profiles(&self.control.config().accounts),
        };
        table
            .into_iter()
            .map(|p| EmulatorProfile {
                name: p.name,
                account_id: p.account_id,
                role_name: p.role_name,
            })
            .collect()
    }

    /// The environment that points ssokit, the AWS CLI and the AWS SDKs at the
    /// emulator: `AWS_ENDPOINT_URL_SSO_OIDC`, `AWS_ENDPOINT_URL_SSO`,
    /// `AWS_ENDPOINT_URL_SIGNIN` (console sign-in) and `AWS_ENDPOINT_URL_STS` (role
    /// chaining), and with the
    /// temporary home `HOME`, `USERPROFILE`, `AWS_CONFIG_FILE` and
    /// `AWS_SHARED_CREDENTIALS_FILE`.
    #[napi]
    pub fn env(&self) -> HashMap<String, String> {
        match &self.aws_home {
            Some(home) => home.env.iter().cloned().collect(),
            None => {
                let url = self.control.url().to_owned();
                HashMap::from([
                    ("AWS_ENDPOINT_URL_SSO_OIDC".to_owned(), url.clone()),
                    ("AWS_ENDPOINT_URL_SIGNIN".to_owned(), url.clone()),
                    ("AWS_ENDPOINT_URL_STS".to_owned(), url.clone()),
                    ("AWS_ENDPOINT_URL_SSO".to_owned(), url),
                ])
            }
        }
    }

    /// Approves the pending device authorization with this user code, as a person
    /// pressing Allow on the verification page.
    #[napi(ts_return_type = "void")]
    pub fn approve(&self, user_code: String) -> Reply<()> {
        self.control
            .approve(&user_code)
            .map_err(emulator_error)
            .into()
    }

    /// Denies the pending device authorization with this user code.
    #[napi(ts_return_type = "void")]
    pub fn deny(&self, user_code: String) -> Reply<()> {
        self.control.deny(&user_code).map_err(emulator_error).into()
    }

    /// The user codes of device authorizations waiting for a decision.
    #[napi]
    pub fn pending_user_codes(&self) -> Vec<String> {
        self.control.pending_user_codes()
    }

    /// Turns auto-approve on (device codes approved on poll `n+1`) or off (`null`).
    #[napi]
    pub fn set_auto_approve(&self, after_polls: Option<u32>) {
        self.control.set_auto_approve(after_polls);
    }

    /// Every recorded request, oldest first.
    #[napi]
    pub fn request_log(&self) -> Vec<EmulatorRequest> {
        self.control
            .request_log()
            .into_iter()
            .map(EmulatorRequest::from)
            .collect()
    }

    /// Empties the request log.
    #[napi]
    pub fn clear_request_log(&self) {
        self.control.clear_request_log();
    }

    /// Adds a fault.
    #[napi(ts_return_type = "void")]
    pub fn inject_fault(&self, fault: FaultOptions) -> Reply<()> {
        Self::fault(fault)
            .and_then(|fault| self.control.inject_fault(fault).map_err(emulator_error))
            .into()
    }

    fn fault(fault: FaultOptions) -> JsResult<Fault> {
        let mut built = match fault.kind.as_str() {
            "fail" => {
                let status = u16::try_from(fault.status.unwrap_or(500)).unwrap_or(u16::MAX);
                Fault::fail(fault.times.unwrap_or(1), status)
            }
            "latency" => Fault::latency(Duration::from_millis(u64::from(
                fault.millis.unwrap_or_default(),
            ))),
            "throttle" => Fault::throttle(fault.rate.unwrap_or(1.0)),
            other => {
                return Err(emulator_error(format!(
                    "unknown fault kind {other:?}: use 'fail', 'latency' or 'throttle'"
                )));
            }
        };
        if let Some(name) = fault.operation {
            let op = Operation::from_name(&name)
                .ok_or_else(|| emulator_error(format!("unknown operation {name:?}")))?;
            built = built.on(op);
        }
        Ok(built)
    }

    /// Removes every fault.
    #[napi]
    pub fn clear_faults(&self) {
        self.control.clear_faults();
    }

    /// Revokes every live login session, as an administrator would; returns how many.
    #[napi]
    pub fn revoke_all_sessions(&self) -> u32 {
        u32::try_from(self.control.revoke_all_sessions()).unwrap_or(u32::MAX)
    }

    /// Moves the emulator's clock forward by this many milliseconds, so tokens, codes
    /// and sessions expire without waiting.
    #[napi]
    pub fn advance_clock(&self, millis: u32) {
        self.control
            .advance_clock(Duration::from_millis(u64::from(millis)));
    }

    /// Stops the server (off the JavaScript thread) and removes the temporary home.
    /// Calling it again does nothing.
    #[napi(ts_return_type = "Promise<void>")]
    pub async fn stop(&self) -> Reply<()> {
        self.stop_and_clean().await.into()
    }

    async fn stop_and_clean(&self) -> JsResult<()> {
        let running = take(&self.running);
        let home = take(&self.home);
        tokio::task::spawn_blocking(move || {
            if let Some(running) = running {
                running.stop();
            }
            home.map(TempDir::close).transpose()
        })
        .await
        .map_err(emulator_error)?
        .map(drop)
        .map_err(|e| emulator_error(format!("could not remove the temporary AWS home: {e}")))
    }
}
