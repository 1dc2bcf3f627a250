//! The CLI where its surroundings are wrong: `status` with a broken legacy profile,
//! `credentials --login` with nowhere to show the device code (under
//! `credential_process`), and an unusable proxy setting.
#![allow(clippy::unwrap_used)]
// Deadlines on child processes and the terminal are wall-clock by nature.
#![allow(clippy::disallowed_methods)]

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use ssokit_emulator::{BackgroundEmulator, Emulator, Operation, default_accounts};

const CONFIG: &str = "\
[profile dev]
sso_session = org
sso_account_id = 111122223333
sso_role_name = ReadOnly

[profile legacy-no-region]
sso_start_url = https://d-2222222222.awsapps.com/start
sso_account_id = 111122223333
sso_role_name = ReadOnly

[sso-session org]
sso_start_url = https://d-0000000000.awsapps.com/start
sso_region = us-east-1
";

fn home_with(config: &str) -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir(home.path().join(".aws")).unwrap();
    std::fs::write(home.path().join(".aws/config"), config).unwrap();
    home
}

fn ssokit(home: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ssokit"));
    c.args(args)
        .env_clear()
        .env("HOME", home)
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .stdin(Stdio::null());
    c
}

/// A loopback port on which nothing listens.
fn dead_endpoint() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

#[test]
fn status_lists_an_invalid_legacy_profile_with_its_problem() {
    let home = home_with(CONFIG);
    let out = ssokit(home.path(), &["status", "--json"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let sessions = json["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2, "{json:#}");
    assert_eq!(sessions[0]["sso_session"], "org");
    assert_eq!(sessions[0]["problem"], Value::Null);
    let legacy = &sessions[1];
    assert_eq!(legacy["sso_session"], Value::Null);
    assert_eq!(
        legacy["start_url"],
        "https://d-2222222222.awsapps.com/start"
    );
    assert_eq!(legacy["profiles"], serde_json::json!(["legacy-no-region"]));
    assert_eq!(legacy["logged_in"], false);
    let problem = legacy["problem"].as_str().unwrap();
    assert!(problem.contains("sso_region"), "{problem}");

    let out = ssokit(home.path(), &["status"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("legacy-no-region") && text.contains("problem"),
        "{text}"
    );
}

#[test]
fn an_unusable_proxy_setting_is_an_error_not_a_direct_connection() {
    let home = home_with(CONFIG);
    let out = ssokit(
        home.path(),
        &[
            "login",
            "--profile",
            "dev",
            "--use-device-code",
            "--no-browser",
        ],
    )
    .env(
        "HTTPS_PROXY",
        "http://alice:hunter2@proxy.example.com:99999",
    )
    // Never the network, even if the setting were ignored.
    .env("AWS_ENDPOINT_URL_SSO_OIDC", dead_endpoint())
    .env("AWS_ENDPOINT_URL_SSO", dead_endpoint())
    .output()
    .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("HTTPS_PROXY=http://***@proxy.example.com:99999"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");
}

/// Waits for `child` with a deadline; kills it and fails past the deadline.
fn wait_with_deadline(mut child: Child, deadline: Duration) -> Output {
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if started.elapsed() > deadline {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "ssokit did not exit within {deadline:?}; stderr: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// An emulator that approves device logins after one poll, and a home whose `dev`
/// profile points at it, with no token.
fn emulated() -> (BackgroundEmulator, tempfile::TempDir) {
    let emulator = Emulator::builder()
        .accounts(default_accounts())
        .poll_interval_secs(1)
        .auto_approve_after_polls(1)
        .start_in_background()
        .unwrap();
    (emulator, home_with(CONFIG))
}

fn credentials_login(emulator: &BackgroundEmulator, home: &Path) -> Command {
    let url = emulator.control().url().to_owned();
    let mut c = ssokit(
        home,
        &["credentials", "--profile", "dev", "--login", "--no-browser"],
    );
    c.env("AWS_ENDPOINT_URL_SSO", &url)
        .env("AWS_ENDPOINT_URL_SSO_OIDC", &url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

fn device_authorizations(emulator: &BackgroundEmulator) -> usize {
    emulator
        .control()
        .request_log()
        .iter()
        .filter(|r| r.operation == Some(Operation::StartDeviceAuthorization))
        .count()
}

/// `credential_process` with no terminal at all (a new session, stderr captured):
/// nobody could see the code, so the login is refused at once, saying what to do.
#[cfg(unix)]
#[test]
fn credentials_login_without_any_terminal_is_refused_at_once() {
    use std::os::unix::process::CommandExt;

    let (emulator, home) = emulated();
    let mut command = credentials_login(&emulator, home.path());
    // SAFETY: setsid is async-signal-safe and touches no memory of the parent.
    unsafe {
        command.pre_exec(|| {
            rustix::process::setsid()?;
            Ok(())
        });
    }
    let out = wait_with_deadline(command.spawn().unwrap(), Duration::from_secs(60));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(255), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(
        stderr.contains("no terminal") && stderr.contains("; run `ssokit login --profile dev`"),
        "{stderr}"
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert_eq!(device_authorizations(&emulator), 0, "no login was started");
}

/// `credential_process` from a terminal session: stderr is captured, so the code
/// goes to the controlling terminal (a pseudo-terminal here), and stdout holds only
/// the credentials.
#[cfg(unix)]
#[test]
fn credentials_login_with_stderr_captured_shows_the_code_on_the_terminal() {
    use std::os::fd::AsRawFd;
    use std::os::unix::process::CommandExt;

    use rustix::fs::{Mode, OFlags};
    use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};

    let (emulator, home) = emulated();
    let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY | OpenptFlags::CLOEXEC).unwrap();
    grantpt(&master).unwrap();
    unlockpt(&master).unwrap();
    let name = ptsname(&master, Vec::new()).unwrap();
    let slave = rustix::fs::open(
        name.as_c_str(),
        OFlags::RDWR | OFlags::NOCTTY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .unwrap();
    let slave_fd = slave.as_raw_fd();

    let mut command = credentials_login(&emulator, home.path());
    // SAFETY: setsid and the TIOCSCTTY ioctl are async-signal-safe; the descriptor
    // stays open in the parent until the end of the test.
    unsafe {
        command.pre_exec(move || {
            rustix::process::setsid()?;
            let fd = std::os::fd::BorrowedFd::borrow_raw(slave_fd);
            rustix::process::ioctl_tiocsctty(fd)?;
            Ok(())
        });
    }
    let child = command.spawn().unwrap();
    let out = wait_with_deadline(child, Duration::from_secs(120));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["Version"], 1);
    assert!(!stderr.contains("Then enter the code"), "{stderr}");
    // The parent keeps its end of the slave open until now, so what the child wrote
    // stays readable (Linux may drop it once every slave descriptor is closed).
    rustix::fs::fcntl_setfl(&master, OFlags::NONBLOCK).unwrap();
    let mut master = std::fs::File::from(master);
    let mut shown = Vec::new();
    let mut buf = [0u8; 4096];
    // The terminal passes output on asynchronously: read until the prompt is there,
    // with a deadline.
    let started = Instant::now();
    while !String::from_utf8_lossy(&shown).contains("Then enter the code")
        && started.elapsed() < Duration::from_secs(30)
    {
        match master.read(&mut buf) {
            Ok(n) if n > 0 => shown.extend_from_slice(&buf[..n]),
            _ => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    drop(slave);
    let shown = String::from_utf8_lossy(&shown);
    assert!(shown.contains("Then enter the code"), "{shown}");
    assert_eq!(device_authorizations(&emulator), 1);
}
