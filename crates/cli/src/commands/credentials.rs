//! `ssokit credentials`: the fastest `credential_process` there is.
//!
//! Fast path: the role credentials in the AWS CLI's cache (`~/.aws/cli/cache`), while
//! more than 15 minutes remain — one config parse and one small file read, no runtime
//! and no HTTP client. Otherwise the credentials provider refreshes the token under
//! the lock if needed and calls GetRoleCredentials once for all waiting processes.
//! Never prompts, never opens a browser, unless `--login` is given. With `--login`
//! the device code goes to stderr when it is a terminal, else to the controlling
//! terminal (`credential_process` callers capture stderr); with neither, a needed
//! login is refused at once.

use std::sync::Arc;

use ssokit::auth::login::LoginOptions;
use ssokit::env::Env;
use ssokit::export::{ExportFormat, export_credentials, from_sdk_credentials};
use ssokit::sso::resolve_cached;
use ssokit::time::{Clock, SystemClock};
use ssokit::{Error, Selector, Sso};

use crate::cli::{CredentialsArgs, Format};
use crate::exit::{CmdResult, Outcome};
use crate::output::print;
use crate::ui::{PromptSink, PromptUi};

fn format(f: Format) -> ExportFormat {
    match f {
        Format::Process => ExportFormat::Process,
        Format::Env => ExportFormat::Env,
        Format::EnvNoExport => ExportFormat::EnvNoExport,
        Format::Powershell => ExportFormat::Powershell,
        Format::WindowsCmd => ExportFormat::WindowsCmd,
        Format::Fish => ExportFormat::Fish,
    }
}

pub(crate) fn run(args: &CredentialsArgs) -> CmdResult {
    let env = Env::process();
    let selector = Selector::default()
        .with_profile(args.profile.clone())
        .with_sso_session(None)
        .with_config_file(args.config_file.clone());
    let (profile, caches, cached) = resolve_cached(&selector, &env, SystemClock.now())?;
    if let Some(cached) = cached {
        print(&export_credentials(&cached, format(args.format))?);
        return Ok(Outcome::Success);
    }
    // One GetRoleCredentials (and at most one refresh): no thread pool for it.
    let runtime = crate::single_thread_runtime()?;
    let credentials = runtime.block_on(async {
        let sso = Sso::for_profile(profile, caches.clone())?;
        let mut provider = sso.credentials_provider()?;
        if args.login {
            // Under credential_process stderr is captured: the code goes to the
            // terminal, or, with none, the login is refused at once instead of
            // waiting for an approval nobody can give.
            let Some(sink) = PromptSink::for_person() else {
                return provider
                    .credentials()
                    .await
                    .map_err(Error::without_terminal_for_login);
            };
            let ui = Arc::new(PromptUi::on(sink));
            let prompter = sso.prompter(ui.clone(), !args.no_browser, env.clone());
            provider =
                provider.with_auto_login(&caches, Arc::new(prompter), LoginOptions::default());
            let result = provider.credentials().await;
            ui.spinner.stop();
            result
        } else {
            provider.credentials().await
        }
    })?;
    print(&export_credentials(
        &from_sdk_credentials(&credentials),
        format(args.format),
    )?);
    Ok(Outcome::Success)
}
