//! Python bindings.
use pyo3::prelude::*;

/// The native module.
#[pymodule]
#[pyo3(name = "_ssokit")]
fn ssokit_python(_m: &Bound<'_, PyModule>) -> PyResult<()> {
    Ok(())
}
