//! Credentials as `aws configure export-credentials --format F` prints them: the
//! `credential_process` JSON and the shell formats.

use std::fmt::Write as _;
use std::str::FromStr;

use crate::cache::CachedRoleCredentials;
use crate::time::format_timestamp_offset;

/// An output format of `aws configure export-credentials`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExportFormat {
    /// The `credential_process` JSON (`Version` 1).
    #[default]
    Process,
    /// `export K=V` lines (POSIX shells).
    Env,
    /// `K=V` lines.
    EnvNoExport,
    /// `$Env:K="V"` lines.
    Powershell,
    /// `set K=V` lines.
    WindowsCmd,
    /// `set -gx K "V"` lines.
    Fish,
}

impl ExportFormat {
    /// Every format, by its command-line name.
    pub const ALL: [(&'static str, ExportFormat); 6] = [
        ("process", Self::Process),
        ("env", Self::Env),
        ("env-no-export", Self::EnvNoExport),
        ("powershell", Self::Powershell),
        ("windows-cmd", Self::WindowsCmd),
        ("fish", Self::Fish),
    ];

    /// The command-line name.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, f)| *f == self)
            .map_or("process", |(n, _)| n)
    }
}

/// An unknown format name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown credentials format {0:?}: use one of process, env, env-no-export, powershell, windows-cmd, fish"
)]
pub struct UnknownFormat(pub String);

impl FromStr for ExportFormat {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .iter()
            .find(|(n, _)| *n == s)
            .map(|(_, f)| *f)
            .ok_or_else(|| UnknownFormat(s.to_owned()))
    }
}

/// The credentials an SDK provider returned, in the form the exporters take. Without
/// an expiry (never the case for SSO credentials) the expiration is the Unix epoch.
pub fn from_sdk_credentials(c: &aws_credential_types::Credentials) -> CachedRoleCredentials {
    CachedRoleCredentials {
        access_key_id: c.access_key_id().to_owned(),
        secret_access_key: crate::secret::SecretAccessKey::new(c.secret_access_key()),
        session_token: crate::secret::SessionToken::new(c.session_token().unwrap_or_default()),
        expiration: c.expiry().unwrap_or(std::time::UNIX_EPOCH),
        account_id: c.account_id().map(|a| a.as_str().to_owned()),
        extra: Default::default(),
    }
}

/// The environment variables of credentials, in the AWS CLI's order.
pub fn credential_vars(c: &CachedRoleCredentials) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_ACCESS_KEY_ID", c.access_key_id.clone()),
        (
            "AWS_SECRET_ACCESS_KEY",
            c.secret_access_key.expose_secret().to_owned(),
        ),
        (
            "AWS_SESSION_TOKEN",
            c.session_token.expose_secret().to_owned(),
        ),
        (
            "AWS_CREDENTIAL_EXPIRATION",
            format_timestamp_offset(c.expiration),
        ),
    ]
}

/// Credentials that a shell format cannot print safely. The message names the
/// variable and the character, never the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// A value holds a control character (a newline, an escape, ...): no real
    /// credential does, and a terminal or shell would act on it.
    #[error(
        "{name} holds a control character (U+{code:04X}), which real credentials never do: not printing it in the {format} format; the SSO endpoint sent an invalid value, log in again or check the endpoint"
    )]
    ControlCharacter {
        /// The variable (`AWS_SESSION_TOKEN`, ...).
        name: &'static str,
        /// The format asked for.
        format: &'static str,
        /// The character's code point.
        code: u32,
    },
    /// A value holds a character that `cmd.exe` interprets (`&`, `|`, `%`, `"`,
    /// ...): a `set` line cannot quote it.
    #[error(
        "{name} holds `{character}`, which cmd.exe would interpret and a windows-cmd `set` line cannot quote: not printing it; use the powershell or process format"
    )]
    UnsafeForCmd {
        /// The variable.
        name: &'static str,
        /// The character.
        character: char,
    },
}

/// Characters a value may hold and still be printed bare in every shell format, as
/// the AWS CLI prints it: base64 (access key ids, secrets, session tokens) and
/// RFC 3339 timestamps, plus a few that no shell (nor cmd.exe) interprets.
fn is_plain(c: char) -> bool {
    c.is_ascii_alphanumeric() || "+/=-_.:,@".contains(c)
}

/// A POSIX sh word for `value`: bare when only [`is_plain`] characters (and neither
/// a leading `=` nor a `:=`, which zsh expands to a command's path in an assignment),
/// else single quotes with each `'` written `'\''`.
fn sh_word(value: &str) -> String {
    if value.chars().all(is_plain) && !value.starts_with('=') && !value.contains(":=") {
        value.to_owned()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}

/// A fish word: the AWS CLI's double quotes when only [`is_plain`] characters (no
/// `$`, `\` or `"` to expand), else single quotes, where fish reads only `\'` and
/// `\\` as escapes.
fn fish_word(value: &str) -> String {
    if value.chars().all(is_plain) {
        format!("\"{value}\"")
    } else {
        format!("'{}'", value.replace('\\', r"\\").replace('\'', r"\'"))
    }
}

/// A PowerShell string: the AWS CLI's double quotes when only [`is_plain`]
/// characters (no `$` or backtick to expand), else single quotes, with every
/// single-quote character (PowerShell also reads U+2018..U+201B as one) doubled.
fn powershell_word(value: &str) -> String {
    if value.chars().all(is_plain) {
        format!("\"{value}\"")
    } else {
        let mut out = String::with_capacity(value.len() + 2);
        out.push('\'');
        for c in value.chars() {
            if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
                out.push(c);
            }
            out.push(c);
        }
        out.push('\'');
        out
    }
}

/// Renders credentials in `format`, byte for byte as the AWS CLI does (the process
/// JSON with a 2-space indent, its key order, `Expiration` with `+00:00`, and a
/// trailing newline) — except that the shell formats quote any value that holds a
/// character the shell would interpret, so that `eval` of the output only sets the
/// variables. Real credentials (base64) never need it and come out unchanged.
///
/// # Errors
/// A shell format and a value holding a control character, or the windows-cmd format
/// and a value holding a character cmd.exe interprets ([`ExportError`]). The process
/// JSON escapes every control character and never fails.
pub fn export_credentials(
    c: &CachedRoleCredentials,
    format: ExportFormat,
) -> Result<String, ExportError> {
    let mut out = String::with_capacity(1024);
    match format {
        ExportFormat::Process => {
            // JSON escapes C0 controls; DEL and C1 are escaped too, for terminals.
            let json_str = |s: &str| {
                let mut out = String::with_capacity(s.len() + 2);
                for c in serde_json::Value::from(s).to_string().chars() {
                    if c.is_control() {
                        let _ = write!(out, "\\u{:04x}", u32::from(c));
                    } else {
                        out.push(c);
                    }
                }
                out
            };
            let _ = write!(
                out,
                "{{\n  \"Version\": 1,\n  \"AccessKeyId\": {},\n  \"SecretAccessKey\": {},\n  \"SessionToken\": {},\n  \"Expiration\": {}\n}}\n",
                json_str(&c.access_key_id),
                json_str(c.secret_access_key.expose_secret()),
                json_str(c.session_token.expose_secret()),
                json_str(&format_timestamp_offset(c.expiration)),
            );
        }
        line_format => {
            for (k, v) in credential_vars(c) {
                if let Some(bad) = v.chars().find(|c| c.is_control()) {
                    return Err(ExportError::ControlCharacter {
                        name: k,
                        format: line_format.name(),
                        code: u32::from(bad),
                    });
                }
                let _ = match line_format {
                    ExportFormat::Env => writeln!(out, "export {k}={}", sh_word(&v)),
                    ExportFormat::EnvNoExport => writeln!(out, "{k}={}", sh_word(&v)),
                    ExportFormat::Powershell => writeln!(out, "$Env:{k}={}", powershell_word(&v)),
                    ExportFormat::WindowsCmd => {
                        if let Some(bad) = v.chars().find(|c| !is_plain(*c)) {
                            return Err(ExportError::UnsafeForCmd {
                                name: k,
                                character: bad,
                            });
                        }
                        writeln!(out, "set {k}={v}")
                    }
                    ExportFormat::Fish => writeln!(out, "set -gx {k} {}", fish_word(&v)),
                    ExportFormat::Process => Ok(()),
                };
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::{SecretAccessKey, SessionToken};
    use std::time::{Duration, UNIX_EPOCH};

    fn creds() -> CachedRoleCredentials {
        CachedRoleCredentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: SecretAccessKey::new("se/cret+key"),
            session_token: SessionToken::new("tok=="),
            expiration: UNIX_EPOCH + Duration::from_secs(1_795_817_045),
            account_id: Some("111122223333".into()),
            extra: Default::default(),
        }
    }

    #[test]
    fn process_output_is_the_aws_cli_bytes() {
        assert_eq!(
            export_credentials(&creds(), ExportFormat::Process).unwrap(),
            "{\n  \"Version\": 1,\n  \"AccessKeyId\": \"ASIAEXAMPLE\",\n  \"SecretAccessKey\": \"se/cret+key\",\n  \"SessionToken\": \"tok==\",\n  \"Expiration\": \"2026-11-27T22:04:05+00:00\"\n}\n"
        );
    }

    #[test]
    fn line_formats() {
        let c = creds();
        let cases = [
            (ExportFormat::Env, "export AWS_ACCESS_KEY_ID=ASIAEXAMPLE\n"),
            (ExportFormat::EnvNoExport, "AWS_ACCESS_KEY_ID=ASIAEXAMPLE\n"),
            (
                ExportFormat::Powershell,
                "$Env:AWS_ACCESS_KEY_ID=\"ASIAEXAMPLE\"\n",
            ),
            (
                ExportFormat::WindowsCmd,
                "set AWS_ACCESS_KEY_ID=ASIAEXAMPLE\n",
            ),
            (
                ExportFormat::Fish,
                "set -gx AWS_ACCESS_KEY_ID \"ASIAEXAMPLE\"\n",
            ),
        ];
        for (format, first) in cases {
            let out = export_credentials(&c, format).unwrap();
            assert!(out.starts_with(first), "{format:?}: {out}");
            let names: Vec<&str> = [
                "AWS_ACCESS_KEY_ID",
                "AWS_SECRET_ACCESS_KEY",
                "AWS_SESSION_TOKEN",
                "AWS_CREDENTIAL_EXPIRATION",
            ]
            .to_vec();
            let mut last = 0;
            for name in names {
                let at = out.find(name).unwrap();
                assert!(at >= last, "{format:?}: order");
                last = at;
            }
            assert_eq!(out.lines().count(), 4);
            assert!(out.contains("2026-11-27T22:04:05+00:00"));
        }
    }

    #[test]
    fn format_names_round_trip() {
        for (name, format) in ExportFormat::ALL {
            assert_eq!(name.parse::<ExportFormat>(), Ok(format));
            assert_eq!(format.name(), name);
        }
        assert!("json".parse::<ExportFormat>().is_err());
    }

    /// Credentials shaped like real ones: base64 with `+`, `/` and `=`.
    fn real() -> CachedRoleCredentials {
        CachedRoleCredentials {
            access_key_id: "ASIAQ3EXAMPLE7ZKQ4WD".into(),
            secret_access_key: SecretAccessKey::new("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
            session_token: SessionToken::new(
                "IQoJb3JpZ2luX2VjEOj//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+x/Yz9Ab1c2Vy==",
            ),
            expiration: UNIX_EPOCH + Duration::from_secs(1_795_817_045),
            account_id: None,
            extra: Default::default(),
        }
    }

    fn with_values(key: &str, secret: &str, token: &str) -> CachedRoleCredentials {
        CachedRoleCredentials {
            access_key_id: key.into(),
            secret_access_key: SecretAccessKey::new(secret),
            session_token: SessionToken::new(token),
            ..real()
        }
    }

    #[test]
    fn real_credentials_come_out_exactly_as_the_aws_cli_prints_them() {
        let (k, s, t, e) = (
            "ASIAQ3EXAMPLE7ZKQ4WD",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            "IQoJb3JpZ2luX2VjEOj//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+x/Yz9Ab1c2Vy==",
            "2026-11-27T22:04:05+00:00",
        );
        let c = real();
        let line = |f: ExportFormat| export_credentials(&c, f).unwrap();
        assert_eq!(
            line(ExportFormat::Env),
            format!(
                "export AWS_ACCESS_KEY_ID={k}\nexport AWS_SECRET_ACCESS_KEY={s}\nexport AWS_SESSION_TOKEN={t}\nexport AWS_CREDENTIAL_EXPIRATION={e}\n"
            )
        );
        assert_eq!(
            line(ExportFormat::EnvNoExport),
            format!(
                "AWS_ACCESS_KEY_ID={k}\nAWS_SECRET_ACCESS_KEY={s}\nAWS_SESSION_TOKEN={t}\nAWS_CREDENTIAL_EXPIRATION={e}\n"
            )
        );
        assert_eq!(
            line(ExportFormat::Powershell),
            format!(
                "$Env:AWS_ACCESS_KEY_ID=\"{k}\"\n$Env:AWS_SECRET_ACCESS_KEY=\"{s}\"\n$Env:AWS_SESSION_TOKEN=\"{t}\"\n$Env:AWS_CREDENTIAL_EXPIRATION=\"{e}\"\n"
            )
        );
        assert_eq!(
            line(ExportFormat::WindowsCmd),
            format!(
                "set AWS_ACCESS_KEY_ID={k}\nset AWS_SECRET_ACCESS_KEY={s}\nset AWS_SESSION_TOKEN={t}\nset AWS_CREDENTIAL_EXPIRATION={e}\n"
            )
        );
        assert_eq!(
            line(ExportFormat::Fish),
            format!(
                "set -gx AWS_ACCESS_KEY_ID \"{k}\"\nset -gx AWS_SECRET_ACCESS_KEY \"{s}\"\nset -gx AWS_SESSION_TOKEN \"{t}\"\nset -gx AWS_CREDENTIAL_EXPIRATION \"{e}\"\n"
            )
        );
    }

    /// Evaluates `script` in `shell` and returns the four variables it set.
    #[cfg(unix)]
    fn eval_in(shell: &str, script: &str) -> Vec<String> {
        let out = std::process::Command::new(shell)
            .arg("-c")
            .arg(
                "eval \"$1\" && printf '%s\\0' \"$AWS_ACCESS_KEY_ID\" \"$AWS_SECRET_ACCESS_KEY\" \"$AWS_SESSION_TOKEN\" \"$AWS_CREDENTIAL_EXPIRATION\"",
            )
            .arg(shell)
            .arg(script)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{shell}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        text.split_terminator('\0').map(str::to_owned).collect()
    }

    #[test]
    fn values_zsh_would_expand_are_quoted() {
        assert_eq!(sh_word("x:=ls"), "'x:=ls'");
        assert_eq!(sh_word("=ls"), "'=ls'");
        assert_eq!(sh_word("a:b=c"), "a:b=c");
    }

    #[test]
    #[cfg(unix)]
    fn sh_and_bash_read_back_every_value_and_run_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("pwned");
        let m = marker.display();
        let payloads = [
            format!("$(touch {m})"),
            format!("`touch {m}`"),
            format!("x; touch {m}"),
            format!("x' ; touch {m} ; echo '"),
            format!("x\" ; touch {m} ; echo \""),
            format!("a&&touch {m}||b|c>d<e"),
            "it's a 'quoted' \\ back\\slash ~user *.* ? [a] {a,b} !! # % ^ é ∀".to_owned(),
            "${HOME} $HOME $((1+1))".to_owned(),
            "=ls".to_owned(),
            "x:=ls".to_owned(),
            String::new(),
        ];
        let mut shells = vec!["sh"];
        // zsh expands `=cmd` at the start of a word and after `:` in an assignment.
        for extra in ["bash", "zsh"] {
            if std::process::Command::new(extra)
                .arg("-c")
                .arg("true")
                .status()
                .is_ok()
            {
                shells.push(extra);
            }
        }
        for payload in &payloads {
            let c = with_values(payload, &format!("s{payload}"), &format!("{payload}t"));
            for format in [ExportFormat::Env, ExportFormat::EnvNoExport] {
                let script = export_credentials(&c, format).unwrap();
                for shell in &shells {
                    let got = eval_in(shell, &script);
                    assert_eq!(
                        got,
                        [
                            payload.clone(),
                            format!("s{payload}"),
                            format!("{payload}t"),
                            "2026-11-27T22:04:05+00:00".to_owned()
                        ],
                        "{shell} {format:?}: {script}"
                    );
                    assert!(
                        !marker.exists(),
                        "{shell} {format:?} ran a command: {script}"
                    );
                }
            }
        }
        // Real values too: they round-trip through the unquoted output.
        for shell in &shells {
            let got = eval_in(
                shell,
                &export_credentials(&real(), ExportFormat::Env).unwrap(),
            );
            assert_eq!(got[2], real().session_token.expose_secret());
        }
    }

    #[test]
    fn fish_and_powershell_quote_what_they_would_expand() {
        let c = with_values("$(touch x)", "a'b\\c\"d`e", "p\u{2019}q");
        let fish = export_credentials(&c, ExportFormat::Fish).unwrap();
        assert_eq!(
            fish.lines().take(3).collect::<Vec<_>>(),
            [
                "set -gx AWS_ACCESS_KEY_ID '$(touch x)'",
                "set -gx AWS_SECRET_ACCESS_KEY 'a\\'b\\\\c\"d`e'",
                "set -gx AWS_SESSION_TOKEN 'p\u{2019}q'",
            ]
        );
        let ps = export_credentials(&c, ExportFormat::Powershell).unwrap();
        assert_eq!(
            ps.lines().take(3).collect::<Vec<_>>(),
            [
                "$Env:AWS_ACCESS_KEY_ID='$(touch x)'",
                "$Env:AWS_SECRET_ACCESS_KEY='a''b\\c\"d`e'",
                "$Env:AWS_SESSION_TOKEN='p\u{2019}\u{2019}q'",
            ]
        );
    }

    #[test]
    fn windows_cmd_refuses_what_it_cannot_quote() {
        for bad in [
            '&', '|', '<', '>', '^', '%', '!', '"', '(', ')', ' ', '\'', '$',
        ] {
            let c = with_values("ASIAEXAMPLE", "secret", &format!("tok{bad}en"));
            let e = export_credentials(&c, ExportFormat::WindowsCmd).unwrap_err();
            assert_eq!(
                e,
                ExportError::UnsafeForCmd {
                    name: "AWS_SESSION_TOKEN",
                    character: bad
                }
            );
            let message = e.to_string();
            assert!(
                message.contains("AWS_SESSION_TOKEN") && !message.contains("tok"),
                "{message}"
            );
        }
    }

    #[test]
    fn control_characters_are_refused_by_every_shell_format() {
        for bad in ['\n', '\r', '\x1b', '\0', '\x7f', '\u{9b}'] {
            let c = with_values("ASIAEXAMPLE", &format!("sec{bad}ret"), "tok");
            for (_, format) in ExportFormat::ALL {
                let got = export_credentials(&c, format);
                if format == ExportFormat::Process {
                    let json = got.unwrap();
                    assert!(
                        !json.chars().any(|c| c.is_control() && c != '\n'),
                        "{json:?}"
                    );
                    continue;
                }
                let e = got.unwrap_err();
                assert!(
                    matches!(
                        e,
                        ExportError::ControlCharacter {
                            name: "AWS_SECRET_ACCESS_KEY",
                            ..
                        }
                    ),
                    "{format:?}: {e:?}"
                );
                assert!(!e.to_string().contains("sec"), "{e}");
            }
        }
    }
}
