//! Core's warnings (unsafe cache permissions), raised through Python's `logging`.
//!
//! Core may warn on any thread, including the runtime's; Python may only be entered
//! with the GIL. So the core queues its warnings (installed at import), and every call
//! that reaches the core hands them, on the calling thread and with the GIL held, to
//! the `ssokit` logger at WARNING level. No core thread ever waits for the GIL, and a
//! logging handler never runs inside a core call.

use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Queues core's warnings until [`flush`] takes them. Called once, at import.
pub(crate) fn install() {
    ssokit::warnings::queue();
}

/// Logs the queued warnings with `logging.getLogger("ssokit").warning(...)`; each
/// record has the extra attributes `ssokit_code` (e.g. `SSOKIT_UNSAFE_PERMISSIONS`) and
/// `ssokit_path`. A failing logger is reported as unraisable, never raised.
pub(crate) fn flush(py: Python<'_>) {
    let pending = ssokit::warnings::take_queued();
    if pending.is_empty() {
        return;
    }
    let result = (|| -> PyResult<()> {
        let logger = py
            .import("logging")?
            .call_method1("getLogger", ("ssokit",))?;
        for warning in pending {
            let extra = PyDict::new(py);
            extra.set_item("ssokit_code", warning.code())?;
            extra.set_item(
                "ssokit_path",
                warning.path().map(|p| p.display().to_string()),
            )?;
            let kwargs = PyDict::new(py);
            kwargs.set_item("extra", extra)?;
            logger.call_method("warning", ("%s", warning.to_string()), Some(&kwargs))?;
        }
        Ok(())
    })();
    if let Err(err) = result {
        err.write_unraisable(py, None);
    }
}
