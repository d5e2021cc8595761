//! The embedded local collector: this machine's sessions, from the kernel's socket table and the
//! process table, classified into datarhei Core's collectors; history from `collect`'s store.

mod assemble;
pub(crate) mod classify;
mod clients;
mod connections;
pub(crate) mod ffmpeg;
pub(crate) mod history;
pub(crate) mod procs;
mod rows;
pub(crate) mod sockets;

use std::cell::Cell;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

use self::classify::PortMap;
pub(crate) use self::procs::ProcTable;
use self::sockets::Sock;
use super::{Source, computed, served};
use crate::diag;
use crate::error::{Error, Result};
use crate::model::{Breakdown, Collector, CollectorSummary, Session, SummaryAnswer};

/// How the local collector looks at this machine.
#[derive(Debug, Clone)]
pub(crate) struct LocalOptions {
    /// Where /proc is (tests point it elsewhere).
    pub proc_root: PathBuf,
    pub port_map: PortMap,
    /// The window between the two samples that give the bit rates.
    pub sample: Duration,
    /// The history store written by `collect` and read by `summary` (`active` needs none).
    pub db: Option<PathBuf>,
    /// `summary --day`: only the sessions that ended on this UTC day.
    pub day: Option<String>,
    /// `--timeout`: the bound on reading the history store.
    pub timeout: Duration,
    /// `--all`: every socket on a mapped port and every ffmpeg input and output, not only the
    /// sessions (docs/local.md, "What counts as a session").
    pub all: bool,
}

impl LocalOptions {
    /// For a command the local collector cannot answer (`clients`): it says so before looking.
    pub(crate) fn idle() -> LocalOptions {
        LocalOptions {
            proc_root: "/proc".into(),
            port_map: PortMap::new(&[]),
            sample: Duration::ZERO,
            db: None,
            day: None,
            timeout: Duration::ZERO,
            all: false,
        }
    }
}

/// The default history store: `$XDG_STATE_HOME/sessions/history.sqlite3`, or under
/// `~/.local/state` (the XDG base directory default).
pub(crate) fn default_db(var: &dyn Fn(&str) -> Option<String>) -> Result<PathBuf> {
    let base = match var("XDG_STATE_HOME").filter(|v| v.starts_with('/')) {
        Some(state) => PathBuf::from(state),
        None => match var("HOME").filter(|v| !v.is_empty()) {
            Some(home) => PathBuf::from(home).join(".local/state"),
            None => {
                return Err(Error::Usage(
                    "cannot place the history store: HOME is not set; pass --db PATH".into(),
                ));
            }
        },
    };
    Ok(base.join("sessions").join("history.sqlite3"))
}

/// Threads that walk /proc beside the one that dumps the sockets (and then walks too).
const WALKERS: usize = 2;

/// One look at the socket table.
pub(crate) struct Sample {
    socks: Vec<Sock>,
    at: Instant,
}

/// The sockets and their processes at one moment, turned into sessions.
pub(crate) struct Local {
    opts: LocalOptions,
    warned_fallback: bool,
    /// `collect` looks every few seconds: the unreadable-processes warning is said once.
    warned_unreadable: Cell<bool>,
    /// `watch` and `top` look again and again: the unmapped servers' hint is said once.
    hinted: bool,
}

impl Local {
    pub(crate) fn new(opts: LocalOptions) -> Self {
        Local {
            opts,
            warned_fallback: false,
            warned_unreadable: Cell::new(false),
            hinted: false,
        }
    }

    /// Reads the socket table: netlink first, /proc/net when netlink is refused (some containers).
    pub(crate) fn sample(&mut self) -> Result<Sample> {
        let socks = match sockets::from_netlink() {
            Ok(socks) => socks,
            Err(e) => {
                if !self.warned_fallback {
                    self.warned_fallback = true;
                    diag::warn(format_args!(
                        "netlink sock_diag is unavailable ({e}); reading /proc/net, which has no byte counters"
                    ));
                }
                sockets::from_proc(&self.opts.proc_root).map_err(|e| {
                    Error::Internal(format!("cannot read this machine's sockets: {e}"))
                })?
            }
        };
        Ok(Sample {
            socks,
            at: Instant::now(),
        })
    }

    /// One look at the machine. The process walk costs about three times the socket dump with
    /// thousands of connections, so two threads start on it while this one dumps the sockets
    /// and then joins them.
    pub(crate) fn look(&mut self) -> Result<(Sample, ProcTable)> {
        let started = Instant::now();
        let walk = procs::Walk::new(&self.opts.proc_root);
        let (sample, sockets_took, found) = std::thread::scope(|scope| {
            let helpers: Vec<_> = (0..WALKERS).map(|_| scope.spawn(|| walk.work())).collect();
            let sample = self.sample();
            let sockets_took = started.elapsed();
            let mut found = vec![walk.work()];
            // `work` does not panic; were it to, the sessions would just lack their processes.
            found.extend(helpers.into_iter().filter_map(|h| h.join().ok()));
            (sample, sockets_took, found)
        });
        let procs = walk.finish(found);
        let sample = sample?;
        diag::trace(format_args!(
            "read {} sockets in {sockets_took:.1?}, and {} socket owners by {:.1?}",
            sample.socks.len(),
            procs.owned(),
            started.elapsed()
        ));
        Ok((sample, procs))
    }

    /// Two samples `--sample` apart, turned into sessions with rates over that window; with a
    /// zero window, one sample and no rates (the fastest look).
    pub(crate) async fn snapshot(&mut self) -> Result<Vec<Session>> {
        let before = if self.opts.sample.is_zero() {
            None
        } else {
            let before = self.sample()?;
            tokio::time::sleep(self.opts.sample).await;
            Some(before)
        };
        let (now, procs) = self.look()?;
        if !std::mem::replace(&mut self.hinted, true) {
            for line in classify::unmapped_servers(&now.socks, &procs, &self.opts.port_map) {
                diag::note(format_args!("{line}"));
            }
        }
        Ok(self.rows(before.as_ref(), &now, &procs))
    }

    /// The sessions of one look as listed: one row per connection unless `--all`. `collect`
    /// records these, so a connection between two programs here is one finished session, kept
    /// under its server socket's inode (the row that stays) for as long as that socket lives.
    pub(crate) fn rows(
        &self,
        before: Option<&Sample>,
        now: &Sample,
        procs: &ProcTable,
    ) -> Vec<Session> {
        let sessions = self.sessions(before, now, procs);
        if self.opts.all {
            sessions
        } else {
            connections::one_per_connection(sessions)
        }
    }
}

/// Unix seconds (0 before 1970, which a clock set that wrong deserves).
pub(crate) fn unix_seconds(t: SystemTime) -> i64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

impl Source for Local {
    const NAME: &'static str = "this machine's local collector";

    async fn active(&mut self, collectors: &[Collector]) -> Result<Vec<Session>> {
        let collectors = served::<Self>(collectors, &Collector::CORE)?;
        let mut sessions = self.snapshot().await?;
        sessions.retain(|s| collectors.contains(&s.collector));
        Ok(sessions)
    }

    /// The sessions open now with the finished totals of `collect`'s history; `--by` breaks
    /// down either.
    async fn summary(
        &mut self,
        collectors: &[Collector],
        breakdown: Option<Breakdown>,
    ) -> Result<SummaryAnswer> {
        let collectors = served::<Self>(collectors, &Collector::CORE)?;
        let sessions = self.snapshot().await?;
        let store = match &self.opts.db {
            Some(db) => history::Store::open_read(db, self.opts.timeout)?
                .map(|s| s.on_day(self.opts.day.clone())),
            None => None,
        };
        let mut summaries = collectors
            .iter()
            .map(|c| {
                let finished = match &store {
                    Some(store) => store.history(*c)?,
                    None => Default::default(),
                };
                Ok(history::collector_summary(*c, &sessions, finished))
            })
            .collect::<Result<Vec<CollectorSummary>>>()?;
        if breakdown == Some(Breakdown::Active) {
            computed::break_down_active(&mut summaries, &sessions);
        }
        Ok(SummaryAnswer::Collectors(summaries))
    }

    /// This machine has no API to ask: only a server's can disconnect its clients.
    async fn kick(&mut self, _sessions: &[Session]) -> Result<Vec<Result<()>>> {
        Err(Error::Usage(format!(
            "{} cannot disconnect a session: kick needs a server's API (--url, --context)",
            Self::NAME
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_store_follows_xdg() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                vars.iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            default_db(&env(&[("XDG_STATE_HOME", "/s"), ("HOME", "/h")])).unwrap(),
            PathBuf::from("/s/sessions/history.sqlite3")
        );
        assert_eq!(
            default_db(&env(&[("XDG_STATE_HOME", "relative"), ("HOME", "/h")])).unwrap(),
            PathBuf::from("/h/.local/state/sessions/history.sqlite3")
        );
        assert_eq!(default_db(&env(&[])).unwrap_err().exit_code(), 2);
    }
}
