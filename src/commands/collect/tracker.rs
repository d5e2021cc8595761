//! Which sessions `collect` has seen, since when, and which ended between two looks: an ended
//! session becomes a history record.

use std::collections::HashMap;
use std::time::SystemTime;

use serde_json::Value;

use crate::model::{Collector, Session, Timestamp};
use crate::query::id_order;
use crate::source::local::history::{Finished, Open};
use crate::source::local::unix_seconds;

pub(super) fn unix_now() -> i64 {
    unix_seconds(SystemTime::now())
}

/// One target's sessions seen so far, by identity, with when each was first seen.
#[derive(Default)]
pub(super) struct Tracker {
    live: HashMap<(Collector, String, String), Seen>,
    /// The target's name in the store, and its kind of source.
    target: String,
    source: String,
    /// A server's own `created_at` is kept; the local collector's sessions are dated when first
    /// seen.
    server_dates: bool,
}

/// A live session as last seen, and the bytes of the sockets it had before its current one.
struct Seen {
    session: Session,
    first: i64,
    /// The counters of the socket it is tied to now, as the kernel gave them.
    own: Bytes,
    /// The last counters of the sockets it was tied to before (an ffmpeg output that
    /// reconnected, or whose socket closed a poll before the process ended).
    carried: Bytes,
    /// The highest rates seen.
    peak: (Option<f64>, Option<f64>),
}

fn higher(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

#[derive(Clone, Copy, Default)]
struct Bytes {
    rx: u64,
    tx: u64,
}

impl Bytes {
    fn of(s: &Session) -> Bytes {
        Bytes {
            rx: s.rx_bytes.unwrap_or(0),
            tx: s.tx_bytes.unwrap_or(0),
        }
    }

    fn plus(self, other: Bytes) -> Bytes {
        Bytes {
            rx: self.rx.saturating_add(other.rx),
            tx: self.tx.saturating_add(other.tx),
        }
    }
}

/// The socket an ffmpeg input or output is tied to (`extra.socket`); a socket's own session
/// has none, as its id is its socket.
fn socket(s: &Session) -> Option<u64> {
    s.extra.get("socket").and_then(Value::as_u64)
}

/// A session's identity across polls: the socket inode (or ffmpeg `PID:inN`) and what it
/// accesses. Not the remote: an ffmpeg output's remote changes when its socket reconnects.
fn key(s: &Session) -> (Collector, String, String) {
    (s.collector, s.id.to_string(), s.local.to_string())
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
    pub(super) fn new(target: &str, source: &str, server_dates: bool) -> Tracker {
        Tracker {
            live: HashMap::new(),
            target: target.to_owned(),
            source: source.to_owned(),
            server_dates,
        }
    }

    /// Takes back the sessions the store had open for this target: the next poll ends those
    /// it no longer lists, with their last figures.
    pub(super) fn restore(&mut self, open: Vec<Open>) {
        for o in open {
            let session = Session {
                collector: o.collector,
                id: o.id.into(),
                reference: o.reference.into(),
                local: o.local.into(),
                remote: o.remote.into(),
                role: None,
                created_at: Some(Timestamp(o.created_at)),
                age_s: None,
                rx_bytes: o.rx_bytes,
                tx_bytes: o.tx_bytes,
                rx_bit_s: None,
                tx_bit_s: None,
                extra: o.extra,
            };
            let carried = Bytes {
                rx: o.carried.0,
                tx: o.carried.1,
            };
            let shown = Bytes::of(&session);
            let own = Bytes {
                rx: shown.rx.saturating_sub(carried.rx),
                tx: shown.tx.saturating_sub(carried.tx),
            };
            self.live.insert(
                key(&session),
                Seen {
                    session,
                    first: o.created_at,
                    own,
                    carried,
                    peak: (o.rx_peak_bit_s, o.tx_peak_bit_s),
                },
            );
        }
    }

    /// The open sessions as the store keeps them.
    pub(super) fn open(&self, now: i64) -> Vec<Open> {
        self.live
            .values()
            .map(|seen| Open {
                target: self.target.clone(),
                source: self.source.clone(),
                collector: seen.session.collector,
                id: seen.session.id.to_string(),
                reference: seen.session.reference.to_string(),
                local: seen.session.local.to_string(),
                remote: seen.session.remote.to_string(),
                created_at: seen.first,
                last_seen: now,
                rx_bytes: seen.session.rx_bytes,
                tx_bytes: seen.session.tx_bytes,
                carried: (seen.carried.rx, seen.carried.tx),
                rx_peak_bit_s: seen.peak.0,
                tx_peak_bit_s: seen.peak.1,
                extra: seen.session.extra.clone(),
            })
            .collect()
    }

    pub(super) fn target(&self) -> &str {
        &self.target
    }

    /// Takes the sessions of one poll: dates the new ones, and returns the ones that ended.
    pub(super) fn update(&mut self, sessions: Vec<Session>, now: i64) -> Vec<Finished> {
        let mut next = HashMap::with_capacity(sessions.len());
        for mut s in sessions {
            let k = key(&s);
            let own = Bytes::of(&s);
            let dated = match s.created_at {
                Some(t) if self.server_dates => t.0,
                _ => now,
            };
            let (first, carried, peak) = match self.live.remove(&k) {
                // Tied to another socket now, or to none: the old one's bytes stay counted.
                Some(seen)
                    if socket(&seen.session).is_some() && socket(&seen.session) != socket(&s) =>
                {
                    (seen.first, seen.carried.plus(seen.own), seen.peak)
                }
                Some(seen) => (seen.first, seen.carried, seen.peak),
                None => (dated, Bytes::default(), (None, None)),
            };
            let peak = (higher(peak.0, s.rx_bit_s), higher(peak.1, s.tx_bit_s));
            let shown = carried.plus(own);
            s.rx_bytes = s.rx_bytes.map(|_| shown.rx);
            s.tx_bytes = s.tx_bytes.map(|_| shown.tx);
            s.created_at = Some(Timestamp(first));
            s.age_s = u64::try_from(now - first).ok();
            next.insert(
                k,
                Seen {
                    session: s,
                    first,
                    own,
                    carried,
                    peak,
                },
            );
        }
        let ended = std::mem::replace(&mut self.live, next);
        let mut finished: Vec<Finished> = ended
            .into_values()
            .filter(|seen| direction(&seen.session) != Some("listen"))
            .map(|seen| self.finished(seen, now))
            .collect();
        finished.sort_by(|a, b| {
            a.created_at
                .cmp(&b.created_at)
                .then_with(|| id_order(&a.id, &b.id))
        });
        finished
    }

    /// The live sessions, oldest first.
    pub(super) fn active(&self) -> Vec<Session> {
        let mut v: Vec<Session> = self
            .live
            .values()
            .map(|seen| seen.session.clone())
            .collect();
        v.sort_by(|a, b| {
            a.created_at
                .cmp(&b.created_at)
                .then_with(|| id_order(&a.id, &b.id))
        });
        v
    }
}

impl Tracker {
    /// The history record of an ended session. The client's ephemeral port says nothing once
    /// the connection is gone, so it is dropped: totals then add up per client host (In) or per
    /// local host (Out), as the service port stays on the other end.
    fn finished(&self, seen: Seen, now: i64) -> Finished {
        let s = seen.session;
        let (local, remote) = match direction(&s) {
            Some("in") => (s.local, host_of(&s.remote).into()),
            Some("out") => (host_of(&s.local).into(), s.remote),
            _ => (s.local, s.remote),
        };
        Finished {
            target: self.target.clone(),
            source: self.source.clone(),
            collector: s.collector,
            id: s.id,
            reference: s.reference,
            local,
            remote,
            created_at: Timestamp(seen.first),
            closed_at: Timestamp(now),
            // A server that counts no bytes per session (nginx-rtmp, Icecast) records 0.
            rx_bytes: s.rx_bytes.unwrap_or(0),
            tx_bytes: s.tx_bytes.unwrap_or(0),
            rx_peak_bit_s: seen.peak.0,
            tx_peak_bit_s: seen.peak.1,
            role: s.role.map(|r| r.as_str().to_owned()),
            extra: s.extra,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Text;

    fn s(id: &str, remote: &str, rx: u64) -> Session {
        Session {
            collector: Collector::Rtmp,
            id: id.into(),
            reference: Text::default(),
            local: "127.0.0.1:1935".into(),
            remote: remote.into(),
            role: None,
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
        let mut t = Tracker::new("local", "local", false);
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

    /// A server's own start time is kept; the peaks are the highest rates seen; a restarted
    /// tracker ends what the store had open with its last figures, once.
    #[test]
    fn a_restart_ends_what_ended_meanwhile_once() {
        let mut t = Tracker::new("studio", "core", true);
        let mut a = s("a", "10.0.0.1:5000", 10);
        a.created_at = Some(Timestamp(50));
        a.rx_bit_s = Some(800.0);
        t.update(vec![a.clone(), s("b", "10.0.0.2:5000", 1)], 100);
        a.rx_bytes = Some(20);
        a.rx_bit_s = Some(100.0);
        t.update(vec![a, s("b", "10.0.0.2:5000", 2)], 102);
        let stored = t.open(102);
        assert_eq!(stored.len(), 2);

        let mut again = Tracker::new("studio", "core", true);
        again.restore(stored);
        let ended = again.update(vec![s("b", "10.0.0.2:5000", 3)], 110);
        assert_eq!(ended.len(), 1);
        let f = &ended[0];
        assert_eq!(
            (f.id.as_str(), f.target.as_str(), f.source.as_str()),
            ("a", "studio", "core")
        );
        assert_eq!((f.created_at, f.closed_at), (Timestamp(50), Timestamp(110)));
        assert_eq!((f.rx_bytes, f.rx_peak_bit_s), (20, Some(800.0)));
        assert!(
            again
                .update(vec![s("b", "10.0.0.2:5000", 3)], 112)
                .is_empty()
        );
        assert_eq!(again.active()[0].created_at, Some(Timestamp(100)));
    }

    fn ffmpeg_out(socket: Option<u64>, tx: u64) -> Session {
        let mut extra = serde_json::json!({"role": "out", "kind": "network", "pid": 7});
        if let Some(inode) = socket {
            extra["socket"] = inode.into();
        }
        Session {
            collector: Collector::Ffmpeg,
            id: "7:out0".into(),
            local: "rtmp://ingest/live/a".into(),
            remote: "10.0.0.9:1935".into(),
            role: None,
            tx_bytes: Some(tx),
            extra,
            ..s("7:out0", "", 0)
        }
    }

    /// The ffmpeg job's socket closes a poll before the process ends: its row keeps the bytes
    /// it had, and a reconnect adds the new socket's bytes to the old one's.
    #[test]
    fn an_ffmpeg_row_keeps_the_bytes_of_its_closed_sockets() {
        let mut t = Tracker::new("local", "local", false);
        t.update(vec![ffmpeg_out(Some(100), 1_000)], 10);
        t.update(vec![ffmpeg_out(Some(100), 39_000_000)], 12);
        t.update(vec![ffmpeg_out(None, 0)], 14);
        assert_eq!(t.active()[0].tx_bytes, Some(39_000_000));
        let ended = t.update(vec![], 16);
        assert_eq!(ended.len(), 1);
        assert_eq!(
            (ended[0].id.as_str(), ended[0].tx_bytes),
            ("7:out0", 39_000_000)
        );

        t.update(vec![ffmpeg_out(Some(200), 5)], 20);
        t.update(vec![ffmpeg_out(Some(200), 50)], 22);
        t.update(vec![ffmpeg_out(Some(201), 7)], 24);
        assert_eq!(t.active()[0].tx_bytes, Some(57));
        t.update(vec![ffmpeg_out(Some(201), 9)], 26);
        t.update(vec![ffmpeg_out(None, 0)], 28);
        let ended = t.update(vec![], 30);
        assert_eq!(ended[0].tx_bytes, 59);
        assert_eq!(ended[0].created_at, Timestamp(20));
    }
}
