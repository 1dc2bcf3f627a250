//! botocore, a client no one here wrote, with the `ssokit` CLI as its
//! `credential_process`: after `ssokit login`, a profile whose only setting is
//! `credential_process = ssokit credentials --profile dev` gets role credentials.
//! Moved here from the CLI's end-to-end tests, which need no Python.
#![allow(clippy::unwrap_used)]

use ssokit_tests::{World, run, tools};

#[test]
fn botocore_uses_ssokit_as_its_credential_process() {
    let Some(python) = tools::python_with_botocore() else {
        return;
    };
    let w = World::new();
    w.cli_login();
    let config = format!(
        "{}\n[profile via-ssokit]\ncredential_process = {} credentials --profile dev\n",
        std::fs::read_to_string(&w.home.config_file).unwrap(),
        run::cargo_bin("ssokit").display()
    );
    std::fs::write(&w.home.config_file, config).unwrap();
    let stdout = w.python(
        &python,
        "import botocore.session as s; c = s.Session(profile='via-ssokit').get_credentials().get_frozen_credentials(); print(c.access_key, bool(c.token))",
    );
    assert!(
        stdout.starts_with("ASIA") && stdout.trim_end().ends_with("True"),
        "{stdout}"
    );
}
