//! `sessions collect`: polls the local collector, notices sessions that ended, stores them (one
//! transaction per poll), prints each stored one as a JSON line, and serves the lot if asked.

mod core_json;
mod serve;
mod tracker;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use tokio::net::TcpListener;
use tokio::signal::unix::{SignalKind, signal};

use crate::cli::CollectArgs;
use crate::config::{self, Place, Settings};
use crate::diag;
use crate::error::{Error, Result};
use crate::source::local::history::{Finished, Store};
use crate::source::local::{Local, LocalOptions, default_db};
use serve::App;
use tracker::{Tracker, unix_now};

use super::plan::port_map;

/// Runs until Ctrl-C or SIGTERM; everything recorded is committed by then.
pub async fn run(settings: &Settings, args: CollectArgs) -> Result<()> {
    let [target] = &settings.targets[..] else {
        return Err(not_local());
    };
    let Ok(Place::Local {
        port_map: context_map,
        token,
    }) = &target.place
    else {
        return Err(target.place.clone().err().unwrap_or_else(not_local));
    };
    super::refuse_prometheus(settings.output.format)?;
    let port_map = port_map(&args.local, context_map);
    let db = match args.db {
        Some(db) => db,
        None => default_db(&config::process_env_var)?,
    };
    let token = token.clone();
    if let Some(addr) = args.listen
        && !addr.ip().is_loopback()
        && token.is_none()
    {
        return Err(Error::Usage(format!(
            "--listen {addr} is reachable from other machines: set a token with --token or SESSIONS_TOKEN (clients send Authorization: Bearer TOKEN), or listen on 127.0.0.1"
        )));
    }
    let mut store = Store::open(&db)?;
    let mut local = Local::new(LocalOptions {
        proc_root: args.local.proc_root.clone(),
        port_map,
        sample: args.interval,
        db: Some(db.clone()),
        day: None,
        all: args.local.all,
    });
    let mut interrupt = signal(SignalKind::interrupt())
        .map_err(|e| Error::Internal(format!("cannot watch for Ctrl-C: {e}")))?;
    let mut terminate = signal(SignalKind::terminate())
        .map_err(|e| Error::Internal(format!("cannot watch for SIGTERM: {e}")))?;
    let app = Arc::new(App {
        active: Mutex::new(Vec::new()),
        db: db.clone(),
        token,
        started: SystemTime::now(),
    });
    let server = match args.listen {
        Some(addr) => {
            let listener = TcpListener::bind(addr)
                .await
                .map_err(|e| Error::Usage(format!("cannot listen on {addr}: {e}")))?;
            diag::trace(format_args!(
                "serving on http://{}",
                listener.local_addr().map_or(addr, |a| a)
            ));
            Some(tokio::spawn(serve::serve(listener, Arc::clone(&app))))
        }
        None => None,
    };
    diag::trace(format_args!(
        "recording finished sessions in {}",
        db.display()
    ));
    let mut tracker = Tracker::default();
    let (mut before, procs) = local.look()?;
    tracker.update(local.sessions(None, &before, &procs), unix_now());
    publish(&app, &tracker);
    let mut ticker = tokio::time::interval(args.interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticker.tick().await;
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            _ = interrupt.recv() => break,
            _ = terminate.recv() => break,
        }
        let (now, procs) = local.look()?;
        let ended = tracker.update(local.sessions(Some(&before), &now, &procs), unix_now());
        before = now;
        publish(&app, &tracker);
        if ended.is_empty() {
            continue;
        }
        store
            .record(&ended)
            .map_err(|e| Error::Internal(format!("cannot record in {}: {e}", db.display())))?;
        print_finished(&ended)?;
    }
    if let Some(server) = server {
        server.abort();
    }
    diag::trace(format_args!("stopped; the history is in {}", db.display()));
    Ok(())
}

fn publish(app: &App, tracker: &Tracker) {
    let active = tracker.active();
    match app.active.lock() {
        Ok(mut slot) => *slot = active,
        Err(poisoned) => *poisoned.into_inner() = active,
    }
}

/// One JSON line per stored session: printed only after the commit, so a line on stdout is a
/// promise that the session is in the store.
fn print_finished(ended: &[Finished]) -> Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for f in ended {
        let line = serde_json::to_string(f)
            .map_err(|e| Error::Internal(format!("cannot encode a session: {e}")))?;
        writeln!(out, "{line}").map_err(Error::output)?;
    }
    out.flush().map_err(Error::output)
}

fn not_local() -> Error {
    Error::Usage("collect runs this machine's local collector: drop --url/--context".into())
}
