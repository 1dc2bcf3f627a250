//! The peer of `benches/first_calls.py`: what a Rust program on `aws-config` does for
//! its first credentials — load the shared config for a profile and ask the default
//! credentials chain once (for an SSO profile, aws-config's `SsoCredentialsProvider`:
//! it reads the SSO token file and calls GetRoleCredentials). One process, one call,
//! as a `credential_process` or a short-lived tool would.
//!
//! ```sh
//! cargo build --release --example aws_config_credentials -p ssokit
//! AWS_ENDPOINT_URL_SSO=http://127.0.0.1:PORT target/release/examples/aws_config_credentials dev
//! ```

#![allow(clippy::print_stdout, clippy::print_stderr)] // a command-line program

use std::process::ExitCode;

use aws_config::BehaviorVersion;
use aws_credential_types::provider::ProvideCredentials;

#[tokio::main]
async fn main() -> ExitCode {
    let profile = std::env::args().nth(1).unwrap_or_else(|| "default".into());
    let config = aws_config::defaults(BehaviorVersion::latest())
        .profile_name(&profile)
        .load()
        .await;
    let Some(provider) = config.credentials_provider() else {
        eprintln!("no credentials provider");
        return ExitCode::FAILURE;
    };
    match provider.provide_credentials().await {
        Ok(credentials) => {
            println!("{}", credentials.access_key_id());
            ExitCode::SUCCESS
        }
        Err(e) => {
            let mut message = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(cause) = source {
                message.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
