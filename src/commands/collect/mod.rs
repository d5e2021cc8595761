//! `sessions collect`: polls its targets (this machine by default, or `--url`/`--context`),
//! notices sessions that ended, stores them with the sessions still open (one transaction per
//! poll), prints each stored one as a JSON line, and serves the lot if asked.
//!
//! Three threads, so that none waits for another: this one polls; `writer` stores (and keeps
//! what a busy or full store cannot take yet); `serve` answers HTTP, reading the store on
//! blocking threads of its own runtime.

mod app;
mod core_json;
mod hosts;
mod listing;
mod metrics;
mod poller;
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
use crate::source::local::default_db;
use crate::source::local::history::Store;
use app::App;
use hosts::Hosts;
use poller::Poller;
use writer::Writer;

use super::plan::{LocalNeeds, Needs, Plan as Targets, store_name, store_timeout};

/// What `collect` refuses before settings are resolved: a token on its command line.
pub(super) fn check_argv(global: &GlobalArgs, args: &CollectArgs) -> Result<()> {
    token::refuse_on_argv(global, args)
}

/// Everything a run needs, resolved and checked before anything starts.
struct Plan {
    targets: Targets,
    names: Vec<String>,
    db: PathBuf,
    interval: Duration,
    listen: Option<SocketAddr>,
    keep: Option<Duration>,
    app: App,
}

impl Plan {
    fn new(settings: &Settings, args: &CollectArgs) -> Result<Plan> {
        super::refuse_prometheus(settings.output.format)?;
        let needs = Needs {
            local: Some(LocalNeeds {
                args: &args.local,
                sample: args.interval,
                history: None,
            }),
            ..Needs::default()
        };
        let targets = Targets::new(settings, &needs);
        let names: Vec<String> = settings.targets.iter().map(store_name).collect();
        if let Some(twice) = names
            .iter()
            .enumerate()
            .find_map(|(i, n)| names[..i].contains(n).then_some(n))
        {
            return Err(Error::Usage(format!(
                "{twice} is named twice: collect records each target once"
            )));
        }
        let db = match &args.db {
            Some(db) => db.clone(),
            None => default_db(&config::process_env_var)?,
        };
        let token = token::resolve(
            args,
            only_local_with_token(settings),
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
        let listen = args.listen.unwrap_or(SocketAddr::from(([127, 0, 0, 1], 0)));
        let hosts = Hosts::new(listen, &args.allow_host, hosts::hostname().as_deref());
        Ok(Plan {
            targets,
            names,
            app: App::new(db.clone(), token, hosts, store_timeout(settings)),
            db,
            interval: args.interval,
            listen: args.listen,
            keep: args.keep,
        })
    }
}

/// Whether the only token set is this machine's (`--token` of a local context): with no
/// server to send it to, it was meant for the listener.
fn only_local_with_token(settings: &Settings) -> bool {
    let places = || {
        settings
            .targets
            .iter()
            .filter_map(|t| t.place.as_ref().ok())
    };
    let servers = places().any(|p| matches!(p, Place::Server(_)));
    let local_token = places().any(|p| matches!(p, Place::Local { token: Some(_), .. }));
    local_token && !servers
}

/// Runs until Ctrl-C or SIGTERM; everything recorded is committed by then.
pub(super) async fn run(settings: &Settings, args: CollectArgs) -> Result<()> {
    let plan = Plan::new(settings, &args)?;
    // The writer's lock first: a second collector stops here, before it binds or polls.
    let store = Store::open(&plan.db)?;
    let poller = Poller::new(&plan.targets, plan.names, &plan.db, &store)?;
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
    let writer = Writer::start(store, plan.db.clone(), plan.keep)?;
    let polled = poll(poller, plan.interval, &app, &writer, &mut stop).await;
    let stored = writer.stop();
    diag::trace(format_args!(
        "stopped; the history is in {}",
        plan.db.display()
    ));
    polled.and(stored)
}

/// Looks every `interval` and hands each poll to the writer, until a signal (or until the
/// writer stops, which it does only when stdout is closed). A signal during a poll ends it:
/// what that poll saw is not stored, and the next run judges it again.
async fn poll(
    mut poller: Poller,
    interval: Duration,
    app: &App,
    writer: &Writer,
    stop: &mut Stop,
) -> Result<()> {
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            () = stop.signalled() => return Ok(()),
        }
        let polled = tokio::select! {
            polled = poller.poll() => polled?,
            () = stop.signalled() => return Ok(()),
        };
        app.publish(poller.snapshot());
        if !writer.send(polled) {
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
