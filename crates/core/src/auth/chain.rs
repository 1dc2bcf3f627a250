//! Role chaining under the credentials provider: from the SSO root's role
//! credentials, one STS `AssumeRole` per hop, each hop's answer shared through the
//! AWS CLI's `~/.aws/cli/cache` under botocore's key (an entry the AWS CLI wrote is
//! used as is, and the other way round).

use std::time::SystemTime;

use aws_credential_types::Credentials;

use super::error::AuthError;
use super::token::MAX_SHARED_MESSAGE_CHARS;
use crate::Error;
use crate::cache::{
    AssumeRoleCache, CacheLock, CachedAssumedRole, DEFAULT_LOCK_TIMEOUT, SharedFailure,
    assume_role_cache_key,
};
use crate::client::{
    AssumeRoleError, AssumeRoleRequest, HttpClient, SourceCredentials, StsClient, StsFailure,
};
use crate::config::{RoleChain, RoleHop};
use crate::rt::blocking;
use crate::time::SharedClock;

/// How long a failed AssumeRole keeps the other processes that wait on its entry
/// from calling STS again: as long as a failed GetRoleCredentials does
/// ([`ROLE_RETRY_INTERVAL`](crate::auth::credentials::ROLE_RETRY_INTERVAL)).
const HOP_RETRY_INTERVAL: std::time::Duration = std::time::Duration::from_secs(10);

/// The hops of a chain, their STS client and their cache.
#[derive(Debug)]
pub(crate) struct ChainedRoles {
    chain: RoleChain,
    sts: StsClient,
    cache: Option<AssumeRoleCache>,
    clock: SharedClock,
    provider_name: &'static str,
}

/// The AWS CLI's cache key of a hop (the generated session name is not part of it).
pub(crate) fn hop_cache_key(hop: &RoleHop) -> String {
    assume_role_cache_key(
        &hop.role_arn,
        hop.role_session_name.as_deref(),
        hop.duration_seconds,
        hop.external_id.as_deref(),
    )
}

fn to_credentials(c: &CachedAssumedRole, provider_name: &'static str) -> Credentials {
    let mut builder = Credentials::builder()
        .access_key_id(&c.access_key_id)
        .secret_access_key(c.secret_access_key.expose_secret())
        .session_token(c.session_token.expose_secret())
        .expiry(c.expiration)
        .provider_name(provider_name);
    if let Some(account) = &c.account_id {
        builder = builder.account_id(account.as_str());
    }
    builder.build()
}

impl ChainedRoles {
    /// The chain's hops over `http`; `cache` is the AWS CLI's `~/.aws/cli/cache` (or
    /// `None` to keep the credentials in memory only).
    pub(crate) fn new(
        chain: &RoleChain,
        http: &HttpClient,
        cache: Option<AssumeRoleCache>,
        clock: SharedClock,
        provider_name: &'static str,
    ) -> Result<Self, Error> {
        Ok(Self {
            sts: StsClient::with_http_client(&chain.sts.url, &chain.sts.signing_region, http)?,
            chain: chain.clone(),
            cache,
            clock,
            provider_name,
        })
    }

    /// The chain.
    pub(crate) fn chain(&self) -> &RoleChain {
        &self.chain
    }

    /// The last hop's credentials: from its cache entry while fresh, else assumed
    /// from the deepest hop with a fresh entry, else from the root's role
    /// credentials (what `root` fetches).
    pub(crate) async fn credentials<F>(
        &self,
        root: impl FnOnce() -> F,
    ) -> Result<Credentials, Error>
    where
        F: std::future::Future<Output = Result<Credentials, Error>>,
    {
        let hops = &self.chain.hops;
        let mut start = 0;
        let mut current = None;
        for i in (0..hops.len()).rev() {
            if let Some(c) = self.load(i, self.clock.now()).await {
                start = i + 1;
                current = Some(to_credentials(&c, self.provider_name));
                break;
            }
        }
        let mut current = match current {
            Some(c) => c,
            None => root().await?,
        };
        for i in start..hops.len() {
            current = self.assume(i, &current).await?;
        }
        Ok(current)
    }

    async fn load(&self, i: usize, now: SystemTime) -> Option<CachedAssumedRole> {
        let cache = self.cache.clone()?;
        let key = hop_cache_key(self.chain.hops.get(i)?);
        blocking(move || Ok(cache.load(&key).ok()))
            .await
            .ok()
            .flatten()
            .filter(|c| c.is_fresh(now))
    }

    async fn lock(&self, i: usize) -> Result<Option<CacheLock>, Error> {
        let (Some(cache), Some(hop)) = (self.cache.clone(), self.chain.hops.get(i)) else {
            return Ok(None);
        };
        let key = hop_cache_key(hop);
        blocking(move || Ok(Some(cache.lock(&key, DEFAULT_LOCK_TIMEOUT)?))).await
    }

    async fn store(&self, i: usize, entry: &CachedAssumedRole) {
        let (Some(cache), Some(hop)) = (self.cache.clone(), self.chain.hops.get(i)) else {
            return;
        };
        let key = hop_cache_key(hop);
        let entry = entry.clone();
        if let Err(e) = blocking(move || Ok(cache.store(&key, &entry)?)).await {
            // The credentials are still good; only the sharing with other processes failed.
            tracing::warn!(error = %e, "could not write the assume-role cache");
        }
    }

    /// Assumes hop `i` with `source`, under the entry's lock: another process that
    /// assumed it meanwhile is answered from its entry.
    async fn assume(&self, i: usize, source: &Credentials) -> Result<Credentials, Error> {
        let Some(hop) = self.chain.hops.get(i) else {
            return Err(Error::Internal(format!("role chain hop {i} out of range")));
        };
        let mut lock = self.lock(i).await?;
        if let Some(c) = self.load(i, self.clock.now()).await {
            return Ok(to_credentials(&c, self.provider_name));
        }
        let now = self.clock.now();
        // The last holder's AssumeRole failed and its back-off has not passed: its
        // error, at once, rather than one more call from every waiting process.
        if let Some(failure) = lock
            .as_ref()
            .and_then(|l| l.shared_failure())
            .filter(|f| f.blocks_retry(now))
        {
            return Err(AuthError::RecentFailure {
                operation: format!("assume {} for profile {:?}", hop.role_arn, hop.profile),
                failure: Box::new(failure.clone()),
            }
            .into());
        }
        let generated;
        let session_name = match &hop.role_session_name {
            Some(name) => name.as_str(),
            None => {
                generated = format!("botocore-session-{}", crate::time::unix_seconds(now));
                generated.as_str()
            }
        };
        let request = AssumeRoleRequest {
            role_arn: &hop.role_arn,
            role_session_name: session_name,
            duration_seconds: hop.duration_seconds,
            external_id: hop.external_id.as_deref(),
        };
        let source = SourceCredentials {
            access_key_id: source.access_key_id(),
            secret_access_key: source.secret_access_key(),
            session_token: source.session_token(),
        };
        let role = match self.sts.assume_role(&source, &request, now).await {
            Ok(role) => {
                if let Some(lock) = lock.as_mut() {
                    lock.set_shared_failure(None);
                }
                role
            }
            Err(failure) => {
                let local = matches!(&failure, StsFailure::Service(e) if e.is_local_setup());
                let (code, status) = match &failure {
                    StsFailure::Rejected { code, status, .. } => {
                        (code.as_str().map(str::to_owned), Some(*status))
                    }
                    StsFailure::Service(e) => (e.service_code().map(str::to_owned), e.status()),
                    StsFailure::Malformed { .. } => (None, None),
                };
                let err = self.error(hop, failure);
                // Not this process's own set-up failing (a broken CA bundle): other
                // processes must not wait for it.
                if let Some(lock) = lock.as_mut()
                    && !local
                {
                    lock.set_shared_failure(Some(hop_failure(&err, code, status, now)));
                }
                return Err(err);
            }
        };
        let entry = CachedAssumedRole {
            account_id: role.account_id().map(str::to_owned),
            access_key_id: role.access_key_id,
            secret_access_key: role.secret_access_key,
            session_token: role.session_token,
            expiration: role.expiration,
            assumed_role_arn: role.assumed_role_arn,
            assumed_role_id: role.assumed_role_id,
            extra: serde_json::Map::new(),
        };
        self.store(i, &entry).await;
        Ok(to_credentials(&entry, self.provider_name))
    }

    fn error(&self, hop: &RoleHop, failure: StsFailure) -> Error {
        AssumeRoleError {
            profile: hop.profile.clone(),
            role_arn: hop.role_arn.clone(),
            chain: self.chain.describe(),
            failure,
        }
        .into()
    }
}

/// A failed AssumeRole as the lock file records it for the processes waiting on it:
/// they answer with it instead of calling STS again until [`HOP_RETRY_INTERVAL`]
/// passed.
fn hop_failure(
    err: &Error,
    code: Option<String>,
    status: Option<u16>,
    now: SystemTime,
) -> SharedFailure {
    let failed_at = crate::time::unix_seconds(now);
    SharedFailure {
        pid: std::process::id(),
        failed_at,
        retry_at: failed_at.saturating_add(HOP_RETRY_INTERVAL.as_secs()),
        message: crate::browser::printable(&err.to_string())
            .chars()
            .take(MAX_SHARED_MESSAGE_CHARS)
            .collect(),
        code,
        status,
        refused_refresh_token: None,
    }
}
