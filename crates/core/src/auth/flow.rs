//! Choosing the login flow — the caller's choice, else `SSOKIT_LOGIN_FLOW`, else the
//! sso-session's `sso_use_device_code = true`, else PKCE where a browser on this
//! machine can reach 127.0.0.1 and the device code everywhere else — and saying why,
//! in one line.
//!
//! Needs the `login` cargo feature (on by default).

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use crate::config::{ConfigError, SsoSession};
use crate::env::Env;

/// The environment variable that chooses the login flow when the caller does not:
/// `device-code`, `pkce` or `auto`.
pub const LOGIN_FLOW_VARIABLE: &str = "SSOKIT_LOGIN_FLOW";

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

/// The chosen flow and the reason, for the one line the CLI prints
/// (`Using the PKCE authorization-code flow: SSOKIT_LOGIN_FLOW=pkce.`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowChoice {
    /// The flow.
    pub flow: Flow,
    /// Why, in words; it names the source of the choice (the request, the variable,
    /// the sso-session key, or what the machine looks like).
    pub reason: String,
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

/// Chooses the flow, first match wins:
/// 1. the caller's choice (a command-line flag, a binding's `flow` argument);
/// 2. [`LOGIN_FLOW_VARIABLE`] (`SSOKIT_LOGIN_FLOW`): `device-code` or `pkce` (`auto`,
///    or empty, goes on to the next step);
/// 3. `sso_use_device_code = true` in the `[sso-session]`;
/// 4. the automatic choice ([`auto_flow`]).
///
/// # Errors
/// [`ConfigError::InvalidValue`] naming the variable when `SSOKIT_LOGIN_FLOW` holds
/// anything else (the sso-session key was checked when the config was resolved).
pub(crate) fn choose_flow(
    session: &SsoSession,
    requested: FlowRequest,
    env: &Env,
    machine: &dyn Machine,
) -> Result<FlowChoice, ConfigError> {
    if let FlowRequest::Only(flow) = requested {
        return Ok(FlowChoice {
            flow,
            reason: "as requested".to_owned(),
        });
    }
    if let Some(value) = env.get_non_empty(LOGIN_FLOW_VARIABLE) {
        let from_env = value
            .parse::<FlowRequest>()
            .map_err(|e| ConfigError::InvalidValue {
                key: LOGIN_FLOW_VARIABLE.to_owned(),
                value: value.clone(),
                location: format!("environment variable {LOGIN_FLOW_VARIABLE}"),
                reason: format!(
                    "expected {}; unset it for the automatic choice",
                    quoted(e.valid)
                ),
            })?;
        if let FlowRequest::Only(flow) = from_env {
            return Ok(FlowChoice {
                flow,
                reason: format!("{LOGIN_FLOW_VARIABLE}={value}"),
            });
        }
    }
    if session.use_device_code {
        let name = session.name.as_deref().unwrap_or_default();
        return Ok(FlowChoice {
            flow: Flow::DeviceCode,
            reason: format!(
                "{} = true in [sso-session {name}]",
                crate::config::USE_DEVICE_CODE
            ),
        });
    }
    let (flow, reason) = auto_flow(session, env, machine);
    Ok(FlowChoice {
        flow,
        reason: reason.to_owned(),
    })
}

/// The automatic choice: the device code for legacy profiles (no sso-session), over
/// SSH (`SSH_CONNECTION`/`SSH_TTY`), in a container without a display, and on Linux
/// without a display (unless `BROWSER` names one or this is WSL, whose Windows
/// browser reaches 127.0.0.1); else PKCE. With the reason.
fn auto_flow(session: &SsoSession, env: &Env, machine: &dyn Machine) -> (Flow, &'static str) {
    if session.name.is_none() {
        return (
            Flow::DeviceCode,
            "legacy profile without an sso-session: PKCE needs one (as in the AWS CLI)",
        );
    }
    if env.get_non_empty("SSH_CONNECTION").is_some() || env.get_non_empty("SSH_TTY").is_some() {
        return (
            Flow::DeviceCode,
            "over SSH: a browser on your machine cannot reach 127.0.0.1 here",
        );
    }
    let wsl = env.get_non_empty("WSL_DISTRO_NAME").is_some()
        || env.get_non_empty("WSL_INTEROP").is_some();
    if wsl {
        return (Flow::Pkce, "WSL: the Windows browser reaches 127.0.0.1");
    }
    let display =
        env.get_non_empty("DISPLAY").is_some() || env.get_non_empty("WAYLAND_DISPLAY").is_some();
    let container = machine.exists(Path::new("/.dockerenv"))
        || machine.exists(Path::new("/run/.containerenv"))
        || env.get_non_empty("KUBERNETES_SERVICE_HOST").is_some()
        || env.get_non_empty("container").is_some();
    if container && !display {
        return (Flow::DeviceCode, "in a container without a display");
    }
    if machine.is_linux() && !display && env.get_non_empty("BROWSER").is_none() {
        return (
            Flow::DeviceCode,
            "no display (DISPLAY/WAYLAND_DISPLAY unset) and no BROWSER",
        );
    }
    (Flow::Pkce, "a local browser can reach 127.0.0.1")
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
            use_device_code: false,
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
            let got =
                choose_flow(session, requested.into(), &Env::from_vars(vars), machine).unwrap();
            assert_eq!(got.flow, expected, "{name}: {}", got.reason);
        }
        let legacy = choose_flow(
            &session(None),
            FlowRequest::Auto,
            &Env::from_vars([("DISPLAY", ":0")]),
            &linux,
        )
        .unwrap();
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

    #[test]
    fn the_flag_then_the_variable_then_the_session_key_then_the_machine() {
        let desktop = Fake {
            linux: false,
            files: vec![],
        };
        let mut keyed = session(Some("org"));
        keyed.use_device_code = true;
        let plain = session(Some("org"));
        let pick = |session: &SsoSession, requested: FlowRequest, vars: Vec<(&str, &str)>| {
            choose_flow(session, requested, &Env::from_vars(vars), &desktop).unwrap()
        };
        let pkce = FlowRequest::Only(Flow::Pkce);
        let device = FlowRequest::Only(Flow::DeviceCode);
        let env_pkce = vec![(LOGIN_FLOW_VARIABLE, "pkce")];
        let env_device = vec![(LOGIN_FLOW_VARIABLE, "device-code")];

        // 1. The caller's choice beats the variable and the key.
        let got = pick(&keyed, pkce, env_device.clone());
        assert_eq!(
            (got.flow, got.reason.as_str()),
            (Flow::Pkce, "as requested")
        );
        let got = pick(&plain, device, env_pkce.clone());
        assert_eq!(got.flow, Flow::DeviceCode);

        // 2. The variable beats the key and the machine, and names itself.
        let got = pick(&keyed, FlowRequest::Auto, env_pkce.clone());
        assert_eq!(got.flow, Flow::Pkce);
        assert_eq!(got.reason, "SSOKIT_LOGIN_FLOW=pkce");
        assert_eq!(
            format!("Using the {} flow: {}.", got.flow, got.reason),
            "Using the PKCE authorization-code flow: SSOKIT_LOGIN_FLOW=pkce."
        );
        let got = pick(&plain, FlowRequest::Auto, env_device.clone());
        assert_eq!(got.flow, Flow::DeviceCode);
        assert_eq!(got.reason, "SSOKIT_LOGIN_FLOW=device-code");
        // ... even for a legacy profile, like the flag.
        let got = pick(&session(None), FlowRequest::Auto, env_pkce);
        assert_eq!(got.flow, Flow::Pkce);

        // 3. `auto` or empty goes on to the key, which names itself and its session.
        for vars in [
            vec![(LOGIN_FLOW_VARIABLE, "auto")],
            vec![(LOGIN_FLOW_VARIABLE, "")],
            vec![],
        ] {
            let got = pick(&keyed, FlowRequest::Auto, vars);
            assert_eq!(got.flow, Flow::DeviceCode);
            assert_eq!(
                got.reason,
                "sso_use_device_code = true in [sso-session org]"
            );
        }

        // 4. Without any of them, the machine decides.
        let got = pick(
            &plain,
            FlowRequest::Auto,
            vec![(LOGIN_FLOW_VARIABLE, "auto")],
        );
        assert_eq!(got.flow, Flow::Pkce);
        assert_eq!(got.reason, "a local browser can reach 127.0.0.1");
    }

    #[test]
    fn an_invalid_variable_is_a_configuration_error_naming_it() {
        let machine = Fake {
            linux: false,
            files: vec![],
        };
        for bad in ["browser", "PKCE", "device_code", " pkce"] {
            let err = choose_flow(
                &session(Some("org")),
                FlowRequest::Auto,
                &Env::from_vars([(LOGIN_FLOW_VARIABLE, bad)]),
                &machine,
            )
            .unwrap_err();
            let ConfigError::InvalidValue { key, value, .. } = &err else {
                panic!("{bad}: {err:?}");
            };
            assert_eq!((key.as_str(), value.as_str()), (LOGIN_FLOW_VARIABLE, bad));
            assert_eq!(
                err.to_string(),
                format!(
                    "invalid SSOKIT_LOGIN_FLOW {bad:?} (environment variable SSOKIT_LOGIN_FLOW): \
                     expected \"auto\", \"pkce\" or \"device-code\"; unset it for the automatic choice"
                )
            );
        }
        // A caller's choice never reads the variable, so a bad one does not matter then.
        let got = choose_flow(
            &session(Some("org")),
            FlowRequest::Only(Flow::Pkce),
            &Env::from_vars([(LOGIN_FLOW_VARIABLE, "bogus")]),
            &machine,
        )
        .unwrap();
        assert_eq!(got.flow, Flow::Pkce);
    }
}
