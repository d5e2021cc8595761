//! The history of finished sessions: a SQLite store (WAL, synchronous=FULL) that `collect` writes
//! one committed transaction per poll, and `summary` and the HTTP endpoints read.
//!
//! Why SQLite: a committed WAL transaction survives `kill -9` (and, with synchronous=FULL, a
//! power cut), and a torn write is rolled back on the next open, so the store is never corrupt.

use std::path::Path;

use rusqlite::{Connection, OpenFlags, params};

use crate::error::{Error, Result};
use crate::model::{
    Collector, CollectorSummary, History, Limit, Load, MEBI, Session, Timestamp, Totals, round3,
};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS finished (
    collector  TEXT    NOT NULL,
    session_id TEXT    NOT NULL,
    reference  TEXT    NOT NULL,
    local      TEXT    NOT NULL,
    remote     TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    closed_at  INTEGER NOT NULL,
    rx_bytes   INTEGER NOT NULL,
    tx_bytes   INTEGER NOT NULL,
    extra      TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS finished_by_collector ON finished (collector, closed_at);
CREATE VIEW IF NOT EXISTS daily AS
    SELECT date(closed_at, 'unixepoch') AS day, collector, local, remote, reference,
           count(*) AS sessions, sum(rx_bytes) AS rx_bytes, sum(tx_bytes) AS tx_bytes
    FROM finished GROUP BY day, collector, local, remote, reference;
PRAGMA user_version = 1;
";

/// A session that has ended, as it is recorded.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Finished {
    pub collector: Collector,
    pub id: String,
    pub reference: String,
    pub local: String,
    pub remote: String,
    pub created_at: Timestamp,
    pub closed_at: Timestamp,
    pub rx_bytes: u64,
    pub tx_bytes: u64,
    pub extra: serde_json::Value,
}

/// The open store.
pub struct Store {
    conn: Connection,
    /// Read only the sessions that ended on this UTC day (`YYYY-MM-DD`).
    day: Option<String>,
}

fn db_error(path: &Path, e: &rusqlite::Error) -> Error {
    Error::Internal(format!("history store {}: {e}", path.display()))
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

impl Store {
    /// Opens (creating it and its folder if needed) the store for writing.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::Internal(format!("cannot create {}: {e}", dir.display())))?;
        }
        let conn = Connection::open(path).map_err(|e| db_error(path, &e))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .and_then(|_| conn.pragma_update(None, "journal_mode", "WAL"))
            .and_then(|_| conn.pragma_update(None, "synchronous", "FULL"))
            .and_then(|_| conn.execute_batch(SCHEMA))
            .map_err(|e| db_error(path, &e))?;
        Ok(Store { conn, day: None })
    }

    /// Opens an existing store for reading; `None` when `collect` never ran.
    pub fn open_read(path: &Path) -> Result<Option<Store>> {
        if !path.exists() {
            return Ok(None);
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| db_error(path, &e))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(|e| db_error(path, &e))?;
        Ok(Some(Store { conn, day: None }))
    }

    /// From now on, read only the sessions that ended on `day` (UTC, `YYYY-MM-DD`).
    pub fn on_day(mut self, day: Option<String>) -> Self {
        self.day = day;
        self
    }

    /// Records sessions in one transaction: all of them are durable when this returns, or none.
    pub fn record(&mut self, finished: &[Finished]) -> rusqlite::Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO finished (collector, session_id, reference, local, remote, \
                 created_at, closed_at, rx_bytes, tx_bytes, extra) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?;
            for f in finished {
                insert.execute(params![
                    f.collector.as_str(),
                    f.id,
                    f.reference,
                    f.local,
                    f.remote,
                    f.created_at.0,
                    f.closed_at.0,
                    to_i64(f.rx_bytes),
                    to_i64(f.tx_bytes),
                    f.extra.to_string(),
                ])?;
            }
        }
        tx.commit()
    }

    /// Totals grouped by the given columns (none: one row for the whole collector).
    pub fn grouped(
        &self,
        collector: Collector,
        columns: &[&str],
    ) -> Result<Vec<(Vec<String>, Totals)>> {
        // The column names come from this module's constants, never from input.
        let keys = columns.join(", ");
        let select = if keys.is_empty() {
            String::new()
        } else {
            format!("{keys}, ")
        };
        let group = if keys.is_empty() {
            String::new()
        } else {
            format!("GROUP BY {keys} ORDER BY {keys}")
        };
        let sql = format!(
            "SELECT {select}count(*), coalesce(sum(rx_bytes), 0), coalesce(sum(tx_bytes), 0) \
             FROM finished WHERE collector = ?1 \
             AND (?2 IS NULL OR date(closed_at, 'unixepoch') = ?2) {group}"
        );
        let run = || -> rusqlite::Result<Vec<(Vec<String>, Totals)>> {
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(params![collector.as_str(), self.day], |row| {
                let n = columns.len();
                let key = (0..n)
                    .map(|i| row.get::<_, String>(i))
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                let (rx, tx) = (to_u64(row.get(n + 1)?), to_u64(row.get(n + 2)?));
                Ok((
                    key,
                    Totals {
                        sessions: to_u64(row.get(n)?),
                        rx_mib: rx >> 20,
                        tx_mib: tx >> 20,
                        rx_bytes: Some(rx),
                        tx_bytes: Some(tx),
                    },
                ))
            })?;
            rows.collect()
        };
        run().map_err(|e| Error::Internal(format!("cannot read the history store: {e}")))
    }

    /// One collector's finished sessions, all together.
    pub fn total(&self, collector: Collector) -> Result<Totals> {
        Ok(self
            .grouped(collector, &[])?
            .into_iter()
            .next()
            .map(|(_, t)| t)
            .unwrap_or_default())
    }

    /// One collector's history: totals, and grouped by remote, local and reference.
    pub fn history(&self, collector: Collector) -> Result<(Totals, History)> {
        let total = self.total(collector)?;
        let by = |col: &str| -> Result<Vec<(String, Totals)>> {
            Ok(self
                .grouped(collector, &[col])?
                .into_iter()
                .map(|(mut k, t)| (k.pop().unwrap_or_default(), t))
                .collect())
        };
        Ok((
            total,
            History {
                by_remote: by("remote")?,
                by_local: by("local")?,
                by_reference: by("reference")?,
            },
        ))
    }
}

/// A collector's summary: its active sessions now, and its finished ones from the history.
pub fn collector_summary(
    collector: Collector,
    active: &[Session],
    (finished, history): (Totals, History),
) -> CollectorSummary {
    let load = Load::of(active, collector);
    CollectorSummary {
        collector,
        active_sessions: load.sessions,
        rx_bit_s: Some(load.rx_bit_s),
        tx_bit_s: Some(load.tx_bit_s),
        rx_mibit_s: Some(round3(load.rx_bit_s / MEBI)),
        tx_mibit_s: Some(round3(load.tx_bit_s / MEBI)),
        limit_sessions: Limit::Unknown,
        limit_rx_mibit_s: Limit::Unknown,
        limit_tx_mibit_s: Limit::Unknown,
        finished: Some(finished),
        history,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finished(remote: &str, rx: u64) -> Finished {
        Finished {
            collector: Collector::Rtmp,
            id: "1".into(),
            reference: "nginx".into(),
            local: "127.0.0.1:1935".into(),
            remote: remote.into(),
            created_at: Timestamp(1_795_494_000),
            closed_at: Timestamp(1_795_494_100),
            rx_bytes: rx,
            tx_bytes: 7,
            extra: serde_json::json!({"direction": "in"}),
        }
    }

    #[test]
    fn records_and_groups() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/history.sqlite3");
        let mut store = Store::open(&path).unwrap();
        store
            .record(&[
                finished("10.0.0.1", 3 << 20),
                finished("10.0.0.1", 1),
                finished("10.0.0.2", 5),
            ])
            .unwrap();
        drop(store);
        let store = Store::open_read(&path).unwrap().unwrap();
        let (total, h) = store.history(Collector::Rtmp).unwrap();
        assert_eq!(total.sessions, 3);
        assert_eq!(total.rx_bytes, Some((3 << 20) + 6));
        assert_eq!(total.rx_mib, 3);
        assert_eq!(h.by_remote.len(), 2);
        assert_eq!(h.by_remote[0].0, "10.0.0.1");
        assert_eq!(h.by_remote[0].1.sessions, 2);
        assert_eq!(h.by_reference, [("nginx".to_owned(), total.clone())]);
        let store = store.on_day(Some("2026-11-25".into()));
        assert_eq!(store.total(Collector::Rtmp).unwrap().sessions, 0);
        let store = store.on_day(Some("2026-11-24".into()));
        assert_eq!(store.total(Collector::Rtmp).unwrap().sessions, 3);
        let (none, _) = store.history(Collector::Hls).unwrap();
        assert_eq!(none.sessions, 0);
        let day: String = store
            .conn
            .query_row("SELECT day FROM daily LIMIT 1", [], |r| r.get(0))
            .unwrap();
        assert_eq!(day, "2026-11-24");
    }

    #[test]
    fn a_missing_store_reads_as_none() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Store::open_read(&dir.path().join("x")).unwrap().is_none());
    }
}
