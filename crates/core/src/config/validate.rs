//! Checks on values before they are used to build URLs or requests.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::error::ValueError;

/// Checks that `region` is one DNS label: 1 to 63 lowercase ASCII letters, digits and
/// hyphens, not starting or ending with a hyphen (`us-east-1`, `eusc-de-east-1`).
///
/// The region is put into a host name, so anything else (a dot, a slash, `@`, upper
/// case) is refused rather than turned into a URL.
///
/// # Errors
/// A [`ValueError`] saying what the rule is.
pub(crate) fn validate_region(region: &str) -> Result<(), ValueError> {
    let ok = !region.is_empty()
        && region.len() <= 63
        && !region.starts_with('-')
        && !region.ends_with('-')
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(ValueError::new(
            "a region is one DNS label of lowercase letters, digits and inner hyphens, \
             such as us-east-1",
        ))
    }
}

/// Checks that `url` is an `https://` URL with a host, such as
/// `https://d-1234567890.awsapps.com/start` (or `http://` to a loopback host).
///
/// # Errors
/// A [`ValueError`] saying what the rule is.
pub(crate) fn validate_start_url(url: &str) -> Result<(), ValueError> {
    let parts = split_url(url).map_err(|why| {
        ValueError::new(format!(
            "{why}; the start URL looks like https://d-1234567890.awsapps.com/start"
        ))
    })?;
    // Plain http only on this machine: a local stand-in for a custom start URL (the
    // emulator's), which is asked for its redirect and sent nothing secret.
    if parts.scheme != Scheme::Https && !is_loopback(parts.host) {
        return Err(ValueError::new(
            "the start URL must begin with https://, such as \
             https://d-1234567890.awsapps.com/start",
        ));
    }
    Ok(())
}

/// Checks that `account_id` is exactly 12 ASCII digits.
///
/// # Errors
/// A [`ValueError`] saying what the rule is.
pub(crate) fn validate_account_id(account_id: &str) -> Result<(), ValueError> {
    if account_id.len() == 12 && account_id.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(ValueError::new(
            "an AWS account ID is exactly 12 digits, such as 111122223333",
        ))
    }
}

/// Checks an endpoint override and returns it without trailing `/`.
///
/// It must be an `https://` URL, or an `http://` URL whose host is on this machine
/// (`localhost`, `127.0.0.0/8`, `[::1]`): anywhere else a token would travel in clear
/// text.
///
/// # Errors
/// A [`ValueError`] saying what the rule is.
#[cfg(test)]
fn validate_endpoint_url(url: &str) -> Result<String, ValueError> {
    check_endpoint_url(url).map_err(|problem| match problem {
        EndpointProblem::Invalid(e) => e,
        EndpointProblem::Insecure => ValueError::new(
            "plain http:// is allowed only for localhost, 127.0.0.0/8 and [::1]: a token \
             would travel in clear text; use https://",
        ),
    })
}

pub(crate) enum EndpointProblem {
    Invalid(ValueError),
    Insecure,
}

pub(crate) fn check_endpoint_url(url: &str) -> Result<String, EndpointProblem> {
    let parts = split_url(url).map_err(|why| {
        EndpointProblem::Invalid(ValueError::new(format!(
            "{why}; an endpoint URL looks like https://host[:port][/path]"
        )))
    })?;
    if parts.scheme == Scheme::Http && !is_loopback(parts.host) {
        return Err(EndpointProblem::Insecure);
    }
    Ok(url.trim_end_matches('/').to_owned())
}

#[derive(Debug, PartialEq, Eq)]
enum Scheme {
    Http,
    Https,
}

struct UrlParts<'a> {
    scheme: Scheme,
    /// The host, with brackets for IPv6.
    host: &'a str,
}

/// A small, strict URL check: scheme, host, optional port; no user info, no
/// whitespace or control characters.
fn split_url(url: &str) -> Result<UrlParts<'_>, &'static str> {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("a URL cannot contain spaces or control characters");
    }
    let (scheme, rest) = url
        .split_once("://")
        .ok_or("not a URL: it has no scheme such as https://")?;
    let scheme = if scheme.eq_ignore_ascii_case("https") {
        Scheme::Https
    } else if scheme.eq_ignore_ascii_case("http") {
        Scheme::Http
    } else {
        return Err("the URL must begin with https://");
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = rest.get(..authority_end).unwrap_or("");
    if authority.contains('@') {
        return Err("the URL cannot contain a user name or password (`@`)");
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let end = v6
            .find(']')
            .ok_or("the URL has an unclosed `[` in its host")?;
        let inside = v6.get(..end).unwrap_or("");
        if inside.parse::<Ipv6Addr>().is_err() {
            return Err("the URL's host is not a valid IPv6 address");
        }
        let after = v6.get(end + 1..).unwrap_or("");
        let port = match after {
            "" => None,
            p => Some(
                p.strip_prefix(':')
                    .ok_or("the URL has text after its IPv6 host")?,
            ),
        };
        (authority.get(..end + 2).unwrap_or(""), port)
    } else {
        match authority.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return Err("the URL has no host");
    }
    if !host.starts_with('[')
        && !host
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | '_'))
    {
        return Err("the URL's host has characters other than letters, digits, `-`, `.`");
    }
    if let Some(port) = port
        && (port.is_empty() || port.len() > 5 || !port.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err("the URL's port is not a number");
    }
    Ok(UrlParts { scheme, host })
}

fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return v6.parse::<Ipv6Addr>().is_ok_and(|ip| ip.is_loopback());
    }
    host.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions() {
        for ok in [
            "us-east-1",
            "eusc-de-east-1",
            "cn-north-1",
            "us-gov-west-1",
            "a",
            "x1",
        ] {
            assert_eq!(validate_region(ok), Ok(()), "{ok}");
        }
        let long = "a".repeat(64);
        for bad in [
            "",
            "US-EAST-1",
            "us-east-1.",
            "us.east",
            "us/east",
            "us@east",
            "us#1",
            "-us",
            "us-",
            "us east",
            "üs-east-1",
            "us_east_1",
            long.as_str(),
        ] {
            let err = validate_region(bad).unwrap_err();
            assert!(err.reason().contains("us-east-1"), "{bad}: {err}");
        }
    }

    #[test]
    fn start_urls() {
        for ok in [
            "https://d-1234567890.awsapps.com/start",
            "https://d-1234567890.awsapps.com/start/",
            "HTTPS://example.com",
            "https://example.com:8443/start#/",
            "https://[::1]:9/x",
            "https://my-idp.example.com?x=y",
        ] {
            assert_eq!(validate_start_url(ok), Ok(()), "{ok}");
        }
        for (bad, why) in [
            ("http://d-1234567890.awsapps.com/start", "https://"),
            ("d-1234567890.awsapps.com/start", "no scheme"),
            ("https://", "no host"),
            ("https:///start", "no host"),
            ("https://a b.com", "spaces"),
            ("https://user@evil.com", "user name"),
            ("ftp://x.com", "https://"),
            ("https://x.com:port", "port"),
            ("https://[zz]/", "IPv6"),
            ("https://[::1", "unclosed"),
            ("https://x.com\n", "control"),
        ] {
            let err = validate_start_url(bad).unwrap_err();
            assert!(err.reason().contains(why), "{bad}: {err}");
        }
    }

    #[test]
    fn account_ids() {
        assert_eq!(validate_account_id("111122223333"), Ok(()));
        for bad in [
            "",
            "11112222333",
            "1111222233334",
            "11112222333a",
            "١١١١٢٢٢٢٣٣٣٣",
        ] {
            assert!(validate_account_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn endpoint_urls() {
        for (url, normalized) in [
            ("https://oidc.example.com/", "https://oidc.example.com"),
            ("https://oidc.example.com//", "https://oidc.example.com"),
            ("http://localhost:8080/", "http://localhost:8080"),
            ("http://LOCALHOST", "http://LOCALHOST"),
            ("http://127.0.0.1:1/p/", "http://127.0.0.1:1/p"),
            ("http://127.255.0.9", "http://127.255.0.9"),
            ("http://[::1]:4566", "http://[::1]:4566"),
        ] {
            assert_eq!(validate_endpoint_url(url).unwrap(), normalized, "{url}");
        }
        for (url, why) in [
            ("http://example.com", "clear text"),
            ("http://128.0.0.1", "clear text"),
            ("http://localhost.evil.com", "clear text"),
            ("http://[::2]", "clear text"),
            ("http://10.0.0.1:80", "clear text"),
            ("localhost:8080", "no scheme"),
            ("file:///etc/passwd", "https://"),
            ("", "no scheme"),
        ] {
            let err = validate_endpoint_url(url).unwrap_err();
            assert!(err.reason().contains(why), "{url}: {err}");
        }
    }
}
