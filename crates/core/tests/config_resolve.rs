//! SSO profile and sso-session resolution, endpoints and overrides.

use std::path::PathBuf;

use ssokit::config::{AwsConfig, ConfigError, Endpoints, SsoProfile, selected_profile_name};
use ssokit::env::Env;

const SESSION: &str = "[sso-session my-sso]\n\
    sso_start_url = https://d-1234567890.awsapps.com/start\n\
    sso_region = us-east-1\n\
    sso_registration_scopes = sso:account:access\n";

const DEFAULT_ENDPOINTS: (&str, &str) = (
    "https://oidc.us-east-1.amazonaws.com",
    "https://portal.sso.us-east-1.amazonaws.com",
);

fn env(vars: &[(&str, &str)]) -> Env {
    Env::from_vars(vars.iter().copied())
}

fn no_env() -> Env {
    env(&[("HOME", "/h")])
}

fn resolve(config: &str, profile: &str) -> Result<SsoProfile, ConfigError> {
    resolve_env(config, profile, &no_env())
}

fn resolve_env(config: &str, profile: &str, env: &Env) -> Result<SsoProfile, ConfigError> {
    AwsConfig::from_texts(config, "")?.resolve_sso_profile(profile, env)
}

fn err(config: &str, profile: &str) -> (ConfigError, String) {
    let e = resolve(config, profile).expect_err("expected an error");
    let message = e.to_string();
    (e, message)
}

fn assert_mentions(message: &str, parts: &[&str]) {
    for part in parts {
        assert!(message.contains(part), "{part:?} not in: {message}");
    }
}

#[test]
fn session_profile_resolves() {
    let config = format!(
        "[profile dev]\nsso_session = my-sso\nsso_account_id = 111122223333\n\
         sso_role_name = ReadOnly\nregion = eu-west-1\n{SESSION}"
    );
    let p = resolve(&config, "dev").unwrap();
    assert_eq!(p.name, "dev");
    assert_eq!(p.session.name.as_deref(), Some("my-sso"));
    assert_eq!(
        p.session.start_url,
        "https://d-1234567890.awsapps.com/start"
    );
    assert_eq!(p.session.region, "us-east-1");
    assert_eq!(
        p.session.scopes,
        Some(vec!["sso:account:access".to_owned()])
    );
    assert_eq!(p.session.token_cache_key_source(), "my-sso");
    assert!(!p.session.is_legacy());
    assert_eq!(p.account_id.as_deref(), Some("111122223333"));
    assert_eq!(p.role_name.as_deref(), Some("ReadOnly"));
    assert_eq!(p.region.as_deref(), Some("eu-west-1"));
    assert!(!p.is_token_only());
    assert_eq!(p.session.endpoints.oidc, DEFAULT_ENDPOINTS.0);
    assert_eq!(p.session.endpoints.portal, DEFAULT_ENDPOINTS.1);
    assert_eq!(p.session.ca_bundle, None);
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
}

#[test]
fn token_only_and_matching_profile_copies() {
    let config = format!(
        "[profile t]\nsso_session = my-sso\nsso_region = us-east-1\n\
         sso_start_url = https://d-1234567890.awsapps.com/start\n{SESSION}"
    );
    let p = resolve(&config, "t").unwrap();
    assert!(p.is_token_only());
    assert_eq!((p.account_id, p.role_name, p.region), (None, None, None));
}

#[test]
fn legacy_profile_resolves() {
    let config = "[default]\nsso_start_url = https://d-1234567890.awsapps.com/start/\n\
                  sso_region = eu-central-1\nsso_account_id = 111122223333\nsso_role_name = Admin\n";
    let p = resolve(config, "default").unwrap();
    assert_eq!(p.session.name, None);
    assert!(p.session.is_legacy());
    assert_eq!(p.session.scopes, None);
    // The start URL exactly as written, trailing slash included.
    assert_eq!(
        p.session.token_cache_key_source(),
        "https://d-1234567890.awsapps.com/start/"
    );
    assert_eq!(
        p.session.endpoints.oidc,
        "https://oidc.eu-central-1.amazonaws.com"
    );
    assert!(!p.is_token_only());
}

#[test]
fn scopes_are_split_trimmed_and_filtered() {
    let cases: &[(&str, Option<&[&str]>)] = &[
        ("sso:account:access", Some(&["sso:account:access"])),
        (" a , b,,c ,", Some(&["a", "b", "c"])),
        // Configured but empty: `[]`, which is how the AWS CLI keys the registration.
        (",, ,", Some(&[])),
        ("", Some(&[])),
    ];
    for (value, expected) in cases {
        let config = format!(
            "[profile t]\nsso_session = s\n[sso-session s]\nsso_region = us-east-1\n\
             sso_start_url = https://x.awsapps.com/start\nsso_registration_scopes = {value}\n"
        );
        let p = resolve(&config, "t").unwrap();
        let expected: Option<Vec<String>> =
            expected.map(|v| v.iter().map(|s| (*s).to_owned()).collect());
        assert_eq!(p.session.scopes, expected, "{value:?}");
    }
    let config = "[profile t]\nsso_session = s\n[sso-session s]\nsso_region = us-east-1\n\
                  sso_start_url = https://x.awsapps.com/start\n";
    assert_eq!(resolve(config, "t").unwrap().session.scopes, None);
}

#[test]
fn resolution_errors_name_what_and_how_to_fix() {
    let good_session = SESSION;
    let cases: Vec<(&str, String, &str, Vec<&str>)> = vec![
        (
            "missing profile",
            format!("[profile dev]\nsso_session = my-sso\n{good_session}"),
            "prod",
            vec!["\"prod\"", "not found", "<config>", "add a [profile prod] section"],
        ),
        (
            "missing profile with suggestion",
            format!("[profile dev]\nsso_session = my-sso\n[profile Dev2]\n{good_session}"),
            "dve",
            vec!["\"dve\"", "did you mean \"dev\""],
        ),
        (
            "not an SSO profile",
            "[profile plain]\nregion = us-east-1\n".to_owned(),
            "plain",
            vec!["\"plain\"", "is not an SSO profile", "no sso_session or sso_start_url"],
        ),
        (
            "missing session",
            "[profile dev]\nsso_session = nope\n".to_owned(),
            "dev",
            vec!["\"dev\"", "sso_session = nope", "[sso-session nope]", "<config>", "sso_start_url"],
        ),
        (
            "missing session with suggestion",
            format!("[profile dev]\nsso_session = my-ss\n{good_session}"),
            "dev",
            vec!["did you mean \"my-sso\""],
        ),
        (
            "session without start url",
            "[profile dev]\nsso_session = s\n[sso-session s]\nsso_region = us-east-1\n".to_owned(),
            "dev",
            vec!["[sso-session s]", "<config>", "no sso_start_url", "add `sso_start_url = https://"],
        ),
        (
            "session without region",
            "[profile dev]\nsso_session = s\n[sso-session s]\nsso_start_url = https://x.com\n".to_owned(),
            "dev",
            vec!["[sso-session s] in <config> has no sso_region", "add `sso_region = us-east-1` to [sso-session s]"],
        ),
        (
            "session with empty region",
            "[profile dev]\nsso_session = s\n[sso-session s]\nsso_start_url = https://x.com\nsso_region =\n".to_owned(),
            "dev",
            vec!["has no sso_region"],
        ),
        (
            "start url mismatch",
            format!("[profile dev]\nsso_session = my-sso\nsso_start_url = https://other.com/start\n{good_session}"),
            "dev",
            vec!["sso_start_url", "[profile dev]", "[sso-session my-sso]", "https://other.com/start", "https://d-1234567890.awsapps.com/start"],
        ),
        (
            "region mismatch",
            format!("[profile dev]\nsso_session = my-sso\nsso_region = eu-west-1\n{good_session}"),
            "dev",
            vec!["sso_region", "\"eu-west-1\"", "\"us-east-1\""],
        ),
        (
            "account without role",
            format!("[profile dev]\nsso_session = my-sso\nsso_account_id = 111122223333\n{good_session}"),
            "dev",
            vec!["[profile dev]", "has sso_account_id but no sso_role_name"],
        ),
        (
            "role without account",
            format!("[profile dev]\nsso_session = my-sso\nsso_role_name = R\n{good_session}"),
            "dev",
            vec!["has sso_role_name but no sso_account_id"],
        ),
        (
            "legacy without account and role",
            "[profile old]\nsso_start_url = https://x.com\nsso_region = us-east-1\n".to_owned(),
            "old",
            vec!["[profile old]", "sso_account_id and sso_role_name", "sso-session"],
        ),
        (
            "legacy without region",
            "[profile old]\nsso_start_url = https://x.com\nsso_account_id = 111122223333\nsso_role_name = R\n".to_owned(),
            "old",
            vec!["[profile old] in <config> has no sso_region", "add `sso_region = us-east-1`"],
        ),
        (
            "account and role without session or start url",
            "[profile half]\nsso_account_id = 111122223333\nsso_role_name = R\n".to_owned(),
            "half",
            vec!["[profile half]", "no sso_session", "[sso-session NAME]"],
        ),
        (
            "bad region in session",
            "[profile dev]\nsso_session = s\n[sso-session s]\nsso_start_url = https://x.com\nsso_region = us-east-1.evil.com\n".to_owned(),
            "dev",
            vec!["invalid sso_region", "\"us-east-1.evil.com\"", "[sso-session s] in <config> line 5", "DNS label"],
        ),
        (
            "upper-case region in legacy profile",
            "[default]\nsso_start_url = https://x.com\nsso_region = US-EAST-1\nsso_account_id = 111122223333\nsso_role_name = R\n".to_owned(),
            "default",
            vec!["invalid sso_region", "[default] in <config> line 3"],
        ),
        (
            "http start url",
            "[profile dev]\nsso_session = s\n[sso-session s]\nsso_start_url = http://x.com\nsso_region = us-east-1\n".to_owned(),
            "dev",
            vec!["invalid sso_start_url", "line 4", "https://"],
        ),
        (
            "start url without host",
            "[default]\nsso_start_url = https:///start\nsso_region = us-east-1\nsso_account_id = 111122223333\nsso_role_name = R\n".to_owned(),
            "default",
            vec!["invalid sso_start_url", "no host"],
        ),
        (
            "bad account id",
            format!("[profile dev]\nsso_session = my-sso\nsso_account_id = 1234\nsso_role_name = R\n{good_session}"),
            "dev",
            vec!["invalid sso_account_id", "\"1234\"", "[profile dev] in <config> line 3", "12 digits"],
        ),
    ];
    for (name, config, profile, parts) in cases {
        let (_, message) = err(&config, profile);
        for part in parts {
            assert!(message.contains(part), "{name}: {part:?} not in: {message}");
        }
    }
}

#[test]
fn error_variants_carry_context() {
    let (e, _) = err("[profile dev]\nsso_session = nope\n", "dev");
    match e {
        ConfigError::SessionNotFound {
            session, profile, ..
        } => {
            assert_eq!(session, "nope");
            assert_eq!(profile.as_deref(), Some("dev"));
        }
        other => panic!("{other:?}"),
    }
    let (e, _) = err(
        &format!("[profile dev]\nsso_session = my-sso\nsso_region = eu-west-1\n{SESSION}"),
        "dev",
    );
    match e {
        ConfigError::Mismatch {
            key,
            profile_value,
            session_value,
            ..
        } => {
            assert_eq!(key, "sso_region");
            assert_eq!(&*profile_value, "eu-west-1");
            assert_eq!(&*session_value, "us-east-1");
        }
        other => panic!("{other:?}"),
    }
    let (e, _) = err("", "x");
    assert!(
        matches!(e, ConfigError::ProfileNotFound { ref suggestions, .. } if suggestions.is_empty())
    );
}

#[test]
fn credentials_only_profile_is_not_sso_and_names_the_credentials_file() {
    let config = AwsConfig::from_texts("", "[ci]\naws_access_key_id = AKIA\n").unwrap();
    let e = config.resolve_sso_profile("ci", &no_env()).unwrap_err();
    assert_mentions(
        &e.to_string(),
        &["\"ci\"", "<credentials>", "not an SSO profile"],
    );
}

#[test]
fn profiles_from_both_files_merge_with_credentials_winning() {
    let config = AwsConfig::from_texts(
        &format!("[profile dev]\nsso_session = my-sso\nregion = us-west-2\n[profile b]\nregion = x\n{SESSION}"),
        "[dev]\nregion = eu-north-1\n[only-creds]\nk = v\n[b]\n",
    )
    .unwrap();
    assert_eq!(config.profile_names(), ["dev", "b", "only-creds"]);
    assert_eq!(config.sso_session_names(), ["my-sso"]);
    let dev = config.profile("dev").unwrap();
    assert_eq!(dev.value("region"), Some("eu-north-1"));
    assert_eq!(dev.value("sso_session"), Some("my-sso"));
    assert!(config.profile("only-creds").is_some());
    assert!(config.sso_session("my-sso").is_some());
    assert!(config.services("none").is_none());
    assert_eq!(config.config_path(), PathBuf::from("<config>"));
    assert_eq!(config.credentials_path(), PathBuf::from("<credentials>"));
    let p = config.resolve_sso_profile("dev", &no_env()).unwrap();
    assert_eq!(p.region.as_deref(), Some("eu-north-1"));
}

#[test]
fn botocore_inline_comment_differences_warn() {
    let config = format!(
        "[profile dev]\nsso_session = my-sso ; the team session\n{SESSION}\
         [profile old]\nsso_start_url = https://x.awsapps.com/start # prod\nsso_region = us-east-1\n\
         sso_account_id = 111122223333\nsso_role_name = R\n"
    );
    let p = resolve(&config, "dev").unwrap();
    assert_eq!(p.session.token_cache_key_source(), "my-sso");
    assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
    assert_mentions(
        &p.warnings[0],
        &[
            "sso_session",
            "[profile dev]",
            "line 2",
            "\"my-sso\"",
            "\"my-sso ; the team session\"",
            "AWS CLI",
        ],
    );
    let p = resolve(&config, "old").unwrap();
    assert_eq!(p.session.start_url, "https://x.awsapps.com/start");
    assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
    assert_mentions(
        &p.warnings[0],
        &["sso_start_url", "[profile old]", "# prod"],
    );
}

#[test]
fn ca_bundle_env_beats_profile() {
    let config = format!("[profile dev]\nsso_session = my-sso\nca_bundle = /etc/ca.pem\n{SESSION}");
    let p = resolve(&config, "dev").unwrap();
    assert_eq!(p.session.ca_bundle, Some(PathBuf::from("/etc/ca.pem")));
    let p = resolve_env(&config, "dev", &env(&[("AWS_CA_BUNDLE", "/env/ca.pem")])).unwrap();
    assert_eq!(p.session.ca_bundle, Some(PathBuf::from("/env/ca.pem")));
}

#[test]
fn selected_profile() {
    assert_eq!(
        selected_profile_name(Some("x"), &env(&[("AWS_PROFILE", "y")])),
        "x"
    );
    assert_eq!(
        selected_profile_name(None, &env(&[("AWS_PROFILE", "y")])),
        "y"
    );
    assert_eq!(
        selected_profile_name(None, &env(&[("AWS_PROFILE", "")])),
        "default"
    );
    assert_eq!(selected_profile_name(Some(""), &env(&[])), "default");
    assert_eq!(selected_profile_name(None, &env(&[])), "default");
    // AWS_DEFAULT_PROFILE alone, after AWS_PROFILE, and never over an explicit name.
    assert_eq!(
        selected_profile_name(None, &env(&[("AWS_DEFAULT_PROFILE", "z")])),
        "z"
    );
    assert_eq!(
        selected_profile_name(
            None,
            &env(&[("AWS_PROFILE", ""), ("AWS_DEFAULT_PROFILE", "z")])
        ),
        "z"
    );
    assert_eq!(
        selected_profile_name(
            None,
            &env(&[("AWS_PROFILE", "y"), ("AWS_DEFAULT_PROFILE", "z")])
        ),
        "y"
    );
    assert_eq!(
        selected_profile_name(
            Some("x"),
            &env(&[("AWS_PROFILE", "y"), ("AWS_DEFAULT_PROFILE", "z")])
        ),
        "x"
    );
}

#[test]
fn sso_session_resolves_without_a_profile() {
    let config = AwsConfig::from_texts(
        &format!("[default]\nendpoint_url = http://localhost:9\n[profile p]\nuse_fips_endpoint = true\n{SESSION}"),
        "",
    )
    .unwrap();
    let s = config.resolve_sso_session("my-sso", &no_env()).unwrap();
    assert_eq!(s.name.as_deref(), Some("my-sso"));
    assert_eq!(s.endpoints.oidc, "http://localhost:9");
    let s = config
        .resolve_sso_session("my-sso", &env(&[("AWS_PROFILE", "p")]))
        .unwrap();
    assert_eq!(
        s.endpoints.oidc,
        "https://oidc-fips.us-east-1.amazonaws.com"
    );
    let s = config
        .resolve_sso_session("my-sso", &env(&[("AWS_PROFILE", "missing")]))
        .unwrap();
    assert_eq!(s.endpoints.oidc, DEFAULT_ENDPOINTS.0);
    let e = config.resolve_sso_session("nope", &no_env()).unwrap_err();
    let message = e.to_string();
    assert_mentions(
        &message,
        &["there is no [sso-session nope] section in <config>"],
    );
    assert!(!message.contains("profile"), "{message}");
}

fn endpoints_of(
    profile_extra: &str,
    extra_sections: &str,
    vars: &[(&str, &str)],
) -> Result<Endpoints, ConfigError> {
    let config =
        format!("[profile dev]\nsso_session = my-sso\n{profile_extra}\n{SESSION}{extra_sections}");
    resolve_env(&config, "dev", &env(vars)).map(|p| p.session.endpoints)
}

#[test]
fn endpoint_overrides_first_match_wins() {
    let services = "[services local]\nsso_oidc =\n  endpoint_url = http://localhost:3/\nsso =\n  endpoint_url = http://localhost:4\n";
    type Case<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)], &'a str, &'a str);
    let cases: &[Case] = &[
        (
            "defaults",
            "",
            &[],
            DEFAULT_ENDPOINTS.0,
            DEFAULT_ENDPOINTS.1,
        ),
        (
            "service env vars",
            "",
            &[
                ("AWS_ENDPOINT_URL_SSO_OIDC", "http://127.0.0.1:1/"),
                ("AWS_ENDPOINT_URL_SSO", "https://p.example"),
            ],
            "http://127.0.0.1:1",
            "https://p.example",
        ),
        (
            "service env beats global env",
            "",
            &[
                ("AWS_ENDPOINT_URL_SSO_OIDC", "http://127.0.0.1:1"),
                ("AWS_ENDPOINT_URL", "http://[::1]:2"),
            ],
            "http://127.0.0.1:1",
            "http://[::1]:2",
        ),
        (
            "global env beats services",
            "services = local\nendpoint_url = http://localhost:5",
            &[("AWS_ENDPOINT_URL", "http://localhost:2")],
            "http://localhost:2",
            "http://localhost:2",
        ),
        (
            "services beat profile endpoint_url",
            "services = local\nendpoint_url = http://localhost:5",
            &[],
            "http://localhost:3",
            "http://localhost:4",
        ),
        (
            "profile endpoint_url",
            "endpoint_url = http://localhost:5/",
            &[],
            "http://localhost:5",
            "http://localhost:5",
        ),
        (
            "empty env var is unset",
            "endpoint_url = http://localhost:5",
            &[("AWS_ENDPOINT_URL", "")],
            "http://localhost:5",
            "http://localhost:5",
        ),
        (
            "ignore via env",
            "services = local\nendpoint_url = http://localhost:5",
            &[
                ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"),
                ("AWS_ENDPOINT_URL", "http://localhost:2"),
            ],
            DEFAULT_ENDPOINTS.0,
            DEFAULT_ENDPOINTS.1,
        ),
        (
            "ignore via profile",
            "ignore_configured_endpoint_urls = TRUE\nendpoint_url = http://localhost:5",
            &[("AWS_ENDPOINT_URL", "http://localhost:2")],
            DEFAULT_ENDPOINTS.0,
            DEFAULT_ENDPOINTS.1,
        ),
        (
            "env false beats profile true",
            "ignore_configured_endpoint_urls = true\nendpoint_url = http://localhost:5",
            &[("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false")],
            "http://localhost:5",
            "http://localhost:5",
        ),
        (
            "services section with one service only",
            "services = half",
            &[],
            "http://localhost:7",
            DEFAULT_ENDPOINTS.1,
        ),
        (
            "fips from env",
            "",
            &[("AWS_USE_FIPS_ENDPOINT", "true")],
            "https://oidc-fips.us-east-1.amazonaws.com",
            "https://portal.sso-fips.us-east-1.amazonaws.com",
        ),
        (
            "fips from profile",
            "use_fips_endpoint = true",
            &[],
            "https://oidc-fips.us-east-1.amazonaws.com",
            "https://portal.sso-fips.us-east-1.amazonaws.com",
        ),
        (
            "dualstack from env",
            "",
            &[("AWS_USE_DUALSTACK_ENDPOINT", "True")],
            "https://oidc.us-east-1.api.aws",
            "https://portal.sso.us-east-1.api.aws",
        ),
        (
            "both from profile",
            "use_fips_endpoint = true\nuse_dualstack_endpoint = true",
            &[],
            "https://oidc-fips.us-east-1.api.aws",
            "https://portal.sso-fips.us-east-1.api.aws",
        ),
        (
            "env false beats profile fips",
            "use_fips_endpoint = true",
            &[("AWS_USE_FIPS_ENDPOINT", "false")],
            DEFAULT_ENDPOINTS.0,
            DEFAULT_ENDPOINTS.1,
        ),
        (
            "fips ignored with ignored overrides",
            "use_fips_endpoint = true\nendpoint_url = http://localhost:5\nignore_configured_endpoint_urls = true",
            &[],
            "https://oidc-fips.us-east-1.amazonaws.com",
            "https://portal.sso-fips.us-east-1.amazonaws.com",
        ),
    ];
    let half = "[services half]\nSSO_OIDC =\n  Endpoint_Url = http://localhost:7\n";
    for (name, profile_extra, vars, oidc, portal) in cases {
        let got = endpoints_of(profile_extra, &format!("{services}{half}"), vars)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(got.oidc, *oidc, "{name}");
        assert_eq!(got.portal, *portal, "{name}");
    }
}

#[test]
fn endpoint_errors() {
    type Case<'a> = (
        &'a str,
        &'a str,
        &'a str,
        &'a [(&'a str, &'a str)],
        &'a [&'a str],
    );
    let cases: &[Case] = &[
        (
            "insecure env endpoint",
            "",
            "",
            &[("AWS_ENDPOINT_URL_SSO_OIDC", "http://sso.example.com")],
            &[
                "http://sso.example.com",
                "environment variable AWS_ENDPOINT_URL_SSO_OIDC",
                "clear text",
            ],
        ),
        (
            "insecure profile endpoint",
            "endpoint_url = http://10.1.1.1:80",
            "",
            &[],
            &[
                "http://10.1.1.1:80",
                "[profile dev] in <config> line 3",
                "clear text",
            ],
        ),
        (
            "insecure services endpoint",
            "services = s",
            "[services s]\nsso =\n  endpoint_url = http://example.com\n",
            &[],
            &["sso endpoint_url in [services s] in <config>", "clear text"],
        ),
        (
            "malformed endpoint",
            "",
            "",
            &[("AWS_ENDPOINT_URL", "localhost:8080")],
            &[
                "invalid AWS_ENDPOINT_URL",
                "\"localhost:8080\"",
                "no scheme",
            ],
        ),
        (
            "fips with custom endpoint",
            "use_fips_endpoint = true\nendpoint_url = https://x.example",
            "",
            &[],
            &[
                "FIPS cannot be combined with a custom endpoint",
                "[profile dev]",
            ],
        ),
        (
            "dualstack with custom endpoint",
            "",
            "",
            &[
                ("AWS_USE_DUALSTACK_ENDPOINT", "true"),
                ("AWS_ENDPOINT_URL", "https://x.example"),
            ],
            &["dual-stack cannot be combined", "AWS_ENDPOINT_URL"],
        ),
        (
            "bad boolean in env",
            "",
            "",
            &[("AWS_USE_FIPS_ENDPOINT", "yes")],
            &[
                "invalid use_fips_endpoint",
                "\"yes\"",
                "environment variable AWS_USE_FIPS_ENDPOINT",
                "true or false",
            ],
        ),
        (
            "bad boolean in profile",
            "use_dualstack_endpoint = 1",
            "",
            &[],
            &[
                "invalid use_dualstack_endpoint",
                "[profile dev] in <config> line 3",
            ],
        ),
    ];
    for (name, profile_extra, extra, vars, parts) in cases {
        let e = endpoints_of(profile_extra, extra, vars).expect_err(name);
        let message = e.to_string();
        for part in *parts {
            assert!(message.contains(part), "{name}: {part:?} not in: {message}");
        }
    }
}

#[test]
fn missing_services_section_is_a_warning() {
    let config = format!("[profile dev]\nsso_session = my-sso\nservices = gone\n{SESSION}");
    let p = resolve(&config, "dev").unwrap();
    assert_eq!(p.session.endpoints.oidc, DEFAULT_ENDPOINTS.0);
    assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
    assert_mentions(&p.warnings[0], &["services = gone", "[services gone]"]);
}

#[test]
fn other_partitions_from_session_region() {
    let config = "[profile cn]\nsso_session = c\n[sso-session c]\nsso_region = cn-north-1\n\
                  sso_start_url = https://start.example.cn\n";
    let p = resolve(config, "cn").unwrap();
    assert_eq!(
        p.session.endpoints.oidc,
        "https://oidc.cn-north-1.amazonaws.com.cn"
    );
    assert_eq!(
        p.session.endpoints.portal,
        "https://portal.sso.cn-north-1.amazonaws.com.cn"
    );
}

#[test]
fn debug_output_never_shows_secrets() {
    let config = AwsConfig::from_texts(
        "[profile p]\naws_secret_access_key = cfgSECRETvalue\nregion = us-east-1\n",
        "[p]\naws_access_key_id = AKIAEXAMPLEID\naws_secret_access_key = credsSECRETvalue\n\
         [q]\nsomething = credsOTHERvalue\n",
    )
    .unwrap();
    let shown = format!("{config:?}");
    for secret in [
        "cfgSECRETvalue",
        "credsSECRETvalue",
        "AKIAEXAMPLEID",
        "credsOTHERvalue",
    ] {
        assert!(!shown.contains(secret), "{secret} leaked: {shown}");
    }
    assert!(shown.contains("us-east-1"), "{shown}");
    assert!(shown.contains("** redacted **"), "{shown}");
}

#[test]
fn token_only_error_message() {
    let e = ConfigError::TokenOnlyProfile {
        profile: "t".to_owned(),
    };
    assert_mentions(
        &e.to_string(),
        &["\"t\"", "token-only", "sso_account_id", "[profile t]"],
    );
}

#[test]
fn sso_use_device_code_is_read_from_the_session_and_checked() {
    let with = |value: &str| {
        format!(
            "[profile dev]\nsso_session = s\n[sso-session s]\nsso_start_url = https://x.com\nsso_region = us-east-1\nsso_use_device_code = {value}\n"
        )
    };
    for (value, expected) in [
        ("true", true),
        ("TRUE", true),
        ("false", false),
        ("", false),
    ] {
        let profile = resolve(&with(value), "dev").unwrap();
        assert_eq!(profile.session.use_device_code, expected, "{value:?}");
        let session = AwsConfig::from_texts(&with(value), "")
            .unwrap()
            .resolve_sso_session("s", &no_env())
            .unwrap();
        assert_eq!(session.use_device_code, expected, "{value:?}");
    }
    assert!(
        !resolve(SESSION_PROFILE, "dev")
            .unwrap()
            .session
            .use_device_code
    );
    let (e, message) = err(&with("yes"), "dev");
    assert!(matches!(e, ConfigError::InvalidValue { ref key, .. } if key == "sso_use_device_code"));
    assert_mentions(
        &message,
        &[
            "invalid sso_use_device_code \"yes\"",
            "[sso-session s] in <config> line 6",
            "expected true or false",
        ],
    );
    // A legacy profile has no sso-session: the key there means nothing.
    let legacy = "[profile old]\nsso_start_url = https://x.com\nsso_region = us-east-1\n\
                  sso_account_id = 111122223333\nsso_role_name = R\nsso_use_device_code = true\n";
    assert!(!resolve(legacy, "old").unwrap().session.use_device_code);
}

const SESSION_PROFILE: &str = "[profile dev]\nsso_session = my-sso\n\
    [sso-session my-sso]\n\
    sso_start_url = https://d-1234567890.awsapps.com/start\n\
    sso_region = us-east-1\n";
