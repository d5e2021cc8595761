//! One module per subcommand. `run` matches the parsed command once and hands each command its
//! own arguments; what several commands share (asking every target, the local collector's
//! options, the output-format rules) lives beside them.

mod active;
mod clients;
mod collect;
mod completions;
mod config;
mod history;
mod kick;
mod plan;
mod subscriptions;
mod summary;
mod targets;
mod top;
mod watch;

use crate::cli::{Cli, Command, GlobalArgs};
use crate::config::{self as settings, Env, Place, Settings};
use crate::diag;
use crate::error::{Error, Result};
use crate::render::{OutputFormat, PROMETHEUS_IS_FOR};

/// Runs one parsed command line to completion.
pub fn run(cli: Cli) -> Result<()> {
    let Cli { global, command } = cli;
    diag::set(global.verbose, global.quiet);
    match command {
        Command::Completions { shell } => completions::run(&global, shell),
        Command::Config(command) => with_env(|env| config::run(&global, env, command)),
        Command::Active(args) if args.watch => online(&global, async |s| watch::run(s, args).await),
        Command::Active(args) => online(&global, async |s| active::run(s, args).await),
        Command::Summary(args) => online(&global, async |s| summary::run(s, args).await),
        Command::Clients => online(&global, async |s| clients::run(s).await),
        Command::Subscriptions(args) => {
            online(&global, async |s| subscriptions::run(s, args).await)
        }
        Command::Watch(args) => online(&global, async |s| watch::run(s, args).await),
        Command::Top(args) => online(&global, async |s| top::run(s, args).await),
        Command::Collect(args) => {
            collect::check_argv(&global, &args)?;
            online(&global, async |s| collect::run(s, args).await)
        }
        Command::Kick(args) => online(&global, async |s| kick::run(s, args).await),
        Command::History(args) => online(&global, async |s| history::run(s, args).await),
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
    plan::raise_open_file_limit();
    plan::warn_insecure(&settings);
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
        [one] => match (&one.name, &one.place) {
            (Some(name), _) => format!("context '{}'", crate::text::escape(name)),
            (None, Ok(Place::Server(server))) => server.url.to_string(),
            (None, _) => "this machine".into(),
        },
        many => format!("{} targets", many.len()),
    }
}

/// What a command can expose as Prometheus series, for the one `-o prometheus` rule.
enum Series {
    /// Lists without numbers to expose.
    None,
    /// `summary`: one series per collector; a `--by` breakdown has no place in it.
    Summary { by: bool },
    /// `summary --since`: a window of the history, which Prometheus keeps itself.
    Window,
    /// `active`: a series per session only when asked (`--per-session`: mind the cardinality).
    Sessions { per_session: bool },
}

/// `-o prometheus` is for `summary` and `active --per-session`; every other use is refused
/// before anything is asked.
fn check_prometheus(format: OutputFormat, series: Series) -> Result<()> {
    if format != OutputFormat::Prometheus {
        return Ok(());
    }
    let refusal = match series {
        Series::Summary { by: false } | Series::Sessions { per_session: true } => return Ok(()),
        Series::None => PROMETHEUS_IS_FOR,
        Series::Summary { by: true } => {
            "-o prometheus exports one series per collector and leaves --by out; drop --by, or use -o json for the breakdown"
        }
        Series::Window => {
            "-o prometheus exports the live figures, and Prometheus keeps their history itself; drop --since, or use -o json for the window"
        }
        Series::Sessions { per_session: false } => {
            "-o prometheus with active needs --per-session (one series per session; mind the cardinality), or use `summary -o prometheus` for the aggregates"
        }
    };
    Err(Error::Usage(refusal.into()))
}

/// Every command but `summary` and `active --per-session` refuses `-o prometheus`.
fn refuse_prometheus(format: OutputFormat) -> Result<()> {
    check_prometheus(format, Series::None)
}
/// The settings with `active`'s `--columns` in the output options (`active`, `watch`, `top`);
/// a `--filter target=` that names none of several targets is a usage error.
fn with_columns(settings: &Settings, args: &crate::cli::ActiveArgs) -> Result<Settings> {
    let names: Vec<&str> = settings
        .targets
        .iter()
        .filter_map(|t| t.name.as_deref())
        .collect();
    if settings.targets.len() > 1
        && let Some(why) = args.query().unknown_target(&names)
    {
        return Err(Error::Usage(why));
    }
    if settings.targets.len() < 2
        && !args.columns.is_empty()
        && args.columns.iter().all(|c| c.is_target())
    {
        return Err(Error::Usage(
            "--columns target: one target's rows have no TARGET column; name others too, or ask several targets".into(),
        ));
    }
    let mut settings = settings.clone();
    settings.output.columns.clone_from(&args.columns);
    Ok(settings)
}
