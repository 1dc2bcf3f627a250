//! Property tests: the parser and resolver never panic, and rendering a model of a
//! config file then parsing it gives the model back.
//!
//! Case counts (debug build, a few seconds in all): 1,500 arbitrary strings, 1,500
//! ini-alphabet strings, 1,000 structured files resolved under 1 of 6 environments
//! each, 1,000 round trips, 500 credentials round trips: 5,500 inputs.

use std::collections::HashMap;
use std::path::Path;

use proptest::prelude::*;

use super::AwsConfig;
use super::index::ParsedFile;
use super::model::FileKind;
use super::parse::parse;
use crate::env::Env;

fn exercise(text: &str) {
    for kind in [FileKind::Config, FileKind::Credentials] {
        if let Ok(file) = parse(text, kind, Path::new("f")) {
            touch(&file);
        }
    }
    if let Ok(config) = AwsConfig::from_texts(text, text) {
        resolve_all(&config, &Env::from_vars([("HOME", "/h")]));
    }
}

fn touch(file: &ParsedFile) {
    for section in file
        .profiles()
        .iter()
        .chain(file.sso_sessions())
        .chain(file.services_sections())
    {
        for p in section.properties() {
            let _ = (p.value(), p.raw_value(), p.sub_properties(), p.line());
            assert!(section.get(p.key()).is_some());
        }
    }
}

fn resolve_all(config: &AwsConfig, env: &Env) {
    for name in config.profile_names() {
        match config.resolve_sso_profile(&name, env) {
            Ok(p) => {
                assert!(p.account_id.is_some() == p.role_name.is_some());
                assert!(!p.session.endpoints.oidc.ends_with('/'));
                assert!(!p.session.endpoints.portal.ends_with('/'));
            }
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    }
    for name in config.sso_session_names() {
        let _ = config.resolve_sso_session(&name, env);
    }
    let _ = config.resolve_sso_profile("no such profile", env);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn arbitrary_strings_never_panic(text in any::<String>()) {
        exercise(&text);
    }

    #[test]
    fn ini_alphabet_strings_never_panic(
        text in "[\\[\\]=:#; \t\r\nA-Za-z0-9_\\-./é☃\u{feff}]{0,300}"
    ) {
        exercise(&text);
    }
}

/// One line of an ini-like file, from a vocabulary rich in edge cases.
fn line() -> impl Strategy<Value = String> {
    let name = "[a-z0-9]{1,4}|default|my-sso|[a-z ]{1,5}|é|";
    let key = prop_oneof![
        Just("sso_session".to_owned()),
        Just("sso_start_url".to_owned()),
        Just("sso_region".to_owned()),
        Just("sso_account_id".to_owned()),
        Just("sso_role_name".to_owned()),
        Just("sso_registration_scopes".to_owned()),
        Just("services".to_owned()),
        Just("endpoint_url".to_owned()),
        Just("use_fips_endpoint".to_owned()),
        Just("use_dualstack_endpoint".to_owned()),
        Just("ignore_configured_endpoint_urls".to_owned()),
        Just("sso".to_owned()),
        Just("sso_oidc".to_owned()),
        Just("ca_bundle".to_owned()),
        "[A-Za-z_ ]{0,6}",
    ];
    let value = prop_oneof![
        Just(String::new()),
        Just("my-sso".to_owned()),
        Just("a".to_owned()),
        Just("https://d-1234567890.awsapps.com/start".to_owned()),
        Just("http://localhost:8080/".to_owned()),
        Just("http://example.com".to_owned()),
        Just("us-east-1".to_owned()),
        Just("US-EAST-1".to_owned()),
        Just("cn-north-1".to_owned()),
        Just("us-gov-west-1".to_owned()),
        Just("111122223333".to_owned()),
        Just("true".to_owned()),
        Just("TRUE".to_owned()),
        Just("maybe".to_owned()),
        Just("x ; comment".to_owned()),
        Just("x;y#z".to_owned()),
        "[ -~é☃]{0,12}",
    ];
    prop_oneof![
        (
            prop_oneof![
                Just("profile "),
                Just("profile\t"),
                Just("sso-session "),
                Just("services "),
                Just(""),
                Just("profile")
            ],
            name
        )
            .prop_map(|(prefix, name)| format!("[{prefix}{name}]")),
        Just("[default]".to_owned()),
        Just("[profile default] ; c".to_owned()),
        Just("[unclosed".to_owned()),
        Just("[x] junk".to_owned()),
        (
            key.clone(),
            prop_oneof![Just(" = "), Just("="), Just(": "), Just(" :")],
            value.clone()
        )
            .prop_map(|(k, sep, v)| format!("{k}{sep}{v}")),
        (prop_oneof![Just("  "), Just("\t")], key, value.clone())
            .prop_map(|(indent, k, v)| format!("{indent}{k} = {v}")),
        (prop_oneof![Just("  "), Just("\t")], value).prop_map(|(indent, v)| format!("{indent}{v}")),
        Just("# comment".to_owned()),
        Just("; comment".to_owned()),
        Just(String::new()),
        Just("   ".to_owned()),
        "[ -~]{0,10}",
    ]
}

fn env() -> impl Strategy<Value = Env> {
    prop_oneof![
        Just(Env::from_vars([("HOME", "/h")])),
        Just(Env::from_vars([("AWS_ENDPOINT_URL", "http://localhost:1")])),
        Just(Env::from_vars([(
            "AWS_ENDPOINT_URL_SSO_OIDC",
            "http://evil.example"
        )])),
        Just(Env::from_vars([
            ("AWS_USE_FIPS_ENDPOINT", "true"),
            ("AWS_USE_DUALSTACK_ENDPOINT", "true")
        ])),
        Just(Env::from_vars([
            ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"),
            ("AWS_CA_BUNDLE", "/ca")
        ])),
        Just(Env::from_vars([
            ("AWS_USE_FIPS_ENDPOINT", "nope"),
            ("AWS_PROFILE", "a")
        ])),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn structured_files_never_panic(
        lines in prop::collection::vec(line(), 0..40),
        crlf in any::<bool>(),
        env in env(),
    ) {
        let text = lines.join(if crlf { "\r\n" } else { "\n" });
        exercise(&text);
        if let Ok(config) = AwsConfig::from_texts(&text, "") {
            resolve_all(&config, &env);
        }
    }
}

/// Sections as parsed: (kind, name, [(key, value)]).
type Parsed = Vec<(usize, String, Vec<(String, String)>)>;

/// A model section: (kind, name, [(key, first value, continuation lines)]).
type ModelSection = (usize, String, Vec<(String, String, Vec<String>)>);

const WORD: &str = "[a-zA-Z0-9=:/._+é-][a-zA-Z0-9=:/._+#;é-]{0,6}";

fn model_value() -> impl Strategy<Value = String> {
    prop::collection::vec(WORD, 0..3).prop_map(|words| words.join(" "))
}

fn model_continuation() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9=:/._+-]([a-zA-Z0-9 =:/._+#;-]{0,8}[a-zA-Z0-9=:/._+#;-])?"
}

fn model() -> impl Strategy<Value = Vec<ModelSection>> {
    let property = (
        "[a-zA-Z][a-zA-Z0-9_]{0,6}",
        model_value(),
        prop::collection::vec(model_continuation(), 0..3),
    )
        .prop_map(|(k, v, cont)| {
            // An empty first value makes indented lines sub-properties: no continuations.
            let cont = if v.is_empty() { Vec::new() } else { cont };
            (k, v, cont)
        });
    let section = (
        0..3usize,
        "[A-Za-z0-9][A-Za-z0-9_.@%+/:-]{0,6}",
        prop::collection::vec(property, 0..5),
    );
    prop::collection::vec(section, 0..8)
}

/// How the model is written out: spacing, separators, comments, line ends.
#[derive(Debug, Clone)]
struct Style {
    separator: usize,
    comment_after_value: bool,
    comment_lines: bool,
    blank_lines: bool,
    crlf: bool,
    header_comment: bool,
}

fn style() -> impl Strategy<Value = Style> {
    (
        0..4usize,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(separator, comment_after_value, comment_lines, blank_lines, crlf, header_comment)| {
                Style {
                    separator,
                    comment_after_value,
                    comment_lines,
                    blank_lines,
                    crlf,
                    header_comment,
                }
            },
        )
}

fn render(model: &[ModelSection], style: &Style, kind: FileKind) -> String {
    let mut lines = Vec::new();
    if style.comment_lines {
        lines.push("# leading comment".to_owned());
    }
    for (k, name, props) in model {
        let prefix = match (kind, k) {
            (FileKind::Credentials, _) => "",
            (_, 0) => "profile  ",
            (_, 1) => "sso-session\t",
            _ => "services ",
        };
        let comment = if style.header_comment {
            " ; header note"
        } else {
            ""
        };
        lines.push(format!("[ {prefix}{name} ]{comment}"));
        for (key, value, cont) in props {
            let sep = [" = ", "=", ": ", " =\t"][style.separator];
            let mut line = format!("{key}{sep}{value}");
            if style.comment_after_value && !value.is_empty() {
                line.push_str(" # note ; x");
            }
            lines.push(line);
            for c in cont {
                if style.blank_lines {
                    lines.push(String::new());
                }
                if style.comment_lines {
                    lines.push("  ; indented comment line".to_owned());
                }
                lines.push(format!("\t {c}"));
            }
        }
        if style.blank_lines {
            lines.push("  ".to_owned());
        }
    }
    lines.join(if style.crlf { "\r\n" } else { "\n" })
}

/// The model as the rules say it parses: repeated sections merged, the last value of
/// a key (compared case-insensitively) winning at the key's first position.
fn expected(model: &[ModelSection], kind: FileKind) -> Parsed {
    let mut out: Parsed = Vec::new();
    let mut index: HashMap<(usize, String), usize> = HashMap::new();
    for (k, name, props) in model {
        let k = if kind == FileKind::Credentials { 0 } else { *k };
        let i = *index.entry((k, name.clone())).or_insert_with(|| {
            out.push((k, name.clone(), Vec::new()));
            out.len() - 1
        });
        let section = &mut out[i].2;
        for (key, value, cont) in props {
            let mut full = value.clone();
            for c in cont {
                full.push('\n');
                full.push_str(c);
            }
            match section
                .iter_mut()
                .find(|(k2, _)| k2.eq_ignore_ascii_case(key))
            {
                Some(slot) => *slot = (key.clone(), full),
                None => section.push((key.clone(), full)),
            }
        }
    }
    out
}

fn actual(file: &ParsedFile) -> Parsed {
    let mut out = Vec::new();
    for (k, sections) in [
        file.profiles(),
        file.sso_sessions(),
        file.services_sections(),
    ]
    .into_iter()
    .enumerate()
    {
        for s in sections {
            let props = s
                .properties()
                .map(|p| (p.key().to_owned(), p.value().to_owned()))
                .collect();
            out.push((k, s.name().to_owned(), props));
        }
    }
    out
}

fn sorted(mut v: Parsed) -> Parsed {
    // Kinds are listed group by group; within a kind the order is the file order.
    v.sort_by_key(|(k, _, _)| *k);
    v
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn config_round_trip(model in model(), style in style()) {
        let text = render(&model, &style, FileKind::Config);
        let file = parse(&text, FileKind::Config, Path::new("f"))
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(actual(&file), sorted(expected(&model, FileKind::Config)), "{}", text);
        if style.comment_after_value {
            for s in file.profiles() {
                for p in s.properties().filter(|p| !p.value().is_empty()) {
                    prop_assert!(p.had_inline_comment());
                    prop_assert!(p.raw_value().contains("# note ; x"));
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn credentials_round_trip(model in model(), style in style()) {
        let text = render(&model, &style, FileKind::Credentials);
        let file = parse(&text, FileKind::Credentials, Path::new("f"))
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(actual(&file), expected(&model, FileKind::Credentials), "{}", text);
    }
}
