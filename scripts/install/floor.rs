//! The floor for `ssokit credentials` with cached credentials: a process that only
//! reads one cache file (the path in its first argument), checks that it is a JSON
//! object, takes out the string fields a `credential_process` answer needs and prints
//! them. Standard library only; scripts/install/time_credentials.py times it beside
//! each installed `ssokit` (docs/performance.md#installable-artifacts). Built with
//! `rustc -C opt-level=3 -C strip=symbols`, outside the workspace.

use std::io::Write;
use std::process::ExitCode;

/// The string value of `"key": "..."` in a flat JSON object (no escapes in values).
fn string_field<'a>(json: &'a str, key: &str) -> Option<&'a str> {
    let quoted = format!("\"{key}\"");
    let after_key = &json[json.find(&quoted)? + quoted.len()..];
    let after_colon = after_key.trim_start().strip_prefix(':')?.trim_start();
    let value = after_colon.strip_prefix('"')?;
    Some(&value[..value.find('"')?])
}

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: floor <cache file>");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("floor: cannot read {path}: {e}");
            return ExitCode::from(1);
        }
    };
    let body = text.trim();
    if !(body.starts_with('{') && body.ends_with('}')) {
        eprintln!("floor: {path} is not a JSON object");
        return ExitCode::from(1);
    }
    let fields = ["accessToken", "expiresAt", "region", "startUrl"];
    let mut out = String::from("{\"Version\": 1");
    for key in fields {
        if let Some(value) = string_field(body, key) {
            out.push_str(&format!(", \"{key}\": {}", value.len()));
        }
    }
    out.push('}');
    let _ = writeln!(std::io::stdout().lock(), "{out}");
    ExitCode::SUCCESS
}
