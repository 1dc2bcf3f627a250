//! One login, every language: a login made from one front-end (Python, the CLI,
//! Node) is read by the others and by botocore, all sharing one temporary home and
//! one in-process emulator (see `ssokit_tests::World`). They agree on the token file
//! (`~/.aws/sso/cache`) and on the AWS CLI's role-credential cache
//! (`~/.aws/cli/cache`): after the first GetRoleCredentials, no front-end of ssokit
//! asks again.
//!
//! Needs Python with the built `ssokit` extension and botocore, and Node with the
//! built addon; skipped without them, and failed under
//! `SSOKIT_TESTS_REQUIRE_TOOLS=1`.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use serde_json::Value;
use ssokit_emulator::Operation;
use ssokit_tests::tools::Node;
use ssokit_tests::{World, run, tools};

const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// Python logs in to `dev` (device code, approved by the emulator) and gets its
/// credentials.
const PYTHON_LOGIN: &str = r#"
import json, ssokit
token = ssokit.login("dev", flow="device-code", open_browser=False, on_prompt=lambda p: None, timeout=60)
credentials = ssokit.get_credentials("dev")
print(json.dumps({"token": token.access_token, "flow": token.flow, "key": credentials.access_key_id}))
"#;

/// Python reads the login of `dev`: its token, its credentials, its status.
const PYTHON_READ: &str = r#"
import json, ssokit
[status] = ssokit.status()
print(json.dumps({"token": ssokit.get_token("dev").access_token,
                  "key": ssokit.get_credentials("dev").access_key_id,
                  "logged_in": status.logged_in, "profiles": status.profiles}))
"#;

/// Node reads the login of `dev`: its token and, through the AWS SDK provider
/// `fromSso`, its credentials.
const NODE_READ: &str = r"
const ssokit = require(process.argv[1])
;(async () => {
  const token = await ssokit.getToken({ profile: 'dev' })
  const credentials = await ssokit.fromSso({ profile: 'dev' })()
  console.log(JSON.stringify({ token: token.token, key: credentials.accessKeyId }))
})().catch((e) => { console.error(e); process.exit(1) })
";

/// botocore alone (no ssokit in the process) resolves `dev`: its SSO token provider
/// and its SSO credential provider.
const BOTOCORE_READ: &str = r#"
import json, sys, botocore.session
assert "ssokit" not in sys.modules
session = botocore.session.Session(profile="dev")
credentials = session.get_credentials().get_frozen_credentials()
print(json.dumps({"token": session.get_auth_token().get_frozen_token().token, "key": credentials.access_key}))
"#;

/// Python and Node with ssokit, and a world for them; `None` (skipped) without them.
fn world() -> Option<(PathBuf, Node, World)> {
    let (python, node) = (tools::python_with_ssokit(), tools::node_with_ssokit());
    Some((python?, node?, World::new()))
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// `ssokit credentials --profile dev`: its access key id.
fn cli_key(w: &World) -> String {
    let out = json(&w.ssokit(&["credentials", "--profile", "dev"]));
    assert_eq!(out["Version"], 1, "{out}");
    out["AccessKeyId"].as_str().unwrap().to_owned()
}

#[test]
fn a_python_login_is_read_by_node_the_cli_and_botocore() {
    let Some((python, node, w)) = world() else {
        return;
    };
    let login = json(&w.python(&python, PYTHON_LOGIN));
    assert_eq!(login["flow"], "device-code");
    let token = w.cached_access_token();
    assert_eq!(login["token"], token.as_str());
    let key = login["key"].as_str().unwrap();
    assert!(key.starts_with("ASIA"), "{login}");

    let node = json(&w.node(&node, NODE_READ));
    assert_eq!(node["token"], token.as_str(), "Node reads Python's token");
    assert_eq!(node["key"], key, "Node reads Python's cached credentials");
    assert_eq!(
        cli_key(&w),
        key,
        "the CLI reads Python's cached credentials"
    );
    let botocore = json(&w.python(&python, BOTOCORE_READ));
    assert_eq!(
        botocore["token"],
        token.as_str(),
        "botocore reads the token"
    );
    assert!(botocore["key"].as_str().unwrap().starts_with("ASIA"));

    // One login and no refresh; GetRoleCredentials once for ssokit (Python, then
    // the cache for Node and the CLI) and once for botocore, which keeps its
    // credentials in memory.
    assert_eq!(w.count(Operation::StartDeviceAuthorization, None), 1);
    assert_eq!(w.count(Operation::CreateToken, Some(DEVICE_GRANT)), 1);
    assert_eq!(w.count(Operation::CreateToken, None), 1);
    assert_eq!(w.count(Operation::GetRoleCredentials, None), 2);
}

#[test]
fn a_cli_login_is_read_by_python_and_node() {
    let Some((python, node, w)) = world() else {
        return;
    };
    w.cli_login();
    let token = w.cached_access_token();

    let node = json(&w.node(&node, NODE_READ));
    assert_eq!(node["token"], token.as_str(), "Node reads the CLI's token");
    let python = json(&w.python(&python, PYTHON_READ));
    assert_eq!(
        python["token"],
        token.as_str(),
        "Python reads the CLI's token"
    );
    assert_eq!(python["logged_in"], true, "{python}");
    assert!(
        python["profiles"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "dev"),
        "{python}"
    );
    assert_eq!(
        python["key"], node["key"],
        "Python reads Node's credentials"
    );
    assert_eq!(cli_key(&w), node["key"].as_str().unwrap());
    assert_eq!(w.count(Operation::CreateToken, None), 1);
    assert_eq!(w.count(Operation::GetRoleCredentials, None), 1);
}

#[test]
fn a_node_login_ended_by_a_python_logout_is_over_for_every_front_end() {
    let Some((python, node, w)) = world() else {
        return;
    };
    let login = json(&w.node(
        &node,
        r"
const ssokit = require(process.argv[1])
ssokit.login({ profile: 'dev', flow: 'device-code', openBrowser: false, onPrompt: () => {}, timeout: 60000 })
  .then((r) => console.log(JSON.stringify({ flow: r.flow })))
  .catch((e) => { console.error(e); process.exit(1) })
",
    ));
    assert_eq!(login["flow"], "device-code");
    let python_read = json(&w.python(&python, PYTHON_READ));
    assert_eq!(python_read["token"], w.cached_access_token().as_str());
    let key = python_read["key"].as_str().unwrap();
    assert_eq!(
        cli_key(&w),
        key,
        "the CLI reads the credentials Python cached"
    );

    w.python(&python, "import ssokit; ssokit.logout()");
    assert_eq!(w.count(Operation::Logout, None), 1);
    // Node and the CLI see the logout: no token, and no cached credentials either.
    let node_after = json(&w.node(
        &node,
        r"
const ssokit = require(process.argv[1])
ssokit.getToken({ profile: 'dev' })
  .then(() => console.log(JSON.stringify({ code: null })))
  .catch((e) => console.log(JSON.stringify({ code: e.code })))
",
    ));
    assert_eq!(node_after["code"], "ERR_SSOKIT_NOT_LOGGED_IN");
    let cli =
        run::output(
            w.command(run::cargo_bin("ssokit"))
                .args(["credentials", "--profile", "dev"]),
        );
    let stderr = String::from_utf8_lossy(&cli.stderr);
    assert!(!cli.status.success(), "{stderr}");
    assert!(cli.stdout.is_empty());
    assert!(stderr.contains("ssokit login"), "{stderr}");
    assert_eq!(w.count(Operation::GetRoleCredentials, None), 1);
}
