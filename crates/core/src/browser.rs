//! Opening a URL in the user's browser, as well as it can be done, and never as an
//! error: when nothing can open it, the caller prints the URL (it always does anyway).
//!
//! The URLs come from a server (`verificationUriComplete`) or from configuration, so
//! they are checked first (`check_url`): only `https://` pages on the hosts a login
//! talks to (or a loopback emulator) reach a browser command, and never an argument
//! that a command could read as an option. Text from a server is printed only through
//! [`printable`], which drops the control characters a terminal would act on.
//!
//! Everything here but [`printable`] needs the `login` cargo feature (on by default).

#[cfg(feature = "login")]
use std::fmt;
#[cfg(feature = "login")]
use std::process::{Command, Stdio};

#[cfg(feature = "login")]
use url::{Host, Url};

#[cfg(feature = "login")]
use crate::config::{SsoSession, partition_dns_suffix};
#[cfg(feature = "login")]
use crate::env::Env;

#[cfg(feature = "login")]
/// How a URL was (or was not) opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// A browser command was started.
    Started(String),
    /// Nothing could be started; the reason, for a debug log.
    NotOpened(String),
    /// The URL failed [`check_url`] and was not given to any command.
    Refused(RefusedUrl),
}

/// `text` without the characters a terminal acts on: C0 controls (newlines and
/// tabs included), DEL, C1 controls (ESC and CSI sequences start with these) and
/// the Unicode bidirectional overrides that reorder what is shown. What a server
/// sends for the person to read (a verification URL, a user code) goes through this
/// before it is printed or handed to a prompt.
pub fn printable(text: &str) -> String {
    text.chars().filter(|c| !is_hidden_control(*c)).collect()
}

fn is_hidden_control(c: char) -> bool {
    c.is_control() // C0, DEL and C1
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(feature = "login")]
/// The hosts a login's pages may be opened on: the OIDC endpoint's host (the
/// authorize page, and an overridden endpoint's own pages), the start URL's host,
/// and `device.sso.{region}.{partition DNS suffix}` (where IAM Identity Center's
/// `verificationUri` points). Loopback hosts, over `http://` too, only when the OIDC
/// endpoint itself is a loopback address (a local emulator).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowedHosts {
    hosts: Vec<String>,
    loopback: bool,
}

#[cfg(feature = "login")]
impl AllowedHosts {
    /// No host at all: every URL is refused.
    pub fn none() -> Self {
        Self::default()
    }

    /// The hosts of `session`'s login (see the type's documentation).
    pub fn for_session(session: &SsoSession) -> Self {
        let region = session.region.as_str();
        let mut allowed = Self::none()
            .with_host(&format!(
                "device.sso.{region}.{}",
                partition_dns_suffix(region)
            ))
            .with_url_host(&session.start_url);
        if let Ok(oidc) = Url::parse(session.endpoints.oidc.trim())
            && let Some(host) = oidc.host()
        {
            if crate::client::is_loopback(&host) {
                allowed.loopback = true;
            }
            allowed = allowed.with_host(&host.to_string());
        }
        allowed
    }

    /// Also allows `host` (a DNS name or an IP address, compared without case).
    pub fn with_host(mut self, host: &str) -> Self {
        let host = host.trim().to_ascii_lowercase();
        if !host.is_empty() && !self.hosts.contains(&host) {
            self.hosts.push(host);
        }
        self
    }

    /// Also allows the host of `url`, when it parses.
    pub fn with_url_host(self, url: &str) -> Self {
        match Url::parse(url.trim())
            .ok()
            .and_then(|u| u.host().map(|h| h.to_string()))
        {
            Some(host) => self.with_host(&host),
            None => self,
        }
    }

    /// Also allows loopback hosts (`127.0.0.1`, `localhost`, `[::1]`), over `http://`.
    pub fn with_loopback(mut self) -> Self {
        self.loopback = true;
        self
    }

    /// The allowed host names, lowercase.
    pub fn hosts(&self) -> &[String] {
        &self.hosts
    }

    fn allows(&self, host: &Host<&str>) -> bool {
        let name = host.to_string().to_ascii_lowercase();
        self.hosts.contains(&name)
    }
}

#[cfg(feature = "login")]
/// A URL [`check_url`] refused to open, and why, in one line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not opening {url} in a browser: {reason}")]
pub struct RefusedUrl {
    /// The URL, safe to print (see [`printable`]), at most 200 characters.
    pub url: String,
    /// Why, in words.
    pub reason: String,
}

#[cfg(feature = "login")]
impl RefusedUrl {
    fn new(url: &str, reason: impl fmt::Display) -> Self {
        Self {
            url: printable(url).chars().take(200).collect(),
            reason: reason.to_string(),
        }
    }
}

#[cfg(feature = "login")]
/// Checks a URL before it goes to a browser command: it must be an absolute
/// `https://` URL (or `http://` to a loopback host, when `allowed` allows loopback)
/// without user name or password, on an allowed host, and without control
/// characters or a leading `-` (which a command would take as an option). Returns the
/// URL as it will be passed (the parsed, normalised form).
pub fn check_url(url: &str, allowed: &AllowedHosts) -> Result<Url, RefusedUrl> {
    let refuse = |reason: &str| Err(RefusedUrl::new(url, reason));
    if url.chars().any(is_hidden_control) {
        return refuse("it contains control characters");
    }
    match url.chars().next() {
        None => return refuse("it is empty"),
        Some('-') => {
            return refuse("it starts with `-`, which a browser command reads as an option");
        }
        Some(c) if c.is_whitespace() => return refuse("it starts with a space"),
        Some(_) => {}
    }
    let Ok(parsed) = Url::parse(url) else {
        return refuse("it is not an absolute URL");
    };
    if !matches!(parsed.scheme(), "https" | "http") {
        return Err(RefusedUrl::new(
            url,
            format_args!("only https:// pages are opened, not {}:", parsed.scheme()),
        ));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return refuse("it carries a user name or password");
    }
    let Some(host) = parsed.host() else {
        return refuse("it has no host");
    };
    let loopback = crate::client::is_loopback(&host);
    let host_ok = allowed.allows(&host) || (loopback && allowed.loopback);
    if parsed.scheme() == "http" && !(loopback && allowed.loopback) {
        return refuse("only https:// pages are opened (http:// only for a loopback endpoint)");
    }
    if !host_ok {
        return Err(RefusedUrl::new(
            url,
            format_args!(
                "{} is not the OIDC endpoint's host, the start URL's host or the region's device page host",
                printable(&host.to_string())
            ),
        ));
    }
    Ok(parsed)
}

#[cfg(feature = "login")]
/// Opens `url` when [`check_url`] allows it; otherwise starts nothing and returns
/// [`Opened::Refused`] with the reason (the caller still prints the URL, through
/// [`printable`]).
pub fn open_checked(url: &str, allowed: &AllowedHosts, env: &Env) -> Opened {
    match check_url(url, allowed) {
        Ok(checked) => open(checked.as_str(), env),
        Err(refused) => Opened::Refused(refused),
    }
}

#[cfg(feature = "login")]
/// The commands to try, in order: `$BROWSER` (a `:`-separated list, each entry a
/// command, `%s` replaced by the URL or the URL appended), then on WSL `wslview` and
/// `rundll32.exe url.dll,FileProtocolHandler` (the Windows browser, without the
/// shell parsing of `cmd /c start`, which would cut the URL at `&`), then the
/// platform opener (`open` on macOS, `xdg-open` elsewhere, `rundll32` on Windows).
pub fn candidates(env: &Env) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    if let Some(browser) = env.get_non_empty("BROWSER") {
        for entry in browser.split(':').filter(|e| !e.trim().is_empty()) {
            out.push(entry.split_whitespace().map(str::to_owned).collect());
        }
    }
    if env.get_non_empty("WSL_DISTRO_NAME").is_some() || env.get_non_empty("WSL_INTEROP").is_some()
    {
        out.push(vec!["wslview".into()]);
        // Not `cmd.exe /c start`: cmd would split the URL at `&` and run the rest.
        out.push(vec![
            "rundll32.exe".into(),
            "url.dll,FileProtocolHandler".into(),
        ]);
    }
    if cfg!(target_os = "macos") {
        out.push(vec!["open".into()]);
    } else if cfg!(windows) {
        out.push(vec![
            "rundll32".into(),
            "url.dll,FileProtocolHandler".into(),
        ]);
    } else {
        out.push(vec!["xdg-open".into()]);
    }
    out
}

#[cfg(feature = "login")]
/// Tries each candidate until one starts. The browser runs detached, its output
/// discarded; ssokit does not wait for it. Prefer [`open_checked`]: this only
/// refuses what no browser should get (anything but an `http(s)://` URL, a leading
/// `-`, control characters), not hosts.
pub fn open(url: &str, env: &Env) -> Opened {
    let plausible = !url.starts_with('-')
        && !url.chars().any(is_hidden_control)
        && Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "https" | "http"));
    if !plausible {
        return Opened::Refused(RefusedUrl::new(
            url,
            "only http(s):// URLs are opened, never one starting with `-` or holding control characters",
        ));
    }
    let mut reasons = Vec::new();
    for argv in candidates(env) {
        let Some((program, args)) = argv.split_first() else {
            continue;
        };
        let mut args: Vec<String> = args.to_vec();
        if args.iter().any(|a| a.contains("%s")) {
            args = args.iter().map(|a| a.replace("%s", url)).collect();
        } else {
            args.push(url.to_owned());
        }
        match Command::new(program)
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
        {
            Ok(_child) => return Opened::Started(program.clone()),
            Err(e) => reasons.push(format!("{program}: {e}")),
        }
    }
    Opened::NotOpened(reasons.join("; "))
}

// Mostly the opener; `printable` is tested with it.
#[cfg(test)]
#[cfg(feature = "login")]
mod tests {
    use super::*;

    #[test]
    fn browser_env_comes_first_and_wsl_is_detected() {
        let env = Env::from_vars([
            ("BROWSER", "firefox --new-tab:chromium %s"),
            ("WSL_DISTRO_NAME", "Ubuntu"),
        ]);
        let c = candidates(&env);
        assert_eq!(c[0], ["firefox", "--new-tab"]);
        assert_eq!(c[1], ["chromium", "%s"]);
        assert_eq!(c[2], ["wslview"]);
        assert_eq!(c[3], ["rundll32.exe", "url.dll,FileProtocolHandler"]);
    }

    #[test]
    fn a_missing_browser_is_not_an_error() {
        let env = Env::from_vars([("BROWSER", "/nonexistent/browser-for-ssokit-tests")]);
        let opened = open("https://example.invalid/", &env);
        // Either xdg-open exists (Started) or nothing does (NotOpened): never a panic.
        if let Opened::NotOpened(reason) = opened {
            assert!(
                reason.contains("/nonexistent/browser-for-ssokit-tests"),
                "{reason}"
            );
        }
    }

    /// Runs `open` with `BROWSER="sh <script> %s"` and returns what the script got
    /// as `$1`, waiting (30 s at most) for the file it writes atomically.
    #[cfg(unix)]
    fn browser_receives(url: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("url");
        let tmp = dir.path().join("url.tmp");
        let script = dir.path().join("b.sh");
        // Run by `sh`, not executed: no exec of a file just written (ETXTBSY).
        std::fs::write(
            &script,
            format!(
                "printf '%s' \"$1\" > '{}' && mv '{}' '{}'\n",
                tmp.display(),
                tmp.display(),
                out.display()
            ),
        )
        .unwrap();
        let env = Env::from_vars([("BROWSER", format!("sh {} %s", script.display()))]);
        assert!(matches!(open(url, &env), Opened::Started(_)));
        let waited = crate::time::Stopwatch::start();
        while !out.exists() {
            assert!(
                waited.elapsed() < std::time::Duration::from_secs(30),
                "the browser script did not run within 30 s"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        std::fs::read_to_string(&out).unwrap()
    }

    #[test]
    #[cfg(unix)]
    fn the_url_replaces_percent_s() {
        assert_eq!(
            browser_receives("https://x.test/?a=1&b=2"),
            "https://x.test/?a=1&b=2"
        );
    }

    fn emulator_session() -> SsoSession {
        SsoSession {
            name: Some("dev".into()),
            start_url: "https://d-1234567890.awsapps.com/start".into(),
            region: "eu-west-1".into(),
            scopes: None,
            endpoints: crate::config::Endpoints {
                oidc: "http://127.0.0.1:4567".into(),
                portal: "http://127.0.0.1:4567".into(),
            },
            ca_bundle: None,
            use_device_code: false,
        }
    }

    fn aws_session(region: &str) -> SsoSession {
        let mut s = emulator_session();
        s.region = region.into();
        s.endpoints = crate::config::resolve_endpoints(region, false, false).unwrap();
        s
    }

    #[test]
    fn only_https_pages_of_the_login_hosts_are_allowed() {
        let aws = AllowedHosts::for_session(&aws_session("us-east-1"));
        for ok in [
            "https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH",
            "https://DEVICE.sso.us-east-1.amazonaws.com/",
            "https://oidc.us-east-1.amazonaws.com/authorize?response_type=code",
            "https://d-1234567890.awsapps.com/start/#/device?user_code=ABCD-EFGH",
        ] {
            assert!(
                check_url(ok, &aws).is_ok(),
                "{ok}: {:?}",
                check_url(ok, &aws)
            );
        }
        let refused = [
            ("file:///etc/passwd", "not file"),
            ("javascript:alert(1)", "not javascript"),
            ("--help", "starts with `-`"),
            (
                "-https://device.sso.us-east-1.amazonaws.com/",
                "starts with `-`",
            ),
            (" https://device.sso.us-east-1.amazonaws.com/", "space"),
            ("https://evil.example/", "evil.example is not"),
            (
                "https://device.sso.us-east-1.amazonaws.com.evil.example/",
                "is not",
            ),
            (
                "https://device.sso.us-east-1.amazonaws.com@evil.example/",
                "user name",
            ),
            ("http://device.sso.us-east-1.amazonaws.com/", "only https"),
            ("http://127.0.0.1:4567/device", "only https"),
            (
                "https://device.sso.us-east-1.amazonaws.com/\x1b]8;;x\x07",
                "control",
            ),
            ("https://device.sso.us-east-1.amazonaws.com/\nx", "control"),
            ("https://device.sso.eu-west-1.amazonaws.com/", "is not"),
            ("", "empty"),
            ("device.sso.us-east-1.amazonaws.com", "absolute"),
        ];
        for (url, why) in refused {
            let e = check_url(url, &aws).unwrap_err();
            assert!(e.reason.contains(why), "{url:?}: {e}");
            assert!(!e.to_string().chars().any(char::is_control), "{e:?}");
        }
        // Other partitions: their own DNS suffix.
        let cn = AllowedHosts::for_session(&aws_session("cn-north-1"));
        assert!(check_url("https://device.sso.cn-north-1.amazonaws.com.cn/", &cn).is_ok());
        assert!(check_url("https://device.sso.cn-north-1.amazonaws.com/", &cn).is_err());
    }

    #[test]
    fn loopback_pages_only_for_a_loopback_endpoint() {
        let emu = AllowedHosts::for_session(&emulator_session());
        for ok in [
            "http://127.0.0.1:4567/device?user_code=A",
            "http://localhost:9/device",
            "http://[::1]:9/device",
            "https://device.sso.eu-west-1.amazonaws.com/",
        ] {
            assert!(check_url(ok, &emu).is_ok(), "{ok}");
        }
        assert!(check_url("http://evil.example/", &emu).is_err());
        assert!(check_url("file:///tmp/x", &emu).is_err());
        let aws = AllowedHosts::for_session(&aws_session("eu-west-1"));
        assert!(check_url("http://127.0.0.1:4567/device", &aws).is_err());
        assert!(check_url("https://127.0.0.1:4567/device", &aws).is_err());
    }

    #[test]
    fn a_refused_url_starts_no_command() {
        let allowed = AllowedHosts::for_session(&emulator_session());
        // A BROWSER that would fail loudly if started: the refusal comes first.
        let env = Env::from_vars([("BROWSER", "/nonexistent/browser-for-ssokit-tests")]);
        for url in [
            "--help",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "https://evil.example/",
        ] {
            assert!(
                matches!(open_checked(url, &allowed, &env), Opened::Refused(_)),
                "{url}"
            );
        }
        for url in ["--help", "file:///etc/passwd", "javascript:alert(1)"] {
            assert!(matches!(open(url, &env), Opened::Refused(_)), "{url}");
        }
    }

    #[test]
    #[cfg(unix)]
    fn an_allowed_url_reaches_the_browser_normalised() {
        let allowed = AllowedHosts::for_session(&emulator_session());
        let url = check_url("http://127.0.0.1:4567/device?user_code=AB-CD", &allowed).unwrap();
        assert_eq!(
            browser_receives(url.as_str()),
            "http://127.0.0.1:4567/device?user_code=AB-CD"
        );
    }

    #[test]
    fn the_device_page_passes_unchanged() {
        // The PKCE authorize URL: see `auth::pkce`'s tests.
        let page = "https://device.sso.eu-west-1.amazonaws.com/?user_code=ABCD-EFGH";
        let allowed = AllowedHosts::for_session(&aws_session("eu-west-1"));
        assert_eq!(check_url(page, &allowed).unwrap().as_str(), page);
    }

    #[test]
    fn printable_drops_terminal_controls_only() {
        assert_eq!(
            printable("\x1b[2J\x1b]0;pwned\x07ABCD-\u{9b}31mEFGH\r\n\t\x7f\u{202e}"),
            "[2J]0;pwnedABCD-31mEFGH"
        );
        let plain = "https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH&é";
        assert_eq!(printable(plain), plain);
    }
}
