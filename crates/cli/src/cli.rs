//! Every command-line argument of `ssokit`, in one place.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// AWS IAM Identity Center (AWS SSO) login and credentials, sharing the AWS CLI's caches.
#[derive(Debug, Parser)]
#[command(name = "ssokit", version, about, propagate_version = true)]
pub(crate) struct Cli {
    /// Print debug logs on stderr (they never contain tokens or keys).
    #[arg(short, long, global = true)]
    pub(crate) verbose: bool,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Log in to IAM Identity Center and cache the token (like `aws sso login`).
    Login(LoginArgs),
    /// Revoke and remove SSO tokens and cached role credentials (like `aws sso logout`).
    Logout(TargetArgs),
    /// Show every sso-session in the config: logged in, expires in, refreshable.
    Status(StatusArgs),
    /// Print AWS credentials for a profile (for `credential_process`, or a shell).
    Credentials(CredentialsArgs),
    /// Run a command with a profile's AWS credentials in its environment.
    Exec(ExecArgs),
    /// List the accounts the signed-in user may access.
    Accounts(ListArgs),
    /// List the roles the signed-in user may assume.
    Roles(RolesArgs),
    /// Serve a profile's credentials to containers and tools on 127.0.0.1 (what
    /// AWS_CONTAINER_CREDENTIALS_FULL_URI points at) until SIGINT or SIGTERM.
    Serve(ServeArgs),
    /// Open the AWS console signed in as a profile's role (or print the sign-in URL).
    Console(ConsoleArgs),
    /// Configure profiles.
    #[command(subcommand)]
    Configure(ConfigureCommand),
    /// Resolve an SSO profile and show its session, role, endpoints and cache files.
    Profile(ProfileArgs),
    /// List the profiles in the AWS config and credentials files.
    Profiles(ConfigArgs),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
    /// Try ssokit end to end against a built-in local Identity Center (no AWS
    /// account, no network, nothing written to your ~/.aws).
    Demo,
}

/// Where the AWS config file is.
#[derive(Debug, Args, Clone)]
pub(crate) struct ConfigArgs {
    /// The AWS config file [default: $AWS_CONFIG_FILE, else ~/.aws/config].
    #[arg(long, value_name = "PATH", global = true)]
    pub(crate) config_file: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub(crate) json: bool,
}

/// Which profile to resolve.
#[derive(Debug, Args)]
pub(crate) struct ProfileArgs {
    /// The profile [default: $AWS_PROFILE, else $AWS_DEFAULT_PROFILE, else "default"].
    #[arg(long, value_name = "NAME")]
    pub(crate) profile: Option<String>,
    #[command(flatten)]
    pub(crate) config: ConfigArgs,
}

/// A profile or an sso-session.
#[derive(Debug, Args, Clone)]
pub(crate) struct TargetArgs {
    /// The profile [default: $AWS_PROFILE, else $AWS_DEFAULT_PROFILE, else "default"].
    #[arg(long, value_name = "NAME", conflicts_with = "sso_session")]
    pub(crate) profile: Option<String>,
    /// An [sso-session] of the config file, instead of a profile.
    #[arg(long, value_name = "NAME")]
    pub(crate) sso_session: Option<String>,
    /// The AWS config file [default: $AWS_CONFIG_FILE, else ~/.aws/config].
    #[arg(long, value_name = "PATH")]
    pub(crate) config_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct LoginArgs {
    #[command(flatten)]
    pub(crate) target: TargetArgs,
    /// Use the device-code flow (a URL and a code, usable from any device).
    #[arg(long, conflicts_with = "use_pkce")]
    pub(crate) use_device_code: bool,
    /// Use the PKCE authorization-code flow (a local browser must reach 127.0.0.1).
    #[arg(long)]
    pub(crate) use_pkce: bool,
    /// Print the URL instead of opening a browser.
    #[arg(long)]
    pub(crate) no_browser: bool,
    /// Give up waiting for approval after this many seconds.
    #[arg(long, value_name = "SECONDS")]
    pub(crate) timeout: Option<u64>,
}

#[derive(Debug, Args)]
pub(crate) struct StatusArgs {
    /// The AWS config file [default: $AWS_CONFIG_FILE, else ~/.aws/config].
    #[arg(long, value_name = "PATH")]
    pub(crate) config_file: Option<PathBuf>,
    /// Print JSON (a stable format, see docs/cli.md).
    #[arg(long)]
    pub(crate) json: bool,
}

/// Output formats of `ssokit credentials`, as `aws configure export-credentials`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Format {
    Process,
    Env,
    EnvNoExport,
    Powershell,
    WindowsCmd,
    Fish,
}

#[derive(Debug, Args)]
pub(crate) struct CredentialsArgs {
    /// The profile [default: $AWS_PROFILE, else $AWS_DEFAULT_PROFILE, else "default"].
    #[arg(long, value_name = "NAME")]
    pub(crate) profile: Option<String>,
    /// The AWS config file [default: $AWS_CONFIG_FILE, else ~/.aws/config].
    #[arg(long, value_name = "PATH")]
    pub(crate) config_file: Option<PathBuf>,
    /// The output format.
    #[arg(long, value_enum, default_value = "process")]
    pub(crate) format: Format,
    /// Log in (device code, one login across processes) if there is no usable token,
    /// instead of failing. Prompts go to stderr.
    #[arg(long)]
    pub(crate) login: bool,
    /// With --login: print the URL instead of opening a browser.
    #[arg(long, requires = "login")]
    pub(crate) no_browser: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ConsoleArgs {
    /// The profile [default: $AWS_PROFILE, else $AWS_DEFAULT_PROFILE, else "default"].
    #[arg(long, value_name = "NAME")]
    pub(crate) profile: Option<String>,
    /// The AWS config file [default: $AWS_CONFIG_FILE, else ~/.aws/config].
    #[arg(long, value_name = "PATH")]
    pub(crate) config_file: Option<PathBuf>,
    /// The console page to open [default: the console home of the profile's region].
    #[arg(long, value_name = "URL")]
    pub(crate) destination: Option<String>,
    /// Print the sign-in URL on stdout instead of opening a browser (it signs in
    /// whoever opens it, for 15 minutes: keep it to yourself).
    #[arg(long)]
    pub(crate) print: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// The profile [default: $AWS_PROFILE, else $AWS_DEFAULT_PROFILE, else "default"].
    #[arg(long, value_name = "NAME")]
    pub(crate) profile: Option<String>,
    /// The AWS config file [default: $AWS_CONFIG_FILE, else ~/.aws/config].
    #[arg(long, value_name = "PATH")]
    pub(crate) config_file: Option<PathBuf>,
    /// The port on 127.0.0.1 [default: 0, any free port].
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub(crate) port: u16,
}

#[derive(Debug, Args)]
pub(crate) struct ExecArgs {
    /// The profile [default: $AWS_PROFILE, else $AWS_DEFAULT_PROFILE, else "default"].
    #[arg(long, value_name = "NAME")]
    pub(crate) profile: Option<String>,
    /// The AWS config file [default: $AWS_CONFIG_FILE, else ~/.aws/config].
    #[arg(long, value_name = "PATH")]
    pub(crate) config_file: Option<PathBuf>,
    /// The command and its arguments (after `--`).
    #[arg(last = true, required = true, value_name = "COMMAND")]
    pub(crate) command: Vec<OsString>,
}

#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    #[command(flatten)]
    pub(crate) target: TargetArgs,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct RolesArgs {
    #[command(flatten)]
    pub(crate) list: ListArgs,
    /// Only this account [default: every account].
    #[arg(long, value_name = "ID")]
    pub(crate) account_id: Option<String>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ConfigureCommand {
    /// Write a profile for every account and role into the config file.
    Populate(PopulateArgs),
}

#[derive(Debug, Args)]
pub(crate) struct PopulateArgs {
    /// The [sso-session] whose accounts and roles to write.
    #[arg(long, value_name = "NAME")]
    pub(crate) sso_session: String,
    /// A `region` for every generated profile.
    #[arg(long, value_name = "REGION")]
    pub(crate) region: Option<String>,
    /// The profile-name template: {account_name}, {account_id}, {account_email},
    /// {role_name}, {sso_session}.
    #[arg(long, value_name = "TEMPLATE", default_value = ssokit::populate::DEFAULT_NAME_TEMPLATE)]
    pub(crate) name_template: String,
    /// Print the new config file instead of writing it.
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// The AWS config file [default: $AWS_CONFIG_FILE, else ~/.aws/config].
    #[arg(long, value_name = "PATH")]
    pub(crate) config_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell.
    pub(crate) shell: clap_complete::Shell,
}
