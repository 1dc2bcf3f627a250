//! The module's one tokio runtime, and running the core's futures from Python: the
//! GIL is released while a call waits, and Ctrl-C interrupts it.

use std::future::Future;
use std::sync::{Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use pyo3::prelude::*;
use tokio::runtime::Runtime;

use ssokit::Error;
use ssokit::auth::login::CancelToken;

use crate::errors::to_py;

/// How often a waiting call looks for Ctrl-C (Python signal handlers run only on the
/// main thread, with the GIL held).
const SIGNAL_CHECK_INTERVAL: Duration = Duration::from_millis(100);

/// Worker threads of the runtime: the work is network and file I/O, not CPU.
const WORKER_THREADS: usize = 2;

/// The runtime, created on first use (so `import ssokit` starts no thread) and
/// forgotten in a child process after `fork` (its threads did not survive).
static RUNTIME: Mutex<Option<&'static Runtime>> = Mutex::new(None);

/// The shared runtime, started on first use.
pub(crate) fn runtime() -> PyResult<&'static Runtime> {
    let mut slot = RUNTIME.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(runtime) = *slot {
        return Ok(runtime);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(WORKER_THREADS)
        .thread_name("ssokit")
        .enable_all()
        .build()
        .map_err(|e| {
            // An InternalError with every attribute, as any other core error.
            Python::attach(|py| {
                to_py(
                    py,
                    Error::Internal(format!("could not start ssokit's I/O threads: {e}")),
                )
            })
        })?;
    // Leaked on purpose: it lives as long as the process (or until a fork, after
    // which it must not be dropped, since dropping joins threads that do not exist).
    let runtime: &'static Runtime = Box::leak(Box::new(runtime));
    *slot = Some(runtime);
    Ok(runtime)
}

/// Forgets the runtime in a child process after `os.fork()`; the next call starts a
/// new one. Registered with `os.register_at_fork` by the package.
#[pyfunction]
pub(crate) fn _after_fork_in_child() {
    *RUNTIME.lock().unwrap_or_else(PoisonError::into_inner) = None;
}

/// Runs `future` to completion. The first step runs at once with the GIL held, so a
/// result already in memory (cached credentials) costs no thread switch; anything
/// that has to wait runs on the runtime with the GIL released, while this thread
/// checks for Ctrl-C. On Ctrl-C, `cancel` (if any) is cancelled and awaited, so the
/// login ends cleanly; otherwise the task is dropped. Errors stay core errors, so the
/// caller can look at them before they become exceptions. The core's warnings are
/// logged once it is done (see [`crate::warnings`]).
pub(crate) fn run_raw<T, F>(
    py: Python<'_>,
    future: F,
    cancel: Option<&CancelToken>,
) -> PyResult<Result<T, Error>>
where
    T: Send + 'static,
    F: Future<Output = Result<T, Error>> + Send + 'static,
{
    let result = run_to_end(py, future, cancel);
    crate::warnings::flush(py);
    result
}

fn run_to_end<T, F>(
    py: Python<'_>,
    future: F,
    cancel: Option<&CancelToken>,
) -> PyResult<Result<T, Error>>
where
    T: Send + 'static,
    F: Future<Output = Result<T, Error>> + Send + 'static,
{
    let runtime = runtime()?;
    let mut future = Box::pin(future);
    {
        let _context = runtime.enter();
        let mut cx = Context::from_waker(Waker::noop());
        if let Poll::Ready(result) = future.as_mut().poll(&mut cx) {
            return Ok(result);
        }
    }
    let mut task = runtime.spawn(future);
    loop {
        let finished = py.detach(|| {
            runtime.block_on(async {
                tokio::time::timeout(SIGNAL_CHECK_INTERVAL, &mut task)
                    .await
                    .ok()
            })
        });
        match finished {
            Some(Ok(result)) => return Ok(result),
            Some(Err(join)) => {
                return Ok(Err(Error::Internal(format!(
                    "a background task failed: {join}"
                ))));
            }
            None => {
                if let Err(interrupt) = py.check_signals() {
                    match cancel {
                        Some(cancel) => {
                            cancel.cancel();
                            let _ = py.detach(|| runtime.block_on(&mut task));
                        }
                        None => task.abort(),
                    }
                    return Err(interrupt);
                }
            }
        }
    }
}

/// [`run_raw`], with core errors turned into exceptions.
pub(crate) fn run<T, F>(py: Python<'_>, future: F) -> PyResult<T>
where
    T: Send + 'static,
    F: Future<Output = Result<T, Error>> + Send + 'static,
{
    run_raw(py, future, None)?.map_err(|e| to_py(py, e))
}
