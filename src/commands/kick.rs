//! `sessions kick`: disconnects the sessions named by id or selected by `--filter`, where the
//! server can. The selection is listed (as `active` lists it) and confirmed on a terminal;
//! without one, `--yes` is required. One outcome line per session on stdout.

use std::io::{BufRead, IsTerminal, Write};

use crate::cli::{KickArgs, OutputFormat};
use crate::config::{Settings, Target};
use crate::error::{Error, Result};
use crate::model::{Collector, KickOutcome, Session};
use crate::query::SessionQuery;
use crate::source::local::LocalOptions;
use crate::source::{Answer, Ask, Kind, web};
use crate::{diag, output, render};

use super::refuse_collector_options;
use super::targets::{self, Opening, Peer};

pub async fn run(settings: &Settings, args: KickArgs) -> Result<()> {
    if args.ids.is_empty() && args.filter.is_empty() {
        return Err(Error::Usage(
            "name the sessions to disconnect: kick ID… (as `active` lists them) or --filter FIELD=VALUE".into(),
        ));
    }
    if settings.output.format == OutputFormat::Prometheus {
        return Err(Error::Usage(render::PROMETHEUS_IS_FOR.into()));
    }
    let refuse =
        |kind: Kind| refuse_collector_options(kind, !args.collectors.collectors.is_empty(), false);
    // The local collector cannot disconnect anything: it says so when asked to.
    let local = |_: &Target| Ok(LocalOptions::idle());
    let how = Opening {
        refuse: &refuse,
        local: &local,
    };
    let mut peers = targets::open(settings, &how);
    let progress = targets::progress(settings);
    let ask = Ask::Active(Collector::asked_or_all(&args.collectors.collectors));
    let replies = targets::ask_all(&mut peers, &ask, progress, targets::parallel(settings)).await;
    let mut failures = Vec::new();
    let mut chosen: Vec<Vec<Session>> = Vec::with_capacity(peers.len());
    let query = SessionQuery {
        filters: args.filter.clone(),
        ..SessionQuery::default()
    };
    for (peer, reply) in peers.iter().zip(replies) {
        match reply {
            Ok(answer) => {
                let listed = answer.sessions().unwrap_or_default();
                let named = listed
                    .into_iter()
                    .filter(|s| args.ids.is_empty() || args.ids.iter().any(|id| *id == s.id))
                    .collect();
                chosen.push(once_each(query.apply(named)));
            }
            Err(e) => {
                failures.push(peer.blame(e));
                chosen.push(Vec::new());
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
    let missing: Vec<&str> = args
        .ids
        .iter()
        .filter(|id| !chosen.iter().flatten().any(|s| s.id == **id))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(Error::Usage(format!(
            "no session {} (see `sessions active`); nothing was disconnected",
            missing
                .iter()
                .map(|id| format!("'{}'", crate::text::escape(id)))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    addressable(&chosen)?;
    let count: usize = chosen.iter().map(Vec::len).sum();
    if count == 0 {
        diag::note(format_args!("no session matches; nothing to disconnect"));
        return output::emit(settings.output.file.as_deref(), |w| {
            render::kicked(w, &[], None, &settings.output)
        });
    }
    if !args.yes && !confirmed(settings, &peers, &chosen, count)? {
        return Err(Error::Usage("nothing was disconnected".into()));
    }
    kick(settings, &mut peers, chosen).await
}

/// Each session once: a TwinCAT HMI session is listed once per WebSocket (browser tabs share
/// it), and one `ForceLogout` ends it.
fn once_each(mut sessions: Vec<Session>) -> Vec<Session> {
    let mut seen = std::collections::HashSet::new();
    sessions.retain(|s| seen.insert((s.collector, s.id.clone())));
    sessions
}

/// Every chosen id names exactly one session in a request (`web::addressable`), checked before
/// anyone is asked or anything sent: one that would name another resource stops the command.
fn addressable(chosen: &[Vec<Session>]) -> Result<()> {
    for session in chosen.iter().flatten() {
        if let Err(e) = web::addressable(&session.id) {
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
            Err(e) => vec![Err(e); sessions.len()],
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
    output::emit(settings.output.file.as_deref(), |w| {
        render::kicked(
            w,
            &outcomes,
            several.then_some(labels.as_slice()),
            &settings.output,
        )
    })?;
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
