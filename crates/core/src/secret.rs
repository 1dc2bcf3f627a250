//! Secret values: tokens, client secrets and AWS keys.
//!
//! Each is a newtype over zeroizing storage. `Debug` prints `** redacted **`, there
//! is no `Display`, and the value is read only through an explicit `expose_secret()`
//! call, so a secret cannot reach a log line or an error message by accident.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use zeroize::Zeroizing;

/// What every secret prints instead of its value.
pub const REDACTED: &str = "** redacted **";

macro_rules! secret_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        ///
        /// The value is zeroed when dropped; `Debug` redacts it.
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(Zeroizing<String>);

        impl $name {
            /// Wraps a secret value.
            pub fn new(value: impl Into<String>) -> Self {
                Self(Zeroizing::new(value.into()))
            }

            /// The secret value. Call only where the value is sent or written.
            pub fn expose_secret(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), REDACTED)
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self::new(value)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.expose_secret())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(Self::new)
            }
        }
    };
}

secret_type!(
    /// An SSO OIDC access token (`accessToken`), the bearer token of the SSO portal.
    AccessToken
);
secret_type!(
    /// An SSO OIDC refresh token (`refreshToken`).
    RefreshToken
);
secret_type!(
    /// The secret of a registered OIDC client (`clientSecret`).
    ClientSecret
);
secret_type!(
    /// The `deviceCode` of a device authorization: whoever holds it can collect the
    /// token once the user approves.
    DeviceCode
);
secret_type!(
    /// The authorization `code` returned to the PKCE redirect URI.
    AuthorizationCode
);
secret_type!(
    /// The PKCE `codeVerifier`.
    CodeVerifier
);
secret_type!(
    /// An AWS secret access key.
    SecretAccessKey
);
secret_type!(
    /// An AWS session token.
    SessionToken
);
secret_type!(
    /// The `SigninToken` of the AWS sign-in federation endpoint: whoever holds it can
    /// open the console as the role, for 15 minutes.
    SigninToken
);
secret_type!(
    /// A console sign-in URL: it carries a [`SigninToken`], so it is shown only where
    /// the person asked for it (opened in the browser, or printed on request).
    SigninUrl
);
secret_type!(
    /// The token a container-credentials client sends in `Authorization`
    /// (`AWS_CONTAINER_AUTHORIZATION_TOKEN`).
    AuthorizationToken
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let value = "very-secret-value-123";
        let shown = format!(
            "{:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:#?}",
            DeviceCode::new(value),
            AuthorizationCode::new(value),
            CodeVerifier::new(value),
            AccessToken::new(value),
            RefreshToken::new(value),
            ClientSecret::new(value),
            SecretAccessKey::new(value),
            SessionToken::new(value),
            Some(AccessToken::new(value)),
        );
        assert!(!shown.contains(value), "{shown}");
        assert!(shown.contains("AccessToken(** redacted **)"));
    }

    #[test]
    fn serializes_the_value_for_cache_files() {
        let token = AccessToken::new("abc");
        assert_eq!(serde_json::to_string(&token).unwrap(), "\"abc\"");
        let back: AccessToken = serde_json::from_str("\"abc\"").unwrap();
        assert_eq!(back.expose_secret(), "abc");
    }
}
