//! The columns of each kind of row, shared by table, wide and tsv output so they cannot disagree.

use std::fmt::Display;
use std::time::Duration;

use super::units;
use crate::model::{
    BreakdownRow, Client, CollectorSummary, ContextField, ContextRow, Ended, HmiSummary, Interval,
    Limit, MEBI, Role, Session, Subscription, Timestamp, Totals, Window,
};

/// Where a column appears besides tsv, which has them all.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Shown {
    Table,
    Wide,
    /// In both, only when some row has something in it: a column most sources leave empty.
    Filled,
    Never,
    /// Named in `--columns`: shown even when empty.
    Chosen,
}

pub(super) struct Column<T> {
    /// Table header.
    pub title: &'static str,
    /// tsv header: the JSON field name.
    pub name: &'static str,
    pub shown: Shown,
    /// The table's text of a cell whose `raw` is not `Raw::Text`: a text cell is shown as it
    /// is, borrowed, so a table of 100,000 rows copies no text (pinned by a test in table.rs).
    pub human: fn(&T) -> String,
    pub raw: fn(&T) -> Raw<'_>,
}

impl<T> Column<T> {
    /// The cell of `row`; a column `extra.KEY` (`--columns`) holds that key of the `extra`
    /// object its `raw` gives.
    pub(super) fn raw_of<'r>(&self, row: &'r T) -> Raw<'r> {
        let raw = (self.raw)(row);
        match (self.name.strip_prefix("extra."), raw) {
            (Some(key), Raw::Json(serde_json::Value::Object(map))) => {
                map.get(key).map_or(Raw::Empty, extra)
            }
            (Some(_), _) => Raw::Empty,
            (None, raw) => raw,
        }
    }
}

/// The table header of the targets' column, when several answered.
pub(super) const TARGET: &str = "TARGET";

/// One of `--columns`: a session's JSON key (or the name `--sort-by` takes, `tx_rate`), or
/// `extra.KEY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnName {
    /// The JSON key, or `extra.KEY`: the TSV header.
    pub(super) name: &'static str,
    /// The table header.
    pub(super) title: &'static str,
}

impl ColumnName {
    /// `target`: a column only several targets' rows have.
    pub(crate) fn is_target(&self) -> bool {
        self.name == TARGET_NAME
    }
}

impl std::str::FromStr for ColumnName {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        session_column(s)
    }
}

/// `--columns target`: taken as `--sort-by target` and `--filter target=` are; a fleet's TARGET
/// column leads its rows wherever it is named, as `kubectl get -A` keeps NAMESPACE first, and one
/// target's rows have none.
const TARGET_NAME: &str = "target";

/// The names `--columns` completes.
pub(crate) fn column_names() -> impl Iterator<Item = &'static str> {
    SESSION.iter().map(|c| listed(c.name)).chain([TARGET_NAME])
}

/// The columns `--columns` names (as `session_column` checked them): each its column of
/// `SESSION`, or for `extra.KEY` that key of `extra`.
pub(super) fn chosen(names: &[ColumnName]) -> Vec<Column<Session>> {
    names
        .iter()
        .filter(|chosen| chosen.name != TARGET_NAME)
        .map(
            |chosen| match SESSION.iter().find(|c| c.name == chosen.name) {
                Some(c) => Column {
                    shown: Shown::Chosen,
                    ..*c
                },
                None => Column {
                    title: chosen.title,
                    name: chosen.name,
                    shown: Shown::Chosen,
                    human: |s: &Session| extra_text(&s.extra),
                    raw: |s: &Session| extra(&s.extra),
                },
            },
        )
        .collect()
}

/// What `--columns` takes for a session's column: its JSON key, the name `--sort-by` takes for
/// it, or `extra.KEY`; otherwise the error, with the name most like it.
pub(super) fn session_column(name: &str) -> Result<ColumnName, String> {
    let lower = name.trim().to_ascii_lowercase();
    let key = ALIASES
        .iter()
        .find(|(alias, _)| *alias == lower)
        .map_or(lower.as_str(), |(_, key)| key);
    if let Some(c) = SESSION.iter().find(|c| c.name == key) {
        return Ok(ColumnName {
            name: c.name,
            title: c.title,
        });
    }
    if key == TARGET_NAME {
        return Ok(ColumnName {
            name: TARGET_NAME,
            title: TARGET,
        });
    }
    if let Some(key) = name.trim().strip_prefix("extra.").filter(|k| !k.is_empty()) {
        // A handful of names per run, needed to its end: kept as the static names of columns.
        let keep = |text: String| -> &'static str { Box::leak(text.into_boxed_str()) };
        return Ok(ColumnName {
            name: keep(format!("extra.{key}")),
            title: keep(extra_title(key)),
        });
    }
    let nearest = column_names()
        .min_by_key(|k| distance(k, &lower))
        .unwrap_or("id");
    Err(format!(
        "unknown column '{}': did you mean '{nearest}'? (valid: {}, extra.KEY)",
        crate::text::escape(name),
        column_names().collect::<Vec<_>>().join(", ")
    ))
}

/// The other names `--columns` takes for a JSON key: `--sort-by`'s first (`--columns` lists
/// that one), then a header's (`tx`).
const ALIASES: [(&str, &str); 6] = [
    ("age", "age_s"),
    ("rx_rate", "rx_bit_s"),
    ("tx_rate", "tx_bit_s"),
    ("created", "created_at"),
    ("rx", "rx_bytes"),
    ("tx", "tx_bytes"),
];

/// How many of `ALIASES` are the names `--sort-by` takes.
const LISTED_ALIASES: usize = 3;

/// The name `--columns` lists (its error, completion) for a session's column: the one
/// `--sort-by` takes, where that differs from the JSON key (both are accepted).
fn listed(key: &str) -> &str {
    ALIASES[..LISTED_ALIASES]
        .iter()
        .find(|(_, k)| *k == key)
        .map_or(key, |(alias, _)| *alias)
}

/// The table header of `extra.KEY`: KEY upper-cased like every other header, as kubectl heads
/// a label column (`-L`), or `EXTRA.KEY` where KEY alone would read as a header of a session's
/// own field or the targets' (`extra.role`: EXTRA.ROLE, not ROLE).
fn extra_title(key: &str) -> String {
    let upper = key.to_uppercase();
    let mut taken = SESSION.iter().map(|c| c.title).chain([TARGET]);
    if taken.any(|title| title == upper) {
        format!("EXTRA.{upper}")
    } else {
        upper
    }
}

/// Edit distance (insertions, deletions, substitutions) between two names.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// A machine-readable cell: text (escaped by the writer) or a value written as is, so a tsv row
/// needs no allocation.
pub(super) enum Raw<'a> {
    Text(&'a str),
    Owned(String),
    /// Numbers apart from other values: a 100,000-row tsv writes six per row, and `Display`
    /// through `fmt` would be a sixth of such a run.
    Int(u64),
    /// Written as `Display` writes it.
    Float(f64),
    Value(&'a dyn Display),
    Json(&'a serde_json::Value),
    Empty,
}

/// A value's cell.
trait Cell {
    fn raw(&self) -> Raw<'_>;
}

impl Cell for u64 {
    fn raw(&self) -> Raw<'_> {
        Raw::Int(*self)
    }
}

impl Cell for f64 {
    fn raw(&self) -> Raw<'_> {
        Raw::Float(*self)
    }
}

impl Cell for Timestamp {
    fn raw(&self) -> Raw<'_> {
        Raw::Value(self)
    }
}

fn opt<N: Cell>(n: &Option<N>) -> Raw<'_> {
    n.as_ref().map_or(Raw::Empty, Cell::raw)
}

/// The server's `extra`: a string as is, null as nothing, anything else as compact JSON.
fn extra(v: &serde_json::Value) -> Raw<'_> {
    match v {
        serde_json::Value::String(s) => Raw::Text(s),
        serde_json::Value::Null => Raw::Empty,
        other => Raw::Json(other),
    }
}

fn extra_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

pub(super) const SESSION: &[Column<Session>] = &[
    Column {
        title: "COLLECTOR",
        name: "collector",
        shown: Shown::Table,
        human: |s| s.collector.to_string(),
        raw: |s| Raw::Text(s.collector.as_str()),
    },
    Column {
        title: "ID",
        name: "id",
        shown: Shown::Table,
        human: |s| s.id.to_string(),
        raw: |s| Raw::Text(&s.id),
    },
    Column {
        title: "REFERENCE",
        name: "reference",
        shown: Shown::Table,
        human: |s| s.reference.to_string(),
        raw: |s| Raw::Text(&s.reference),
    },
    Column {
        title: "LOCAL",
        name: "local",
        shown: Shown::Table,
        human: |s| s.local.to_string(),
        raw: |s| Raw::Text(&s.local),
    },
    Column {
        title: "REMOTE",
        name: "remote",
        shown: Shown::Table,
        human: |s| s.remote.to_string(),
        raw: |s| Raw::Text(&s.remote),
    },
    Column {
        title: "ROLE",
        name: "role",
        shown: Shown::Filled,
        human: |s| s.role.map_or("-", Role::as_str).to_owned(),
        raw: |s| s.role.map_or(Raw::Empty, |r| Raw::Text(r.as_str())),
    },
    Column {
        title: "CREATED",
        name: "created_at",
        shown: Shown::Wide,
        human: |s| s.created_at.map_or_else(|| "-".into(), |t| t.to_string()),
        raw: |s| opt(&s.created_at),
    },
    Column {
        title: "AGE",
        name: "age_s",
        shown: Shown::Table,
        human: |s| units::age(s.age_s),
        raw: |s| opt(&s.age_s),
    },
    Column {
        title: "RX RATE",
        name: "rx_bit_s",
        shown: Shown::Table,
        human: |s| units::known(s.rx_bit_s, units::rate),
        raw: |s| opt(&s.rx_bit_s),
    },
    Column {
        title: "TX RATE",
        name: "tx_bit_s",
        shown: Shown::Table,
        human: |s| units::known(s.tx_bit_s, units::rate),
        raw: |s| opt(&s.tx_bit_s),
    },
    Column {
        title: "RX",
        name: "rx_bytes",
        shown: Shown::Table,
        human: |s| units::known(s.rx_bytes, units::bytes),
        raw: |s| opt(&s.rx_bytes),
    },
    Column {
        title: "TX",
        name: "tx_bytes",
        shown: Shown::Table,
        human: |s| units::known(s.tx_bytes, units::bytes),
        raw: |s| opt(&s.tx_bytes),
    },
    Column {
        title: "EXTRA",
        name: "extra",
        shown: Shown::Wide,
        human: |s| extra_text(&s.extra),
        raw: |s| extra(&s.extra),
    },
];

/// A finished session (`history`): who and what as `active` shows it, when it started and ended,
/// how long it lasted and what it moved.
pub(super) const ENDED: &[Column<Ended>] = &[
    Column {
        title: "COLLECTOR",
        name: "collector",
        shown: Shown::Table,
        human: |e| e.session.collector.to_string(),
        raw: |e| Raw::Text(e.session.collector.as_str()),
    },
    Column {
        title: "ID",
        name: "id",
        shown: Shown::Table,
        human: |e| e.session.id.to_string(),
        raw: |e| Raw::Text(&e.session.id),
    },
    Column {
        title: "REFERENCE",
        name: "reference",
        shown: Shown::Table,
        human: |e| e.session.reference.to_string(),
        raw: |e| Raw::Text(&e.session.reference),
    },
    Column {
        title: "LOCAL",
        name: "local",
        shown: Shown::Table,
        human: |e| e.session.local.to_string(),
        raw: |e| Raw::Text(&e.session.local),
    },
    Column {
        title: "REMOTE",
        name: "remote",
        shown: Shown::Table,
        human: |e| e.session.remote.to_string(),
        raw: |e| Raw::Text(&e.session.remote),
    },
    Column {
        title: "ROLE",
        name: "role",
        shown: Shown::Filled,
        human: |e| e.session.role.map_or("-", Role::as_str).to_owned(),
        raw: |e| e.session.role.map_or(Raw::Empty, |r| Raw::Text(r.as_str())),
    },
    Column {
        title: "CREATED",
        name: "created_at",
        shown: Shown::Wide,
        human: |e| {
            e.session
                .created_at
                .map_or_else(|| "-".into(), |t| t.to_string())
        },
        raw: |e| opt(&e.session.created_at),
    },
    Column {
        title: "CLOSED",
        name: "closed_at",
        shown: Shown::Table,
        human: |e| e.closed_at.to_string(),
        raw: |e| e.closed_at.raw(),
    },
    Column {
        title: "DURATION",
        name: "duration_s",
        shown: Shown::Table,
        human: |e| units::age(Some(e.duration_s)),
        raw: |e| Raw::Int(e.duration_s),
    },
    Column {
        title: "RX",
        name: "rx_bytes",
        shown: Shown::Table,
        human: |e| units::known(e.session.rx_bytes, units::bytes),
        raw: |e| opt(&e.session.rx_bytes),
    },
    Column {
        title: "TX",
        name: "tx_bytes",
        shown: Shown::Table,
        human: |e| units::known(e.session.tx_bytes, units::bytes),
        raw: |e| opt(&e.session.tx_bytes),
    },
    Column {
        title: "PEAK RX RATE",
        name: "rx_peak_bit_s",
        shown: Shown::Wide,
        human: |e| units::known(e.rx_peak_bit_s, units::rate),
        raw: |e| opt(&e.rx_peak_bit_s),
    },
    Column {
        title: "PEAK TX RATE",
        name: "tx_peak_bit_s",
        shown: Shown::Wide,
        human: |e| units::known(e.tx_peak_bit_s, units::rate),
        raw: |e| opt(&e.tx_peak_bit_s),
    },
    Column {
        title: "EXTRA",
        name: "extra",
        shown: Shown::Wide,
        human: |e| extra_text(&e.session.extra),
        raw: |e| extra(&e.session.extra),
    },
];

/// An interval of `history --every`; `reference` only with `--by reference`, `bar` only on a
/// terminal (the renderer picks).
pub(super) const INTERVAL: &[Column<Interval>] = &[
    Column {
        title: "FROM",
        name: "from",
        shown: Shown::Table,
        human: |i| i.from.to_string(),
        raw: |i| i.from.raw(),
    },
    Column {
        title: "TO",
        name: "to",
        shown: Shown::Wide,
        human: |i| i.to.to_string(),
        raw: |i| i.to.raw(),
    },
    Column {
        title: "REFERENCE",
        name: "reference",
        shown: Shown::Table,
        human: |i| i.reference.clone().unwrap_or_default(),
        raw: |i| i.reference.as_deref().map_or(Raw::Empty, Raw::Text),
    },
    Column {
        title: "PEAK",
        name: "peak",
        shown: Shown::Table,
        human: |i| i.peak.to_string(),
        raw: |i| Raw::Int(i.peak),
    },
    Column {
        title: "",
        name: "bar",
        shown: Shown::Table,
        human: |i| i.bar.clone(),
        raw: |i| Raw::Text(&i.bar),
    },
    Column {
        title: "STARTED",
        name: "started",
        shown: Shown::Table,
        human: |i| i.started.to_string(),
        raw: |i| Raw::Int(i.started),
    },
    Column {
        title: "ENDED",
        name: "ended",
        shown: Shown::Table,
        human: |i| i.ended.to_string(),
        raw: |i| Raw::Int(i.ended),
    },
    Column {
        title: "RX",
        name: "rx_bytes",
        shown: Shown::Table,
        human: |i| units::bytes(i.rx_bytes),
        raw: |i| Raw::Int(i.rx_bytes),
    },
    Column {
        title: "TX",
        name: "tx_bytes",
        shown: Shown::Table,
        human: |i| units::bytes(i.tx_bytes),
        raw: |i| Raw::Int(i.tx_bytes),
    },
];

pub(super) const WINDOW: &[Column<Window>] = &[
    Column {
        title: "COLLECTOR",
        name: "collector",
        shown: Shown::Table,
        human: |w| w.collector.clone(),
        raw: |w| Raw::Text(&w.collector),
    },
    Column {
        title: "FROM",
        name: "from",
        shown: Shown::Wide,
        human: |w| w.from.to_string(),
        raw: |w| w.from.raw(),
    },
    Column {
        title: "TO",
        name: "to",
        shown: Shown::Wide,
        human: |w| w.to.to_string(),
        raw: |w| w.to.raw(),
    },
    Column {
        title: "FINISHED",
        name: "finished",
        shown: Shown::Table,
        human: |w| w.finished.to_string(),
        raw: |w| Raw::Int(w.finished),
    },
    Column {
        title: "REMOTES",
        name: "unique_remotes",
        shown: Shown::Table,
        human: |w| w.unique_remotes.to_string(),
        raw: |w| Raw::Int(w.unique_remotes),
    },
    Column {
        title: "VIEWER-HOURS",
        name: "viewer_hours",
        shown: Shown::Table,
        human: |w| format!("{:.2}", w.viewer_hours),
        raw: |w| Raw::Float(w.viewer_hours),
    },
    Column {
        title: "PEAK",
        name: "peak",
        shown: Shown::Table,
        human: |w| w.peak.to_string(),
        raw: |w| Raw::Int(w.peak),
    },
    Column {
        title: "RX",
        name: "rx_bytes",
        shown: Shown::Table,
        human: |w| units::bytes(w.rx_bytes),
        raw: |w| Raw::Int(w.rx_bytes),
    },
    Column {
        title: "TX",
        name: "tx_bytes",
        shown: Shown::Table,
        human: |w| units::bytes(w.tx_bytes),
        raw: |w| Raw::Int(w.tx_bytes),
    },
];

/// Exact bytes where the source knows them, else Core's truncated MiB.
fn traffic(sessions: u64, mib: u64, bytes: Option<u64>) -> String {
    // Core truncates each key's traffic to whole MiB: sessions that moved less show 0 MiB,
    // which reads as "moved nothing".
    if bytes.is_none() && mib == 0 {
        // No session, nothing moved: `0 B`, as a source that counts bytes says it.
        return if sessions > 0 { "<1 MiB" } else { "0 B" }.into();
    }
    bytes.map_or_else(|| format!("{mib} MiB"), units::bytes)
}

/// A history figure, or `-` where the server keeps no history.
fn finished(s: &CollectorSummary, show: fn(&Totals) -> String) -> String {
    s.finished.as_ref().map_or_else(|| "-".into(), show)
}

/// A configured maximum: the number, `unlimited` where the server says there is none, `-`
/// where it reports no limits at all.
fn limit<T>(limit: Limit<T>, show: impl Fn(T) -> String) -> String {
    match limit {
        Limit::Max(v) => show(v),
        Limit::Unlimited => "unlimited".into(),
        Limit::Unknown => "-".into(),
    }
}

fn limit_raw<T: Cell>(limit: &Limit<T>) -> Raw<'_> {
    match limit {
        Limit::Max(v) => v.raw(),
        Limit::Unlimited | Limit::Unknown => Raw::Empty,
    }
}

fn limit_rate(mibit_s: Limit<f64>) -> String {
    // In the SI units of the rates beside it: Core counts its Mbit as 2^20 bit/s, so its
    // `max_bitrate_mbit: 100` reads 104.9 Mbit/s.
    limit(mibit_s, |m| units::rate(m * MEBI))
}

pub(super) const SUMMARY: &[Column<CollectorSummary>] = &[
    Column {
        title: "COLLECTOR",
        name: "collector",
        shown: Shown::Table,
        human: |s| s.collector.to_string(),
        raw: |s| Raw::Text(s.collector.as_str()),
    },
    Column {
        title: "ACTIVE",
        name: "active_sessions",
        shown: Shown::Table,
        human: |s| s.active_sessions.to_string(),
        raw: |s| Raw::Int(s.active_sessions),
    },
    Column {
        title: "RX RATE",
        name: "rx_bit_s",
        shown: Shown::Table,
        human: |s| units::known(s.rx_bit_s, units::rate),
        raw: |s| opt(&s.rx_bit_s),
    },
    Column {
        title: "TX RATE",
        name: "tx_bit_s",
        shown: Shown::Table,
        human: |s| units::known(s.tx_bit_s, units::rate),
        raw: |s| opt(&s.tx_bit_s),
    },
    Column {
        title: "MAX SESSIONS",
        name: "limit_sessions",
        shown: Shown::Table,
        human: |s| limit(s.limit_sessions, |n| n.to_string()),
        raw: |s| limit_raw(&s.limit_sessions),
    },
    Column {
        title: "MAX RX RATE",
        name: "limit_rx_mibit_s",
        shown: Shown::Wide,
        human: |s| limit_rate(s.limit_rx_mibit_s),
        raw: |s| limit_raw(&s.limit_rx_mibit_s),
    },
    Column {
        title: "MAX TX RATE",
        name: "limit_tx_mibit_s",
        shown: Shown::Table,
        human: |s| limit_rate(s.limit_tx_mibit_s),
        raw: |s| limit_raw(&s.limit_tx_mibit_s),
    },
    Column {
        title: "FINISHED",
        name: "finished_sessions",
        shown: Shown::Table,
        human: |s| finished(s, |f| f.sessions.to_string()),
        raw: |s| {
            s.finished
                .as_ref()
                .map_or(Raw::Empty, |f| Raw::Int(f.sessions))
        },
    },
    Column {
        title: "FINISHED RX",
        name: "finished_rx_mib",
        shown: Shown::Table,
        human: |s| finished(s, |f| traffic(f.sessions, f.rx_mib, f.rx_bytes)),
        raw: |s| {
            s.finished
                .as_ref()
                .map_or(Raw::Empty, |f| Raw::Int(f.rx_mib))
        },
    },
    Column {
        title: "FINISHED TX",
        name: "finished_tx_mib",
        shown: Shown::Table,
        human: |s| finished(s, |f| traffic(f.sessions, f.tx_mib, f.tx_bytes)),
        raw: |s| {
            s.finished
                .as_ref()
                .map_or(Raw::Empty, |f| Raw::Int(f.tx_mib))
        },
    },
    Column {
        title: "",
        name: "finished_rx_bytes",
        shown: Shown::Never,
        human: |_| String::new(),
        raw: |s| s.finished.as_ref().map_or(Raw::Empty, |f| opt(&f.rx_bytes)),
    },
    Column {
        title: "",
        name: "finished_tx_bytes",
        shown: Shown::Never,
        human: |_| String::new(),
        raw: |s| s.finished.as_ref().map_or(Raw::Empty, |f| opt(&f.tx_bytes)),
    },
];

pub(super) const BREAKDOWN: &[Column<BreakdownRow>] = &[
    Column {
        title: "COLLECTOR",
        name: "collector",
        shown: Shown::Table,
        human: |r| r.collector.to_string(),
        raw: |r| Raw::Text(r.collector.as_str()),
    },
    Column {
        title: "KEY",
        name: "key",
        shown: Shown::Table,
        human: |r| r.key.clone(),
        raw: |r| Raw::Text(&r.key),
    },
    Column {
        title: "SESSIONS",
        name: "sessions",
        shown: Shown::Table,
        human: |r| r.totals.sessions.to_string(),
        raw: |r| Raw::Int(r.totals.sessions),
    },
    Column {
        title: "RX",
        name: "rx_mib",
        shown: Shown::Table,
        human: |r| traffic(r.totals.sessions, r.totals.rx_mib, r.totals.rx_bytes),
        raw: |r| Raw::Int(r.totals.rx_mib),
    },
    Column {
        title: "TX",
        name: "tx_mib",
        shown: Shown::Table,
        human: |r| traffic(r.totals.sessions, r.totals.tx_mib, r.totals.tx_bytes),
        raw: |r| Raw::Int(r.totals.tx_mib),
    },
    Column {
        title: "",
        name: "rx_bytes",
        shown: Shown::Never,
        human: |_| String::new(),
        raw: |r| opt(&r.totals.rx_bytes),
    },
    Column {
        title: "",
        name: "tx_bytes",
        shown: Shown::Never,
        human: |_| String::new(),
        raw: |r| opt(&r.totals.tx_bytes),
    },
    // Last, so a script cutting the TSV's earlier columns by position reads what it did.
    Column {
        title: "RX RATE",
        name: "rx_bit_s",
        shown: Shown::Filled,
        human: |r| units::known(r.rates().rx_bit_s, units::rate),
        raw: |r| r.rates().rx_bit_s.map_or(Raw::Empty, Raw::Float),
    },
    Column {
        title: "TX RATE",
        name: "tx_bit_s",
        shown: Shown::Filled,
        human: |r| units::known(r.rates().tx_bit_s, units::rate),
        raw: |r| r.rates().tx_bit_s.map_or(Raw::Empty, Raw::Float),
    },
];

/// `ADS.PLC1.MAIN.nCounter (5), Diagnostics::SERVERTIME (6)`: symbol first, it is what people
/// look for; the request id in brackets.
fn commands(c: &Client) -> String {
    let parts: Vec<String> = c
        .commands
        .iter()
        .map(|cmd| format!("{} ({})", cmd.symbol, cmd.id))
        .collect();
    parts.join(", ")
}

pub(super) const CLIENT: &[Column<Client>] = &[
    Column {
        title: "CLIENT",
        name: "client",
        shown: Shown::Table,
        human: |c| c.client.clone(),
        raw: |c| Raw::Text(&c.client),
    },
    Column {
        title: "SESSION",
        name: "session_id",
        shown: Shown::Table,
        human: |c| c.session_id.clone(),
        raw: |c| Raw::Text(&c.session_id),
    },
    Column {
        title: "USER",
        name: "user",
        shown: Shown::Table,
        human: |c| c.user.clone(),
        raw: |c| Raw::Text(&c.user),
    },
    Column {
        title: "COMMANDS",
        name: "commands",
        shown: Shown::Table,
        human: commands,
        raw: |c| Raw::Owned(commands(c)),
    },
];

fn average(s: &Subscription) -> Option<Duration> {
    s.average_duration_s
        .and_then(|secs| Duration::try_from_secs_f64(secs).ok())
}

pub(super) const SUBSCRIPTION: &[Column<Subscription>] = &[
    Column {
        title: "KEY",
        name: "key",
        shown: Shown::Table,
        human: |s| s.key.clone(),
        raw: |s| Raw::Text(&s.key),
    },
    Column {
        title: "ID",
        name: "id",
        shown: Shown::Table,
        human: |s| s.id.to_string(),
        raw: |s| Raw::Int(s.id),
    },
    Column {
        title: "TYPE",
        name: "type",
        shown: Shown::Table,
        human: |s| s.kind.clone(),
        raw: |s| Raw::Text(&s.kind),
    },
    Column {
        title: "INTERVAL",
        name: "interval_ms",
        shown: Shown::Table,
        human: |s| units::span(s.interval_ms.map(Duration::from_millis)),
        raw: |s| opt(&s.interval_ms),
    },
    Column {
        title: "CLIENTS",
        name: "client_count",
        shown: Shown::Table,
        human: |s| s.client_count.to_string(),
        raw: |s| Raw::Int(s.client_count),
    },
    Column {
        title: "JSON LENGTH",
        name: "json_length_bytes",
        shown: Shown::Table,
        human: |s| s.json_length_bytes.map_or_else(|| "-".into(), units::bytes),
        raw: |s| opt(&s.json_length_bytes),
    },
    Column {
        title: "AVG DURATION",
        name: "average_duration_s",
        shown: Shown::Table,
        human: |s| units::span(average(s)),
        raw: |s| opt(&s.average_duration_s),
    },
    Column {
        title: "",
        name: "average_duration_iso8601",
        shown: Shown::Never,
        human: |_| String::new(),
        raw: |s| {
            s.average_duration_iso8601
                .as_deref()
                .map_or(Raw::Empty, Raw::Text)
        },
    },
    Column {
        title: "SYMBOLS",
        name: "symbols",
        shown: Shown::Table,
        human: |s| s.symbols.join(", "),
        raw: |s| Raw::Owned(s.symbols.join(", ")),
    },
];

pub(super) const HMI_SUMMARY: &[Column<HmiSummary>] = &[
    Column {
        title: "COLLECTOR",
        name: "collector",
        shown: Shown::Table,
        human: |h| h.collector.to_string(),
        raw: |h| Raw::Text(h.collector.as_str()),
    },
    Column {
        title: "CONNECTIONS",
        name: "connections",
        shown: Shown::Table,
        human: |h| h.connections.to_string(),
        raw: |h| Raw::Int(h.connections),
    },
    Column {
        title: "SESSIONS",
        name: "sessions",
        shown: Shown::Table,
        human: |h| h.sessions.to_string(),
        raw: |h| Raw::Int(h.sessions),
    },
    Column {
        title: "USERS",
        name: "users",
        shown: Shown::Table,
        human: |h| h.users.to_string(),
        raw: |h| Raw::Int(h.users),
    },
    Column {
        title: "CLIENTS",
        name: "clients",
        shown: Shown::Table,
        human: |h| h.clients.to_string(),
        raw: |h| Raw::Int(h.clients),
    },
    Column {
        title: "SUBSCRIPTIONS",
        name: "subscriptions",
        shown: Shown::Table,
        human: |h| h.subscriptions.to_string(),
        raw: |h| Raw::Int(h.subscriptions),
    },
    Column {
        title: "REQUESTS",
        name: "requests_in_progress",
        shown: Shown::Table,
        human: |h| h.requests_in_progress.to_string(),
        raw: |h| Raw::Int(h.requests_in_progress),
    },
];

fn or_dash(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "-".into())
}

pub(super) const CONTEXT: &[Column<ContextRow>] = &[
    Column {
        title: "CURRENT",
        name: "current",
        shown: Shown::Table,
        human: |c| if c.current { "*".into() } else { String::new() },
        raw: |c| Raw::Value(&c.current),
    },
    Column {
        title: "NAME",
        name: "name",
        shown: Shown::Table,
        human: |c| c.name.clone(),
        raw: |c| Raw::Text(&c.name),
    },
    Column {
        title: "URL",
        name: "url",
        shown: Shown::Table,
        human: |c| or_dash(&c.url),
        raw: |c| c.url.as_deref().map_or(Raw::Empty, Raw::Text),
    },
    Column {
        title: "SOURCE",
        name: "source",
        shown: Shown::Table,
        human: |c| c.source.map_or_else(|| "-".into(), Into::into),
        raw: |c| c.source.map_or(Raw::Empty, Raw::Text),
    },
    Column {
        title: "USER",
        name: "user",
        shown: Shown::Table,
        human: |c| or_dash(&c.user),
        raw: |c| c.user.as_deref().map_or(Raw::Empty, Raw::Text),
    },
];

/// A JSON value as a cell: strings as they are, lists comma-joined, the rest as JSON.
fn field_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(field_text).collect();
            parts.join(", ")
        }
        other => other.to_string(),
    }
}

pub(super) const CONTEXT_FIELD: &[Column<ContextField>] = &[
    Column {
        title: "KEY",
        name: "key",
        shown: Shown::Table,
        human: |f| f.key.to_string(),
        raw: |f| Raw::Text(f.key),
    },
    Column {
        title: "VALUE",
        name: "value",
        shown: Shown::Table,
        human: |f| field_text(&f.value),
        raw: |f| Raw::Owned(field_text(&f.value)),
    },
];

#[cfg(test)]
mod tests {
    use super::{session_column, traffic};

    #[test]
    fn traffic_under_one_mib_is_not_shown_as_nothing() {
        assert_eq!(traffic(3, 0, None), "<1 MiB");
        assert_eq!(traffic(0, 0, None), "0 B");
        assert_eq!(traffic(0, 0, Some(0)), "0 B");
        assert_eq!(traffic(3, 20, None), "20 MiB");
        assert_eq!(traffic(3, 0, Some(512)), "512 B");
    }

    #[test]
    fn a_chosen_extra_key_is_headed_in_upper_case_unless_a_header_has_that_name() {
        let title = |name: &str| session_column(name).unwrap().title;
        assert_eq!(title("extra.userAgent"), "USERAGENT");
        assert_eq!(title("extra.msRTT"), "MSRTT");
        assert_eq!(title("extra.role"), "EXTRA.ROLE");
        assert_eq!(title("extra.Id"), "EXTRA.ID");
        assert_eq!(title("extra.target"), "EXTRA.TARGET");
        assert_eq!(title("extra.extra"), "EXTRA.EXTRA");
        assert_eq!(title("tx_rate"), "TX RATE");
        assert_eq!(
            session_column("extra.userAgent").unwrap().name,
            "extra.userAgent"
        );
    }
}
