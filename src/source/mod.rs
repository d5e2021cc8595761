//! The registry of sources `sessions` can ask, the `Source` trait each one implements, and the
//! questions and answers that pass between a command and a source. A source fetches and
//! normalises into the model; it never prints and never sees clap.
//!
//! A new server is a folder here (private wire types, an `open` function, `impl Source`) plus one
//! line in `registry!` below.

pub(crate) mod budget;
mod clock;
mod computed;
pub(crate) mod datarhei;
pub(crate) mod decode;
pub(crate) mod http;
pub(crate) mod icecast;
pub(crate) mod local;
pub(crate) mod mediamtx;
pub(crate) mod net;
pub(crate) mod nginx_rtmp;
pub(crate) mod secrets;
mod sniff;
pub(crate) mod srs;
mod target;
pub(crate) mod tchmi;
pub(crate) mod tls;
pub(crate) mod xml;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;

use crate::error::{Error, Result};
use crate::model::{
    Breakdown, Client, Collector, CollectorSummary, Session, Subscription, SummaryAnswer,
};
pub(crate) use target::{Credentials, NetOptions, Secret, Server, Target};

/// What `subscriptions` asks the server to add: `--lengths` and `--durations`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct SubscriptionDetails {
    pub lengths: bool,
    pub durations: bool,
}

/// What every source answers. A source fetches and normalizes; it never prints.
pub(crate) trait Source {
    /// How error messages name this kind of source, e.g. "datarhei Core".
    const NAME: &'static str;

    /// Active sessions of the given collectors, in any order.
    async fn active(&mut self, collectors: &[Collector]) -> Result<Vec<Session>>;

    /// One summary per collector asked for, in collector order, or an HMI server's counts. With
    /// `breakdown`, each collector's history holds the groups `--by` breaks down: of its active
    /// sessions, or of the finished ones where the source keeps them.
    async fn summary(
        &mut self,
        collectors: &[Collector],
        breakdown: Option<Breakdown>,
    ) -> Result<SummaryAnswer>;

    /// Connected clients: only a TwinCAT HMI Server knows them.
    async fn clients(&mut self) -> Result<Vec<Client>> {
        Err(hmi_only::<Self>("clients"))
    }

    /// Symbol subscriptions: only a TwinCAT HMI Server has them.
    async fn subscriptions(&mut self, _details: SubscriptionDetails) -> Result<Vec<Subscription>> {
        Err(hmi_only::<Self>("subscriptions"))
    }

    /// Disconnects sessions this source listed (`kick`), all of them within one `--timeout`:
    /// one outcome each, in order. A server that refuses is exit 4; a source that cannot
    /// disconnect anyone is one usage error, not an outcome per session.
    async fn kick(&mut self, _sessions: &[Session]) -> Result<Vec<Result<()>>> {
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

/// The question a command puts to every target.
#[derive(Debug, Clone)]
pub(crate) enum Ask {
    Active(Vec<Collector>),
    Summary(Vec<Collector>, Option<Breakdown>),
    Clients,
    Subscriptions(SubscriptionDetails),
    /// Disconnect these sessions, each as this target listed it.
    Kick(Vec<Session>),
}

/// One target's reply.
#[derive(Debug)]
pub(crate) enum Answer {
    Sessions(Vec<Session>),
    Summary(SummaryAnswer),
    Clients(Vec<Client>),
    Subscriptions(Vec<Subscription>),
    /// One outcome per session asked to be kicked, in the order asked.
    Kicked(Vec<Result<()>>),
}

impl Answer {
    /// The first value that breaks the JSON contract's types, if any.
    fn out_of_range(&self) -> Option<String> {
        match self {
            Answer::Sessions(rows) => rows.iter().find_map(Session::out_of_range),
            Answer::Summary(SummaryAnswer::Collectors(rows)) => {
                rows.iter().find_map(CollectorSummary::out_of_range)
            }
            _ => None,
        }
    }

    pub(crate) fn sessions(self) -> Option<Vec<Session>> {
        match self {
            Answer::Sessions(rows) => Some(rows),
            _ => None,
        }
    }

    pub(crate) fn summary(self) -> Option<SummaryAnswer> {
        match self {
            Answer::Summary(summary) => Some(summary),
            _ => None,
        }
    }

    pub(crate) fn clients(self) -> Option<Vec<Client>> {
        match self {
            Answer::Clients(rows) => Some(rows),
            _ => None,
        }
    }

    pub(crate) fn subscriptions(self) -> Option<Vec<Subscription>> {
        match self {
            Answer::Subscriptions(rows) => Some(rows),
            _ => None,
        }
    }
}

type Reply<'a> = Pin<Box<dyn Future<Output = Result<Answer>> + 'a>>;

/// Any `Source` as a trait object: `Source`'s async methods make it none itself.
trait DynSource {
    fn answer<'a>(&'a mut self, ask: &'a Ask) -> Reply<'a>;
}

impl<S: Source> DynSource for S {
    fn answer<'a>(&'a mut self, ask: &'a Ask) -> Reply<'a> {
        Box::pin(async move {
            let answer = match ask {
                Ask::Active(collectors) => Answer::Sessions(self.active(collectors).await?),
                Ask::Summary(collectors, breakdown) => {
                    Answer::Summary(self.summary(collectors, *breakdown).await?)
                }
                Ask::Clients => Answer::Clients(self.clients().await?),
                Ask::Subscriptions(details) => {
                    Answer::Subscriptions(self.subscriptions(*details).await?)
                }
                Ask::Kick(sessions) => Answer::Kicked(self.kick(sessions).await?),
            };
            // A value the JSON contract cannot hold is refused, for every source, rather than
            // shown as null, `inf` or `@-5`.
            match answer.out_of_range() {
                Some(why) => Err(Error::BadReply(format!(
                    "{} sent a value out of range: {why}",
                    S::NAME
                ))),
                None => Ok(answer),
            }
        })
    }
}

/// An open source of any kind, kept between the rounds of a watch.
pub(crate) struct Connection(Box<dyn DynSource>);

impl Connection {
    fn new(source: impl Source + 'static) -> Connection {
        Connection(Box::new(source))
    }

    /// Opens `target` (no network yet).
    pub(crate) fn open(target: Target) -> Result<Connection> {
        match target {
            Target::Local(options) => Ok(Connection::new(local::Local::new(options))),
            Target::Server(server) => (server.kind.opener())(server),
        }
    }

    pub(crate) async fn ask(&mut self, ask: &Ask) -> Result<Answer> {
        self.0.answer(ask).await
    }
}

/// How a server's source is made from what reaches it.
trait Open: Source + Sized + 'static {
    fn open(server: Server) -> Result<Self>;
}

type Opener = fn(Server) -> Result<Connection>;

fn opener<S: Open>(server: Server) -> Result<Connection> {
    S::open(server).map(Connection::new)
}

/// This machine is a `Target::Local`, never a `Server`.
fn no_server(server: Server) -> Result<Connection> {
    Err(Error::Internal(format!(
        "{} is this machine and has no URL",
        server.kind
    )))
}

/// One line per source: its `--source` name, how messages name it, the URL schemes it takes
/// (the first source listing a scheme is the one a bare URL of that scheme means: http is
/// datarhei Core), whether `--collectors` and `--by` mean anything to it, and its `open`.
macro_rules! registry {
    ($($kind:ident => $name:literal, $describe:literal, [$($scheme:literal),*], collectors: $collectors:literal, history: $history:literal, $open:expr;)+) => {
        /// A kind of server `sessions` can ask (`--source`, a context's `source`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Kind { $($kind),+ }

        impl Kind {
            pub const ALL: &[Kind] = &[$(Kind::$kind),+];

            /// The name `--source` and the config file use.
            pub fn name(self) -> &'static str {
                match self { $(Kind::$kind => $name),+ }
            }

            /// How messages name this kind of server.
            pub fn describe(self) -> &'static str {
                match self { $(Kind::$kind => $describe),+ }
            }

            /// The URL schemes it is reached by; none for this machine.
            pub fn schemes(self) -> &'static [&'static str] {
                match self { $(Kind::$kind => &[$($scheme),*]),+ }
            }

            /// Whether it sorts sessions into collectors (`--collectors` means something to it).
            pub fn has_collectors(self) -> bool {
                match self { $(Kind::$kind => $collectors),+ }
            }

            /// Whether it keeps finished sessions (`--by` means something to it).
            pub fn has_history(self) -> bool {
                match self { $(Kind::$kind => $history),+ }
            }

            fn opener(self) -> Opener {
                match self { $(Kind::$kind => $open),+ }
            }
        }
    };
}

registry! {
    Local => "local", "this machine's local collector", [], collectors: true, history: true, no_server;
    Datarhei => "datarhei", "datarhei Core", ["http", "https"], collectors: true, history: true, opener::<datarhei::Datarhei>;
    Tchmi => "tchmi", "TwinCAT HMI Server", ["ws", "wss"], collectors: false, history: false, opener::<tchmi::Tchmi>;
    Mediamtx => "mediamtx", "MediaMTX", ["http", "https"], collectors: true, history: false, opener::<mediamtx::Mediamtx>;
    Srs => "srs", "SRS", ["http", "https"], collectors: true, history: false, opener::<srs::Srs>;
    NginxRtmp => "nginx-rtmp", "nginx-rtmp", ["http", "https"], collectors: true, history: false, opener::<nginx_rtmp::NginxRtmp>;
    Icecast => "icecast", "Icecast", ["http", "https"], collectors: true, history: false, opener::<icecast::Icecast>;
}

impl Kind {
    /// The collectors its sessions can be of: what `collect --listen` shows for it, a 0 where
    /// none is open.
    pub(crate) fn collectors(self) -> Vec<Collector> {
        match self {
            Kind::Local | Kind::Datarhei => Collector::CORE.to_vec(),
            Kind::Tchmi => vec![Collector::Tchmi],
            Kind::Mediamtx => mediamtx::wire::KINDS.map(|(c, _)| c).to_vec(),
            Kind::Srs => srs::COLLECTORS.to_vec(),
            Kind::NginxRtmp => vec![Collector::Rtmp],
            Kind::Icecast => icecast::COLLECTORS.to_vec(),
        }
    }

    /// Whether its sessions include the publishers of its streams, each with its role. Icecast
    /// lists listeners only; a Core's ingest is a process, not a publishing session; this
    /// machine's are its own connections.
    pub(crate) fn lists_publishers(self) -> bool {
        matches!(self, Kind::Mediamtx | Kind::Srs | Kind::NginxRtmp)
    }

    /// Every `--source` name, for help and errors.
    pub fn names() -> Vec<&'static str> {
        Kind::ALL.iter().map(|k| k.name()).collect()
    }

    /// `describe` after its indefinite article, as the name is said: "an SRS", "an Icecast",
    /// "a MediaMTX".
    pub fn with_article(self) -> String {
        let article = match self {
            Kind::Srs | Kind::Icecast | Kind::NginxRtmp => "an",
            Kind::Local | Kind::Datarhei | Kind::Tchmi | Kind::Mediamtx => "a",
        };
        format!("{article} {}", self.describe())
    }

    /// The kind a URL of this scheme means when `--source` is not given.
    pub fn for_scheme(scheme: &str) -> Option<Kind> {
        Kind::ALL
            .iter()
            .copied()
            .find(|k| k.schemes().contains(&scheme))
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Kind {
    type Err = String;

    fn from_str(s: &str) -> Result<Kind, String> {
        Kind::ALL
            .iter()
            .copied()
            .find(|k| k.name() == s)
            .ok_or_else(|| {
                format!(
                    "unknown source '{}' (valid: {})",
                    crate::text::escape(s),
                    Kind::names().join(", ")
                )
            })
    }
}

impl serde::Serialize for Kind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> serde::Deserialize<'de> for Kind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Kind, D::Error> {
        let name = String::deserialize(d)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_schemes_pick_the_first_source() {
        for kind in Kind::ALL {
            assert_eq!(kind.name().parse::<Kind>(), Ok(*kind));
        }
        assert_eq!(Kind::for_scheme("https"), Some(Kind::Datarhei));
        assert_eq!(Kind::for_scheme("wss"), Some(Kind::Tchmi));
        assert_eq!(Kind::for_scheme("ftp"), None);
        assert!(
            "nope\u{1b}"
                .parse::<Kind>()
                .unwrap_err()
                .contains("\\u{1b}")
        );
    }
}
