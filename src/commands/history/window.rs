//! `summary --since`: the recorded sessions of one window `[from, to)`, per target and
//! collector, whatever the source: finished sessions, unique remotes, viewer-hours, bytes, peak.

use std::collections::{BTreeMap, HashSet};
use std::net::SocketAddr;

use crate::model::{Timestamp, Window};
use crate::source::local::history::Life;

/// What one target's collector gathers over the window.
#[derive(Default)]
struct Tally {
    finished: u64,
    remotes: HashSet<String>,
    seconds: i64,
    rx_bytes: u64,
    tx_bytes: u64,
    /// Openings (+1) and closings (-1) for the peak.
    events: Vec<(i64, i64)>,
}

/// One row per target and collector with a session open at some time in `[from, to)`; `lives`
/// are those sessions (the store's `lives` for the same span). Rows by target, then collector.
pub(super) fn windows(lives: Vec<Life>, (from, to): (i64, i64)) -> Vec<(String, Window)> {
    let mut tallies: BTreeMap<(String, String), Tally> = BTreeMap::new();
    for life in lives {
        let tally = tallies.entry((life.target, life.collector)).or_default();
        let end = life.closed_at.unwrap_or(to);
        tally.seconds += (end.min(to) - life.created_at.max(from)).max(0);
        tally.remotes.insert(host(&life.remote).to_owned());
        tally.events.push((life.created_at, 1));
        if let Some(closed) = life.closed_at {
            tally.events.push((closed, -1));
            if (from..to).contains(&closed) {
                tally.finished += 1;
                tally.rx_bytes = tally.rx_bytes.saturating_add(life.rx_bytes);
                tally.tx_bytes = tally.tx_bytes.saturating_add(life.tx_bytes);
            }
        }
    }
    tallies
        .into_iter()
        .map(|((target, collector), mut t)| {
            let window = Window {
                collector,
                from: Timestamp(from),
                to: Timestamp(to),
                finished: t.finished,
                unique_remotes: u64::try_from(t.remotes.len()).unwrap_or(u64::MAX),
                viewer_hours: t.seconds as f64 / 3600.0,
                rx_bytes: t.rx_bytes,
                tx_bytes: t.tx_bytes,
                peak: peak(&mut t.events, (from, to)),
            };
            (target, window)
        })
        .collect()
}

/// The most sessions open at once in `[from, to)`: the count open at `from`, or any count
/// reached before `to`. A closing sorts before an opening at the same second, as a lifetime is
/// `[created_at, closed_at)`.
fn peak(events: &mut [(i64, i64)], (from, to): (i64, i64)) -> u64 {
    events.sort_unstable();
    let mut next = events.iter().peekable();
    let mut open: i64 = 0;
    while let Some((_, d)) = next.next_if(|(at, _)| *at < from) {
        open += d;
    }
    let mut most = open;
    while let Some((_, d)) = next.next_if(|(at, _)| *at < to) {
        open += d;
        most = most.max(open);
    }
    u64::try_from(most).unwrap_or(0)
}

/// A remote's host: its address without the port where it has one.
fn host(remote: &str) -> &str {
    match remote.parse::<SocketAddr>() {
        Ok(_) => remote.rsplit_once(':').map_or(remote, |(h, _)| {
            h.trim_start_matches('[').trim_end_matches(']')
        }),
        Err(_) => remote,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn life(collector: &str, remote: &str, created: i64, closed: Option<i64>) -> Life {
        Life {
            target: "t".into(),
            collector: collector.into(),
            reference: "live/cam1".into(),
            remote: remote.into(),
            created_at: created,
            closed_at: closed,
            rx_bytes: 10,
            tx_bytes: 1000,
        }
    }

    #[test]
    fn a_window_counts_what_was_open_in_it() {
        let lives = vec![
            // Open before the window, ends in it: half an hour inside.
            life("rtmp", "10.0.0.1:5000", 0, Some(5400)),
            // Same host, another port: one remote.
            life("rtmp", "10.0.0.1:5001", 3600, Some(7200)),
            // Still open at the end.
            life("rtmp", "[2001:db8::1]:6000", 4000, None),
            // Ends after the window: open in it, not finished in it.
            life("hls", "10.0.0.9", 6000, Some(9000)),
        ];
        let rows = windows(lives, (3600, 7200));
        let got: Vec<_> = rows
            .iter()
            .map(|(t, w)| {
                (
                    t.as_str(),
                    w.collector.as_str(),
                    w.finished,
                    w.unique_remotes,
                    w.viewer_hours,
                    w.tx_bytes,
                    w.peak,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("t", "hls", 0, 1, 1200.0 / 3600.0, 0, 1),
                (
                    "t",
                    "rtmp",
                    1,
                    2,
                    (1800.0 + 3600.0 + 3200.0) / 3600.0,
                    1000,
                    3
                ),
            ]
        );
    }

    #[test]
    fn a_session_that_closed_as_the_window_opened_is_not_in_its_peak() {
        let mut events = vec![(0, 1), (100, -1), (100, 1), (150, 1), (160, -1)];
        assert_eq!(peak(&mut events, (100, 200)), 2);
        let mut events = vec![(0, 1), (10, 1), (20, -1), (30, -1)];
        assert_eq!(peak(&mut events, (25, 40)), 1);
        assert_eq!(peak(&mut events, (5, 40)), 2);
        assert_eq!(peak(&mut events, (40, 50)), 0);
    }

    #[test]
    fn a_host_is_the_address_without_its_port() {
        assert_eq!(host("10.0.0.1:5000"), "10.0.0.1");
        assert_eq!(host("[2001:db8::1]:6000"), "2001:db8::1");
        assert_eq!(host("10.0.0.9"), "10.0.0.9");
        assert_eq!(host("cam-host"), "cam-host");
    }
}
