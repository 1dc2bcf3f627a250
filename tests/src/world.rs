//! One emulator and one temporary AWS home that every program of a test shares.

use std::ffi::OsStr;
use std::path::Path;
use std::process::Command;

use ssokit_emulator::{
    BackgroundEmulator, Emulator, EmulatorBuilder, EmulatorHome, HomeOptions, Operation,
    default_accounts,
};

use crate::run;
use crate::tools::Node;

/// An in-process emulator with the default organisation that approves every device
/// login at its first poll, and a temporary home written for it
/// ([`EmulatorHome`]: the `emulator` sso-session and the profiles `default`, `dev`,
/// `staging-Deployer`, ...). Every program a test runs through [`World::command`]
/// sees only that home and that emulator.
#[derive(Debug)]
pub struct World {
    /// The emulator, stopped when the world is dropped.
    pub emulator: BackgroundEmulator,
    /// The home: its directory, config file and environment.
    pub home: EmulatorHome,
    _dir: tempfile::TempDir,
}

impl Default for World {
    fn default() -> Self {
        Self::new()
    }
}

impl World {
    /// Starts the emulator (approving every device login) and writes the home.
    pub fn new() -> Self {
        Self::start(Emulator::builder().auto_approve_after_polls(0))
    }

    /// Starts this emulator with the default organisation (a test that presses Allow
    /// itself starts one without automatic approval) and writes the home.
    pub fn start(builder: EmulatorBuilder) -> Self {
        let emulator = builder
            .accounts(default_accounts())
            .start_in_background()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let home = emulator
            .control()
            .write_home(dir.path().join("home"), &HomeOptions::default())
            .unwrap();
        Self {
            emulator,
            home,
            _dir: dir,
        }
    }

    /// The emulator's URL.
    pub fn url(&self) -> &str {
        self.emulator.control().url()
    }

    /// The home directory (`HOME`).
    pub fn dir(&self) -> &Path {
        &self.home.dir
    }

    /// `program` with an empty environment but `PATH` and the home's variables
    /// (`HOME`, `AWS_CONFIG_FILE`, the emulator's endpoints, ...).
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut command = Command::new(program);
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .envs(self.home.env.iter().map(|(k, v)| (k, v)));
        command
    }

    /// The `ssokit` CLI with `args`, run to its end; its standard output.
    pub fn ssokit(&self, args: &[&str]) -> String {
        run::success(self.command(run::cargo_bin("ssokit")).args(args))
    }

    /// `ssokit login --profile dev` with the device code (the emulator approves it).
    pub fn cli_login(&self) {
        let args = "login --profile dev --use-device-code --no-browser --timeout 60";
        self.ssokit(&args.split(' ').collect::<Vec<_>>());
    }

    /// `python -c script`, run to its end; its standard output.
    pub fn python(&self, python: &Path, script: &str) -> String {
        run::success(self.command(python).args(["-c", script]))
    }

    /// `node -e script <crates/node/ssokit.js>`, run to its end; its standard output.
    /// The script loads the package with `require(process.argv[1])`.
    pub fn node(&self, node: &Node, script: &str) -> String {
        run::success(
            self.command(&node.program)
                .args(["-e", script])
                .arg(&node.module),
        )
    }

    /// How many requests of `operation` the emulator answered with 200, of those
    /// with this `detail` when given (the grant type of `CreateToken`).
    pub fn count(&self, operation: Operation, detail: Option<&str>) -> usize {
        self.emulator
            .control()
            .request_log()
            .iter()
            .filter(|r| r.operation == Some(operation) && r.status == 200)
            .filter(|r| detail.is_none_or(|d| r.detail.as_deref() == Some(d)))
            .count()
    }

    /// The access token in the home's token cache file for its sso-session, as ssokit
    /// reads it.
    pub fn cached_access_token(&self) -> String {
        let token = ssokit::cache::CacheDirs::under_home(self.dir())
            .tokens()
            .load(&self.home.sso_session)
            .unwrap();
        token.access_token.expose_secret().to_owned()
    }
}
