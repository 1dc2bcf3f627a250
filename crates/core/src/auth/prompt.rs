//! What a login shows the person, in either flow, worded once for every front-end:
//! the device code and its pages, or the PKCE authorize URL; whether ssokit opened
//! the page in a browser; and the default text (what the CLI prints, and what the
//! bindings write to stderr when the caller gives no `on_prompt` / `onPrompt`).
//!
//! A front-end implements [`ShowPrompt`] (print the text, call the caller's
//! function, start a spinner) and hands it to a [`Prompter`], which opens the page
//! (after [`check_url`](crate::browser::check_url)) when asked to and is the
//! [`LoginPrompt`] and [`AuthorizePrompt`] of the login.
//!
//! Needs the `login` cargo feature (on by default).

use std::fmt;
use std::sync::Arc;

use super::flow::Flow;
use super::login::{DevicePrompt, LoginPrompt};
use super::pkce::AuthorizePrompt;
use crate::browser::{AllowedHosts, Opened, open_checked, printable};
use crate::env::Env;

/// What the person must do to approve a login.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prompt<'a> {
    /// Enter a code at a page, on any device.
    Device(&'a DevicePrompt),
    /// Open the authorize URL in a browser on this machine (it returns to ssokit's
    /// listener on 127.0.0.1). The URL as it may be shown ([`printable`]).
    Pkce(&'a str),
}

impl Prompt<'_> {
    /// The flow the prompt belongs to.
    pub fn flow(&self) -> Flow {
        match self {
            Self::Device(_) => Flow::DeviceCode,
            Self::Pkce(_) => Flow::Pkce,
        }
    }
}

/// A prompt as a front-end shows it: what to approve, and what became of opening its
/// page. Its [`Display`](fmt::Display) is the default text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptEvent<'a> {
    /// What to approve.
    pub prompt: Prompt<'a>,
    /// How opening the page went; `None` when the caller asked for no browser.
    pub browser: Option<Opened>,
}

impl PromptEvent<'_> {
    /// True when a browser command was started with the page.
    pub fn browser_opened(&self) -> bool {
        matches!(self.browser, Some(Opened::Started(_)))
    }

    /// The default text: what to do, the URL (and for the device code, the code and
    /// the page that fills it in), and why no browser was opened when ssokit refused
    /// the URL. Every text from the server goes through [`printable`]. Ends with a
    /// newline.
    pub fn text(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for PromptEvent<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(Opened::Refused(refused)) = &self.browser {
            writeln!(f, "Not opening a browser: {}.\n", refused.reason)?;
        }
        let opened = self.browser_opened();
        match self.prompt {
            Prompt::Device(p) => {
                let intro = if opened {
                    "Attempting to automatically open the SSO authorization page in your default browser.\nIf the browser does not open or you wish to use a different device to authorize this request, open the following URL:"
                } else {
                    "Open the following URL in a browser (on any device):"
                };
                write!(
                    f,
                    "{intro}\n\n{}\n\nThen enter the code:\n\n{}\n\nOr open this URL, which fills in the code:\n{}\n",
                    printable(&p.verification_uri),
                    printable(&p.user_code),
                    printable(p.page()),
                )
            }
            Prompt::Pkce(url) => {
                let intro = if opened {
                    "Opening the authorization page in your browser. If it does not open, visit:"
                } else {
                    "Open this URL in a browser on this machine and approve the request:"
                };
                write!(f, "{intro}\n\n{}\n", printable(url))
            }
        }
    }
}

/// The front-end's part of a prompt: show it (print [`PromptEvent::text`], call the
/// caller's function, ...). Called once per device authorization or PKCE login, after
/// the browser was opened (or not).
pub trait ShowPrompt: Send + Sync {
    /// Shows `event`.
    fn show(&self, event: &PromptEvent<'_>);
}

impl<F: Fn(&PromptEvent<'_>) + Send + Sync> ShowPrompt for F {
    fn show(&self, event: &PromptEvent<'_>) {
        self(event)
    }
}

/// The [`LoginPrompt`] and [`AuthorizePrompt`] of every front-end: opens the page of
/// each prompt in a browser when asked to (only if
/// [`check_url`](crate::browser::check_url) allows it), then hands the prompt and the
/// outcome to the front-end's [`ShowPrompt`].
#[derive(Clone)]
pub struct Prompter {
    show: Arc<dyn ShowPrompt>,
    open_browser: bool,
    env: Env,
    allowed: AllowedHosts,
}

impl fmt::Debug for Prompter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Prompter")
            .field("open_browser", &self.open_browser)
            .field("allowed", &self.allowed)
            .finish_non_exhaustive()
    }
}

impl Prompter {
    /// A prompter showing through `show`, opening pages (device pages on the prompt's
    /// own allowed hosts, PKCE pages on `allowed`) when `open_browser`, with the
    /// browser that `env` names.
    pub fn new(
        show: Arc<dyn ShowPrompt>,
        open_browser: bool,
        env: Env,
        allowed: AllowedHosts,
    ) -> Self {
        Self {
            show,
            open_browser,
            env,
            allowed,
        }
    }

    fn open_page(&self, url: &str, allowed: &AllowedHosts) -> Option<Opened> {
        if !self.open_browser {
            return None;
        }
        let opened = open_checked(url, allowed, &self.env);
        match &opened {
            Opened::Started(program) => tracing::debug!(%program, "opened the page in a browser"),
            Opened::NotOpened(reason) => tracing::debug!(%reason, "could not open a browser"),
            Opened::Refused(refused) => tracing::debug!(%refused, "refused to open the page"),
        }
        Some(opened)
    }
}

impl LoginPrompt for Prompter {
    fn show(&self, prompt: &DevicePrompt) {
        let browser = self.open_page(prompt.page(), &prompt.allowed_hosts);
        self.show.show(&PromptEvent {
            prompt: Prompt::Device(prompt),
            browser,
        });
    }
}

impl AuthorizePrompt for Prompter {
    fn open(&self, url: &str) {
        let browser = self.open_page(url, &self.allowed);
        let shown = printable(url);
        self.show.show(&PromptEvent {
            prompt: Prompt::Pkce(&shown),
            browser,
        });
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::time::SystemTime;

    use super::*;
    use crate::browser::RefusedUrl;

    fn device() -> DevicePrompt {
        DevicePrompt {
            verification_uri: "https://device.sso.us-east-1.amazonaws.com/\x1b[2J\x1b]0;t\x07"
                .into(),
            verification_uri_complete: Some(
                "https://device.sso.us-east-1.amazonaws.com/?user_code=AB\r\nCD\u{9b}1m".into(),
            ),
            user_code: "AB\x1b[31mCD\x7f".into(),
            expires_at: SystemTime::UNIX_EPOCH,
            allowed_hosts: AllowedHosts::none(),
        }
    }

    #[test]
    fn the_text_says_what_to_do_and_prints_no_terminal_control() {
        let p = device();
        for browser in [None, Some(Opened::Started("xdg-open".into()))] {
            let event = PromptEvent {
                prompt: Prompt::Device(&p),
                browser,
            };
            let text = event.text();
            assert!(
                !text.chars().any(|c| c.is_control() && c != '\n'),
                "{text:?}"
            );
            assert!(text.contains("\n\nAB[31mCD\n\n"), "{text:?}");
            assert!(text.contains("?user_code=ABCD1m\n"), "{text:?}");
            assert!(text.contains("Then enter the code:"), "{text:?}");
            assert_eq!(
                text.starts_with("Attempting to automatically open"),
                event.browser_opened()
            );
            assert!(text.ends_with('\n') && !text.ends_with("\n\n"));
        }
        let url = "https://oidc.us-east-1.amazonaws.com/authorize?x=1";
        let opened = PromptEvent {
            prompt: Prompt::Pkce(url),
            browser: Some(Opened::Started("open".into())),
        };
        assert_eq!(opened.prompt.flow(), Flow::Pkce);
        assert_eq!(
            opened.text(),
            format!(
                "Opening the authorization page in your browser. If it does not open, visit:\n\n{url}\n"
            )
        );
        let not_opened = PromptEvent {
            prompt: Prompt::Pkce(url),
            browser: Some(Opened::NotOpened("no xdg-open".into())),
        };
        assert!(!not_opened.browser_opened());
        assert!(
            not_opened
                .text()
                .starts_with("Open this URL in a browser on this machine")
        );
        let refused = PromptEvent {
            prompt: Prompt::Device(&p),
            browser: Some(Opened::Refused(RefusedUrl {
                url: "http://evil.example".into(),
                reason: "only https:// pages are opened".into(),
            })),
        };
        assert!(refused.text().starts_with(
            "Not opening a browser: only https:// pages are opened.\n\nOpen the following URL"
        ));
    }

    /// What a prompt showed: its flow, the browser outcome, and its code or URL.
    type Shown = (Flow, Option<Opened>, String);

    #[test]
    fn the_prompter_opens_only_when_asked_and_shows_each_prompt_once() {
        let seen: Arc<Mutex<Vec<Shown>>> = Arc::default();
        let sink = Arc::clone(&seen);
        let show = move |e: &PromptEvent<'_>| {
            let url = match e.prompt {
                Prompt::Device(p) => p.user_code.clone(),
                Prompt::Pkce(url) => url.to_owned(),
            };
            sink.lock()
                .unwrap()
                .push((e.prompt.flow(), e.browser.clone(), url));
        };
        let show: Arc<dyn ShowPrompt> = Arc::new(show);
        // No browser asked for: nothing is opened, whatever the URL.
        let quiet = Prompter::new(
            Arc::clone(&show),
            false,
            Env::from_vars([("BROWSER", "/nonexistent/browser")]),
            AllowedHosts::none(),
        );
        LoginPrompt::show(&quiet, &device());
        AuthorizePrompt::open(&quiet, "https://x.example/a\x1b[0m");
        // Asked for, but the host is not allowed: refused, never started.
        let eager = Prompter::new(
            show,
            true,
            Env::from_vars([("BROWSER", "/nonexistent/browser")]),
            AllowedHosts::none(),
        );
        AuthorizePrompt::open(&eager, "https://x.example/a");
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 3);
        assert_eq!(seen[0].0, Flow::DeviceCode);
        assert_eq!(seen[0].1, None);
        assert_eq!(
            seen[1],
            (Flow::Pkce, None, "https://x.example/a[0m".to_owned())
        );
        assert!(matches!(seen[2].1, Some(Opened::Refused(_))), "{seen:?}");
    }
}
