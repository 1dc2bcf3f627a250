//! botocore and ssokit share role-chain credentials through `~/.aws/cli/cache`, as
//! the AWS CLI and ssokit must: what `ssokit credentials --profile chained` assumed,
//! botocore's assume-role provider (with the AWS CLI's `JSONFileCache`) reads without
//! calling STS; what botocore assumed (signed by botocore's own SigV4, which the
//! emulator verifies), ssokit reads without calling STS. Both find the same files,
//! so the cache keys agree.
#![allow(clippy::unwrap_used)]

use ssokit_emulator::Operation;
use ssokit_tests::{World, tools};

const CHAIN: &str = "\n[profile deployer]\nrole_arn = arn:aws:iam::444455556666:role/Deployer\n\
                     source_profile = dev\nrole_session_name = ci\nregion = us-east-1\n\n\
                     [profile chained]\nrole_arn = arn:aws:iam::777788889999:role/ReadOnly\n\
                     source_profile = deployer\nduration_seconds = 1800\nregion = us-east-1\n";

/// botocore's credentials of `profile`, with the AWS CLI's assume-role file cache
/// (`~/.aws/cli/cache`, which the AWS CLI gives botocore's provider).
fn botocore(profile: &str) -> String {
    format!(
        "import botocore.session\n\
         import os\n\
         from botocore.credentials import JSONFileCache\n\
         s = botocore.session.Session(profile='{profile}')\n\
         cache = JSONFileCache(os.path.expanduser('~/.aws/cli/cache'))\n\
         s.get_component('credential_provider').get_provider('assume-role').cache = cache\n\
         c = s.get_credentials().get_frozen_credentials()\n\
         print(c.access_key)\n"
    )
}

fn ssokit_key(w: &World, profile: &str) -> String {
    let out = w.ssokit(&["credentials", "--profile", profile]);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    json["AccessKeyId"].as_str().unwrap().to_owned()
}

#[test]
fn botocore_and_ssokit_share_assumed_role_credentials() {
    let Some(python) = tools::python_with_botocore() else {
        return;
    };
    let w = World::new();
    w.cli_login();
    let config = std::fs::read_to_string(&w.home.config_file).unwrap() + CHAIN;
    std::fs::write(&w.home.config_file, config).unwrap();

    // ssokit first: two hops; botocore reads the last one from the cache.
    let key = ssokit_key(&w, "chained");
    assert!(key.starts_with("ASIA"), "{key}");
    assert_eq!(w.count(Operation::AssumeRole, None), 2);
    let from_botocore = w.python(&python, &botocore("chained"));
    assert_eq!(from_botocore.trim(), key);
    assert_eq!(w.count(Operation::AssumeRole, None), 2);

    // botocore first, on an empty assume-role cache: it assumes the role itself
    // (its signature verified by the emulator) and writes the entry ssokit reads.
    let cache = w.dir().join(".aws/cli/cache");
    let assumed: Vec<_> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| std::fs::read_to_string(p).is_ok_and(|t| t.contains("AssumedRoleUser")))
        .collect();
    assert_eq!(assumed.len(), 2, "{assumed:?}");
    for path in &assumed {
        std::fs::remove_file(path).unwrap();
    }
    let before = w.count(Operation::AssumeRole, None);
    let from_botocore = w.python(&python, &botocore("deployer"));
    assert!(from_botocore.trim().starts_with("ASIA"), "{from_botocore}");
    assert_eq!(w.count(Operation::AssumeRole, None), before + 1);
    assert_eq!(ssokit_key(&w, "deployer"), from_botocore.trim());
    assert_eq!(w.count(Operation::AssumeRole, None), before + 1);
}
