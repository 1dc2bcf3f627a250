//! A build without the `extras` feature has no role chaining: a chained profile is a
//! configuration error that says so, naming the profile and the chain, before any
//! request.
#![cfg(not(feature = "extras"))]
#![allow(clippy::unwrap_used)]

use ssokit::env::Env;
use ssokit::{ErrorKind, SsoCredentialsProvider};

#[test]
fn a_chained_profile_says_this_build_has_no_role_chaining() {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir(home.path().join(".aws")).unwrap();
    std::fs::write(
        home.path().join(".aws/config"),
        "[profile sso]\nsso_session = s\nsso_account_id = 111122223333\nsso_role_name = R\n\
         [sso-session s]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = us-east-1\n\
         [profile top]\nrole_arn = arn:aws:iam::222233334444:role/Top\nsource_profile = sso\n",
    )
    .unwrap();
    let err = SsoCredentialsProvider::builder()
        .profile_name("top")
        .env(Env::from_vars([("HOME", home.path().to_str().unwrap())]))
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    let text = err.to_string();
    assert!(
        text.contains("\"top\"") && text.contains("top -> sso") && text.contains("`extras`"),
        "{text}"
    );
    // The SSO profile itself still works in this build.
    SsoCredentialsProvider::builder()
        .profile_name("sso")
        .env(Env::from_vars([("HOME", home.path().to_str().unwrap())]))
        .build()
        .unwrap();
}
