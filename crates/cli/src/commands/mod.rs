//! One module per subcommand.

pub(crate) mod accounts;
pub(crate) mod completions;
pub(crate) mod console;
pub(crate) mod credentials;
pub(crate) mod demo;
pub(crate) mod exec;
pub(crate) mod login;
pub(crate) mod logout;
pub(crate) mod populate;
pub(crate) mod profile;
pub(crate) mod serve;
pub(crate) mod status;

use ssokit::env::Env;
use ssokit::{Selector, Sso};

use crate::cli::TargetArgs;

/// Resolves `--profile` / `--sso-session` / `--config-file`.
pub(crate) fn resolve(target: &TargetArgs) -> Result<Sso, ssokit::Error> {
    Sso::resolve(&selector(target), &Env::process())
}

pub(crate) fn selector(target: &TargetArgs) -> Selector {
    Selector::default()
        .with_profile(target.profile.clone())
        .with_sso_session(target.sso_session.clone())
        .with_config_file(target.config_file.clone())
}
