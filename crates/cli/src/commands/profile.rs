//! `ssokit profile` and `ssokit profiles`.

use std::fmt::Write as _;
use std::path::PathBuf;

use serde::Serialize;
use ssokit::cache::CacheDirs;
use ssokit::config::SsoProfile;
use ssokit::env::Env;
use ssokit::profile::{CachePaths, ProfileQuery, cache_paths, load_config, resolve_profile};

use crate::cli::{ConfigArgs, ProfileArgs};
use crate::exit::{CmdResult, Outcome};
use crate::output::{print, print_json};

#[derive(Serialize)]
struct ProfileView<'a> {
    profile: &'a str,
    sso_session: Option<&'a str>,
    sso_start_url: &'a str,
    sso_region: &'a str,
    sso_registration_scopes: Option<&'a [String]>,
    sso_account_id: Option<&'a str>,
    sso_role_name: Option<&'a str>,
    region: Option<&'a str>,
    oidc_endpoint: &'a str,
    portal_endpoint: &'a str,
    token_cache_file: Option<&'a PathBuf>,
    registration_cache_file: Option<&'a PathBuf>,
    role_cache_file: Option<&'a PathBuf>,
    warnings: &'a [String],
}

impl<'a> ProfileView<'a> {
    fn new(p: &'a SsoProfile, paths: Option<&'a CachePaths>) -> Self {
        Self {
            profile: &p.name,
            sso_session: p.session.name.as_deref(),
            sso_start_url: &p.session.start_url,
            sso_region: &p.session.region,
            sso_registration_scopes: p.session.scopes.as_deref(),
            sso_account_id: p.account_id.as_deref(),
            sso_role_name: p.role_name.as_deref(),
            region: p.region.as_deref(),
            oidc_endpoint: &p.session.endpoints.oidc,
            portal_endpoint: &p.session.endpoints.portal,
            token_cache_file: paths.map(|c| &c.token),
            registration_cache_file: paths.map(|c| &c.registration),
            role_cache_file: paths.and_then(|c| c.role_credentials.as_ref()),
            warnings: &p.warnings,
        }
    }

    fn text(&self) -> String {
        let mut out = format!("[profile {}]\n", self.profile);
        let mut row = |label: &str, value: &str| {
            let _ = writeln!(out, "  {label:<22} {value}");
        };
        match self.sso_session {
            Some(session) => row("sso-session", session),
            None => row(
                "sso-session",
                "(legacy profile: the token is keyed by the start URL)",
            ),
        }
        row("start URL", self.sso_start_url);
        row("SSO region", self.sso_region);
        if let Some(scopes) = self.sso_registration_scopes {
            row("registration scopes", &scopes.join(", "));
        }
        match (self.sso_account_id, self.sso_role_name) {
            (Some(account), Some(role)) => {
                row("account", account);
                row("role", role);
            }
            _ => row(
                "credentials",
                "none (token-only profile: a bearer token, no AWS keys)",
            ),
        }
        if let Some(region) = self.region {
            row("region", region);
        }
        row("OIDC endpoint", self.oidc_endpoint);
        row("portal endpoint", self.portal_endpoint);
        let show = |p: Option<&PathBuf>| p.map(|p| p.display().to_string());
        if let Some(path) = show(self.token_cache_file) {
            row("token cache", &path);
        }
        if let Some(path) = show(self.registration_cache_file) {
            row("registration cache", &path);
        }
        if let Some(path) = show(self.role_cache_file) {
            row("role credentials cache", &path);
        }
        for warning in self.warnings {
            let _ = writeln!(out, "  warning: {warning}");
        }
        out
    }
}

/// `ssokit profile`: resolve one profile and show it.
pub(crate) fn run(args: &ProfileArgs) -> CmdResult {
    let env = Env::process();
    let query = ProfileQuery {
        profile: args.profile.clone(),
        config_file: args.config.config_file.clone(),
    };
    let profile = resolve_profile(&query, &env)?;
    let paths = CacheDirs::from_env(&env)
        .ok()
        .map(|dirs| cache_paths(&profile, &dirs));
    let view = ProfileView::new(&profile, paths.as_ref());
    if args.config.json {
        print_json(&view);
    } else {
        print(&view.text());
    }
    Ok(Outcome::Success)
}

/// `ssokit profiles`: list the profile names.
pub(crate) fn list(args: &ConfigArgs) -> CmdResult {
    let config = load_config(args.config_file.as_deref(), &Env::process())?;
    let names = config.profile_names();
    if args.json {
        print_json(&names);
    } else {
        let mut out = String::new();
        for name in names {
            out.push_str(&name);
            out.push('\n');
        }
        print(&out);
    }
    Ok(Outcome::Success)
}
