//! One poll of every target: this machine by looking at its sockets, servers by asking them
//! (`--parallel` at a time). A target that cannot be read keeps its sessions open until it
//! answers again: an outage is not the end of every session.

use crate::diag;
use crate::error::{Error, Result};
use crate::model::Collector;
use crate::source::local::history::{Poll, Store};
use crate::source::local::{Local, LocalOptions, Sample};
use crate::source::{Ask, Kind, Target};

use super::super::plan::Plan as Targets;
use super::super::targets::{self, Peer};
use super::app::{Polled, Snapshot};
use super::tracker::{Tracker, unix_now};
use crate::render::prometheus::Health;

/// This machine's collector, and its last look (the rates are measured between two).
struct Machine {
    local: Local,
    before: Option<Sample>,
    tracker: Tracker,
    last_ok: Option<i64>,
}

/// A server, whether it failed at the last poll (said once on stderr), and when it last
/// answered.
struct Remote {
    tracker: Tracker,
    collectors: Vec<Collector>,
    /// Its kind lists its publishers (`Kind::lists_publishers`).
    publishers: bool,
    down: bool,
    last_ok: Option<i64>,
}

pub(super) struct Poller {
    machine: Option<Machine>,
    remotes: Vec<Remote>,
    peers: Vec<Peer>,
    parallel: usize,
    ask: Ask,
}

impl Poller {
    /// The targets of the plan, each with the sessions the store had open for it.
    pub(super) fn new(
        plan: &Targets,
        names: Vec<String>,
        db: &std::path::Path,
        store: &Store,
    ) -> Result<Poller> {
        let mut poller = Poller {
            machine: None,
            remotes: Vec::new(),
            peers: Vec::new(),
            parallel: plan.parallel,
            ask: Ask::Active(Collector::asked_or_all(&[])),
        };
        for (planned, name) in plan.targets.iter().zip(names) {
            let open = store.open_sessions(&name)?;
            match &planned.target {
                Ok(Target::Local(opts)) => {
                    if poller.machine.is_some() {
                        return Err(Error::Usage(
                            "collect looks at this machine once: name one local context".into(),
                        ));
                    }
                    let mut tracker = Tracker::new(&name, "local", false);
                    tracker.restore(open);
                    let opts = LocalOptions {
                        db: Some(db.to_owned()),
                        ..opts.clone()
                    };
                    poller.machine = Some(Machine {
                        local: Local::new(opts),
                        before: None,
                        tracker,
                        last_ok: None,
                    });
                }
                other => {
                    let (source, collectors, publishers) = match other {
                        Ok(Target::Server(server)) => (
                            server.kind.name(),
                            server.kind.collectors(),
                            server.kind.lists_publishers(),
                        ),
                        _ => ("unknown", Vec::new(), false),
                    };
                    let mut tracker = Tracker::new(&name, source, true);
                    tracker.restore(open);
                    poller.remotes.push(Remote {
                        tracker,
                        collectors,
                        publishers,
                        down: false,
                        last_ok: None,
                    });
                }
            }
        }
        poller.peers = targets::open_remote(plan);
        Ok(poller)
    }

    /// Looks at every target once: what ended and what is open, for the store.
    pub(super) async fn poll(&mut self) -> Result<Poll> {
        let mut poll = Poll::default();
        if let Some(m) = &mut self.machine {
            let (now, procs) = m.local.look()?;
            let sessions = m.local.rows(m.before.as_ref(), &now, &procs);
            m.before = Some(now);
            let at = unix_now();
            m.last_ok = Some(at);
            poll.finished.extend(m.tracker.update(sessions, at));
            poll.open
                .push((m.tracker.target().to_owned(), m.tracker.open(at)));
        }
        if self.peers.is_empty() {
            return Ok(poll);
        }
        let replies = targets::ask_all(&mut self.peers, &self.ask, self.parallel, false).await;
        let at = unix_now();
        for ((remote, peer), reply) in self.remotes.iter_mut().zip(&self.peers).zip(replies) {
            let target = remote.tracker.target().to_owned();
            match reply.map(|a| a.sessions().unwrap_or_default()) {
                Ok(sessions) => {
                    if std::mem::take(&mut remote.down) {
                        diag::warn(format_args!(
                            "{target} answers again: its sessions that are gone are ended now"
                        ));
                    }
                    remote.last_ok = Some(at);
                    poll.finished.extend(remote.tracker.update(sessions, at));
                    poll.open.push((target, remote.tracker.open(at)));
                }
                Err(e) if !remote.down => {
                    remote.down = true;
                    diag::warn(format_args!(
                        "{}; its sessions stay open until it answers again",
                        peer.blame(e)
                    ));
                }
                Err(_) => {}
            }
        }
        Ok(poll)
    }

    /// Every target's live sessions and health, for the listener. This machine is up whenever
    /// there is a snapshot: a look that fails ends `collect`.
    pub(super) fn snapshot(&self) -> Snapshot {
        let mut snap = Snapshot::default();
        let mut add =
            |tracker: &Tracker, collectors: Vec<Collector>, (measured, publishers), health| {
                let from = snap.active.len();
                snap.active.extend(tracker.active());
                snap.targets.push(Polled {
                    name: tracker.target().to_owned(),
                    collectors,
                    measured,
                    publishers,
                    health,
                    sessions: from..snap.active.len(),
                });
            };
        if let Some(m) = &self.machine {
            let health = Health {
                up: m.last_ok.is_some(),
                last_success: m.last_ok,
            };
            let local = Kind::Local;
            add(
                &m.tracker,
                local.collectors(),
                (true, local.lists_publishers()),
                health,
            );
        }
        for r in &self.remotes {
            let health = Health {
                up: !r.down && r.last_ok.is_some(),
                last_success: r.last_ok,
            };
            add(
                &r.tracker,
                r.collectors.clone(),
                (false, r.publishers),
                health,
            );
        }
        snap
    }
}
