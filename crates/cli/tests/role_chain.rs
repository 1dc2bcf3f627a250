//! Role chaining end to end, the real binary against the emulator (whose STS verifies
//! the SigV4 signature): `ssokit credentials --profile chained` and `ssokit exec`
//! through two AssumeRole hops from the SSO role, the second call answered from the
//! AWS CLI's cache, and the broken chains and refusals with their messages and exit
//! statuses.
#![cfg(unix)]
#![allow(clippy::unwrap_used)]

use std::process::{Command, Output, Stdio};

use serde_json::Value;
use ssokit::cache::assume_role_cache_key;
use ssokit_emulator::{BackgroundEmulator, Emulator, Operation, default_accounts};

const CONFIG: &str = "[profile dev]\nsso_session = org\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\nregion = eu-west-1\n\n\
     [sso-session org]\nsso_start_url = https://d-0000000000.awsapps.com/start\nsso_region = us-east-1\n\n\
     [profile deployer]\nrole_arn = arn:aws:iam::444455556666:role/Deployer\nsource_profile = dev\nrole_session_name = ci\n\n\
     [profile chained]\nrole_arn = arn:aws:iam::777788889999:role/ReadOnly\nsource_profile = deployer\nduration_seconds = 1800\n\n\
     [profile loop-a]\nrole_arn = arn:aws:iam::444455556666:role/Deployer\nsource_profile = loop-b\n\n\
     [profile loop-b]\nrole_arn = arn:aws:iam::444455556666:role/Deployer\nsource_profile = loop-a\n\n\
     [profile broken]\nrole_arn = arn:aws:iam::444455556666:role/Deployer\nsource_profile = missing\n\n\
     [profile ec2]\nrole_arn = arn:aws:iam::444455556666:role/Deployer\ncredential_source = Ec2InstanceMetadata\n\n\
     [profile mfa]\nrole_arn = arn:aws:iam::444455556666:role/Deployer\nsource_profile = dev\nmfa_serial = arn:aws:iam::111122223333:mfa/me\n\n\
     [profile long]\nrole_arn = arn:aws:iam::444455556666:role/Deployer\nsource_profile = dev\nduration_seconds = 7200\n\n\
     [profile denied]\nrole_arn = arn:aws:iam::444455556666:role/NoSuchRole\nsource_profile = dev\n";

struct World {
    home: tempfile::TempDir,
    emulator: BackgroundEmulator,
}

impl World {
    fn new() -> Self {
        let emulator = Emulator::builder()
            .accounts(default_accounts())
            .poll_interval_secs(1)
            .auto_approve_after_polls(1)
            .start_in_background()
            .unwrap();
        let home = tempfile::tempdir().unwrap();
        std::fs::create_dir(home.path().join(".aws")).unwrap();
        std::fs::write(home.path().join(".aws/config"), CONFIG).unwrap();
        Self { home, emulator }
    }

    fn run(&self, args: &[&str]) -> Output {
        let url = self.emulator.control().url().to_owned();
        Command::new(env!("CARGO_BIN_EXE_ssokit"))
            .args(args)
            .env_clear()
            .env("HOME", self.home.path())
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("AWS_ENDPOINT_URL_SSO", &url)
            .env("AWS_ENDPOINT_URL_SSO_OIDC", &url)
            .env("AWS_ENDPOINT_URL_STS", &url)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    fn login(&self) {
        let out = self.run(&[
            "login",
            "--profile",
            "dev",
            "--no-browser",
            "--timeout",
            "60",
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn calls(&self, op: Operation) -> usize {
        self.emulator
            .control()
            .request_log()
            .iter()
            .filter(|r| r.operation == Some(op))
            .count()
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn credentials_and_exec_of_a_chained_profile() {
    let w = World::new();
    w.login();
    let out = w.run(&["credentials", "--profile", "chained"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["Version"], 1);
    assert!(json["AccessKeyId"].as_str().unwrap().starts_with("ASIA"));
    assert_eq!(w.calls(Operation::AssumeRole), 2);
    assert_eq!(w.calls(Operation::GetRoleCredentials), 1);
    // The second call: the last hop's entry in ~/.aws/cli/cache, no request.
    let again = w.run(&["credentials", "--profile", "chained"]);
    assert!(again.status.success(), "{}", stderr(&again));
    let json2: Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(json2["AccessKeyId"], json["AccessKeyId"]);
    assert_eq!(w.calls(Operation::AssumeRole), 2);
    let entries = std::fs::read_dir(w.home.path().join(".aws/cli/cache"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "json")
        })
        .count();
    // The SSO role's entry and one per hop.
    assert_eq!(entries, 3);
    // `exec` shares the path.
    let out = w.run(&[
        "exec",
        "--profile",
        "deployer",
        "--",
        "sh",
        "-c",
        "echo $AWS_ACCESS_KEY_ID",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Exactly the deployer hop's credentials, as its AWS CLI cache entry holds them
    // (not the SSO role's, nor the last hop's).
    let key = assume_role_cache_key(
        "arn:aws:iam::444455556666:role/Deployer",
        Some("ci"),
        None,
        None,
    );
    let entry: Value = serde_json::from_slice(
        &std::fs::read(w.home.path().join(format!(".aws/cli/cache/{key}.json"))).unwrap(),
    )
    .unwrap();
    let deployer_key = entry["Credentials"]["AccessKeyId"].as_str().unwrap();
    assert!(deployer_key.starts_with("ASIA"), "{entry}");
    assert_eq!(
        entry["AssumedRoleUser"]["Arn"],
        "arn:aws:sts::444455556666:assumed-role/Deployer/ci"
    );
    assert_ne!(json["AccessKeyId"], deployer_key);
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), deployer_key);
    assert_eq!(w.calls(Operation::AssumeRole), 2);
}

#[test]
fn broken_chains_and_refusals_say_what_is_wrong() {
    let w = World::new();
    w.login();
    for (profile, code, needles) in [
        ("loop-a", 253, &["loop: loop-a -> loop-b -> loop-a"][..]),
        (
            "broken",
            253,
            &["source_profile = missing", "chain: broken"][..],
        ),
        (
            "ec2",
            253,
            &["credential_source = Ec2InstanceMetadata", "only from SSO"][..],
        ),
        (
            "mfa",
            253,
            &["mfa_serial", "not supported by ssokit yet"][..],
        ),
        (
            "long",
            253,
            &["duration_seconds", "role chaining", "profile \"long\""][..],
        ),
        (
            "denied",
            255,
            &[
                "AccessDenied",
                "not authorized to perform: sts:AssumeRole",
                "profile \"denied\"",
            ][..],
        ),
    ] {
        let out = w.run(&["credentials", "--profile", profile]);
        let text = stderr(&out);
        assert_eq!(out.status.code(), Some(code), "{profile}: {text}");
        for needle in needles {
            assert!(text.contains(needle), "{profile}: {needle:?} not in {text}");
        }
        assert!(out.stdout.is_empty(), "{profile}");
    }
}
