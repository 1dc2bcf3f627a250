//! `logout::logout`, the one logout of every front-end: a selector with neither a
//! profile nor an sso-session logs out of everything (even with `AWS_PROFILE` set,
//! unlike every other operation); with one, only that session's files go.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, UNIX_EPOCH};

use ssokit::Selector;
use ssokit::cache::{CacheDirs, CachedRoleCredentials, CachedToken};
use ssokit::env::Env;
use ssokit::logout::logout;
use ssokit::profile::{ProfileQuery, describe_profile};
use ssokit::secret::{AccessToken, SecretAccessKey, SessionToken};

const CONFIG: &str = "\
[profile a]
sso_session = one
sso_account_id = 111122223333
sso_role_name = ReadOnly

[profile b]
sso_session = two
sso_account_id = 444455556666
sso_role_name = Admin

[sso-session one]
sso_start_url = https://d-1111111111.awsapps.com/start
sso_region = us-east-1

[sso-session two]
sso_start_url = https://d-2222222222.awsapps.com/start
sso_region = eu-west-1
";

const LATER: Duration = Duration::from_secs(2_000_000_000);

/// A temporary home with the config, and the environment pointing at it.
struct Home {
    dir: tempfile::TempDir,
    env: Env,
}

impl Home {
    fn new(vars: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(".aws")).unwrap();
        std::fs::write(dir.path().join(".aws/config"), CONFIG).unwrap();
        let home = dir.path().to_str().unwrap().to_owned();
        let env = Env::from_vars(
            [("HOME", home.as_str())]
                .into_iter()
                .chain(vars.iter().copied()),
        );
        Self { dir, env }
    }

    fn caches(&self) -> CacheDirs {
        CacheDirs::under_home(self.dir.path())
    }

    /// The token and role-credentials files of `profile`, written (a token without a
    /// region: nothing to revoke, no network).
    fn log_in(&self, profile: &str) -> (PathBuf, PathBuf) {
        let query = ProfileQuery::default()
            .with_profile(Some(profile.into()))
            .with_config_file(None);
        let described = describe_profile(&query, &self.env).unwrap();
        let session = described.session_name.unwrap();
        let token = CachedToken::new(AccessToken::new("ACCESS"), UNIX_EPOCH + LATER);
        self.caches().tokens().store(&session, &token).unwrap();
        let role = described.role_cache_path.unwrap();
        let credentials = CachedRoleCredentials {
            access_key_id: "ASIA".into(),
            secret_access_key: SecretAccessKey::new("SECRET"),
            session_token: SessionToken::new("SESSION"),
            expiration: UNIX_EPOCH + LATER,
            account_id: described.account_id,
            extra: Default::default(),
        };
        std::fs::create_dir_all(role.parent().unwrap()).unwrap();
        std::fs::write(
            &role,
            serde_json::to_string(&credentials.to_json()).unwrap(),
        )
        .unwrap();
        (described.token_cache_path.unwrap(), role)
    }
}

fn exists(paths: &[&Path]) -> Vec<bool> {
    paths.iter().map(|p| p.exists()).collect()
}

#[tokio::test]
async fn one_profile_or_session_or_everything() {
    let home = Home::new(&[]);
    let (token_a, role_a) = home.log_in("a");
    let (token_b, role_b) = home.log_in("b");
    let all = [token_a.as_path(), &role_a, &token_b, &role_b];
    assert_eq!(exists(&all), [true; 4]);

    let by_profile = Selector::default().with_profile(Some("a".into()));
    let report = logout(&by_profile, &home.env).await.unwrap();
    assert_eq!(report.tokens_removed, std::slice::from_ref(&token_a));
    assert_eq!(
        report.role_credentials_removed,
        std::slice::from_ref(&role_a)
    );
    assert_eq!(exists(&all), [false, false, true, true]);

    let by_session = Selector::default().with_sso_session(Some("two".into()));
    let report = logout(&by_session, &home.env).await.unwrap();
    assert_eq!(report.tokens_removed, std::slice::from_ref(&token_b));
    assert_eq!(exists(&all), [false; 4]);

    home.log_in("a");
    home.log_in("b");
    let report = logout(&Selector::default(), &home.env).await.unwrap();
    assert_eq!(report.tokens_removed.len(), 2);
    assert_eq!(report.role_credentials_removed.len(), 2);
    assert_eq!(exists(&all), [false; 4]);
}

#[tokio::test]
async fn no_selection_is_everything_even_with_aws_profile_set() {
    let home = Home::new(&[("AWS_PROFILE", "a")]);
    let (token_a, _) = home.log_in("a");
    let (token_b, _) = home.log_in("b");
    let report = logout(&Selector::default(), &home.env).await.unwrap();
    let mut removed = report.tokens_removed.clone();
    removed.sort();
    let mut expected = vec![token_a, token_b];
    expected.sort();
    assert_eq!(removed, expected);
}

#[tokio::test]
async fn the_config_file_of_the_selector_is_the_one_read() {
    let home = Home::new(&[]);
    let (token_a, _) = home.log_in("a");
    let elsewhere = home.dir.path().join("other-config");
    std::fs::write(&elsewhere, "[profile lone]\nregion = us-east-1\n").unwrap();
    let selector = Selector::default()
        .with_profile(Some("a".into()))
        .with_config_file(Some(elsewhere));
    // Profile `a` is not in that file: a configuration error, nothing removed.
    let err = logout(&selector, &home.env).await.unwrap_err();
    assert!(matches!(err, ssokit::Error::Config(_)), "{err}");
    assert!(token_a.exists());
}

#[tokio::test]
async fn a_profile_and_a_session_together_are_a_usage_error() {
    let env = ssokit::env::Env::from_vars([("HOME", "/nonexistent-home")]);
    let both = ssokit::Selector::default()
        .with_profile(Some("dev".into()))
        .with_sso_session(Some("corp".into()))
        .with_config_file(None);
    let err = ssokit::logout::logout(&both, &env).await.unwrap_err();
    assert_eq!(err.kind(), ssokit::ErrorKind::Usage);
    assert!(err.to_string().contains("give one of them"), "{err}");
    let err = ssokit::Sso::resolve(&both, &env).unwrap_err();
    assert_eq!(err.kind(), ssokit::ErrorKind::Usage);
}

#[tokio::test]
async fn a_broken_ca_bundle_stops_the_logout_before_anything_is_removed() {
    // The portal is never reached (nothing listens there): the bundle is read first.
    let home = Home::new(&[
        ("AWS_CA_BUNDLE", "/dev/zero"),
        ("AWS_ENDPOINT_URL_SSO", "https://127.0.0.1:1"),
    ]);
    let (token, role) = home.log_in("a");
    // A token with a region: logging out revokes it at the portal first.
    let mut stored = home.caches().tokens().load("one").unwrap();
    stored.region = Some("us-east-1".into());
    home.caches().tokens().store("one", &stored).unwrap();
    for selector in [
        Selector::default(),
        Selector::default().with_profile(Some("a".into())),
    ] {
        let err = logout(&selector, &home.env).await.unwrap_err();
        let text = err.to_string();
        assert!(text.contains("/dev/zero"), "{text}");
        // Nothing removed: the token still works at the portal, so the user fixes the
        // bundle and logs out again.
        assert_eq!(exists(&[&token, &role]), [true, true]);
    }
}
