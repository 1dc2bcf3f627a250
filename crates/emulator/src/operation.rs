//! The service operations the emulator serves, by method and path.

use std::fmt;

use axum::http::Method;
use serde::{Deserialize, Serialize};

/// An SSO OIDC, SSO portal or STS operation (the names of the service models).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Operation {
    /// SSO OIDC `POST /client/register`.
    RegisterClient,
    /// SSO OIDC `POST /device_authorization`.
    StartDeviceAuthorization,
    /// SSO OIDC `POST /token`.
    CreateToken,
    /// SSO portal `GET /federation/credentials`.
    GetRoleCredentials,
    /// SSO portal `GET /assignment/accounts`.
    ListAccounts,
    /// SSO portal `GET /assignment/roles`.
    ListAccountRoles,
    /// SSO portal `POST /logout`.
    Logout,
    /// STS `POST /` (`Action=AssumeRole`), for role chaining.
    AssumeRole,
}

impl Operation {
    /// Every operation.
    pub const ALL: [Self; 8] = [
        Self::RegisterClient,
        Self::StartDeviceAuthorization,
        Self::CreateToken,
        Self::GetRoleCredentials,
        Self::ListAccounts,
        Self::ListAccountRoles,
        Self::Logout,
        Self::AssumeRole,
    ];

    /// The operation's name, e.g. `CreateToken`.
    pub fn name(self) -> &'static str {
        match self {
            Self::RegisterClient => "RegisterClient",
            Self::StartDeviceAuthorization => "StartDeviceAuthorization",
            Self::CreateToken => "CreateToken",
            Self::GetRoleCredentials => "GetRoleCredentials",
            Self::ListAccounts => "ListAccounts",
            Self::ListAccountRoles => "ListAccountRoles",
            Self::Logout => "Logout",
            Self::AssumeRole => "AssumeRole",
        }
    }

    /// The operation with this name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|op| op.name() == name)
    }

    /// Whether it belongs to SSO OIDC (else to the SSO portal).
    pub fn is_oidc(self) -> bool {
        matches!(
            self,
            Self::RegisterClient | Self::StartDeviceAuthorization | Self::CreateToken
        )
    }

    /// The method and path that serve it.
    pub fn route(self) -> (&'static str, &'static str) {
        match self {
            Self::RegisterClient => ("POST", "/client/register"),
            Self::StartDeviceAuthorization => ("POST", "/device_authorization"),
            Self::CreateToken => ("POST", "/token"),
            Self::GetRoleCredentials => ("GET", "/federation/credentials"),
            Self::ListAccounts => ("GET", "/assignment/accounts"),
            Self::ListAccountRoles => ("GET", "/assignment/roles"),
            Self::Logout => ("POST", "/logout"),
            Self::AssumeRole => ("POST", "/"),
        }
    }

    /// The operation a request is for, if any.
    pub(crate) fn of_request(method: &Method, path: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|op| {
            let (m, p) = op.route();
            method.as_str() == m && path == p
        })
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_routes_round_trip() {
        for op in Operation::ALL {
            assert_eq!(Operation::from_name(op.name()), Some(op));
            let (m, p) = op.route();
            let method = Method::from_bytes(m.as_bytes()).unwrap();
            assert_eq!(Operation::of_request(&method, p), Some(op));
        }
        assert_eq!(Operation::of_request(&Method::GET, "/token"), None);
        assert_eq!(
            serde_json::to_string(&Operation::CreateToken).unwrap(),
            "\"CreateToken\""
        );
    }
}
