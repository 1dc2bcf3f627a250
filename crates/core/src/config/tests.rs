//! Table-driven tests of the file format rules.

use std::fmt::Write as _;
use std::path::Path;

use super::index::ParsedFile;
use super::parse::parse;
use super::*;

/// A compact picture of a parsed file: `kind:name{key=value|key=value}` per section,
/// in file order, values with `\n` shown as `⏎`.
fn dump(file: &ParsedFile) -> String {
    let mut out = String::new();
    let groups: [(&str, &[Section]); 3] = [
        ("p", file.profiles()),
        ("s", file.sso_sessions()),
        ("v", file.services_sections()),
    ];
    for (tag, sections) in groups {
        for section in sections {
            let props: Vec<String> = section
                .properties()
                .map(|p| format!("{}={}", p.key(), p.value().replace('\n', "⏎")))
                .collect();
            let _ = write!(out, "{tag}:{}{{{}}} ", section.name(), props.join("|"));
        }
    }
    out.trim_end().to_owned()
}

fn config(text: &str) -> Result<ParsedFile, ConfigError> {
    parse(text, FileKind::Config, Path::new("/h/.aws/config"))
}

fn credentials(text: &str) -> Result<ParsedFile, ConfigError> {
    parse(
        text,
        FileKind::Credentials,
        Path::new("/h/.aws/credentials"),
    )
}

#[test]
fn config_file_rules() {
    let cases: &[(&str, &str, &str)] = &[
        ("empty", "", ""),
        ("only blanks", "\n\n  \n\t\n", ""),
        ("lf", "[profile a]\nk = v\n", "p:a{k=v}"),
        ("crlf", "[profile a]\r\nk = v\r\nj = w\r\n", "p:a{k=v|j=w}"),
        ("no final newline", "[profile a]\nk = v", "p:a{k=v}"),
        (
            "comment lines",
            "# c\n; c\n[profile a]\n  # indented comment\nk = v\n;x\n",
            "p:a{k=v}",
        ),
        ("default", "[default]\nk = v", "p:default{k=v}"),
        ("header trimmed", "[  profile \t a \t]\nk=v", "p:a{k=v}"),
        ("tab after profile", "[profile\ta]\nk=v", "p:a{k=v}"),
        (
            "many spaces after profile",
            "[profile    a]\nk=v",
            "p:a{k=v}",
        ),
        (
            "comment after header",
            "[profile a] ; note\nk=v",
            "p:a{k=v}",
        ),
        ("hash right after header", "[profile a]# x\nk=v", "p:a{k=v}"),
        (
            "bare name ignored",
            "[a]\nk=v\n[profile b]\nk=w",
            "p:b{k=w}",
        ),
        ("profile without space ignored", "[profilea]\nk=v", ""),
        (
            "misspelt prefix ignored",
            "[sso-sesion x]\nk=v\n[profil y]\nk=v",
            "",
        ),
        (
            "sso-session",
            "[sso-session s]\nsso_region = us-east-1",
            "s:s{sso_region=us-east-1}",
        ),
        (
            "services",
            "[services x]\nsso =\n  endpoint_url = http://localhost:1",
            "v:x{sso=⏎endpoint_url = http://localhost:1}",
        ),
        (
            "all name chars",
            "[profile aZ9-/.%@_:+é]\nk=v",
            "p:aZ9-/.%@_:+é{k=v}",
        ),
        (
            "space in name ignored",
            "[profile a b]\nk=v\n  cont\n[profile c]\nk=w",
            "p:c{k=w}",
        ),
        ("star in name ignored", "[profile a*]\nk=v", ""),
        ("empty name ignored", "[profile ]\nk=v\n[]\nk=v", ""),
        (
            "profile default wins after",
            "[default]\na=1\n[profile default]\nb=2",
            "p:default{b=2}",
        ),
        (
            "profile default wins before",
            "[profile default]\nb=2\n[default]\na=1",
            "p:default{b=2}",
        ),
        (
            "bare default kept in order",
            "[profile x]\nk=v\n[default]\na=1\n[profile y]\nk=w",
            "p:x{k=v} p:default{a=1} p:y{k=w}",
        ),
        (
            "split at first =",
            "[default]\nk = a = b",
            "p:default{k=a = b}",
        ),
        (
            "url keeps colon",
            "[default]\nu = https://x:8/y",
            "p:default{u=https://x:8/y}",
        ),
        ("colon separator", "[default]\nk: v", "p:default{k=v}"),
        ("colon first", "[default]\nk: a=b", "p:default{k=a=b}"),
        ("no spaces", "[default]\nk=v", "p:default{k=v}"),
        ("empty value", "[default]\nk =", "p:default{k=}"),
        ("value trimmed", "[default]\nk = \t v \t ", "p:default{k=v}"),
        (
            "invalid key ignored",
            "[default]\na b = 1\na* = 2\nc = 3",
            "p:default{c=3}",
        ),
        (
            "keys case-insensitive, last wins",
            "[default]\nRegion = a\nregion = b",
            "p:default{region=b}",
        ),
        ("inline ; comment", "[default]\nk = v ; c", "p:default{k=v}"),
        (
            "inline # comment",
            "[default]\nk = v\t# c",
            "p:default{k=v}",
        ),
        (
            "; without space is value",
            "[default]\nk = v;x#y",
            "p:default{k=v;x#y}",
        ),
        (
            "comment right after =",
            "[default]\nk = ;c",
            "p:default{k=}",
        ),
        (
            "comment char glued to =",
            "[default]\nk=#v",
            "p:default{k=#v}",
        ),
        (
            "continuation",
            "[default]\nk = a\n  b # c\n\tc ; d",
            "p:default{k=a⏎b # c⏎c ; d}",
        ),
        (
            "continuation over blank",
            "[default]\nk = a\n\n  b",
            "p:default{k=a⏎b}",
        ),
        (
            "continuation of ignored key",
            "[default]\na b = 1\n  more\nc = 3",
            "p:default{c=3}",
        ),
        (
            "sub-properties",
            "[services s]\nsso_oidc =\n  endpoint_url = http://localhost:1\n\n  x=y\nsso = \n endpoint_url=https://a",
            "v:s{sso_oidc=⏎endpoint_url = http://localhost:1⏎x = y|sso=⏎endpoint_url = https://a}",
        ),
        (
            "sub-properties after comment-only value",
            "[services s]\nsso = # c\n  a = b",
            "v:s{sso=⏎a = b}",
        ),
        (
            "sections merge",
            "[profile a]\nk=1\nj=1\n[profile b]\nk=2\n[profile a]\nk=3\nl=3",
            "p:a{k=3|j=1|l=3} p:b{k=2}",
        ),
        ("bom skipped", "\u{feff}[default]\nk=v", "p:default{k=v}"),
        (
            "unicode values",
            "[default]\nk = ünï ☃",
            "p:default{k=ünï ☃}",
        ),
        (
            "indented header is a continuation",
            "[default]\nk = a\n [x]",
            "p:default{k=a⏎[x]}",
        ),
    ];
    for (name, text, expected) in cases {
        let parsed = config(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(dump(&parsed), *expected, "{name}");
        // CRLF never changes the result.
        if text.contains('\r') {
            continue;
        }
        let crlf = text.replace('\n', "\r\n");
        let parsed = config(&crlf).unwrap_or_else(|e| panic!("{name} (crlf): {e}"));
        assert_eq!(dump(&parsed), *expected, "{name} (crlf)");
    }
}

#[test]
fn credentials_file_rules() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "bare names",
            "[default]\naws_access_key_id = A\n[dev]\nk=v",
            "p:default{aws_access_key_id=A} p:dev{k=v}",
        ),
        (
            "profile prefix ignored",
            "[profile dev]\nk=v\n[ok]\nk=w",
            "p:ok{k=w}",
        ),
        ("sso-session is not special", "[sso-session x]\nk=v", ""),
        ("names with valid chars", "[a.b@c]\nk=v", "p:a.b@c{k=v}"),
    ];
    for (name, text, expected) in cases {
        let parsed = credentials(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(dump(&parsed), *expected, "{name}");
    }
}

#[test]
fn syntax_errors_name_file_and_line() {
    let cases: &[(&str, &str, usize, &str)] = &[
        (
            "header without ]",
            "[default]\nk=v\n[profile a\n",
            3,
            "no closing `]`",
        ),
        (
            "comment inside header",
            "[profile a#b]",
            1,
            "no closing `]`",
        ),
        ("text after ]", "[profile a] junk", 1, "after the `]`"),
        (
            "property before header",
            "\n\nk = v\n[default]",
            3,
            "before the first section header",
        ),
        (
            "text before header",
            "hello\n[default]",
            1,
            "before the first section header",
        ),
        (
            "indented before header",
            "  k = v\n[default]",
            1,
            "before the first section header",
        ),
        ("no separator", "[default]\nk = v\njunk", 3, "has no `=`"),
        (
            "no separator in ignored section",
            "[nope]\njunk",
            2,
            "has no `=`",
        ),
        ("empty key", "[default]\n= v", 2, "no name before the `=`"),
        (
            "empty key colon",
            "[default]\n:v",
            2,
            "no name before the `=`",
        ),
        ("empty key in ignored section", "[nope]\n= v", 2, "no name"),
        (
            "indented after header",
            "[default]\n  k = v",
            2,
            "right after a section header",
        ),
        (
            "indented after ignored header",
            "[nope]\n  k = v",
            2,
            "right after a section header",
        ),
        (
            "sub-property without =",
            "[services s]\nsso =\n  endpoint_url",
            3,
            "sub-property",
        ),
        (
            "sub-property empty name",
            "[services s]\nsso =\n  = x",
            3,
            "no name",
        ),
        (
            "crlf line numbers",
            "[default]\r\nk=v\r\n\r\nbad\r\n",
            4,
            "has no `=`",
        ),
    ];
    for (name, text, line, why) in cases {
        let err = config(text).expect_err(name);
        let message = err.to_string();
        match &err {
            ConfigError::Parse {
                path, line: got, ..
            } => {
                assert_eq!(path, Path::new("/h/.aws/config"), "{name}");
                assert_eq!(got, line, "{name}: {message}");
            }
            other => panic!("{name}: unexpected {other:?}"),
        }
        assert!(
            message.starts_with(&format!("/h/.aws/config line {line}: ")),
            "{name}: {message}"
        );
        assert!(message.contains(why), "{name}: {message}");
    }
}

#[test]
fn errors_never_repeat_a_line_that_may_hold_a_secret() {
    let err = credentials("[default]\nwJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n").unwrap_err();
    assert!(!err.to_string().contains("wJalrXUtnFEMI"), "{err}");
    let err = credentials("[default]\n = wJalrXUtnFEMI\n").unwrap_err();
    assert!(!err.to_string().contains("wJalrXUtnFEMI"), "{err}");
}

#[test]
fn property_details() {
    let file = config(
        "[profile a]\n\
         sso_session = my-sso ; team\n\
         plain = x\n\
         Cont = a # b\n  more ; c\n\
         [services s]\n\
         sso_oidc =\n  endpoint_url = http://localhost:1\n  Endpoint_URL = http://localhost:2\n",
    )
    .unwrap();
    let a = file.profile("a").unwrap();
    assert_eq!(a.line(), 1);
    assert_eq!(a.kind(), SectionKind::Profile);
    assert_eq!(a.header(), "[profile a]");
    assert_eq!(a.len(), 3);
    let s = a.get("SSO_SESSION").unwrap();
    assert_eq!(
        (s.value(), s.raw_value(), s.line()),
        ("my-sso", "my-sso ; team", 2)
    );
    assert!(s.had_inline_comment());
    let plain = a.get("plain").unwrap();
    assert_eq!(
        (plain.raw_value(), plain.had_inline_comment()),
        ("x", false)
    );
    let cont = a.get("cont").unwrap();
    assert_eq!(cont.key(), "Cont");
    assert_eq!(cont.value(), "a\nmore ; c");
    assert_eq!(cont.raw_value(), "a # b\nmore ; c");
    assert!(cont.sub_properties().is_empty());
    let svc = file.services("s").unwrap().get("sso_oidc").unwrap();
    assert_eq!(svc.sub_properties().len(), 2);
    assert_eq!(svc.sub_property("endpoint_url"), Some("http://localhost:2"));
    assert_eq!(svc.file(), FileKind::Config);
    assert!(
        file.profile("A").is_none(),
        "profile names are case-sensitive"
    );
}

#[test]
fn ignored_things_are_reported_as_warnings() {
    let file =
        config("[dev]\nk=v\n[profile ok]\nbad key = 1\n[default]\n[profile default]\n").unwrap();
    let warnings = file.warnings().join("\n");
    assert!(
        warnings.contains("/h/.aws/config line 1: section [dev] ignored"),
        "{warnings}"
    );
    assert!(warnings.contains("[profile NAME]"), "{warnings}");
    assert!(
        warnings.contains("line 4: key \"bad key\" ignored"),
        "{warnings}"
    );
    assert!(
        warnings.contains("line 5: section [default] ignored"),
        "{warnings}"
    );
}

#[test]
fn large_sections_use_an_index_and_stay_correct() {
    let mut text = String::from("[default]\n");
    for i in 0..100 {
        let _ = writeln!(text, "Key{i} = {i}");
    }
    text.push_str("KEY7 = last\nkey99 =\n  a = b\n");
    let file = config(&text).unwrap();
    let d = file.profile("default").unwrap();
    assert_eq!(d.len(), 100);
    assert_eq!(d.value("key7"), Some("last"));
    assert_eq!(d.value("KEY0"), Some("0"));
    assert_eq!(d.get("key99").unwrap().sub_property("A"), Some("b"));
    assert_eq!(d.properties().nth(7).unwrap().value(), "last");
    assert!(d.get("key100").is_none());
}

#[test]
fn file_kind_and_section_headers_display() {
    assert_eq!(FileKind::Config.to_string(), "config");
    assert_eq!(FileKind::Credentials.to_string(), "credentials");
    let file = config("[default]\n[sso-session s]\n[services v]\n").unwrap();
    assert_eq!(file.profile("default").unwrap().header(), "[default]");
    assert_eq!(file.sso_session("s").unwrap().header(), "[sso-session s]");
    assert_eq!(file.services("v").unwrap().header(), "[services v]");
    let creds = credentials("[dev]\n").unwrap();
    assert_eq!(creds.profile("dev").unwrap().header(), "[dev]");
    assert_eq!(creds.kind(), FileKind::Credentials);
    assert!(creds.profile("dev").unwrap().is_empty());
}
