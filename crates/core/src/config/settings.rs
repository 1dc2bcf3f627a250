//! The settings around a session: its OIDC and portal endpoints (the defaults of its
//! region, FIPS and dual-stack, and the endpoint URLs configured in the environment,
//! a `[services]` section or the profile) and its CA bundle.

use std::path::PathBuf;

use super::AwsConfig;
use super::aws_config::value;
use super::endpoints::{Endpoints, default_endpoints};
use super::error::ConfigError;
use super::index::Section;
use super::selection::selected_profile_name;
use super::validate::{EndpointProblem, check_endpoint_url};
use crate::env::Env;

impl AwsConfig {
    /// The OIDC and portal endpoints for an Identity Center `region` (validated), with
    /// the overrides of the environment and of the selected profile applied — what a
    /// token file's `region` needs to reach its portal (for example to log out).
    pub(crate) fn endpoints_for_region(
        &self,
        region: &str,
        env: &Env,
    ) -> Result<Endpoints, ConfigError> {
        super::validate_region(region).map_err(|e| ConfigError::InvalidValue {
            key: "sso_region".to_owned(),
            value: region.to_owned(),
            location: "a token cache file".to_owned(),
            reason: e.reason().to_owned(),
        })?;
        let profile = self.profile(&selected_profile_name(None, env));
        let mut warnings = Vec::new();
        let endpoints = self.endpoints(profile, region, env, &mut warnings)?;
        for warning in &warnings {
            tracing::warn!("{warning}");
        }
        Ok(endpoints)
    }

    /// Resolves the endpoints: overrides first (unless disabled), then the defaults.
    pub(super) fn endpoints(
        &self,
        profile: Option<&Section>,
        region: &str,
        env: &Env,
        warnings: &mut Vec<String>,
    ) -> Result<Endpoints, ConfigError> {
        let fips = self.bool_setting(profile, env, "AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint")?;
        let dualstack = self.bool_setting(
            profile,
            env,
            "AWS_USE_DUALSTACK_ENDPOINT",
            "use_dualstack_endpoint",
        )?;
        let ignore = self.bool_setting(
            profile,
            env,
            "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
            "ignore_configured_endpoint_urls",
        )?;
        let defaults = default_endpoints(region, fips, dualstack);
        if ignore {
            return Ok(defaults);
        }
        let oidc = self.endpoint_override(
            profile,
            env,
            "AWS_ENDPOINT_URL_SSO_OIDC",
            "sso_oidc",
            warnings,
        )?;
        let portal =
            self.endpoint_override(profile, env, "AWS_ENDPOINT_URL_SSO", "sso", warnings)?;
        for (_, location) in [&oidc, &portal].into_iter().flatten() {
            if fips {
                return Err(ConfigError::EndpointConflict {
                    setting: "FIPS",
                    location: location.clone(),
                });
            }
            if dualstack {
                return Err(ConfigError::EndpointConflict {
                    setting: "dual-stack",
                    location: location.clone(),
                });
            }
        }
        Ok(Endpoints {
            oidc: oidc.map_or(defaults.oidc, |(url, _)| url),
            portal: portal.map_or(defaults.portal, |(url, _)| url),
        })
    }

    /// The first configured endpoint for a service, validated, with where it came
    /// from.
    pub(super) fn endpoint_override(
        &self,
        profile: Option<&Section>,
        env: &Env,
        service_variable: &str,
        service_key: &str,
        warnings: &mut Vec<String>,
    ) -> Result<Option<(String, String)>, ConfigError> {
        for variable in [service_variable, "AWS_ENDPOINT_URL"] {
            if let Some(url) = env.get_non_empty(variable) {
                let location = format!("environment variable {variable}");
                return checked_endpoint(variable, &url, location).map(Some);
            }
        }
        let Some(profile) = profile else {
            return Ok(None);
        };
        if let Some(services) = value(profile, "services") {
            match self.services(services.value()) {
                Some(section) => {
                    if let Some(p) = section.get(service_key)
                        && let Some(url) = p.sub_property("endpoint_url")
                    {
                        let location = format!(
                            "{service_key} endpoint_url in {} in {} line {}",
                            section.header(),
                            self.config_path().display(),
                            p.line()
                        );
                        return checked_endpoint("endpoint_url", url, location).map(Some);
                    }
                }
                None => {
                    let warning = format!(
                        "{} in {} has services = {} but there is no [services {}] section; \
                         no endpoint is taken from it",
                        profile.header(),
                        self.config_path().display(),
                        services.value(),
                        services.value()
                    );
                    if !warnings.contains(&warning) {
                        warnings.push(warning);
                    }
                }
            }
        }
        if let Some(p) = value(profile, "endpoint_url") {
            let location = self.location(profile, "endpoint_url");
            return checked_endpoint("endpoint_url", p.value(), location).map(Some);
        }
        Ok(None)
    }

    /// A boolean from the environment, else the profile, else `false`.
    pub(super) fn bool_setting(
        &self,
        profile: Option<&Section>,
        env: &Env,
        variable: &str,
        key: &str,
    ) -> Result<bool, ConfigError> {
        let bad = |v: &str, location: String| ConfigError::InvalidValue {
            key: key.to_owned(),
            value: v.to_owned(),
            location,
            reason: "expected true or false".to_owned(),
        };
        if let Some(v) = env.get_non_empty(variable) {
            return parse_bool(&v)
                .ok_or_else(|| bad(&v, format!("environment variable {variable}")));
        }
        match profile.and_then(|p| value(p, key).map(|v| (p, v))) {
            Some((section, p)) => {
                parse_bool(p.value()).ok_or_else(|| bad(p.value(), self.location(section, key)))
            }
            None => Ok(false),
        }
    }
}

pub(super) fn parse_bool(v: &str) -> Option<bool> {
    if v.eq_ignore_ascii_case("true") {
        Some(true)
    } else if v.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

pub(super) fn ca_bundle(profile: Option<&Section>, env: &Env) -> Option<PathBuf> {
    env.get_non_empty("AWS_CA_BUNDLE")
        .or_else(|| {
            profile
                .and_then(|p| value(p, "ca_bundle"))
                .map(|p| p.value().to_owned())
        })
        .map(PathBuf::from)
}

fn checked_endpoint(
    key: &str,
    url: &str,
    location: String,
) -> Result<(String, String), ConfigError> {
    match check_endpoint_url(url) {
        Ok(url) => Ok((url, location)),
        Err(EndpointProblem::Insecure) => Err(ConfigError::InsecureEndpoint {
            url: url.to_owned(),
            location,
        }),
        Err(EndpointProblem::Invalid(e)) => Err(ConfigError::InvalidValue {
            key: key.to_owned(),
            value: url.to_owned(),
            location,
            reason: e.to_string(),
        }),
    }
}
