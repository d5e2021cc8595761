//! `history --every`: sessions over time. Each interval `[from, to)` of each target (and
//! reference) gets the most sessions open at once, from the recorded lifetimes (the still open
//! ones included), the sessions that started and ended in it, and the bytes of those that ended.

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::model::{Interval, Timestamp};
use crate::source::local::history::Life;

/// More intervals than this is a mistake of `--every` or `--since`.
const MOST: i64 = 1_000_000;

/// Width of the bar of the largest peak.
const BAR: u64 = 20;

/// A target (and reference): its lifetimes.
type Key = (String, Option<String>);

/// The intervals of `every` seconds from `since` (else the first start, down to a multiple of
/// `every`) to `until` (else `now`), per target and, `by_reference`, reference: in time order,
/// then by key.
pub(super) fn intervals(
    lives: Vec<Life>,
    every: i64,
    (since, until, now): (Option<i64>, Option<i64>, i64),
    by_reference: bool,
) -> Result<Vec<(String, Interval)>> {
    let first = since.or_else(|| lives.iter().map(|l| l.created_at).min());
    let Some(first) = first else {
        return Ok(Vec::new());
    };
    let start = first - first.rem_euclid(every);
    let end = until.unwrap_or(now).max(start + 1);
    let count = (end - start + every - 1) / every;
    if count > MOST {
        return Err(Error::Usage(format!(
            "--every makes {count} intervals here, more than {MOST}: choose a longer --every or a later --since"
        )));
    }
    let mut groups: BTreeMap<Key, Vec<Life>> = BTreeMap::new();
    for life in lives {
        let reference = by_reference.then(|| life.reference.clone());
        groups
            .entry((life.target.clone(), reference))
            .or_default()
            .push(life);
    }
    let n = usize::try_from(count).unwrap_or(0);
    let mut rows: Vec<(usize, String, Interval)> = Vec::new();
    for ((target, reference), lives) in groups {
        let buckets = Buckets {
            start,
            every,
            end,
            n,
        };
        for (at, interval) in buckets.fill(&lives, reference).into_iter().enumerate() {
            rows.push((at, target.clone(), interval));
        }
    }
    rows.sort_by_key(|(at, _, _)| *at);
    draw_bars(&mut rows);
    Ok(rows.into_iter().map(|(_, t, i)| (t, i)).collect())
}

/// The intervals of one key.
struct Buckets {
    start: i64,
    every: i64,
    end: i64,
    n: usize,
}

impl Buckets {
    /// The interval a time falls in, if any.
    fn of(&self, t: i64) -> Option<usize> {
        if t < self.start || t >= self.end {
            return None;
        }
        usize::try_from((t - self.start) / self.every)
            .ok()
            .filter(|&b| b < self.n)
    }

    fn fill(&self, lives: &[Life], reference: Option<String>) -> Vec<Interval> {
        let mut out: Vec<Interval> = (0..self.n)
            .map(|b| {
                let from = self.start + self.every * i64::try_from(b).unwrap_or(0);
                Interval {
                    from: Timestamp(from),
                    to: Timestamp(from + self.every),
                    reference: reference.clone(),
                    peak: 0,
                    started: 0,
                    ended: 0,
                    rx_bytes: 0,
                    tx_bytes: 0,
                    bar: String::new(),
                }
            })
            .collect();
        // Opening and closing as events; a close sorts before an open at the same second, as a
        // lifetime is `[created_at, closed_at)`.
        let mut events: Vec<(i64, i64)> = Vec::with_capacity(lives.len() * 2);
        for life in lives {
            events.push((life.created_at, 1));
            if let Some(b) = self.of(life.created_at) {
                out[b].started += 1;
            }
            if let Some(closed) = life.closed_at {
                events.push((closed, -1));
                if let Some(b) = self.of(closed) {
                    out[b].ended += 1;
                    out[b].rx_bytes = out[b].rx_bytes.saturating_add(life.rx_bytes);
                    out[b].tx_bytes = out[b].tx_bytes.saturating_add(life.tx_bytes);
                }
            }
        }
        events.sort_unstable();
        self.peaks(&events, &mut out);
        out
    }

    /// Sweeps the events: each interval's peak is the count it starts with or any count
    /// reached inside it.
    fn peaks(&self, events: &[(i64, i64)], out: &mut [Interval]) {
        let mut open: i64 = 0;
        let mut next = events.iter().peekable();
        while let Some((_, d)) = next.next_if(|(t, _)| *t < self.start) {
            open += d;
        }
        for interval in out.iter_mut() {
            let mut peak = open;
            while let Some((_, d)) = next.next_if(|(t, _)| *t < interval.to.0) {
                open += d;
                peak = peak.max(open);
            }
            interval.peak = u64::try_from(peak).unwrap_or(0);
        }
    }
}

/// A bar per row, scaled to the largest peak.
fn draw_bars(rows: &mut [(usize, String, Interval)]) {
    let most = rows
        .iter()
        .map(|(_, _, i)| i.peak)
        .max()
        .unwrap_or(0)
        .max(1);
    for (_, _, i) in rows.iter_mut() {
        let len = (i.peak * BAR).div_ceil(most);
        i.bar = "█".repeat(usize::try_from(len).unwrap_or(0));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn life(created: i64, closed: Option<i64>) -> Life {
        Life {
            target: "t".into(),
            collector: "rtmp".into(),
            reference: "r".into(),
            remote: "10.0.0.1:1935".into(),
            created_at: created,
            closed_at: closed,
            rx_bytes: 10,
            tx_bytes: 1,
        }
    }

    #[test]
    fn peak_counts_sessions_open_at_once() {
        let lives = vec![
            life(0, Some(15)),
            life(5, Some(12)),
            // Starts as the first ends: never open together.
            life(15, Some(25)),
            life(22, None),
        ];
        let rows = intervals(lives, 10, (Some(0), Some(30), 100), false).unwrap();
        let got: Vec<(i64, u64, u64, u64, u64)> = rows
            .iter()
            .map(|(_, i)| (i.from.0, i.peak, i.started, i.ended, i.rx_bytes))
            .collect();
        assert_eq!(got, [(0, 2, 2, 0, 0), (10, 2, 1, 2, 20), (20, 2, 1, 1, 10)]);
        assert_eq!(rows[0].1.bar, "█".repeat(20));
    }

    #[test]
    fn too_many_intervals_is_a_usage_error() {
        let e = intervals(
            vec![life(0, None)],
            1,
            (Some(0), Some(10_000_000), 0),
            false,
        );
        assert_eq!(e.unwrap_err().exit_code(), 2);
    }
}
