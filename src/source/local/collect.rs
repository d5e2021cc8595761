//! `sessions collect`: polls the local collector, notices sessions that ended, stores them (one
//! transaction per poll), prints each stored one as a JSON line, and serves the lot if asked.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use serde_json::Value;
use tokio::net::TcpListener;
use tokio::signal::unix::{SignalKind, signal};

use super::classify::PortMap;
use super::history::{Finished, Store};
use super::serve::{self, App};
use super::{Local, LocalOptions, default_db, unix_seconds};
use crate::cli::CollectArgs;
use crate::config::{self, Endpoint};
use crate::diag;
use crate::error::{Error, Result};
use crate::model::{Collector, Session, Timestamp};

fn unix_now() -> i64 {
    unix_seconds(SystemTime::now())
}

/// Sessions seen so far, by identity, with when each was first seen.
#[derive(Default)]
pub struct Tracker {
    live: HashMap<(Collector, String, String), (Session, i64)>,
}

/// A session's identity across polls: the socket inode (or ffmpeg `PID:inN`) and what it
/// accesses. Not the remote: an ffmpeg output's remote changes when its socket reconnects.
fn key(s: &Session) -> (Collector, String, String) {
    (s.collector, s.id.clone(), s.local.clone())
}

fn direction(s: &Session) -> Option<&str> {
    s.extra.get("direction").and_then(Value::as_str)
}

/// The address without its port: `10.0.0.9:50432` → `10.0.0.9`, `[::1]:80` → `::1`.
fn host_of(addr: &str) -> String {
    match addr.parse::<std::net::SocketAddr>() {
        Ok(a) => a.ip().to_string(),
        Err(_) => addr.to_owned(),
    }
}

impl Tracker {
    /// Takes the sessions of one poll: dates the new ones, and returns the ones that ended.
    pub fn update(&mut self, sessions: Vec<Session>, now: i64) -> Vec<Finished> {
        let mut next = HashMap::with_capacity(sessions.len());
        for mut s in sessions {
            let k = key(&s);
            let first = self.live.remove(&k).map_or(now, |(_, first)| first);
            s.created_at = Some(Timestamp(first));
            s.age_s = u64::try_from(now - first).ok();
            next.insert(k, (s, first));
        }
        let ended = std::mem::replace(&mut self.live, next);
        let mut finished: Vec<Finished> = ended
            .into_values()
            .filter(|(s, _)| direction(s) != Some("listen"))
            .map(|(s, first)| finished(s, first, now))
            .collect();
        finished.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        finished
    }

    /// The live sessions, oldest first.
    pub fn active(&self) -> Vec<Session> {
        let mut v: Vec<Session> = self.live.values().map(|(s, _)| s.clone()).collect();
        v.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        v
    }
}

/// The history record of an ended session. The client's ephemeral port says nothing once the
/// connection is gone, so it is dropped: totals then add up per client host (In) or per local
/// host (Out), as the service port stays on the other end.
fn finished(s: Session, first: i64, now: i64) -> Finished {
    let (local, remote) = match direction(&s) {
        Some("in") => (s.local.clone(), host_of(&s.remote)),
        Some("out") => (host_of(&s.local), s.remote.clone()),
        _ => (s.local.clone(), s.remote.clone()),
    };
    Finished {
        collector: s.collector,
        id: s.id,
        reference: s.reference,
        local,
        remote,
        created_at: Timestamp(first),
        closed_at: Timestamp(now),
        // The local collector's sessions always carry bytes.
        rx_bytes: s.rx_bytes.unwrap_or(0),
        tx_bytes: s.tx_bytes.unwrap_or(0),
        extra: s.extra,
    }
}

/// Runs until Ctrl-C or SIGTERM; everything recorded is committed by then.
pub async fn run(endpoint: &Endpoint, port_map: PortMap, args: CollectArgs) -> Result<()> {
    let db = match args.db {
        Some(db) => db,
        None => default_db(&config::process_env_var)?,
    };
    let token = endpoint.credentials.token.clone();
    if let Some(addr) = args.listen
        && !addr.ip().is_loopback()
        && token.is_none()
    {
        return Err(Error::Usage(format!(
            "--listen {addr} is reachable from other machines: set a token with --token or SESSIONS_TOKEN (clients send Authorization: Bearer TOKEN), or listen on 127.0.0.1"
        )));
    }
    if args.interval.is_zero() {
        return Err(Error::Usage("--interval must be longer than 0s".into()));
    }
    let mut store = Store::open(&db)?;
    let mut local = Local::new(LocalOptions {
        proc_root: args.local.proc_root.clone(),
        port_map,
        sample: args.interval,
        db: Some(db.clone()),
        day: None,
    });
    let mut interrupt = signal(SignalKind::interrupt())
        .map_err(|e| Error::Internal(format!("cannot watch for Ctrl-C: {e}")))?;
    let mut terminate = signal(SignalKind::terminate())
        .map_err(|e| Error::Internal(format!("cannot watch for SIGTERM: {e}")))?;
    let app = Arc::new(App {
        active: Mutex::new(Vec::new()),
        db: db.clone(),
        token,
        started: SystemTime::now(),
    });
    let server = match args.listen {
        Some(addr) => {
            let listener = TcpListener::bind(addr)
                .await
                .map_err(|e| Error::Usage(format!("cannot listen on {addr}: {e}")))?;
            diag::trace(format_args!(
                "serving on http://{}",
                listener.local_addr().map_or(addr, |a| a)
            ));
            Some(tokio::spawn(serve::serve(listener, Arc::clone(&app))))
        }
        None => None,
    };
    diag::trace(format_args!(
        "recording finished sessions in {}",
        db.display()
    ));
    let mut tracker = Tracker::default();
    let (mut before, procs) = local.look()?;
    tracker.update(local.sessions(None, &before, &procs), unix_now());
    publish(&app, &tracker);
    let mut ticker = tokio::time::interval(args.interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticker.tick().await;
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            _ = interrupt.recv() => break,
            _ = terminate.recv() => break,
        }
        let (now, procs) = local.look()?;
        let ended = tracker.update(local.sessions(Some(&before), &now, &procs), unix_now());
        before = now;
        publish(&app, &tracker);
        if ended.is_empty() {
            continue;
        }
        store
            .record(&ended)
            .map_err(|e| Error::Internal(format!("cannot record in {}: {e}", db.display())))?;
        print_finished(&ended)?;
    }
    if let Some(server) = server {
        server.abort();
    }
    diag::trace(format_args!("stopped; the history is in {}", db.display()));
    Ok(())
}

fn publish(app: &App, tracker: &Tracker) {
    let active = tracker.active();
    match app.active.lock() {
        Ok(mut slot) => *slot = active,
        Err(poisoned) => *poisoned.into_inner() = active,
    }
}

/// One JSON line per stored session: printed only after the commit, so a line on stdout is a
/// promise that the session is in the store.
fn print_finished(ended: &[Finished]) -> Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for f in ended {
        let line = serde_json::to_string(f)
            .map_err(|e| Error::Internal(format!("cannot encode a session: {e}")))?;
        writeln!(out, "{line}").map_err(Error::Output)?;
    }
    out.flush().map_err(Error::Output)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(id: &str, remote: &str, rx: u64) -> Session {
        Session {
            collector: Collector::Rtmp,
            id: id.into(),
            reference: String::new(),
            local: "127.0.0.1:1935".into(),
            remote: remote.into(),
            created_at: None,
            age_s: None,
            rx_bytes: Some(rx),
            tx_bytes: Some(0),
            rx_bit_s: Some(0.0),
            tx_bit_s: Some(0.0),
            extra: serde_json::json!({"direction": "in"}),
        }
    }

    #[test]
    fn sessions_end_when_they_disappear() {
        let mut t = Tracker::default();
        assert!(t.update(vec![s("1", "10.0.0.1:5000", 1)], 100).is_empty());
        assert!(
            t.update(
                vec![s("1", "10.0.0.1:5000", 50), s("2", "[::1]:6000", 0)],
                102
            )
            .is_empty()
        );
        assert_eq!(t.active()[0].created_at, Some(Timestamp(100)));
        assert_eq!(t.active()[0].age_s, Some(2));
        let ended = t.update(vec![s("2", "[::1]:6000", 9)], 104);
        assert_eq!(ended.len(), 1);
        assert_eq!(
            (ended[0].rx_bytes, ended[0].remote.as_str()),
            (50, "10.0.0.1")
        );
        assert_eq!(
            (ended[0].created_at, ended[0].closed_at),
            (Timestamp(100), Timestamp(104))
        );
        let ended = t.update(vec![], 106);
        assert_eq!(ended[0].remote, "::1");
    }
}
