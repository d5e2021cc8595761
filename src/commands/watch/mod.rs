//! `watch` and `active --watch`: polls every target's active sessions each interval and reports
//! the difference, as a redrawn table on a terminal or as NDJSON events otherwise.

mod frame;

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::pin::pin;
use std::time::SystemTime;

use serde::Serialize;
use tokio::signal::unix;

use crate::cli::ActiveArgs;
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::model::{Collector, Session};
use crate::query::SessionQuery;
use crate::render::OutputFormat;
use crate::render::screen::Screen;
use crate::source::{Answer, Ask};
use crate::{diag, output};

use super::plan::{Needs, Plan};
use super::refuse_prometheus;
use super::targets::{self, Peer};
use frame::{FirstSeen, Frame, status};

/// The targets that did not answer a round (by label), and why.
type Failed = Vec<(String, Error)>;

/// What identifies a session across polls: its target, collector and id.
type Key = (String, Collector, String);

/// A session as seen in one poll, with the target it came from.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Seen {
    pub target: String,
    pub session: Session,
}

impl Seen {
    fn key(&self) -> Key {
        (
            self.target.clone(),
            self.session.collector,
            self.session.id.to_string(),
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum Change {
    Added,
    Updated,
    Removed,
}

/// One NDJSON line: `{"event":…,"at":…,"target"?:…,"session":{…}}`; `target` only when several
/// targets are watched, so the session object is exactly `active`'s.
#[derive(Serialize)]
struct Event<'a> {
    event: Change,
    at: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    target: Option<&'a str>,
    session: &'a Session,
}

/// Whether the traffic of a session moved: its counters or rates (not its age, which always does).
fn changed(a: &Session, b: &Session) -> bool {
    a.rx_bytes != b.rx_bytes
        || a.tx_bytes != b.tx_bytes
        || a.rx_bit_s != b.rx_bit_s
        || a.tx_bit_s != b.tx_bit_s
}

/// The changes from `before` to `now`: added and updated in the order of `now`, then removed in
/// the order of `before`.
pub(super) fn diff<'a>(before: &'a [Seen], now: &'a [Seen]) -> Vec<(Change, &'a Seen)> {
    let old: HashMap<Key, &Seen> = before.iter().map(|s| (s.key(), s)).collect();
    let new: HashMap<Key, &Seen> = now.iter().map(|s| (s.key(), s)).collect();
    let mut changes = Vec::new();
    for seen in now {
        match old.get(&seen.key()) {
            None => changes.push((Change::Added, seen)),
            Some(prev) if changed(&prev.session, &seen.session) => {
                changes.push((Change::Updated, seen));
            }
            Some(_) => {}
        }
    }
    for seen in before {
        if !new.contains_key(&seen.key()) {
            changes.push((Change::Removed, seen));
        }
    }
    changes
}

pub(super) async fn run(settings: &Settings, args: ActiveArgs) -> Result<()> {
    let settings = &super::with_columns(settings, &args)?;
    refuse_prometheus(settings.output.format)?;
    if settings.output.file.is_some() {
        return Err(Error::Usage(
            "--output-file does not go with watch: it writes one snapshot; run `active --output-file` from cron instead".into(),
        ));
    }
    let plan = Plan::new(settings, &Needs::active(&args));
    let out = &settings.output;
    let redraw = out.terminal && matches!(out.format, OutputFormat::Table | OutputFormat::Wide);
    let mut watch = Watch {
        peers: targets::open(&plan),
        ask: Ask::Active(Collector::asked_or_all(&args.collectors.collectors)),
        query: args.query(),
        screen: None,
        before: Vec::new(),
        first_seen: FirstSeen::default(),
        answered: HashMap::new(),
        outages: HashMap::new(),
        rounds: 0,
        settings,
        args: &args,
    };
    let mut signals = Signals::new()?;
    if redraw {
        watch.screen = Some(Screen::enter(std::io::stdout()).map_err(Error::output)?);
    }
    let mut round: u64 = 0;
    loop {
        let progress = plan.progress && round == 0;
        let replies = tokio::select! {
            Signal::Stop = signals.next() => return Ok(()),
            replies = targets::ask_all(&mut watch.peers, &watch.ask, plan.parallel, progress) => replies,
        };
        round += 1;
        let shown = watch.show(replies)?;
        if args.rounds.is_some_and(|n| round >= n) || !watch.wait(&mut signals, &shown).await? {
            return Ok(());
        }
    }
}

/// A watch between rounds: its targets, what it asks, and what it showed last.
struct Watch<'a> {
    peers: Vec<Peer>,
    ask: Ask,
    query: SessionQuery,
    /// The alternate screen, when the table is redrawn in place.
    screen: Option<Screen<std::io::Stdout>>,
    before: Vec<Seen>,
    first_seen: FirstSeen,
    /// When each target last answered (`HH:MM:SS`, UTC as the status line's time).
    answered: HashMap<String, String>,
    /// The targets not answering now, each shown with its last answer until it answers again.
    outages: HashMap<String, Outage>,
    rounds: u64,
    settings: &'a Settings,
    args: &'a ActiveArgs,
}

/// A target that stopped answering: since when, and when its rows were last fresh.
#[derive(Debug, Clone)]
pub(super) struct Outage {
    pub since: String,
    pub last_seen: Option<String>,
}

/// `HH:MM:SS` of an RFC 3339 time: short enough for a status line, and the full time of the
/// round is on that line too.
fn clock(at: &str) -> String {
    at.get(11..19).unwrap_or(at).to_string()
}

impl Watch<'_> {
    /// Shows one round: the redrawn table (returned, to redraw on a resize) or NDJSON events.
    fn show(&mut self, replies: Vec<Result<Answer>>) -> Result<Option<(Frame, String)>> {
        let first = self.rounds == 0;
        self.rounds += 1;
        let (now, failed) = collect(&self.peers, replies, &self.before, first)?;
        let now = self
            .query
            .apply_in(now, |s| &s.session, |s| Some(&s.target));
        let down: HashSet<String> = failed.iter().map(|(label, _)| label.clone()).collect();
        let at = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
        let failed = self.note_outages(failed, &clock(&at));
        let changes = diff(&self.before, &now);
        let several = self.peers.len() > 1;
        let shown = match &mut self.screen {
            Some(screen) => {
                self.first_seen.update(&now);
                let lines = failed
                    .iter()
                    .map(|(label, e, o)| failure_line(label, e, o, several));
                let frame = Frame::new(
                    &now,
                    (&changes, &down),
                    &self.first_seen,
                    lines.collect(),
                    several,
                );
                let outage = failed.first().filter(|_| !several).map(|(_, _, o)| o);
                let status = status(self.args, &frame, &at, outage);
                frame.draw(screen, &status, self.settings)?;
                Some((frame, status))
            }
            None => {
                output::emit(None, |w| events(w, &changes, &at, several))?;
                None
            }
        };
        self.before = now;
        Ok(shown)
    }

    /// Records who answered and who did not this round; without a screen, says so on stderr
    /// once when a target goes down and once when it is back.
    fn note_outages(&mut self, failed: Failed, now: &str) -> Vec<(String, Error, Outage)> {
        let down: Vec<&str> = failed.iter().map(|(label, _)| label.as_str()).collect();
        for peer in &self.peers {
            let label = peer.label();
            if down.contains(&label) {
                continue;
            }
            self.answered.insert(label.to_string(), now.to_string());
            if let Some(outage) = self.outages.remove(label)
                && self.screen.is_none()
            {
                diag::note(format_args!(
                    "{}the server answers again (unreachable since {})",
                    context_prefix(label),
                    outage.since
                ));
            }
        }
        let mut out = Vec::with_capacity(failed.len());
        for (label, e) in failed {
            let outage = self.outages.entry(label.clone()).or_insert_with(|| {
                let outage = Outage {
                    since: now.to_string(),
                    last_seen: self.answered.get(&label).cloned(),
                };
                if self.screen.is_none() {
                    diag::warn(format_args!("{e} ({})", outage.describe(false)));
                }
                outage
            });
            let outage = outage.clone();
            out.push((label, e, outage));
        }
        out
    }

    /// Waits out the interval, redrawing on a resize; `false` when a signal ends the watch.
    async fn wait(
        &mut self,
        signals: &mut Signals,
        shown: &Option<(Frame, String)>,
    ) -> Result<bool> {
        let wake = tokio::time::sleep(self.args.interval);
        let mut wake = pin!(wake);
        loop {
            tokio::select! {
                () = &mut wake => return Ok(true),
                signal = signals.next() => match (signal, &mut self.screen, shown) {
                    (Signal::Stop, _, _) => return Ok(false),
                    (Signal::Resize, Some(screen), Some((frame, status))) => {
                        frame.draw(screen, status, self.settings)?;
                    }
                    (Signal::Resize, _, _) => {}
                },
            }
        }
    }
}

/// One NDJSON line per change.
fn events(
    w: &mut dyn Write,
    changes: &[(Change, &Seen)],
    at: &str,
    several: bool,
) -> std::io::Result<()> {
    for (event, seen) in changes {
        let line = Event {
            event: *event,
            at,
            target: several.then_some(seen.target.as_str()),
            session: &seen.session,
        };
        serde_json::to_writer(&mut *w, &line)?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

impl Outage {
    /// `unreachable since 03:18:15, retrying`, and on a screen `; rows as of 03:18:13`.
    pub(super) fn describe(&self, on_screen: bool) -> String {
        match &self.last_seen {
            Some(seen) if on_screen => {
                format!(
                    "unreachable since {}, retrying; rows as of {seen}",
                    self.since
                )
            }
            _ => format!("unreachable since {}, retrying", self.since),
        }
    }
}

/// `context 'edge': ` for a target from a context, as its errors begin.
fn context_prefix(label: &str) -> String {
    if label.is_empty() {
        String::new()
    } else {
        format!("context '{}': ", crate::text::escape(label))
    }
}

/// The line under the status line for a target that did not answer: with one target the
/// status line says since when, with several this line does.
/// The state comes before the error's detail, so a narrow screen cuts the detail.
fn failure_line(label: &str, e: &Error, outage: &Outage, several: bool) -> String {
    if !several {
        return format!("warning: {e}");
    }
    let text = e.to_string();
    let state = outage.describe(true);
    match text.strip_prefix(&super::targets::blame_prefix(label)) {
        Some(why) => format!("warning: context '{label}' {state}: {why}"),
        None => format!("warning: {state}: {text}"),
    }
}

/// This round's sessions, and the targets that did not answer with why: they keep their
/// previous sessions (no events for a blip) and are asked again next round. Only in the first
/// round, when there is nothing to keep, does a failure end the watch: a single target's, or the
/// last one's when all fail.
fn collect(
    peers: &[Peer],
    replies: Vec<Result<Answer>>,
    before: &[Seen],
    first: bool,
) -> Result<(Vec<Seen>, Failed)> {
    let mut now = Vec::new();
    let mut failed = Vec::new();
    for (peer, reply) in peers.iter().zip(replies) {
        let label = peer.label();
        match reply {
            Ok(Answer::Sessions(sessions)) => {
                now.extend(sessions.into_iter().map(|session| Seen {
                    target: label.to_string(),
                    session,
                }))
            }
            Ok(_) => {}
            Err(e) if first && peers.len() == 1 => return Err(peer.blame(e)),
            Err(e) => {
                now.extend(before.iter().filter(|s| s.target == label).cloned());
                failed.push((label.to_string(), peer.blame(e)));
            }
        }
    }
    if first
        && failed.len() == peers.len()
        && let Some((_, last)) = failed.pop()
    {
        for (_, e) in &failed {
            diag::error(format_args!("{e}"));
        }
        return Err(last);
    }
    Ok((now, failed))
}

/// What ends a watch (Ctrl-C, SIGTERM, SIGHUP: the terminal closed) or redraws it (the window
/// changed size). Caught rather than left to kill the process, so the screen is restored.
struct Signals {
    interrupt: unix::Signal,
    terminate: unix::Signal,
    hangup: unix::Signal,
    resize: unix::Signal,
}

enum Signal {
    Stop,
    Resize,
}

impl Signals {
    fn new() -> Result<Signals> {
        let on = |kind| {
            unix::signal(kind).map_err(|e| Error::Internal(format!("cannot catch a signal: {e}")))
        };
        Ok(Signals {
            interrupt: on(unix::SignalKind::interrupt())?,
            terminate: on(unix::SignalKind::terminate())?,
            hangup: on(unix::SignalKind::hangup())?,
            resize: on(unix::SignalKind::window_change())?,
        })
    }

    async fn next(&mut self) -> Signal {
        tokio::select! {
            _ = self.interrupt.recv() => Signal::Stop,
            _ = self.terminate.recv() => Signal::Stop,
            _ = self.hangup.recv() => Signal::Stop,
            _ = self.resize.recv() => Signal::Resize,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Text;

    fn seen(target: &str, id: &str, rx: u64) -> Seen {
        Seen {
            target: target.into(),
            session: Session {
                collector: Collector::Rtmp,
                id: id.into(),
                reference: Text::default(),
                local: Text::default(),
                remote: Text::default(),
                role: None,
                created_at: None,
                age_s: Some(rx),
                rx_bytes: Some(rx),
                tx_bytes: Some(0),
                rx_bit_s: Some(0.0),
                tx_bit_s: Some(0.0),
                extra: serde_json::Value::Null,
            },
        }
    }

    fn summary(changes: &[(Change, &Seen)]) -> Vec<(Change, String, String)> {
        changes
            .iter()
            .map(|(c, s)| (*c, s.target.clone(), s.session.id.to_string()))
            .collect()
    }

    #[test]
    fn sessions_are_added_updated_and_removed_by_target_collector_and_id() {
        let first = vec![seen("a", "x", 1), seen("a", "y", 1), seen("b", "x", 1)];
        assert_eq!(
            summary(&diff(&[], &first)),
            [
                (Change::Added, "a".into(), "x".into()),
                (Change::Added, "a".into(), "y".into()),
                (Change::Added, "b".into(), "x".into()),
            ]
        );
        // y moved bytes; x on b only aged, which is no update; x on a is gone; z is new.
        let mut b_aged = seen("b", "x", 1);
        b_aged.session.age_s = Some(99);
        let second = vec![seen("a", "y", 5), b_aged, seen("a", "z", 0)];
        assert_eq!(
            summary(&diff(&first, &second)),
            [
                (Change::Updated, "a".into(), "y".into()),
                (Change::Added, "a".into(), "z".into()),
                (Change::Removed, "a".into(), "x".into()),
            ]
        );
        assert!(diff(&second, &second).is_empty());
    }
}
