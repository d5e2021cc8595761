//! `sessions`: who is connected to a streaming or HMI server right now. `run` is the whole program
//! after argument parsing.

pub mod cli;
pub mod config;
mod diag;
pub mod docs;
pub mod error;
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing;
pub mod model;
mod output;
pub mod query;
mod render;
mod source;
mod tls;

use cli::{Cli, Command};
use config::{Env, Settings, Target};
use error::{Error, Result};
use model::{Collector, SourceSummary};
use query::SessionQuery;
use source::datarhei::Datarhei;
use source::tchmi::Tchmi;
use source::{Details, Source};

/// Runs one parsed command line to completion.
pub fn run(cli: Cli) -> Result<()> {
    if let Command::Completions { shell } = cli.command {
        let script = docs::completion_script(shell);
        return output::emit(cli.global.output_file.as_deref(), |w| w.write_all(&script));
    }
    let stdin = std::io::stdin();
    let mut stdin = stdin.lock();
    let settings = config::resolve(
        &cli.global,
        &mut Env {
            var: &config::process_env_var,
            stdin: &mut stdin,
            stdout_is_terminal: config::stdout_is_terminal(),
        },
    )?;
    diag::set(settings.verbose, settings.quiet);
    if settings.net.insecure {
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
    match &settings.target {
        Target::Datarhei(url) => {
            let mut source = Datarhei::new(
                url.clone(),
                settings.credentials.clone(),
                settings.net.clone(),
            )?;
            dispatch(&mut source, settings, command).await
        }
        Target::Tchmi(url) => {
            refuse_collector_options(&command)?;
            let mut source = Tchmi::new(
                url.clone(),
                settings.credentials.clone(),
                settings.net.clone(),
            )?;
            dispatch(&mut source, settings, command).await
        }
        other => Err(Error::Usage(format!(
            "{} is not available in this build yet: pass --url http(s)://HOST:PORT for datarhei Core or ws(s)://HOST:PORT/ for a TwinCAT HMI Server",
            other.describe()
        ))),
    }
}

async fn dispatch<S: Source>(source: &mut S, settings: &Settings, command: Command) -> Result<()> {
    let out = &settings.output;
    match command {
        Command::Active(args) => {
            let query = SessionQuery {
                filters: args.filter,
                sort_by: args.sort_by,
                reverse: args.reverse,
                limit: args.limit,
            };
            let sessions = source.active(&chosen(&args.collectors.collectors)).await?;
            let sessions = query.apply(sessions);
            output::emit(out.file.as_deref(), |w| render::sessions(w, &sessions, out))
        }
        Command::Summary(args) => {
            match source.summary(&chosen(&args.collectors.collectors)).await? {
                SourceSummary::Collectors(collectors) => {
                    let summary = query::summarize(collectors, args.by.map(Into::into), args.top);
                    output::emit(out.file.as_deref(), |w| render::summary(w, &summary, out))
                }
                SourceSummary::Hmi(hmi) => {
                    output::emit(out.file.as_deref(), |w| render::hmi_summary(w, &hmi, out))
                }
            }
        }
        Command::Clients => {
            let clients = source.clients().await?;
            output::emit(out.file.as_deref(), |w| render::clients(w, &clients, out))
        }
        Command::Subscriptions(args) => {
            let details = Details {
                lengths: args.lengths,
                durations: args.durations,
            };
            let subscriptions = source.subscriptions(details).await?;
            output::emit(out.file.as_deref(), |w| {
                render::subscriptions(w, &subscriptions, out)
            })
        }
        Command::Completions { .. } => Ok(()),
    }
}

/// Options that would silently mean nothing to a TwinCAT HMI Server are refused: it has only
/// `tchmi` sessions and keeps no history of finished ones.
fn refuse_collector_options(command: &Command) -> Result<()> {
    let (asked, by) = match command {
        Command::Active(args) => (&args.collectors.collectors, false),
        Command::Summary(args) => (&args.collectors.collectors, args.by.is_some()),
        _ => return Ok(()),
    };
    if !asked.is_empty() {
        return Err(Error::Usage(
            "--collectors selects datarhei Core collectors; a TwinCAT HMI Server's sessions are all `tchmi`: leave it out".into(),
        ));
    }
    if by {
        return Err(Error::Usage(
            "--by breaks down the history of finished sessions, which a TwinCAT HMI Server does not keep".into(),
        ));
    }
    Ok(())
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
