//! `sessions collect`: polls the local collector, notices sessions that ended, stores them (one
//! transaction per poll), prints each stored one as a JSON line, and serves the lot if asked.
//!
//! Three threads, so that none waits for another: this one polls; `writer` stores (and keeps
//! what a busy or full store cannot take yet); `serve` answers HTTP, reading the store on
//! blocking threads of its own runtime.

mod app;
mod core_json;
mod hosts;
mod listing;
mod serve;
mod token;
mod tracker;
mod writer;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::signal::unix::{Signal, SignalKind, signal};

use crate::cli::{CollectArgs, GlobalArgs};
use crate::config::{self, Place, Settings};
use crate::diag;
use crate::error::{Error, Result};
use crate::source::local::history::Store;
use crate::source::local::{Local, LocalOptions, default_db};
use app::App;
use hosts::Hosts;
use tracker::{Tracker, unix_now};
use writer::Writer;

use super::plan::port_map;

/// What `collect` refuses before settings are resolved: a token on its command line.
pub fn check_argv(global: &GlobalArgs, args: &CollectArgs) -> Result<()> {
    token::refuse_on_argv(global, args)
}

/// Everything a run needs, resolved and checked before anything starts.
struct Plan {
    local: LocalOptions,
    db: PathBuf,
    interval: Duration,
    listen: Option<SocketAddr>,
    app: App,
}

impl Plan {
    fn new(settings: &Settings, args: CollectArgs) -> Result<Plan> {
        let [target] = &settings.targets[..] else {
            return Err(not_local());
        };
        let Ok(Place::Local {
            port_map: context_map,
            token: global_token,
            timeout,
        }) = &target.place
        else {
            return Err(target.place.clone().err().unwrap_or_else(not_local));
        };
        super::refuse_prometheus(settings.output.format)?;
        let db = match &args.db {
            Some(db) => db.clone(),
            None => default_db(&config::process_env_var)?,
        };
        let token = token::resolve(
            &args,
            global_token.is_some(),
            &config::process_env_var,
            &mut std::io::stdin().lock(),
        )?;
        if let Some(addr) = args.listen
            && !addr.ip().is_loopback()
            && token.is_none()
        {
            return Err(Error::Usage(format!(
                "--listen {addr} is reachable from other machines: set a token with --token-file PATH or {} (clients send Authorization: Bearer TOKEN), or listen on 127.0.0.1",
                token::ENV
            )));
        }
        let timeout = *timeout;
        let listen = args.listen.unwrap_or(SocketAddr::from(([127, 0, 0, 1], 0)));
        let hosts = Hosts::new(listen, &args.allow_host, hosts::hostname().as_deref());
        Ok(Plan {
            local: LocalOptions {
                proc_root: args.local.proc_root.clone(),
                port_map: port_map(&args.local, context_map),
                sample: args.interval,
                db: Some(db.clone()),
                day: None,
                timeout,
                all: args.local.all,
            },
            app: App::new(db.clone(), token, hosts, timeout),
            db,
            interval: args.interval,
            listen: args.listen,
        })
    }
}

/// Runs until Ctrl-C or SIGTERM; everything recorded is committed by then.
pub async fn run(settings: &Settings, args: CollectArgs) -> Result<()> {
    let plan = Plan::new(settings, args)?;
    // The writer's lock first: a second collector stops here, before it binds or polls.
    let store = Store::open(&plan.db)?;
    let mut stop = Stop::new()?;
    let app = Arc::new(plan.app);
    if let Some(addr) = plan.listen {
        let bound = serve::start(addr, Arc::clone(&app))?;
        diag::trace(format_args!("serving on http://{bound}"));
    }
    diag::trace(format_args!(
        "recording finished sessions in {}",
        plan.db.display()
    ));
    let writer = Writer::start(store, plan.db.clone())?;
    let polled = poll(
        Local::new(plan.local),
        plan.interval,
        &app,
        &writer,
        &mut stop,
    )
    .await;
    let stored = writer.stop();
    diag::trace(format_args!(
        "stopped; the history is in {}",
        plan.db.display()
    ));
    polled.and(stored)
}

/// Looks every `interval` and hands what ended to the writer, until a signal (or until the
/// writer stops, which it does only when stdout is closed).
async fn poll(
    mut local: Local,
    interval: Duration,
    app: &App,
    writer: &Writer,
    stop: &mut Stop,
) -> Result<()> {
    let mut tracker = Tracker::default();
    let (mut before, procs) = local.look()?;
    tracker.update(local.sessions(None, &before, &procs), unix_now());
    app.publish(tracker.active());
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticker.tick().await;
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            () = stop.signalled() => return Ok(()),
        }
        let (now, procs) = local.look()?;
        let ended = tracker.update(local.sessions(Some(&before), &now, &procs), unix_now());
        before = now;
        app.publish(tracker.active());
        if !ended.is_empty() && !writer.send(ended) {
            return Ok(());
        }
    }
}

/// Ctrl-C and SIGTERM.
struct Stop {
    interrupt: Signal,
    terminate: Signal,
}

impl Stop {
    fn new() -> Result<Stop> {
        let watch = |kind, name| {
            signal(kind).map_err(|e| Error::Internal(format!("cannot watch for {name}: {e}")))
        };
        Ok(Stop {
            interrupt: watch(SignalKind::interrupt(), "Ctrl-C")?,
            terminate: watch(SignalKind::terminate(), "SIGTERM")?,
        })
    }

    async fn signalled(&mut self) {
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
    }
}

fn not_local() -> Error {
    Error::Usage("collect runs this machine's local collector: drop --url/--context".into())
}
