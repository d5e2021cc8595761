//! `sessions top`: the active sessions full screen, refreshed every `--interval`, to scroll,
//! filter, sort, inspect and disconnect with keys (htop's). Targets are asked as `watch` asks
//! them; a target that stops answering keeps its last sessions, marked stale, and is retried.
//! Between refreshes it sleeps on the terminal's events, so an idle `top` costs no CPU.

mod draw;
mod keys;
mod tty;
mod view;

use std::future::Future;
use std::io::IsTerminal;
use std::pin::Pin;
use std::time::{Duration, SystemTime};

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{self, Event};
use tokio::signal::unix;
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::cli::ActiveArgs;
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::model::Collector;
use crate::render::{OutputFormat, OutputOptions};
use crate::source::{Answer, Ask};

use super::plan::{Needs, Plan};
use super::targets::{self, Peer};
use view::{Row, View};

/// What the body shows, or what the status line asks.
pub(super) enum Mode {
    Table,
    Help,
    Details,
    /// `/`: the filter being typed.
    Filter(String),
    /// Ctrl-K: the session to disconnect, waiting for `y`.
    Confirm(Box<Row>),
}

/// One target's state between refreshes: since when it fails (the time, the error).
#[derive(Default)]
struct Standing {
    failing: Option<(String, String)>,
}

/// Everything `top` shows between two frames.
pub(super) struct Top {
    view: View,
    mode: Mode,
    /// A line for the status bar until the next key.
    message: Option<String>,
    standing: Vec<Standing>,
    labels: Vec<String>,
    targets: String,
    several: bool,
    interval: Duration,
    last_answer: Option<String>,
    output: OutputOptions,
}

const NOT_A_TERMINAL: &str = "top needs a terminal; use watch -o ndjson";

pub(super) async fn run(settings: &Settings, args: ActiveArgs) -> Result<()> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(Error::Usage(NOT_A_TERMINAL.into()));
    }
    if settings.output.file.is_some() {
        return Err(Error::Usage(
            "--output-file does not go with top: run `active --output-file` instead".into(),
        ));
    }
    let settings = &super::with_columns(settings, &args)?;
    let plan = Plan::new(settings, &Needs::active(&args));
    let peers = targets::open(&plan);
    let mut top = Top::new(settings, &args, &peers);
    let ask = Ask::Active(Collector::asked_or_all(&args.collectors.collectors));
    let _tty = tty::Tty::take().map_err(Error::output)?;
    let mut terminal =
        Terminal::new(CrosstermBackend::new(std::io::stdout())).map_err(Error::output)?;
    let mut events = terminal_events();
    let mut stops = Stops::new()?;
    let mut poller = Poller::new(peers, ask, plan.parallel, args.interval);
    loop {
        poller.start_if_due();
        terminal
            .draw(|f| draw::frame(f, &mut top))
            .map_err(Error::output)?;
        tokio::select! {
            got = events.recv() => match got {
                Some(event) => {
                    if top.on_event(&event, &mut poller) == keys::Then::Quit {
                        return Ok(());
                    }
                }
                None => return Ok(()),
            },
            replies = poller.next() => if let Some(replies) = replies {
                top.take(replies);
            },
            () = stops.next() => return Ok(()),
        }
        if let Some(row) = poller.kick_ready() {
            top.message = Some(poller.kick(&top.labels, &row).await);
            poller.now();
        }
    }
}

impl Top {
    fn new(settings: &Settings, args: &ActiveArgs, peers: &[Peer]) -> Top {
        let labels: Vec<String> = peers.iter().map(|p| p.label().to_string()).collect();
        let targets = match labels.as_slice() {
            [one] if one.is_empty() => super::asked_where(settings),
            _ => labels.join(", "),
        };
        let mut output = settings.output.clone();
        if output.format != OutputFormat::Wide {
            output.format = OutputFormat::Table;
        }
        Top {
            view: View::new(args.query()),
            mode: Mode::Table,
            message: None,
            standing: peers.iter().map(|_| Standing::default()).collect(),
            several: peers.len() > 1,
            labels,
            targets,
            interval: args.interval,
            last_answer: None,
            output,
        }
    }

    /// A round's replies: each target's sessions, or its last ones while it fails (kept only
    /// in the view, so a reply is held once).
    fn take(&mut self, replies: Vec<Result<Answer>>) {
        let now = clock(SystemTime::now());
        let mut rows = Vec::new();
        let mut stale = Vec::new();
        for ((label, standing), reply) in self.labels.iter().zip(&mut self.standing).zip(replies) {
            match reply {
                Ok(answer) => {
                    let sessions = answer.sessions().unwrap_or_default();
                    rows.extend(sessions.into_iter().map(|s| (label.clone(), s)));
                    standing.failing = None;
                    self.last_answer = Some(now.clone());
                }
                Err(e) => {
                    let since = standing.failing.take().map_or(now.clone(), |(s, _)| s);
                    standing.failing = Some((since, crate::text::one_line(&e.to_string())));
                    stale.push(label.as_str());
                }
            }
        }
        let kept =
            self.view.rows.iter().filter(|r| {
                r.mark != crate::render::Mark::Gone && stale.contains(&r.target.as_str())
            });
        rows.extend(kept.map(|r| (r.target.clone(), r.session.clone())));
        self.view.replace(rows);
    }

    /// The status line: a question, a message, the failing targets, or the keys.
    fn status(&self) -> String {
        match &self.mode {
            Mode::Filter(text) => return format!("/{text}"),
            Mode::Confirm(row) => {
                let warning = super::kick::publisher_warning(&row.session)
                    .map_or_else(String::new, |w| format!(" ({w})"));
                return format!(
                    "Disconnect {} {}{warning}? [y/N]",
                    row.session.collector,
                    crate::text::escape(&row.session.id)
                );
            }
            _ => {}
        }
        if let Some(message) = &self.message {
            return message.clone();
        }
        let failing: Vec<String> = self
            .labels
            .iter()
            .zip(&self.standing)
            .filter_map(|(label, s)| {
                let (since, _) = s.failing.as_ref()?;
                let who = if label.is_empty() { "target" } else { label };
                Some(format!(
                    "{who}: unreachable since {since}, retrying (stale)"
                ))
            })
            .collect();
        if failing.is_empty() {
            "q quit  ? keys  / filter  < > sort  I reverse  Enter details  Ctrl-K kick".into()
        } else {
            failing.join("; ")
        }
    }

    /// What the body says when no row is shown.
    fn empty_note(&self) -> String {
        let failing = self.standing.iter().find_map(|s| s.failing.as_ref());
        match (failing, self.last_answer.is_some()) {
            (Some((_, why)), false) => why.clone(),
            (_, false) => "asking…".into(),
            _ if !self.view.typed_text.is_empty() => "No session matches the filter".into(),
            _ => "No active sessions".into(),
        }
    }
}

/// `04:50:12 UTC`.
fn clock(at: SystemTime) -> String {
    let stamp = humantime::format_rfc3339_seconds(at).to_string();
    format!("{} UTC", stamp.get(11..19).unwrap_or(&stamp))
}

/// The terminal's events (keys, resizes), read on a thread of their own: reading blocks.
fn terminal_events() -> mpsc::UnboundedReceiver<Event> {
    let (tx, rx) = mpsc::unbounded_channel();
    std::thread::spawn(move || {
        while let Ok(event) = event::read() {
            if tx.send(event).is_err() {
                break;
            }
        }
    });
    rx
}

type Asking = Pin<Box<dyn Future<Output = (Vec<Peer>, Vec<Result<Answer>>)>>>;

/// The targets, asked every interval; a kick waits for the round being asked.
pub(super) struct Poller {
    peers: Option<Vec<Peer>>,
    asking: Option<Asking>,
    ask: Ask,
    parallel: usize,
    interval: Duration,
    next: Instant,
    kick: Option<Row>,
}

impl Poller {
    fn new(peers: Vec<Peer>, ask: Ask, parallel: usize, interval: Duration) -> Poller {
        Poller {
            peers: Some(peers),
            asking: None,
            ask,
            parallel,
            interval,
            next: Instant::now(),
            kick: None,
        }
    }

    fn start_if_due(&mut self) {
        if self.asking.is_some() || Instant::now() < self.next {
            return;
        }
        let Some(mut peers) = self.peers.take() else {
            return;
        };
        let (ask, parallel) = (self.ask.clone(), self.parallel);
        self.next = Instant::now() + self.interval;
        self.asking = Some(Box::pin(async move {
            let replies = targets::ask_all(&mut peers, &ask, parallel, false).await;
            (peers, replies)
        }));
    }

    /// The replies of the round being asked, or `None` when the next round is due.
    async fn next(&mut self) -> Option<Vec<Result<Answer>>> {
        let Some(asking) = self.asking.as_mut() else {
            tokio::time::sleep_until(self.next).await;
            return None;
        };
        let (peers, replies) = asking.await;
        self.asking = None;
        self.peers = Some(peers);
        Some(replies)
    }

    /// Asks again at once (after a kick, to show it).
    fn now(&mut self) {
        self.next = Instant::now();
    }

    fn kick_ready(&mut self) -> Option<Row> {
        if self.peers.is_some() {
            self.kick.take()
        } else {
            None
        }
    }

    /// Disconnects the session at its target; the outcome as a status line.
    async fn kick(&mut self, labels: &[String], row: &Row) -> String {
        let at = labels.iter().position(|l| *l == row.target);
        let (Some(at), Some(peers)) = (at, self.peers.as_mut()) else {
            return "its target is gone; nothing was disconnected".into();
        };
        let id = crate::text::escape(&row.session.id).into_owned();
        let result = match peers[at].ask(&Ask::Kick(vec![row.session.clone()])).await {
            Ok(Answer::Kicked(mut results)) => results.pop().unwrap_or(Ok(())),
            Ok(_) => Err(Error::Internal("no kick answer".into())),
            Err(e) => Err(e),
        };
        match result {
            Ok(()) => format!("disconnected {} {id}", row.session.collector),
            Err(e) => crate::text::one_line(&format!("not disconnected: {e}")),
        }
    }
}

/// SIGTERM, SIGHUP (the terminal closed) and SIGINT from elsewhere end `top`, restoring the
/// terminal; Ctrl-C typed is a key in raw mode.
struct Stops {
    terminate: unix::Signal,
    hangup: unix::Signal,
    interrupt: unix::Signal,
}

impl Stops {
    fn new() -> Result<Stops> {
        let on = |kind| {
            unix::signal(kind).map_err(|e| Error::Internal(format!("cannot catch a signal: {e}")))
        };
        Ok(Stops {
            terminate: on(unix::SignalKind::terminate())?,
            hangup: on(unix::SignalKind::hangup())?,
            interrupt: on(unix::SignalKind::interrupt())?,
        })
    }

    async fn next(&mut self) {
        tokio::select! {
            _ = self.terminate.recv() => {}
            _ = self.hangup.recv() => {}
            _ = self.interrupt.recv() => {}
        }
    }
}
