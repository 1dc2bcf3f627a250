//! `ssokit login`: always a new token, like `aws sso login`; one device code however
//! many ssokit processes log in at once.

use std::time::Duration;

use ssokit::auth::login::{CancelToken, DevicePrompt, LoginOptions};
use ssokit::time::format_timestamp;

use crate::cli::LoginArgs;
use crate::exit::{CmdResult, Outcome};
use crate::ui::{DevicePromptUi, note};

pub(crate) async fn run(args: &LoginArgs) -> CmdResult {
    let sso = super::resolve(&args.target)?;
    if !args.use_device_code {
        tracing::debug!("using the device-code flow (the only flow ssokit has so far)");
    }
    let cancel = CancelToken::new();
    let on_ctrl_c = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_ctrl_c.cancel();
        }
    });
    let ui = DevicePromptUi::new(!args.no_browser);
    let prompt = |p: &DevicePrompt| ui.show(p);
    let options = LoginOptions {
        force: true,
        timeout: args.timeout.map(Duration::from_secs),
        cancel: Some(cancel),
        client_name: None,
    };
    let result = sso.login(&prompt, &options).await;
    ui.spinner.stop();
    let token = result?;
    let session = sso.session();
    let what = match &session.name {
        Some(name) => format!("sso-session \"{name}\""),
        None => "legacy profile".to_owned(),
    };
    note(&format!(
        "Successfully logged into Start URL: {}\n({what}; the token expires at {})",
        session.start_url,
        format_timestamp(token.expires_at)
    ));
    Ok(Outcome::Success)
}
