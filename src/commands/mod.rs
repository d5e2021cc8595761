//! One module per subcommand. `run` matches the parsed command once and hands each command its
//! own arguments; what several commands share (asking every target, the local collector's
//! options, the output-format rules) lives beside them.

mod active;
mod clients;
mod collect;
mod completions;
mod config;
mod kick;
mod subscriptions;
mod summary;
mod targets;
mod watch;

use std::time::Duration;

use crate::cli::{Cli, Command, GlobalArgs, LocalArgs, OutputFormat};
use crate::config::{self as settings, Env, Settings, Target};
use crate::diag;
use crate::error::{Error, Result};
use crate::model::PortMapping;
use crate::render::PROMETHEUS_IS_FOR;
use crate::source::Kind;
use crate::source::local::LocalOptions;
use crate::source::local::classify::PortMap;

/// Runs one parsed command line to completion.
pub fn run(cli: Cli) -> Result<()> {
    let Cli { global, command } = cli;
    diag::set(global.verbose, global.quiet);
    match command {
        Command::Completions { shell } => completions::run(&global, shell),
        Command::Config(command) => with_env(|env| config::run(&global, env, command)),
        Command::Active(args) => online(&global, async |s| active::run(s, args).await),
        Command::Summary(args) => online(&global, async |s| summary::run(s, args).await),
        Command::Clients => online(&global, async |s| clients::run(s).await),
        Command::Subscriptions(args) => {
            online(&global, async |s| subscriptions::run(s, args).await)
        }
        Command::Watch(args) => online(&global, async |s| watch::run(s, args).await),
        Command::Collect(args) => {
            collect::check_argv(&global, &args)?;
            online(&global, async |s| collect::run(s, args).await)
        }
        Command::Kick(args) => online(&global, async |s| kick::run(s, args).await),
    }
}

/// The process's environment, standard input and terminal, as settings are resolved from them.
fn with_env<T>(f: impl FnOnce(&mut Env<'_>) -> T) -> T {
    let stdin = std::io::stdin();
    let mut stdin = stdin.lock();
    let mut env = Env {
        var: &settings::process_env_var,
        stdin: &mut stdin,
        stdout_is_terminal: settings::stdout_is_terminal(),
    };
    f(&mut env)
}

/// Resolves the settings once, then runs the command on a single-threaded async runtime.
fn online(global: &GlobalArgs, command: impl AsyncFnOnce(&Settings) -> Result<()>) -> Result<()> {
    let settings = with_env(|env| settings::resolve(global, env))?;
    targets::raise_open_file_limit();
    if settings.targets.iter().any(|t| t.net.insecure) {
        diag::warn(format_args!(
            "--insecure: the server's TLS certificate is not verified"
        ));
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Internal(format!("cannot start the async runtime: {e}")))?;
    let result = runtime.block_on(command(&settings));
    // A reply parser stuck on a dead socket must not hold the exit.
    runtime.shutdown_background();
    result
}

/// An empty table on a terminal is a line on stderr (as kubectl's "No resources found") instead
/// of a lone header; a pipe or a file gets its header as always. Returns whether it was said.
fn nothing_to_show(settings: &Settings, empty: bool, notice: impl FnOnce() -> String) -> bool {
    let out = &settings.output;
    let said =
        empty && out.terminal && matches!(out.format, OutputFormat::Table | OutputFormat::Wide);
    if said {
        diag::note(format_args!("{}", notice()));
    }
    said
}

/// Where the answer came from, for such a notice: `context 'studio'`, the URL, `this machine`,
/// or `3 targets`.
fn asked_where(settings: &Settings) -> String {
    match settings.targets.as_slice() {
        [one] => match (&one.name, &one.url) {
            (Some(name), _) => format!("context '{}'", crate::text::escape(name)),
            (None, Some(url)) => url.to_string(),
            (None, None) => "this machine".into(),
        },
        many => format!("{} targets", many.len()),
    }
}

/// Every command but `summary` and `active --per-session` refuses `-o prometheus` before it
/// asks anything.
fn refuse_prometheus(format: OutputFormat) -> Result<()> {
    match format {
        OutputFormat::Prometheus => Err(Error::Usage(PROMETHEUS_IS_FOR.into())),
        _ => Ok(()),
    }
}

/// Options that would silently mean nothing to a source without collectors (a TwinCAT HMI
/// Server has only `tchmi` sessions and keeps no history) are that target's usage error.
fn refuse_collector_options(kind: Kind, collectors: bool, by: bool) -> Result<()> {
    if collectors && !kind.has_collectors() {
        return Err(Error::Usage(format!(
            "--collectors selects datarhei Core collectors; a {}'s sessions are all `{}`: leave it out",
            kind.describe(),
            kind.name()
        )));
    }
    if by && !kind.has_history() {
        return Err(Error::Usage(format!(
            "--by breaks down the history of finished sessions, which a {} does not keep",
            kind.describe()
        )));
    }
    Ok(())
}

/// The local collector's options at `target`: its port map, its sampling window, and for
/// `summary` the history store and day.
fn local_options(
    local: &LocalArgs,
    target: &Target,
    sample: Duration,
    history: Option<(std::path::PathBuf, Option<String>)>,
) -> Result<LocalOptions> {
    let (db, day) = history.map_or((None, None), |(db, day)| (Some(db), day));
    Ok(LocalOptions {
        proc_root: local.proc_root.clone(),
        port_map: port_map(local, target)?,
        sample,
        db,
        day,
        timeout: target.net.timeout,
        all: local.all,
    })
}

/// The defaults, then the context's `port_map`, then `--port-map`: each entry replaces (`=`) or
/// adds to (`+=`) its collector's ports so far, so a flag beats the config for its collector.
fn port_map(local: &LocalArgs, target: &Target) -> Result<PortMap> {
    let mut entries = target
        .port_map
        .iter()
        .map(|entry| {
            entry.parse::<PortMapping>().map_err(|e| {
                let name = target.name.as_deref().unwrap_or("");
                Error::Usage(format!(
                    "context '{}': port_map entry '{}': {e}",
                    crate::text::escape(name),
                    crate::text::escape(entry)
                ))
            })
        })
        .collect::<Result<Vec<_>>>()?;
    entries.extend(local.port_map.iter().cloned());
    Ok(PortMap::new(&entries))
}
