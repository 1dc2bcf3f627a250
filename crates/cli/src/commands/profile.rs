//! `ssokit profile` and `ssokit profiles`.

use std::fmt::Write as _;

use ssokit::env::Env;
use ssokit::profile::{ProfileDescription, ProfileQuery, describe_profile, load_config};

use crate::cli::{ConfigArgs, ProfileArgs};
use crate::exit::{CmdResult, Outcome};
use crate::output::{print, print_json};

/// The text form of `ssokit profile` (the JSON form is the description itself).
fn text(p: &ProfileDescription) -> String {
    let mut out = format!("[profile {}]\n", p.name);
    let mut row = |label: &str, value: &str| {
        let _ = writeln!(out, "  {label:<22} {value}");
    };
    match &p.session_name {
        Some(session) => row("sso-session", session),
        None => row(
            "sso-session",
            "(legacy profile: the token is keyed by the start URL)",
        ),
    }
    row("start URL", &p.start_url);
    row("SSO region", &p.sso_region);
    if let Some(scopes) = &p.scopes {
        row("registration scopes", &scopes.join(", "));
    }
    match (&p.account_id, &p.role_name) {
        (Some(account), Some(role)) => {
            row("account", account);
            row("role", role);
        }
        _ => row(
            "credentials",
            "none (token-only profile: a bearer token, no AWS keys)",
        ),
    }
    if let Some(region) = &p.region {
        row("region", region);
    }
    row("OIDC endpoint", &p.oidc_endpoint);
    row("portal endpoint", &p.portal_endpoint);
    let files = [
        ("token cache", &p.token_cache_path),
        ("registration cache", &p.registration_cache_path),
        ("role credentials cache", &p.role_cache_path),
    ];
    for (label, path) in files {
        if let Some(path) = path {
            row(label, &path.display().to_string());
        }
    }
    for warning in &p.warnings {
        let _ = writeln!(out, "  warning: {warning}");
    }
    out
}

/// `ssokit profile`: resolve one profile and show it.
pub(crate) fn run(args: &ProfileArgs) -> CmdResult {
    let query = ProfileQuery::default()
        .with_profile(args.profile.clone())
        .with_config_file(args.config.config_file.clone());
    let profile = describe_profile(&query, &Env::process())?;
    if args.config.json {
        print_json(&profile);
    } else {
        print(&text(&profile));
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
