//! Opening a URL in the user's browser, as well as it can be done, and never as an
//! error: when nothing can open it, the caller prints the URL (it always does anyway).

use std::process::{Command, Stdio};

use crate::env::Env;

/// How a URL was (or was not) opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// A browser command was started.
    Started(String),
    /// Nothing could be started; the reason, for a debug log.
    NotOpened(String),
}

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

/// Tries each candidate until one starts. The browser runs detached, its output
/// discarded; ssokit does not wait for it.
pub fn open(url: &str, env: &Env) -> Opened {
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

#[cfg(test)]
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

    #[test]
    fn the_url_replaces_percent_s() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("url");
        let script = dir.path().join("b.sh");
        std::fs::write(
            &script,
            format!("#!/bin/sh\necho \"$1\" > {}\n", out.display()),
        )
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
            let env = Env::from_vars([("BROWSER", format!("{} %s", script.display()))]);
            assert!(matches!(
                open("https://x.test/?a=1", &env),
                Opened::Started(_)
            ));
            for _ in 0..200 {
                if out.exists() && !std::fs::read_to_string(&out).unwrap().is_empty() {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            assert_eq!(
                std::fs::read_to_string(&out).unwrap().trim(),
                "https://x.test/?a=1"
            );
        }
    }
}
