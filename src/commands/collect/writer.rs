//! The history store's writer, on a thread of its own: a poll hands it the sessions that ended
//! and goes on polling. What cannot be stored yet (another process holds the store, the disk is
//! full) is kept in memory, up to a bound, and retried with backoff; stderr says so once when it
//! starts and once when the store works again. A line on stdout still means "stored".

use std::io::Write;
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use crate::diag;
use crate::error::{Error, Result};
use crate::model::Timestamp;
use crate::source::local::history::{Finished, Poll, Store};
use crate::source::local::unix_seconds;

/// Sessions kept while the store fails: about 1 KiB each, so at most about 100 MiB. Past it the
/// sessions that end are counted, not kept, until the store works again.
pub(super) const MAX_PENDING: usize = 100_000;

/// The first wait before a retry; it doubles after each failure, up to `MAX_BACKOFF`.
const FIRST_BACKOFF: Duration = Duration::from_secs(1);
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// The poll loop's end of the writer.
pub(super) struct Writer {
    tx: Sender<Poll>,
    thread: JoinHandle<Result<()>>,
}

impl Writer {
    /// `keep`: finished sessions older than this are deleted, after the first commit and then
    /// hourly.
    pub(super) fn start(store: Store, db: PathBuf, keep: Option<Duration>) -> Result<Writer> {
        let (tx, rx) = mpsc::channel();
        let mut keeper = Keeper::new(store, db, MAX_PENDING);
        keeper.keep = keep;
        let thread = std::thread::Builder::new()
            .name("store".into())
            .spawn(move || keeper.run(&rx))
            .map_err(|e| Error::Internal(format!("cannot start the store's thread: {e}")))?;
        Ok(Writer { tx, thread })
    }

    /// Hands over a poll (what ended, what is open); false once the writer has stopped (stdout
    /// closed).
    pub(super) fn send(&self, poll: Poll) -> bool {
        self.tx.send(poll).is_ok()
    }

    /// Stores what is left and ends the thread: its error, if it stopped on one.
    pub(super) fn stop(self) -> Result<()> {
        drop(self.tx);
        self.thread
            .join()
            .map_err(|_| Error::Internal("the store's thread panicked".into()))?
    }
}

/// Since when, and why, the store fails.
struct Trouble {
    since: SystemTime,
    why: String,
}

/// The writer's state on its thread.
struct Keeper {
    store: Store,
    /// Where a stored session's line goes: stdout.
    out: Box<dyn Write + Send>,
    db: PathBuf,
    /// The finished sessions not stored yet, and each target's latest open sessions.
    pending: Poll,
    limit: usize,
    /// Sessions that ended past the bound while the store failed.
    lost: u64,
    trouble: Option<Trouble>,
    next_try: Instant,
    backoff: Duration,
    /// `--keep`, and when it was last applied.
    keep: Option<Duration>,
    pruned: Option<Instant>,
}

/// How often `--keep` deletes what grew too old.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

impl Keeper {
    fn new(store: Store, db: PathBuf, limit: usize) -> Keeper {
        Keeper {
            store,
            out: Box::new(std::io::stdout()),
            db,
            pending: Poll::default(),
            limit,
            lost: 0,
            trouble: None,
            next_try: Instant::now(),
            backoff: FIRST_BACKOFF,
            keep: None,
            pruned: None,
        }
    }

    /// Stores each poll's sessions as they come, or, while the store fails, at the next retry.
    fn run(mut self, rx: &Receiver<Poll>) -> Result<()> {
        loop {
            let got = if self.is_idle() {
                rx.recv().map_err(|_| RecvTimeoutError::Disconnected)
            } else {
                rx.recv_timeout(self.next_try.saturating_duration_since(Instant::now()))
            };
            match got {
                Ok(batch) => self.hold(batch),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return self.last(rx),
            }
            // Whatever came while a commit waited goes into the next one.
            while let Ok(batch) = rx.try_recv() {
                self.hold(batch);
            }
            if !self.is_idle() && Instant::now() >= self.next_try {
                self.attempt()?;
            }
        }
    }

    fn is_idle(&self) -> bool {
        self.pending.finished.is_empty() && self.pending.open.is_empty()
    }

    /// Keeps a poll for the next commit: its finished sessions up to the bound, its open ones in
    /// place of the same target's before.
    fn hold(&mut self, poll: Poll) {
        for (target, open) in poll.open {
            match self.pending.open.iter_mut().find(|(t, _)| *t == target) {
                Some(slot) => slot.1 = open,
                None => self.pending.open.push((target, open)),
            }
        }
        let batch = poll.finished;
        let room = self.limit.saturating_sub(self.pending.finished.len());
        if batch.len() > room {
            if self.lost == 0 {
                diag::warn(format_args!(
                    "{} finished sessions wait for the history store {}: those that end from now on are counted, not kept, until it works again",
                    self.limit,
                    self.db.display()
                ));
            }
            self.lost += u64::try_from(batch.len() - room).unwrap_or(u64::MAX);
        }
        self.pending.finished.extend(batch.into_iter().take(room));
    }

    /// One commit of everything pending; true when it is stored (and printed).
    fn attempt(&mut self) -> Result<bool> {
        match self.store.store(&self.pending) {
            Ok(()) => {
                let stored = std::mem::take(&mut self.pending).finished;
                self.recovered(stored.len());
                print_finished(&mut self.out, &stored)?;
                self.prune();
                Ok(true)
            }
            Err(e) => {
                self.failed(e.to_string());
                Ok(false)
            }
        }
    }

    /// `--keep`: deletes the finished sessions that closed before it, at most hourly. A failure
    /// only delays it (the next commit tries again).
    fn prune(&mut self) {
        let Some(keep) = self.keep else {
            return;
        };
        if self.pruned.is_some_and(|at| at.elapsed() < PRUNE_EVERY) {
            return;
        }
        let before = SystemTime::now().checked_sub(keep).map_or(0, unix_seconds);
        match self.store.prune(before) {
            Ok(n) => {
                self.pruned = Some(Instant::now());
                if n > 0 {
                    diag::trace(format_args!(
                        "--keep: deleted {n} finished sessions closed before {}",
                        Timestamp(before)
                    ));
                }
            }
            Err(e) => diag::trace(format_args!("--keep: cannot prune yet: {e}")),
        }
    }

    fn failed(&mut self, why: String) {
        match &mut self.trouble {
            Some(trouble) => trouble.why = why,
            None => {
                diag::warn(format_args!(
                    "cannot store finished sessions in {}: {why}; keeping them in memory (at most {}) and retrying",
                    self.db.display(),
                    self.limit
                ));
                self.trouble = Some(Trouble {
                    since: SystemTime::now(),
                    why,
                });
            }
        }
        self.next_try = Instant::now() + self.backoff;
        self.backoff = (self.backoff * 2).min(MAX_BACKOFF);
    }

    fn recovered(&mut self, stored: usize) {
        self.backoff = FIRST_BACKOFF;
        let lost = std::mem::take(&mut self.lost);
        let Some(trouble) = self.trouble.take() else {
            return;
        };
        let lost = match lost {
            0 => String::new(),
            n => format!(
                "; {n} that ended past the bound of {} were not kept",
                self.limit
            ),
        };
        diag::warn(format_args!(
            "the history store {} works again: stored the {stored} finished sessions kept since {}{lost}",
            self.db.display(),
            Timestamp(unix_seconds(trouble.since))
        ));
    }

    /// At the end: what came last, then one more commit; what still cannot be stored is an error.
    fn last(mut self, rx: &Receiver<Poll>) -> Result<()> {
        while let Ok(batch) = rx.try_recv() {
            self.hold(batch);
        }
        if self.is_idle() || self.attempt()? {
            return Ok(());
        }
        let why = self.trouble.map_or_else(String::new, |t| t.why);
        let lost = u64::try_from(self.pending.finished.len()).unwrap_or(u64::MAX) + self.lost;
        Err(Error::Internal(format!(
            "stopped with {lost} finished sessions not stored in {} ({why}); they are lost",
            self.db.display()
        )))
    }
}

/// One JSON line per stored session: printed only after the commit, so a line on stdout is a
/// promise that the session is in the store.
fn print_finished(out: &mut dyn Write, ended: &[Finished]) -> Result<()> {
    for f in ended {
        let line = serde_json::to_string(f)
            .map_err(|e| Error::Internal(format!("cannot encode a session: {e}")))?;
        writeln!(out, "{line}").map_err(Error::output)?;
    }
    out.flush().map_err(Error::output)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Collector;

    fn ended(n: usize) -> Vec<Finished> {
        (0..n)
            .map(|i| Finished {
                target: "local".into(),
                source: "local".into(),
                rx_peak_bit_s: None,
                tx_peak_bit_s: None,
                role: None,
                collector: Collector::Rtmp,
                id: i.to_string().into(),
                reference: Default::default(),
                local: "127.0.0.1:1935".into(),
                remote: "127.0.0.1".into(),
                created_at: Timestamp(1),
                closed_at: Timestamp(2),
                rx_bytes: 1,
                tx_bytes: 2,
                extra: serde_json::Value::Null,
            })
            .collect()
    }

    /// Past the bound the oldest sessions are kept and the newer ones counted.
    #[test]
    fn what_waits_is_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("h.sqlite3");
        let mut keeper = Keeper::new(Store::open(&db).unwrap(), db, 3);
        keeper.out = Box::new(std::io::sink());
        let poll = |n| Poll {
            finished: ended(n),
            open: Vec::new(),
        };
        keeper.hold(poll(2));
        keeper.hold(poll(4));
        assert_eq!((keeper.pending.finished.len(), keeper.lost), (3, 3));
        assert_eq!(keeper.pending.finished[2].id, "0");
        assert!(keeper.attempt().unwrap());
        assert!(keeper.is_idle() && keeper.lost == 0);
    }
}
