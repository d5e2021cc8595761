//! What the renderers are told: the output format, and how output looks and where it goes.

use std::path::PathBuf;

use clap::ValueEnum;

use super::columns::ColumnName;

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
