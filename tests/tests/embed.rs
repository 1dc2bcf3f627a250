//! A crate outside the workspace (`tests/embed`) that depends on ssokit without its
//! default features, and on aws-config, as a Rust service would: the credentials
//! provider built from the crate root and handed to `aws_config::defaults(..)` gives
//! the logged-in profile's credentials, and the token provider its token; both
//! configured with the service's `SdkConfig` (the `sdk-config` feature), the request
//! goes through its HTTP client.
//! `scripts/test-all.sh` builds it first (`cargo build --locked --manifest-path
//! tests/embed/Cargo.toml`) into the same target directory.

use ssokit_emulator::Operation;
use ssokit_tests::{World, run};

#[test]
fn an_outside_crate_without_login_gets_credentials_through_aws_config() {
    let world = World::new();
    world.cli_login();
    let before = world.count(Operation::GetRoleCredentials, None);
    let out = run::success(
        world
            .command(run::cargo_bin("ssokit-embed-check"))
            .arg("staging-Deployer"),
    );
    let mut lines = out.lines();
    let key = lines.next().unwrap_or_default();
    assert!(key.starts_with("ASIA"), "{out}");
    assert!(
        lines
            .next()
            .unwrap_or_default()
            .starts_with("token until Some("),
        "{out}"
    );
    // One GetRoleCredentials, for the profile asked for, with the CLI's token...
    assert_eq!(world.count(Operation::GetRoleCredentials, None), before + 1);
    // ...sent through the service's own HTTP client (`configure(&sdk_config)`).
    assert_eq!(
        lines.next().unwrap_or_default(),
        "requests through the SdkConfig's client: 1",
        "{out}"
    );
    // The CLI reads the same role credentials from the cache the service wrote.
    let cli: serde_json::Value =
        serde_json::from_str(&world.ssokit(&["credentials", "--profile", "staging-Deployer"]))
            .unwrap();
    assert_eq!(cli["AccessKeyId"], key, "{cli}");
    assert_eq!(world.count(Operation::GetRoleCredentials, None), before + 1);
}
