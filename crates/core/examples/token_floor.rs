//! The floor of `benches/first_calls.py`: the least a `credential_process` can do —
//! start, read one SSO token file and parse its JSON — and nothing else. No config, no
//! cache key, no output beyond one byte. Every process the benchmark times costs at
//! least this much.
//!
//! ```sh
//! cargo build --release --example token_floor -p ssokit
//! target/release/examples/token_floor ~/.aws/sso/cache/<sha1>.json
//! ```

use std::process::ExitCode;

/// The fields a reader of the token file needs.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Token {
    access_token: String,
    expires_at: String,
}

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        return ExitCode::from(2);
    };
    let Ok(bytes) = std::fs::read(path) else {
        return ExitCode::FAILURE;
    };
    match serde_json::from_slice::<Token>(&bytes) {
        Ok(token) if !token.access_token.is_empty() && !token.expires_at.is_empty() => {
            use std::io::Write;
            let _ = std::io::stdout().write_all(b"1");
            ExitCode::SUCCESS
        }
        _ => ExitCode::FAILURE,
    }
}
