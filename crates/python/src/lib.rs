//! The native module `ssokit._ssokit`: a thin layer that converts Python arguments to
//! `ssokit` calls, results to Python objects and `ssokit::Error` to Python exceptions.
//! No logic of its own: that lives in the `ssokit` crate.

mod api;
mod emulator;
mod errors;
mod profile;
mod prompt;
mod repr;
mod runtime;
mod types;
mod warnings;

use pyo3::prelude::*;

/// The native part of the `ssokit` package.
#[pymodule]
#[pyo3(name = "_ssokit")]
fn ssokit_python(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    warnings::install();
    errors::register(m)?;
    m.add_class::<profile::SsoProfile>()?;
    m.add_class::<types::Credentials>()?;
    m.add_class::<types::Token>()?;
    m.add_class::<types::DevicePrompt>()?;
    m.add_class::<types::PkcePrompt>()?;
    m.add_class::<types::Account>()?;
    m.add_class::<types::Role>()?;
    m.add_class::<types::SessionStatus>()?;
    m.add_class::<types::LogoutReport>()?;
    m.add_class::<api::CancelToken>()?;
    m.add_class::<api::CredentialProvider>()?;
    m.add_class::<emulator::EmulatorServer>()?;
    m.add_function(wrap_pyfunction!(profile::resolve_profile, m)?)?;
    m.add_function(wrap_pyfunction!(profile::list_profiles, m)?)?;
    m.add_function(wrap_pyfunction!(api::login, m)?)?;
    m.add_function(wrap_pyfunction!(api::logout, m)?)?;
    m.add_function(wrap_pyfunction!(api::get_token, m)?)?;
    m.add_function(wrap_pyfunction!(api::get_credentials, m)?)?;
    m.add_function(wrap_pyfunction!(api::status, m)?)?;
    m.add_function(wrap_pyfunction!(api::list_accounts, m)?)?;
    m.add_function(wrap_pyfunction!(api::list_roles, m)?)?;
    m.add_function(wrap_pyfunction!(api::console_url, m)?)?;
    m.add_function(wrap_pyfunction!(runtime::_after_fork_in_child, m)?)?;
    Ok(())
}
