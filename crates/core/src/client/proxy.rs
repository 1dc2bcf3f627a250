//! The HTTPS proxy named by the environment.
//!
//! `HTTPS_PROXY` (or `https_proxy`, `ALL_PROXY`, `all_proxy`, the first one set and
//! not empty) applies to `https://` endpoints, minus `NO_PROXY`. Plain-HTTP requests
//! (loopback endpoints only) never go through a proxy, so `HTTP_PROXY` is not read.
//!
//! A value that is not a usable proxy URL is an error naming the variable and the
//! value (its user and password redacted): ignoring it would send every request
//! directly, around a proxy the network may require or the user relies on.

use url::Url;

use super::error::ServiceError;

/// The variables read, in order of precedence.
pub(crate) const PROXY_VARIABLES: [&str; 4] =
    ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"];

/// The variables that exempt hosts from the proxy (read by `reqwest::NoProxy`).
pub(crate) const NO_PROXY_VARIABLES: [&str; 2] = ["NO_PROXY", "no_proxy"];

/// The schemes a proxy URL may have.
const SCHEMES: [&str; 4] = ["http", "https", "socks5", "socks5h"];

/// The proxy for `https://` URLs that `lookup` (an environment) names, if any.
pub(crate) fn https_proxy(
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<Option<reqwest::Proxy>, ServiceError> {
    let Some((variable, value)) = PROXY_VARIABLES.iter().find_map(|name| {
        lookup(name)
            .filter(|v| !v.trim().is_empty())
            .map(|v| (*name, v))
    }) else {
        return Ok(None);
    };
    let invalid = |reason: String| ServiceError::InvalidProxy {
        variable,
        value: redact(&value),
        reason,
    };
    let trimmed = value.trim();
    // As curl and reqwest do: no scheme means http://.
    let full = if trimmed.contains("://") {
        trimmed.to_owned()
    } else {
        format!("http://{trimmed}")
    };
    let url = Url::parse(&full).map_err(|e| invalid(e.to_string()))?;
    if !SCHEMES.contains(&url.scheme()) {
        return Err(invalid(format!(
            "the scheme `{}` is not one of http, https, socks5, socks5h",
            url.scheme()
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("no host".to_owned()));
    }
    let proxy = reqwest::Proxy::https(url.as_str())
        .map_err(|_| invalid("the HTTP library does not accept it".to_owned()))?;
    Ok(Some(proxy.no_proxy(reqwest::NoProxy::from_env())))
}

/// The value as shown in an error: the user and password replaced by `***`, control
/// characters replaced, at most 200 characters.
pub(crate) fn redact(value: &str) -> String {
    let (scheme, rest) = match value.find("://") {
        Some(i) => value.split_at(i + 3),
        None => ("", value),
    };
    // The last `@` ends the userinfo (a password may hold `@`, `/` or `:`); a path
    // with `@` is redacted too, which errs on the safe side.
    let shown = match rest.rfind('@') {
        Some(i) => format!("{scheme}***@{}", &rest[i + 1..]),
        None => value.to_owned(),
    };
    shown
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .take(200)
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn no_variable_or_an_empty_one_means_no_proxy() {
        assert!(https_proxy(env(&[])).unwrap().is_none());
        assert!(
            https_proxy(env(&[("HTTPS_PROXY", "  ")]))
                .unwrap()
                .is_none()
        );
        // HTTP_PROXY is never used: plain http goes only to loopback, directly.
        assert!(
            https_proxy(env(&[("HTTP_PROXY", "http://[::1")]))
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn usable_proxies_are_accepted() {
        for value in [
            "http://proxy.example.com:3128",
            "proxy.example.com:3128",
            "http://user:p%40ss@proxy.example.com:3128/",
            "https://proxy.example.com",
            "socks5h://127.0.0.1:1080",
        ] {
            assert!(
                https_proxy(env(&[("HTTPS_PROXY", value)]))
                    .unwrap()
                    .is_some(),
                "{value}"
            );
        }
    }

    #[test]
    fn an_unusable_proxy_is_an_error_naming_the_variable_without_the_password() {
        for (variable, value) in [
            (
                "HTTPS_PROXY",
                "http://alice:hunter2@proxy.example.com:99999",
            ),
            ("https_proxy", "http://alice:hunter2@[::1"),
            ("ALL_PROXY", "http://alice:hunter2@exa mple.com:3128"),
            ("all_proxy", "ftp://alice:hunter2@proxy.example.com"),
            ("HTTPS_PROXY", "alice:hunter2@proxy.example.com:port"),
            ("HTTPS_PROXY", "http://alice:hunt@er2@:3128"),
        ] {
            let e = https_proxy(env(&[(variable, value)])).unwrap_err();
            assert!(matches!(e, ServiceError::InvalidProxy { .. }), "{e:?}");
            let text = e.to_string();
            assert!(text.contains(variable), "{text}");
            assert!(!text.contains("hunter2") && !text.contains("er2"), "{text}");
            assert!(!format!("{e:?}").contains("hunter2"), "{e:?}");
            assert!(text.contains("***@"), "{text}");
        }
    }

    #[test]
    fn the_first_variable_set_wins() {
        let e = https_proxy(env(&[
            ("HTTPS_PROXY", "http://[::1"),
            ("ALL_PROXY", "http://proxy.example.com"),
        ]))
        .unwrap_err();
        assert!(e.to_string().contains("HTTPS_PROXY"), "{e}");
        assert!(
            https_proxy(env(&[("ALL_PROXY", "http://proxy.example.com")]))
                .unwrap()
                .is_some()
        );
    }

    #[test]
    fn redaction() {
        assert_eq!(redact("http://u:p@h:1"), "http://***@h:1");
        assert_eq!(redact("u:p@h"), "***@h");
        assert_eq!(redact("http://h:1"), "http://h:1");
        assert_eq!(redact("http://h\n"), "http://h?");
    }
}
