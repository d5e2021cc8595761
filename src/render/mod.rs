//! Writes the model in the format asked for; renderers never fetch.

mod columns;
mod json;
mod table;
mod tsv;
pub mod units;

use std::io::{self, Write};

use columns::Column;

use crate::cli::OutputFormat;
use crate::config::OutputOptions;
use crate::model::{Client, HmiSummary, Session, Subscription, Summary};

/// A list of rows in any of the formats.
fn rows<T: serde::Serialize>(
    out: &mut dyn Write,
    columns: &[Column<T>],
    items: &[T],
    opts: &OutputOptions,
) -> io::Result<()> {
    match opts.format {
        OutputFormat::Json => json::document(out, items, opts.terminal),
        OutputFormat::Ndjson => json::lines(out, items),
        OutputFormat::Tsv => tsv::write(out, columns, items, opts.headers),
        OutputFormat::Table => table::write(out, columns, items, opts, false),
        OutputFormat::Wide => table::write(out, columns, items, opts, true),
    }
}

pub fn sessions(out: &mut dyn Write, items: &[Session], opts: &OutputOptions) -> io::Result<()> {
    rows(out, columns::SESSION, items, opts)
}

/// json: the counts object. Other formats: a one-row list.
pub fn hmi_summary(out: &mut dyn Write, hmi: &HmiSummary, opts: &OutputOptions) -> io::Result<()> {
    match opts.format {
        OutputFormat::Json => json::document(out, hmi, opts.terminal),
        _ => rows(out, columns::HMI_SUMMARY, std::slice::from_ref(hmi), opts),
    }
}

pub fn clients(out: &mut dyn Write, items: &[Client], opts: &OutputOptions) -> io::Result<()> {
    rows(out, columns::CLIENT, items, opts)
}

pub fn subscriptions(
    out: &mut dyn Write,
    items: &[Subscription],
    opts: &OutputOptions,
) -> io::Result<()> {
    rows(out, columns::SUBSCRIPTION, items, opts)
}

/// json: the whole summary object. tsv/ndjson: one row per collector, or with `--by` one row per
/// breakdown entry. Tables: the collectors, then the breakdown under its own header.
pub fn summary(out: &mut dyn Write, summary: &Summary, opts: &OutputOptions) -> io::Result<()> {
    match (opts.format, summary.by) {
        (OutputFormat::Json, _) => json::document(out, summary, opts.terminal),
        (OutputFormat::Ndjson | OutputFormat::Tsv, Some(_)) => {
            rows(out, columns::BREAKDOWN, &summary.breakdown, opts)
        }
        (OutputFormat::Ndjson | OutputFormat::Tsv, None) => {
            rows(out, columns::SUMMARY, &summary.collectors, opts)
        }
        (OutputFormat::Table | OutputFormat::Wide, by) => {
            rows(out, columns::SUMMARY, &summary.collectors, opts)?;
            if by.is_some() {
                writeln!(out)?;
                rows(out, columns::BREAKDOWN, &summary.breakdown, opts)?;
            }
            Ok(())
        }
    }
}
