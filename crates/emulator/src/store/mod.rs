//! The emulator's state: client registrations, device authorizations, PKCE codes,
//! Identity Center sessions and their tokens. Pure logic over an explicit `now`, so
//! it is tested without HTTP or waiting.
//!
//! One [`Store`] holds it all behind the server's mutex; each job has its file:
//! registrations and pruning here, the device-code flow in `device`, the PKCE
//! authorize requests and codes in `pkce`, sessions and their tokens in `session`.

mod device;
mod pkce;
mod session;

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, SystemTime};

use crate::clock::since;
use crate::config::EmulatorConfig;
use crate::error::OidcError;
use crate::random;

use device::DeviceAuth;
pub(crate) use device::normalize_user_code;
use pkce::AuthCode;
pub(crate) use pkce::AuthorizeRequest;
use session::{AccessGrant, RefreshGrant, Session};
pub(crate) use session::{Bearer, Tokens};
pub use session::{SessionId, SessionInfo};

/// The device-code grant type of RFC 8628.
pub(crate) const GRANT_DEVICE_CODE: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// The refresh-token grant type.
pub(crate) const GRANT_REFRESH_TOKEN: &str = "refresh_token";
/// The authorization-code grant type.
pub(crate) const GRANT_AUTHORIZATION_CODE: &str = "authorization_code";
/// The scope that the SSO portal requires when a registration has scopes.
pub(crate) const PORTAL_SCOPE: &str = "sso:account:access";

/// How long expired entries are kept (so late polls still hear `expired_token`).
const KEEP_EXPIRED: Duration = Duration::from_secs(3600);

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
    use super::pkce::{s256_challenge, valid_verifier};
    use super::*;
    use crate::error::{ControlError, OidcErrorKind};

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
