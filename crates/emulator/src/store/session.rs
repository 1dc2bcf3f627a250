//! Identity Center sessions (one per login) and their tokens: issuing access and
//! refresh tokens, refreshing within the session, portal bearer checks, revocation.

use std::fmt;
use std::time::{Duration, SystemTime};

use serde::Serialize;

use super::{Client, PORTAL_SCOPE, Store};
use crate::clock::{epoch_secs, since};
use crate::config::EmulatorConfig;
use crate::error::OidcError;
use crate::random;

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

#[derive(Debug)]
pub(super) struct Session {
    pub(super) client_id: String,
    pub(super) client_name: String,
    pub(super) start_url: Option<String>,
    pub(super) grant_type: &'static str,
    pub(super) scopes: Vec<String>,
    pub(super) created_at: SystemTime,
    pub(super) ends_at: SystemTime,
    pub(super) revoked: bool,
}

impl Session {
    pub(super) fn alive(&self, now: SystemTime) -> bool {
        !self.revoked && now < self.ends_at
    }
}

#[derive(Debug)]
pub(super) struct AccessGrant {
    pub(super) session: SessionId,
    pub(super) expires_at: SystemTime,
}

#[derive(Debug)]
pub(super) struct RefreshGrant {
    pub(super) session: SessionId,
    pub(super) client_id: String,
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

impl Store {
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

    pub(super) fn open_session(
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
    pub(super) fn issue(
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
}
