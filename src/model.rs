//! The one normalized shape every source fills; its serde derives are the JSON contract (docs/json-schema.md).

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Serialize, Serializer};

use crate::text::escape;

/// A kind of session, as datarhei Core names its collectors, plus `tchmi` for a TwinCAT HMI
/// Server's WebSocket sessions. Ordered alphabetically, as Core sorts its response keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Collector {
    Ffmpeg,
    Hls,
    Hlsingress,
    Http,
    Https,
    Rtmp,
    Srt,
    /// A WebSocket session of a TwinCAT HMI Server. Not in `ALL`: it is no datarhei collector,
    /// so `--collectors` neither accepts nor defaults to it.
    Tchmi,
}

impl Collector {
    /// Every collector, in the order of the documentation (`--collectors` default).
    pub const ALL: [Collector; 7] = [
        Collector::Hls,
        Collector::Hlsingress,
        Collector::Http,
        Collector::Https,
        Collector::Rtmp,
        Collector::Srt,
        Collector::Ffmpeg,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Collector::Ffmpeg => "ffmpeg",
            Collector::Hls => "hls",
            Collector::Hlsingress => "hlsingress",
            Collector::Http => "http",
            Collector::Https => "https",
            Collector::Rtmp => "rtmp",
            Collector::Srt => "srt",
            Collector::Tchmi => "tchmi",
        }
    }

    /// The collectors asked for, each once, in the order given; all of them when none were named.
    pub fn asked_or_all(asked: &[Collector]) -> Vec<Collector> {
        if asked.is_empty() {
            return Self::ALL.to_vec();
        }
        let mut out: Vec<Collector> = Vec::with_capacity(asked.len());
        for c in asked {
            if !out.contains(c) {
                out.push(*c);
            }
        }
        out
    }

    /// The comma list of valid names, for error messages and help.
    pub fn names() -> String {
        Self::ALL.map(Collector::as_str).join(", ")
    }
}

impl fmt::Display for Collector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Collector {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| format!("unknown collector '{s}' (valid: {})", Self::names()))
    }
}

/// A point in time from a server, kept as Unix seconds and written as RFC 3339 UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// The last second RFC 3339 can write (9999-12-31T23:59:59Z); times before 1970 are no
    /// session's either.
    pub const LAST: i64 = 253_402_300_799;

    /// Whether it can be written as RFC 3339 UTC, as the JSON contract promises.
    pub fn in_range(self) -> bool {
        (0..=Self::LAST).contains(&self.0)
    }

    pub fn to_system_time(self) -> Option<SystemTime> {
        let secs = u64::try_from(self.0).ok()?;
        UNIX_EPOCH.checked_add(Duration::from_secs(secs))
    }

    /// Seconds from this time to `now`; `None` when the server's clock is ahead of ours.
    pub fn age_at(self, now: SystemTime) -> Option<u64> {
        now.duration_since(self.to_system_time()?)
            .ok()
            .map(|d| d.as_secs())
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_system_time() {
            // humantime refuses years past 9999; fall back to the raw number.
            Some(t) if self.0 <= Self::LAST => {
                write!(f, "{}", humantime::format_rfc3339_seconds(t))
            }
            _ => write!(f, "@{}", self.0),
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Rounded to 3 decimals, as datarhei Core prints its rates (`%.3f`).
pub fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// One mebi (2^20): datarhei Core counts its `*_mbit` rates in 2^20 bit/s and its traffic in
/// whole MiB.
pub const MEBI: f64 = 1024.0 * 1024.0;

/// One active session: a viewer, a publisher, an ingest, a process input or output.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub collector: Collector,
    pub id: String,
    pub reference: String,
    /// What is being accessed (a stream path, a URL path, a local address).
    pub local: String,
    /// Who is accessing it (an address, a host name from a Referer, `unknown`).
    pub remote: String,
    pub created_at: Option<Timestamp>,
    pub age_s: Option<u64>,
    pub rx_bytes: u64,
    pub tx_bytes: u64,
    /// Bit rate in bits per second (SI, exact).
    pub rx_bit_s: f64,
    pub tx_bit_s: f64,
    /// The server's free-form extra data: a string (datarhei Core 16.x), an object, or null.
    pub extra: serde_json::Value,
}

impl Session {
    /// The rate in datarhei Core's own unit, bits per second / 1024, to Core's 3 decimals: for a
    /// Core source exactly the number the server sent (scaling by 1024 loses nothing).
    pub fn rx_kibit_s(&self) -> f64 {
        round3(self.rx_bit_s / 1024.0)
    }

    pub fn tx_kibit_s(&self) -> f64 {
        round3(self.tx_bit_s / 1024.0)
    }
}

/// The JSON contract of a session: the fields above plus the derived Core-unit rates.
impl Serialize for Session {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Json<'a> {
            collector: Collector,
            id: &'a str,
            reference: &'a str,
            local: &'a str,
            remote: &'a str,
            created_at: Option<Timestamp>,
            age_s: Option<u64>,
            rx_bytes: u64,
            tx_bytes: u64,
            rx_bit_s: f64,
            tx_bit_s: f64,
            rx_kibit_s: f64,
            tx_kibit_s: f64,
            extra: &'a serde_json::Value,
        }
        Json {
            collector: self.collector,
            id: &self.id,
            reference: &self.reference,
            local: &self.local,
            remote: &self.remote,
            created_at: self.created_at,
            age_s: self.age_s,
            rx_bytes: self.rx_bytes,
            tx_bytes: self.tx_bytes,
            rx_bit_s: self.rx_bit_s,
            tx_bit_s: self.tx_bit_s,
            rx_kibit_s: self.rx_kibit_s(),
            tx_kibit_s: self.tx_kibit_s(),
            extra: &self.extra,
        }
        .serialize(s)
    }
}

/// Why a rate cannot be shown as the JSON contract's number, if it cannot: in bit/s it must be
/// finite (JSON has no infinity) and not negative. `value` is the rate as the field holds it.
fn bad_rate(name: &str, value: f64, bit_s: f64) -> Option<String> {
    (!bit_s.is_finite() || bit_s < 0.0).then(|| {
        format!("{name} {value:?} is out of range (a rate is a finite number of bit/s, at least 0)")
    })
}

/// At most 60 characters of a server's name for something, for an error line.
fn quoted(s: &str) -> String {
    let mut short: String = s.chars().take(60).collect();
    if short.len() < s.len() {
        short.push('…');
    }
    format!("'{short}'")
}

impl Session {
    /// Why this session breaks the JSON contract's types, if it does (a server's value out of
    /// range): then it is refused rather than shown wrong.
    pub fn out_of_range(&self) -> Option<String> {
        let created = self.created_at.filter(|t| !t.in_range()).map(|t| {
            format!(
                "created_at {} is out of range (a time from 1970 to 9999, in Unix seconds)",
                t.0
            )
        });
        let why = created
            .or_else(|| bad_rate("rx_bit_s", self.rx_bit_s, self.rx_bit_s))
            .or_else(|| bad_rate("tx_bit_s", self.tx_bit_s, self.tx_bit_s))?;
        Some(format!(
            "session {} ({}): {why}",
            quoted(&self.id),
            self.collector
        ))
    }
}

/// Finished-session totals: what the history holds.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Totals {
    pub sessions: u64,
    /// Whole MiB, truncated (datarhei Core reports no finer unit).
    pub rx_mib: u64,
    pub tx_mib: u64,
    /// Exact bytes, where the source knows them.
    pub rx_bytes: Option<u64>,
    pub tx_bytes: Option<u64>,
}

impl Totals {
    /// The order of "most traffic first": exact bytes where known, MiB otherwise.
    pub fn traffic_key(&self) -> (u64, u64) {
        let bytes = self.rx_bytes.unwrap_or(0) + self.tx_bytes.unwrap_or(0);
        (self.rx_mib + self.tx_mib, bytes)
    }
}

/// One collector's state: what is active now, its configured limits, and its history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CollectorSummary {
    pub collector: Collector,
    pub active_sessions: u64,
    pub rx_bit_s: f64,
    pub tx_bit_s: f64,
    /// The same rates in datarhei Core's own unit, bits per second / 1024 / 1024.
    pub rx_mibit_s: f64,
    pub tx_mibit_s: f64,
    /// Configured maxima (not observed peaks); null means unlimited.
    pub limit_sessions: Option<u64>,
    pub limit_rx_mibit_s: Option<f64>,
    pub limit_tx_mibit_s: Option<f64>,
    pub finished: Totals,
    #[serde(skip)]
    pub history: History,
}

impl CollectorSummary {
    /// Why this summary breaks the JSON contract's types, if it does.
    pub fn out_of_range(&self) -> Option<String> {
        let limit = |name, mibit_s: Option<f64>| mibit_s.and_then(|m| bad_rate(name, m, m * MEBI));
        let why = bad_rate("rx_bit_s", self.rx_bit_s, self.rx_bit_s)
            .or_else(|| bad_rate("tx_bit_s", self.tx_bit_s, self.tx_bit_s))
            .or_else(|| bad_rate("rx_mibit_s", self.rx_mibit_s, self.rx_mibit_s * MEBI))
            .or_else(|| bad_rate("tx_mibit_s", self.tx_mibit_s, self.tx_mibit_s * MEBI))
            .or_else(|| limit("limit_rx_mibit_s", self.limit_rx_mibit_s))
            .or_else(|| limit("limit_tx_mibit_s", self.limit_tx_mibit_s))?;
        Some(format!("collector {}: {why}", self.collector))
    }
}

/// The finished-session totals grouped three ways, as the source reported them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    pub by_remote: Vec<(String, Totals)>,
    pub by_local: Vec<(String, Totals)>,
    pub by_reference: Vec<(String, Totals)>,
}

/// How `summary --by` groups the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    Remote,
    Local,
    Reference,
}

impl History {
    pub fn grouped(&self, by: GroupBy) -> &[(String, Totals)] {
        match by {
            GroupBy::Remote => &self.by_remote,
            GroupBy::Local => &self.by_local,
            GroupBy::Reference => &self.by_reference,
        }
    }

    /// One grouping, moved out (an empty list is left behind).
    pub fn take(&mut self, by: GroupBy) -> Vec<(String, Totals)> {
        std::mem::take(match by {
            GroupBy::Remote => &mut self.by_remote,
            GroupBy::Local => &mut self.by_local,
            GroupBy::Reference => &mut self.by_reference,
        })
    }
}

/// One row of a `summary --by` breakdown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BreakdownRow {
    pub collector: Collector,
    pub key: String,
    #[serde(flatten)]
    pub totals: Totals,
}

/// What `summary` prints: one entry per collector and, with `--by`, the history broken down.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub collectors: Vec<CollectorSummary>,
    pub by: Option<GroupBy>,
    pub breakdown: Vec<BreakdownRow>,
}

/// A TwinCAT HMI Server's `summary`: counts of what `ListActiveSessions` lists. It has no
/// traffic figures, limits or history, so it is not a `CollectorSummary` padded with zeros.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HmiSummary {
    /// Always `tchmi`: says which kind of summary this is.
    pub collector: Collector,
    /// Connected WebSockets: the rows of `clients` and `active`.
    pub connections: u64,
    /// Distinct session ids (browser tabs share one).
    pub sessions: u64,
    /// Distinct user names.
    pub users: u64,
    /// Distinct client keys (usually IP addresses).
    pub clients: u64,
    /// Entries of type `Subscription`.
    pub subscriptions: u64,
    /// Entries of any other type: requests being processed (`ReadWrite`).
    pub requests_in_progress: u64,
}

/// What `summary` prints for one target: a datarhei-like summary or a TwinCAT HMI Server's
/// counts, each as its own JSON object.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum TargetSummary {
    Collectors(Summary),
    Hmi(HmiSummary),
}

/// What a source's `summary` reports.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceSummary {
    /// One entry per collector asked for, in collector order (datarhei Core, this machine).
    Collectors(Vec<CollectorSummary>),
    /// A TwinCAT HMI Server's counts.
    Hmi(HmiSummary),
}

/// A TwinCAT HMI client: one connected WebSocket and the session it runs in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Client {
    /// The server's key for the client, usually its IP address (opaque).
    pub client: String,
    /// Two sockets of one browser (tabs) share a session id.
    pub session_id: String,
    /// The logged-in user without its domain; `__SystemGuest` for guests.
    pub user: String,
    /// The requests this socket has registered, mostly subscriptions.
    pub commands: Vec<ClientCommand>,
}

/// One request a TwinCAT HMI client has registered: its request id and symbol.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClientCommand {
    pub id: u64,
    pub symbol: String,
}

/// A TwinCAT HMI subscription (possibly shared by several clients) or a request in progress.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Subscription {
    /// The server's opaque key for it (a merge hash).
    pub key: String,
    pub id: u64,
    /// `Subscription`, or `ReadWrite` for a request being processed, as the server names it.
    #[serde(rename = "type")]
    pub kind: String,
    pub interval_ms: Option<u64>,
    pub client_count: u64,
    /// Size of the last value as JSON, only with `--lengths`.
    pub json_length_bytes: Option<u64>,
    /// Average processing time, only with `--durations`: in seconds, and as the server sent it
    /// (ISO 8601); the number is null when the text is no duration we can read.
    pub average_duration_s: Option<f64>,
    pub average_duration_iso8601: Option<String>,
    pub symbols: Vec<String>,
}

/// What the active sessions of one collector add up to right now.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Load {
    pub sessions: u64,
    pub rx_bit_s: f64,
    pub tx_bit_s: f64,
}

impl Load {
    pub fn of(active: &[Session], collector: Collector) -> Load {
        active
            .iter()
            .filter(|s| s.collector == collector)
            .fold(Load::default(), |l, s| Load {
                sessions: l.sessions + 1,
                rx_bit_s: l.rx_bit_s + s.rx_bit_s,
                tx_bit_s: l.tx_bit_s + s.tx_bit_s,
            })
    }
}

/// One `--port-map COLLECTOR=PORT[,PORT…]` flag: replaces that collector's default ports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortMapping {
    pub collector: Collector,
    pub ports: Vec<u16>,
}

impl FromStr for PortMapping {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (name, ports) = s.split_once('=').ok_or_else(|| {
            let s = escape(s);
            format!("'{s}' is not COLLECTOR=PORT[,PORT…], e.g. rtmp=1935,1936")
        })?;
        let collector: Collector = name.trim().parse().map_err(|_| {
            let name = escape(name.trim());
            format!("unknown collector '{name}' (valid: {})", Collector::names())
        })?;
        if collector == Collector::Ffmpeg {
            return Err("ffmpeg sessions come from ffmpeg processes, not from a port".into());
        }
        let ports = ports
            .split(',')
            .filter(|p| !p.trim().is_empty())
            .map(|p| {
                let p = p.trim();
                // `6000/udp` is accepted for readability; the protocol follows the collector.
                let bare = p
                    .strip_suffix("/udp")
                    .or_else(|| p.strip_suffix("/tcp"))
                    .unwrap_or(p);
                bare.parse::<u16>()
                    .ok()
                    .filter(|n| *n != 0)
                    .ok_or_else(|| format!("'{}' is not a port number (1-65535)", escape(p)))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(PortMapping { collector, ports })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collector_names_round_trip() {
        for c in Collector::ALL {
            assert_eq!(c.as_str().parse::<Collector>(), Ok(c));
        }
        let err = "RTMP".parse::<Collector>().unwrap_err();
        assert_eq!(
            err,
            "unknown collector 'RTMP' (valid: hls, hlsingress, http, https, rtmp, srt, ffmpeg)"
        );
    }

    #[test]
    fn timestamps_are_rfc3339_utc() {
        assert_eq!(Timestamp(1795494198).to_string(), "2026-11-24T04:23:18Z");
        assert_eq!(Timestamp(0).to_string(), "1970-01-01T00:00:00Z");
        assert_eq!(Timestamp(-5).to_string(), "@-5");
        assert_eq!(Timestamp(i64::MAX).to_string(), format!("@{}", i64::MAX));
    }

    #[test]
    fn values_out_of_the_contract_s_range_are_named() {
        let mut s = Session {
            collector: Collector::Rtmp,
            id: "x".repeat(70),
            reference: String::new(),
            local: String::new(),
            remote: String::new(),
            created_at: Some(Timestamp(Timestamp::LAST)),
            age_s: None,
            rx_bytes: 0,
            tx_bytes: 0,
            rx_bit_s: 0.0,
            tx_bit_s: 1e300,
            extra: serde_json::Value::Null,
        };
        assert_eq!(s.out_of_range(), None);
        s.created_at = Some(Timestamp(-5));
        let why = s.out_of_range().unwrap();
        assert!(why.starts_with(&format!(
            "session '{}…' (rtmp): created_at -5",
            "x".repeat(60)
        )));
        s.created_at = None;
        s.rx_bit_s = f64::INFINITY;
        assert!(
            s.out_of_range()
                .unwrap()
                .contains("rx_bit_s inf is out of range")
        );
        s.rx_bit_s = -1.0;
        assert!(
            s.out_of_range()
                .unwrap()
                .contains("rx_bit_s -1.0 is out of range")
        );
    }

    #[test]
    fn age_is_none_when_the_server_clock_is_ahead() {
        let now = UNIX_EPOCH + Duration::from_secs(1000);
        assert_eq!(Timestamp(900).age_at(now), Some(100));
        assert_eq!(Timestamp(1100).age_at(now), None);
        assert_eq!(Timestamp(-1).age_at(now), None);
    }
}
