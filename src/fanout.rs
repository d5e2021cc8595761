//! Asks one or several endpoints the same question concurrently, keeping each connection for the
//! next round of a watch, with a progress bar on stderr while several are outstanding.

use std::time::Duration;

use futures_util::future::join_all;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::Command;
use crate::config::{self, Endpoint, Settings, Target};
use crate::error::{Error, Result};
use crate::model::{Client, Collector, Session, SourceSummary, Subscription};
use crate::source::datarhei::Datarhei;
use crate::source::local::Local;
use crate::source::tchmi::Tchmi;
use crate::source::{Details, Source};

/// The question, as every source understands it.
#[derive(Debug, Clone)]
pub enum Ask {
    Active(Vec<Collector>),
    Summary(Vec<Collector>),
    Clients,
    Subscriptions(Details),
}

/// One target's reply.
#[derive(Debug)]
pub enum Answer {
    Sessions(Vec<Session>),
    Summary(SourceSummary),
    Clients(Vec<Client>),
    Subscriptions(Vec<Subscription>),
}

impl Answer {
    pub fn sessions(self) -> Option<Vec<Session>> {
        match self {
            Answer::Sessions(rows) => Some(rows),
            _ => None,
        }
    }

    pub fn clients(self) -> Option<Vec<Client>> {
        match self {
            Answer::Clients(rows) => Some(rows),
            _ => None,
        }
    }

    pub fn subscriptions(self) -> Option<Vec<Subscription>> {
        match self {
            Answer::Subscriptions(rows) => Some(rows),
            _ => None,
        }
    }
}

/// An open source of any kind (the trait's async methods make it no trait object).
enum Connection {
    Datarhei(Datarhei),
    Tchmi(Tchmi),
    Local(Box<Local>),
}

/// One endpoint: its label and its connection, or why it could not be opened.
pub struct Peer {
    pub name: Option<String>,
    connection: Result<Connection>,
}

/// Opens every endpoint (no network yet). An endpoint that cannot be opened keeps its error and
/// fails each round like an unreachable one.
pub fn open(settings: &Settings, command: &Command) -> Vec<Peer> {
    settings
        .endpoints
        .iter()
        .map(|ep| Peer {
            name: ep.name.clone(),
            connection: connect(ep, command),
        })
        .collect()
}

fn connect(ep: &Endpoint, command: &Command) -> Result<Connection> {
    match &ep.target {
        Target::Datarhei(url) => Ok(Connection::Datarhei(Datarhei::new(
            url.clone(),
            ep.credentials.clone(),
            ep.net.clone(),
        )?)),
        Target::Tchmi(url) => {
            refuse_collector_options(command)?;
            Ok(Connection::Tchmi(Tchmi::new(
                url.clone(),
                ep.credentials.clone(),
                ep.net.clone(),
            )?))
        }
        Target::Local => Ok(Connection::Local(Box::new(Local::new(
            crate::local_options(command, ep)?,
        )))),
    }
}

/// Options that would silently mean nothing to a TwinCAT HMI Server are refused: it has only
/// `tchmi` sessions and keeps no history of finished ones.
fn refuse_collector_options(command: &Command) -> Result<()> {
    let (asked, by) = match command {
        Command::Active(args) | Command::Watch(args) => (&args.collectors.collectors, false),
        Command::Summary(args) => (&args.collectors.collectors, args.by.is_some()),
        _ => return Ok(()),
    };
    if !asked.is_empty() {
        return Err(Error::Usage(
            "--collectors selects datarhei Core collectors; a TwinCAT HMI Server's sessions are all `tchmi`: leave it out".into(),
        ));
    }
    if by {
        return Err(Error::Usage(
            "--by breaks down the history of finished sessions, which a TwinCAT HMI Server does not keep".into(),
        ));
    }
    Ok(())
}

impl Peer {
    async fn ask(&mut self, ask: &Ask) -> Result<Answer> {
        match &mut self.connection {
            Ok(Connection::Datarhei(s)) => answer(s, ask).await,
            Ok(Connection::Tchmi(s)) => answer(s, ask).await,
            Ok(Connection::Local(s)) => answer(s.as_mut(), ask).await,
            Err(e) => Err(same(e)),
        }
    }

    /// How this peer is named in rows and error lines.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or("")
    }

    /// The error, saying which context it is about when the peer came from one.
    pub fn blame(&self, e: Error) -> Error {
        match &self.name {
            Some(name) => config::prefix(e, &format!("context '{name}': ")),
            None => e,
        }
    }
}

/// A kept error again, for the next round (errors are not `Clone`: `Output` holds an io::Error).
fn same(e: &Error) -> Error {
    match e {
        Error::Usage(m) => Error::Usage(m.clone()),
        Error::Unreachable(m) => Error::Unreachable(m.clone()),
        Error::BadReply(m) => Error::BadReply(m.clone()),
        Error::Auth(m) => Error::Auth(m.clone()),
        Error::Partial(m) => Error::Partial(m.clone()),
        Error::Output(io) => Error::Internal(io.to_string()),
        Error::Internal(m) => Error::Internal(m.clone()),
    }
}

async fn answer<S: Source>(source: &mut S, ask: &Ask) -> Result<Answer> {
    Ok(match ask {
        Ask::Active(collectors) => Answer::Sessions(source.active(collectors).await?),
        Ask::Summary(collectors) => Answer::Summary(source.summary(collectors).await?),
        Ask::Clients => Answer::Clients(source.clients().await?),
        Ask::Subscriptions(details) => Answer::Subscriptions(source.subscriptions(*details).await?),
    })
}

/// Asks every peer at once; the replies come back in peer order. With several peers and
/// `progress`, a bar on stderr counts the answers.
pub async fn ask_all(peers: &mut [Peer], ask: &Ask, progress: bool) -> Vec<Result<Answer>> {
    let bar = (progress && peers.len() > 1).then(|| progress_bar(peers.len()));
    let asks = peers.iter_mut().map(|peer| {
        let bar = bar.clone();
        async move {
            let reply = peer.ask(ask).await;
            if let Some(bar) = bar {
                bar.inc(1);
            }
            reply
        }
    });
    let replies = join_all(asks).await;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    replies
}

fn progress_bar(total: usize) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(
        Some(u64::try_from(total).unwrap_or(u64::MAX)),
        ProgressDrawTarget::stderr(),
    );
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} asking targets: {pos}/{len} answered")
    {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(100));
    bar
}
