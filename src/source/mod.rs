//! The sources `sessions` can ask, behind one trait: datarhei Core (HTTP) and this machine
//! (local), and the model they fill.

pub mod datarhei;
pub mod local;
pub mod net;

use crate::error::Result;
use crate::model::{Collector, CollectorSummary, Session};

/// What every source answers. A source fetches and normalizes; it never prints.
pub(crate) trait Source {
    /// Active sessions of the given collectors, in any order.
    async fn active(&mut self, collectors: &[Collector]) -> Result<Vec<Session>>;

    /// One summary per collector asked for, in collector order.
    async fn summary(&mut self, collectors: &[Collector]) -> Result<Vec<CollectorSummary>>;
}
