//! `sessions`: who is connected to a streaming or HMI server right now. `run` is the whole program
//! after argument parsing.

pub mod cli;
pub mod config;
mod config_cmd;
pub mod config_file;
mod diag;
pub mod docs;
pub mod error;
mod fanout;
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing;
pub mod model;
mod output;
pub mod query;
mod render;
mod source;
mod text;
mod tls;
mod watch;

use std::io::IsTerminal;

use cli::{ActiveArgs, Cli, Command, LocalArgs, OutputFormat};
use config::{Endpoint, Env, Settings, Target};
use error::{Error, Result};
use fanout::{Answer, Ask, Peer};
use model::{Collector, Session, SourceSummary, TargetSummary};
use query::SessionQuery;
use source::Details;
use source::local::LocalOptions;
use source::local::classify::{PortMap, PortMapping};

/// Runs one parsed command line to completion.
pub fn run(cli: Cli) -> Result<()> {
    if let Command::Completions { shell } = cli.command {
        let script = docs::completion_script(shell);
        return output::emit(cli.global.output_file.as_deref(), |w| w.write_all(&script));
    }
    diag::set(cli.global.verbose, cli.global.quiet);
    let stdin = std::io::stdin();
    let mut stdin = stdin.lock();
    let mut env = Env {
        var: &config::process_env_var,
        stdin: &mut stdin,
        stdout_is_terminal: config::stdout_is_terminal(),
    };
    if let Command::Config(command) = cli.command {
        return config_cmd::run(&cli.global, &env, command);
    }
    let settings = config::resolve(&cli.global, &mut env)?;
    if settings.endpoints.iter().any(|ep| ep.net.insecure) {
        diag::warn(format_args!(
            "--insecure: the server's TLS certificate is not verified"
        ));
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Internal(format!("cannot start the async runtime: {e}")))?;
    let result = runtime.block_on(execute(&settings, cli.command));
    // A reply parser stuck on a dead socket must not hold the exit.
    runtime.shutdown_background();
    result
}

async fn execute(settings: &Settings, command: Command) -> Result<()> {
    check_format(&command, settings.output.format)?;
    let remote = settings
        .endpoints
        .iter()
        .any(|ep| !matches!(ep.target, Target::Local));
    if remote && matches!(&command, Command::Summary(s) if s.day.is_some()) {
        return Err(Error::Usage(
            "--day reads this machine's history (no --url); a server keeps no days".into(),
        ));
    }
    if let Command::Collect(args) = command {
        return match &settings.endpoints[..] {
            [ep] if matches!(ep.target, Target::Local) => {
                let port_map = port_map(&args.local, ep)?;
                source::local::collect::run(ep, port_map, args).await
            }
            _ => Err(Error::Usage(
                "collect runs this machine's local collector: drop --url/--context".into(),
            )),
        };
    }
    let mut peers = fanout::open(settings, &command);
    let progress = !settings.quiet && std::io::stderr().is_terminal();
    match command {
        Command::Watch(args) => watch::run(&mut peers, settings, &args, progress).await,
        Command::Active(args) if args.watch => {
            watch::run(&mut peers, settings, &args, progress).await
        }
        command => {
            let ask = question(&command);
            let replies = fanout::ask_all(&mut peers, &ask, progress).await;
            let (answers, failures) = partition(&peers, replies)?;
            render(settings, command, answers)?;
            partial(failures)
        }
    }
}

/// `-o prometheus` only where there are numbers to expose: refused before anything is asked.
fn check_format(command: &Command, format: OutputFormat) -> Result<()> {
    if format != OutputFormat::Prometheus {
        return Ok(());
    }
    match command {
        Command::Summary(_) => Ok(()),
        Command::Active(args) if args.per_session && !args.watch => Ok(()),
        Command::Active(args) if !args.watch => Err(Error::Usage(
            "-o prometheus with active needs --per-session (one series per session; mind the cardinality), or use `summary -o prometheus` for the aggregates".into(),
        )),
        _ => Err(Error::Usage(
            "-o prometheus is for `summary` and `active --per-session`".into(),
        )),
    }
}

fn question(command: &Command) -> Ask {
    match command {
        Command::Active(args) | Command::Watch(args) => {
            Ask::Active(chosen(&args.collectors.collectors))
        }
        Command::Summary(args) => Ask::Summary(chosen(&args.collectors.collectors)),
        Command::Clients => Ask::Clients,
        Command::Subscriptions(args) => Ask::Subscriptions(Details {
            lengths: args.lengths,
            durations: args.durations,
        }),
        // `run` and `execute` answer these themselves and never ask a source for them.
        Command::Config(_) | Command::Collect(_) | Command::Completions { .. } => Ask::Clients,
    }
}

/// What the targets that answered said, each with its label, and the errors of the others.
type Outcome = (Vec<(String, Answer)>, Vec<Error>);

/// The answers that came, labelled, and one line per target that failed. With a single target
/// its error is the result as it always was; when every target failed, the last one's error is.
fn partition(peers: &[Peer], replies: Vec<Result<Answer>>) -> Result<Outcome> {
    let several = peers.len() > 1;
    let mut answers = Vec::with_capacity(replies.len());
    let mut failures = Vec::new();
    for (peer, reply) in peers.iter().zip(replies) {
        match reply {
            Ok(answer) => answers.push((peer.label().to_string(), answer)),
            Err(e) if several => failures.push(peer.blame(e)),
            Err(e) => return Err(peer.blame(e)),
        }
    }
    if answers.is_empty() {
        let last = failures.pop();
        for e in &failures {
            diag::error(format_args!("{e}"));
        }
        return Err(last.unwrap_or_else(|| Error::Internal("no target to ask".into())));
    }
    Ok((answers, failures))
}

/// Exit 7 when some targets failed: each failure is one line, the last one as the result.
fn partial(mut failures: Vec<Error>) -> Result<()> {
    let Some(last) = failures.pop() else {
        return Ok(());
    };
    for e in &failures {
        diag::error(format_args!("{e}"));
    }
    Err(Error::Partial(last.to_string()))
}

/// Writes what the targets answered, labelled with their target when there are several.
fn render(settings: &Settings, command: Command, answers: Vec<(String, Answer)>) -> Result<()> {
    let out = &settings.output;
    let several = settings.endpoints.len() > 1;
    match command {
        Command::Active(args) if !several => {
            // One target: no label per row, so a 100,000-session reply is held once.
            let sessions = answers
                .into_iter()
                .find_map(|(_, answer)| answer.sessions())
                .unwrap_or_default();
            let sessions = session_query(&args).apply(sessions);
            output::emit(out.file.as_deref(), |w| {
                render::sessions(w, &sessions, None, out)
            })
        }
        Command::Active(args) => {
            let query = session_query(&args);
            let mut rows: Vec<(String, Session)> = Vec::new();
            for (label, answer) in answers {
                if let Some(sessions) = answer.sessions() {
                    rows.extend(sessions.into_iter().map(|s| (label.clone(), s)));
                }
            }
            let (labels, sessions): (Vec<String>, Vec<Session>) =
                query.apply_by(rows, |(_, s)| s).into_iter().unzip();
            let targets = several.then_some(labels.as_slice());
            output::emit(out.file.as_deref(), |w| {
                render::sessions(w, &sessions, targets, out)
            })
        }
        Command::Summary(args) => {
            let mut labels = Vec::with_capacity(answers.len());
            let mut items = Vec::with_capacity(answers.len());
            for (label, answer) in answers {
                if let Answer::Summary(summary) = answer {
                    labels.push(label);
                    items.push(match summary {
                        SourceSummary::Collectors(c) => TargetSummary::Collectors(
                            query::summarize(c, args.by.map(Into::into), args.top),
                        ),
                        SourceSummary::Hmi(h) => TargetSummary::Hmi(h),
                    });
                }
            }
            let targets = several.then_some(labels.as_slice());
            output::emit(out.file.as_deref(), |w| {
                render::summaries(w, &items, targets, out)
            })
        }
        Command::Clients => {
            let (labels, items) = labelled(answers, Answer::clients);
            let targets = several.then_some(labels.as_slice());
            output::emit(out.file.as_deref(), |w| {
                render::clients(w, &items, targets, out)
            })
        }
        Command::Subscriptions(_) => {
            let (labels, items) = labelled(answers, Answer::subscriptions);
            let targets = several.then_some(labels.as_slice());
            output::emit(out.file.as_deref(), |w| {
                render::subscriptions(w, &items, targets, out)
            })
        }
        Command::Watch(_)
        | Command::Config(_)
        | Command::Collect(_)
        | Command::Completions { .. } => Ok(()),
    }
}

/// Every target's rows of one kind, with that target's label once per row.
fn labelled<T>(
    answers: Vec<(String, Answer)>,
    rows_of: fn(Answer) -> Option<Vec<T>>,
) -> (Vec<String>, Vec<T>) {
    let (mut labels, mut items) = (Vec::new(), Vec::new());
    for (label, answer) in answers {
        if let Some(rows) = rows_of(answer) {
            labels.extend(std::iter::repeat_n(label, rows.len()));
            items.extend(rows);
        }
    }
    (labels, items)
}

fn session_query(args: &ActiveArgs) -> SessionQuery {
    SessionQuery {
        filters: args.filter.clone(),
        sort_by: args.sort_by,
        reverse: args.reverse,
        limit: args.limit,
    }
}

/// The local collector's settings for `active`, `watch` and `summary` at this endpoint.
fn local_options(command: &Command, ep: &Endpoint) -> Result<LocalOptions> {
    let (local, sample, db, day) = match command {
        Command::Active(a) | Command::Watch(a) => (&a.local, a.sample, None, None),
        // Only summary reads the history; `active` works without a HOME.
        Command::Summary(s) => (
            &s.local,
            s.sample,
            Some(match &s.db {
                Some(db) => db.clone(),
                None => source::local::default_db(&config::process_env_var)?,
            }),
            s.day.clone(),
        ),
        // Only a TwinCAT HMI Server answers these; the source says so.
        Command::Clients | Command::Subscriptions(_) => {
            return Ok(LocalOptions {
                proc_root: "/proc".into(),
                port_map: PortMap::new(&[]),
                sample: std::time::Duration::ZERO,
                db: None,
                day: None,
            });
        }
        Command::Collect(_) | Command::Config(_) | Command::Completions { .. } => {
            return Err(Error::Internal("no local options for this command".into()));
        }
    };
    Ok(LocalOptions {
        proc_root: local.proc_root.clone(),
        port_map: port_map(local, ep)?,
        sample,
        db,
        day,
    })
}

/// `--port-map` when given, else the context's `port_map` (flag beats config).
fn port_map(local: &LocalArgs, ep: &Endpoint) -> Result<PortMap> {
    if !local.port_map.is_empty() || ep.port_map.is_empty() {
        return Ok(PortMap::new(&local.port_map));
    }
    let parsed = ep
        .port_map
        .iter()
        .map(|entry| {
            entry.parse::<PortMapping>().map_err(|e| {
                // Both come from the config file: control characters escaped, as in `e`.
                let name = source::local::classify::printable(ep.name.as_deref().unwrap_or(""));
                let entry = source::local::classify::printable(entry);
                Error::Usage(format!("context '{name}': port_map entry '{entry}': {e}"))
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(PortMap::new(&parsed))
}

/// The collectors asked for, each once, in the order given; all of them when none were named.
fn chosen(asked: &[Collector]) -> Vec<Collector> {
    if asked.is_empty() {
        return Collector::ALL.to_vec();
    }
    let mut out: Vec<Collector> = Vec::with_capacity(asked.len());
    for c in asked {
        if !out.contains(c) {
            out.push(*c);
        }
    }
    out
}
