//! `collect --listen`'s `/metrics`: the series of every polled target (the names of `summary -o
//! prometheus`), labelled `target` when there are several, and each target's health.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::time::Duration;

use super::app::{Polled, Snapshot};
use crate::error::{Error, Result};
use crate::model::{Collector, CollectorSummary, History, Session, Totals, publishers, sum_known};
use crate::render::prometheus::{self, Labelled};
use crate::source::local::history::{self, Store};

/// The exposition text: per target that answered its last poll, one row per collector of its
/// source (0 where none is open) with the store's finished totals; then every target's up and
/// last-success gauges. A target that did not answer has only those two: its sessions are not
/// known, and a stale count would be summed as if they were.
pub(super) fn render<'a>(snap: &'a Snapshot, db: &Path, left: Duration) -> Result<String> {
    let store = Store::open_read(db, left)?;
    let up = || snap.targets.iter().filter(|t| t.health.up);
    let finished = match &store {
        Some(store) => finished(store, up().flat_map(|t| t.collectors.iter().copied()))?,
        None => HashMap::new(),
    };
    let several = snap.targets.len() > 1;
    let label = |t: &'a Polled| several.then_some(t.name.as_str());
    let mut rows = Vec::new();
    for t in up() {
        let sessions = snap.active.get(t.sessions.clone()).unwrap_or_default();
        for &c in &t.collectors {
            let total = finished.get(&c).and_then(|by| by.get(&t.name)).cloned();
            rows.push((label(t), row(c, sessions, t, total.unwrap_or_default())));
        }
    }
    let rows: Vec<Labelled<'_, CollectorSummary>> = rows.iter().map(|(l, r)| (*l, r)).collect();
    let health: Vec<_> = snap.targets.iter().map(|t| (label(t), &t.health)).collect();
    let mut out = Vec::new();
    prometheus::collectors(&mut out, &rows)
        .and_then(|()| prometheus::health(&mut out, &health))
        .map_err(|e| Error::Internal(format!("cannot write /metrics: {e}")))?;
    String::from_utf8(out).map_err(|e| Error::Internal(format!("cannot write /metrics: {e}")))
}

/// The store's finished totals by target, for each of these collectors.
fn finished(
    store: &Store,
    collectors: impl Iterator<Item = Collector>,
) -> Result<HashMap<Collector, HashMap<String, Totals>>> {
    let mut all = HashMap::new();
    let collectors: BTreeSet<Collector> = collectors.collect();
    for c in collectors {
        let mut by = HashMap::new();
        store.each(c, &["target"], &mut |mut key, t| {
            by.insert(key.pop().unwrap_or_default(), t);
            Ok(())
        })?;
        all.insert(c, by);
    }
    Ok(all)
}

/// One collector of one target. This machine measures every session (one without a rate yet
/// moved nothing); a server's rate that one session lacks leaves the sum unknown, not 0.
fn row(c: Collector, sessions: &[Session], t: &Polled, total: Totals) -> CollectorSummary {
    let mut row = history::collector_summary(c, sessions, (total, History::default()));
    row.publishers = t.publishers.then(|| publishers(sessions, c));
    if !t.measured {
        let mine = || sessions.iter().filter(|s| s.collector == c);
        row.rx_bit_s = sum_known(mine().map(|s| s.rx_bit_s));
        row.tx_bit_s = sum_known(mine().map(|s| s.tx_bit_s));
    }
    row
}
