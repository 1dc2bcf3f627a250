//! Showing a login prompt — a device code, or a PKCE authorize URL: the caller's
//! `on_prompt` function (Python code, called from one of ssokit's threads with the
//! GIL acquired), or a message on `sys.stderr`; and the browser, when asked for.

use std::sync::{Mutex, PoisonError};

use pyo3::prelude::*;

use ssokit::auth::login::{CancelToken, DevicePrompt as CorePrompt, LoginPrompt};
use ssokit::browser::{AllowedHosts, Opened, open_checked, printable};
use ssokit::env::Env;

use crate::types::{DevicePrompt, PkcePrompt};

/// A [`LoginPrompt`] that calls Python.
pub(crate) struct PyPrompt {
    callback: Option<Py<PyAny>>,
    open_browser: bool,
    env: Env,
    /// For an explicit login: an exception in the callback cancels the login and is
    /// raised instead of its error. Without it (automatic login in a provider), the
    /// exception is reported as unraisable and the login goes on.
    cancel: Option<CancelToken>,
    error: Mutex<Option<PyErr>>,
}

impl PyPrompt {
    /// A prompt calling `callback` (or printing to `sys.stderr` when None).
    pub(crate) fn new(
        callback: Option<Py<PyAny>>,
        open_browser: bool,
        env: Env,
        cancel: Option<CancelToken>,
    ) -> Self {
        Self {
            callback,
            open_browser,
            env,
            cancel,
            error: Mutex::new(None),
        }
    }

    /// The exception the callback raised, if any.
    pub(crate) fn take_error(&self) -> Option<PyErr> {
        self.error
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    /// Shows the authorize URL of a PKCE login (opening it in a browser when asked):
    /// what the core's `AuthorizePrompt` calls.
    pub(crate) fn authorize(&self, url: &str, allowed: &AllowedHosts) {
        let opened = self.open_browser
            && matches!(open_checked(url, allowed, &self.env), Opened::Started(_));
        let url = printable(url);
        self.deliver(|py| self.call_pkce(py, &url, opened));
    }

    /// Runs `show` with the GIL; an exception cancels an explicit login (and is raised
    /// by it) or, in an automatic login, is reported as unraisable. The calling
    /// runtime worker hands its other tasks (the PKCE callback listener among them) to
    /// another thread meanwhile, so a callback may block — even on a request to that
    /// listener.
    fn deliver(&self, show: impl FnOnce(Python<'_>) -> PyResult<()>) {
        tokio::task::block_in_place(|| {
            Python::attach(|py| {
                if let Err(err) = show(py) {
                    match &self.cancel {
                        Some(cancel) => {
                            *self.error.lock().unwrap_or_else(PoisonError::into_inner) = Some(err);
                            cancel.cancel();
                        }
                        None => {
                            err.write_unraisable(py, self.callback.as_ref().map(|c| c.bind(py)))
                        }
                    }
                }
            });
        });
    }

    /// Writes `text` to `sys.stderr` (so notebooks show it).
    fn write_stderr(py: Python<'_>, text: String) -> PyResult<()> {
        let stderr = py.import("sys")?.getattr("stderr")?;
        stderr.call_method1("write", (text,))?;
        stderr.call_method0("flush")?;
        Ok(())
    }

    fn call_pkce(&self, py: Python<'_>, url: &str, opened: bool) -> PyResult<()> {
        match &self.callback {
            Some(callback) => {
                let prompt = Py::new(py, PkcePrompt::new(url, opened))?;
                callback.call1(py, (prompt,))?;
                Ok(())
            }
            None => {
                let intro = if opened {
                    "Opened the SSO authorization page in your browser. If it did not open, open this URL in a browser on this computer:"
                } else {
                    "To sign in, open this URL in a browser on this computer (it returns to 127.0.0.1):"
                };
                Self::write_stderr(py, format!("{intro}\n\n{url}\n\n"))
            }
        }
    }

    fn call(&self, py: Python<'_>, p: &CorePrompt, opened: bool) -> PyResult<()> {
        let prompt = Py::new(py, DevicePrompt::new(py, p, opened)?)?;
        match &self.callback {
            Some(callback) => {
                callback.call1(py, (prompt,))?;
            }
            None => {
                let page = p
                    .verification_uri_complete
                    .as_deref()
                    .unwrap_or(&p.verification_uri);
                let intro = if opened {
                    "Opened the SSO authorization page in your browser. If it did not open, or to use another device, open:"
                } else {
                    "To sign in, open this URL in a browser (on any device):"
                };
                let text = format!(
                    "{intro}\n\n{}\n\nand enter the code:\n\n{}\n\nor open this URL, which fills in the code:\n{page}\n\n",
                    p.verification_uri, p.user_code
                );
                Self::write_stderr(py, text)?;
            }
        }
        Ok(())
    }
}

impl LoginPrompt for PyPrompt {
    fn show(&self, p: &CorePrompt) {
        let opened = self.open_browser && matches!(p.open_page(&self.env), Opened::Started(_));
        self.deliver(|py| self.call(py, p, opened));
    }
}
