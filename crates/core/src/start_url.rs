//! Custom ("vanity") start URLs, resolved as the AWS CLI does since 2.35.13: a start
//! URL whose host is not an AWS access portal host is asked (`HEAD`, then `GET` when
//! the server refuses `HEAD`) for exactly one redirect, which is read and never
//! followed; its target must be on the allow-list of AWS portal hosts
//! ([`PortalHosts`]), and gives the portal URL the login registers with and the region
//! of the Identity Center instance.
//!
//! The token cache key stays the session name or the start URL as written, and the
//! token file's `startUrl` is the URL as written: only the login's requests (the
//! registration's `issuerUrl`, the device authorization's `startUrl`) and the token
//! file's `region` use what the redirect says.
//!
//! The allow-list can be widened through the API only ([`PortalHosts::allow_host`],
//! `SsoBuilder::portal_hosts`), never through the environment: a local emulator can
//! then play both the custom host and the portal host.

use std::fmt;

use url::{Host, Url};

/// The AWS access portal hosts a custom start URL may redirect to (the allow-list),
/// and the region each names.
///
/// [`PortalHosts::aws`] (the default) holds the AWS-owned hosts:
/// `*.awsapps.com`, `*.awsapps.cn`, `*.awsapps.eu`, `*.portal.amazonaws.com.cn`
/// (no region in the host), `*.portal.<region>.app.aws` and
/// `*.<region>.portal.amazonaws.com` (with their `.cn` and `.eu` variants, and the
/// GovCloud and European Sovereign Cloud regions), and `identitycenter.amazonaws.com`,
/// `.com.cn` and `.eu`. Only `https://` targets are accepted on them.
/// [`PortalHosts::allow_host`] adds one exact host (any port; `http://` accepted when
/// it is a loopback host), for tests against a local emulator.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PortalHosts {
    /// Exact hosts added to the AWS ones, lower case.
    extra: Vec<String>,
}

/// Host suffixes of AWS portals whose host names no region.
const REGIONLESS_SUFFIXES: &[&str] = &[
    ".awsapps.com",
    ".awsapps.cn",
    ".awsapps.eu",
    ".portal.amazonaws.com.cn",
];

/// Identity Center hosts (exact, or any subdomain), which name no region.
const IDENTITY_CENTER_HOSTS: &[&str] = &[
    "identitycenter.amazonaws.com",
    "identitycenter.amazonaws.com.cn",
    "identitycenter.amazonaws.eu",
];

/// `<name>.portal.<region>.<suffix>` hosts.
const PORTAL_REGION_SUFFIXES: &[&str] = &[".app.aws", ".app.aws.cn", ".app.aws.eu"];

/// `<name>.<region>.<suffix>` hosts.
const REGION_PORTAL_SUFFIXES: &[&str] = &[
    ".portal.amazonaws.com",
    ".portal.amazonaws.com.cn",
    ".portal.amazonaws.eu",
];

impl PortalHosts {
    /// The AWS-owned portal hosts (see the type's documentation).
    pub fn aws() -> Self {
        Self::default()
    }

    /// The same allow-list with `host` (compared without case, any port) added: for
    /// tests whose local server plays the portal host. A loopback host may then be
    /// reached over plain `http://`.
    pub fn allow_host(mut self, host: impl Into<String>) -> Self {
        self.extra.push(host.into().to_ascii_lowercase());
        self
    }

    /// What the allow-list says of `url`: `None` when its host is not a portal host
    /// (or an AWS host over plain `http://`), else `Some` with the region its host
    /// names, if any.
    pub fn portal_region(&self, url: &Url) -> Option<Option<String>> {
        let host = url.host()?;
        let name = match &host {
            Host::Domain(name) => name.trim_end_matches('.').to_ascii_lowercase(),
            Host::Ipv4(ip) => ip.to_string(),
            Host::Ipv6(ip) => format!("[{ip}]"),
        };
        let https = url.scheme() == "https";
        if self.extra.contains(&name) {
            let loopback = crate::client::is_loopback(&host);
            return (https || (url.scheme() == "http" && loopback)).then_some(None);
        }
        if !https {
            return None;
        }
        aws_portal_region(&name)
    }
}

/// `Some(region)` for an AWS portal host (`None` inside when it names no region).
fn aws_portal_region(host: &str) -> Option<Option<String>> {
    let label = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    // <name>.portal.<region>.app.aws
    for suffix in PORTAL_REGION_SUFFIXES {
        if let Some(rest) = host.strip_suffix(suffix)
            && let Some((before, region)) = rest.rsplit_once('.')
            && let Some(name) = before.strip_suffix(".portal")
            && !name.is_empty()
            && is_region(region)
        {
            return Some(Some(region.to_owned()));
        }
    }
    // <name>.<region>.portal.amazonaws.com
    for suffix in REGION_PORTAL_SUFFIXES {
        if let Some(rest) = host.strip_suffix(suffix)
            && let Some((name, region)) = rest.rsplit_once('.')
            && !name.is_empty()
            && name.split('.').all(label)
            && is_region(region)
        {
            return Some(Some(region.to_owned()));
        }
    }
    // Regionless hosts last: `x.cn-north-1.portal.amazonaws.com.cn` names a region,
    // `d-123.portal.amazonaws.com.cn` none.
    if REGIONLESS_SUFFIXES.iter().any(|suffix| {
        host.strip_suffix(suffix)
            .is_some_and(|name| !name.is_empty())
    }) {
        return Some(None);
    }
    if IDENTITY_CENTER_HOSTS
        .iter()
        .any(|h| host == *h || host.ends_with(&format!(".{h}")))
    {
        return Some(None);
    }
    None
}

/// `us-east-1`, `us-gov-west-1`, `eusc-de-east-1`: lower-case words, hyphens, a number.
fn is_region(s: &str) -> bool {
    let mut parts = s.split('-');
    let first = parts.next().unwrap_or_default();
    let rest: Vec<&str> = parts.collect();
    let Some((number, words)) = rest.split_last() else {
        return false;
    };
    !first.is_empty()
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && words
            .iter()
            .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase()))
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// Where a start URL leads: the portal URL a login registers with and its region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedStartUrl {
    /// The start URL as written (the token file's `startUrl`).
    pub start_url: String,
    /// The AWS access portal URL: the redirect's target for a custom start URL, else
    /// the start URL itself.
    pub portal_url: String,
    /// The Identity Center region: from the portal host, else the configured
    /// `sso_region`.
    pub region: String,
    /// True when the start URL was a custom one, resolved through its redirect.
    pub redirected: bool,
}

/// Why a custom start URL could not be resolved to an AWS access portal.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartUrlError {
    /// The start URL could not be asked for its redirect (connection, DNS, TLS, time).
    #[error(
        "cannot reach the custom start URL {start_url} to find its AWS access portal: \
         {source}; check the URL and the network, or set sso_start_url to the AWS access \
         portal URL it redirects to (https://d-xxxxxxxxxx.awsapps.com/start)"
    )]
    Unreachable {
        /// The start URL as written.
        start_url: String,
        /// What went wrong.
        #[source]
        source: crate::transport::SendError,
    },

    /// The start URL answered without a redirect.
    #[error(
        "the start URL {start_url} is not an AWS access portal URL and answered HTTP \
         {status} without a redirect to one; set sso_start_url to your AWS access portal \
         URL (https://d-xxxxxxxxxx.awsapps.com/start), or have the custom URL redirect to it"
    )]
    NoRedirect {
        /// The start URL as written.
        start_url: String,
        /// The status of its answer.
        status: u16,
    },

    /// The start URL redirects somewhere that is not an AWS access portal host.
    #[error(
        "the start URL {start_url} redirects to {location:?}, which is not an AWS access \
         portal host (*.awsapps.com, *.portal.REGION.app.aws, *.REGION.portal.amazonaws.com, \
         identitycenter.amazonaws.com or their .cn, .eu and GovCloud variants, over https); \
         ssokit does not log in there: set sso_start_url to your AWS access portal URL, or \
         have the custom URL's redirect fixed"
    )]
    NotAllowed {
        /// The start URL as written.
        start_url: String,
        /// The redirect's target, as it may be shown (control characters removed).
        location: String,
    },

    /// The start URL would be asked for its portal over plain HTTP off this machine.
    #[error(
        "the start URL {start_url} is plain http to another machine: ssokit asks a custom \
         start URL for its AWS access portal only over https (on the way, anyone could \
         answer with a redirect to a portal of theirs); use the https URL"
    )]
    Insecure {
        /// The start URL as written.
        start_url: String,
    },

    /// The portal host names no region and none is configured.
    #[error(
        "the start URL {start_url} redirects to {portal_url}, whose host names no region, \
         and no sso_region is configured; add `sso_region = REGION` (the region of your \
         IAM Identity Center instance)"
    )]
    NoRegion {
        /// The start URL as written.
        start_url: String,
        /// The portal URL it redirects to.
        portal_url: String,
    },

    /// The portal host names another region than the configured `sso_region`.
    #[error(
        "the start URL {start_url} redirects to {portal_url}, in region {region}, but \
         sso_region is {configured}; set `sso_region = {region}`"
    )]
    RegionMismatch {
        /// The start URL as written.
        start_url: String,
        /// The portal URL it redirects to.
        portal_url: String,
        /// The region of the portal host.
        region: String,
        /// The configured `sso_region`.
        configured: String,
    },
}

/// Without control characters, at most 300 characters: a server's text, safe to show.
fn shown(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(300).collect()
}

impl fmt::Display for ResolvedStartUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.redirected {
            write!(
                f,
                "{} -> {} ({})",
                self.start_url, self.portal_url, self.region
            )
        } else {
            write!(f, "{} ({})", self.start_url, self.region)
        }
    }
}

/// Resolves `start_url` (as written) to its portal: no request when its host is on
/// the allow-list; else one `HEAD` (and one `GET` when the answer is 405 or 501),
/// whose redirect (301, 302, 303, 307 or 308 with a `Location`) is read, not
/// followed. `configured_region` is the `sso_region`.
#[cfg(feature = "login")]
pub(crate) async fn resolve(
    start_url: &str,
    configured_region: Option<&str>,
    hosts: &PortalHosts,
    http: &crate::client::HttpClient,
) -> Result<ResolvedStartUrl, StartUrlError> {
    use reqwest::Method;

    let written = start_url.to_owned();
    let not_allowed = |location: &str| StartUrlError::NotAllowed {
        start_url: written.clone(),
        location: shown(location),
    };
    let url = Url::parse(start_url).map_err(|_| not_allowed(start_url))?;
    if let Some(host_region) = hosts.portal_region(&url) {
        // An AWS portal URL: as before, the configured region wins.
        let region = configured_region
            .map(str::to_owned)
            .or(host_region)
            .ok_or_else(|| StartUrlError::NoRegion {
                start_url: written.clone(),
                portal_url: written.clone(),
            })?;
        return Ok(ResolvedStartUrl {
            start_url: written.clone(),
            portal_url: written,
            region,
            redirected: false,
        });
    }
    // Plain HTTP only to this machine (the emulator): a redirect read in clear text
    // could send the login to anyone's portal.
    let local = url
        .host()
        .is_some_and(|host| crate::client::is_loopback(&host));
    if url.scheme() != "https" && !local {
        return Err(StartUrlError::Insecure { start_url: written });
    }
    let unreachable = |source| StartUrlError::Unreachable {
        start_url: written.clone(),
        source,
    };
    let mut response = http
        .send_once(Method::HEAD, url.clone())
        .await
        .map_err(unreachable)?;
    if matches!(response.status(), 405 | 501) {
        tracing::debug!(
            status = response.status(),
            "the start URL refused HEAD; asking with GET"
        );
        response = http
            .send_once(Method::GET, url.clone())
            .await
            .map_err(unreachable)?;
    }
    let status = response.status();
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    // The body is never read: dropping the response ends it.
    drop(response);
    let location = match location {
        Some(location) if matches!(status, 301 | 302 | 303 | 307 | 308) => location,
        _ => {
            return Err(StartUrlError::NoRedirect {
                start_url: written,
                status,
            });
        }
    };
    let target = url
        .join(location.trim())
        .map_err(|_| not_allowed(&location))?;
    // A portal URL has no user, password or port of its own (a port only on this
    // machine, where a local server plays the portal).
    let plain = target.username().is_empty()
        && target.password().is_none()
        && (target.port().is_none()
            || target
                .host()
                .is_some_and(|host| crate::client::is_loopback(&host)));
    let Some(host_region) = hosts.portal_region(&target).filter(|_| plain) else {
        return Err(not_allowed(&location));
    };
    let portal_url = target.to_string();
    let region = match (host_region, configured_region) {
        (Some(region), Some(configured)) if region != configured => {
            return Err(StartUrlError::RegionMismatch {
                start_url: written,
                portal_url,
                region,
                configured: configured.to_owned(),
            });
        }
        (Some(region), _) => region,
        (None, Some(configured)) => configured.to_owned(),
        (None, None) => {
            return Err(StartUrlError::NoRegion {
                start_url: written,
                portal_url,
            });
        }
    };
    tracing::debug!(%portal_url, %region, "resolved the custom start URL");
    Ok(ResolvedStartUrl {
        start_url: written,
        portal_url,
        region,
        redirected: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(hosts: &PortalHosts, url: &str) -> Option<Option<String>> {
        hosts.portal_region(&Url::parse(url).unwrap())
    }

    #[test]
    fn the_allow_list_and_the_region_of_each_host() {
        let aws = PortalHosts::aws();
        let some = |r: &str| Some(Some(r.to_owned()));
        for (url, expected) in [
            ("https://d-1234567890.awsapps.com/start", Some(None)),
            ("https://D-1234567890.AWSAPPS.COM./start", Some(None)),
            (
                "https://start.us-gov-home.awsapps.com/directory/x",
                Some(None),
            ),
            ("https://d-1234567890.awsapps.cn/start", Some(None)),
            ("https://x.portal.amazonaws.com.cn/start", Some(None)),
            ("https://identitycenter.amazonaws.com/ssoins-1", Some(None)),
            ("https://identitycenter.amazonaws.com.cn/x", Some(None)),
            (
                "https://ssoins-1.portal.eu-west-1.app.aws/",
                some("eu-west-1"),
            ),
            (
                "https://ssoins-1.portal.us-gov-west-1.app.aws/",
                some("us-gov-west-1"),
            ),
            (
                "https://ssoins-1.portal.eusc-de-east-1.app.aws.eu/",
                some("eusc-de-east-1"),
            ),
            (
                "https://ssoins-1.ap-south-1.portal.amazonaws.com/",
                some("ap-south-1"),
            ),
            (
                "https://x.cn-north-1.portal.amazonaws.com.cn/",
                some("cn-north-1"),
            ),
            // Not AWS portal hosts.
            ("https://awsapps.com/start", None),
            ("https://evil.com/x.awsapps.com", None),
            ("https://d-1234567890.awsapps.com.evil.com/", None),
            ("https://x.portal.not-a-region.app.aws/", None),
            ("https://portal.eu-west-1.app.aws/", None),
            ("https://sso.example.com/start", None),
            // AWS hosts over plain http are not portals.
            ("http://d-1234567890.awsapps.com/start", None),
            ("http://127.0.0.1:4000/start", None),
        ] {
            assert_eq!(region(&aws, url), expected, "{url}");
        }
        let local = PortalHosts::aws().allow_host("127.0.0.1");
        assert_eq!(region(&local, "http://127.0.0.1:4000/start"), Some(None));
        assert_eq!(region(&local, "https://127.0.0.1/start"), Some(None));
        assert_eq!(region(&local, "http://localhost:4000/start"), None);
        // A non-loopback host added by hand is still https only.
        let other = PortalHosts::aws().allow_host("Portal.Example.com");
        assert_eq!(region(&other, "https://portal.example.com/x"), Some(None));
        assert_eq!(region(&other, "http://portal.example.com/x"), None);
    }

    #[tokio::test]
    async fn a_plain_http_start_url_off_this_machine_is_never_asked() {
        // Config resolution refuses it; a library caller's own SsoSession may not.
        let http = crate::client::HttpClient::new(&crate::client::HttpSettings::default()).unwrap();
        let err = resolve(
            "http://sso.corp.example/start",
            Some("us-east-1"),
            &PortalHosts::aws(),
            &http,
        )
        .await
        .unwrap_err();
        assert!(matches!(err, StartUrlError::Insecure { .. }), "{err:?}");
        assert!(err.to_string().contains("use the https URL"), "{err}");
    }

    #[tokio::test]
    async fn a_portal_host_without_a_region_needs_sso_region() {
        use wiremock::matchers::{method, path};
        use wiremock::{Mock, MockServer, ResponseTemplate};

        let server = MockServer::start().await;
        for (from, to) in [
            ("/regionless", "https://d-1234567890.awsapps.com/start"),
            ("/regional", "https://ssoins-1.portal.ap-south-1.app.aws/"),
        ] {
            Mock::given(method("HEAD"))
                .and(path(from))
                .respond_with(ResponseTemplate::new(302).insert_header("location", to))
                .mount(&server)
                .await;
        }
        let http = crate::client::HttpClient::new(&crate::client::HttpSettings::default()).unwrap();
        let hosts = PortalHosts::aws();
        let regionless = format!("{}/regionless", server.uri());
        let err = resolve(&regionless, None, &hosts, &http).await.unwrap_err();
        assert!(matches!(err, StartUrlError::NoRegion { .. }), "{err:?}");
        let message = err.to_string();
        assert!(message.contains(&regionless), "{message}");
        assert!(message.contains("add `sso_region = REGION`"), "{message}");
        // With sso_region, or a host that names its region, it resolves.
        let resolved = resolve(&regionless, Some("eu-north-1"), &hosts, &http)
            .await
            .unwrap();
        assert_eq!(resolved.region, "eu-north-1");
        let regional = format!("{}/regional", server.uri());
        let resolved = resolve(&regional, None, &hosts, &http).await.unwrap();
        assert_eq!(resolved.region, "ap-south-1");
        assert_eq!(
            resolved.to_string(),
            format!("{regional} -> https://ssoins-1.portal.ap-south-1.app.aws/ (ap-south-1)")
        );
    }
}
