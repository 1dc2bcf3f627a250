//! The emulator's state: client registrations, device authorizations, PKCE codes,
//! Identity Center sessions and their tokens. Pure logic over an explicit `now`, so
//! it is tested without HTTP or waiting.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::time::{Duration, SystemTime};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::clock::{epoch_secs, since};
use crate::config::EmulatorConfig;
use crate::error::{ControlError, OidcError, OidcErrorKind};
use crate::random;

/// The device-code grant type of RFC 8628.
pub(crate) const GRANT_DEVICE_CODE: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// The refresh-token grant type.
pub(crate) const GRANT_REFRESH_TOKEN: &str = "refresh_token";
/// The authorization-code grant type.
pub(crate) const GRANT_AUTHORIZATION_CODE: &str = "authorization_code";
/// The scope that the SSO portal requires when a registration has scopes.
pub(crate) const PORTAL_SCOPE: &str = "sso:account:access";

/// Polls this much early still count as on time (network jitter).
const POLL_TOLERANCE: Duration = Duration::from_millis(200);
/// How long expired entries are kept (so late polls still hear `expired_token`).
const KEEP_EXPIRED: Duration = Duration::from_secs(3600);
/// How long an unanswered authorize page stays valid.
const AUTHORIZE_PAGE_LIFETIME: Duration = Duration::from_secs(600);

/// The id of an Identity Center session (one login).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct SessionId(pub u64);

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A login session, as the library and the admin endpoint show it (no token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SessionInfo {
    /// The session's id, for [`revoke_session`](crate::EmulatorControl::revoke_session).
    pub id: SessionId,
    /// The client that logged in.
    pub client_id: String,
    /// The client's name.
    pub client_name: String,
    /// The start URL of the device authorization, or the registration's issuer URL.
    pub start_url: Option<String>,
    /// `device_code` or `authorization_code`.
    pub grant_type: String,
    /// When the session started, in seconds since the Unix epoch.
    pub created_at: u64,
    /// When the session ends, in seconds since the Unix epoch.
    pub ends_at: u64,
    /// Whether it was revoked (logout or [`revoke_session`](crate::EmulatorControl::revoke_session)).
    pub revoked: bool,
}

/// A registered OIDC client.
#[derive(Clone)]
// Debug is written by hand below: it redacts the secret.
pub(crate) struct Client {
    pub(crate) id: String,
    pub(crate) secret: String,
    pub(crate) name: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) grant_types: Option<Vec<String>>,
    pub(crate) redirect_uris: Vec<String>,
    pub(crate) issuer_url: Option<String>,
    pub(crate) issued_at: SystemTime,
    pub(crate) expires_at: SystemTime,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("id", &self.id)
            .field("secret", &"** redacted **")
            .field("name", &self.name)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Whether the registration may use `grant`: the listed grant types, or without
    /// a list the device code and refresh grants.
    pub(crate) fn allows(&self, grant: &str) -> bool {
        match &self.grant_types {
            Some(list) => list.iter().any(|g| g == grant),
            None => grant == GRANT_DEVICE_CODE || grant == GRANT_REFRESH_TOKEN,
        }
    }
}

/// A new registration's values, already validated.
#[derive(Debug)]
pub(crate) struct NewClient {
    pub(crate) name: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) grant_types: Option<Vec<String>>,
    pub(crate) redirect_uris: Vec<String>,
    pub(crate) issuer_url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DeviceState {
    Pending,
    Approved,
    Denied,
    Used,
}

#[derive(Debug)]
struct DeviceAuth {
    client_id: String,
    start_url: String,
    user_code: String,
    expires_at: SystemTime,
    interval: Duration,
    last_poll: Option<SystemTime>,
    polls: u32,
    state: DeviceState,
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

/// A PKCE authorization request waiting for Allow or Deny.
#[derive(Debug, Clone)]
pub(crate) struct AuthorizeRequest {
    pub(crate) client_id: String,
    pub(crate) redirect_uri: String,
    pub(crate) state: Option<String>,
    pub(crate) challenge: String,
    pub(crate) scopes: Vec<String>,
    expires_at: SystemTime,
}

impl AuthorizeRequest {
    pub(crate) fn new(
        client_id: String,
        redirect_uri: String,
        state: Option<String>,
        challenge: String,
        scopes: Vec<String>,
    ) -> Self {
        Self {
            client_id,
            redirect_uri,
            state,
            challenge,
            scopes,
            expires_at: SystemTime::UNIX_EPOCH,
        }
    }
}

#[derive(Debug)]
struct AuthCode {
    request: AuthorizeRequest,
    expires_at: SystemTime,
    used: bool,
}

#[derive(Debug)]
struct Session {
    client_id: String,
    client_name: String,
    start_url: Option<String>,
    grant_type: &'static str,
    scopes: Vec<String>,
    created_at: SystemTime,
    ends_at: SystemTime,
    revoked: bool,
}

impl Session {
    fn alive(&self, now: SystemTime) -> bool {
        !self.revoked && now < self.ends_at
    }
}

#[derive(Debug)]
struct AccessGrant {
    session: SessionId,
    expires_at: SystemTime,
}

#[derive(Debug)]
struct RefreshGrant {
    session: SessionId,
    client_id: String,
}

/// What CreateToken returns.
// No Debug outside tests: it holds secrets.
#[cfg_attr(test, derive(Debug))]
pub(crate) struct Tokens {
    pub(crate) access_token: String,
    pub(crate) expires_in: u64,
    pub(crate) refresh_token: Option<String>,
}

/// What the portal knows about a valid access token.
#[derive(Debug)]
pub(crate) struct Bearer {
    pub(crate) session: SessionId,
    /// Whether the token may call the portal (its registration had no scopes, or
    /// had `sso:account:access`).
    pub(crate) portal_access: bool,
}

/// All mutable state, behind one mutex (every operation is short).
#[derive(Debug, Default)]
pub(crate) struct Store {
    clients: HashMap<String, Client>,
    devices: HashMap<String, DeviceAuth>,
    user_codes: HashMap<String, String>,
    authorize_requests: HashMap<String, AuthorizeRequest>,
    codes: HashMap<String, AuthCode>,
    sessions: BTreeMap<SessionId, Session>,
    access: HashMap<String, AccessGrant>,
    refresh: HashMap<String, RefreshGrant>,
    next_session: u64,
    /// See [`EmulatorConfig::auto_approve_after_polls`].
    pub(crate) auto_approve: Option<u32>,
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

/// The PKCE S256 challenge of a verifier: base64url(SHA-256) without padding.
pub(crate) fn s256_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// RFC 7636 §4.1: 43 to 128 characters of `A-Z a-z 0-9 - . _ ~`.
pub(crate) fn valid_verifier(verifier: &str) -> bool {
    (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

impl Store {
    /// An empty store with this auto-approve setting.
    pub(crate) fn new(auto_approve: Option<u32>) -> Self {
        Self {
            auto_approve,
            ..Self::default()
        }
    }

    /// Registers a client.
    pub(crate) fn register(
        &mut self,
        new: NewClient,
        now: SystemTime,
        config: &EmulatorConfig,
    ) -> Client {
        self.prune(now);
        let client = Client {
            id: random::token("", 22),
            secret: random::secret(96),
            name: new.name,
            scopes: new.scopes,
            grant_types: new.grant_types,
            redirect_uris: new.redirect_uris,
            issuer_url: new.issuer_url,
            issued_at: now,
            expires_at: now + config.registration_lifetime,
        };
        self.clients.insert(client.id.clone(), client.clone());
        client
    }

    /// The client with this id and secret, unexpired.
    pub(crate) fn client(
        &self,
        id: &str,
        secret: &str,
        now: SystemTime,
    ) -> Result<&Client, OidcError> {
        match self.clients.get(id) {
            Some(c) if c.secret == secret && now < c.expires_at => Ok(c),
            _ => Err(OidcError::invalid_client()),
        }
    }

    /// The client with this id, unexpired (the authorize page has no secret).
    pub(crate) fn client_by_id(&self, id: &str, now: SystemTime) -> Option<&Client> {
        self.clients.get(id).filter(|c| now < c.expires_at)
    }

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

    /// Keeps a PKCE request until the user decides; returns its id.
    pub(crate) fn hold_authorize_request(
        &mut self,
        mut request: AuthorizeRequest,
        now: SystemTime,
    ) -> String {
        request.expires_at = now + AUTHORIZE_PAGE_LIFETIME;
        let id = random::token("", 32);
        self.authorize_requests.insert(id.clone(), request);
        id
    }

    /// Takes a held PKCE request (once).
    pub(crate) fn take_authorize_request(
        &mut self,
        id: &str,
        now: SystemTime,
    ) -> Option<AuthorizeRequest> {
        self.authorize_requests
            .remove(id)
            .filter(|r| now < r.expires_at)
    }

    /// Issues an authorization code for an approved request.
    pub(crate) fn issue_code(
        &mut self,
        request: AuthorizeRequest,
        now: SystemTime,
        config: &EmulatorConfig,
    ) -> String {
        let code = random::secret(32);
        self.codes.insert(
            code.clone(),
            AuthCode {
                request,
                expires_at: now + config.authorization_code_lifetime,
                used: false,
            },
        );
        code
    }

    /// CreateToken with the authorization-code grant: checks the code, the redirect
    /// URI and the PKCE verifier. A code is single-use, even when the check fails.
    pub(crate) fn exchange_code(
        &mut self,
        client: &Client,
        code: &str,
        redirect_uri: &str,
        verifier: &str,
        now: SystemTime,
        config: &EmulatorConfig,
    ) -> Result<Tokens, OidcError> {
        let entry = self
            .codes
            .get_mut(code)
            .filter(|c| c.request.client_id == client.id)
            .ok_or_else(|| OidcError::invalid_grant("Invalid authorization code provided"))?;
        if entry.used {
            return Err(OidcError::invalid_grant(
                "The authorization code was already used",
            ));
        }
        entry.used = true;
        if now >= entry.expires_at {
            return Err(OidcError::invalid_grant(
                "The authorization code has expired",
            ));
        }
        if entry.request.redirect_uri != redirect_uri {
            return Err(OidcError::invalid_grant(
                "The redirect URI does not match the authorization request",
            ));
        }
        if !valid_verifier(verifier) || s256_challenge(verifier) != entry.request.challenge {
            return Err(OidcError::invalid_grant(
                "The code verifier does not match the code challenge",
            ));
        }
        let start_url = client.issuer_url.clone();
        // The token carries the scopes the user approved (the registration's when
        // the request named none).
        let scopes = if entry.request.scopes.is_empty() {
            client.scopes.clone()
        } else {
            entry.request.scopes.clone()
        };
        let session = self.open_session(
            client,
            start_url,
            GRANT_AUTHORIZATION_CODE,
            scopes,
            now,
            config,
        );
        Ok(self.issue(session, client, now, config))
    }

    /// CreateToken with the refresh-token grant, within the session.
    pub(crate) fn refresh(
        &mut self,
        client: &Client,
        refresh_token: &str,
        now: SystemTime,
        config: &EmulatorConfig,
    ) -> Result<Tokens, OidcError> {
        let session = self
            .refresh
            .get(refresh_token)
            .filter(|r| r.client_id == client.id)
            .map(|r| r.session)
            .filter(|s| self.sessions.get(s).is_some_and(|s| s.alive(now)))
            .ok_or_else(|| {
                OidcError::invalid_grant("Invalid refresh token provided: the session has ended")
            })?;
        Ok(self.issue(session, client, now, config))
    }

    fn open_session(
        &mut self,
        client: &Client,
        start_url: Option<String>,
        grant_type: &'static str,
        scopes: Vec<String>,
        now: SystemTime,
        config: &EmulatorConfig,
    ) -> SessionId {
        self.next_session += 1;
        let id = SessionId(self.next_session);
        self.sessions.insert(
            id,
            Session {
                client_id: client.id.clone(),
                client_name: client.name.clone(),
                start_url,
                grant_type,
                scopes,
                created_at: now,
                ends_at: now + config.session_lifetime,
                revoked: false,
            },
        );
        id
    }

    /// A new access token for the session (lasting at most until the session ends)
    /// and, for registrations with scopes, a new refresh token.
    fn issue(
        &mut self,
        session: SessionId,
        client: &Client,
        now: SystemTime,
        config: &EmulatorConfig,
    ) -> Tokens {
        let ends_at = self.sessions.get(&session).map_or(now, |s| s.ends_at);
        let lifetime = config
            .token_lifetime
            .min(since(ends_at, now))
            .max(Duration::from_secs(1));
        let access_token = random::token("aoa", 120);
        self.access.insert(
            access_token.clone(),
            AccessGrant {
                session,
                expires_at: now + lifetime,
            },
        );
        let refresh_token = (!client.scopes.is_empty()).then(|| {
            let token = random::token("aor", 120);
            self.refresh.insert(
                token.clone(),
                RefreshGrant {
                    session,
                    client_id: client.id.clone(),
                },
            );
            token
        });
        Tokens {
            access_token,
            expires_in: lifetime.as_secs(),
            refresh_token,
        }
    }

    /// The session behind a portal bearer token, if the token is valid.
    pub(crate) fn bearer(&self, token: &str, now: SystemTime) -> Option<Bearer> {
        let grant = self.access.get(token).filter(|g| now < g.expires_at)?;
        let session = self.sessions.get(&grant.session).filter(|s| s.alive(now))?;
        Some(Bearer {
            session: grant.session,
            portal_access: session.scopes.is_empty()
                || session.scopes.iter().any(|s| s == PORTAL_SCOPE),
        })
    }

    /// Revokes a session: its access and refresh tokens stop working.
    pub(crate) fn revoke(&mut self, id: SessionId) -> bool {
        match self.sessions.get_mut(&id) {
            Some(s) if !s.revoked => {
                s.revoked = true;
                true
            }
            _ => false,
        }
    }

    /// Revokes every live session; returns how many.
    pub(crate) fn revoke_all(&mut self, now: SystemTime) -> usize {
        let mut n = 0;
        for s in self.sessions.values_mut().filter(|s| s.alive(now)) {
            s.revoked = true;
            n += 1;
        }
        n
    }

    /// Every session, oldest first.
    pub(crate) fn sessions(&self) -> Vec<SessionInfo> {
        self.sessions
            .iter()
            .map(|(id, s)| SessionInfo {
                id: *id,
                client_id: s.client_id.clone(),
                client_name: s.client_name.clone(),
                start_url: s.start_url.clone(),
                grant_type: s.grant_type.to_owned(),
                created_at: epoch_secs(s.created_at),
                ends_at: epoch_secs(s.ends_at),
                revoked: s.revoked,
            })
            .collect()
    }

    /// Drops what expired long ago, so a long-running emulator does not grow.
    fn prune(&mut self, now: SystemTime) {
        let old = |t: SystemTime| since(now, t) > KEEP_EXPIRED;
        self.devices.retain(|_, d| !old(d.expires_at));
        let devices = &self.devices;
        self.user_codes.retain(|_, dc| devices.contains_key(dc));
        self.authorize_requests.retain(|_, r| now < r.expires_at);
        self.codes.retain(|_, c| !old(c.expires_at));
        self.access.retain(|_, g| !old(g.expires_at));
        self.clients.retain(|_, c| !old(c.expires_at));
        let sessions = &self.sessions;
        self.refresh.retain(|_, r| {
            sessions
                .get(&r.session)
                .is_some_and(|s| !s.revoked && !old(s.ends_at))
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000 + secs)
    }

    fn client(store: &mut Store, scopes: &[&str]) -> Client {
        store.register(
            NewClient {
                name: "test".into(),
                scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
                grant_types: None,
                redirect_uris: vec![],
                issuer_url: None,
            },
            t(0),
            &EmulatorConfig::default(),
        )
    }

    #[test]
    fn pkce_vector() {
        assert_eq!(
            s256_challenge(&"a".repeat(64)),
            "_-BU_nrgy23GXDr5th1SCfQ5hR20PQulmXM33xVGaOs"
        );
        assert!(valid_verifier(&"a".repeat(43)));
        assert!(!valid_verifier(&"a".repeat(42)));
        assert!(!valid_verifier(&format!("{}!", "a".repeat(50))));
    }

    #[test]
    fn user_codes_normalize() {
        assert_eq!(normalize_user_code(" bcdf-ghjk "), "BCDF-GHJK");
        assert_eq!(normalize_user_code("bcdfghjk"), "BCDF-GHJK");
        assert_eq!(normalize_user_code("x"), "X");
    }

    #[test]
    fn device_flow_pending_slow_down_approve_and_reuse() {
        let config = EmulatorConfig::default();
        let mut store = Store::default();
        let c = client(&mut store, &["sso:account:access"]);
        let started = store.start_device(&c.id, "https://x/start", t(0), &config);
        let poll = |store: &mut Store, at| {
            store
                .poll_device(&c, &started.device_code, at, &config)
                .map_err(|e| e.kind)
        };
        assert_eq!(
            poll(&mut store, t(1)).unwrap_err(),
            OidcErrorKind::AuthorizationPending
        );
        // 0.5 s later: too fast.
        let early = t(1) + Duration::from_millis(500);
        assert_eq!(
            poll(&mut store, early).unwrap_err(),
            OidcErrorKind::SlowDown
        );
        assert_eq!(
            store.pending_user_codes(t(2)),
            vec![started.user_code.clone()]
        );
        store
            .decide_user_code(&started.user_code.to_lowercase(), true, t(2))
            .unwrap();
        let tokens = poll(&mut store, t(3)).unwrap();
        assert!(tokens.refresh_token.is_some());
        assert_eq!(tokens.expires_in, 3600);
        assert_eq!(
            poll(&mut store, t(5)).unwrap_err(),
            OidcErrorKind::InvalidGrant
        );
        assert!(store.bearer(&tokens.access_token, t(10)).is_some());
        assert!(store.bearer(&tokens.access_token, t(3700)).is_none());
    }

    #[test]
    fn auto_approve_after_n_polls_and_denial_and_expiry() {
        let config = EmulatorConfig::default();
        let mut store = Store {
            auto_approve: Some(2),
            ..Store::default()
        };
        let c = client(&mut store, &[]);
        let d = store.start_device(&c.id, "https://x/start", t(0), &config);
        let mut poll = |at| store.poll_device(&c, &d.device_code, t(at), &config);
        assert!(poll(1).is_err());
        assert!(poll(2).is_err());
        let tokens = poll(3).unwrap();
        assert!(
            tokens.refresh_token.is_none(),
            "no scopes, no refresh token"
        );

        store.auto_approve = None;
        let d = store.start_device(&c.id, "https://x/start", t(0), &config);
        store.decide_user_code(&d.user_code, false, t(1)).unwrap();
        let err = store
            .poll_device(&c, &d.device_code, t(2), &config)
            .unwrap_err();
        assert_eq!(err.kind, OidcErrorKind::AccessDenied);
        assert_eq!(
            store.decide_user_code(&d.user_code, true, t(2)),
            Err(ControlError::AlreadyDecided(d.user_code.clone()))
        );

        let d = store.start_device(&c.id, "https://x/start", t(0), &config);
        let err = store
            .poll_device(&c, &d.device_code, t(601), &config)
            .unwrap_err();
        assert_eq!(err.kind, OidcErrorKind::ExpiredToken);
        assert!(matches!(
            store.decide_user_code(&d.user_code, true, t(601)),
            Err(ControlError::Expired(_))
        ));
    }

    #[test]
    fn refresh_works_until_the_session_ends_or_is_revoked() {
        let config = EmulatorConfig::default();
        let mut store = Store {
            auto_approve: Some(0),
            ..Store::default()
        };
        let c = client(&mut store, &["sso:account:access"]);
        let d = store.start_device(&c.id, "https://x/start", t(0), &config);
        let first = store
            .poll_device(&c, &d.device_code, t(1), &config)
            .unwrap();
        let rt = first.refresh_token.unwrap();
        let second = store.refresh(&c, &rt, t(3600), &config).unwrap();
        assert!(store.bearer(&second.access_token, t(3601)).is_some());
        // Near the end of the 8 h session the token lasts only until the end.
        let late = store.refresh(&c, &rt, t(8 * 3600 - 60), &config).unwrap();
        assert_eq!(late.expires_in, 61, "the session started at t(1)");
        let err = store
            .refresh(&c, &rt, t(8 * 3600 + 1), &config)
            .unwrap_err();
        assert_eq!(err.kind, OidcErrorKind::InvalidGrant);

        let d = store.start_device(&c.id, "https://x/start", t(0), &config);
        let tokens = store
            .poll_device(&c, &d.device_code, t(1), &config)
            .unwrap();
        let session = store.bearer(&tokens.access_token, t(2)).unwrap().session;
        assert!(store.revoke(session));
        assert!(!store.revoke(session));
        assert!(store.bearer(&tokens.access_token, t(2)).is_none());
        let err = store
            .refresh(&c, tokens.refresh_token.as_deref().unwrap(), t(2), &config)
            .unwrap_err();
        assert_eq!(err.kind, OidcErrorKind::InvalidGrant);
        assert_eq!(store.sessions().len(), 2);
    }

    #[test]
    fn codes_are_single_use_and_checked() {
        let config = EmulatorConfig::default();
        let mut store = Store::default();
        let c = client(&mut store, &["sso:account:access"]);
        let verifier = "a".repeat(64);
        let request = |challenge: &str| {
            AuthorizeRequest::new(
                c.id.clone(),
                "http://127.0.0.1:5000/oauth/callback".into(),
                Some("st".into()),
                challenge.into(),
                vec!["sso:account:access".into()],
            )
        };
        let code = store.issue_code(request(&s256_challenge(&verifier)), t(0), &config);
        let uri = "http://127.0.0.1:5000/oauth/callback";
        let bad = store
            .exchange_code(
                &c,
                &code,
                "http://127.0.0.1:5001/oauth/callback",
                &verifier,
                t(1),
                &config,
            )
            .unwrap_err();
        assert_eq!(bad.kind, OidcErrorKind::InvalidGrant);
        let reused = store
            .exchange_code(&c, &code, uri, &verifier, t(1), &config)
            .unwrap_err();
        assert!(reused.description.contains("already used"));

        let code = store.issue_code(request(&s256_challenge(&verifier)), t(0), &config);
        let wrong = store
            .exchange_code(&c, &code, uri, &"b".repeat(64), t(1), &config)
            .unwrap_err();
        assert!(wrong.description.contains("verifier"));

        let code = store.issue_code(request(&s256_challenge(&verifier)), t(0), &config);
        let tokens = store
            .exchange_code(&c, &code, uri, &verifier, t(1), &config)
            .unwrap();
        assert!(tokens.refresh_token.is_some());

        let code = store.issue_code(request(&s256_challenge(&verifier)), t(0), &config);
        let late = store
            .exchange_code(&c, &code, uri, &verifier, t(301), &config)
            .unwrap_err();
        assert!(late.description.contains("expired"));
    }
}
