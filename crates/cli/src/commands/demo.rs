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
use ssokit_emulator::{Emulator, sample_accounts};

use crate::exit::{CmdResult, Outcome};
use crate::output::print;

const START_URL: &str = "https://d-0000000000.awsapps.com/start";

fn internal(what: &str, e: impl std::fmt::Display) -> ssokit::Error {
    ssokit::Error::Internal(format!("demo: {what}: {e}"))
}

pub(crate) async fn run() -> CmdResult {
    let home = tempfile::Builder::new()
        .prefix("ssokit-demo-")
        .tempdir()
        .map_err(|e| internal("cannot create a temporary home", e))?;
    let emulator = Emulator::builder()
        .accounts(sample_accounts())
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

    let aws = home.path().join(".aws");
    std::fs::create_dir_all(&aws).map_err(|e| internal("cannot create .aws", e))?;
    let accounts = sample_accounts();
    let first = &accounts[0];
    let config = format!(
        "[profile demo]\nsso_session = demo\nsso_account_id = {}\nsso_role_name = {}\nregion = eu-west-1\n\n\
         [sso-session demo]\nsso_start_url = {START_URL}\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n",
        first.id, first.roles[0]
    );
    std::fs::write(aws.join("config"), &config)
        .map_err(|e| internal("cannot write the config", e))?;
    print(&format!(
        "1. The AWS config file ({}):\n\n{config}\n",
        aws.join("config").display()
    ));

    let home_str = home.path().to_string_lossy().into_owned();
    let env = Env::from_vars([
        ("HOME", home_str.as_str()),
        ("AWS_ENDPOINT_URL_SSO", url.as_str()),
        ("AWS_ENDPOINT_URL_SSO_OIDC", url.as_str()),
    ]);
    let selector = Selector {
        profile: Some("demo".into()),
        ..Selector::default()
    };
    let sso = Sso::resolve(&selector, &env)?;

    print("2. ssokit login --profile demo (device-code flow):\n\n");
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
        "   Successfully logged into Start URL: {START_URL} (token expires at {})\n\n",
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

    print("4. ssokit credentials --profile demo (what credential_process prints):\n\n");
    let credentials = sso.credentials_provider()?.credentials().await?;
    print(&export_credentials(
        &from_sdk_credentials(&credentials),
        ExportFormat::Process,
    )?);

    let token_file = sso.caches().tokens().path("demo");
    let keys: Vec<String> = read_json_object(&token_file)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    print(&format!(
        "\n5. The token is in the AWS CLI's cache, where `aws`, boto3 and every AWS SDK read it:\n   {}\n   keys: {}\n\n\
         Done. With a real Identity Center, put your start URL in ~/.aws/config and run\n   cargo run -p ssokit-cli -- login --profile <your profile>\n",
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
