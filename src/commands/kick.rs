//! `sessions kick`: disconnects the sessions named by id or selected by `--filter`, where the
//! server can. The selection is listed (as `active` lists it) and confirmed on a terminal;
//! without one, `--yes` is required. One outcome line per session on stdout.

use std::io::{BufRead, IsTerminal, Write};
use std::time::Duration;

use crate::cli::KickArgs;
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::model::{Collector, KickOutcome, Role, Session};
use crate::query::SessionQuery;
use crate::render::OutputFormat;
use crate::source::{Answer, Ask, http};
use crate::{diag, output, render};

use super::plan::{LocalNeeds, Needs, Plan};
use super::refuse_prometheus;
use super::targets::{self, Peer};

pub(super) async fn run(settings: &Settings, args: KickArgs) -> Result<()> {
    if args.ids.is_empty() && args.filter.is_empty() {
        return Err(Error::Usage(
            "name the sessions to disconnect: kick ID… (as `active` lists them) or --filter FIELD=VALUE".into(),
        ));
    }
    refuse_prometheus(settings.output.format)?;
    // The local collector cannot disconnect anything: it says so when asked to, after listing
    // the sessions as `active` does (the context's port map, `--port-map`), so the ids match.
    let needs = Needs {
        collectors: !args.collectors.collectors.is_empty(),
        by: None,
        local: Some(LocalNeeds {
            args: &args.local,
            sample: Duration::ZERO,
            history: None,
        }),
    };
    let plan = Plan::new(settings, &needs);
    let mut peers = targets::open(&plan);
    let chosen = choose(&mut peers, &plan, &args).await?;
    addressable(&chosen)?;
    let count: usize = chosen.iter().map(Vec::len).sum();
    if count == 0 {
        diag::note(format_args!("no session matches; nothing to disconnect"));
        return output::emit(settings.output.file.as_deref(), |w| {
            render::kicked(w, &[], None, &settings.output)
        });
    }
    if !args.yes && !confirmed(settings, &peers, &chosen, count)? {
        // Declining is an answer, not a mistake: exit 0, as `rm -i` does.
        diag::note(format_args!("nothing was disconnected"));
        return Ok(());
    }
    kick(settings, &mut peers, chosen).await
}

/// Each target's sessions that the ids and `--filter` select, as the targets list them now.
/// Nothing is chosen on a partial view (a target failed) or when a named id is not listed.
async fn choose(peers: &mut [Peer], plan: &Plan, args: &KickArgs) -> Result<Vec<Vec<Session>>> {
    let ask = Ask::Active(Collector::asked_or_all(&args.collectors.collectors));
    let replies = targets::ask_all(peers, &ask, plan.parallel, plan.progress).await;
    let query = SessionQuery {
        filters: args.filter.clone(),
        ..SessionQuery::default()
    };
    let mut failures = Vec::new();
    let mut listed: Vec<Vec<Session>> = Vec::with_capacity(peers.len());
    for (peer, reply) in peers.iter().zip(replies) {
        match reply {
            Ok(answer) => listed.push(query.apply(answer.sessions().unwrap_or_default())),
            Err(e) => {
                failures.push(peer.blame(e));
                listed.push(Vec::new());
            }
        }
    }
    if let Some(e) = failures.pop() {
        // Nothing is disconnected on a partial view: the user decides again with all targets.
        for other in &failures {
            diag::error(format_args!("{other}"));
        }
        return Err(e);
    }
    let ids = full_ids(&args.ids, &listed)?;
    Ok(listed
        .into_iter()
        .map(|sessions| {
            let named = sessions
                .into_iter()
                .filter(|s| ids.is_empty() || ids.iter().any(|id| *id == s.id))
                .collect();
            once_each(named)
        })
        .collect())
}

/// Each id as the targets list it: the session's own id, or the one id that starts with it
/// (tables on a terminal show ids shortened, as docker does). An id no session has, or a prefix
/// that more than one id shares, disconnects nothing.
fn full_ids(ids: &[String], listed: &[Vec<Session>]) -> Result<Vec<String>> {
    let all: std::collections::BTreeSet<&str> =
        listed.iter().flatten().map(|s| s.id.as_str()).collect();
    let mut full = Vec::with_capacity(ids.len());
    let mut missing = Vec::new();
    for id in ids {
        if let Some(exact) = all.get(id.as_str()) {
            full.push((*exact).to_string());
            continue;
        }
        let starting: Vec<&str> = all
            .iter()
            .copied()
            .filter(|s| s.starts_with(id.as_str()))
            .collect();
        match starting[..] {
            [one] => full.push(one.to_string()),
            [] => missing.push(format!("'{}'", crate::text::escape(id))),
            _ => {
                return Err(Error::Usage(format!(
                    "'{}' is the start of {} session ids: give more of it; nothing was disconnected",
                    crate::text::escape(id),
                    starting.len()
                )));
            }
        }
    }
    if missing.is_empty() {
        return Ok(full);
    }
    Err(Error::Usage(format!(
        "no session {} (see `sessions active`); nothing was disconnected",
        missing.join(", ")
    )))
}

/// Each session once: a TwinCAT HMI session is listed once per WebSocket (browser tabs share
/// it), and one `ForceLogout` ends it.
fn once_each(mut sessions: Vec<Session>) -> Vec<Session> {
    let mut seen = std::collections::HashSet::new();
    sessions.retain(|s| seen.insert((s.collector, s.id.clone())));
    sessions
}

/// Every chosen id names exactly one session in a request (`http::addressable`), checked before
/// anyone is asked or anything sent: one that would name another resource stops the command.
fn addressable(chosen: &[Vec<Session>]) -> Result<()> {
    for session in chosen.iter().flatten() {
        if let Err(e) = http::addressable(&session.id) {
            return Err(Error::Usage(format!("{e}; nothing was disconnected")));
        }
    }
    Ok(())
}

/// Shows the selection on stderr and asks. Without a terminal there is nobody to ask.
fn confirmed(
    settings: &Settings,
    peers: &[Peer],
    chosen: &[Vec<Session>],
    count: usize,
) -> Result<bool> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() || !std::io::stderr().is_terminal() {
        return Err(Error::Usage(
            "kick disconnects sessions: pass --yes to confirm when not on a terminal".into(),
        ));
    }
    let several = peers.len() > 1;
    let mut labels = Vec::new();
    let mut sessions = Vec::new();
    for (peer, list) in peers.iter().zip(chosen) {
        labels.extend(std::iter::repeat_n(peer.label().to_string(), list.len()));
        sessions.extend(list.iter().cloned());
    }
    let mut shown = settings.output.clone();
    shown.format = OutputFormat::Table;
    let mut err = std::io::stderr().lock();
    render::sessions(
        &mut err,
        &sessions,
        several.then_some(labels.as_slice()),
        &shown,
    )
    .and_then(|()| {
        sessions
            .iter()
            .filter_map(publisher_warning)
            .try_for_each(|w| writeln!(err, "warning: {w}"))
    })
    .and_then(|()| write!(err, "Disconnect {count} session(s)? [y/N] "))
    .and_then(|()| err.flush())
    .map_err(Error::output)?;
    let mut answer = String::new();
    stdin
        .lock()
        .read_line(&mut answer)
        .map_err(|e| Error::Internal(format!("cannot read the answer: {e}")))?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes"))
}

/// What disconnecting a publisher does besides: its stream ends for everyone watching it.
pub(super) fn publisher_warning(session: &Session) -> Option<String> {
    (session.role == Some(Role::Publisher)).then(|| {
        format!(
            "this disconnects the publisher of {}: every player of it stops",
            crate::text::escape(&session.reference)
        )
    })
}

/// Asks each target to disconnect its chosen sessions, writes one outcome per session, and
/// fails with the last refusal's exit code when any was refused.
async fn kick(settings: &Settings, peers: &mut [Peer], chosen: Vec<Vec<Session>>) -> Result<()> {
    let mut outcomes = Vec::new();
    let mut labels = Vec::new();
    let mut errors = Vec::new();
    for (peer, sessions) in peers.iter_mut().zip(chosen) {
        if sessions.is_empty() {
            continue;
        }
        let label = peer.label().to_string();
        let results = match peer.ask(&Ask::Kick(sessions.clone())).await {
            Ok(Answer::Kicked(results)) => results,
            Ok(_) => vec![Err(Error::Internal("no kick answer".into())); sessions.len()],
            // Nothing was tried (a source that cannot disconnect anyone): one error, no
            // outcome lines.
            Err(e) => {
                errors.push(peer.blame(e));
                continue;
            }
        };
        for (session, result) in sessions.iter().zip(results) {
            let error = result.err().map(|e| peer.blame(e));
            outcomes.push(KickOutcome::of(
                session,
                error.as_ref().map(ToString::to_string),
            ));
            labels.push(label.clone());
            errors.extend(error);
        }
    }
    let several = peers.len() > 1;
    // On an error without a single outcome, stdout stays empty (README: exit codes).
    if !outcomes.is_empty() || errors.is_empty() {
        output::emit(settings.output.file.as_deref(), |w| {
            render::kicked(
                w,
                &outcomes,
                several.then_some(labels.as_slice()),
                &settings.output,
            )
        })?;
    }
    // Each refusal is one line; the last one is the result, with its exit code.
    match errors.pop() {
        Some(last) => {
            for e in &errors {
                diag::error(format_args!("{e}"));
            }
            Err(last)
        }
        None => Ok(()),
    }
}
