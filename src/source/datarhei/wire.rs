//! datarhei Core's JSON as it comes off the wire (private), and its conversion into the model.
//!
//! Sessions are converted one by one as the reply streams in, so a 100,000-session reply never
//! exists twice in memory.

use std::collections::BTreeMap;
use std::io::Read;
use std::time::SystemTime;

use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer};
use serde_json::value::RawValue;

use super::split::{SplitError, Splitter};
use crate::source::budget::{self, Budget, Meter, OverBudget};

use crate::model::{
    Collector, CollectorSummary, History, Limit, MEBI, Role, Session, Text, Timestamp, Totals,
    round3,
};
use crate::query::default_order;

const KIBI: f64 = 1024.0;

/// A null where a string or number is expected reads as its default: some proxies and the dev
/// line write `null` for empty values.
fn nullable<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Text straight into the model's `Text`: short text is never allocated.
#[derive(Deserialize)]
struct WireSession {
    #[serde(default, deserialize_with = "nullable")]
    id: Text,
    #[serde(default, deserialize_with = "nullable")]
    reference: Text,
    #[serde(default)]
    created_at: Option<i64>,
    #[serde(default, deserialize_with = "nullable")]
    local: Text,
    #[serde(default, deserialize_with = "nullable")]
    remote: Text,
    /// A string on 16.x, an object or null on the dev line. Kept as its text until it is
    /// weighed: as a `Value`, a list of `0` takes 16 times its text.
    #[serde(default)]
    extra: Option<Box<RawValue>>,
    #[serde(default, deserialize_with = "nullable")]
    bytes_rx: u64,
    #[serde(default, deserialize_with = "nullable")]
    bytes_tx: u64,
    #[serde(default, deserialize_with = "nullable")]
    bandwidth_rx_kbit: f64,
    #[serde(default, deserialize_with = "nullable")]
    bandwidth_tx_kbit: f64,
}

/// kbit (1024) → bit/s, rounded to the server's own 3 decimals so 501.890 becomes 513935.36.
fn kibit_to_bit_s(kibit: f64) -> f64 {
    round3(kibit * KIBI)
}

/// Core's RTMP and SRT sessions name their part before the stream: `publish:/live/cam1`,
/// `play:/live/cam1`; other sessions do not say.
fn role_of(text: &str) -> Option<Role> {
    if text.starts_with("publish:") {
        Some(Role::Publisher)
    } else if text.starts_with("play:") {
        Some(Role::Player)
    } else {
        None
    }
}

/// What a session takes besides its text and `extra`, with the room the list grows by.
const SESSION_COST: u64 = std::mem::size_of::<Session>() as u64 * 5 / 4;

impl WireSession {
    /// The session, once what it takes is counted by `meter`.
    fn into_model(
        self,
        collector: Collector,
        now: SystemTime,
        meter: &mut Meter,
    ) -> Result<Session, OverBudget> {
        let text = [&self.id, &self.reference, &self.local, &self.remote]
            .iter()
            .map(|t| t.len() as u64)
            .sum::<u64>();
        let raw = self.extra.as_deref().map(RawValue::get);
        let extra_cost = raw.map_or(0, |raw| budget::value_cost(raw.as_bytes()));
        meter.add(SESSION_COST + text + extra_cost)?;
        // The text was JSON a moment ago: it reads again.
        let extra = raw
            .and_then(|raw| serde_json::from_str(raw).ok())
            .unwrap_or_default();
        let created_at = self.created_at.map(Timestamp);
        let role = role_of(&self.local).or_else(|| role_of(&self.reference));
        Ok(Session {
            collector,
            id: self.id,
            reference: self.reference,
            local: self.local,
            remote: self.remote,
            role,
            created_at,
            age_s: created_at.and_then(|t| t.age_at(now)),
            rx_bytes: Some(self.bytes_rx),
            tx_bytes: Some(self.bytes_tx),
            rx_bit_s: Some(kibit_to_bit_s(self.bandwidth_rx_kbit)),
            tx_bit_s: Some(kibit_to_bit_s(self.bandwidth_tx_kbit)),
            extra,
        })
    }
}

/// Why a reply could not be read: the transport, or the JSON at some level.
#[derive(Debug)]
pub(crate) enum ReplyError {
    Io(std::io::Error),
    Json(serde_json::Error),
    Split(SplitError),
}

/// Reads until the body ends, handing each chunk on.
fn each_chunk(
    reader: &mut dyn Read,
    mut f: impl FnMut(&[u8]) -> Result<(), ReplyError>,
) -> Result<(), ReplyError> {
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        match reader.read(&mut chunk) {
            Ok(0) => return Ok(()),
            Ok(n) => f(&chunk[..n])?,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(ReplyError::Io(e)),
        }
    }
}

/// Parses a `GET /api/v3/session/active` reply as it streams in, stamping ages against `now`,
/// within the memory `budget`. Lists of collectors we do not know are checked and skipped.
pub(crate) fn parse_active(
    reader: &mut dyn Read,
    now: SystemTime,
    budget: Budget,
) -> Result<Vec<Session>, ReplyError> {
    let mut out: Vec<Session> = Vec::new();
    let mut in_order = true;
    let mut meter = Meter::new(budget);
    let mut splitter = Splitter::new(
        |key: &str| key.parse::<Collector>().ok(),
        |collector, wire: WireSession| {
            let session = wire.into_model(collector, now, &mut meter)?;
            // Grow by a quarter, not double: the list is most of the peak memory.
            if out.len() == out.capacity() {
                out.reserve_exact((out.len() / 4).max(1024));
            }
            out.push(session);
            in_order = in_order && settle_last(&mut out);
            Ok(())
        },
    );
    loop {
        match splitter.read_from(reader) {
            Ok(0) => break,
            Ok(_) => splitter.advance().map_err(ReplyError::Split)?,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(ReplyError::Io(e)),
        }
    }
    splitter.finish().map_err(ReplyError::Split)?;
    Ok(out)
}

/// How far back a new session may move to keep the list in order.
const SETTLE_STEPS: usize = 16;

/// Core lists its collectors alphabetically and each one's sessions by start time: the order
/// `active` prints by default (collector, start, id; `query`) but for sessions that started in
/// the same second. Moving each new session back past the few it ties with keeps the list in that
/// order, so the final sort finds it sorted in one pass. `false` when a session would have to move
/// further: the list is in some other order, left to that sort.
fn settle_last(list: &mut [Session]) -> bool {
    let Some(mut i) = list.len().checked_sub(1) else {
        return true;
    };
    let floor = i.saturating_sub(SETTLE_STEPS);
    while i > 0 {
        // The sort's own order (ids by their numbers), or the sort finds the list out of order.
        if default_order(&list[i - 1], &list[i]).is_le() {
            return true;
        }
        if i == floor {
            return false;
        }
        list.swap(i - 1, i);
        i -= 1;
    }
    true
}

/// One collector of `GET /api/v3/session`.
#[derive(Deserialize)]
pub(crate) struct WireSummary {
    active: WireActive,
    summary: WireHistory,
}

/// `list` (the sessions `active` shows) is skipped: the collector's own rates are Core's window
/// over all of its bytes, which the sum of the sessions' rates reads 10–12 % below.
#[derive(Deserialize)]
struct WireActive {
    #[serde(default, deserialize_with = "nullable")]
    sessions: u64,
    #[serde(default, deserialize_with = "nullable")]
    bandwidth_rx_mbit: f64,
    #[serde(default, deserialize_with = "nullable")]
    bandwidth_tx_mbit: f64,
    #[serde(default, deserialize_with = "nullable")]
    max_sessions: u64,
    #[serde(default, deserialize_with = "nullable")]
    max_bandwidth_rx_mbit: f64,
    #[serde(default, deserialize_with = "nullable")]
    max_bandwidth_tx_mbit: f64,
}

#[derive(Deserialize, Default)]
struct WireStats {
    #[serde(default, deserialize_with = "nullable")]
    sessions: u64,
    #[serde(default, deserialize_with = "nullable")]
    traffic_rx_mb: u64,
    #[serde(default, deserialize_with = "nullable")]
    traffic_tx_mb: u64,
}

impl From<WireStats> for Totals {
    fn from(w: WireStats) -> Self {
        Totals {
            sessions: w.sessions,
            rx_mib: w.traffic_rx_mb,
            tx_mib: w.traffic_tx_mb,
            ..Totals::default()
        }
    }
}

#[derive(Deserialize)]
struct WireHistory {
    #[serde(default, deserialize_with = "nullable")]
    remote: BTreeMap<String, WireStats>,
    #[serde(default, deserialize_with = "nullable")]
    local: BTreeMap<String, WireStats>,
    #[serde(default, deserialize_with = "nullable")]
    reference: BTreeMap<String, WireStats>,
    /// The totals, beside the groupings rather than `#[serde(flatten)]`: flatten holds every
    /// key it does not know as a copy until the end of the object (a 30 MB one took 500 MB).
    /// Unknown keys are skipped as they come.
    #[serde(default, deserialize_with = "nullable")]
    sessions: u64,
    #[serde(default, deserialize_with = "nullable")]
    traffic_rx_mb: u64,
    #[serde(default, deserialize_with = "nullable")]
    traffic_tx_mb: u64,
}

/// 0 means "no limit" in Core's configuration.
fn limit<T: PartialEq + Default>(v: T) -> Limit<T> {
    if v == T::default() {
        Limit::Unlimited
    } else {
        Limit::Max(v)
    }
}

fn grouped(map: BTreeMap<String, WireStats>) -> Vec<(String, Totals)> {
    map.into_iter().map(|(k, v)| (k, v.into())).collect()
}

impl WireSummary {
    fn into_model(self, collector: Collector) -> CollectorSummary {
        let a = self.active;
        let h = self.summary;
        let (rx_mibit_s, tx_mibit_s) = (a.bandwidth_rx_mbit, a.bandwidth_tx_mbit);
        CollectorSummary {
            collector,
            active_sessions: a.sessions,
            rx_bit_s: Some(round3(rx_mibit_s * MEBI)),
            tx_bit_s: Some(round3(tx_mibit_s * MEBI)),
            rx_mibit_s: Some(round3(rx_mibit_s)),
            tx_mibit_s: Some(round3(tx_mibit_s)),
            limit_sessions: limit(a.max_sessions),
            limit_rx_mibit_s: limit(a.max_bandwidth_rx_mbit),
            limit_tx_mibit_s: limit(a.max_bandwidth_tx_mbit),
            finished: Some(
                WireStats {
                    sessions: h.sessions,
                    traffic_rx_mb: h.traffic_rx_mb,
                    traffic_tx_mb: h.traffic_tx_mb,
                }
                .into(),
            ),
            publishers: None,
            history: History {
                by_remote: grouped(h.remote),
                by_local: grouped(h.local),
                by_reference: grouped(h.reference),
            },
        }
    }
}

/// Parses a summary reply into one entry per known collector. The body is read whole (it is
/// bounded by the reader, which weighs its objects and arrays as they come) because serde_json
/// parses slices far faster.
pub(crate) fn parse_summary(
    reader: &mut dyn Read,
    _weighed_by_the_reader: Budget,
) -> Result<Vec<CollectorSummary>, ReplyError> {
    let mut body = Vec::new();
    each_chunk(reader, |chunk| {
        body.extend_from_slice(chunk);
        Ok(())
    })?;
    let map: BTreeMap<String, WireSummary> =
        serde_json::from_slice(&body).map_err(ReplyError::Json)?;
    Ok(map
        .into_iter()
        .filter_map(|(k, v)| Some(v.into_model(k.parse().ok()?)))
        .collect())
}

/// `POST /api/login` and `GET /api/login/refresh` replies.
#[derive(Deserialize)]
pub(crate) struct Tokens {
    pub access_token: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
}

/// Core's error body on every non-2xx reply.
#[derive(Deserialize)]
pub(crate) struct WireError {
    #[serde(default)]
    pub message: String,
    #[serde(default, deserialize_with = "nullable")]
    pub details: Vec<String>,
}

impl WireError {
    /// "Missing or invalid JWT token", leaving out Core's `message` where it only repeats the
    /// HTTP status reason the caller already shows.
    pub(crate) fn describe(&self, status_reason: &str) -> String {
        let message = self.message.trim();
        let details: Vec<&str> = self
            .details
            .iter()
            .map(|d| d.trim())
            .filter(|d| !d.is_empty() && *d != message)
            .collect();
        let message = if message == status_reason && !details.is_empty() {
            ""
        } else {
            message
        };
        match (message, details.is_empty()) {
            ("", _) => details.join("; "),
            (m, true) => m.to_owned(),
            (m, false) => format!("{m}: {}", details.join("; ")),
        }
    }
}

/// Parses a small JSON value (login replies, error bodies).
pub(crate) fn parse_small<T: DeserializeOwned>(body: &[u8]) -> serde_json::Result<T> {
    serde_json::from_slice(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::SessionQuery;

    fn parse(body: &str) -> Vec<Session> {
        parse_active(
            &mut body.as_bytes(),
            SystemTime::UNIX_EPOCH,
            Budget::new(u64::MAX),
        )
        .unwrap()
    }

    fn ids(list: &[Session]) -> Vec<&str> {
        list.iter().map(|s| s.id.as_str()).collect()
    }

    /// Core 16.16 live: each collector's own window over its bytes, not the sum of its
    /// sessions' rates (rtmp TX 1.701 Mbit against 1557.312 kbit summed, 10 % less).
    #[test]
    fn summary_rates_are_the_collectors_own() {
        let path = format!(
            "{}/tests/fixtures/datarhei/session-summary-collector-rates.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let body = std::fs::read(path).unwrap();
        let got = parse_summary(&mut body.as_slice(), Budget::new(u64::MAX)).unwrap();
        let rtmp = got.iter().find(|c| c.collector == Collector::Rtmp).unwrap();
        assert_eq!(
            (rtmp.rx_mibit_s, rtmp.tx_mibit_s),
            (Some(0.565), Some(1.701))
        );
        assert_eq!(
            (rtmp.rx_bit_s, rtmp.tx_bit_s),
            (Some(592_445.44), Some(1_783_627.776))
        );
    }

    /// Keys Core may add inside `summary` are skipped as they come, whatever they hold; a
    /// grouping's entry may be an array (serde reads a struct from one), which is why the
    /// reader weighs arrays as it does objects.
    #[test]
    fn summaries_skip_unknown_keys_and_read_entries_from_arrays() {
        let body = r#"{"rtmp": {"active": {"list": [[], {"x": 1}], "bandwidth_rx_mbit": 2},
            "summary": {"new": {"deep": [1, {"x": []}]}, "sessions": 3, "traffic_rx_mb": 7,
                        "remote": {"a": [], "b": [5, 6, 7]}, "later": null}},
            "unknown": {"active": {}, "summary": {}}}"#;
        let got = parse_summary(&mut body.as_bytes(), Budget::new(u64::MAX)).unwrap();
        assert_eq!(got.len(), 1);
        let rtmp = &got[0];
        assert_eq!(rtmp.rx_bit_s, Some(2.0 * 1024.0 * 1024.0));
        let finished = rtmp.finished.as_ref().unwrap();
        assert_eq!((finished.sessions, finished.rx_mib), (3, 7));
        let remotes: Vec<_> = rtmp
            .history
            .by_remote
            .iter()
            .map(|(k, t)| (k.as_str(), t.sessions, t.tx_mib))
            .collect();
        assert_eq!(remotes, [("a", 0, 0), ("b", 5, 7)]);
    }

    /// A session's `extra` is weighed before it is built: a list of 600,000 `0` (1.2 MB of
    /// text, some 20 MB as a `Value`) is weighed at 77 MB, past the smallest ceiling (64 MiB),
    /// before any of it is built; a smaller one reads whole.
    #[test]
    fn a_large_extra_is_weighed_before_it_is_built() {
        let body = |n| {
            let extra = vec!["0"; n].join(",");
            format!(r#"{{"rtmp": [{{"id": "a", "extra": [{extra}]}}]}}"#)
        };
        let smallest = Budget::new(0);
        let err = parse_active(
            &mut body(600_000).as_bytes(),
            SystemTime::UNIX_EPOCH,
            smallest,
        )
        .unwrap_err();
        assert!(
            matches!(err, ReplyError::Split(SplitError::Over(_))),
            "{err:?}"
        );
        let got = parse(&body(10_000));
        assert_eq!(got[0].extra.as_array().map(Vec::len), Some(10_000));
        let normal = parse(
            r#"{"rtmp": [{"id": "b", "extra": {"a": [1, "x"], "n": null}}, {"id": "c", "extra": ""}, {"id": "d", "extra": null}]}"#,
        );
        let extras: Vec<String> = normal.iter().map(|s| s.extra.to_string()).collect();
        assert_eq!(extras, [r#"{"a":[1,"x"],"n":null}"#, r#""""#, "null"]);
    }

    #[test]
    fn cores_order_comes_out_in_the_default_order() {
        // By start time within each collector, ties in any order, as Core sends them.
        let body = r#"{"hls": [{"id": "h", "created_at": 5}],
            "rtmp": [{"id": "c", "created_at": 1}, {"id": "b", "created_at": 2},
                     {"id": "a", "created_at": 2}, {"id": "d", "created_at": 3}],
            "srt": [{"id": "z"}, {"id": "y", "created_at": 0}]}"#;
        let got = parse(body);
        assert_eq!(ids(&got), ["h", "c", "a", "b", "d", "z", "y"]);
        assert_eq!(SessionQuery::default().apply(got.clone()), got);
    }

    #[test]
    fn ties_settle_in_the_order_of_the_ids_numbers() {
        // As text `10.0.14.16` sorts before `10.0.2.2`; as numbers, after.
        let body = r#"{"rtmp": [{"id": "10.0.14.16:4624", "created_at": 1},
            {"id": "10.0.2.2:1026", "created_at": 1}, {"id": "10.0.28.32:8224", "created_at": 1}]}"#;
        let got = parse(body);
        assert_eq!(
            ids(&got),
            ["10.0.2.2:1026", "10.0.14.16:4624", "10.0.28.32:8224"]
        );
        assert_eq!(SessionQuery::default().apply(got.clone()), got);
    }

    #[test]
    fn any_other_order_is_left_to_the_sort() {
        let newest_first: Vec<String> = (0..40)
            .map(|i| format!(r#"{{"id": "{i:02}", "created_at": {}}}"#, 100 - i))
            .collect();
        let body = format!(r#"{{"rtmp": [{}]}}"#, newest_first.join(","));
        let got = parse(&body);
        assert_eq!(got.len(), 40);
        let sorted = SessionQuery::default().apply(got);
        let want: Vec<String> = (0..40).rev().map(|i| format!("{i:02}")).collect();
        assert_eq!(ids(&sorted), want);
    }
}
