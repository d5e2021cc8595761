//! `watch` and `active --watch`: polls every target's active sessions each interval and reports
//! the difference, as a redrawn table on a terminal or as NDJSON events otherwise.

use std::collections::HashMap;
use std::io::Write;
use std::pin::pin;
use std::time::SystemTime;

use serde::Serialize;

use crate::cli::{ActiveArgs, OutputFormat};
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::model::{Collector, Session};
use crate::render::{self, Mark};
use crate::source::{Answer, Ask};
use crate::{diag, output};

use super::targets::{self, Opening, Peer};
use super::{active, refuse_prometheus};

/// What identifies a session across polls: its target, collector and id.
type Key = (String, Collector, String);

/// A session as seen in one poll, with the target it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Seen {
    pub target: String,
    pub session: Session,
}

impl Seen {
    fn key(&self) -> Key {
        (
            self.target.clone(),
            self.session.collector,
            self.session.id.clone(),
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
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
pub fn diff<'a>(before: &'a [Seen], now: &'a [Seen]) -> Vec<(Change, &'a Seen)> {
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

pub async fn run(settings: &Settings, args: ActiveArgs) -> Result<()> {
    refuse_prometheus(settings.output.format)?;
    if settings.output.file.is_some() {
        return Err(Error::Usage(
            "--output-file does not go with watch: it writes one snapshot; run `active --output-file` from cron instead".into(),
        ));
    }
    if args.interval.is_zero() {
        return Err(Error::Usage(
            "--interval 0 would poll the server as fast as it answers; use e.g. 500ms or 2s".into(),
        ));
    }
    let (refuse, local) = (active::refuse(&args), active::local(&args));
    let how = Opening {
        refuse: &refuse,
        local: &local,
    };
    let peers = &mut targets::open(settings, &how);
    let progress = targets::progress(settings);
    let parallel = targets::parallel(settings);
    let out = &settings.output;
    let redraw = out.terminal && matches!(out.format, OutputFormat::Table | OutputFormat::Wide);
    let several = peers.len() > 1;
    let query = active::query(&args);
    let ask = Ask::Active(Collector::asked_or_all(&args.collectors.collectors));
    let mut ctrl_c = pin!(tokio::signal::ctrl_c());
    let mut before: Vec<Seen> = Vec::new();
    let mut round: u64 = 0;
    loop {
        let replies = tokio::select! {
            _ = &mut ctrl_c => return Ok(()),
            replies = targets::ask_all(peers, &ask, progress && round == 0, parallel) => replies,
        };
        round += 1;
        let now = collect(peers, replies, &before)?;
        let now = query.apply_by(now, |s| &s.session);
        let changes = diff(&before, &now);
        let at = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
        output::emit(None, |w| {
            if redraw {
                draw(w, &now, &changes, several, &args, &at, settings)
            } else {
                for (event, seen) in &changes {
                    let line = Event {
                        event: *event,
                        at: &at,
                        target: several.then_some(seen.target.as_str()),
                        session: &seen.session,
                    };
                    serde_json::to_writer(&mut *w, &line)?;
                    w.write_all(b"\n")?;
                }
                Ok(())
            }
        })?;
        before = now;
        if args.rounds.is_some_and(|n| round >= n) {
            return Ok(());
        }
        tokio::select! {
            _ = &mut ctrl_c => return Ok(()),
            () = tokio::time::sleep(args.interval) => {}
        }
    }
}

/// This round's sessions. A target that failed keeps its previous sessions (no events for a
/// blip) and gets a warning; with a single target, or when all fail, the error ends the watch.
fn collect(peers: &[Peer], replies: Vec<Result<Answer>>, before: &[Seen]) -> Result<Vec<Seen>> {
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
            Err(e) if peers.len() > 1 => {
                now.extend(before.iter().filter(|s| s.target == label).cloned());
                failed.push(peer.blame(e));
            }
            Err(e) => return Err(peer.blame(e)),
        }
    }
    if failed.len() == peers.len()
        && let Some(last) = failed.pop()
    {
        for e in &failed {
            diag::error(format_args!("{e}"));
        }
        return Err(last);
    }
    for e in &failed {
        diag::warn(format_args!("{e} (showing its last answer)"));
    }
    Ok(now)
}

/// Clears the terminal and draws the table: new sessions highlighted, gone ones dimmed for
/// this one round.
fn draw(
    w: &mut dyn Write,
    now: &[Seen],
    changes: &[(Change, &Seen)],
    several: bool,
    args: &ActiveArgs,
    at: &str,
    settings: &Settings,
) -> std::io::Result<()> {
    let gone: Vec<&Seen> = changes
        .iter()
        .filter(|(c, _)| *c == Change::Removed)
        .map(|(_, s)| *s)
        .collect();
    let added: Vec<Key> = changes
        .iter()
        .filter(|(c, _)| *c == Change::Added)
        .map(|(_, s)| s.key())
        .collect();
    let rows: Vec<&Seen> = now.iter().chain(gone.iter().copied()).collect();
    let sessions: Vec<Session> = rows.iter().map(|s| s.session.clone()).collect();
    let labels: Vec<String> = rows.iter().map(|s| s.target.clone()).collect();
    let mark = |i: usize| match rows.get(i) {
        Some(_) if i >= now.len() => Mark::Gone,
        Some(s) if added.contains(&s.key()) => Mark::New,
        _ => Mark::Plain,
    };
    w.write_all(b"\x1b[2J\x1b[H")?;
    writeln!(
        w,
        "every {}: {} sessions, {} new, {} gone ({at}; Ctrl-C to stop)\n",
        humantime::format_duration(args.interval),
        now.len(),
        added.len(),
        gone.len()
    )?;
    let targets = several.then_some(labels.as_slice());
    render::sessions_marked(w, &sessions, targets, &mark, &settings.output)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(target: &str, id: &str, rx: u64) -> Seen {
        Seen {
            target: target.into(),
            session: Session {
                collector: Collector::Rtmp,
                id: id.into(),
                reference: String::new(),
                local: String::new(),
                remote: String::new(),
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
            .map(|(c, s)| (*c, s.target.clone(), s.session.id.clone()))
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
