//! The config file's contexts as `config list` and `config show` print them.

use serde::Serialize;

/// A line of `config list`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ContextRow {
    pub current: bool,
    pub name: String,
    pub url: Option<String>,
    /// The context's `--source` name, when it sets one.
    pub source: Option<&'static str>,
    pub user: Option<String>,
}

/// A line of `config show`: a key and its value, secrets already replaced.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ContextField {
    pub key: &'static str,
    pub value: serde_json::Value,
}
