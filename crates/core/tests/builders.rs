//! The builders of `Sso` and of both providers: what a Rust service uses to embed
//! ssokit, from the crate root.
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::Arc;

use aws_credential_types::provider::token::ProvideToken;
use ssokit::cache::CachedToken;
use ssokit::env::Env;
use ssokit::secret::AccessToken;
use ssokit::time::ManualClock;
use ssokit::{ErrorKind, Sso, SsoCredentialsProvider, SsoTokenProvider};
use support::{T0, at, caches};

const CONFIG: &str = "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\n\n\
    [profile other]\nsso_session = corp\n\n\
    [sso-session corp]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = us-east-1\n";

fn home() -> (tempfile::TempDir, Env) {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir(home.path().join(".aws")).unwrap();
    std::fs::write(home.path().join(".aws/config"), CONFIG).unwrap();
    let env = env_with(home.path(), &[]);
    (home, env)
}

fn env_with(home: &std::path::Path, vars: &[(&str, &str)]) -> Env {
    let home = home.to_str().unwrap();
    Env::from_vars([("HOME", home)].iter().chain(vars).copied())
}

#[test]
fn sso_builder_selects_a_profile_or_a_session() {
    let (home_dir, env) = home();
    let dev = Sso::builder()
        .profile_name("dev")
        .env(env.clone())
        .build()
        .unwrap();
    assert_eq!(dev.profile().unwrap().name, "dev");
    let session = Sso::builder()
        .sso_session("corp")
        .env(env.clone())
        .build()
        .unwrap();
    assert!(session.profile().is_none());
    assert_eq!(session.session().name.as_deref(), Some("corp"));
    // The default choice: AWS_PROFILE, here through the builder's environment.
    let vars = env_with(home_dir.path(), &[("AWS_PROFILE", "other")]);
    let chosen = Sso::builder()
        .set_profile_name(None)
        .env(vars)
        .build()
        .unwrap();
    assert_eq!(chosen.profile().unwrap().name, "other");
    let both = Sso::builder()
        .profile_name("dev")
        .sso_session("corp")
        .env(env.clone())
        .build()
        .unwrap_err();
    assert_eq!(both.kind(), ErrorKind::Usage);
    let missing = Sso::builder()
        .profile_name("nope")
        .env(env)
        .build()
        .unwrap_err();
    assert_eq!(missing.kind(), ErrorKind::Config);
}

#[tokio::test]
async fn token_provider_builder_reads_the_shared_cache() {
    let (home, env) = home();
    let clock = Arc::new(ManualClock::new(at(T0)));
    let provider = SsoTokenProvider::builder()
        .profile_name("dev")
        .env(env.clone())
        .clock(clock)
        .build()
        .unwrap();
    // Not logged in yet: the error a caller branches on.
    let err = provider.token().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotLoggedIn);
    caches(home.path())
        .tokens()
        .store(
            "corp",
            &CachedToken::new(AccessToken::new("the-token"), at(T0 + 3600)),
        )
        .unwrap();
    let token = provider.provide_token().await.unwrap();
    assert_eq!(token.token(), "the-token");
    // A builder error converts into the usual boxed error of a service's main.
    let boxed: Box<dyn std::error::Error> = SsoTokenProvider::builder()
        .profile_name("nope")
        .env(env)
        .build()
        .unwrap_err()
        .into();
    assert!(boxed.to_string().contains("nope"), "{boxed}");
}

#[test]
fn credentials_builder_setters_come_in_pairs() {
    let (_home, env) = home();
    let built = SsoCredentialsProvider::builder()
        .set_profile_name(Some("dev".into()))
        .set_env(Some(env.clone()))
        .set_role_cache(None)
        .build();
    assert!(built.is_ok(), "{built:?}");
    // A token-only profile gives no credentials: a configuration error naming it.
    let err = SsoCredentialsProvider::builder()
        .profile_name("other")
        .env(env.clone())
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains("other"), "{err}");
    // Clearing the profile falls back to the default choice (here: no [default]).
    let err = SsoCredentialsProvider::builder()
        .profile_name("dev")
        .set_profile_name(None)
        .env(env)
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("\"default\""), "{err}");
}

#[tokio::test]
async fn token_provider_builder_takes_explicit_settings_instead_of_a_profile() {
    let (home, env) = home();
    let clock = Arc::new(ManualClock::new(at(T0)));
    let start_url = "https://d-9999999999.awsapps.com/start";
    // Keyed by the start URL (no session name), as for a legacy profile.
    let by_url = SsoTokenProvider::builder()
        .start_url(start_url)
        .sso_region("eu-west-1")
        .env(env.clone())
        .clock(clock.clone())
        .build()
        .unwrap();
    assert_eq!(by_url.session().start_url, start_url);
    assert_eq!(by_url.session().region, "eu-west-1");
    assert_eq!(by_url.session().token_cache_key_source(), start_url);
    let err = by_url.token().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotLoggedIn);
    // With a session name, the token is the one that session's login wrote.
    caches(home.path())
        .tokens()
        .store(
            "explicit",
            &CachedToken::new(AccessToken::new("explicit-token"), at(T0 + 3600)),
        )
        .unwrap();
    let named = SsoTokenProvider::builder()
        .start_url(start_url)
        .sso_region("eu-west-1")
        .session_name("explicit")
        .env(env.clone())
        .clock(clock)
        .build()
        .unwrap();
    assert_eq!(
        named.provide_token().await.unwrap().token(),
        "explicit-token"
    );
    // A start URL without its region is a configuration error naming the key.
    let err = SsoTokenProvider::builder()
        .start_url(start_url)
        .set_sso_region(None)
        .env(env)
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains("sso_region"), "{err}");
}
