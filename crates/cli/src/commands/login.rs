//! `ssokit login`: always a new token, like `aws sso login`; one browser window or
//! device code however many ssokit processes log in at once.

use std::time::Duration;

use ssokit::auth::flow::{Flow, FlowRequest};
use ssokit::auth::login::{CancelToken, DevicePrompt, LoginOptions};
use ssokit::browser::{AllowedHosts, printable};
use ssokit::env::Env;
use ssokit::time::format_timestamp;

use crate::cli::LoginArgs;
use crate::exit::{CmdResult, Outcome};
use crate::ui::{DevicePromptUi, note, open_in_browser};

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
    let choice = sso.choose_flow(requested(args), &env);
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
    let options = LoginOptions {
        force: true,
        timeout: args.timeout.map(Duration::from_secs),
        cancel: Some(cancel),
        client_name: None,
    };
    let ui = DevicePromptUi::new(!args.no_browser);
    let device = |p: &DevicePrompt| ui.show(p);
    let no_browser = args.no_browser;
    let allowed = AllowedHosts::for_session(sso.session());
    let authorize = move |url: &str| {
        let opened = !no_browser && open_in_browser(url, &allowed);
        let url = printable(url);
        if opened {
            note(&format!(
                "Opened the authorization page in your browser. If it did not open, visit:\n\n{url}\n"
            ));
        } else {
            note(&format!(
                "Open this URL in a browser on this machine and approve the request:\n\n{url}\n"
            ));
        }
    };
    let result = sso
        .login_with_flow(choice.flow, &device, &authorize, &options)
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
