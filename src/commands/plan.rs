//! Each command's targets resolved once, before any fan-out: what the command refuses of each
//! kind of source and how the local collector looks, decided from plain values, so nothing is
//! called back per target.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use crate::cli::{ActiveArgs, LocalArgs};
use crate::config::{self, Configured, Place, Settings};
use crate::diag;
use crate::error::{Error, Result};
use crate::model::{Breakdown, PortMapping};
use crate::source::local::{LocalOptions, classify::PortMap, default_db};
use crate::source::{Kind, Server, Target};

/// The targets of one command, each ready to open, with how the fan-out may use them.
pub(super) struct Plan {
    pub targets: Vec<Planned>,
    /// `--parallel`, within the open-file limit.
    pub parallel: usize,
    /// Whether a progress bar may be drawn: on a terminal and not `-q`.
    pub progress: bool,
}

/// One target: its context name (the row label of a fleet) and what opens it, or why it cannot
/// be asked.
pub(super) struct Planned {
    pub name: Option<String>,
    pub target: Result<Target>,
}

/// What a command asks of its targets, as values.
#[derive(Default)]
pub(super) struct Needs<'a> {
    /// `--collectors` was given: a source without collectors refuses it.
    pub collectors: bool,
    /// `--by` was given, and of what: a source that keeps no finished sessions refuses
    /// `--finished`, one without collectors any `--by`.
    pub by: Option<Breakdown>,
    /// How the local collector looks; `None` for a command it cannot answer (it says so itself
    /// when asked).
    pub local: Option<LocalNeeds<'a>>,
}

/// The local collector's options a command sets.
pub(super) struct LocalNeeds<'a> {
    pub args: &'a LocalArgs,
    /// The window between the two samples that give the bit rates (also a server's that measures
    /// them by looking twice).
    pub sample: Duration,
    /// `summary` reads the history store: `--db` (else the default beside the config) and `--day`.
    pub history: Option<(Option<PathBuf>, Option<String>)>,
}

impl<'a> Needs<'a> {
    /// `active` and `watch`: `--collectors`, and the local collector samples for `--sample`.
    pub(super) fn active(args: &'a ActiveArgs) -> Needs<'a> {
        Needs {
            collectors: !args.collectors.collectors.is_empty(),
            by: None,
            local: Some(LocalNeeds {
                args: &args.local,
                sample: args.sample,
                history: None,
            }),
        }
    }
}

impl Plan {
    /// Every configured target as this command needs it. A target that cannot be asked keeps its
    /// error and fails on its own, like an unreachable one.
    pub(super) fn new(settings: &Settings, needs: &Needs<'_>) -> Plan {
        let targets = settings
            .targets
            .iter()
            .map(|configured| Planned {
                name: configured.name.clone(),
                target: needs.target(configured),
            })
            .collect();
        Plan {
            parallel: parallel(settings.parallel, settings.targets.len()),
            progress: !settings.quiet && std::io::stderr().is_terminal(),
            targets,
        }
    }

    pub(super) fn several(&self) -> bool {
        self.targets.len() > 1
    }
}

impl Needs<'_> {
    fn target(&self, configured: &Configured) -> Result<Target> {
        match &configured.place {
            Err(e) => Err(e.clone()),
            Ok(Place::Server(server)) => {
                self.refuse(server.kind)?;
                let sample = self.local.as_ref().map_or(Duration::ZERO, |l| l.sample);
                Ok(Target::Server(Server {
                    sample,
                    ..server.clone()
                }))
            }
            Ok(Place::Local {
                port_map, timeout, ..
            }) => Ok(Target::Local(self.local_options(port_map, *timeout)?)),
        }
    }

    /// Options that would silently mean nothing to a source without collectors (a TwinCAT HMI
    /// Server has only `tchmi` sessions and keeps no history) are that target's usage error.
    fn refuse(&self, kind: Kind) -> Result<()> {
        if self.collectors && !kind.has_collectors() {
            return Err(Error::Usage(format!(
                "--collectors selects datarhei Core collectors; {}'s sessions are all `{}`: leave it out",
                kind.with_article(),
                kind.name()
            )));
        }
        if self.by.is_some() && !kind.has_collectors() {
            return Err(Error::Usage(format!(
                "--by breaks down each collector's sessions, which {} does not have",
                kind.with_article()
            )));
        }
        if self.by == Some(Breakdown::Finished) && !kind.has_history() {
            return Err(Error::Usage(format!(
                "{} keeps no finished sessions: leave out --finished, or have `sessions collect` record them and read `sessions history`",
                kind.with_article()
            )));
        }
        Ok(())
    }

    /// The local collector's options: the context's port map with `--port-map` on top, the
    /// sampling window, and for `summary` the history store and day.
    fn local_options(
        &self,
        context_map: &[PortMapping],
        timeout: Duration,
    ) -> Result<LocalOptions> {
        let Some(local) = &self.local else {
            return Ok(LocalOptions::idle());
        };
        let (db, day) = match &local.history {
            None => (None, None),
            // Only summary reads the history; `active` works without a HOME.
            Some((db, day)) => (
                Some(match db {
                    Some(db) => db.clone(),
                    None => default_db(&config::process_env_var)?,
                }),
                day.clone(),
            ),
        };
        Ok(LocalOptions {
            proc_root: local.args.proc_root.clone(),
            port_map: port_map(local.args, context_map),
            sample: local.sample,
            db,
            day,
            timeout,
            all: local.args.all,
        })
    }
}

/// The defaults, then the context's `port_map`, then `--port-map`: each entry replaces (`=`) or
/// adds to (`+=`) its collector's ports so far, so a flag beats the config for its collector.
pub(super) fn port_map(local: &LocalArgs, context_map: &[PortMapping]) -> PortMap {
    let entries: Vec<PortMapping> = context_map.iter().chain(&local.port_map).cloned().collect();
    PortMap::new(&entries)
}

/// How a target is named in the history store: the context's name, the URL for `--url`,
/// `local` for this machine.
pub(super) fn store_name(configured: &Configured) -> String {
    match (&configured.name, &configured.place) {
        (Some(name), _) => name.clone(),
        (None, Ok(Place::Server(server))) => server.url.to_string(),
        (None, _) => "local".to_owned(),
    }
}

/// `--timeout` as the first target has it: the bound on a read of the history store.
pub(super) fn store_timeout(settings: &Settings) -> Duration {
    match settings.targets.first().map(|t| &t.place) {
        Some(Ok(Place::Server(server))) => server.net.timeout,
        Some(Ok(Place::Local { timeout, .. })) => *timeout,
        _ => Duration::from_secs(10),
    }
}

/// Says once that TLS is not verified, when a target was configured so.
pub(super) fn warn_insecure(settings: &Settings) {
    let insecure = settings.targets.iter().any(|t| match &t.place {
        Ok(Place::Server(server)) => server.net.insecure,
        _ => false,
    });
    if insecure {
        diag::warn(format_args!(
            "--insecure: the server's TLS certificate is not verified"
        ));
    }
}

/// Descriptors kept for everything but the targets: standard streams, the history store, the
/// runtime's own.
const RESERVED_FILES: u64 = 64;

/// `--parallel`, within the open-file limit: each target being asked holds a socket or two.
pub(super) fn parallel(asked: usize, targets: usize) -> usize {
    let limit = rustix::process::getrlimit(rustix::process::Resource::Nofile).current;
    let fits = limit.map_or(usize::MAX, |n| {
        usize::try_from(n.saturating_sub(RESERVED_FILES) / 2).unwrap_or(usize::MAX)
    });
    if asked > fits && targets > fits {
        diag::trace(format_args!(
            "asking {} targets at a time, not {asked}: the open-file limit is {}",
            fits.max(1),
            limit.unwrap_or(0)
        ));
    }
    asked.min(fits).max(1)
}

/// The most descriptors a fleet run asks for: enough for any `--parallel`, small enough that no
/// program this process starts (a `password_command`) meets a surprise.
const WANTED_FILES: u64 = 65_536;

/// Raises the soft open-file limit towards the hard one (the soft default is often 1024). A
/// system that refuses keeps its limit, and `parallel` stays within it.
pub(super) fn raise_open_file_limit() {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    let hard = limit.maximum.unwrap_or(WANTED_FILES).min(WANTED_FILES);
    if limit.current.is_some_and(|soft| soft < hard) {
        let raised = Rlimit {
            current: Some(hard),
            maximum: limit.maximum,
        };
        if let Err(e) = setrlimit(Resource::Nofile, raised) {
            diag::trace(format_args!(
                "cannot raise the open-file limit to {hard}: {e}"
            ));
        }
    }
}
