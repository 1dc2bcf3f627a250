//! The device-code flow (RFC 8628): starting an authorization, the user's decision
//! by user code, and CreateToken polls with their `slow_down` and
//! `authorization_pending` answers.

use std::time::{Duration, SystemTime};

use super::{Client, GRANT_DEVICE_CODE, Store, Tokens};
use crate::clock::since;
use crate::config::EmulatorConfig;
use crate::error::{ControlError, OidcError, OidcErrorKind};
use crate::random;

/// Polls this much early still count as on time (network jitter).
const POLL_TOLERANCE: Duration = Duration::from_millis(200);

/// Where a device authorization stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DeviceState {
    Pending,
    Approved,
    Denied,
    Used,
}

/// A device authorization, by device code.
#[derive(Debug)]
pub(super) struct DeviceAuth {
    pub(super) client_id: String,
    pub(super) start_url: String,
    pub(super) user_code: String,
    pub(super) expires_at: SystemTime,
    pub(super) interval: Duration,
    pub(super) last_poll: Option<SystemTime>,
    pub(super) polls: u32,
    pub(super) state: DeviceState,
}

/// A started device authorization.
// No Debug outside tests: it holds secrets.
#[cfg_attr(test, derive(Debug))]
pub(crate) struct StartedDevice {
    pub(crate) device_code: String,
    pub(crate) user_code: String,
    pub(crate) expires_in: u64,
    pub(crate) interval: u64,
}

/// `XXXX-XXXX` from what a person typed: case, spaces and the dash do not matter.
pub(crate) fn normalize_user_code(typed: &str) -> String {
    let bare: String = typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if bare.len() == 8 {
        format!("{}-{}", &bare[..4], &bare[4..])
    } else {
        bare
    }
}

impl Store {
    /// StartDeviceAuthorization for an authenticated client.
    pub(crate) fn start_device(
        &mut self,
        client_id: &str,
        start_url: &str,
        now: SystemTime,
        config: &EmulatorConfig,
    ) -> StartedDevice {
        self.prune(now);
        let device_code = random::secret(48);
        let mut user_code = random::user_code();
        while self.user_codes.contains_key(&user_code) {
            user_code = random::user_code();
        }
        self.devices.insert(
            device_code.clone(),
            DeviceAuth {
                client_id: client_id.to_owned(),
                start_url: start_url.to_owned(),
                user_code: user_code.clone(),
                expires_at: now + config.device_code_lifetime,
                interval: Duration::from_secs(config.poll_interval_secs),
                last_poll: None,
                polls: 0,
                state: DeviceState::Pending,
            },
        );
        self.user_codes
            .insert(user_code.clone(), device_code.clone());
        StartedDevice {
            device_code,
            user_code,
            expires_in: config.device_code_lifetime.as_secs(),
            interval: config.poll_interval_secs,
        }
    }

    /// One CreateToken poll with the device-code grant.
    pub(crate) fn poll_device(
        &mut self,
        client: &Client,
        device_code: &str,
        now: SystemTime,
        config: &EmulatorConfig,
    ) -> Result<Tokens, OidcError> {
        let auto_approve = self.auto_approve;
        let device = self
            .devices
            .get_mut(device_code)
            .filter(|d| d.client_id == client.id)
            .ok_or_else(|| OidcError::invalid_grant("Invalid device code provided"))?;
        if device.state == DeviceState::Used {
            return Err(OidcError::invalid_grant(
                "The device code was already exchanged for a token",
            ));
        }
        if now >= device.expires_at {
            return Err(OidcError::new(
                OidcErrorKind::ExpiredToken,
                "The device code has expired",
            ));
        }
        let too_fast = device
            .last_poll
            .is_some_and(|last| since(now, last) + POLL_TOLERANCE < device.interval);
        device.last_poll = Some(now);
        if too_fast {
            return Err(OidcError::new(
                OidcErrorKind::SlowDown,
                "Client is polling too quickly",
            ));
        }
        if device.state == DeviceState::Pending && auto_approve.is_some_and(|n| device.polls >= n) {
            device.state = DeviceState::Approved;
        }
        device.polls = device.polls.saturating_add(1);
        match device.state {
            DeviceState::Pending => Err(OidcError::new(
                OidcErrorKind::AuthorizationPending,
                "Authorization is still pending",
            )),
            DeviceState::Denied => Err(OidcError::new(
                OidcErrorKind::AccessDenied,
                "The user denied the authorization request",
            )),
            DeviceState::Approved | DeviceState::Used => {
                device.state = DeviceState::Used;
                let start_url = Some(device.start_url.clone());
                let scopes = client.scopes.clone();
                let session =
                    self.open_session(client, start_url, GRANT_DEVICE_CODE, scopes, now, config);
                Ok(self.issue(session, client, now, config))
            }
        }
    }

    /// Approves or denies the device authorization with this user code.
    pub(crate) fn decide_user_code(
        &mut self,
        user_code: &str,
        approve: bool,
        now: SystemTime,
    ) -> Result<String, ControlError> {
        let code = normalize_user_code(user_code);
        let device = self
            .user_codes
            .get(&code)
            .and_then(|dc| self.devices.get_mut(dc))
            .ok_or_else(|| ControlError::UnknownUserCode(code.clone()))?;
        if now >= device.expires_at {
            return Err(ControlError::Expired(code));
        }
        if device.state != DeviceState::Pending {
            return Err(ControlError::AlreadyDecided(code));
        }
        device.state = if approve {
            DeviceState::Approved
        } else {
            DeviceState::Denied
        };
        Ok(self
            .clients
            .get(&device.client_id)
            .map(|c| c.name.clone())
            .unwrap_or_default())
    }

    /// The client name behind a pending user code (for the verification page).
    pub(crate) fn pending_client_name(&self, user_code: &str, now: SystemTime) -> Option<String> {
        let device = self
            .user_codes
            .get(&normalize_user_code(user_code))
            .and_then(|dc| self.devices.get(dc))
            .filter(|d| d.state == DeviceState::Pending && now < d.expires_at)?;
        self.clients.get(&device.client_id).map(|c| c.name.clone())
    }

    /// The user codes still waiting for a decision.
    pub(crate) fn pending_user_codes(&self, now: SystemTime) -> Vec<String> {
        let mut codes: Vec<_> = self
            .devices
            .values()
            .filter(|d| d.state == DeviceState::Pending && now < d.expires_at)
            .map(|d| d.user_code.clone())
            .collect();
        codes.sort();
        codes
    }
}
