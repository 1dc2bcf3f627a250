//! Console sign-in: a URL that opens the AWS console as the profile's role, as
//! aws-sso-cli, granted and aws-vault make it.
//!
//! With the role credentials ([`crate::SsoCredentialsProvider`]), one
//! `GET <base>/federation?Action=getSigninToken&Session=<JSON>` (no
//! `SessionDuration`: the credentials of a role session refuse it) returns a sign-in
//! token; the URL is then
//! `<base>/federation?Action=login&Issuer=ssokit&Destination=<console URL>&SigninToken=<token>`.
//! `<base>` is the partition's sign-in host (`https://signin.aws.amazon.com`,
//! `https://signin.amazonaws.cn`, `https://signin.amazonaws-us-gov.com`) chosen by the
//! region, or the base URL in `AWS_ENDPOINT_URL_SIGNIN`; the default destination is
//! the partition's console home in the profile's region (else the SSO region).
//!
//! The URL carries the token ([`SigninUrl`] never prints it by `Debug`); the request
//! carries the credentials in its query, which is never logged nor put in an error.
//!
//! Needs the `extras` cargo feature (on by default).

pub mod error;

use url::Url;

pub use self::error::ConsoleError;
use crate::Error;
use crate::client::SigninClient;
use crate::env::Env;
use crate::secret::{SecretAccessKey, SessionToken, SigninUrl};
use crate::sso::Sso;

/// The `Issuer` of the login URL.
pub const ISSUER: &str = "ssokit";

/// The variable that overrides the sign-in base URL (as in the AWS SDKs).
pub const ENDPOINT_VAR: &str = "AWS_ENDPOINT_URL_SIGNIN";

/// An AWS partition, as far as console sign-in needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Partition {
    /// `aws`: the commercial regions.
    Aws,
    /// `aws-cn`: China (`cn-*`).
    AwsCn,
    /// `aws-us-gov`: AWS GovCloud (US) (`us-gov-*`).
    AwsUsGov,
}

impl Partition {
    /// The partition of a region: `cn-*` is `aws-cn`, `us-gov-*` is `aws-us-gov`, any
    /// other `aws`.
    pub fn of_region(region: &str) -> Self {
        if region.starts_with("cn-") {
            Self::AwsCn
        } else if region.starts_with("us-gov-") {
            Self::AwsUsGov
        } else {
            Self::Aws
        }
    }

    /// The partition's name (`aws`, `aws-cn`, `aws-us-gov`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Aws => "aws",
            Self::AwsCn => "aws-cn",
            Self::AwsUsGov => "aws-us-gov",
        }
    }

    /// The sign-in base URL.
    pub fn signin_base(self) -> &'static str {
        match self {
            Self::Aws => "https://signin.aws.amazon.com",
            Self::AwsCn => "https://signin.amazonaws.cn",
            Self::AwsUsGov => "https://signin.amazonaws-us-gov.com",
        }
    }

    /// The console home of `region` in this partition.
    pub fn console_home(self, region: &str) -> String {
        let domain = match self {
            Self::Aws => "console.aws.amazon.com",
            Self::AwsCn => "console.amazonaws.cn",
            Self::AwsUsGov => "console.amazonaws-us-gov.com",
        };
        format!("https://{region}.{domain}/")
    }
}

/// The sign-in base URL for `region`: `AWS_ENDPOINT_URL_SIGNIN` when set (non-empty),
/// else the partition's.
pub fn signin_base(region: &str, env: &Env) -> String {
    env.get_non_empty(ENDPOINT_VAR)
        .map(|base| base.trim().trim_end_matches('/').to_owned())
        .unwrap_or_else(|| Partition::of_region(region).signin_base().to_owned())
}

/// The destination to open: `destination` checked (`https://`, or `http://` to a
/// loopback host), else the console home of `region`.
pub fn destination(destination: Option<&str>, region: &str) -> Result<Url, ConsoleError> {
    let Some(raw) = destination else {
        let home = Partition::of_region(region).console_home(region);
        return Url::parse(&home).map_err(|e| invalid(&home, &e.to_string()));
    };
    let url = Url::parse(raw.trim()).map_err(|e| invalid(raw, &e.to_string()))?;
    let loopback = url.host().is_some_and(|h| crate::client::is_loopback(&h));
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback => Ok(url),
        _ => Err(invalid(raw, "the scheme must be https")),
    }
}

fn invalid(destination: &str, reason: &str) -> ConsoleError {
    ConsoleError::InvalidDestination {
        destination: crate::browser::printable(&destination.chars().take(200).collect::<String>()),
        reason: reason.to_owned(),
    }
}

/// The region console sign-in is for: the profile's `region`, else the SSO region.
pub fn region_of(sso: &Sso) -> String {
    sso.profile()
        .and_then(|p| p.region.clone())
        .unwrap_or_else(|| sso.session().region.clone())
}

/// A console sign-in URL for the role of `sso`'s profile: its credentials (from the
/// caches, else GetRoleCredentials), one getSigninToken at the sign-in endpoint of
/// the profile's partition (or `AWS_ENDPOINT_URL_SIGNIN` in `env`), then the login
/// URL to `destination` (default: the console home of the profile's region).
///
/// Fails as the credentials do (not logged in, the session ended: with the login
/// remedy), with [`ConsoleError`] for a bad destination, or with the sign-in
/// endpoint's error (which never holds the credentials).
pub async fn console_url(
    sso: &Sso,
    destination: Option<&str>,
    env: &Env,
) -> Result<SigninUrl, Error> {
    let region = region_of(sso);
    let destination = self::destination(destination, &region)?;
    let http = sso.http_client_with(sso.http_settings())?;
    let client = SigninClient::with_http_client(&signin_base(&region, env), &http)?;
    let credentials = sso.credentials_provider()?.credentials().await?;
    let token = client
        .get_signin_token(
            credentials.access_key_id(),
            &SecretAccessKey::new(credentials.secret_access_key()),
            &SessionToken::new(credentials.session_token().unwrap_or_default()),
        )
        .await?;
    Ok(client.login_url(ISSUER, &destination, &token))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions_by_region() {
        for (region, partition, base, home) in [
            (
                "eu-west-1",
                Partition::Aws,
                "https://signin.aws.amazon.com",
                "https://eu-west-1.console.aws.amazon.com/",
            ),
            (
                "cn-north-1",
                Partition::AwsCn,
                "https://signin.amazonaws.cn",
                "https://cn-north-1.console.amazonaws.cn/",
            ),
            (
                "us-gov-west-1",
                Partition::AwsUsGov,
                "https://signin.amazonaws-us-gov.com",
                "https://us-gov-west-1.console.amazonaws-us-gov.com/",
            ),
        ] {
            assert_eq!(Partition::of_region(region), partition);
            assert_eq!(
                signin_base(region, &Env::from_vars::<_, &str, &str>([])),
                base
            );
            assert_eq!(
                destination(None, region).map(String::from).ok().as_deref(),
                Some(home)
            );
        }
    }

    #[test]
    fn the_endpoint_variable_overrides_the_base() {
        let env = Env::from_vars([(ENDPOINT_VAR, "http://127.0.0.1:4000/")]);
        assert_eq!(signin_base("cn-north-1", &env), "http://127.0.0.1:4000");
        let empty = Env::from_vars([(ENDPOINT_VAR, "")]);
        assert_eq!(
            signin_base("eu-west-1", &empty),
            "https://signin.aws.amazon.com"
        );
    }

    #[test]
    fn destinations_must_be_https() {
        assert!(destination(Some("https://console.aws.amazon.com/s3/"), "eu-west-1").is_ok());
        assert!(destination(Some("http://127.0.0.1:9/x"), "eu-west-1").is_ok());
        for bad in ["http://example.com/", "javascript:alert(1)", "not a url"] {
            let err = Error::from(
                destination(Some(bad), "eu-west-1")
                    .err()
                    .unwrap_or_else(|| panic!("{bad}")),
            );
            assert_eq!(err.kind(), crate::ErrorKind::Usage, "{bad}");
        }
    }
}
