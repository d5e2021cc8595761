//! The fan-out every command shares: open each target once, ask them all the same question
//! concurrently (a progress bar on stderr while several are outstanding), and split what came
//! back into answers and failures; some failures among several targets mean exit 7.

use std::io::IsTerminal;
use std::time::Duration;

use futures_util::future::join_all;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::config::{Settings, Target};
use crate::diag;
use crate::error::{Error, Result};
use crate::source::local::LocalOptions;
use crate::source::{Answer, Ask, Connection, Kind};

/// How a command opens its targets: what it refuses for a kind of source, and the local
/// collector's options for a target that is this machine.
pub struct Opening<'a> {
    pub refuse: &'a dyn Fn(Kind) -> Result<()>,
    pub local: &'a dyn Fn(&Target) -> Result<LocalOptions>,
}

/// One target: its label and its connection, or why it could not be opened.
pub struct Peer {
    name: Option<String>,
    connection: Result<Connection>,
}

impl Peer {
    /// How this peer is named in rows and error lines.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or("")
    }

    /// The error, saying which context it is about when the peer came from one.
    pub fn blame(&self, e: Error) -> Error {
        let Some(name) = &self.name else {
            return e;
        };
        let prefix = format!("context '{name}': ");
        // A context that could not even be resolved already says which it is.
        if e.to_string().starts_with(&prefix) {
            return e;
        }
        e.context(prefix)
    }

    pub async fn ask(&mut self, ask: &Ask) -> Result<Answer> {
        match &mut self.connection {
            Ok(connection) => connection.ask(ask).await,
            Err(e) => Err(e.clone()),
        }
    }
}

/// Opens every target (no network yet). A target that cannot be opened keeps its error and
/// fails each round like an unreachable one.
pub fn open(settings: &Settings, how: &Opening<'_>) -> Vec<Peer> {
    settings
        .targets
        .iter()
        .map(|target| Peer {
            name: target.name.clone(),
            connection: match &target.broken {
                Some(e) => Err(e.clone()),
                None => (how.refuse)(target.kind)
                    .and_then(|()| Connection::open(target, &|| (how.local)(target))),
            },
        })
        .collect()
}

/// Whether a progress bar may be drawn: on a terminal and not `-q`.
pub fn progress(settings: &Settings) -> bool {
    !settings.quiet && std::io::stderr().is_terminal()
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

/// What the targets that answered said, each with its label, and the errors of the others.
pub struct Gathered {
    pub answers: Vec<(String, Answer)>,
    failures: Vec<Error>,
}

/// Opens every target, asks it `ask` once and gathers the replies. With a single target its
/// error is the result; when every target failed, the last one's error is.
pub async fn ask_once(settings: &Settings, how: &Opening<'_>, ask: &Ask) -> Result<Gathered> {
    let mut peers = open(settings, how);
    let replies = ask_all(&mut peers, ask, progress(settings)).await;
    let several = peers.len() > 1;
    let mut answers = Vec::with_capacity(replies.len());
    let mut failures = Vec::new();
    for (peer, reply) in peers.iter().zip(replies) {
        match reply {
            Ok(answer) => answers.push((peer.label().to_string(), answer)),
            Err(e) if several => failures.push(peer.blame(e)),
            Err(e) => return Err(peer.blame(e)),
        }
    }
    if answers.is_empty() {
        return Err(last_of(failures));
    }
    Ok(Gathered { answers, failures })
}

impl Gathered {
    /// After the answers were written: exit 7 when some targets failed, one line each.
    pub fn finish(self) -> Result<()> {
        if self.failures.is_empty() {
            return Ok(());
        }
        Err(Error::Partial(last_of(self.failures).to_string()))
    }
}

/// Every target's rows of one kind, with that target's label once per row.
pub fn labelled<T>(
    answers: Vec<(String, Answer)>,
    rows_of: fn(Answer) -> Option<Vec<T>>,
) -> (Vec<String>, Vec<T>) {
    let (mut labels, mut items) = (Vec::new(), Vec::new());
    for (label, answer) in answers {
        if let Some(rows) = rows_of(answer) {
            labels.extend(std::iter::repeat_n(label, rows.len()));
            items.extend(rows);
        }
    }
    (labels, items)
}

/// Each failure but the last as a line on stderr; the last is the result.
fn last_of(mut failures: Vec<Error>) -> Error {
    let last = failures.pop();
    for e in &failures {
        diag::error(format_args!("{e}"));
    }
    last.unwrap_or_else(|| Error::Internal("no target to ask".into()))
}
