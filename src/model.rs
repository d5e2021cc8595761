//! The one normalized shape every source fills; its serde derives are the JSON contract (docs/json-schema.md).

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::ser::Error as _;
use serde::{Serialize, Serializer};

use crate::text::escape;

/// A kind of session: datarhei Core's collectors, the protocols of the other streaming servers
/// (`rtmps`, `rtsp`, `rtsps`, `webrtc`), and `tchmi` for a TwinCAT HMI Server's WebSocket
/// sessions. Ordered alphabetically, as Core sorts its response keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Collector {
    Ffmpeg,
    Hls,
    Hlsingress,
    Http,
    Https,
    Rtmp,
    Rtmps,
    Rtsp,
    Rtsps,
    Srt,
    /// A WebSocket session of a TwinCAT HMI Server. Not in `ALL`: a TwinCAT HMI Server has no
    /// other kind, so `--collectors` neither accepts nor defaults to it.
    Tchmi,
    Webrtc,
}

impl Collector {
    /// Every name `--collectors` accepts, in the order of the documentation (its default):
    /// datarhei Core's first, then the protocols only other servers have. Each source answers
    /// for the ones it has (`source::served`).
    pub const ALL: [Collector; 11] = [
        Collector::Hls,
        Collector::Hlsingress,
        Collector::Http,
        Collector::Https,
        Collector::Rtmp,
        Collector::Srt,
        Collector::Ffmpeg,
        Collector::Rtmps,
        Collector::Rtsp,
        Collector::Rtsps,
        Collector::Webrtc,
    ];

    /// datarhei Core's own collectors (and the local collector's, which imitates Core).
    pub const CORE: [Collector; 7] = [
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
            Collector::Rtmps => "rtmps",
            Collector::Rtsp => "rtsp",
            Collector::Rtsps => "rtsps",
            Collector::Srt => "srt",
            Collector::Tchmi => "tchmi",
            Collector::Webrtc => "webrtc",
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

    /// `YYYY-MM-DDTHH:MM:SSZ`, for years 1970 to 9999 (what RFC 3339 and humantime can write).
    /// By hand rather than through humantime: a 100,000-row reply prints one per row.
    fn rfc3339(self) -> Option<[u8; 20]> {
        if !(0..253_402_300_800).contains(&self.0) {
            return None;
        }
        let (days, secs) = (self.0 / 86_400, self.0 % 86_400);
        // Days to a civil date in the proleptic Gregorian calendar (H. Hinnant's algorithm), in
        // 400-year eras from 0000-03-01, so leap days fall at the end of a year.
        let z = days + 719_468;
        let (era, doe) = (z / 146_097, z % 146_097);
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = era * 400 + yoe + i64::from(month <= 2);
        let mut out = *b"0000-00-00T00:00:00Z";
        let mut put = |at: usize, width: usize, mut n: i64| {
            for i in (at..at + width).rev() {
                out[i] = b'0' + (n % 10) as u8;
                n /= 10;
            }
        };
        put(0, 4, year);
        put(5, 2, month);
        put(8, 2, day);
        put(11, 2, secs / 3_600);
        put(14, 2, secs / 60 % 60);
        put(17, 2, secs % 60);
        Some(out)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.rfc3339() {
            Some(text) => f.write_str(std::str::from_utf8(&text).map_err(|_| fmt::Error)?),
            None => write!(f, "@{}", self.0),
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.rfc3339() {
            Some(text) => s.serialize_str(std::str::from_utf8(&text).map_err(S::Error::custom)?),
            None => s.collect_str(self),
        }
    }
}

/// Rounded to 3 decimals, as datarhei Core prints its rates (`%.3f`).
pub fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// One mebi (2^20): datarhei Core counts its `*_mbit` rates in 2^20 bit/s and its traffic in
/// whole MiB.
pub const MEBI: f64 = 1024.0 * 1024.0;
/// The sum of rates that must all be known: one unknown makes the sum unknown (a total that
/// leaves out the sessions it cannot measure would look exact and be too low). No rates: 0.
pub fn sum_known(rates: impl IntoIterator<Item = Option<f64>>) -> Option<f64> {
    // Rounded again: a sum of 3-decimal rates picks up float noise (`1159440.0750000002`).
    rates
        .into_iter()
        .try_fold(0.0, |sum, r| r.map(|r| sum + r))
        .map(round3)
}

/// A session's short text: up to 24 bytes held in place, longer text on the heap. Ids,
/// addresses and paths mostly fit, so a 100,000-session reply makes a fifth of the allocations
/// it would as `String`s (they were a third of its peak memory).
pub type Text = compact_str::CompactString;

/// One active session: a viewer, a publisher, an ingest, a process input or output.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub collector: Collector,
    pub id: Text,
    pub reference: Text,
    /// What is being accessed (a stream path, a URL path, a local address).
    pub local: Text,
    /// Who is accessing it (an address, a host name from a Referer, `unknown`).
    pub remote: Text,
    pub created_at: Option<Timestamp>,
    pub age_s: Option<u64>,
    /// Bytes as the server counts them (rx: received from the client). `None` where the server
    /// does not count them per session (nginx-rtmp, Icecast): null in JSON, `-` in tables.
    pub rx_bytes: Option<u64>,
    pub tx_bytes: Option<u64>,
    /// Bit rate in bits per second (SI, exact); `None` where neither the server nor a previous
    /// look can tell it.
    pub rx_bit_s: Option<f64>,
    pub tx_bit_s: Option<f64>,
    /// The server's free-form extra data: a string (datarhei Core 16.x), an object, or null.
    pub extra: serde_json::Value,
}

impl Session {
    /// The rate in datarhei Core's own unit, bits per second / 1024, to Core's 3 decimals: for a
    /// Core source exactly the number the server sent (scaling by 1024 loses nothing).
    pub fn rx_kibit_s(&self) -> Option<f64> {
        self.rx_bit_s.map(|r| round3(r / 1024.0))
    }

    pub fn tx_kibit_s(&self) -> Option<f64> {
        self.tx_bit_s.map(|r| round3(r / 1024.0))
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
            rx_bytes: Option<u64>,
            tx_bytes: Option<u64>,
            rx_bit_s: Option<f64>,
            tx_bit_s: Option<f64>,
            rx_kibit_s: Option<f64>,
            tx_kibit_s: Option<f64>,
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

/// `bad_rate` for a rate the server may not give (unknown is in range).
fn bad_known_rate(name: &str, value: Option<f64>, per_unit: f64) -> Option<String> {
    value.and_then(|v| bad_rate(name, v, v * per_unit))
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
            .or_else(|| bad_known_rate("rx_bit_s", self.rx_bit_s, 1.0))
            .or_else(|| bad_known_rate("tx_bit_s", self.tx_bit_s, 1.0))?;
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

/// A configured maximum as the server reports it. JSON has the number or null (unlimited and
/// unknown alike); tables tell the two apart (`unlimited`, `-`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub enum Limit<T> {
    /// The server reports no limits at all (MediaMTX, SRS, nginx-rtmp, this machine): nothing
    /// says there is none, so "unlimited" would be a guess.
    #[default]
    Unknown,
    /// The server says there is none (datarhei Core's 0, an Icecast mount's `unlimited`).
    Unlimited,
    Max(T),
}

impl<T: Copy> Limit<T> {
    /// The maximum, where there is one.
    pub fn max(self) -> Option<T> {
        match self {
            Limit::Max(v) => Some(v),
            Limit::Unknown | Limit::Unlimited => None,
        }
    }
}

impl<T: Serialize> Serialize for Limit<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Limit::Max(v) => v.serialize(s),
            Limit::Unknown | Limit::Unlimited => s.serialize_none(),
        }
    }
}

/// One collector's state: what is active now, its configured limits, and its history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CollectorSummary {
    pub collector: Collector,
    pub active_sessions: u64,
    /// `None` where the rate cannot be known (no rates per session, no previous look).
    pub rx_bit_s: Option<f64>,
    pub tx_bit_s: Option<f64>,
    /// The same rates in datarhei Core's own unit, bits per second / 1024 / 1024.
    pub rx_mibit_s: Option<f64>,
    pub tx_mibit_s: Option<f64>,
    /// Configured maxima (not observed peaks), or whether there is none or no telling.
    pub limit_sessions: Limit<u64>,
    pub limit_rx_mibit_s: Limit<f64>,
    pub limit_tx_mibit_s: Limit<f64>,
    /// `None` where the server keeps no history of finished sessions (MediaMTX, SRS,
    /// nginx-rtmp, Icecast): null in JSON, `-` in tables, rather than a made-up 0.
    pub finished: Option<Totals>,
    #[serde(skip)]
    pub history: History,
}

impl CollectorSummary {
    /// Why this summary breaks the JSON contract's types, if it does.
    pub fn out_of_range(&self) -> Option<String> {
        let why = bad_known_rate("rx_bit_s", self.rx_bit_s, 1.0)
            .or_else(|| bad_known_rate("tx_bit_s", self.tx_bit_s, 1.0))
            .or_else(|| bad_known_rate("rx_mibit_s", self.rx_mibit_s, MEBI))
            .or_else(|| bad_known_rate("tx_mibit_s", self.tx_mibit_s, MEBI))
            .or_else(|| bad_known_rate("limit_rx_mibit_s", self.limit_rx_mibit_s.max(), MEBI))
            .or_else(|| bad_known_rate("limit_tx_mibit_s", self.limit_tx_mibit_s.max(), MEBI))?;
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

/// What `kick` did to one session: the JSON of `kick -o json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KickOutcome {
    pub collector: Collector,
    pub id: String,
    pub reference: String,
    pub remote: String,
    pub kicked: bool,
    /// Why the server did not disconnect it; null when it did.
    pub error: Option<String>,
}

impl KickOutcome {
    pub fn of(session: &Session, error: Option<String>) -> KickOutcome {
        KickOutcome {
            collector: session.collector,
            id: session.id.to_string(),
            reference: session.reference.to_string(),
            remote: session.remote.to_string(),
            kicked: error.is_none(),
            error,
        }
    }
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
        let sum =
            active
                .iter()
                .filter(|s| s.collector == collector)
                .fold(Load::default(), |l, s| Load {
                    sessions: l.sessions + 1,
                    // The local collector always measures (a session without a socket moves 0 bit/s).
                    rx_bit_s: l.rx_bit_s + s.rx_bit_s.unwrap_or(0.0),
                    tx_bit_s: l.tx_bit_s + s.tx_bit_s.unwrap_or(0.0),
                });
        // A sum of 3-decimal rates, rounded again so that no float noise reaches the JSON.
        Load {
            rx_bit_s: round3(sum.rx_bit_s),
            tx_bit_s: round3(sum.tx_bit_s),
            ..sum
        }
    }
}

/// One `--port-map` entry (or a context's `port_map` entry): `COLLECTOR=PORT[,PORT…]` gives the
/// collector exactly these ports, `COLLECTOR+=PORT[,PORT…]` adds them to the ones it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortMapping {
    pub collector: Collector,
    pub ports: Vec<u16>,
    /// `+=`: keep the collector's ports so far (its defaults, the context's) and add these.
    pub add: bool,
}

impl fmt::Display for PortMapping {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ports: Vec<String> = self.ports.iter().map(u16::to_string).collect();
        let op = if self.add { "+=" } else { "=" };
        write!(f, "{}{op}{}", self.collector.as_str(), ports.join(","))
    }
}

impl FromStr for PortMapping {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (name, ports) = s.split_once('=').ok_or_else(|| {
            let s = escape(s);
            format!(
                "'{s}' is not COLLECTOR=PORT[,PORT…] (replace) or COLLECTOR+=PORT[,PORT…] (add), e.g. rtmp=1935,1936"
            )
        })?;
        let (name, add) = match name.strip_suffix('+') {
            Some(name) => (name, true),
            None => (name, false),
        };
        // Only datarhei Core's collectors: the local collector imitates Core.
        let collector = name
            .trim()
            .parse::<Collector>()
            .ok()
            .filter(|c| Collector::CORE.contains(c))
            .ok_or_else(|| {
                let name = escape(name.trim());
                let valid = Collector::CORE.map(Collector::as_str).join(", ");
                format!("unknown collector '{name}' (valid: {valid})")
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
        Ok(PortMapping {
            collector,
            ports,
            add,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_of_rates_carry_no_float_noise() {
        let rates = [Some(386480.025), Some(386480.025), Some(386480.025)];
        assert_eq!(sum_known(rates), Some(1159440.075));
        assert_eq!(sum_known([Some(1.0), None]), None);
    }

    #[test]
    fn collector_names_round_trip() {
        for c in Collector::ALL {
            assert_eq!(c.as_str().parse::<Collector>(), Ok(c));
        }
        let err = "RTMP".parse::<Collector>().unwrap_err();
        assert_eq!(
            err,
            "unknown collector 'RTMP' (valid: hls, hlsingress, http, https, rtmp, srt, ffmpeg, rtmps, rtsp, rtsps, webrtc)"
        );
        assert!("tchmi".parse::<Collector>().is_err());
        assert!(Collector::CORE.iter().all(|c| Collector::ALL.contains(c)));
    }

    #[test]
    fn a_sum_of_rates_is_unknown_when_one_is() {
        assert_eq!(sum_known([Some(1.5), Some(2.0)]), Some(3.5));
        assert_eq!(sum_known([Some(1.5), None]), None);
        assert_eq!(sum_known([]), Some(0.0));
    }

    #[test]
    fn timestamps_are_rfc3339_utc() {
        assert_eq!(Timestamp(1795494198).to_string(), "2026-11-24T04:23:18Z");
        assert_eq!(Timestamp(0).to_string(), "1970-01-01T00:00:00Z");
        assert_eq!(Timestamp(-5).to_string(), "@-5");
        assert_eq!(Timestamp(i64::MAX).to_string(), format!("@{}", i64::MAX));
    }

    #[test]
    fn timestamps_agree_with_humantime() {
        let mut secs = 0_i64;
        while secs < 253_402_300_800 {
            let t = UNIX_EPOCH + Duration::from_secs(secs as u64);
            let want = humantime::format_rfc3339_seconds(t).to_string();
            assert_eq!(Timestamp(secs).to_string(), want, "{secs}");
            assert_eq!(serde_json::to_value(Timestamp(secs)).unwrap(), want);
            // Steps that land on every day of the year, leap days and centuries included.
            secs += 86_400 * 7 + 3_607;
        }
        assert_eq!(Timestamp(951_782_400).to_string(), "2000-02-29T00:00:00Z");
        assert_eq!(
            Timestamp(253_402_300_799).to_string(),
            "9999-12-31T23:59:59Z"
        );
        assert_eq!(Timestamp(253_402_300_800).to_string(), "@253402300800");
        assert_eq!(serde_json::to_value(Timestamp(-1)).unwrap(), "@-1");
    }

    #[test]
    fn values_out_of_the_contract_s_range_are_named() {
        let mut s = Session {
            collector: Collector::Rtmp,
            id: "x".repeat(70).into(),
            reference: Text::default(),
            local: Text::default(),
            remote: Text::default(),
            created_at: Some(Timestamp(Timestamp::LAST)),
            age_s: None,
            rx_bytes: Some(0),
            tx_bytes: Some(0),
            rx_bit_s: Some(0.0),
            tx_bit_s: Some(1e300),
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
        s.rx_bit_s = Some(f64::INFINITY);
        assert!(
            s.out_of_range()
                .unwrap()
                .contains("rx_bit_s inf is out of range")
        );
        s.rx_bit_s = Some(-1.0);
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
