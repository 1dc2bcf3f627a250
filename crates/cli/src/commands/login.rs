//! `ssokit login`: always a new token, like `aws sso login`; one browser window or
//! device code however many ssokit processes log in at once.

use std::sync::Arc;
use std::time::Duration;

use ssokit::auth::flow::{Flow, FlowRequest};
use ssokit::auth::login::{CancelToken, LoginOptions};
use ssokit::env::Env;
use ssokit::time::format_timestamp;

use crate::cli::LoginArgs;
use crate::exit::{CmdResult, Outcome};
use crate::ui::{PromptUi, note};

/// The flow the flags ask for (`--use-pkce`, `--use-device-code`; clap lets only one
/// be given), else `auto`.
fn requested(args: &LoginArgs) -> FlowRequest {
    if args.use_pkce {
        FlowRequest::Only(Flow::Pkce)
    } else if args.use_device_code {
        FlowRequest::Only(Flow::DeviceCode)
    } else {
        FlowRequest::Auto
    }
}

pub(crate) async fn run(args: &LoginArgs) -> CmdResult {
    let sso = super::resolve(&args.target)?;
    let env = Env::process();
    let choice = sso.choose_flow(requested(args), &env)?;
    note(&format!(
        "Using the {} flow: {}.",
        choice.flow, choice.reason
    ));

    let cancel = CancelToken::new();
    let on_ctrl_c = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_ctrl_c.cancel();
        }
    });
    let options = LoginOptions::default()
        .with_force(true)
        .with_timeout(args.timeout.map(Duration::from_secs))
        .with_cancel(Some(cancel));
    let ui = Arc::new(PromptUi::on_stderr());
    let prompter = sso.prompter(ui.clone(), !args.no_browser, env);
    let result = sso
        .login_with_flow(choice.flow, &prompter, &prompter, &options)
        .await;
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
