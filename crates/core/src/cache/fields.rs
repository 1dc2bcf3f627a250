//! Case-insensitive field extraction from a cache file's JSON object.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde_json::{Map, Value};

use super::CacheError;
use crate::time::{format_timestamp, parse_timestamp};

/// The fields of one cache file, taken out one by one; what is left are the keys
/// ssokit does not know, kept for the next write.
pub(crate) struct Fields {
    map: Map<String, Value>,
    path: PathBuf,
}

impl Fields {
    pub(crate) fn new(map: Map<String, Value>, path: &Path) -> Self {
        Self {
            map,
            path: path.to_owned(),
        }
    }

    fn take(&mut self, key: &str) -> Option<Value> {
        if let Some(v) = self.map.shift_remove(key) {
            return Some(v);
        }
        let found = self
            .map
            .keys()
            .find(|k| k.eq_ignore_ascii_case(key))?
            .clone();
        self.map.shift_remove(&found)
    }

    fn invalid(&self, field: &'static str, reason: impl Into<String>) -> CacheError {
        CacheError::InvalidField {
            path: self.path.clone(),
            field,
            reason: reason.into(),
        }
    }

    fn missing(&self, field: &'static str) -> CacheError {
        CacheError::MissingField {
            path: self.path.clone(),
            field,
        }
    }

    /// A string field; `null` counts as absent. An empty string is invalid.
    pub(crate) fn opt_str(&mut self, field: &'static str) -> Result<Option<String>, CacheError> {
        match self.take(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Err(self.invalid(field, "it is empty")),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(self.invalid(field, "it is not a string")),
        }
    }

    pub(crate) fn req_str(&mut self, field: &'static str) -> Result<String, CacheError> {
        self.opt_str(field)?.ok_or_else(|| self.missing(field))
    }

    pub(crate) fn opt_time(
        &mut self,
        field: &'static str,
    ) -> Result<Option<SystemTime>, CacheError> {
        match self.opt_str(field)? {
            None => Ok(None),
            Some(s) => parse_timestamp(&s)
                .map(Some)
                .map_err(|e| self.invalid(field, e.to_string())),
        }
    }

    pub(crate) fn req_time(&mut self, field: &'static str) -> Result<SystemTime, CacheError> {
        self.opt_time(field)?.ok_or_else(|| self.missing(field))
    }

    pub(crate) fn opt_str_list(
        &mut self,
        field: &'static str,
    ) -> Result<Option<Vec<String>>, CacheError> {
        match self.take(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(items)) => items
                .into_iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s),
                    _ => Err(self.invalid(field, "it is not a list of strings")),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(_) => Err(self.invalid(field, "it is not a list of strings")),
        }
    }

    /// A nested object field, as its own `Fields`.
    pub(crate) fn req_object(&mut self, field: &'static str) -> Result<Fields, CacheError> {
        match self.take(field) {
            None | Some(Value::Null) => Err(self.missing(field)),
            Some(Value::Object(map)) => Ok(Fields::new(map, &self.path)),
            Some(_) => Err(self.invalid(field, "it is not an object")),
        }
    }

    /// The keys not taken, minus any that differ from a known key only in case.
    pub(crate) fn into_rest(self, known: &[&str]) -> Map<String, Value> {
        let mut map = self.map;
        map.retain(|k, _| !known.iter().any(|known| known.eq_ignore_ascii_case(k)));
        map
    }
}

/// Builds a JSON object in a fixed key order, skipping absent values.
#[derive(Default)]
pub(crate) struct ObjectBuilder(Map<String, Value>);

impl ObjectBuilder {
    pub(crate) fn str(mut self, key: &str, value: &str) -> Self {
        self.0
            .insert(key.to_owned(), Value::String(value.to_owned()));
        self
    }

    pub(crate) fn opt_str(self, key: &str, value: Option<&str>) -> Self {
        match value {
            Some(v) => self.str(key, v),
            None => self,
        }
    }

    pub(crate) fn time(self, key: &str, value: SystemTime) -> Self {
        self.str(key, &format_timestamp(value))
    }

    pub(crate) fn opt_time(self, key: &str, value: Option<SystemTime>) -> Self {
        match value {
            Some(v) => self.time(key, v),
            None => self,
        }
    }

    pub(crate) fn opt_list(mut self, key: &str, value: Option<&[String]>) -> Self {
        if let Some(items) = value {
            let items = items.iter().cloned().map(Value::String).collect();
            self.0.insert(key.to_owned(), Value::Array(items));
        }
        self
    }

    pub(crate) fn value(mut self, key: &str, value: Value) -> Self {
        self.0.insert(key.to_owned(), value);
        self
    }

    pub(crate) fn extend(mut self, extra: &Map<String, Value>) -> Self {
        for (k, v) in extra {
            if !self.0.contains_key(k) {
                self.0.insert(k.clone(), v.clone());
            }
        }
        self
    }

    pub(crate) fn build(self) -> Map<String, Value> {
        self.0
    }
}
