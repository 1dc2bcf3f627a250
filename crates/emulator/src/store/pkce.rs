//! The PKCE authorization-code flow: authorize requests held until the user decides,
//! authorization codes, and their exchange with the verifier.

use std::time::{Duration, SystemTime};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use super::{Client, GRANT_AUTHORIZATION_CODE, Store, Tokens};
use crate::config::EmulatorConfig;
use crate::error::OidcError;
use crate::random;

/// How long an unanswered authorize page stays valid.
const AUTHORIZE_PAGE_LIFETIME: Duration = Duration::from_secs(600);

/// A PKCE authorization request waiting for Allow or Deny.
#[derive(Debug, Clone)]
pub(crate) struct AuthorizeRequest {
    pub(crate) client_id: String,
    pub(crate) redirect_uri: String,
    pub(crate) state: Option<String>,
    pub(crate) challenge: String,
    pub(crate) scopes: Vec<String>,
    pub(super) expires_at: SystemTime,
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
pub(super) struct AuthCode {
    pub(super) request: AuthorizeRequest,
    pub(super) expires_at: SystemTime,
    pub(super) used: bool,
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
}
