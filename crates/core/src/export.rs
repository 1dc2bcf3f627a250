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

/// Renders credentials in `format`, byte for byte as the AWS CLI does (the process
/// JSON with a 2-space indent, its key order, `Expiration` with `+00:00`, and a
/// trailing newline).
pub fn export_credentials(c: &CachedRoleCredentials, format: ExportFormat) -> String {
    let mut out = String::with_capacity(1024);
    match format {
        ExportFormat::Process => {
            let json_str = |s: &str| serde_json::Value::from(s).to_string();
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
                let _ = match line_format {
                    ExportFormat::Env => writeln!(out, "export {k}={v}"),
                    ExportFormat::EnvNoExport => writeln!(out, "{k}={v}"),
                    ExportFormat::Powershell => writeln!(out, "$Env:{k}=\"{v}\""),
                    ExportFormat::WindowsCmd => writeln!(out, "set {k}={v}"),
                    ExportFormat::Fish => writeln!(out, "set -gx {k} \"{v}\""),
                    ExportFormat::Process => Ok(()),
                };
            }
        }
    }
    out
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
            export_credentials(&creds(), ExportFormat::Process),
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
            let out = export_credentials(&c, format);
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
}
