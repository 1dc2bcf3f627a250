use super::*;

const SSO: &str = "[profile sso]\n\
                   sso_session = corp\n\
                   sso_account_id = 111122223333\n\
                   sso_role_name = ReadOnly\n\
                   region = eu-west-1\n\
                   [sso-session corp]\n\
                   sso_start_url = https://d-1234567890.awsapps.com/start\n\
                   sso_region = us-east-1\n";

fn env() -> Env {
    Env::from_vars([("HOME", "/h")])
}

fn resolve(extra: &str, profile: &str, env: &Env) -> Result<SsoProfile, ConfigError> {
    let text = format!("{SSO}{extra}");
    AwsConfig::from_texts(&text, "")
        .expect("parses")
        .resolve_sso_profile(profile, env)
}

fn err(extra: &str, profile: &str) -> String {
    let e = resolve(extra, profile, &env()).unwrap_err().to_string();
    // One line, without the gaps of a string literal joined without `\`.
    assert!(!e.contains("  ") && !e.contains('\n'), "{e:?}");
    e
}

#[test]
fn a_two_hop_chain_resolves_to_its_sso_root_with_the_hops_in_order() {
    let profile = resolve(
        "[profile middle]\n\
         role_arn = arn:aws:iam::222233334444:role/Middle\n\
         source_profile = sso\n\
         role_session_name = me\n\
         duration_seconds = 1800\n\
         external_id = ext-1\n\
         [profile top]\n\
         role_arn = arn:aws:iam::333344445555:role/Top\n\
         source_profile = middle\n",
        "top",
        &env(),
    )
    .unwrap();
    assert_eq!(profile.name, "top");
    assert_eq!(profile.account_id.as_deref(), Some("111122223333"));
    assert_eq!(profile.session.name.as_deref(), Some("corp"));
    // The top profile has no region, and neither has the profile as botocore sees it
    // (the root's region only picks the STS endpoint, below).
    assert_eq!(profile.region, None);
    let chain = profile.chain.expect("a chain");
    assert_eq!(chain.root_profile, "sso");
    assert_eq!(chain.describe(), "top -> middle -> sso");
    assert_eq!(
        chain.hops,
        vec![
            RoleHop {
                profile: "middle".into(),
                role_arn: "arn:aws:iam::222233334444:role/Middle".into(),
                role_session_name: Some("me".into()),
                duration_seconds: Some(1800),
                external_id: Some("ext-1".into()),
            },
            RoleHop {
                profile: "top".into(),
                role_arn: "arn:aws:iam::333344445555:role/Top".into(),
                role_session_name: None,
                duration_seconds: None,
                external_id: None,
            },
        ]
    );
    // The top profile has no region: the SSO root's.
    assert_eq!(chain.sts.url, "https://sts.eu-west-1.amazonaws.com");
    assert_eq!(chain.sts.signing_region, "eu-west-1");
}

#[test]
fn an_sso_profile_has_no_chain_and_role_arn_wins_over_sso_settings() {
    assert_eq!(resolve("", "sso", &env()).unwrap().chain, None);
    // A profile with its own SSO settings and role_arn: the hop, from source_profile.
    let p = resolve(
        "[profile both]\n\
         sso_session = corp\n\
         sso_account_id = 999999999999\n\
         sso_role_name = Other\n\
         role_arn = arn:aws:iam::222233334444:role/R\n\
         source_profile = sso\n",
        "both",
        &env(),
    )
    .unwrap();
    assert_eq!(p.account_id.as_deref(), Some("111122223333"));
    assert_eq!(p.chain.unwrap().hops.len(), 1);
}

#[test]
fn without_any_region_the_global_endpoint() {
    let text = SSO.replace("region = eu-west-1\n", "")
        + "[profile r]\nrole_arn = arn:aws:iam::222233334444:role/R\nsource_profile = sso\n";
    let p = AwsConfig::from_texts(&text, "")
        .unwrap()
        .resolve_sso_profile("r", &env())
        .unwrap();
    let sts = p.chain.unwrap().sts;
    assert_eq!(sts.url, "https://sts.amazonaws.com");
    assert_eq!(sts.signing_region, "us-east-1");
}

#[test]
fn the_sts_endpoint_follows_region_legacy_setting_and_overrides() {
    let hop = "[profile r]\n\
               role_arn = arn:aws:iam::222233334444:role/R\n\
               source_profile = sso\n\
               region = ap-southeast-2\n";
    let sts = |extra: &str, env: &Env| resolve(extra, "r", env).unwrap().chain.unwrap().sts;
    let s = sts(hop, &env());
    assert_eq!(s.url, "https://sts.ap-southeast-2.amazonaws.com");
    assert_eq!(s.signing_region, "ap-southeast-2");
    // The environment's region beats the profile's; China has its own DNS suffix.
    let s = sts(
        hop,
        &Env::from_vars([("HOME", "/h"), ("AWS_REGION", "cn-north-1")]),
    );
    assert_eq!(s.url, "https://sts.cn-north-1.amazonaws.com.cn");
    let legacy = format!("{hop}sts_regional_endpoints = legacy\n");
    let s = sts(&legacy, &env());
    assert_eq!(s.url, "https://sts.amazonaws.com");
    assert_eq!(s.signing_region, "us-east-1");
    // Legacy leaves a region outside the old global set regional.
    let s = sts(
        &legacy,
        &Env::from_vars([("HOME", "/h"), ("AWS_REGION", "af-south-1")]),
    );
    assert_eq!(s.url, "https://sts.af-south-1.amazonaws.com");
    let s = sts(
        hop,
        &Env::from_vars([
            ("HOME", "/h"),
            ("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9/sts"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:8"),
        ]),
    );
    assert_eq!(s.url, "http://127.0.0.1:9/sts");
    assert_eq!(s.signing_region, "ap-southeast-2");
    let services = format!(
        "{hop}services = local\n[services local]\nsts =\n  endpoint_url = https://sts.example.com\n"
    );
    assert_eq!(sts(&services, &env()).url, "https://sts.example.com");
    let e = resolve(
        &format!("{hop}sts_regional_endpoints = sometimes\n"),
        "r",
        &env(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("sts_regional_endpoints") && e.contains("regional or legacy"),
        "{e}"
    );
    let e = resolve(
        hop,
        "r",
        &Env::from_vars([
            ("HOME", "/h"),
            ("AWS_ENDPOINT_URL_STS", "http://sts.example.com"),
        ]),
    )
    .unwrap_err();
    assert!(matches!(e, ConfigError::InsecureEndpoint { .. }), "{e}");
}

#[test]
fn broken_chains_name_every_profile() {
    let e = err(
        "[profile a]\nrole_arn = arn:aws:iam::222233334444:role/A\nsource_profile = b\n\
         [profile b]\nrole_arn = arn:aws:iam::222233334444:role/B\nsource_profile = a\n",
        "a",
    );
    assert!(e.contains("loop: a -> b -> a"), "{e}");
    let e = err(
        "[profile a]\nrole_arn = arn:aws:iam::222233334444:role/A\nsource_profile = a\n",
        "a",
    );
    assert!(e.contains("loop: a -> a"), "{e}");
    let e = err(
        "[profile a]\nrole_arn = arn:aws:iam::222233334444:role/A\nsource_profile = b\n\
         [profile b]\nrole_arn = arn:aws:iam::222233334444:role/B\nsource_profile = ss0\n",
        "a",
    );
    assert!(
        e.contains("\"b\" has source_profile = ss0")
            && e.contains("chain: a -> b")
            && e.contains("did you mean \"sso\""),
        "{e}"
    );
    let e = err(
        "[profile a]\nrole_arn = arn:aws:iam::222233334444:role/A\n",
        "a",
    );
    assert!(e.contains("no source_profile"), "{e}");
}

#[test]
fn unsupported_settings_are_refused_with_what_ssokit_supports() {
    let e = err(
        "[profile a]\nrole_arn = arn:aws:iam::222233334444:role/A\ncredential_source = Ec2InstanceMetadata\n",
        "a",
    );
    assert!(
        e.contains("credential_source = Ec2InstanceMetadata") && e.contains("only from SSO"),
        "{e}"
    );
    let e = err(
        "[profile a]\nrole_arn = arn:aws:iam::222233334444:role/A\nsource_profile = sso\n\
         mfa_serial = arn:aws:iam::222233334444:mfa/me\n",
        "a",
    );
    assert!(
        e.contains("not supported by ssokit yet") && e.contains("chain: a"),
        "{e}"
    );
    let e = err(
        "[profile keys]\naws_access_key_id = AKIAEXAMPLE\n\
         [profile a]\nrole_arn = arn:aws:iam::222233334444:role/A\nsource_profile = keys\n",
        "a",
    );
    assert!(
        e.contains("\"keys\"") && e.contains("a -> keys") && e.contains("static access keys"),
        "{e}"
    );
    assert!(!e.contains("AKIAEXAMPLE"), "{e}");
    let e = err(
        "[profile empty]\nregion = us-east-1\n\
         [profile a]\nrole_arn = arn:aws:iam::222233334444:role/A\nsource_profile = empty\n",
        "a",
    );
    assert!(e.contains("no SSO settings"), "{e}");
    let e = err(
        "[profile tok]\nsso_session = corp\n\
         [profile a]\nrole_arn = arn:aws:iam::222233334444:role/A\nsource_profile = tok\n",
        "a",
    );
    assert!(e.contains("no sso_account_id"), "{e}");
    let e = err(
        "[profile a]\nrole_arn = arn:aws:iam::nope\nsource_profile = sso\n",
        "a",
    );
    assert!(e.contains("invalid role_arn"), "{e}");
}

#[test]
fn durations_are_checked_as_role_chaining() {
    for (value, needle) in [
        ("7200", "role chaining"),
        ("3601", "at most 3600"),
        ("899", "shorter than 900"),
        ("1h", "not a whole number"),
    ] {
        let e = err(
            &format!(
                "[profile a]\nrole_arn = arn:aws:iam::222233334444:role/A\nsource_profile = sso\n\
                 duration_seconds = {value}\n"
            ),
            "a",
        );
        assert!(
            e.contains(needle) && e.contains("profile \"a\""),
            "{value}: {e}"
        );
    }
    let ok = resolve(
        "[profile a]\nrole_arn = arn:aws:iam::222233334444:role/A\nsource_profile = sso\n\
         duration_seconds = 3600\n",
        "a",
        &env(),
    )
    .unwrap();
    assert_eq!(ok.chain.unwrap().hops[0].duration_seconds, Some(3600));
}

#[test]
fn a_source_profile_with_its_own_credentials_ends_the_chain_as_in_botocore() {
    // role_arn and static keys: botocore uses the keys, so ssokit cannot start there.
    let e = err(
        "[profile mid]\nrole_arn = arn:aws:iam::222233334444:role/Mid\nsource_profile = sso\n\
         aws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s\n\
         [profile a]\nrole_arn = arn:aws:iam::222233334444:role/A\nsource_profile = mid\n",
        "a",
    );
    assert!(
        e.contains("\"mid\"") && e.contains("a -> mid") && e.contains("static access keys"),
        "{e}"
    );
    // role_arn, static keys and SSO settings: its own providers, SSO first — it is
    // the root, and its role_arn is not a hop.
    let p = resolve(
        "[profile mid]\nrole_arn = arn:aws:iam::222233334444:role/Mid\nsource_profile = sso\n\
         aws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s\n\
         sso_session = corp\nsso_account_id = 444455556666\nsso_role_name = Mine\n\
         [profile a]\nrole_arn = arn:aws:iam::222233334444:role/A\nsource_profile = mid\n",
        "a",
        &env(),
    )
    .unwrap();
    assert_eq!(p.account_id.as_deref(), Some("444455556666"));
    let chain = p.chain.unwrap();
    assert_eq!(chain.describe(), "a -> mid");
    assert_eq!(chain.hops.len(), 1);
    // A profile that is its own source, with SSO settings and keys: one hop from them.
    let p = resolve(
        "[profile self]\nrole_arn = arn:aws:iam::222233334444:role/S\nsource_profile = self\n\
         aws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s\n\
         sso_session = corp\nsso_account_id = 444455556666\nsso_role_name = Mine\n",
        "self",
        &env(),
    )
    .unwrap();
    let chain = p.chain.unwrap();
    assert_eq!(chain.root_profile, "self");
    assert_eq!(chain.hops.len(), 1);
    // Without the SSO settings: the static keys, refused (not a loop).
    let e = err(
        "[profile self]\nrole_arn = arn:aws:iam::222233334444:role/S\nsource_profile = self\n\
         aws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s\n",
        "self",
    );
    assert!(
        e.contains("static access keys") && !e.contains("loop"),
        "{e}"
    );
}

#[test]
fn a_credential_process_source_is_named_as_such() {
    let e = err(
        "[profile proc]\ncredential_process = /bin/false\n\
         [profile a]\nrole_arn = arn:aws:iam::222233334444:role/A\nsource_profile = proc\n",
        "a",
    );
    assert!(
        e.contains("credential_process") && e.contains("a -> proc") && !e.contains("/bin/false"),
        "{e}"
    );
}

#[test]
fn fips_and_dual_stack_pick_those_sts_endpoints() {
    let hop = "[profile r]\n\
               role_arn = arn:aws:iam::222233334444:role/R\n\
               source_profile = sso\n\
               region = ap-southeast-2\n";
    let sts = |extra: &str, env: &Env| resolve(extra, "r", env).unwrap().chain.unwrap().sts;
    let fips = Env::from_vars([("HOME", "/h"), ("AWS_USE_FIPS_ENDPOINT", "true")]);
    let s = sts(hop, &fips);
    assert_eq!(s.url, "https://sts-fips.ap-southeast-2.amazonaws.com");
    assert_eq!(s.signing_region, "ap-southeast-2");
    let s = sts(&format!("{hop}use_dualstack_endpoint = true\n"), &env());
    assert_eq!(s.url, "https://sts.ap-southeast-2.api.aws");
    // No regional choice to make without a region: us-east-1's, not the global host.
    let text = SSO.replace("region = eu-west-1\n", "")
        + "[profile g]\nrole_arn = arn:aws:iam::222233334444:role/R\nsource_profile = sso\n";
    let s = AwsConfig::from_texts(&text, "")
        .unwrap()
        .resolve_sso_profile("g", &fips)
        .unwrap()
        .chain
        .unwrap()
        .sts;
    assert_eq!(s.url, "https://sts-fips.us-east-1.amazonaws.com");
    assert_eq!(s.signing_region, "us-east-1");
    // An endpoint override still wins.
    let s = sts(
        hop,
        &Env::from_vars([
            ("HOME", "/h"),
            ("AWS_USE_FIPS_ENDPOINT", "true"),
            ("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9"),
        ]),
    );
    assert_eq!(s.url, "http://127.0.0.1:9");
}
