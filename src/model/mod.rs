//! The one normalized shape every source fills; its serde derives are the JSON contract
//! (docs/json-schema.md).

mod collector;
mod context;
mod hmi;
mod session;
mod summary;
mod time;
mod timeline;

pub(crate) use collector::{Collector, PortMapping};
pub(crate) use context::{ContextField, ContextRow};
pub(crate) use hmi::{Client, ClientCommand, Subscription};
pub(crate) use session::{Ended, KickOutcome, Role, Session, Text};
pub(crate) use summary::{
    Breakdown, BreakdownRow, CollectorSummary, CollectorsReport, GroupBy, History, HmiSummary,
    Limit, Load, MEBI, Rates, SummaryAnswer, SummaryReport, Totals, publishers, round3, sum_known,
};
pub(crate) use time::Timestamp;
pub(crate) use timeline::{Interval, Window};
