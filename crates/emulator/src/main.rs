//! `ssokit-emulator`: a local AWS IAM Identity Center for tests and demos.
//!
//! Prints the base URL on the first line of standard output once it listens, then
//! serves until interrupted (Ctrl-C or SIGTERM).

use std::io::Write;
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use ssokit_emulator::{Emulator, EmulatorConfig, HomeOptions, TlsIdentity};

/// A local AWS IAM Identity Center (SSO OIDC and the SSO portal) for tests and demos.
///
/// Point clients at the printed URL with AWS_ENDPOINT_URL_SSO_OIDC and
/// AWS_ENDPOINT_URL_SSO. The device verification page is <URL>/device; the admin
/// endpoint is <URL>/_emulator/ (requests, faults, approve, sessions).
#[derive(Debug, Parser)]
#[command(name = "ssokit-emulator", version)]
struct Args {
    /// The port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// A TOML file with [[accounts]] (id, name, email, roles) and optional [settings];
    /// without it, the default organisation (dev, staging, prod).
    #[arg(long, value_name = "FILE")]
    accounts: Option<PathBuf>,
    /// Write an AWS home for this emulator into DIR (DIR/.aws/config with the
    /// sso-session `emulator` and a profile per role: default, <account name>,
    /// <account name>-<role>) and print the variables to set on standard error.
    #[arg(long, value_name = "DIR")]
    home: Option<PathBuf>,
    /// Approve device codes by themselves on poll N+1 (0: the first poll), and PKCE
    /// authorizations at once.
    #[arg(long, value_name = "N")]
    auto_approve: Option<u32>,
    /// Access-token lifetime in seconds.
    #[arg(long, value_name = "SECS")]
    token_lifetime: Option<u64>,
    /// Session lifetime in seconds (refresh works until it ends).
    #[arg(long, value_name = "SECS")]
    session_lifetime: Option<u64>,
    /// Role-credentials lifetime in seconds.
    #[arg(long, value_name = "SECS")]
    credentials_lifetime: Option<u64>,
    /// Device-code lifetime in seconds.
    #[arg(long, value_name = "SECS")]
    device_code_lifetime: Option<u64>,
    /// Device-flow poll interval in seconds.
    #[arg(long, value_name = "SECS")]
    poll_interval: Option<u64>,
    /// Serve HTTPS with this PEM certificate chain (needs --tls-key); clients trust
    /// its CA with AWS_CA_BUNDLE.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
}

impl Args {
    fn config(&self) -> Result<EmulatorConfig, String> {
        let mut config = match &self.accounts {
            Some(path) => EmulatorConfig::from_file(path).map_err(|e| e.to_string())?,
            None => EmulatorConfig::default(),
        };
        config.host = self.host;
        config.port = self.port;
        let secs = Duration::from_secs;
        if let Some(n) = self.auto_approve {
            config.auto_approve_after_polls = Some(n);
        }
        if let Some(s) = self.token_lifetime {
            config.token_lifetime = secs(s);
        }
        if let Some(s) = self.session_lifetime {
            config.session_lifetime = secs(s);
        }
        if let Some(s) = self.credentials_lifetime {
            config.credentials_lifetime = secs(s);
        }
        if let Some(s) = self.device_code_lifetime {
            config.device_code_lifetime = secs(s);
        }
        if let Some(s) = self.poll_interval {
            config.poll_interval_secs = s;
        }
        if let (Some(cert), Some(key)) = (&self.tls_cert, &self.tls_key) {
            let read = |path: &PathBuf| {
                std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))
            };
            config.tls = Some(TlsIdentity {
                cert_chain_pem: read(cert)?,
                key_pem: read(key)?,
            });
        }
        config.validate().map_err(|e| e.to_string())?;
        Ok(config)
    }
}

/// Waits for Ctrl-C or, on Unix, SIGTERM.
async fn interrupted() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

#[allow(clippy::print_stdout, clippy::print_stderr)]
async fn run(args: Args) -> Result<(), String> {
    let config = args.config()?;
    let emulator = Emulator::new(config)
        .start()
        .await
        .map_err(|e| e.to_string())?;
    // Written before the URL is printed: once the URL is out, the home is ready.
    let home = match &args.home {
        Some(dir) => Some(
            emulator
                .write_home(dir, &HomeOptions::default())
                .map_err(|e| format!("cannot write the AWS home {}: {e}", dir.display()))?,
        ),
        None => None,
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", emulator.url()).map_err(|e| e.to_string())?;
    out.flush().map_err(|e| e.to_string())?;
    drop(out);
    eprintln!(
        "ssokit-emulator: serving SSO OIDC and the SSO portal at {url}\n\
         ssokit-emulator: device verification page {url}/device, request log {url}/_emulator/requests\n\
         ssokit-emulator: Ctrl-C to stop",
        url = emulator.url()
    );
    if let Some(home) = home {
        let names: Vec<&str> = home.profiles.iter().map(|p| p.name.as_str()).collect();
        eprintln!(
            "ssokit-emulator: AWS home {} with the profiles {}; to use it:",
            home.dir.display(),
            names.join(", ")
        );
        for (name, value) in &home.env {
            eprintln!("export {name}='{}'", value.replace('\'', r"'\''"));
        }
    }
    interrupted().await;
    emulator.shutdown().await.map_err(|e| e.to_string())
}

#[tokio::main]
#[allow(clippy::print_stderr)]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ssokit-emulator: {e}");
            ExitCode::FAILURE
        }
    }
}
