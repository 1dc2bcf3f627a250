//! Cache file names, byte for byte as the AWS CLI computes them.

use std::fmt::Write as _;

use sha1::{Digest, Sha1};

use crate::config::SsoSession;

/// Lowercase hex SHA-1 of `data`.
pub(crate) fn sha1_hex(data: &[u8]) -> String {
    let digest = Sha1::digest(data);
    let mut out = String::with_capacity(40);
    for byte in digest.iter() {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// The token cache key: lowercase hex SHA-1 of the sso-session name, or of the
/// legacy start URL exactly as configured (no trimming or normalising).
pub fn token_cache_key(session_name_or_start_url: &str) -> String {
    sha1_hex(session_name_or_start_url.as_bytes())
}

/// The client-registration cache key: SHA-1 of the text Python's
/// `json.dumps(args, sort_keys=True)` gives for
/// `{"tool": "botocore", "startUrl", "region", "scopes", "session_name"}`, reproduced
/// byte for byte (", " and ": " separators, `\uXXXX` escapes for non-ASCII) so that
/// ssokit and the AWS CLI share one registration.
pub fn registration_cache_key(
    start_url: &str,
    region: &str,
    scopes: Option<&[String]>,
    session_name: Option<&str>,
) -> String {
    let mut json = String::with_capacity(160);
    json.push_str("{\"region\": ");
    push_py_str(&mut json, region);
    json.push_str(", \"scopes\": ");
    match scopes {
        None => json.push_str("null"),
        Some(list) => {
            json.push('[');
            for (i, scope) in list.iter().enumerate() {
                if i > 0 {
                    json.push_str(", ");
                }
                push_py_str(&mut json, scope);
            }
            json.push(']');
        }
    }
    json.push_str(", \"session_name\": ");
    match session_name {
        None => json.push_str("null"),
        Some(name) => push_py_str(&mut json, name),
    }
    json.push_str(", \"startUrl\": ");
    push_py_str(&mut json, start_url);
    json.push_str(", \"tool\": \"botocore\"}");
    sha1_hex(json.as_bytes())
}

/// What a role-credentials cache entry is scoped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleCacheScope<'a> {
    /// An sso-session profile: the session name.
    Session(&'a str),
    /// A legacy profile: the start URL as configured.
    StartUrl(&'a str),
}

impl<'a> RoleCacheScope<'a> {
    /// What `session`'s role credentials are scoped by: the session name, else the
    /// start URL (legacy profiles).
    pub fn for_session(session: &'a SsoSession) -> Self {
        match &session.name {
            Some(name) => Self::Session(name),
            None => Self::StartUrl(&session.start_url),
        }
    }
}

/// The role-credentials cache key (`~/.aws/cli/cache/<key>.json`): SHA-1 of the
/// minified, key-sorted JSON of `{"accountId", "roleName", "sessionName"}` (or
/// `"startUrl"` for legacy profiles), as the AWS CLI computes it.
pub fn role_cache_key(account_id: &str, role_name: &str, scope: RoleCacheScope<'_>) -> String {
    let mut json = String::with_capacity(128);
    json.push_str("{\"accountId\":");
    push_py_str(&mut json, account_id);
    json.push_str(",\"roleName\":");
    push_py_str(&mut json, role_name);
    match scope {
        RoleCacheScope::Session(name) => {
            json.push_str(",\"sessionName\":");
            push_py_str(&mut json, name);
        }
        RoleCacheScope::StartUrl(url) => {
            json.push_str(",\"startUrl\":");
            push_py_str(&mut json, url);
        }
    }
    json.push('}');
    sha1_hex(json.as_bytes())
}

/// The AWS CLI's cache key of an `AssumeRole` (`~/.aws/cli/cache/<key>.json`), as
/// botocore's `AssumeRoleCredentialFetcher` computes it: SHA-1 of Python's
/// `json.dumps(args, sort_keys=True)` (`", "` and `": "` separators, `\uXXXX`
/// escapes for non-ASCII) over the request's `DurationSeconds` (a number),
/// `ExternalId`, `RoleArn` and `RoleSessionName` — the last only when it was
/// configured, not the generated `botocore-session-<seconds>` — then `:` and `/`
/// replaced by `_`.
pub fn assume_role_cache_key(
    role_arn: &str,
    role_session_name: Option<&str>,
    duration_seconds: Option<u32>,
    external_id: Option<&str>,
) -> String {
    let mut json = String::with_capacity(160);
    json.push('{');
    let mut sep = "";
    if let Some(d) = duration_seconds {
        let _ = write!(json, "\"DurationSeconds\": {d}");
        sep = ", ";
    }
    if let Some(id) = external_id {
        json.push_str(sep);
        json.push_str("\"ExternalId\": ");
        push_py_str(&mut json, id);
        sep = ", ";
    }
    json.push_str(sep);
    json.push_str("\"RoleArn\": ");
    push_py_str(&mut json, role_arn);
    if let Some(name) = role_session_name {
        json.push_str(", \"RoleSessionName\": ");
        push_py_str(&mut json, name);
    }
    json.push('}');
    sha1_hex(json.as_bytes()).replace([':', '/'], "_")
}

/// Appends `value` as Python's `json.dumps` (with `ensure_ascii=True`) writes a
/// string: quoted, with `\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`, and `\uXXXX`
/// (lowercase hex, surrogate pairs) for every other character outside `' '..='~'`.
fn push_py_str(out: &mut String, value: &str) {
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if !(' '..='~').contains(&c) => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_key_vectors() {
        assert_eq!(
            token_cache_key("admin"),
            "d033e22ae348aeb5660fc2140aec35850c4da997"
        );
        assert_eq!(
            token_cache_key("https://d-abc123.awsapps.com/start"),
            "40a89917e3175433e361b710a9d43528d7f1890a"
        );
    }

    #[test]
    fn token_key_does_not_normalise() {
        assert_ne!(
            token_cache_key("https://d-abc123.awsapps.com/start/"),
            token_cache_key("https://d-abc123.awsapps.com/start")
        );
    }

    #[test]
    fn registration_key_vector() {
        assert_eq!(
            registration_cache_key(
                "https://d-abc123.awsapps.com/start",
                "us-west-2",
                None,
                None
            ),
            "d75f79f67bab3f92a2b1450471c0c2574de0dca4"
        );
    }

    #[test]
    fn python_string_encoding() {
        let mut s = String::new();
        push_py_str(&mut s, "a\"b\\c\n\t\u{1}é€😀\u{7f}/");
        assert_eq!(
            s,
            "\"a\\\"b\\\\c\\n\\t\\u0001\\u00e9\\u20ac\\ud83d\\ude00\\u007f/\""
        );
    }

    #[test]
    fn registration_key_matches_python_for_scopes_and_non_ascii_names() {
        // Expected values computed with CPython's json.dumps(sort_keys=True) + sha1.
        let scopes = vec!["sso:account:access".to_string(), "x".to_string()];
        assert_eq!(
            registration_cache_key(
                "https://d-abc123.awsapps.com/start",
                "us-west-2",
                Some(&scopes),
                Some("café-😀 \"q\"\u{1}")
            ),
            "b8ba078a4202a40d7889c040e5d8984f2188ccbe"
        );
        assert_eq!(
            registration_cache_key(
                "https://d-abc123.awsapps.com/start",
                "us-west-2",
                Some(&[]),
                Some("日本")
            ),
            "d2b12354d90503ce190fe0bf8a142cfee09985c0"
        );
    }

    /// Computed by botocore 1.44.8's own `AssumeRoleCredentialFetcher._cache_key`.
    #[test]
    fn assume_role_key_vectors_from_botocore() {
        let top = "arn:aws:iam::222233334444:role/Top";
        for (arn, name, duration, external, expected) in [
            (
                top,
                None,
                None,
                None,
                "ee206431d9030c21c31cf72534f4e91339197602",
            ),
            (
                top,
                Some("me"),
                None,
                None,
                "d0b0b9d38995266e35fe219a450c70861d2be1dc",
            ),
            (
                top,
                Some("me"),
                Some(1800),
                Some("ext-1"),
                "419777647ff2d6d95da568d024be2c0d61faedec",
            ),
            (
                top,
                None,
                Some(3600),
                None,
                "f6c04cb3b79d9ee0b8e7f59be86de856613d012f",
            ),
            (
                top,
                None,
                None,
                Some("ext-1"),
                "13ddf7ed13ea6d8261261b91d7a9c1c467a61c0a",
            ),
            (
                "arn:aws:iam::222233334444:role/Zo\u{eb}",
                Some("j\u{fc}rgen\"\\x"),
                None,
                Some("id/\u{1f600}:1"),
                "8da8db77dae30cd7e483a018309cc54f8469be39",
            ),
        ] {
            assert_eq!(
                assume_role_cache_key(arn, name, duration, external),
                expected,
                "{arn} {name:?} {duration:?} {external:?}"
            );
        }
    }

    #[test]
    fn role_key_vectors() {
        assert_eq!(
            role_cache_key(
                "1234567890",
                "test-role",
                RoleCacheScope::StartUrl("https://d-92671207e4.awsapps.com/start")
            ),
            "048db75bbe50955c16af7aba6ff9c41a3131bb7e"
        );
        assert_eq!(
            role_cache_key("1234567890", "test-role", RoleCacheScope::Session("my-sso")),
            "18bc34a5b2f41f88de61514ba1805f5dfd0d2093"
        );
    }
}
