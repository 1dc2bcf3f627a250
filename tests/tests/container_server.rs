//! `ssokit serve` with the AWS SDKs' container-credentials providers, which no one
//! here wrote: botocore's `ContainerProvider` and the JS SDK's `fromHttp`
//! (`@aws-sdk/credential-provider-http`), each given only the two printed variables.
//! A wrong token is refused by both.
#![allow(clippy::unwrap_used)]

use std::io::BufRead;
use std::process::{Child, Stdio};
use std::time::Duration;

use serde_json::Value;
use ssokit_emulator::Operation;
use ssokit_tests::{World, run, tools};

/// `ssokit serve --profile dev`, stopped (SIGTERM, then waited for) when dropped.
struct Server {
    child: Child,
    url: String,
    token: String,
}

impl Server {
    fn start(world: &World) -> Self {
        let mut child = world
            .command(run::cargo_bin("ssokit"))
            .args(["serve", "--profile", "dev"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines().take(2) {
                let _ = tx.send(line.unwrap_or_default());
            }
        });
        let value = |name: &str| {
            let line = rx.recv_timeout(Duration::from_secs(60)).unwrap();
            line.strip_prefix(&format!("export {name}="))
                .unwrap_or_else(|| panic!("not {name}: {line}"))
                .to_owned()
        };
        let url = value("AWS_CONTAINER_CREDENTIALS_FULL_URI");
        let token = value("AWS_CONTAINER_AUTHORIZATION_TOKEN");
        Self { child, url, token }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        // A server that ignores SIGTERM fails the test run instead of hanging it.
        for _ in 0..600 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        panic!("ssokit serve did not stop within 30 s of SIGTERM");
    }
}

const BOTOCORE: &str = r#"
import json
from botocore.credentials import ContainerProvider
from botocore.exceptions import CredentialRetrievalError
try:
    creds = ContainerProvider().load().get_frozen_credentials()
    print(json.dumps({"access_key": creds.access_key, "secret_key": bool(creds.secret_key), "token": bool(creds.token)}))
except CredentialRetrievalError as e:
    print(json.dumps({"error": str(e)}))
"#;

const JS_SDK: &str = r#"
const { fromHttp } = require('@aws-sdk/credential-provider-http');
fromHttp({ timeout: 5000, maxRetries: 1 })().then(
  (c) => console.log(JSON.stringify({ access_key: c.accessKeyId, secret_key: !!c.secretAccessKey, token: !!c.sessionToken, expiration: c.expiration.toISOString() })),
  (e) => console.log(JSON.stringify({ error: String(e && e.message) })),
);
"#;

fn botocore(world: &World, python: &std::path::Path, url: &str, token: &str) -> Value {
    let out = run::success(
        world
            .command(python)
            .args(["-c", BOTOCORE])
            .env("AWS_CONTAINER_CREDENTIALS_FULL_URI", url)
            .env("AWS_CONTAINER_AUTHORIZATION_TOKEN", token),
    );
    serde_json::from_str(&out).unwrap()
}

fn js_sdk(world: &World, node: &tools::Node, url: &str, token: &str) -> Value {
    let out = run::success(
        world
            .command(&node.program)
            .args(["-e", JS_SDK])
            // `require` finds the SDK in crates/node's node_modules.
            .current_dir(tools::repo_root().join("crates/node"))
            .env("AWS_CONTAINER_CREDENTIALS_FULL_URI", url)
            .env("AWS_CONTAINER_AUTHORIZATION_TOKEN", token),
    );
    serde_json::from_str(&out).unwrap()
}

#[test]
fn botocore_s_container_provider_gets_credentials_from_ssokit_serve() {
    let Some(python) = tools::python_with_botocore() else {
        return;
    };
    let world = World::new();
    world.cli_login();
    let server = Server::start(&world);
    let got = botocore(&world, &python, &server.url, &server.token);
    assert!(
        got["access_key"]
            .as_str()
            .unwrap_or_default()
            .starts_with("ASIA"),
        "{got}"
    );
    assert_eq!(
        (&got["secret_key"], &got["token"]),
        (&Value::Bool(true), &Value::Bool(true))
    );
    let refused = botocore(&world, &python, &server.url, "wrong-token");
    assert!(
        refused["error"]
            .as_str()
            .unwrap_or_default()
            .contains("401"),
        "{refused}"
    );
    assert_eq!(world.count(Operation::GetRoleCredentials, None), 1);
}

#[test]
fn the_js_sdk_s_from_http_gets_credentials_from_ssokit_serve() {
    let Some(node) = tools::node_with_ssokit() else {
        return;
    };
    let world = World::new();
    world.cli_login();
    let server = Server::start(&world);
    let got = js_sdk(&world, &node, &server.url, &server.token);
    assert!(
        got["access_key"]
            .as_str()
            .unwrap_or_default()
            .starts_with("ASIA"),
        "{got}"
    );
    assert_eq!(
        (&got["secret_key"], &got["token"]),
        (&Value::Bool(true), &Value::Bool(true))
    );
    assert!(
        got["expiration"]
            .as_str()
            .unwrap_or_default()
            .ends_with('Z'),
        "{got}"
    );
    let refused = js_sdk(&world, &node, &server.url, "wrong-token");
    assert!(refused["error"].is_string(), "{refused}");
    assert!(refused.get("access_key").is_none(), "{refused}");
    assert_eq!(world.count(Operation::GetRoleCredentials, None), 1);
}
