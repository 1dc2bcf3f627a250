//! Talking to the person at the terminal: prompts, the waiting spinner, colour
//! (never when `NO_COLOR` is set or stderr is not a terminal), debug logs.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use ssokit::auth::login::DevicePrompt;
use ssokit::browser::{AllowedHosts, Opened, open_checked, printable};
use ssokit::env::Env;

/// Debug logs on stderr, without colour when `NO_COLOR` is set or stderr is not a
/// terminal.
pub(crate) fn init_debug_logs() {
    let ansi = color_enabled();
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .with_max_level(tracing::Level::DEBUG)
        .with_target(false)
        .try_init();
}

/// True when stderr is a terminal and `NO_COLOR` is unset or empty.
pub(crate) fn color_enabled() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}

/// Core's warnings (unsafe cache permissions), each as one `warning: …` line on
/// stderr; stdout stays the command's output. On a terminal, the line of a running
/// spinner is cleared first, so the warning starts a line of its own.
pub(crate) fn install_warnings() {
    ssokit::warnings::set_handler(|w| {
        let clear = if std::io::stderr().is_terminal() {
            format!("\r{:50}\r", "")
        } else {
            String::new()
        };
        note(&format!("{clear}warning: {w}"));
    });
}

/// A line on stderr.
pub(crate) fn note(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// Where the device-code prompt goes.
pub(crate) enum PromptSink {
    /// Standard error (a terminal, or what `ssokit login` was told to write to).
    Stderr,
    /// The controlling terminal, when stderr is captured (under `credential_process`
    /// the caller reads stderr only when the command has failed).
    Terminal(std::sync::Mutex<std::fs::File>),
}

impl PromptSink {
    /// Stderr when it is a terminal, else the controlling terminal if one can be
    /// opened, else `None`: nobody would see the code.
    pub(crate) fn for_person() -> Option<Self> {
        if std::io::stderr().is_terminal() {
            return Some(Self::Stderr);
        }
        let tty = if cfg!(windows) { "CONOUT$" } else { "/dev/tty" };
        std::fs::OpenOptions::new()
            .write(true)
            .open(tty)
            .ok()
            .map(|f| Self::Terminal(std::sync::Mutex::new(f)))
    }

    fn write(&self, text: &str) {
        match self {
            Self::Stderr => note(text),
            Self::Terminal(file) => {
                let mut file = file.lock().unwrap_or_else(|e| e.into_inner());
                let _ = writeln!(file, "{text}");
                let _ = file.flush();
            }
        }
    }
}

/// Shows the device-code prompt on stderr and opens the browser unless told not to:
/// what `aws sso login` shows, and a spinner with the time left while waiting.
pub(crate) struct DevicePromptUi {
    pub(crate) open_browser: bool,
    pub(crate) spinner: Spinner,
    sink: PromptSink,
}

impl DevicePromptUi {
    pub(crate) fn new(open_browser: bool) -> Self {
        Self::on(open_browser, PromptSink::Stderr)
    }

    /// A prompt written to `sink`.
    pub(crate) fn on(open_browser: bool, sink: PromptSink) -> Self {
        Self {
            open_browser,
            spinner: Spinner::default(),
            sink,
        }
    }

    pub(crate) fn show(&self, p: &DevicePrompt) {
        let opened = self.open_browser && open_in_browser(p.page(), &p.allowed_hosts);
        self.sink.write(&device_prompt_text(p, opened));
        self.spinner.start(p.expires_at);
    }
}

/// Opens `url` in a browser when core's check allows it; says why not on stderr when
/// it refused the URL, and in the debug log when no browser could be started.
pub(crate) fn open_in_browser(url: &str, allowed: &AllowedHosts) -> bool {
    match open_checked(url, allowed, &Env::process()) {
        Opened::Started(program) => {
            tracing::debug!(%program, "opened the page in a browser");
            true
        }
        Opened::NotOpened(reason) => {
            tracing::debug!(%reason, "could not open a browser");
            false
        }
        Opened::Refused(refused) => {
            tracing::debug!(%refused, "refused to open the page");
            note(&format!("Not opening a browser: {}.", refused.reason));
            false
        }
    }
}

/// What `aws sso login` shows for a device code. Every server text goes through
/// `printable` (again: the prompt's fields are public).
pub(crate) fn device_prompt_text(p: &DevicePrompt, opened: bool) -> String {
    let intro = if opened {
        "Attempting to automatically open the SSO authorization page in your default browser.\nIf the browser does not open or you wish to use a different device to authorize this request, open the following URL:"
    } else {
        "Open the following URL in a browser (on any device):"
    };
    format!(
        "{intro}\n\n{}\n\nThen enter the code:\n\n{}\n\nOr open this URL, which fills in the code:\n{}\n",
        printable(&p.verification_uri),
        printable(&p.user_code),
        printable(p.page()),
    )
}

/// A spinner with the time left, on stderr, only when stderr is a terminal.
#[derive(Default, Clone)]
pub(crate) struct Spinner {
    stop: Arc<AtomicBool>,
    started: Arc<AtomicBool>,
}

impl Spinner {
    pub(crate) fn start(&self, until: SystemTime) {
        if !std::io::stderr().is_terminal() {
            return;
        }
        self.started.store(true, Ordering::Relaxed);
        let stop = Arc::clone(&self.stop);
        std::thread::spawn(move || {
            let frames = ['|', '/', '-', '\\'];
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) {
                #[allow(clippy::disallowed_methods)] // wall time for a display only
                let left = until
                    .duration_since(SystemTime::now())
                    .unwrap_or_default()
                    .as_secs();
                let _ = write!(
                    std::io::stderr().lock(),
                    "\r{} Waiting for approval... {}:{:02} left ",
                    frames[i % frames.len()],
                    left / 60,
                    left % 60
                );
                i += 1;
                std::thread::sleep(Duration::from_millis(120));
            }
            let _ = write!(std::io::stderr().lock(), "\r{:50}\r", "");
        });
    }

    pub(crate) fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
        if self.started.load(Ordering::Relaxed) {
            // Let the spinner thread clear its line before the next output.
            std::thread::sleep(Duration::from_millis(150));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_device_prompt_prints_no_terminal_control() {
        let p = DevicePrompt {
            verification_uri: "https://device.sso.us-east-1.amazonaws.com/\x1b[2J\x1b]0;t\x07"
                .into(),
            verification_uri_complete: Some(
                "https://device.sso.us-east-1.amazonaws.com/?user_code=AB\r\nCD\u{9b}1m".into(),
            ),
            user_code: "AB\x1b[31mCD\x7f".into(),
            expires_at: SystemTime::UNIX_EPOCH,
            allowed_hosts: AllowedHosts::none(),
        };
        for opened in [true, false] {
            let text = device_prompt_text(&p, opened);
            assert!(
                !text.chars().any(|c| c.is_control() && c != '\n'),
                "{text:?}"
            );
            assert!(text.contains("\n\nAB[31mCD\n\n"), "{text:?}");
            assert!(text.contains("?user_code=ABCD1m\n"), "{text:?}");
        }
    }
}
