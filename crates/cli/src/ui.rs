//! Talking to the person at the terminal: prompts, the waiting spinner, colour
//! (never when `NO_COLOR` is set or stderr is not a terminal), debug logs.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use ssokit::auth::prompt::{Prompt, PromptEvent, ShowPrompt};

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

/// Where the login prompt goes.
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

/// Shows a login prompt — core's text, on stderr or the terminal — and, for a device
/// code, a spinner with the time left while waiting. The core's [`Prompter`] opens
/// the browser first (unless told not to) and says how that went.
///
/// [`Prompter`]: ssokit::auth::prompt::Prompter
pub(crate) struct PromptUi {
    pub(crate) spinner: Spinner,
    sink: PromptSink,
}

impl PromptUi {
    /// Prompts on stderr.
    pub(crate) fn on_stderr() -> Self {
        Self::on(PromptSink::Stderr)
    }

    /// Prompts written to `sink`.
    pub(crate) fn on(sink: PromptSink) -> Self {
        Self {
            spinner: Spinner::default(),
            sink,
        }
    }
}

impl ShowPrompt for PromptUi {
    fn show(&self, event: &PromptEvent<'_>) {
        self.sink.write(&event.text());
        if let Prompt::Device(p) = event.prompt {
            self.spinner.start(p.expires_at);
        }
    }
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
