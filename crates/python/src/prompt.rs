//! Showing a login prompt — a device code, or a PKCE authorize URL: the caller's
//! `on_prompt` function (Python code, called from one of ssokit's threads with the
//! GIL acquired), or the core's text on `sys.stderr`. The core's `Prompter` opens
//! the browser first, when asked to.

use std::sync::{Mutex, PoisonError};

use pyo3::prelude::*;

use ssokit::auth::login::CancelToken;
use ssokit::auth::prompt::{Prompt, PromptEvent, ShowPrompt};

use crate::types::{DevicePrompt, PkcePrompt};

/// A [`ShowPrompt`] that calls Python.
pub(crate) struct PyPrompt {
    callback: Option<Py<PyAny>>,
    /// For an explicit login: an exception in the callback cancels the login and is
    /// raised instead of its error. Without it (automatic login in a provider), the
    /// exception is reported as unraisable and the login goes on.
    cancel: Option<CancelToken>,
    error: Mutex<Option<PyErr>>,
}

impl PyPrompt {
    /// A prompt calling `callback` (or printing to `sys.stderr` when None).
    pub(crate) fn new(callback: Option<Py<PyAny>>, cancel: Option<CancelToken>) -> Self {
        Self {
            callback,
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

    /// The callback with the prompt as a `DevicePrompt` or `PkcePrompt`, else the
    /// core's text on `sys.stderr` (so notebooks show it).
    fn call(&self, py: Python<'_>, event: &PromptEvent<'_>) -> PyResult<()> {
        let Some(callback) = &self.callback else {
            let stderr = py.import("sys")?.getattr("stderr")?;
            stderr.call_method1("write", (event.text(),))?;
            stderr.call_method0("flush")?;
            return Ok(());
        };
        let prompt = match event.prompt {
            Prompt::Device(p) => Py::new(py, DevicePrompt::new(py, p, event)?)?.into_any(),
            Prompt::Pkce(url) => Py::new(py, PkcePrompt::new(url, event))?.into_any(),
        };
        callback.call1(py, (prompt,))?;
        Ok(())
    }
}

impl ShowPrompt for PyPrompt {
    fn show(&self, event: &PromptEvent<'_>) {
        self.deliver(|py| self.call(py, event));
    }
}
