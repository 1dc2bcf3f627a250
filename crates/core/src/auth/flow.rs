//! Choosing the login flow: PKCE where a browser on this machine can reach
//! 127.0.0.1, the device code everywhere else — and saying why, in one line.
//!
//! Needs the `login` cargo feature (on by default).

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use crate::config::SsoSession;
use crate::env::Env;

/// A login flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// The device-authorization flow: a URL and a code, usable from any device.
    DeviceCode,
    /// The authorization-code flow with PKCE: one click in a local browser.
    Pkce,
}

impl Flow {
    /// Every flow, in the order the names are listed to users.
    pub const ALL: [Self; 2] = [Self::Pkce, Self::DeviceCode];

    /// The flow's name as every front-end spells it (an option value, a result field):
    /// `"pkce"` or `"device-code"`. [`FromStr`] reads it back.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::DeviceCode => "device-code",
            Self::Pkce => "pkce",
        }
    }
}

/// In words, for a sentence ("Using the PKCE authorization-code flow"); the name to
/// parse and compare is [`Flow::as_str`].
impl fmt::Display for Flow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::DeviceCode => "device-code",
            Self::Pkce => "PKCE authorization-code",
        })
    }
}

/// A flow name that is not one of the valid values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("flow must be {}, not {value:?}", quoted(.valid))]
pub struct UnknownFlow {
    /// What was given.
    pub value: String,
    /// The values accepted where it was given.
    pub valid: &'static [&'static str],
}

/// `"a", "b" or "c"`.
fn quoted(values: &[&str]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

impl FromStr for Flow {
    type Err = UnknownFlow;

    /// `"pkce"` or `"device-code"`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|flow| flow.as_str() == s)
            .ok_or_else(|| UnknownFlow {
                value: s.to_owned(),
                valid: &["pkce", "device-code"],
            })
    }
}

/// The flow a caller asks a login for: one flow, or `auto` to let
/// [`Sso::choose_flow`](crate::Sso::choose_flow) decide. Its names are the `flow` option of the bindings: `"auto"`, `"pkce"`,
/// `"device-code"`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FlowRequest {
    /// Let [`Sso::choose_flow`](crate::Sso::choose_flow) decide (the default).
    #[default]
    Auto,
    /// This flow, whatever the machine looks like.
    Only(Flow),
}

impl FlowRequest {
    /// The valid names, in order.
    pub const NAMES: &'static [&'static str] = &["auto", "pkce", "device-code"];

    /// The requested flow; `None` for [`FlowRequest::Auto`].
    pub const fn flow(self) -> Option<Flow> {
        match self {
            Self::Auto => None,
            Self::Only(flow) => Some(flow),
        }
    }

    /// `"auto"`, `"pkce"` or `"device-code"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Only(flow) => flow.as_str(),
        }
    }
}

impl From<Option<Flow>> for FlowRequest {
    fn from(flow: Option<Flow>) -> Self {
        flow.map_or(Self::Auto, Self::Only)
    }
}

impl FromStr for FlowRequest {
    type Err = UnknownFlow;

    /// `"auto"`, `"pkce"` or `"device-code"`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "auto" => Ok(Self::Auto),
            other => other.parse().map(Self::Only).map_err(|_| UnknownFlow {
                value: s.to_owned(),
                valid: Self::NAMES,
            }),
        }
    }
}

/// The chosen flow and the reason, for the one line the CLI prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowChoice {
    /// The flow.
    pub flow: Flow,
    /// Why, in words.
    pub reason: &'static str,
}

/// What the machine looks like, for [`choose_flow`]; injectable for tests.
pub(crate) trait Machine {
    /// True when `path` exists.
    fn exists(&self, path: &Path) -> bool;
    /// True on Linux (not macOS or Windows, where a desktop is assumed).
    fn is_linux(&self) -> bool;
}

/// The real machine.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RealMachine;

impl Machine for RealMachine {
    fn exists(&self, path: &Path) -> bool {
        path.exists()
    }

    fn is_linux(&self) -> bool {
        cfg!(target_os = "linux")
    }
}

/// Chooses the flow: the caller's choice if any; else the device code for legacy
/// profiles (no sso-session), over SSH (`SSH_CONNECTION`/`SSH_TTY`), in a container
/// without a display, and on Linux without a display (unless `BROWSER` names one or
/// this is WSL, whose Windows browser reaches 127.0.0.1); else PKCE.
pub(crate) fn choose_flow(
    session: &SsoSession,
    requested: FlowRequest,
    env: &Env,
    machine: &dyn Machine,
) -> FlowChoice {
    let choice = |flow, reason| FlowChoice { flow, reason };
    if let FlowRequest::Only(flow) = requested {
        return choice(flow, "as requested");
    }
    if session.name.is_none() {
        return choice(
            Flow::DeviceCode,
            "legacy profile without an sso-session: PKCE needs one (as in the AWS CLI)",
        );
    }
    if env.get_non_empty("SSH_CONNECTION").is_some() || env.get_non_empty("SSH_TTY").is_some() {
        return choice(
            Flow::DeviceCode,
            "over SSH: a browser on your machine cannot reach 127.0.0.1 here",
        );
    }
    let wsl = env.get_non_empty("WSL_DISTRO_NAME").is_some()
        || env.get_non_empty("WSL_INTEROP").is_some();
    if wsl {
        return choice(Flow::Pkce, "WSL: the Windows browser reaches 127.0.0.1");
    }
    let display =
        env.get_non_empty("DISPLAY").is_some() || env.get_non_empty("WAYLAND_DISPLAY").is_some();
    let container = machine.exists(Path::new("/.dockerenv"))
        || machine.exists(Path::new("/run/.containerenv"))
        || env.get_non_empty("KUBERNETES_SERVICE_HOST").is_some()
        || env.get_non_empty("container").is_some();
    if container && !display {
        return choice(Flow::DeviceCode, "in a container without a display");
    }
    if machine.is_linux() && !display && env.get_non_empty("BROWSER").is_none() {
        return choice(
            Flow::DeviceCode,
            "no display (DISPLAY/WAYLAND_DISPLAY unset) and no BROWSER",
        );
    }
    choice(Flow::Pkce, "a local browser can reach 127.0.0.1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Endpoints;

    struct Fake {
        linux: bool,
        files: Vec<&'static str>,
    }

    impl Machine for Fake {
        fn exists(&self, path: &Path) -> bool {
            self.files.iter().any(|f| Path::new(f) == path)
        }
        fn is_linux(&self) -> bool {
            self.linux
        }
    }

    fn session(name: Option<&str>) -> SsoSession {
        SsoSession {
            name: name.map(Into::into),
            start_url: "https://x.awsapps.com/start".into(),
            region: "us-east-1".into(),
            scopes: None,
            endpoints: Endpoints {
                oidc: "https://o".into(),
                portal: "https://p".into(),
            },
            ca_bundle: None,
        }
    }

    #[test]
    fn every_environment() {
        let linux = Fake {
            linux: true,
            files: vec![],
        };
        let mac = Fake {
            linux: false,
            files: vec![],
        };
        let docker = Fake {
            linux: true,
            files: vec!["/.dockerenv"],
        };
        let s = session(Some("org"));
        #[allow(clippy::type_complexity)]
        let cases: Vec<(
            &str,
            &SsoSession,
            Option<Flow>,
            Vec<(&str, &str)>,
            &dyn Machine,
            Flow,
        )> = vec![
            (
                "desktop linux",
                &s,
                None,
                vec![("DISPLAY", ":0")],
                &linux,
                Flow::Pkce,
            ),
            (
                "wayland",
                &s,
                None,
                vec![("WAYLAND_DISPLAY", "wayland-0")],
                &linux,
                Flow::Pkce,
            ),
            ("macOS", &s, None, vec![], &mac, Flow::Pkce),
            ("headless linux", &s, None, vec![], &linux, Flow::DeviceCode),
            (
                "headless with BROWSER",
                &s,
                None,
                vec![("BROWSER", "w3m")],
                &linux,
                Flow::Pkce,
            ),
            (
                "ssh",
                &s,
                None,
                vec![("DISPLAY", ":0"), ("SSH_CONNECTION", "1 2 3 4")],
                &linux,
                Flow::DeviceCode,
            ),
            (
                "ssh tty",
                &s,
                None,
                vec![("SSH_TTY", "/dev/pts/1")],
                &mac,
                Flow::DeviceCode,
            ),
            ("docker", &s, None, vec![], &docker, Flow::DeviceCode),
            (
                "docker with display",
                &s,
                None,
                vec![("DISPLAY", ":0")],
                &docker,
                Flow::Pkce,
            ),
            (
                "kubernetes",
                &s,
                None,
                vec![("KUBERNETES_SERVICE_HOST", "10.0.0.1")],
                &mac,
                Flow::DeviceCode,
            ),
            (
                "wsl",
                &s,
                None,
                vec![("WSL_DISTRO_NAME", "Ubuntu")],
                &linux,
                Flow::Pkce,
            ),
            (
                "forced pkce over ssh",
                &s,
                Some(Flow::Pkce),
                vec![("SSH_TTY", "x")],
                &linux,
                Flow::Pkce,
            ),
            (
                "forced device",
                &s,
                Some(Flow::DeviceCode),
                vec![("DISPLAY", ":0")],
                &linux,
                Flow::DeviceCode,
            ),
        ];
        for (name, session, requested, vars, machine, expected) in cases {
            let got = choose_flow(session, requested.into(), &Env::from_vars(vars), machine);
            assert_eq!(got.flow, expected, "{name}: {}", got.reason);
        }
        let legacy = choose_flow(
            &session(None),
            FlowRequest::Auto,
            &Env::from_vars([("DISPLAY", ":0")]),
            &linux,
        );
        assert_eq!(legacy.flow, Flow::DeviceCode);
        assert!(legacy.reason.contains("legacy"));
    }

    #[test]
    fn flow_names_round_trip_and_a_wrong_one_names_the_valid_values() {
        for flow in Flow::ALL {
            assert_eq!(flow.as_str().parse::<Flow>(), Ok(flow));
            let request = FlowRequest::Only(flow);
            assert_eq!(request.as_str().parse::<FlowRequest>(), Ok(request));
        }
        assert_eq!("auto".parse::<FlowRequest>(), Ok(FlowRequest::Auto));
        assert_eq!(FlowRequest::Auto.flow(), None);
        assert_eq!(FlowRequest::from(Some(Flow::Pkce)).flow(), Some(Flow::Pkce));
        assert_eq!(FlowRequest::NAMES, ["auto", "pkce", "device-code"]);

        let err = "Device-Code".parse::<Flow>().unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"flow must be "pkce" or "device-code", not "Device-Code""#
        );
        let err = "auto".parse::<Flow>().unwrap_err();
        assert_eq!(err.valid, ["pkce", "device-code"]);
        let err = "browser".parse::<FlowRequest>().unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"flow must be "auto", "pkce" or "device-code", not "browser""#
        );
        assert_eq!(err.value, "browser");
    }
}
