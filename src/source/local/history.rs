//! The history of finished sessions: a SQLite store (WAL, synchronous=FULL) that `collect` writes
//! one committed transaction per poll, and `summary` and the HTTP endpoints read.
//!
//! Why SQLite: a committed WAL transaction survives `kill -9` (and, with synchronous=FULL, a
//! power cut), and a torn write is rolled back on the next open, so the store is never corrupt.
//!
//! A store is opened only when its schema is ours (a `finished` table with our columns and no
//! trigger), so a file handed over as `--db` cannot make a read run forever through a view; every
//! read is also bounded by a deadline (SQLite's progress handler). It holds addresses and stream
//! names, so it is created 0600 (SQLite gives its -wal, -shm and journal files the same mode) in
//! folders created 0700. One writer per store: the writer holds `flock` on a lock file beside
//! it, which dies with its holder; readers (and an operator's `sqlite3`) take no such lock.

use std::fs::{DirBuilder, File, OpenOptions};
use std::io::{ErrorKind, Read, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::{Connection, ErrorCode, OpenFlags, TransactionBehavior, params};

use crate::error::{Error, Result};
use crate::model::{
    Collector, CollectorSummary, History, Limit, Load, MEBI, Session, Text, Timestamp, Totals,
    round3,
};

/// The schema this build reads and writes (`PRAGMA user_version`).
pub(crate) const SCHEMA_VERSION: i64 = 2;

/// The first schema; `MIGRATE_2` brings it to the second, in place.
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

/// Version 2: which target each session was on, and from what source; its peak rates and role
/// (both unknown for the rows of version 1, which were all this machine's); and the sessions
/// still open, replaced per target in each poll's transaction, so that a restart ends what
/// ended meanwhile and doubles nothing.
const MIGRATE_2: &str = "
ALTER TABLE finished ADD COLUMN target TEXT NOT NULL DEFAULT 'local';
ALTER TABLE finished ADD COLUMN source TEXT NOT NULL DEFAULT 'local';
ALTER TABLE finished ADD COLUMN role TEXT;
ALTER TABLE finished ADD COLUMN rx_peak_bit_s REAL;
ALTER TABLE finished ADD COLUMN tx_peak_bit_s REAL;
CREATE INDEX IF NOT EXISTS finished_by_target ON finished (target, closed_at);
CREATE TABLE IF NOT EXISTS open (
    target     TEXT    NOT NULL,
    source     TEXT    NOT NULL,
    collector  TEXT    NOT NULL,
    session_id TEXT    NOT NULL,
    reference  TEXT    NOT NULL,
    local      TEXT    NOT NULL,
    remote     TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    rx_bytes   INTEGER,
    tx_bytes   INTEGER,
    carried_rx INTEGER NOT NULL,
    carried_tx INTEGER NOT NULL,
    rx_peak_bit_s REAL,
    tx_peak_bit_s REAL,
    extra      TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS open_by_target ON open (target);
PRAGMA user_version = 2;
";

/// An index, not a schema change: `history` walks a target's sessions newest first, ties by
/// start, straight from it, so its first rows come at once and nothing is sorted. Stores of
/// version 2 written before it get it when `collect` next opens them.
const INDEX_BY_TIME: &str = "
CREATE INDEX IF NOT EXISTS finished_by_target_time ON finished (target, closed_at, created_at);
DROP INDEX IF EXISTS finished_by_target;
";

/// The columns of `finished` this build reads and writes.
const COLUMNS: [&str; 10] = [
    "collector",
    "session_id",
    "reference",
    "local",
    "remote",
    "created_at",
    "closed_at",
    "rx_bytes",
    "tx_bytes",
    "extra",
];

/// The columns version 2 adds to `finished`.
const COLUMNS_2: [&str; 5] = ["target", "source", "role", "rx_peak_bit_s", "tx_peak_bit_s"];

/// How long a statement waits for another connection's lock before it fails with "busy" (the
/// writer then keeps its sessions and retries; a reader's wait is within its deadline too).
const BUSY_WAIT: Duration = Duration::from_secs(5);

/// SQLite virtual-machine steps between two looks at a read's deadline (microseconds apart).
const STEPS_PER_CHECK: i32 = 1000;

/// A session that has ended, as it is recorded.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub(crate) struct Finished {
    /// The context's name, the URL for `--url`, or `local` for this machine.
    pub target: String,
    /// The kind of source (`core`, `srs`, `local`, …).
    pub source: String,
    pub collector: Collector,
    // The session's own text type: a row read for `history` becomes a session without a copy.
    pub id: Text,
    pub reference: Text,
    pub local: Text,
    pub remote: Text,
    pub created_at: Timestamp,
    pub closed_at: Timestamp,
    pub rx_bytes: u64,
    pub tx_bytes: u64,
    /// The highest rates seen on the session; `None` where the source gave none.
    pub rx_peak_bit_s: Option<f64>,
    pub tx_peak_bit_s: Option<f64>,
    /// Publisher or viewer, where the source tells.
    pub role: Option<String>,
    pub extra: serde_json::Value,
}

/// A session still open, as the last stored poll saw it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Open {
    pub target: String,
    pub source: String,
    pub collector: Collector,
    pub id: String,
    pub reference: String,
    pub local: String,
    pub remote: String,
    pub created_at: i64,
    pub last_seen: i64,
    /// The bytes as shown (its sockets' counters so far included).
    pub rx_bytes: Option<u64>,
    pub tx_bytes: Option<u64>,
    /// The bytes of the sockets it was tied to before its current one (see the tracker).
    pub carried: (u64, u64),
    pub rx_peak_bit_s: Option<f64>,
    pub tx_peak_bit_s: Option<f64>,
    pub extra: serde_json::Value,
}

/// One poll of one target, to be stored at once: the sessions that ended, and the ones still
/// open, which replace that target's open sessions.
#[derive(Debug, Default)]
pub(crate) struct Poll {
    pub finished: Vec<Finished>,
    pub open: Vec<(String, Vec<Open>)>,
}

/// Which finished sessions `history` reads: of these targets, closed in `[since, until)`.
pub(crate) struct Span<'a> {
    pub targets: &'a [String],
    pub since: Option<i64>,
    pub until: Option<i64>,
}

/// A session's lifetime, for `history --every` and `summary --since`: an open one has no
/// `closed_at`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Life {
    pub target: String,
    pub collector: String,
    pub reference: String,
    pub remote: String,
    pub created_at: i64,
    pub closed_at: Option<i64>,
    pub rx_bytes: u64,
    pub tx_bytes: u64,
}

/// The open store.
pub(crate) struct Store {
    conn: Connection,
    path: PathBuf,
    /// Read only the sessions that ended on this UTC day (`YYYY-MM-DD`).
    day: Option<String>,
    /// A reader's bound (`--timeout`), named when it expires.
    timeout: Option<Duration>,
    /// The schema version the file has (a reader does not upgrade a store).
    version: i64,
    /// The writer's lock file, held (`flock`) as long as the store is open for writing.
    _writer: Option<File>,
}

/// What a database file holds.
enum Shape {
    /// Nothing yet (a new or zero-length file): `collect` creates the schema.
    Empty,
    /// Ours, at this schema version.
    Ours(i64),
    /// Something else; the reason says what differs.
    Foreign(String),
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// Totals from a count and exact byte sums (whole MiB truncated, as Core reports them).
pub(crate) fn totals(sessions: u64, rx: u64, tx: u64) -> Totals {
    Totals {
        sessions,
        rx_mib: rx >> 20,
        tx_mib: tx >> 20,
        rx_bytes: Some(rx),
        tx_bytes: Some(tx),
        ..Totals::default()
    }
}

/// A failure of the store at `path` as the exit codes tell it: a read past its deadline is a
/// source that did not answer in time (3), a file that is not a database one we cannot use (4).
fn store_error(path: &Path, e: &rusqlite::Error, timeout: Option<Duration>) -> Error {
    match (e.sqlite_error_code(), timeout) {
        (Some(ErrorCode::OperationInterrupted), Some(t)) => Error::Unreachable(format!(
            "history store {}: no answer within --timeout {}; a store this large needs a longer --timeout",
            path.display(),
            humantime::format_duration(t)
        )),
        (Some(ErrorCode::NotADatabase), _) => foreign(path, "it is not an SQLite database"),
        _ => Error::Internal(format!("history store {}: {e}", path.display())),
    }
}

fn foreign(path: &Path, why: &str) -> Error {
    Error::BadReply(format!(
        "{} is not a history store of `sessions collect` ({why}); pass --db with one",
        path.display()
    ))
}

/// One object of the schema: its type, name and table, and whether its SQL makes it virtual.
struct Object {
    kind: String,
    name: String,
    table: String,
    is_virtual: bool,
}

fn objects(conn: &Connection) -> rusqlite::Result<Vec<Object>> {
    let mut stmt = conn.prepare(
        "SELECT type, name, tbl_name, coalesce(sql, '') LIKE 'CREATE VIRTUAL%' FROM sqlite_schema \
         WHERE substr(name, 1, 7) != 'sqlite_'",
    )?;
    let rows = stmt.query_map([], |row| {
        Ok(Object {
            kind: row.get(0)?,
            name: row.get(1)?,
            table: row.get(2)?,
            is_virtual: row.get(3)?,
        })
    })?;
    rows.collect()
}

/// Whether the file holds nothing, our schema, or something else (and what).
fn shape(conn: &Connection) -> rusqlite::Result<Shape> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let objects = objects(conn)?;
    if objects.is_empty() && version == 0 {
        return Ok(Shape::Empty);
    }
    if version > SCHEMA_VERSION {
        return Ok(Shape::Foreign(format!(
            "schema version {version}, from a newer sessions; this one reads {SCHEMA_VERSION}"
        )));
    }
    if version < 1 {
        return Ok(Shape::Foreign(format!("schema version {version}")));
    }
    let Some(finished) = objects.iter().find(|o| o.name == "finished") else {
        return Ok(Shape::Foreign("no `finished` table".into()));
    };
    if finished.kind != "table" || finished.is_virtual {
        let kind = if finished.is_virtual {
            "virtual table"
        } else {
            finished.kind.as_str()
        };
        // SQLite's own word for the object: table, index, view or trigger.
        return Ok(Shape::Foreign(format!(
            "`finished` is a {}, not a table",
            crate::text::escape(kind)
        )));
    }
    // A trigger would run inside every commit of `collect`.
    if objects
        .iter()
        .any(|o| o.kind == "trigger" && o.table == "finished")
    {
        return Ok(Shape::Foreign("a trigger runs on `finished`".into()));
    }
    columns(conn, version)
}

/// Every column we use is a plain column of `finished` (a generated one computes on each read).
fn columns(conn: &Connection, version: i64) -> rusqlite::Result<Shape> {
    let mut stmt = conn.prepare("SELECT name, hidden FROM pragma_table_xinfo('finished')")?;
    let found = stmt
        .query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let added: &[&str] = if version >= 2 { &COLUMNS_2 } else { &[] };
    for column in COLUMNS.iter().chain(added) {
        match found.iter().find(|(name, _)| name == column) {
            None => return Ok(Shape::Foreign(format!("`finished` has no `{column}`"))),
            Some((_, 0)) => {}
            Some(_) => return Ok(Shape::Foreign(format!("`finished`.`{column}` is computed"))),
        }
    }
    Ok(Shape::Ours(version))
}

/// The lock file of the store's one writer: the store's path with `-writer.lock` added.
pub(crate) fn writer_lock_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push("-writer.lock");
    PathBuf::from(name)
}

/// Takes the writer's lock, or says who holds it. `flock` (not SQLite's own locks, which a
/// reader or a brief `sqlite3` write takes too) and on a file of its own: on NFS Linux emulates
/// `flock` with the byte-range locks SQLite uses on the store itself.
fn take_writer_lock(path: &Path) -> Result<File> {
    let lock_path = writer_lock_path(path);
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(&lock_path)
        .map_err(|e| Error::Internal(format!("cannot open {}: {e}", lock_path.display())))?;
    match rustix::fs::flock(&file, rustix::fs::FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => {
            // Only for the message of a second writer: failing to write it changes nothing.
            let _ = file
                .set_len(0)
                .and_then(|()| writeln!(file, "{}", std::process::id()));
            Ok(file)
        }
        Err(e) if e == rustix::io::Errno::WOULDBLOCK => {
            let mut pid = String::new();
            let _ = (&file).take(24).read_to_string(&mut pid);
            let pid = pid.trim();
            let holder = if !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()) {
                format!(" (pid {pid})")
            } else {
                String::new()
            };
            Err(Error::Usage(format!(
                "another `sessions collect`{holder} is recording into {}: a store has one writer; stop that one, or give this one another --db",
                path.display()
            )))
        }
        Err(e) => Err(Error::Internal(format!(
            "cannot lock {}: {e}",
            lock_path.display()
        ))),
    }
}

/// The folders of a new store are created 0700 (those that exist are left as they are), and the
/// store itself 0600 before SQLite opens it.
fn make_private(path: &Path) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| Error::Internal(format!("cannot create {}: {e}", dir.display())))?;
    }
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(Error::Internal(format!(
            "cannot create {}: {e}",
            path.display()
        ))),
    }
}

/// From now on, a statement on `conn` that runs past `timeout` fails as interrupted.
fn bound(conn: &Connection, timeout: Duration) -> rusqlite::Result<()> {
    let Some(deadline) = Instant::now().checked_add(timeout) else {
        return Ok(());
    };
    conn.progress_handler(STEPS_PER_CHECK, Some(move || Instant::now() >= deadline))?;
    conn.busy_timeout(BUSY_WAIT.min(timeout))
}

impl Store {
    /// Opens the store for writing, creating it (and its folders) if needed; refuses a file that
    /// holds something else, and a store another writer holds.
    pub(crate) fn open(path: &Path) -> Result<Store> {
        make_private(path)?;
        let fail = |e: rusqlite::Error| store_error(path, &e, None);
        let conn = Connection::open(path).map_err(fail)?;
        conn.busy_timeout(BUSY_WAIT).map_err(fail)?;
        // Looked at before the lock, so that a file of someone else's gets no lock file beside
        // it, and again under it, before anything is written.
        let version = || match shape(&conn).map_err(fail)? {
            Shape::Foreign(why) => Err(foreign(path, &why)),
            Shape::Empty => Ok(0),
            Shape::Ours(v) => Ok(v),
        };
        version()?;
        let writer = take_writer_lock(path)?;
        let version = version()?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .and_then(|_| conn.pragma_update(None, "synchronous", "FULL"))
            .map_err(fail)?;
        // Only a new or older store is written to here, in one transaction: a reader never
        // sees half a schema.
        let indexed = objects(&conn)
            .map_err(fail)?
            .iter()
            .any(|o| o.name == "finished_by_target_time");
        let steps = match version {
            0 => format!("{SCHEMA} {MIGRATE_2} {INDEX_BY_TIME}"),
            1 => format!("{MIGRATE_2} {INDEX_BY_TIME}"),
            _ if !indexed => INDEX_BY_TIME.to_owned(),
            _ => String::new(),
        };
        if !steps.is_empty() {
            conn.execute_batch(&format!("BEGIN IMMEDIATE; {steps} COMMIT;"))
                .map_err(fail)?;
        }
        Ok(Store {
            conn,
            path: path.to_owned(),
            day: None,
            timeout: None,
            version: SCHEMA_VERSION,
            _writer: Some(writer),
        })
    }

    /// Opens an existing store for reading, every statement within `timeout` of now; `None`
    /// when `collect` never wrote one.
    pub(crate) fn open_read(path: &Path, timeout: Duration) -> Result<Option<Store>> {
        if !path.exists() {
            return Ok(None);
        }
        let fail = |e: rusqlite::Error| store_error(path, &e, Some(timeout));
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(fail)?;
        bound(&conn, timeout).map_err(fail)?;
        match shape(&conn).map_err(fail)? {
            Shape::Empty => Ok(None),
            Shape::Foreign(why) => Err(foreign(path, &why)),
            Shape::Ours(version) => Ok(Some(Store {
                conn,
                path: path.to_owned(),
                day: None,
                timeout: Some(timeout),
                version,
                _writer: None,
            })),
        }
    }

    /// From now on, read only the sessions that ended on `day` (UTC, `YYYY-MM-DD`).
    pub(crate) fn on_day(mut self, day: Option<String>) -> Self {
        self.day = day;
        self
    }

    fn error(&self, e: &rusqlite::Error) -> Error {
        store_error(&self.path, e, self.timeout)
    }

    /// Records sessions in one transaction: all of them are durable when this returns, or none.
    #[cfg(test)]
    pub(crate) fn record(&mut self, finished: &[Finished]) -> rusqlite::Result<()> {
        self.store(&Poll {
            finished: finished.to_vec(),
            open: Vec::new(),
        })
    }

    /// Stores polls in one transaction: their finished sessions, and each target's open ones in
    /// place of those stored before. The write lock is taken first (`BEGIN IMMEDIATE`), so
    /// "busy" comes before any row is written and a retry cannot store a row twice.
    pub(crate) fn store(&mut self, poll: &Poll) -> rusqlite::Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        insert_finished(&tx, &poll.finished)?;
        for (target, open) in &poll.open {
            tx.prepare_cached("DELETE FROM open WHERE target = ?1")?
                .execute([target])?;
            insert_open(&tx, open)?;
        }
        tx.commit()
    }

    /// The sessions a target had open at the last stored poll.
    pub(crate) fn open_sessions(&self, target: &str) -> Result<Vec<Open>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT target, source, collector, session_id, reference, local, remote, \
                 created_at, last_seen, rx_bytes, tx_bytes, carried_rx, carried_tx, \
                 rx_peak_bit_s, tx_peak_bit_s, extra FROM open WHERE target = ?1",
            )
            .map_err(|e| self.error(&e))?;
        let rows = stmt
            .query_map([target], |r| {
                Ok(Open {
                    target: r.get(0)?,
                    source: r.get(1)?,
                    collector: collector_of(&r.get::<_, String>(2)?),
                    id: r.get(3)?,
                    reference: r.get(4)?,
                    local: r.get(5)?,
                    remote: r.get(6)?,
                    created_at: r.get(7)?,
                    last_seen: r.get(8)?,
                    rx_bytes: r.get::<_, Option<i64>>(9)?.map(to_u64),
                    tx_bytes: r.get::<_, Option<i64>>(10)?.map(to_u64),
                    carried: (to_u64(r.get(11)?), to_u64(r.get(12)?)),
                    rx_peak_bit_s: r.get(13)?,
                    tx_peak_bit_s: r.get(14)?,
                    extra: json_of(&r.get::<_, String>(15)?),
                })
            })
            .map_err(|e| self.error(&e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.error(&e))
    }

    /// Deletes the finished sessions closed before `before`; how many.
    pub(crate) fn prune(&mut self, before: i64) -> rusqlite::Result<usize> {
        self.conn
            .execute("DELETE FROM finished WHERE closed_at < ?1", [before])
    }

    /// The finished sessions of `span`, newest first, each handed to `row` as it is read until
    /// `row` says it wants no more (`false`).
    pub(crate) fn ended(
        &self,
        span: &Span<'_>,
        row: &mut dyn FnMut(Finished) -> Result<bool>,
    ) -> Result<()> {
        // One target is `target = ?`, which walks INDEX_BY_TIME in the order asked for.
        // Several targets are merged by a sort.
        let (targets, which) = match span.targets {
            [one] => (one.clone(), "target = ?1"),
            many => (
                serde_json::to_string(many).unwrap_or_default(),
                "target IN (SELECT value FROM json_each(?1))",
            ),
        };
        let sql = format!(
            "SELECT target, source, role, rx_peak_bit_s, tx_peak_bit_s, collector, session_id, \
             reference, local, remote, created_at, closed_at, rx_bytes, tx_bytes, extra \
             FROM {} WHERE {which} \
             AND (?2 IS NULL OR closed_at >= ?2) AND (?3 IS NULL OR closed_at < ?3) \
             ORDER BY closed_at DESC, created_at DESC",
            self.finished_v2()
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.error(&e))?;
        let mut rows = stmt
            .query(params![targets, span.since, span.until])
            .map_err(|e| self.error(&e))?;
        while let Some(r) = rows.next().map_err(|e| self.error(&e))? {
            let f = finished_of(r).map_err(|e| self.error(&e))?;
            if !row(f)? {
                break;
            }
        }
        Ok(())
    }

    /// `finished` with the columns of version 2: a store of version 1 has only this machine's
    /// sessions, without the later columns.
    fn finished_v2(&self) -> &'static str {
        if self.version >= 2 {
            "finished"
        } else {
            "(SELECT *, 'local' AS target, 'local' AS source, NULL AS role, \
             NULL AS rx_peak_bit_s, NULL AS tx_peak_bit_s FROM finished)"
        }
    }

    /// The lifetimes of `span`'s sessions that were open at some time in it (`since` and
    /// `until` bound the lifetimes, not the closing), the still open ones included.
    pub(crate) fn lives(&self, span: &Span<'_>, row: &mut dyn FnMut(Life)) -> Result<()> {
        let open = if self.version >= 2 {
            "UNION ALL SELECT target, collector, reference, remote, created_at, NULL, \
             coalesce(rx_bytes, 0), coalesce(tx_bytes, 0) FROM open WHERE target IN (SELECT value FROM json_each(?1)) \
             AND (?3 IS NULL OR created_at < ?3)"
        } else {
            ""
        };
        let sql = format!(
            "SELECT target, collector, reference, remote, created_at, closed_at, rx_bytes, \
             tx_bytes FROM {} \
             WHERE target IN (SELECT value FROM json_each(?1)) \
             AND (?2 IS NULL OR closed_at >= ?2) AND (?3 IS NULL OR created_at < ?3) {open}",
            self.finished_v2()
        );
        let targets = serde_json::to_string(span.targets).unwrap_or_default();
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.error(&e))?;
        let mut rows = stmt
            .query(params![targets, span.since, span.until])
            .map_err(|e| self.error(&e))?;
        while let Some(r) = rows.next().map_err(|e| self.error(&e))? {
            let life = (|| -> rusqlite::Result<Life> {
                Ok(Life {
                    target: r.get(0)?,
                    collector: r.get(1)?,
                    reference: r.get(2)?,
                    remote: r.get(3)?,
                    created_at: r.get(4)?,
                    closed_at: r.get(5)?,
                    rx_bytes: to_u64(r.get(6)?),
                    tx_bytes: to_u64(r.get(7)?),
                })
            })()
            .map_err(|e| self.error(&e))?;
            row(life);
        }
        Ok(())
    }

    /// Totals grouped by the given columns (none: one row for the whole collector), in the
    /// order of the columns' values, each handed to `row` as it is read: a long listing is never
    /// held whole. An error of `row` stops the reading and is returned.
    pub(crate) fn each(
        &self,
        collector: Collector,
        columns: &[&str],
        row: &mut dyn FnMut(Vec<String>, Totals) -> Result<()>,
    ) -> Result<()> {
        // The column names come from this module's callers' constants, never from input.
        let keys = columns.join(", ");
        let (select, group) = if keys.is_empty() {
            (String::new(), String::new())
        } else {
            (
                format!("{keys}, "),
                format!("GROUP BY {keys} ORDER BY {keys}"),
            )
        };
        let sql = format!(
            "SELECT {select}count(*), coalesce(sum(rx_bytes), 0), coalesce(sum(tx_bytes), 0) \
             FROM finished WHERE collector = ?1 \
             AND (?2 IS NULL OR date(closed_at, 'unixepoch') = ?2) {group}"
        );
        let n = columns.len();
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.error(&e))?;
        let mut rows = stmt
            .query(params![collector.as_str(), self.day])
            .map_err(|e| self.error(&e))?;
        while let Some(r) = rows.next().map_err(|e| self.error(&e))? {
            let read = || -> rusqlite::Result<(Vec<String>, Totals)> {
                let key = (0..n)
                    .map(|i| r.get::<_, String>(i))
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                let count = to_u64(r.get(n)?);
                Ok((
                    key,
                    totals(count, to_u64(r.get(n + 1)?), to_u64(r.get(n + 2)?)),
                ))
            };
            let (key, t) = read().map_err(|e| self.error(&e))?;
            row(key, t)?;
        }
        Ok(())
    }

    /// Totals grouped by the given columns, all of them (see `each`).
    pub(crate) fn grouped(
        &self,
        collector: Collector,
        columns: &[&str],
    ) -> Result<Vec<(Vec<String>, Totals)>> {
        let mut all = Vec::new();
        self.each(collector, columns, &mut |key, t| {
            all.push((key, t));
            Ok(())
        })?;
        Ok(all)
    }

    /// One collector's finished sessions, all together.
    pub(crate) fn total(&self, collector: Collector) -> Result<Totals> {
        Ok(self
            .grouped(collector, &[])?
            .into_iter()
            .next()
            .map(|(_, t)| t)
            .unwrap_or_default())
    }

    /// One collector's history: totals, and grouped by remote, local and reference.
    pub(crate) fn history(&self, collector: Collector) -> Result<(Totals, History)> {
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

fn collector_of(name: &str) -> Collector {
    name.parse().unwrap_or(Collector::Http)
}

fn json_of(text: &str) -> serde_json::Value {
    // Most sessions have no extra: no parser for them.
    if text == "{}" {
        return serde_json::Value::Object(serde_json::Map::new());
    }
    serde_json::from_str(text).unwrap_or(serde_json::Value::Null)
}

/// A text column read straight into a session's text (inline up to 24 bytes: no allocation).
fn text_at(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Text> {
    Ok(Text::from(r.get_ref(at)?.as_str()?))
}

fn finished_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<Finished> {
    Ok(Finished {
        target: r.get(0)?,
        source: r.get(1)?,
        role: r.get(2)?,
        rx_peak_bit_s: r.get(3)?,
        tx_peak_bit_s: r.get(4)?,
        collector: collector_of(r.get_ref(5)?.as_str()?),
        id: text_at(r, 6)?,
        reference: text_at(r, 7)?,
        local: text_at(r, 8)?,
        remote: text_at(r, 9)?,
        created_at: Timestamp(r.get(10)?),
        closed_at: Timestamp(r.get(11)?),
        rx_bytes: to_u64(r.get(12)?),
        tx_bytes: to_u64(r.get(13)?),
        extra: json_of(r.get_ref(14)?.as_str()?),
    })
}

fn insert_finished(tx: &rusqlite::Transaction<'_>, finished: &[Finished]) -> rusqlite::Result<()> {
    let mut insert = tx.prepare_cached(
        "INSERT INTO finished (collector, session_id, reference, local, remote, created_at, \
         closed_at, rx_bytes, tx_bytes, extra, target, source, role, rx_peak_bit_s, \
         tx_peak_bit_s) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?;
    for f in finished {
        insert.execute(params![
            f.collector.as_str(),
            f.id.as_str(),
            f.reference.as_str(),
            f.local.as_str(),
            f.remote.as_str(),
            f.created_at.0,
            f.closed_at.0,
            to_i64(f.rx_bytes),
            to_i64(f.tx_bytes),
            f.extra.to_string(),
            f.target,
            f.source,
            f.role,
            f.rx_peak_bit_s,
            f.tx_peak_bit_s,
        ])?;
    }
    Ok(())
}

fn insert_open(tx: &rusqlite::Transaction<'_>, open: &[Open]) -> rusqlite::Result<()> {
    let mut insert = tx.prepare_cached(
        "INSERT INTO open (target, source, collector, session_id, reference, local, remote, \
         created_at, last_seen, rx_bytes, tx_bytes, carried_rx, carried_tx, rx_peak_bit_s, \
         tx_peak_bit_s, extra) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    )?;
    for o in open {
        insert.execute(params![
            o.target,
            o.source,
            o.collector.as_str(),
            o.id,
            o.reference,
            o.local,
            o.remote,
            o.created_at,
            o.last_seen,
            o.rx_bytes.map(to_i64),
            o.tx_bytes.map(to_i64),
            to_i64(o.carried.0),
            to_i64(o.carried.1),
            o.rx_peak_bit_s,
            o.tx_peak_bit_s,
            o.extra.to_string(),
        ])?;
    }
    Ok(())
}

/// A collector's summary: its active sessions now, and its finished ones from the history.
pub(crate) fn collector_summary(
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
        publishers: None,
        history,
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    const A_WHILE: Duration = Duration::from_secs(10);

    fn finished(remote: &str, rx: u64) -> Finished {
        Finished {
            target: "local".into(),
            source: "local".into(),
            rx_peak_bit_s: None,
            tx_peak_bit_s: None,
            role: None,
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
        let store = Store::open_read(&path, A_WHILE).unwrap().unwrap();
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

    /// A store of version 2 from before INDEX_BY_TIME gets it from its next writer, and
    /// `history` of one target then reads in that index's order with no sort.
    #[test]
    fn a_version_2_store_gets_the_index_history_walks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.sqlite3");
        Connection::open(&path)
            .unwrap()
            .execute_batch(&format!("{SCHEMA} {MIGRATE_2}"))
            .unwrap();
        let indexes = |conn: &Connection| -> Vec<String> {
            objects(conn)
                .unwrap()
                .into_iter()
                .filter(|o| o.kind == "index" && o.table == "finished")
                .map(|o| o.name)
                .collect()
        };
        let store = Store::open(&path).unwrap();
        let mut got = indexes(&store.conn);
        got.sort();
        assert_eq!(got, ["finished_by_collector", "finished_by_target_time"]);
        let plan: Vec<String> = store
            .conn
            .prepare(
                "EXPLAIN QUERY PLAN SELECT * FROM finished WHERE target = 'a' \
                 ORDER BY closed_at DESC, created_at DESC",
            )
            .unwrap()
            .query_map([], |r| r.get::<_, String>(3))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(
            plan,
            ["SEARCH finished USING INDEX finished_by_target_time (target=?)"]
        );
    }

    /// A store of version 1 is read as this machine's, and upgraded in place by its writer:
    /// its rows kept, the open sessions stored per target and replaced by each poll.
    #[test]
    fn a_version_1_store_is_upgraded_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.sqlite3");
        Connection::open(&path)
            .unwrap()
            .execute_batch(SCHEMA)
            .unwrap();
        Connection::open(&path)
            .unwrap()
            .execute(
                "INSERT INTO finished VALUES ('rtmp', '9', 'r', 'l', '10.0.0.1', 5, 10, 7, 8, '{}')",
                [],
            )
            .unwrap();
        let everything = Span {
            targets: &["local".to_owned()],
            since: None,
            until: None,
        };
        let read = |store: &Store| {
            let mut all = Vec::new();
            store
                .ended(&everything, &mut |f| {
                    all.push(f);
                    Ok(true)
                })
                .unwrap();
            all
        };
        let old = Store::open_read(&path, A_WHILE).unwrap().unwrap();
        assert_eq!(read(&old)[0].target, "local");
        drop(old);
        let mut store = Store::open(&path).unwrap();
        let version: i64 = store
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        let open = |id: &str| Open {
            target: "studio".into(),
            source: "core".into(),
            collector: Collector::Rtmp,
            id: id.into(),
            reference: "r".into(),
            local: "l".into(),
            remote: "x".into(),
            created_at: 1,
            last_seen: 2,
            rx_bytes: Some(3),
            tx_bytes: None,
            carried: (0, 0),
            rx_peak_bit_s: Some(8.0),
            tx_peak_bit_s: None,
            extra: serde_json::Value::Null,
        };
        let poll = |ids: &[&str]| Poll {
            finished: vec![finished("10.0.0.2", 1)],
            open: vec![("studio".into(), ids.iter().map(|id| open(id)).collect())],
        };
        store.store(&poll(&["a", "b"])).unwrap();
        store.store(&poll(&["b"])).unwrap();
        assert_eq!(store.open_sessions("studio").unwrap(), [open("b")]);
        assert!(store.open_sessions("local").unwrap().is_empty());
        let all = read(&store);
        assert_eq!(all.len(), 3);
        assert_eq!((all[2].id.as_str(), all[2].rx_bytes), ("9", 7));
        assert_eq!(store.prune(100).unwrap(), 1);
        assert_eq!(read(&store).len(), 2);
    }

    #[test]
    fn a_missing_or_empty_store_reads_as_none() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x");
        assert!(Store::open_read(&path, A_WHILE).unwrap().is_none());
        std::fs::write(&path, "").unwrap();
        assert!(Store::open_read(&path, A_WHILE).unwrap().is_none());
        // … and a writer makes it a store.
        Store::open(&path).unwrap();
        assert!(Store::open_read(&path, A_WHILE).unwrap().is_some());
    }

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_new_store_and_its_files_are_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state/sessions/history.sqlite3");
        let mut store = Store::open(&path).unwrap();
        store.record(&[finished("10.0.0.1", 1)]).unwrap();
        for file in [
            path.clone(),
            PathBuf::from(format!("{}-wal", path.display())),
            PathBuf::from(format!("{}-shm", path.display())),
            writer_lock_path(&path),
        ] {
            assert_eq!(mode(&file), 0o600, "{}", file.display());
        }
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        assert_eq!(mode(&dir.path().join("state")), 0o700);
    }

    #[test]
    fn a_store_has_one_writer_and_any_number_of_readers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.sqlite3");
        let first = Store::open(&path).unwrap();
        let Err(e) = Store::open(&path) else {
            panic!("a second writer opened the store");
        };
        assert_eq!(e.exit_code(), 2);
        let pid = format!("(pid {})", std::process::id());
        assert!(e.to_string().contains(&pid), "{e}");
        assert!(Store::open_read(&path, A_WHILE).unwrap().is_some());
        drop(first);
        Store::open(&path).unwrap();
    }

    /// A file that is not our store is refused before anything is read from it or added to it.
    #[test]
    fn a_foreign_store_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let cases = [
            (
                "CREATE VIEW finished AS WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT x FROM r; PRAGMA user_version = 1;",
                "`finished` is a view",
            ),
            ("CREATE TABLE t (x);", "schema version 0"),
            ("PRAGMA user_version = 9;", "from a newer sessions"),
            (
                "CREATE TABLE finished (collector); PRAGMA user_version = 1;",
                "no `session_id`",
            ),
        ];
        for (i, (sql, why)) in cases.iter().enumerate() {
            let path = dir.path().join(format!("{i}.sqlite3"));
            Connection::open(&path).unwrap().execute_batch(sql).unwrap();
            for e in [
                Store::open_read(&path, A_WHILE).err().unwrap(),
                Store::open(&path).err().unwrap(),
            ] {
                assert_eq!(e.exit_code(), 4, "{e}");
                assert!(e.to_string().contains(why), "{why}: {e}");
            }
        }
        let path = dir.path().join("trigger.sqlite3");
        Store::open(&path).unwrap();
        Connection::open(&path)
            .unwrap()
            .execute_batch("CREATE TRIGGER t AFTER INSERT ON finished BEGIN SELECT 1; END;")
            .unwrap();
        let e = Store::open(&path).err().unwrap();
        assert!(e.to_string().contains("a trigger runs"), "{e}");
        assert!(!writer_lock_path(&dir.path().join("0.sqlite3")).exists());
        let text = dir.path().join("text");
        std::fs::write(
            &text,
            "not a database at all, but long enough to be read as one",
        )
        .unwrap();
        let e = Store::open_read(&text, A_WHILE).err().unwrap();
        assert_eq!(e.exit_code(), 4, "{e}");
    }

    #[test]
    fn a_read_past_its_deadline_is_interrupted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.sqlite3");
        Store::open(&path).unwrap();
        let store = Store::open_read(&path, Duration::from_millis(200))
            .unwrap()
            .unwrap();
        let started = Instant::now();
        let e = store
            .conn
            .query_row(
                "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT count(*) FROM r",
                [],
                |r| r.get::<_, i64>(0),
            )
            .unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(5));
        let e = store.error(&e);
        assert_eq!(e.exit_code(), 3, "{e}");
        assert!(e.to_string().contains("--timeout 200ms"), "{e}");
    }
}
