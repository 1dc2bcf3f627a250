//! The SSO portal (`sso`): GetRoleCredentials, ListAccounts, ListAccountRoles, Logout.

use std::collections::HashSet;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::Method;
use serde_json::Value;

use super::error::ServiceError;
use super::http::{Call, Endpoint, Fields, HttpClient};
use super::response::Service;
use super::settings::HttpSettings;
use crate::secret::{AccessToken, SecretAccessKey, SessionToken};

/// The longest role-credentials lifetime accepted from GetRoleCredentials: 12 hours,
/// the longest session duration a permission set can have, plus one hour for the
/// difference between this machine's clock and the service's.
pub(crate) const MAX_ROLE_CREDENTIALS_LIFETIME: Duration = Duration::from_secs(13 * 3600);

/// The page size asked for when listing (the service's maximum).
pub(crate) const PAGE_SIZE: u32 = 100;
/// The most pages one listing follows; a guard against a server that never stops.
pub(crate) const MAX_PAGES: usize = 10_000;

/// Temporary credentials for one role.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RoleCredentials {
    /// `accessKeyId`.
    pub access_key_id: String,
    /// `secretAccessKey`.
    pub secret_access_key: SecretAccessKey,
    /// `sessionToken`.
    pub session_token: SessionToken,
    /// `expiration` (sent in epoch milliseconds).
    pub expiration: SystemTime,
}

impl RoleCredentials {
    /// Checks `expiration` against `now`: the credentials must not be expired yet and
    /// must expire within 13 hours (the 12 hours a permission set's session can last,
    /// plus one for clock skew).
    ///
    /// # Errors
    /// [`ServiceError::ImplausibleExpiry`], saying what the service sent.
    pub fn check_expiration(&self, now: SystemTime) -> Result<(), ServiceError> {
        let problem = if self.expiration <= now {
            "credentials that expired before they arrived".to_owned()
        } else if self
            .expiration
            .duration_since(now)
            .is_ok_and(|left| left > MAX_ROLE_CREDENTIALS_LIFETIME)
        {
            format!(
                "more than the 12 hours a permission set's session can last (now is {})",
                crate::time::format_timestamp(now)
            )
        } else {
            return Ok(());
        };
        Err(ServiceError::ImplausibleExpiry {
            operation: "GetRoleCredentials",
            field: "roleCredentials.expiration",
            sent: expiration_shown(self.expiration),
            problem,
        })
    }
}

/// An account the user is assigned to.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AccountInfo {
    /// `accountId`.
    pub account_id: String,
    /// `accountName`, when sent.
    pub account_name: Option<String>,
    /// `emailAddress`, when sent.
    pub email_address: Option<String>,
}

/// A role the user may assume in an account.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RoleInfo {
    /// `roleName`.
    pub role_name: String,
    /// `accountId` (the account asked about when the service leaves it out).
    pub account_id: String,
}

/// A client for the SSO portal. Requests are unsigned; the access token travels in
/// the `x-amz-sso_bearer_token` header.
#[derive(Debug, Clone)]
pub struct PortalClient {
    http: HttpClient,
    endpoint: Endpoint,
}

impl PortalClient {
    /// A client for `endpoint` (e.g. `https://portal.sso.us-east-1.amazonaws.com`)
    /// with its own HTTP client.
    pub fn new(endpoint: &str, settings: &HttpSettings) -> Result<Self, ServiceError> {
        Self::with_http_client(endpoint, &HttpClient::new(settings)?)
    }

    /// A client for `endpoint` sharing an HTTP client.
    pub(crate) fn with_http_client(
        endpoint: &str,
        http: &HttpClient,
    ) -> Result<Self, ServiceError> {
        Ok(Self {
            http: http.clone(),
            endpoint: Endpoint::parse(endpoint)?,
        })
    }

    /// The same endpoint through another HTTP client.
    pub(crate) fn with_http(mut self, http: &HttpClient) -> Self {
        self.http = http.clone();
        self
    }

    /// The endpoint, as shown in errors.
    pub fn endpoint(&self) -> &str {
        self.endpoint.shown()
    }

    /// GetRoleCredentials: `GET /federation/credentials?role_name=R&account_id=A`.
    pub async fn get_role_credentials(
        &self,
        token: &AccessToken,
        account_id: &str,
        role_name: &str,
    ) -> Result<RoleCredentials, ServiceError> {
        const OP: &str = "GetRoleCredentials";
        let query = vec![("role_name", role_name), ("account_id", account_id)];
        let response = self
            .get(OP, "/federation/credentials", query, token)
            .await?;
        let top = Fields::top(OP, response.as_ref())?;
        let f = top.object("roleCredentials")?;
        let millis = f.req_u64("expiration")?;
        // Beyond 9999-12-31 (or 0): no cache file or SDK could hold it, whatever
        // the time now.
        let expiration = UNIX_EPOCH
            .checked_add(Duration::from_millis(millis))
            .filter(|_| millis > 0 && millis / 1000 <= super::oidc::LAST_READABLE_EPOCH_SECS)
            .ok_or_else(|| ServiceError::ImplausibleExpiry {
                operation: OP,
                field: "roleCredentials.expiration",
                sent: format!("{millis} ms since 1970"),
                problem: if millis == 0 {
                    "the Unix epoch itself".to_owned()
                } else {
                    "a time after the year 9999, which the AWS CLI cannot read".to_owned()
                },
            })?;
        Ok(RoleCredentials {
            access_key_id: f.req_str("accessKeyId")?,
            secret_access_key: SecretAccessKey::new(f.req_str("secretAccessKey")?),
            session_token: SessionToken::new(f.req_str("sessionToken")?),
            expiration,
        })
    }

    /// ListAccounts, every page: `GET /assignment/accounts?max_result=100&next_token=T`.
    pub async fn list_accounts(
        &self,
        token: &AccessToken,
    ) -> Result<Vec<AccountInfo>, ServiceError> {
        const OP: &str = "ListAccounts";
        let mut accounts = Vec::new();
        self.paginate(OP, "/assignment/accounts", &[], token, "accountList", |f| {
            accounts.push(AccountInfo {
                account_id: f.req_str("accountId")?,
                account_name: f.opt_str("accountName")?,
                email_address: f.opt_str("emailAddress")?,
            });
            Ok(())
        })
        .await?;
        Ok(accounts)
    }

    /// ListAccountRoles, every page:
    /// `GET /assignment/roles?account_id=A&max_result=100&next_token=T`.
    pub async fn list_account_roles(
        &self,
        token: &AccessToken,
        account_id: &str,
    ) -> Result<Vec<RoleInfo>, ServiceError> {
        const OP: &str = "ListAccountRoles";
        let mut roles = Vec::new();
        let query = [("account_id", account_id)];
        self.paginate(OP, "/assignment/roles", &query, token, "roleList", |f| {
            roles.push(RoleInfo {
                role_name: f.req_str("roleName")?,
                account_id: f
                    .opt_str("accountId")?
                    .unwrap_or_else(|| account_id.to_owned()),
            });
            Ok(())
        })
        .await?;
        Ok(roles)
    }

    /// Logout: `POST /logout`. Ends the Identity Center session of the token.
    pub async fn logout(&self, token: &AccessToken) -> Result<(), ServiceError> {
        self.http
            .call(
                &self.endpoint,
                Call {
                    service: Service::Portal,
                    operation: "Logout",
                    method: Method::POST,
                    path: "/logout",
                    query: Vec::new(),
                    bearer: Some(token),
                    json: None,
                },
            )
            .await
            .map(drop)
    }

    /// Follows `nextToken` until it is absent, null or empty, handing every item of
    /// `list_key` to `item`. A token seen before is an error (the server would loop).
    async fn paginate(
        &self,
        operation: &'static str,
        path: &'static str,
        fixed: &[(&'static str, &str)],
        token: &AccessToken,
        list_key: &'static str,
        mut item: impl FnMut(&Fields<'_>) -> Result<(), ServiceError>,
    ) -> Result<(), ServiceError> {
        let page_size = PAGE_SIZE.to_string();
        let mut seen = HashSet::new();
        let mut next: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut query = fixed.to_vec();
            query.push(("max_result", &page_size));
            if let Some(t) = &next {
                query.push(("next_token", t));
            }
            let response = self.get(operation, path, query, token).await?;
            let f = Fields::top(operation, response.as_ref())?;
            for entry in f.object_list(list_key)? {
                item(&entry)?;
            }
            match f.opt_str("nextToken")?.filter(|t| !t.is_empty()) {
                None => return Ok(()),
                Some(t) if !seen.insert(t.clone()) => {
                    return Err(ServiceError::MalformedResponse {
                        operation,
                        reason: format!(
                            "the service sent a `nextToken` it had already sent, after {} pages; stopped to avoid looping forever",
                            seen.len() + 1
                        ),
                    });
                }
                Some(t) => next = Some(t),
            }
        }
        Err(ServiceError::MalformedResponse {
            operation,
            reason: format!("more than {MAX_PAGES} pages; stopped to avoid looping forever"),
        })
    }

    async fn get(
        &self,
        operation: &'static str,
        path: &'static str,
        query: Vec<(&'static str, &str)>,
        token: &AccessToken,
    ) -> Result<Option<Value>, ServiceError> {
        self.http
            .call(
                &self.endpoint,
                Call {
                    service: Service::Portal,
                    operation,
                    method: Method::GET,
                    path,
                    query,
                    bearer: Some(token),
                    json: None,
                },
            )
            .await
    }
}

/// An expiration as the service sent it (epoch milliseconds) and as a date.
fn expiration_shown(expiration: SystemTime) -> String {
    let millis = expiration
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default();
    format!(
        "{millis} ms since 1970 ({})",
        crate::time::format_timestamp(expiration)
    )
}
