//! Python-style `repr` strings for the classes (values formatted by Python's own
//! `repr`, so strings are quoted and `None`/`True` spelled as Python spells them).

use pyo3::BoundObject;
use pyo3::prelude::*;

/// Builds `Name(field=repr(value), ...)`.
pub(crate) struct Repr<'py> {
    py: Python<'py>,
    out: String,
    empty: bool,
}

impl<'py> Repr<'py> {
    /// Starts the repr of a class.
    pub(crate) fn new(py: Python<'py>, class: &str) -> Self {
        Self {
            py,
            out: format!("{class}("),
            empty: true,
        }
    }

    /// Adds `name=repr(value)`.
    pub(crate) fn field<T>(mut self, name: &str, value: T) -> Self
    where
        T: IntoPyObject<'py>,
    {
        let text = value
            .into_pyobject(self.py)
            .ok()
            .and_then(|v| v.into_any().into_bound().repr().ok())
            .map_or_else(|| "?".to_owned(), |r| r.to_string());
        if !self.empty {
            self.out.push_str(", ");
        }
        self.empty = false;
        self.out.push_str(name);
        self.out.push('=');
        self.out.push_str(&text);
        self
    }

    /// The finished string.
    pub(crate) fn finish(mut self) -> String {
        self.out.push(')');
        self.out
    }
}
