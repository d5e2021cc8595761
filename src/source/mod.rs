//! The sources `sessions` can ask, behind one trait: datarhei Core (HTTP), TwinCAT HMI Server
//! (WebSocket) and this machine (local), and the model they fill.

pub mod datarhei;
pub mod local;
pub mod net;
pub mod tchmi;

use crate::error::{Error, Result};
use crate::model::{Client, Collector, Session, SourceSummary, Subscription};

/// What `subscriptions` asks the server to add: `--lengths` and `--durations`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Details {
    pub lengths: bool,
    pub durations: bool,
}

/// What every source answers. A source fetches and normalizes; it never prints.
pub(crate) trait Source {
    /// How error messages name this kind of source, e.g. "datarhei Core".
    const NAME: &'static str;

    /// Active sessions of the given collectors, in any order.
    async fn active(&mut self, collectors: &[Collector]) -> Result<Vec<Session>>;

    /// One summary per collector asked for, in collector order, or an HMI server's counts.
    async fn summary(&mut self, collectors: &[Collector]) -> Result<SourceSummary>;

    /// Connected clients: only a TwinCAT HMI Server knows them.
    async fn clients(&mut self) -> Result<Vec<Client>> {
        Err(hmi_only::<Self>("clients"))
    }

    /// Symbol subscriptions: only a TwinCAT HMI Server has them.
    async fn subscriptions(&mut self, _details: Details) -> Result<Vec<Subscription>> {
        Err(hmi_only::<Self>("subscriptions"))
    }
}

fn hmi_only<S: Source + ?Sized>(command: &str) -> Error {
    Error::Usage(format!(
        "`{command}` needs a TwinCAT HMI Server (--url ws://HOST:PORT/ or wss://HOST:PORT/); {} cannot answer it",
        S::NAME
    ))
}
