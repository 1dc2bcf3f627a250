//! `status`: every sso-session and legacy start URL, and the ones that are wrong,
//! listed with their problem.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, UNIX_EPOCH};

use ssokit::cache::{CacheDirs, CachedToken};
use ssokit::config::AwsConfig;
use ssokit::env::Env;
use ssokit::secret::AccessToken;
use ssokit::status::{current, status};
use ssokit::time::ManualClock;

const CONFIG: &str = "\
[profile good]
sso_start_url = https://d-1111111111.awsapps.com/start
sso_region = us-east-1
sso_account_id = 111122223333
sso_role_name = ReadOnly

[profile no-region]
sso_start_url = https://d-2222222222.awsapps.com/start
sso_account_id = 111122223333
sso_role_name = ReadOnly

[profile bad-url]
sso_start_url = not a url
sso_region = eu-west-1

[profile plain]
region = eu-west-1

[sso-session broken]
sso_region = us-east-1
";

#[test]
fn an_invalid_legacy_profile_is_listed_with_its_problem() {
    let home = tempfile::tempdir().unwrap();
    let config = AwsConfig::from_texts(CONFIG, "").unwrap();
    let env = Env::from_vars([("HOME", home.path().to_str().unwrap())]);
    let caches = CacheDirs::under_home(home.path());
    let states = status(
        &config,
        &env,
        &caches,
        UNIX_EPOCH + Duration::from_secs(1_800_000_000),
    );
    let shown: Vec<_> = states
        .iter()
        .map(|s| {
            (
                s.sso_session.clone(),
                s.profiles.clone(),
                s.problem.is_some(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            (Some("broken".to_owned()), vec![], true),
            (None, vec!["good".to_owned()], false),
            (None, vec!["bad-url".to_owned()], true),
            (None, vec!["no-region".to_owned()], true),
        ],
        "{states:#?}"
    );
    let no_region = &states[3];
    assert_eq!(
        no_region.start_url,
        "https://d-2222222222.awsapps.com/start"
    );
    assert_eq!(no_region.sso_region, "");
    assert!(!no_region.logged_in);
    let problem = no_region.problem.as_deref().unwrap();
    assert!(
        problem.contains("sso_region") && problem.contains("no-region"),
        "{problem}"
    );
    // The JSON form keeps its field names.
    let json = no_region.to_json();
    let keys: Vec<_> = json.as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        keys,
        [
            "sso_session",
            "start_url",
            "sso_region",
            "token_file",
            "logged_in",
            "expires_at",
            "expires_in_seconds",
            "refreshable",
            "profiles",
            "problem"
        ]
    );
    assert_eq!(json["profiles"][0], "no-region");
    assert!(json["problem"].as_str().unwrap().contains("sso_region"));
}

/// `status::current`, what every front-end calls: the config file given (else the
/// environment's), the caches under the environment's home, the clock's now.
#[test]
fn current_reads_the_config_and_caches_the_environment_names() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config");
    std::fs::write(
        &config,
        "[profile dev]\nsso_session = org\nsso_account_id = 111122223333\nsso_role_name = R\n\n\
         [sso-session org]\nsso_start_url = https://d-1111111111.awsapps.com/start\nsso_region = us-east-1\n",
    )
    .unwrap();
    let env = Env::from_vars([
        ("HOME", home.path().to_str().unwrap()),
        ("AWS_CONFIG_FILE", config.to_str().unwrap()),
    ]);
    let now = 1_800_000_000;
    let token = CachedToken::new(
        AccessToken::new("ACCESS"),
        UNIX_EPOCH + Duration::from_secs(now + 3600),
    );
    CacheDirs::under_home(home.path())
        .tokens()
        .store("org", &token)
        .unwrap();
    let clock = ManualClock::at_unix(now);
    for config_file in [None, Some(config.as_path())] {
        let [state] = current(config_file, &env, &clock)
            .unwrap()
            .try_into()
            .unwrap();
        assert_eq!(state.sso_session.as_deref(), Some("org"));
        assert!(state.logged_in);
        assert_eq!(state.expires_in_seconds, Some(3600));
        assert_eq!(state.profiles, ["dev"]);
    }
    // A config that does not parse is an error, not an empty list.
    std::fs::write(&config, "[profile broken\n").unwrap();
    let err = current(Some(&config), &env, &clock).unwrap_err();
    assert!(matches!(err, ssokit::Error::Config(_)), "{err}");
}
