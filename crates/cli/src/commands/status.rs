//! `ssokit status`: every sso-session and legacy start URL, from the token cache.

use std::fmt::Write as _;

use ssokit::env::Env;
use ssokit::status::current;
use ssokit::time::SystemClock;

use crate::cli::StatusArgs;
use crate::exit::{CmdResult, Outcome};
use crate::output::{print, print_json};

fn human(secs: u64) -> String {
    match secs {
        s if s >= 3600 => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
        s if s >= 60 => format!("{}m{:02}s", s / 60, s % 60),
        s => format!("{s}s"),
    }
}

pub(crate) fn run(args: &StatusArgs) -> CmdResult {
    let states = current(args.config_file.as_deref(), &Env::process(), &SystemClock)?;
    if args.json {
        let sessions: Vec<_> = states.iter().map(|s| s.to_json()).collect();
        print_json(&serde_json::json!({ "sessions": sessions }));
        return Ok(Outcome::Success);
    }
    if states.is_empty() {
        print("No sso-session or SSO start URL in the config.\n");
        return Ok(Outcome::Success);
    }
    let mut out = String::new();
    for s in &states {
        let title = match &s.sso_session {
            Some(name) => format!("[sso-session {name}]"),
            None => format!("[legacy start URL {}]", s.start_url),
        };
        let state = match (s.logged_in, s.expires_in_seconds) {
            (true, Some(left)) => format!("logged in, expires in {}", human(left)),
            (false, Some(_)) => "expired".to_owned(),
            _ => "not logged in".to_owned(),
        };
        let _ = writeln!(out, "{title}");
        let _ = writeln!(out, "  start URL    {}", s.start_url);
        let _ = writeln!(out, "  status       {state}");
        let _ = writeln!(
            out,
            "  refreshable  {}",
            if s.refreshable { "yes" } else { "no" }
        );
        let _ = writeln!(
            out,
            "  profiles     {}",
            if s.profiles.is_empty() {
                "-".to_owned()
            } else {
                s.profiles.join(", ")
            }
        );
        if let Some(problem) = &s.problem {
            let _ = writeln!(out, "  problem      {problem}");
        }
    }
    print(&out);
    Ok(Outcome::Success)
}
