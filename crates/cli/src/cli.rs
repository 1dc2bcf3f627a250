//! Every command-line argument of `ssokit`, in one place.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// AWS IAM Identity Center (AWS SSO) login and credentials, sharing the AWS CLI's caches.
#[derive(Debug, Parser)]
#[command(name = "ssokit", version, about, propagate_version = true)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Resolve an SSO profile and show its session, role, endpoints and cache files.
    Profile(ProfileArgs),
    /// List the profiles in the AWS config and credentials files.
    Profiles(ConfigArgs),
}

/// Where the AWS config file is.
#[derive(Debug, Args)]
pub(crate) struct ConfigArgs {
    /// The AWS config file [default: $AWS_CONFIG_FILE, else ~/.aws/config].
    #[arg(long, value_name = "PATH")]
    pub(crate) config_file: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub(crate) json: bool,
}

/// Which profile to resolve.
#[derive(Debug, Args)]
pub(crate) struct ProfileArgs {
    /// The profile [default: $AWS_PROFILE, else "default"].
    #[arg(long, value_name = "NAME")]
    pub(crate) profile: Option<String>,
    #[command(flatten)]
    pub(crate) config: ConfigArgs,
}
