//! `ssokit configure populate`: a profile for every account and role, written into
//! the config file between marker comments (see `ssokit::populate`).

use ssokit::config::ConfigFiles;
use ssokit::env::Env;
use ssokit::populate::{RenderOptions, populate};
use ssokit::{Selector, Sso};

use crate::cli::PopulateArgs;
use crate::exit::{CmdResult, Outcome};
use crate::output::print;
use crate::ui::note;

pub(crate) async fn run(args: &PopulateArgs) -> CmdResult {
    let env = Env::process();
    let selector = Selector::default()
        .with_profile(None)
        .with_sso_session(Some(args.sso_session.clone()))
        .with_config_file(args.config_file.clone());
    let sso = Sso::resolve(&selector, &env)?;
    let path = match &args.config_file {
        Some(path) => path.clone(),
        None => ConfigFiles::from_env(&env)?.config,
    };
    let options = RenderOptions {
        sso_session: args.sso_session.clone(),
        name_template: args.name_template.clone(),
        region: args.region.clone(),
    };
    let done = populate(&sso, &path, &options, args.dry_run).await?;
    match &done.written {
        None => print(&done.text),
        Some(written) => note(&format!(
            "Wrote {} profile(s) for {} account(s) to {}.",
            done.names.len(),
            done.accounts,
            written.display()
        )),
    }
    Ok(Outcome::Success)
}
