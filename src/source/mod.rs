//! The sources `sessions` can ask, behind one trait: datarhei Core (HTTP), TwinCAT HMI Server
//! (WebSocket), this machine (local), MediaMTX, SRS, nginx-rtmp and Icecast, and the model
//! they fill.

mod clock;
pub mod datarhei;
mod derive;
pub mod icecast;
pub mod local;
#[cfg(test)]
mod loopback;
pub mod mediamtx;
pub mod net;
pub mod nginx_rtmp;
pub mod srs;
pub mod tchmi;
pub mod web;
mod xml;

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

    /// Disconnects one session this source listed (`kick`). A server that refuses is exit 4.
    // Called by the `kick` subcommand, which the lead wires after the layout change.
    #[allow(dead_code)]
    async fn kick(&mut self, _session: &Session) -> Result<()> {
        Err(Error::Usage(format!(
            "{} cannot disconnect a session: its API has no call for it",
            Self::NAME
        )))
    }
}

/// The collectors asked for that this source has, in the order asked (all it has when none
/// were). The others are left out quietly, so one `--collectors` list serves a fleet of mixed
/// servers; asking a source only for collectors it does not have is a usage error.
pub(crate) fn served<S: Source + ?Sized>(
    asked: &[Collector],
    has: &[Collector],
) -> Result<Vec<Collector>> {
    if asked.is_empty() {
        return Ok(has.to_vec());
    }
    let out: Vec<Collector> = asked.iter().copied().filter(|c| has.contains(c)).collect();
    if out.is_empty() {
        let names = |list: &[Collector]| {
            list.iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        return Err(Error::Usage(format!(
            "{} has no {} sessions (its collectors: {})",
            S::NAME,
            names(asked),
            names(has)
        )));
    }
    Ok(out)
}

fn hmi_only<S: Source + ?Sized>(command: &str) -> Error {
    Error::Usage(format!(
        "`{command}` needs a TwinCAT HMI Server (--url ws://HOST:PORT/ or wss://HOST:PORT/); {} cannot answer it",
        S::NAME
    ))
}
