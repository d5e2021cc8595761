//! What the renderers are told: the output format, and how output looks and where it goes.

use std::path::PathBuf;

use clap::ValueEnum;

/// `-o`: how rows are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Table,
    Wide,
    Json,
    Ndjson,
    Tsv,
    /// Prometheus text exposition format 0.0.4 (summary; active with --per-session)
    Prometheus,
}

/// One of `--columns`: a session's JSON key (or the name `--sort-by` takes, `tx_rate`), or
/// `extra.KEY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnName {
    /// The JSON key, or `extra.KEY`: the TSV header.
    pub(super) name: &'static str,
    /// The table header.
    pub(super) title: &'static str,
}

impl std::str::FromStr for ColumnName {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        super::columns::session_column(s)
    }
}

/// The names `--columns` completes.
pub(crate) fn column_names() -> impl Iterator<Item = &'static str> {
    super::columns::SESSION
        .iter()
        .map(|c| super::columns::listed(c.name))
}

/// How output looks and where it goes.
#[derive(Debug, Clone)]
pub(crate) struct OutputOptions {
    pub format: OutputFormat,
    pub headers: bool,
    pub color: bool,
    /// Output goes to a terminal: tables fit its width, JSON is indented.
    pub terminal: bool,
    /// The terminal's width in columns, when known (`COLUMNS`, else the window size); tables
    /// fit it. `None` off a terminal: tables keep their natural width.
    pub width: Option<usize>,
    pub file: Option<PathBuf>,
    /// `--columns` of `active`, `watch` and `top` (table and TSV); empty: the default columns.
    pub columns: Vec<ColumnName>,
}
