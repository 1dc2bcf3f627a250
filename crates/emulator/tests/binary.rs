//! The `ssokit-emulator` binary without `--accounts` serves the default organisation,
//! and `--home DIR` writes the same AWS home as the libraries and bindings.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use ssokit_emulator::{HomeOptions, config_text, default_accounts};

/// The binary; killed when dropped.
struct Binary(Child);

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn home_writes_the_default_organisation_s_profiles_and_prints_the_variables() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let mut binary = Binary(
        Command::new(env!("CARGO_BIN_EXE_ssokit-emulator"))
            .args(["--port", "0", "--home"])
            .arg(&home)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    // Both streams are read on threads, so every wait has a deadline.
    let (tx, rx) = mpsc::channel();
    let stdout = binary.0.stdout.take().unwrap();
    let stderr = binary.0.stderr.take().unwrap();
    let out_tx = tx.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = out_tx.send(("out", line));
        }
    });
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(("err", line));
        }
    });
    let mut url = None;
    let mut exports = Vec::new();
    // Every variable the home sets (the URL comes on stdout, the exports on stderr, in
    // any order between the two).
    while url.is_none() || exports.len() < 8 {
        let (stream, line) = rx.recv_timeout(Duration::from_secs(60)).unwrap();
        match stream {
            "out" => url = Some(line),
            _ => {
                if let Some(export) = line.strip_prefix("export ") {
                    exports.push(export.to_owned());
                }
            }
        }
    }
    let url = url.unwrap();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let config = std::fs::read_to_string(home.join(".aws/config")).unwrap();
    assert_eq!(
        config,
        config_text(&default_accounts(), &HomeOptions::default())
    );
    assert!(config.contains("[profile staging-Deployer]\n"));
    let home_text = home.display().to_string();
    assert_eq!(
        exports,
        [
            format!("HOME='{home_text}'"),
            format!("USERPROFILE='{home_text}'"),
            format!("AWS_CONFIG_FILE='{home_text}/.aws/config'"),
            format!("AWS_SHARED_CREDENTIALS_FILE='{home_text}/.aws/credentials'"),
            format!("AWS_ENDPOINT_URL_SSO='{url}'"),
            format!("AWS_ENDPOINT_URL_SSO_OIDC='{url}'"),
            format!("AWS_ENDPOINT_URL_SIGNIN='{url}'"),
            format!("AWS_ENDPOINT_URL_STS='{url}'"),
        ]
    );
}
