//! Writing to stdout, where a closed pipe (`ssokit profiles | head -1`) is not an error.

use std::io::{self, Write};

/// Writes `text` to stdout; a broken pipe is ignored.
pub(crate) fn print(text: &str) {
    let mut out = io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// Writes a value as pretty JSON with a trailing newline.
pub(crate) fn print_json<T: serde::Serialize>(value: &T) {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    print(&text);
}
