//! `listAccounts` and `listRoles`: what the signed-in user may access.

use std::collections::HashMap;

use napi_derive::napi;
use ssokit::AccountRole;

use crate::target::{TargetOptions, resolve};
use crate::{JsResult, Reply, js_error};

/// An account the signed-in user may access.
#[napi(object, object_from_js = false)]
pub struct AccountInfo {
    /// The account id.
    pub account_id: String,
    /// The account name, when the service sends it.
    pub account_name: Option<String>,
    /// The account's email address, when the service sends it.
    pub email_address: Option<String>,
}

/// Every account the signed-in user may access (all pages).
#[napi(ts_return_type = "Promise<Array<AccountInfo>>")]
pub async fn list_accounts(options: Option<TargetOptions>) -> Reply<Vec<AccountInfo>> {
    list_accounts_with(options).await.into()
}

async fn list_accounts_with(options: Option<TargetOptions>) -> JsResult<Vec<AccountInfo>> {
    let (sso, _) = resolve(options.unwrap_or_default())?;
    let accounts = sso.list_accounts().await.map_err(js_error)?;
    Ok(accounts
        .into_iter()
        .map(|a| AccountInfo {
            account_id: a.account_id,
            account_name: a.account_name,
            email_address: a.email_address,
        })
        .collect())
}

/// What `listRoles` lists.
#[napi(object)]
#[derive(Default)]
pub struct ListRolesOptions {
    /// The account; defaults to every account the user may access.
    pub account_id: Option<String>,
    /// The profile; defaults to `AWS_PROFILE`, then `AWS_DEFAULT_PROFILE`, then `default`.
    pub profile: Option<String>,
    /// An sso-session by name, instead of a profile.
    pub sso_session: Option<String>,
    /// The config file; defaults to `AWS_CONFIG_FILE`, then `~/.aws/config`.
    pub config_file: Option<String>,
    /// Replaces the process environment for this call (for tests).
    pub env: Option<HashMap<String, String>>,
}

/// A role the signed-in user may assume.
#[napi(object, object_from_js = false)]
pub struct RoleInfo {
    /// The account id.
    pub account_id: String,
    /// The account name, when every account's roles were listed (absent for the
    /// roles of one `accountId`).
    pub account_name: Option<String>,
    /// The role name.
    pub role_name: String,
}

impl From<AccountRole> for RoleInfo {
    fn from(role: AccountRole) -> Self {
        Self {
            account_id: role.account_id,
            account_name: role.account_name,
            role_name: role.role_name,
        }
    }
}

/// The roles the signed-in user may assume, in one account or in every account (at
/// most 8 ListAccountRoles calls at a time), sorted by account id, then role name.
#[napi(ts_return_type = "Promise<Array<RoleInfo>>")]
pub async fn list_roles(options: Option<ListRolesOptions>) -> Reply<Vec<RoleInfo>> {
    list_roles_with(options).await.into()
}

async fn list_roles_with(options: Option<ListRolesOptions>) -> JsResult<Vec<RoleInfo>> {
    let options = options.unwrap_or_default();
    let (sso, _) = resolve(TargetOptions {
        profile: options.profile,
        sso_session: options.sso_session,
        config_file: options.config_file,
        env: options.env,
    })?;
    let roles = sso
        .roles(options.account_id.as_deref())
        .await
        .map_err(js_error)?;
    Ok(roles.into_iter().map(RoleInfo::from).collect())
}
