//! The one normalized shape every source fills; its serde derives are the JSON contract
//! (docs/json-schema.md).

mod collector;
mod context;
mod hmi;
mod session;
mod summary;
mod time;
mod timeline;

pub use collector::{Collector, PortMapping};
pub use context::{ContextField, ContextRow};
pub use hmi::{Client, ClientCommand, Subscription};
pub use session::{Ended, KickOutcome, Session, Text};
pub use summary::{
    BreakdownRow, CollectorSummary, GroupBy, History, HmiSummary, Limit, Load, MEBI, SourceSummary,
    Summary, TargetSummary, Totals, round3, sum_known,
};
pub use time::Timestamp;
pub use timeline::Interval;
