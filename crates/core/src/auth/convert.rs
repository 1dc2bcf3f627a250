//! From what the client returned to what the caches store: the client layer knows
//! nothing of the caches, and the caches nothing of the client.

use serde_json::Map;

use crate::cache::CachedRoleCredentials;
#[cfg(feature = "login")]
use crate::cache::ClientRegistration;
use crate::client::RoleCredentials;
#[cfg(feature = "login")]
use crate::client::{RegisterClientRequest, RegisterClientResponse};

/// The cache entry for a registration, with the scopes and grant types that were
/// requested.
#[cfg(feature = "login")]
pub(crate) fn client_registration(
    response: &RegisterClientResponse,
    request: &RegisterClientRequest,
) -> ClientRegistration {
    ClientRegistration {
        client_id: response.client_id.clone(),
        client_secret: response.client_secret.clone(),
        expires_at: response.client_secret_expires_at,
        scopes: request.scopes.clone(),
        grant_types: request.grant_types.clone(),
        extra: Map::new(),
    }
}

/// The role-credentials cache entry for credentials of a role in `account_id`.
pub(crate) fn cached_role_credentials(
    role: &RoleCredentials,
    account_id: &str,
) -> CachedRoleCredentials {
    CachedRoleCredentials {
        access_key_id: role.access_key_id.clone(),
        secret_access_key: role.secret_access_key.clone(),
        session_token: role.session_token.clone(),
        expiration: role.expiration,
        account_id: Some(account_id.to_owned()),
        extra: Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;
    use crate::secret::{SecretAccessKey, SessionToken};

    fn role() -> RoleCredentials {
        RoleCredentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: SecretAccessKey::new("SECRET-secret-key"),
            session_token: SessionToken::new("SECRET-session-token"),
            expiration: UNIX_EPOCH + Duration::from_millis(1_795_813_445_123),
        }
    }

    #[test]
    fn role_credentials_keep_every_value_and_name_the_account() {
        let role = role();
        let cached = cached_role_credentials(&role, "123456789012");
        assert_eq!(cached.account_id.as_deref(), Some("123456789012"));
        assert_eq!(cached.access_key_id, role.access_key_id);
        assert_eq!(cached.secret_access_key, role.secret_access_key);
        assert_eq!(cached.session_token, role.session_token);
        assert_eq!(cached.expiration, role.expiration);
        assert!(cached.extra.is_empty());
        let shown = format!("{cached:?} {cached:#?}");
        assert!(!shown.contains("SECRET"), "{shown}");
    }

    #[cfg(feature = "login")]
    #[test]
    fn a_registration_keeps_what_was_requested() {
        use crate::secret::ClientSecret;
        let request =
            RegisterClientRequest::public("ssokit-work", Some(vec!["sso:account:access".into()]))
                .redirect_uris(vec!["http://127.0.0.1/oauth/callback".into()])
                .grant_types(vec!["authorization_code".into(), "refresh_token".into()])
                .issuer_url("https://d-123.awsapps.com/start");
        let response = RegisterClientResponse {
            client_id: "c".into(),
            client_secret: ClientSecret::new("SECRET-client-secret"),
            client_id_issued_at: Some(UNIX_EPOCH + Duration::from_secs(1)),
            client_secret_expires_at: UNIX_EPOCH + Duration::from_secs(2),
            authorization_endpoint: Some("https://oidc/authorize".into()),
            token_endpoint: Some("https://oidc/token".into()),
        };
        let reg = client_registration(&response, &request);
        assert_eq!(reg.client_id, "c");
        assert_eq!(reg.client_secret, response.client_secret);
        assert_eq!(reg.expires_at, UNIX_EPOCH + Duration::from_secs(2));
        assert_eq!(reg.grant_types, request.grant_types);
        assert_eq!(reg.scopes, request.scopes);
        assert!(reg.extra.is_empty());
        let device = client_registration(&response, &RegisterClientRequest::public("n", None));
        assert_eq!((device.scopes, device.grant_types), (None, None));
        let shown = format!("{reg:?} {reg:#?}");
        assert!(!shown.contains("SECRET"), "{shown}");
    }
}
