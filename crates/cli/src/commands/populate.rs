//! `ssokit configure populate`: a profile for every account and role, written into
//! the config file between marker comments.

use ssokit::client::HttpSettings;
use ssokit::config::ConfigFiles;
use ssokit::env::Env;
use ssokit::populate::{
    DEFAULT_CONCURRENCY, RenderOptions, apply_block, list_assignments, names_outside_block,
    patient_retry, render_block, write_config,
};
use ssokit::{Selector, Sso};

use crate::cli::PopulateArgs;
use crate::exit::{CmdResult, Outcome};
use crate::output::print;
use crate::ui::note;

pub(crate) async fn run(args: &PopulateArgs) -> CmdResult {
    let env = Env::process();
    let selector = Selector {
        profile: None,
        sso_session: Some(args.sso_session.clone()),
        config_file: args.config_file.clone(),
    };
    let sso = Sso::resolve(&selector, &env)?;
    let settings = HttpSettings::for_session(sso.session()).retry(patient_retry());
    let sso = sso.with_http_settings(settings)?;
    let assignments = list_assignments(&sso, DEFAULT_CONCURRENCY).await?;

    let path = match &args.config_file {
        Some(path) => path.clone(),
        None => ConfigFiles::from_env(&env)?.config,
    };
    let existing = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            return Err(ssokit::cache::CacheError::Io {
                action: "read",
                path,
                source: e,
            }
            .into());
        }
    };
    let options = RenderOptions {
        sso_session: args.sso_session.clone(),
        name_template: args.name_template.clone(),
        region: args.region.clone(),
    };
    let taken = names_outside_block(&existing, &args.sso_session);
    let (block, names) = render_block(&assignments, &options, &taken);
    let updated = apply_block(&existing, &args.sso_session, &block);
    if args.dry_run {
        print(&updated);
        return Ok(Outcome::Success);
    }
    let written = write_config(&path, &updated)?;
    note(&format!(
        "Wrote {} profile(s) for {} account(s) to {}.",
        names.len(),
        assignments.len(),
        written.display()
    ));
    Ok(Outcome::Success)
}
