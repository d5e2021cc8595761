//! Writes the model in the format asked for; renderers never fetch.

mod cell;
mod columns;
mod fit;
mod json;
mod options;
mod pieces;
pub(crate) mod prometheus;
pub(crate) mod screen;
mod table;
mod tsv;
pub(crate) mod units;

use std::io::{self, Write};

use columns::Column;
pub(crate) use columns::{ColumnName, column_names};
use fit::Fit;
pub(crate) use options::{OutputFormat, OutputOptions};
use table::Table;
pub(crate) use table::{Look, Mark};

use crate::model::{
    BreakdownRow, Client, CollectorSummary, ContextField, ContextRow, Ended, Interval, KickOutcome,
    Session, Subscription, SummaryReport, Window,
};

/// The one rule of `-o prometheus`: only where there are numbers to expose.
pub(crate) const PROMETHEUS_IS_FOR: &str =
    "-o prometheus is for `summary` and `active --per-session`";

/// The target of each row, parallel to the rows, when several targets answered; `None` keeps
/// single-target output exactly as it always was.
pub(crate) type Targets<'a> = Option<&'a [String]>;

/// A list of rows in any of the formats but Prometheus, which has its own writers.
fn rows<T: serde::Serialize + Sync>(
    out: &mut dyn Write,
    (columns, fit): (&[Column<T>], &Fit),
    items: &[T],
    targets: Targets<'_>,
    opts: &OutputOptions,
) -> io::Result<()> {
    let table = Table {
        columns,
        fit,
        rows: items,
        targets,
        marks: None,
    };
    match opts.format {
        OutputFormat::Json | OutputFormat::Ndjson => {
            as_json(out, items, targets, opts).unwrap_or(Ok(()))
        }
        OutputFormat::Tsv => pieces::write(out, items, |out, at, part| {
            let targets = targets.map(|t| t.get(at..).unwrap_or_default());
            tsv::write(out, columns, part, targets, opts.headers && at == 0)
        }),
        OutputFormat::Table => table::write(out, &table, opts, false),
        OutputFormat::Wide => table::write(out, &table, opts, true),
        OutputFormat::Prometheus => Err(io::Error::other(PROMETHEUS_IS_FOR)),
    }
}

pub(crate) fn sessions(
    out: &mut dyn Write,
    items: &[Session],
    targets: Targets<'_>,
    opts: &OutputOptions,
) -> io::Result<()> {
    let chosen = session_columns(opts);
    match opts.format {
        OutputFormat::Prometheus => prometheus::sessions(out, items, targets),
        _ => rows(out, (&chosen, &fit::SESSION), items, targets, opts),
    }
}

/// A session's columns: `--columns`, else all of them.
fn session_columns(opts: &OutputOptions) -> Vec<Column<Session>> {
    if opts.columns.is_empty() {
        return columns::SESSION.iter().map(|c| Column { ..*c }).collect();
    }
    columns::chosen(&opts.columns)
}

/// Whether rows in `format` can be written a piece at a time, each piece as the list would have
/// it: TSV and NDJSON, whose rows stand alone (the header before the first piece only).
pub(crate) fn stands_alone(format: OutputFormat) -> bool {
    matches!(format, OutputFormat::Tsv | OutputFormat::Ndjson)
}

/// Finished sessions (`history`), each with its target.
pub(crate) fn ended(
    out: &mut dyn Write,
    items: &[Ended],
    targets: Targets<'_>,
    opts: &OutputOptions,
) -> io::Result<()> {
    match opts.format {
        OutputFormat::Prometheus => Err(io::Error::other(PROMETHEUS_IS_FOR)),
        _ => rows(out, (columns::ENDED, &fit::ENDED), items, targets, opts),
    }
}

/// Sessions over time (`history --every`): `reference` with `by_reference`, the bar of `peak`
/// only in a table.
pub(crate) fn intervals(
    out: &mut dyn Write,
    items: &[Interval],
    targets: Targets<'_>,
    by_reference: bool,
    opts: &OutputOptions,
) -> io::Result<()> {
    let table = matches!(opts.format, OutputFormat::Table | OutputFormat::Wide);
    let columns: Vec<Column<Interval>> = columns::INTERVAL
        .iter()
        .filter(|c| (c.name != "reference" || by_reference) && (c.name != "bar" || table))
        .map(|c| Column { ..*c })
        .collect();
    match opts.format {
        OutputFormat::Prometheus => Err(io::Error::other(PROMETHEUS_IS_FOR)),
        _ => rows(out, (&columns[..], &fit::INTERVAL), items, targets, opts),
    }
}

/// A window of history per target and collector (`summary --since`).
pub(crate) fn windows(
    out: &mut dyn Write,
    items: &[Window],
    targets: Targets<'_>,
    opts: &OutputOptions,
) -> io::Result<()> {
    rows(out, (columns::WINDOW, &fit::WINDOW), items, targets, opts)
}

/// A watch round's table, a line at a time, each after its row's sign: `+ ` new, `- ` gone.
pub(crate) fn session_lines(
    items: &[Session],
    targets: Targets<'_>,
    marks: &dyn Fn(usize) -> Mark,
    opts: &OutputOptions,
    line: &mut dyn FnMut(&str, Look) -> io::Result<()>,
) -> io::Result<()> {
    let chosen = session_columns(opts);
    let table = Table {
        columns: &chosen,
        fit: &fit::SESSION,
        rows: items,
        targets,
        marks: Some(marks),
    };
    let mut fitted = opts.clone();
    fitted.width = opts
        .width
        .map(|w| w.saturating_sub(Mark::Plain.sign().len()));
    let mut signed = String::new();
    let wide = opts.format == OutputFormat::Wide;
    table.lines(&fitted, wide, &mut |text, look| {
        signed.clear();
        signed.push_str(match look {
            Look::Row(mark) => mark.sign(),
            Look::Header => Mark::Plain.sign(),
        });
        signed.push_str(text);
        line(&signed, look)
    })
}

pub(crate) fn clients(
    out: &mut dyn Write,
    items: &[Client],
    targets: Targets<'_>,
    opts: &OutputOptions,
) -> io::Result<()> {
    rows(out, (columns::CLIENT, &fit::CLIENT), items, targets, opts)
}

pub(crate) fn subscriptions(
    out: &mut dyn Write,
    items: &[Subscription],
    targets: Targets<'_>,
    opts: &OutputOptions,
) -> io::Result<()> {
    rows(
        out,
        (columns::SUBSCRIPTION, &fit::SUBSCRIPTION),
        items,
        targets,
        opts,
    )
}

pub(crate) fn contexts(
    out: &mut dyn Write,
    items: &[ContextRow],
    opts: &OutputOptions,
) -> io::Result<()> {
    rows(out, (columns::CONTEXT, &fit::CONTEXT), items, None, opts)
}

pub(crate) fn context_fields(
    out: &mut dyn Write,
    items: &[ContextField],
    opts: &OutputOptions,
) -> io::Result<()> {
    match opts.format {
        // One object, as `config show -o json | jq .url` expects.
        OutputFormat::Json => {
            let object: serde_json::Map<String, serde_json::Value> = items
                .iter()
                .map(|f| (f.key.to_string(), f.value.clone()))
                .collect();
            json::document(out, &object, opts.terminal)
        }
        _ => rows(
            out,
            (columns::CONTEXT_FIELD, &fit::CONTEXT_FIELD),
            items,
            None,
            opts,
        ),
    }
}

/// One target's summary. json: the summary object (with several targets, an array of them, each
/// with `target`). tsv/ndjson: one row per collector, or with `--by` one row per breakdown entry.
/// Tables: the collectors, then the breakdown under its own header. A TwinCAT HMI Server's counts
/// are their own one-row list.
pub(crate) fn summaries(
    out: &mut dyn Write,
    items: &[SummaryReport],
    targets: Targets<'_>,
    opts: &OutputOptions,
) -> io::Result<()> {
    match (opts.format, targets, items) {
        (OutputFormat::Prometheus, _, _) => prometheus::summaries(out, items, targets),
        (OutputFormat::Json, None, [SummaryReport::Collectors(one)]) => {
            json::document(out, one, opts.terminal)
        }
        (OutputFormat::Json, None, [SummaryReport::Hmi(one)]) => {
            json::document(out, one, opts.terminal)
        }
        (OutputFormat::Json, _, _) => match targets {
            Some(t) => json::document(out, &json::targeted(items, t), opts.terminal),
            None => json::document(out, items, opts.terminal),
        },
        _ => summary_rows(out, items, targets, opts),
    }
}

/// Table, wide, tsv and ndjson: every target's collectors (or breakdown) as one list, then the
/// TwinCAT HMI counts as another.
fn summary_rows(
    out: &mut dyn Write,
    items: &[SummaryReport],
    targets: Targets<'_>,
    opts: &OutputOptions,
) -> io::Result<()> {
    // One target: its rows as they are, without gathering a copy of them.
    if let (None, [SummaryReport::Collectors(one)]) = (targets, items) {
        let by = one.by.is_some();
        return collector_rows(out, &one.collectors, &one.breakdown, by, (None, None), opts);
    }
    let mut collectors = Labelled::default();
    let mut breakdown = Labelled::default();
    let mut hmi = Labelled::default();
    let mut by = None;
    for (i, item) in items.iter().enumerate() {
        let target = targets.and_then(|t| t.get(i)).cloned().unwrap_or_default();
        match item {
            SummaryReport::Collectors(s) => {
                by = by.or(s.by);
                collectors.extend(&s.collectors, &target);
                breakdown.extend(&s.breakdown, &target);
            }
            SummaryReport::Hmi(h) => hmi.extend(std::slice::from_ref(h), &target),
        }
    }
    let has_collectors = items
        .iter()
        .any(|i| matches!(i, SummaryReport::Collectors(_)));
    if has_collectors {
        let labels = (collectors.targets(targets), breakdown.targets(targets));
        collector_rows(
            out,
            &collectors.items,
            &breakdown.items,
            by.is_some(),
            labels,
            opts,
        )?;
    }
    if !hmi.items.is_empty() {
        // Two tables on a terminal are two blocks.
        if has_collectors && matches!(opts.format, OutputFormat::Table | OutputFormat::Wide) {
            writeln!(out)?;
        }
        rows(
            out,
            (columns::HMI_SUMMARY, &fit::HMI_SUMMARY),
            &hmi.items,
            hmi.targets(targets),
            opts,
        )?;
    }
    Ok(())
}

/// The collectors (not in tsv/ndjson with `--by`), then the breakdown with `--by`; tables
/// put a blank line between the two, and on a terminal leave out an empty breakdown, as any
/// empty table. `labels`: the targets of the collector and breakdown rows.
fn collector_rows(
    out: &mut dyn Write,
    collectors: &[CollectorSummary],
    breakdown: &[BreakdownRow],
    by: bool,
    (collector_targets, breakdown_targets): (Targets<'_>, Targets<'_>),
    opts: &OutputOptions,
) -> io::Result<()> {
    let tables = matches!(opts.format, OutputFormat::Table | OutputFormat::Wide);
    if !by || tables {
        rows(
            out,
            (columns::SUMMARY, &fit::SUMMARY),
            collectors,
            collector_targets,
            opts,
        )?;
    }
    if by && !(tables && opts.terminal && breakdown.is_empty()) {
        if tables {
            writeln!(out)?;
        }
        rows(
            out,
            (columns::BREAKDOWN, &fit::BREAKDOWN),
            breakdown,
            breakdown_targets,
            opts,
        )?;
    }
    Ok(())
}

/// Rows gathered from several targets, with the target of each.
struct Labelled<T> {
    items: Vec<T>,
    targets: Vec<String>,
}

impl<T> Default for Labelled<T> {
    fn default() -> Self {
        Labelled {
            items: Vec::new(),
            targets: Vec::new(),
        }
    }
}

impl<T: Clone> Labelled<T> {
    fn extend(&mut self, items: &[T], target: &str) {
        self.items.extend_from_slice(items);
        self.targets
            .extend(std::iter::repeat_n(target.to_string(), items.len()));
    }

    /// Labels only when the output is labelled at all.
    fn targets<'a>(&'a self, labelled: Targets<'_>) -> Targets<'a> {
        labelled.map(|_| self.targets.as_slice())
    }
}

/// `kick`'s outcomes: JSON and NDJSON as every list; otherwise one plain line per session,
/// `disconnected COLLECTOR ID REFERENCE` or `not disconnected …: why`.
pub(crate) fn kicked(
    out: &mut dyn Write,
    items: &[KickOutcome],
    targets: Targets<'_>,
    opts: &OutputOptions,
) -> io::Result<()> {
    if let Some(written) = as_json(out, items, targets, opts) {
        return written;
    }
    for (i, k) in items.iter().enumerate() {
        let target = targets
            .and_then(|t| t.get(i))
            .map(|t| format!("{}: ", crate::text::escape(t)))
            .unwrap_or_default();
        let what = if k.kicked {
            "disconnected"
        } else {
            "not disconnected"
        };
        write!(
            out,
            "{target}{what} {} {} {}",
            k.collector,
            crate::text::escape(&k.id),
            crate::text::escape(&k.reference)
        )?;
        match &k.error {
            Some(e) => writeln!(out, ": {}", crate::text::one_line(e))?,
            None => writeln!(out)?,
        }
    }
    Ok(())
}

/// A list as JSON or NDJSON (labelled with its targets when several answered); `None` for the
/// other formats.
fn as_json<T: serde::Serialize + Sync>(
    out: &mut dyn Write,
    items: &[T],
    targets: Targets<'_>,
    opts: &OutputOptions,
) -> Option<io::Result<()>> {
    Some(match (opts.format, targets) {
        (OutputFormat::Json, None) => json::list(out, items, opts.terminal),
        (OutputFormat::Json, Some(t)) => json::list(out, &json::targeted(items, t), opts.terminal),
        (OutputFormat::Ndjson, None) => json::lines(out, items),
        (OutputFormat::Ndjson, Some(t)) => json::lines(out, &json::targeted(items, t)),
        _ => return None,
    })
}
