//! `ssokit demo`: the whole journey against the built-in emulator, in a throw-away
//! AWS home — a real device-code login through the real client (the emulator
//! approves it as a person would in the browser), accounts and roles, role
//! credentials printed as `credential_process` prints them, and the token file the
//! AWS CLI would read.

use std::fmt::Write as _;

use ssokit::auth::login::{DevicePrompt, LoginOptions};
use ssokit::cache::read_json_object;
use ssokit::env::Env;
use ssokit::export::{ExportFormat, export_credentials, from_sdk_credentials};
use ssokit::time::format_timestamp;
use ssokit::{Selector, Sso};
use ssokit_emulator::{Emulator, HomeOptions, default_accounts};

use crate::exit::{CmdResult, Outcome};
use crate::output::print;

/// The profile the demo logs in with and gets credentials for: the default
/// organisation's first account, first role.
const PROFILE: &str = "dev";

fn internal(what: &str, e: impl std::fmt::Display) -> ssokit::Error {
    ssokit::Error::Internal(format!("demo: {what}: {e}"))
}

pub(crate) async fn run() -> CmdResult {
    let home = tempfile::Builder::new()
        .prefix("ssokit-demo-")
        .tempdir()
        .map_err(|e| internal("cannot create a temporary home", e))?;
    let emulator = Emulator::builder()
        .accounts(default_accounts())
        .poll_interval_secs(1)
        .auto_approve_after_polls(1)
        .start()
        .await
        .map_err(|e| internal("cannot start the emulator", e))?;
    let url = emulator.control().url().to_owned();
    print(&format!(
        "ssokit demo: a local IAM Identity Center is running at {url}\n\
         Throw-away AWS home: {} (removed at the end; your ~/.aws is not touched)\n\n",
        home.path().display()
    ));

    let aws_home = emulator
        .control()
        .write_home(home.path(), &HomeOptions::default())
        .map_err(|e| internal("cannot write the AWS home", e))?;
    let config = std::fs::read_to_string(&aws_home.config_file)
        .map_err(|e| internal("cannot read the config", e))?;
    print(&format!(
        "1. The AWS config file ({}), a profile for every role of the emulator's accounts:\n\n{config}\n",
        aws_home.config_file.display()
    ));

    let env = Env::from_vars(aws_home.env.clone());
    let selector = Selector::default().with_profile(Some(PROFILE.into()));
    let sso = Sso::resolve(&selector, &env)?;

    print(&format!(
        "2. ssokit login --profile {PROFILE} (device-code flow):\n\n"
    ));
    let prompt = |p: &DevicePrompt| {
        print(&format!(
            "   Open {} and enter the code {}\n   (or open {})\n   The emulator approves it after one poll, as a person would in the browser...\n",
            p.verification_uri,
            p.user_code,
            p.verification_uri_complete
                .as_deref()
                .unwrap_or(&p.verification_uri)
        ));
    };
    let token = sso.login(&prompt, &LoginOptions::default()).await?;
    print(&format!(
        "   Successfully logged into Start URL: {} (token expires at {})\n\n",
        aws_home.start_url,
        format_timestamp(token.expires_at)
    ));

    print("3. ssokit accounts / ssokit roles:\n\n");
    let mut table = String::new();
    for account in sso.list_accounts().await? {
        for role in sso.list_roles(&account.account_id).await? {
            let _ = writeln!(
                table,
                "   {}  {:<12}  {}",
                account.account_id,
                account.account_name.as_deref().unwrap_or(""),
                role.role_name
            );
        }
    }
    print(&format!("{table}\n"));

    print(&format!(
        "4. ssokit credentials --profile {PROFILE} (what credential_process prints):\n\n"
    ));
    let credentials = sso.credentials_provider()?.credentials().await?;
    print(&export_credentials(
        &from_sdk_credentials(&credentials),
        ExportFormat::Process,
    )?);

    let token_file = sso.caches().tokens().path(&aws_home.sso_session);
    let keys: Vec<String> = read_json_object(&token_file)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    print(&format!(
        "\n5. The token is in the AWS CLI's cache, where `aws`, boto3 and every AWS SDK read it:\n   {}\n   keys: {}\n\n\
         Done. With a real Identity Center, put your start URL in ~/.aws/config and run\n   ssokit login --profile <your profile>\n   (from a source checkout: cargo run -p ssokit-cli -- login --profile <your profile>)\n",
        token_file.display(),
        keys.join(", ")
    ));
    emulator
        .shutdown()
        .await
        .map_err(|e| internal("cannot stop the emulator", e))?;
    drop(home);
    Ok(Outcome::Success)
}
