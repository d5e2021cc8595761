//! What a source works out itself where its server does not say it: bit rates from the byte
//! counters of two looks, and `summary` counted from the sessions of a server that keeps no
//! history of its own.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use super::Kind;
use crate::model::{
    Collector, CollectorSummary, History, Limit, MEBI, Rates, Session, Text, Totals, publishers,
    round3, sum_known,
};

/// The byte counters of the look rates are measured from, by collector and id, with the rates
/// that look's own measure gave.
#[derive(Default)]
pub(super) struct LastCounters {
    last: HashMap<(Collector, Text), Look>,
    at: Option<Instant>,
    /// How often the server moves its counters: a shorter window measures its steps, not the
    /// traffic (SRS's move every 3 s, so 1 s looks read 0, then three times the rate).
    period: Duration,
}

/// One session's counters at a look, and the rates measured up to it.
#[derive(Clone, Copy)]
struct Look {
    bytes: (Option<u64>, Option<u64>),
    rates: (Option<f64>, Option<f64>),
}

impl LastCounters {
    /// For a server that moves its counters every `period`.
    pub(super) fn every(period: Duration) -> LastCounters {
        LastCounters {
            period,
            ..LastCounters::default()
        }
    }

    /// Fills every rate the server did not give from how far the session's counter moved since
    /// the look it is measured from (`watch`, or a summary after an `active` of the same run).
    /// That look is kept until `period` has passed: meanwhile a session shows the rate measured
    /// last. A first look, or a counter that went back, leaves it unknown.
    pub(super) fn fill<'a>(
        &mut self,
        sessions: impl IntoIterator<Item = &'a mut Session>,
        now: Instant,
    ) {
        let elapsed = self.at.map(|at| now.saturating_duration_since(at));
        if elapsed.is_some_and(|e| e.is_zero() || e < self.period) {
            for s in sessions {
                if let Some(look) = self.last.get(&(s.collector, s.id.clone())) {
                    s.rx_bit_s = s.rx_bit_s.or(look.rates.0);
                    s.tx_bit_s = s.tx_bit_s.or(look.rates.1);
                }
            }
            return;
        }
        let secs = elapsed.map(|e| e.as_secs_f64());
        let mut last = HashMap::with_capacity(self.last.len());
        for s in sessions {
            let key = (s.collector, s.id.clone());
            let mut rates = (None, None);
            if let (Some(secs), Some(before)) = (secs, self.last.get(&key)) {
                rates = (
                    rate(before.bytes.0, s.rx_bytes, secs),
                    rate(before.bytes.1, s.tx_bytes, secs),
                );
                s.rx_bit_s = s.rx_bit_s.or(rates.0);
                s.tx_bit_s = s.tx_bit_s.or(rates.1);
            }
            let bytes = (s.rx_bytes, s.tx_bytes);
            last.insert(key, Look { bytes, rates });
        }
        self.last = last;
        self.at = Some(now);
    }
}

fn rate(before: Option<u64>, now: Option<u64>, secs: f64) -> Option<f64> {
    let moved = now?.checked_sub(before?)?;
    Some(round3(moved as f64 * 8.0 / secs))
}

/// One summary per collector, in collector order: the active sessions and their summed rates
/// (unknown when one session's is). No limits and no finished sessions (`finished` null): these
/// servers report neither; what `summary --by` breaks down is the live sessions, per remote
/// host, local end and stream. Publishers are counted where the source lists them.
pub(super) fn summaries(
    kind: Kind,
    collectors: &[Collector],
    sessions: &[Session],
) -> Vec<CollectorSummary> {
    let mut collectors = collectors.to_vec();
    collectors.sort_unstable();
    collectors.dedup();
    collectors
        .iter()
        .map(|&collector| {
            let mine = || sessions.iter().filter(move |s| s.collector == collector);
            let rx_bit_s = sum_known(mine().map(|s| s.rx_bit_s)).map(round3);
            let tx_bit_s = sum_known(mine().map(|s| s.tx_bit_s)).map(round3);
            CollectorSummary {
                collector,
                active_sessions: mine().count() as u64,
                rx_bit_s,
                tx_bit_s,
                rx_mibit_s: rx_bit_s.map(|r| round3(r / MEBI)),
                tx_mibit_s: tx_bit_s.map(|r| round3(r / MEBI)),
                limit_sessions: Limit::Unknown,
                limit_rx_mibit_s: Limit::Unknown,
                limit_tx_mibit_s: Limit::Unknown,
                finished: None,
                publishers: kind
                    .lists_publishers()
                    .then(|| publishers(sessions, collector)),
                history: live_history(mine()),
            }
        })
        .collect()
}

/// Each collector's history becomes its open sessions' groups: the server's summary said what
/// it keeps of finished ones, and `--by` asked for what is open now.
pub(super) fn break_down_active(summaries: &mut [CollectorSummary], sessions: &[Session]) {
    for summary in summaries {
        let collector = summary.collector;
        summary.history = live_history(sessions.iter().filter(|s| s.collector == collector));
    }
}

/// The open sessions of one collector grouped three ways, with what each group moves now: the
/// breakdown of `summary --by` for every source.
pub(super) fn live_history<'s>(sessions: impl Iterator<Item = &'s Session> + Clone) -> History {
    History {
        by_remote: grouped(sessions.clone(), |s| host_of(&s.remote)),
        by_local: grouped(sessions.clone(), |s| &s.local),
        by_reference: grouped(sessions, |s| &s.reference),
    }
}

/// The sessions counted per key, with the bytes they moved (unknown when one session's are).
fn grouped<'s>(
    sessions: impl Iterator<Item = &'s Session>,
    key: impl Fn(&'s Session) -> &'s str,
) -> Vec<(String, Totals)> {
    let mut groups: HashMap<&str, Vec<&Session>> = HashMap::new();
    for s in sessions {
        groups.entry(key(s)).or_default().push(s);
    }
    groups
        .into_iter()
        .map(|(key, list)| {
            let rx_bytes: Option<u64> = list.iter().map(|s| s.rx_bytes).sum();
            let tx_bytes: Option<u64> = list.iter().map(|s| s.tx_bytes).sum();
            let totals = Totals {
                sessions: list.len() as u64,
                rx_mib: rx_bytes.map_or(0, |b| b >> 20),
                tx_mib: tx_bytes.map_or(0, |b| b >> 20),
                rx_bytes,
                tx_bytes,
                rates: Some(Box::new(Rates {
                    rx_bit_s: sum_known(list.iter().map(|s| s.rx_bit_s)),
                    tx_bit_s: sum_known(list.iter().map(|s| s.tx_bit_s)),
                })),
            };
            (key.to_string(), totals)
        })
        .collect()
}

/// The host of `1.2.3.4:5678` or `[::1]:5678` (a viewer's port changes each connection).
fn host_of(remote: &str) -> &str {
    match remote.parse::<std::net::SocketAddr>() {
        Ok(_) => remote
            .rsplit_once(':')
            .map_or(remote, |(host, _)| host.trim_matches(['[', ']'])),
        Err(_) => remote,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn session(id: &str, rx: Option<u64>, rate: Option<f64>) -> Session {
        Session {
            collector: Collector::Rtmp,
            id: id.into(),
            reference: "live/cam1".into(),
            local: Text::default(),
            remote: "127.0.0.1".into(),
            role: None,
            created_at: None,
            age_s: None,
            rx_bytes: rx,
            tx_bytes: None,
            rx_bit_s: rate,
            tx_bit_s: None,
            extra: serde_json::Value::Null,
        }
    }

    #[test]
    fn rates_come_from_the_previous_look_where_the_server_gives_none() {
        let mut looks = LastCounters::default();
        let t0 = Instant::now();
        let mut first = vec![session("a", Some(1000), None), session("b", Some(10), None)];
        looks.fill(&mut first, t0);
        assert_eq!(first[0].rx_bit_s, None, "a first look knows no rate");
        let mut second = vec![
            session("a", Some(3000), None),
            session("b", Some(5), None),
            session("c", Some(99), None),
            session("d", Some(1), Some(42.0)),
        ];
        looks.fill(&mut second, t0 + Duration::from_secs(2));
        assert_eq!(second[0].rx_bit_s, Some(8000.0));
        assert_eq!(second[1].rx_bit_s, None, "a counter that went back");
        assert_eq!(second[2].rx_bit_s, None, "new since the last look");
        assert_eq!(
            second[3].rx_bit_s,
            Some(42.0),
            "the server's own rate stays"
        );
        assert_eq!(second[0].tx_bit_s, None, "no counter, no rate");
    }

    #[test]
    fn a_window_shorter_than_the_servers_period_measures_nothing_new() {
        // SRS moves its counters every 3 s: looks 1 s apart see 0 then a jump.
        let mut looks = LastCounters::every(Duration::from_secs(3));
        let t0 = Instant::now();
        let at = |s: u64| t0 + Duration::from_secs(s);
        let look = |looks: &mut LastCounters, t: u64, rx: u64| {
            let mut list = vec![session("a", Some(rx), None)];
            looks.fill(&mut list, at(t));
            list[0].rx_bit_s
        };
        assert_eq!(look(&mut looks, 0, 0), None, "a first look");
        assert_eq!(
            look(&mut looks, 1, 0),
            None,
            "1 s: too short, nothing measured yet"
        );
        assert_eq!(look(&mut looks, 2, 0), None);
        assert_eq!(
            look(&mut looks, 3, 180_000),
            Some(480_000.0),
            "3 s since the first"
        );
        assert_eq!(
            look(&mut looks, 4, 180_000),
            Some(480_000.0),
            "between two measures, the last one stays"
        );
        assert_eq!(look(&mut looks, 5, 180_000), Some(480_000.0));
        assert_eq!(look(&mut looks, 6, 360_000), Some(480_000.0));
        // A session new since the look measured from waits for the next one.
        let mut list = vec![session("b", Some(5), None)];
        looks.fill(&mut list, at(7));
        assert_eq!(list[0].rx_bit_s, None);
    }

    #[test]
    fn summaries_count_and_sum_only_what_is_known() {
        let sessions = vec![
            session("a", Some(1), Some(1_048_576.0)),
            session("b", Some(1), Some(1_048_576.0)),
        ];
        let got = summaries(Kind::Srs, &[Collector::Rtmp, Collector::Srt], &sessions);
        assert_eq!(got[0].active_sessions, 2);
        assert_eq!(got[0].rx_bit_s, Some(2_097_152.0));
        assert_eq!(got[0].rx_mibit_s, Some(2.0));
        assert_eq!(got[0].tx_bit_s, None);
        assert_eq!(got[0].finished, None, "no history: unknown, not 0");
        assert_eq!(got[1].active_sessions, 0);
        assert_eq!(got[1].rx_bit_s, Some(0.0));
    }
}
