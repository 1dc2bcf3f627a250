//! Role chaining: a profile with `role_arn` and `source_profile`, through any number
//! of such profiles, down to an SSO profile whose role credentials start the chain.
//!
//! Every hop starts from role credentials (the SSO role's, then each assumed role's),
//! so every hop is role chaining in AWS's sense: a session of at most one hour. The
//! STS endpoint is the one the AWS CLI would call for the selected profile: its
//! region (`AWS_REGION`, `AWS_DEFAULT_REGION`, the selected profile's `region`, else
//! the SSO root profile's `region`, else the global endpoint), `sts_regional_endpoints`
//! (`AWS_STS_REGIONAL_ENDPOINTS`), and `AWS_ENDPOINT_URL_STS` / `AWS_ENDPOINT_URL` / a
//! `[services]` `sts` `endpoint_url` / the profile's `endpoint_url`.

use super::AwsConfig;
use super::aws_config::value;
use super::endpoints::sts_endpoint;
use super::error::ConfigError;
use super::index::Section;
use super::session::{RoleChain, RoleHop, SsoProfile, StsEndpoint};
use super::suggest::suggest;
use super::validate::validate_region;
use crate::env::Env;

/// The shortest session `duration_seconds` may ask for, as STS allows.
pub const MIN_DURATION_SECONDS: u32 = 900;
/// The longest session of a chained role: one hour, whatever the role's own maximum.
pub const MAX_CHAINED_DURATION_SECONDS: u32 = 3600;

/// The regions the legacy global STS endpoint served (`sts_regional_endpoints =
/// legacy` sends their requests to `sts.amazonaws.com`).
const LEGACY_GLOBAL_REGIONS: &[&str] = &[
    "aws-global",
    "ap-northeast-1",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ca-central-1",
    "eu-central-1",
    "eu-north-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

fn arrow(names: &[String]) -> String {
    names.join(" -> ")
}

/// Whether a profile has any SSO setting (so it can be the root of a chain).
fn has_sso_settings(section: &Section) -> bool {
    [
        "sso_session",
        "sso_start_url",
        "sso_account_id",
        "sso_role_name",
    ]
    .iter()
    .any(|k| value(section, k).is_some())
}

fn has_static_keys(section: &Section) -> bool {
    ["aws_access_key_id", "aws_secret_access_key"]
        .iter()
        .any(|k| section.get(k).is_some())
}

/// Whether a profile is a role hop (`role_arn` set).
pub(super) fn is_role_profile(section: &Section) -> bool {
    value(section, "role_arn").is_some()
}

impl AwsConfig {
    /// Resolves a profile with `role_arn` into its SSO root profile with the chain
    /// attached (see [`SsoProfile::chain`]).
    pub(super) fn resolve_role_chain(
        &self,
        profile: &str,
        env: &Env,
    ) -> Result<SsoProfile, ConfigError> {
        let mut visited: Vec<String> = vec![profile.to_owned()];
        let mut hops: Vec<RoleHop> = Vec::new();
        let mut current = profile.to_owned();
        let root = loop {
            let Some(section) = self.profile(&current) else {
                // Checked before the profile was visited.
                return Err(ConfigError::ProfileNotFound {
                    profile: current,
                    path: self.config_path().to_path_buf(),
                    suggestions: Vec::new(),
                });
            };
            hops.push(self.hop(section, &visited)?);
            let Some(source) = value(section, "source_profile").map(|p| p.value().to_owned())
            else {
                return Err(ConfigError::NoRoleSource {
                    profile: current,
                    chain: arrow(&visited).into(),
                    path: self.path_of(section.file()).to_path_buf(),
                });
            };
            let Some(source_section) = self.profile(&source) else {
                return Err(ConfigError::SourceProfileNotFound {
                    profile: current,
                    source_profile: source.clone(),
                    chain: arrow(&visited).into(),
                    path: self.config_path().to_path_buf(),
                    suggestions: suggest(&source, self.profile_names().iter().map(String::as_str)),
                });
            };
            // botocore's rules for a source profile: one with credentials of its own
            // (static keys) gives them, through its own providers (SSO first), even
            // when it has role_arn too, and may name itself as its source; one with
            // role_arn and no keys is the next hop; any other is the end.
            let own_credentials = has_static_keys(source_section);
            if visited.contains(&source) && !(source == current && own_credentials) {
                visited.push(source);
                return Err(ConfigError::RoleChainCycle {
                    chain: arrow(&visited).into(),
                    path: self.config_path().to_path_buf(),
                });
            }
            if source != current {
                visited.push(source.clone());
            }
            if is_role_profile(source_section) && !own_credentials {
                current = source;
                continue;
            }
            if !has_sso_settings(source_section) {
                return Err(self.root_not_sso(source_section, &visited));
            }
            break self.resolve_sso_settings(&source, env)?;
        };
        if root.is_token_only() {
            return Err(ConfigError::RoleChainRoot {
                profile: root.name.clone(),
                chain: arrow(&visited).into(),
                path: self.config_path().to_path_buf(),
                reason: "it has an sso_session but no sso_account_id and sso_role_name, so it \
                         gives no role credentials to start the chain from; add both keys"
                    .to_owned(),
            });
        }
        hops.reverse();
        let top = self.profile(profile);
        // The selected profile's own region (what `exec` exports), not the root's.
        let region = top
            .and_then(|s| value(s, "region"))
            .map(|p| p.value().to_owned());
        let mut warnings = root.warnings.clone();
        let sts = self.sts_endpoint(top, root.region.as_deref(), env, &mut warnings)?;
        let chain = RoleChain {
            root_profile: root.name.clone(),
            hops,
            sts,
        };
        Ok(SsoProfile {
            name: profile.to_owned(),
            region,
            warnings,
            chain: Some(chain),
            ..root
        })
    }

    /// Reads and checks the role settings of one profile with `role_arn`.
    fn hop(&self, section: &Section, visited: &[String]) -> Result<RoleHop, ConfigError> {
        let profile = section.name().to_owned();
        let path = self.path_of(section.file()).to_path_buf();
        let chain: Box<str> = arrow(visited).into();
        for key in ["credential_source", "web_identity_token_file"] {
            if let Some(p) = value(section, key) {
                return Err(ConfigError::UnsupportedRoleSource {
                    profile,
                    key,
                    value: p.value().to_owned(),
                    chain,
                    path,
                });
            }
        }
        if let Some(p) = value(section, "mfa_serial") {
            return Err(ConfigError::MfaNotSupported {
                profile,
                mfa_serial: p.value().to_owned(),
                chain,
                path,
            });
        }
        let role_arn = value(section, "role_arn")
            .map(|p| p.value().to_owned())
            .unwrap_or_default();
        if !is_role_arn(&role_arn) {
            return Err(ConfigError::InvalidValue {
                key: "role_arn".to_owned(),
                value: role_arn,
                location: self.location(section, "role_arn"),
                reason: "a role ARN reads arn:aws:iam::123456789012:role/NAME".to_owned(),
            });
        }
        let duration_seconds = match value(section, "duration_seconds") {
            None => None,
            Some(p) => Some(self.duration(section, p.value(), &chain)?),
        };
        Ok(RoleHop {
            profile,
            role_arn,
            role_session_name: value(section, "role_session_name").map(|p| p.value().to_owned()),
            duration_seconds,
            external_id: value(section, "external_id").map(|p| p.value().to_owned()),
        })
    }

    fn duration(&self, section: &Section, v: &str, chain: &str) -> Result<u32, ConfigError> {
        let bad = |reason: String| ConfigError::ChainedDuration {
            profile: section.name().to_owned(),
            value: v.to_owned(),
            location: self.location(section, "duration_seconds"),
            chain: chain.into(),
            reason,
        };
        let n: u32 = v.trim().parse().map_err(|_| {
            bad(format!(
                "not a whole number of seconds; set {MIN_DURATION_SECONDS} to \
                 {MAX_CHAINED_DURATION_SECONDS}, or remove it for STS's default of one hour"
            ))
        })?;
        if n < MIN_DURATION_SECONDS {
            return Err(bad(format!(
                "STS refuses sessions shorter than {MIN_DURATION_SECONDS} seconds; set \
                 {MIN_DURATION_SECONDS} to {MAX_CHAINED_DURATION_SECONDS}"
            )));
        }
        if n > MAX_CHAINED_DURATION_SECONDS {
            return Err(bad(format!(
                "this role is assumed with role credentials (role chaining), which AWS \
                 limits to one hour; set at most {MAX_CHAINED_DURATION_SECONDS}, or remove it"
            )));
        }
        Ok(n)
    }

    fn root_not_sso(&self, section: &Section, visited: &[String]) -> ConfigError {
        let reason = if has_static_keys(section) {
            "it holds static access keys (aws_access_key_id); ssokit starts role chains from \
             SSO role credentials only: point source_profile at a profile with sso_session \
             (or sso_start_url), sso_account_id and sso_role_name, or use the AWS CLI for \
             this profile"
        } else if value(section, "credential_process").is_some() {
            "it gets its credentials from credential_process; ssokit starts role chains \
             from SSO role credentials only: point source_profile at a profile with \
             sso_session (or sso_start_url), sso_account_id and sso_role_name, or use the \
             AWS CLI for this profile"
        } else {
            "it has no SSO settings and no role_arn, so it gives no credentials; add \
             sso_session (or sso_start_url), sso_account_id and sso_role_name to it, or \
             point source_profile at an SSO profile"
        };
        ConfigError::RoleChainRoot {
            profile: section.name().to_owned(),
            chain: arrow(visited).into(),
            path: self.path_of(section.file()).to_path_buf(),
            reason: reason.to_owned(),
        }
    }

    /// The STS endpoint for the selected profile `top`.
    fn sts_endpoint(
        &self,
        top: Option<&Section>,
        root_region: Option<&str>,
        env: &Env,
        warnings: &mut Vec<String>,
    ) -> Result<StsEndpoint, ConfigError> {
        let (region, location) = match ["AWS_REGION", "AWS_DEFAULT_REGION"].iter().find_map(|v| {
            env.get_non_empty(v)
                .map(|r| (r, format!("environment variable {v}")))
        }) {
            Some(found) => (Some(found.0), found.1),
            None => match top.and_then(|s| value(s, "region").map(|p| (s, p))) {
                Some((s, p)) => (Some(p.value().to_owned()), self.location(s, "region")),
                // Where botocore would fall back to the global endpoint, the SSO
                // profile's own region: its STS is closer, and regional.
                None => (
                    root_region.map(str::to_owned),
                    "the region of the SSO profile that starts the chain".to_owned(),
                ),
            },
        };
        if let Some(r) = &region {
            validate_region(r).map_err(|e| ConfigError::InvalidValue {
                key: "region".to_owned(),
                value: r.clone(),
                location: location.clone(),
                reason: e.reason().to_owned(),
            })?;
        }
        let legacy = match env.get_non_empty("AWS_STS_REGIONAL_ENDPOINTS") {
            Some(v) => parse_regional(&v, || {
                "environment variable AWS_STS_REGIONAL_ENDPOINTS".to_owned()
            })?,
            None => match top.and_then(|s| value(s, "sts_regional_endpoints").map(|p| (s, p))) {
                Some((s, p)) => {
                    parse_regional(p.value(), || self.location(s, "sts_regional_endpoints"))?
                }
                None => false,
            },
        };
        let signing_region = region.clone().unwrap_or_else(|| "us-east-1".to_owned());
        let ignore = self.bool_setting(
            top,
            env,
            "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
            "ignore_configured_endpoint_urls",
        )?;
        if !ignore
            && let Some((url, _)) =
                self.endpoint_override(top, env, "AWS_ENDPOINT_URL_STS", "sts", warnings)?
        {
            return Ok(StsEndpoint {
                url,
                signing_region,
            });
        }
        let fips = self.bool_setting(top, env, "AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint")?;
        let dualstack = self.bool_setting(
            top,
            env,
            "AWS_USE_DUALSTACK_ENDPOINT",
            "use_dualstack_endpoint",
        )?;
        if fips || dualstack {
            // The rule set has no global FIPS or dual-stack endpoint: the regional one
            // (us-east-1 for the global region).
            let r = match region.as_deref() {
                None | Some("aws-global") => "us-east-1",
                Some(r) => r,
            };
            return Ok(StsEndpoint {
                url: sts_endpoint(r, fips, dualstack),
                signing_region: r.to_owned(),
            });
        }
        let url = match region.as_deref() {
            None => "https://sts.amazonaws.com".to_owned(),
            Some(r) if legacy && LEGACY_GLOBAL_REGIONS.contains(&r) => {
                return Ok(StsEndpoint {
                    url: "https://sts.amazonaws.com".to_owned(),
                    signing_region: "us-east-1".to_owned(),
                });
            }
            Some("aws-global") => "https://sts.amazonaws.com".to_owned(),
            Some(r) => sts_endpoint(r, false, false),
        };
        let signing_region = if signing_region == "aws-global" {
            "us-east-1".to_owned()
        } else {
            signing_region
        };
        Ok(StsEndpoint {
            url,
            signing_region,
        })
    }
}

fn parse_regional(v: &str, location: impl FnOnce() -> String) -> Result<bool, ConfigError> {
    if v.eq_ignore_ascii_case("legacy") {
        Ok(true)
    } else if v.eq_ignore_ascii_case("regional") {
        Ok(false)
    } else {
        Err(ConfigError::InvalidValue {
            key: "sts_regional_endpoints".to_owned(),
            value: v.to_owned(),
            location: location(),
            reason: "expected regional or legacy".to_owned(),
        })
    }
}

/// `arn:<partition>:iam::<account>:role/<name>` (loosely: six `:`-parts, service
/// `iam`, a resource starting with `role/`).
fn is_role_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    matches!(parts.as_slice(), ["arn", partition, "iam", "", account, resource]
        if !partition.is_empty()
            && !account.is_empty()
            && resource.strip_prefix("role/").is_some_and(|n| !n.is_empty())
            && !arn.chars().any(char::is_whitespace))
}

#[cfg(test)]
mod tests;
