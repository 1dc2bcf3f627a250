//! Controlling a running emulator from the test or program that started it.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::config::EmulatorConfig;
use crate::error::ControlError;
use crate::faults::Fault;
use crate::home::{EmulatorHome, HomeOptions};
use crate::log::RequestRecord;
use crate::server::Shared;
use crate::store::{SessionId, SessionInfo};

/// The controls of a running emulator: its URL, the request log, approvals, faults,
/// sessions and the clock. Cheap to clone; every method is synchronous, so it works
/// from any thread or runtime.
#[derive(Clone)]
pub struct EmulatorControl {
    shared: Arc<Shared>,
}

impl fmt::Debug for EmulatorControl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatorControl")
            .field("url", &self.shared.base_url)
            .finish_non_exhaustive()
    }
}

impl EmulatorControl {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    /// The base URL, e.g. `http://127.0.0.1:41234`: the endpoint of both SSO OIDC
    /// and the SSO portal (`AWS_ENDPOINT_URL_SSO_OIDC` and `AWS_ENDPOINT_URL_SSO`).
    pub fn url(&self) -> &str {
        &self.shared.base_url
    }

    /// The device verification page (`verificationUri`).
    pub fn verification_uri(&self) -> String {
        self.shared.verification_uri()
    }

    /// The configuration it runs with.
    pub fn config(&self) -> &EmulatorConfig {
        &self.shared.config
    }

    /// Writes an AWS home in `dir` whose config points at this emulator, with a
    /// profile for each role of its accounts (see [`EmulatorHome::write`]).
    pub fn write_home(
        &self,
        dir: impl AsRef<std::path::Path>,
        options: &HomeOptions,
    ) -> std::io::Result<EmulatorHome> {
        EmulatorHome::write(dir, &self.shared.config.accounts, self.url(), options)
    }

    /// Every recorded request, oldest first (at most
    /// [`REQUEST_LOG_CAPACITY`](crate::REQUEST_LOG_CAPACITY)).
    pub fn request_log(&self) -> Vec<RequestRecord> {
        self.shared.log.records()
    }

    /// Empties the request log.
    pub fn clear_request_log(&self) {
        self.shared.log.clear();
    }

    /// Approves the pending device authorization with this user code, as a person
    /// pressing Allow on the verification page.
    pub fn approve(&self, user_code: &str) -> Result<(), ControlError> {
        self.decide(user_code, true)
    }

    /// Denies the pending device authorization with this user code.
    pub fn deny(&self, user_code: &str) -> Result<(), ControlError> {
        self.decide(user_code, false)
    }

    fn decide(&self, user_code: &str, approve: bool) -> Result<(), ControlError> {
        let now = self.shared.clock.now();
        self.shared
            .store()
            .decide_user_code(user_code, approve, now)
            .map(drop)
    }

    /// The user codes of device authorizations waiting for a decision.
    pub fn pending_user_codes(&self) -> Vec<String> {
        self.shared
            .store()
            .pending_user_codes(self.shared.clock.now())
    }

    /// Turns auto-approve on (`Some(n)`: device codes are approved on poll `n+1`,
    /// PKCE requests at once) or off.
    pub fn set_auto_approve(&self, after_polls: Option<u32>) {
        self.shared.store().auto_approve = after_polls;
    }

    /// Every Identity Center session (login) so far.
    pub fn sessions(&self) -> Vec<SessionInfo> {
        self.shared.store().sessions()
    }

    /// Revokes a session, as an administrator would: its access tokens get HTTP 401
    /// from the portal and its refresh tokens `invalid_grant`. False if it was
    /// unknown or already revoked.
    pub fn revoke_session(&self, id: SessionId) -> bool {
        self.shared.store().revoke(id)
    }

    /// Revokes every live session; returns how many.
    pub fn revoke_all_sessions(&self) -> usize {
        let now = self.shared.clock.now();
        self.shared.store().revoke_all(now)
    }

    /// Adds a fault (see [`Fault`]).
    pub fn inject_fault(&self, fault: Fault) -> Result<(), ControlError> {
        self.shared.faults.add(fault)
    }

    /// The active faults (used-up failures are gone).
    pub fn faults(&self) -> Vec<Fault> {
        self.shared.faults.list()
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        self.shared.faults.clear();
    }

    /// Moves the emulator's clock forward, so tokens, codes, sessions and
    /// registrations expire without waiting. Credentials and `clientSecretExpiresAt`
    /// are stamped with the moved clock too.
    pub fn advance_clock(&self, by: Duration) {
        self.shared.clock.advance(by);
    }

    /// The emulator's current time: the system time moved forward by
    /// [`advance_clock`](Self::advance_clock). STS refuses a request signed more
    /// than 15 minutes away from it, so a test that signs by hand after moving the
    /// clock signs with this time.
    pub fn now(&self) -> SystemTime {
        self.shared.clock.now()
    }
}
