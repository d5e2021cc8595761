//! Sessions over time from the history store: one row per interval of one target (and
//! reference) for `history --every`, one row per target and collector for `summary --since`.

use serde::Serialize;

use super::Timestamp;

/// One interval `[from, to)` of one target, or of one of its references with `--by reference`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Interval {
    pub from: Timestamp,
    pub to: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// The most sessions open at once in the interval.
    pub peak: u64,
    /// Sessions that started in it, and that ended in it.
    pub started: u64,
    pub ended: u64,
    /// The bytes of the sessions that ended in it.
    pub rx_bytes: u64,
    pub tx_bytes: u64,
    /// `peak` as a bar for a terminal, scaled to the largest peak shown.
    #[serde(skip)]
    pub bar: String,
}

/// One target's collector over `summary --since`'s window `[from, to)`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Window {
    pub collector: String,
    pub from: Timestamp,
    pub to: Timestamp,
    /// Sessions that ended in the window.
    pub finished: u64,
    /// Remote hosts (addresses without their port) of the sessions open at some time in it.
    pub unique_remotes: u64,
    /// The time those sessions were open within the window, in hours.
    pub viewer_hours: f64,
    /// The bytes of the sessions that ended in it.
    pub rx_bytes: u64,
    pub tx_bytes: u64,
    /// The most sessions open at once in it.
    pub peak: u64,
}
