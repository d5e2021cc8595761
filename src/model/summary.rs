//! What `summary` reports: per collector the load now, its limits and its finished-session
//! totals, or a TwinCAT HMI Server's counts; units of datarhei Core's figures.

use serde::{Serialize, Serializer};

use super::session::bad_known_rate;
use super::{Collector, Role, Session};

/// Rounded to 3 decimals, as datarhei Core prints its rates (`%.3f`).
pub(crate) fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// One mebi (2^20): datarhei Core counts its `*_mbit` rates in 2^20 bit/s and its traffic in
/// whole MiB.
pub(crate) const MEBI: f64 = 1024.0 * 1024.0;
/// The sum of rates that must all be known: one unknown makes the sum unknown (a total that
/// leaves out the sessions it cannot measure would look exact and be too low). No rates: 0.
pub(crate) fn sum_known(rates: impl IntoIterator<Item = Option<f64>>) -> Option<f64> {
    // Rounded again: a sum of 3-decimal rates picks up float noise (`1159440.0750000002`).
    rates
        .into_iter()
        .try_fold(0.0, |sum, r| r.map(|r| sum + r))
        .map(round3)
}

/// Finished-session totals: what the history holds.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub(crate) struct Totals {
    pub sessions: u64,
    /// Whole MiB, truncated (datarhei Core reports no finer unit).
    pub rx_mib: u64,
    pub tx_mib: u64,
    /// Exact bytes, where the source knows them.
    pub rx_bytes: Option<u64>,
    pub tx_bytes: Option<u64>,
    /// What the sessions grouped move now, for open ones (a breakdown of the active sessions);
    /// a breakdown row says them, a finished total has none. Boxed: a history of 600,000 remotes
    /// holds one of these each, and pays a pointer, not two rates, for a value it never has.
    #[serde(skip)]
    pub rates: Option<Box<Rates>>,
}

/// The bit rates of a group of open sessions: the sums, known where every session's is.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Rates {
    pub rx_bit_s: Option<f64>,
    pub tx_bit_s: Option<f64>,
}

impl Totals {
    /// The order of "most traffic first": exact bytes where known, MiB otherwise.
    pub(crate) fn traffic_key(&self) -> (u64, u64) {
        let bytes = self.rx_bytes.unwrap_or(0) + self.tx_bytes.unwrap_or(0);
        (self.rx_mib + self.tx_mib, bytes)
    }
}

/// A configured maximum as the server reports it. JSON has the number or null (unlimited and
/// unknown alike); tables tell the two apart (`unlimited`, `-`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) enum Limit<T> {
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
    pub(crate) fn max(self) -> Option<T> {
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
pub(crate) struct CollectorSummary {
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
    /// How many of the active sessions publish, for a source whose sessions include its
    /// publishers; `None` elsewhere. Prometheus only: not in the JSON contract.
    #[serde(skip)]
    pub publishers: Option<u64>,
    #[serde(skip)]
    pub history: History,
}

impl CollectorSummary {
    /// The server's own figures for the collector, in bit/s and in Core's unit.
    pub(crate) fn set_rates(&mut self, rx_bit_s: Option<f64>, tx_bit_s: Option<f64>) {
        self.rx_bit_s = rx_bit_s;
        self.tx_bit_s = tx_bit_s;
        self.rx_mibit_s = rx_bit_s.map(|r| round3(r / MEBI));
        self.tx_mibit_s = tx_bit_s.map(|r| round3(r / MEBI));
    }

    /// Why this summary breaks the JSON contract's types, if it does.
    pub(crate) fn out_of_range(&self) -> Option<String> {
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
pub(crate) struct History {
    pub by_remote: Vec<(String, Totals)>,
    pub by_local: Vec<(String, Totals)>,
    pub by_reference: Vec<(String, Totals)>,
}

/// What `summary --by` breaks down: the sessions open now (every source), or the finished ones
/// a server keeps (datarhei Core's totals, this machine's `collect` history).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Breakdown {
    Active,
    Finished,
}

/// How `summary --by` groups the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum GroupBy {
    Remote,
    Local,
    Reference,
}

impl History {
    /// One grouping, moved out (an empty list is left behind).
    pub(crate) fn take(&mut self, by: GroupBy) -> Vec<(String, Totals)> {
        std::mem::take(match by {
            GroupBy::Remote => &mut self.by_remote,
            GroupBy::Local => &mut self.by_local,
            GroupBy::Reference => &mut self.by_reference,
        })
    }
}

/// One row of a `summary --by` breakdown: its group's totals and, for open sessions, rates
/// (null in a finished breakdown).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BreakdownRow {
    pub collector: Collector,
    pub key: String,
    pub totals: Totals,
}

impl BreakdownRow {
    pub(crate) fn rates(&self) -> Rates {
        self.totals.rates.as_deref().copied().unwrap_or_default()
    }
}

impl Serialize for BreakdownRow {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let (t, rates) = (&self.totals, self.rates());
        let mut row = s.serialize_struct("BreakdownRow", 9)?;
        row.serialize_field("collector", &self.collector)?;
        row.serialize_field("key", &self.key)?;
        row.serialize_field("sessions", &t.sessions)?;
        row.serialize_field("rx_mib", &t.rx_mib)?;
        row.serialize_field("tx_mib", &t.tx_mib)?;
        row.serialize_field("rx_bytes", &t.rx_bytes)?;
        row.serialize_field("tx_bytes", &t.tx_bytes)?;
        row.serialize_field("rx_bit_s", &rates.rx_bit_s)?;
        row.serialize_field("tx_bit_s", &rates.tx_bit_s)?;
        row.end()
    }
}

/// What `summary` prints: one entry per collector and, with `--by`, the history broken down.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct CollectorsReport {
    pub collectors: Vec<CollectorSummary>,
    pub by: Option<GroupBy>,
    /// What the breakdown is of, with `--by`.
    pub breakdown_of: Option<Breakdown>,
    pub breakdown: Vec<BreakdownRow>,
}

/// A TwinCAT HMI Server's `summary`: counts of what `ListActiveSessions` lists. It has no
/// traffic figures, limits or history, so it is not a `CollectorSummary` padded with zeros.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct HmiSummary {
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
pub(crate) enum SummaryReport {
    Collectors(CollectorsReport),
    Hmi(HmiSummary),
}

/// What a source's `summary` reports.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SummaryAnswer {
    /// One entry per collector asked for, in collector order (datarhei Core, this machine).
    Collectors(Vec<CollectorSummary>),
    /// A TwinCAT HMI Server's counts.
    Hmi(HmiSummary),
}

/// How many of a collector's active sessions publish a stream.
pub(crate) fn publishers(active: &[Session], collector: Collector) -> u64 {
    let publishing = |s: &&Session| s.collector == collector && s.role == Some(Role::Publisher);
    active.iter().filter(publishing).count() as u64
}

/// What the active sessions of one collector add up to right now.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub(crate) struct Load {
    pub sessions: u64,
    pub rx_bit_s: f64,
    pub tx_bit_s: f64,
}

impl Load {
    pub(crate) fn of(active: &[Session], collector: Collector) -> Load {
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
    fn a_sum_of_rates_is_unknown_when_one_is() {
        assert_eq!(sum_known([Some(1.5), Some(2.0)]), Some(3.5));
        assert_eq!(sum_known([Some(1.5), None]), None);
        assert_eq!(sum_known([]), Some(0.0));
    }
}
