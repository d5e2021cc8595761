//! The command line as clap sees it: flags, subcommands and their help; nothing else lives here.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::parser::ValueSource;
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::model::{Collector, GroupBy, PortMapping};
use crate::query::{Filter, SortKey};
use crate::source::Kind;

/// Show who is connected to a streaming or HMI server right now, how much they move, and what
/// they subscribe to.
///
/// Sources: datarhei Core (--url http(s)://…), TwinCAT HMI Server (--url ws(s)://…), or this
/// machine (no --url).
#[derive(Debug, Parser)]
#[command(
    name = "sessions",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Parses the process's arguments, noting which options came from the environment rather
    /// than the command line: `config set` stores only what was typed.
    pub fn try_parse_noting_env() -> Result<Cli, clap::Error> {
        let matches = Cli::command().try_get_matches()?;
        let mut cli = Cli::from_arg_matches(&matches)?;
        cli.global.from_env = ["url", "user", "token"]
            .into_iter()
            .filter(|id| matches.value_source(id) == Some(ValueSource::EnvVariable))
            .collect();
        Ok(cli)
    }
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Config file (default: $XDG_CONFIG_HOME/sessions/config.toml, else
    /// ~/.config/sessions/config.toml)
    #[arg(long, global = true, env = "SESSIONS_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Named target(s) from the config file; a comma list asks several servers at once
    #[arg(
        long,
        global = true,
        env = "SESSIONS_CONTEXT",
        value_delimiter = ',',
        value_name = "NAME[,NAME…]"
    )]
    pub context: Vec<String>,

    /// Ask every context of the config file at once
    #[arg(long, global = true, conflicts_with = "context")]
    pub all_contexts: bool,

    /// Server to ask: http(s)://HOST:PORT for datarhei Core, ws(s)://HOST:PORT/ for TwinCAT HMI
    #[arg(short, long, global = true, env = "SESSIONS_URL", value_name = "URL")]
    pub url: Option<String>,

    /// Override the source guessed from the URL
    #[arg(long, global = true, value_name = "KIND", value_parser = source_kind())]
    pub source: Option<Kind>,

    /// User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin
    #[arg(long, global = true, env = "SESSIONS_USER", value_name = "NAME")]
    pub user: Option<String>,

    /// Read the password from the first line of standard input
    #[arg(long, global = true)]
    pub password_stdin: bool,

    /// A ready datarhei access token (sent as a bearer token)
    #[arg(
        long,
        global = true,
        env = "SESSIONS_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub token: Option<String>,

    /// Accept a TLS certificate that cannot be verified (prints a warning)
    #[arg(long, global = true)]
    pub insecure: bool,

    /// Trust this PEM CA certificate (instead of the system's roots), e.g. a server's own root
    #[arg(long, global = true, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,

    /// Bound on everything asked of each server: connecting, logging in (token refresh and
    /// login again included), the request and the whole reply; each round of a watch has its
    /// own. From 1ms to 24h, e.g. 500ms, 10s, 1m [default: 10s, or the context's timeout]
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_timeout)]
    pub timeout: Option<Duration>,

    /// Refuse a reply larger than this, e.g. 64MiB
    #[arg(long, global = true, value_name = "SIZE", default_value = "256MiB", value_parser = parse_size)]
    pub max_body_size: u64,

    /// Output format
    #[arg(short, long, global = true, value_enum, value_name = "FORMAT")]
    pub output: Option<OutputFormat>,

    /// Short for --output json
    #[arg(long, global = true, conflicts_with = "output")]
    pub json: bool,

    /// Write the output to this file atomically (temporary file, then rename); print nothing
    #[arg(long, global = true, value_name = "PATH")]
    pub output_file: Option<PathBuf>,

    /// Leave out the header line of table, wide and tsv output
    #[arg(long, global = true)]
    pub no_headers: bool,

    /// When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto)
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Say on stderr what is being asked of whom
    #[arg(short, long, global = true, conflicts_with = "quiet")]
    pub verbose: bool,

    /// Print no warnings
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Which of the options above came from the environment (filled by `try_parse_noting_env`).
    #[arg(skip)]
    pub from_env: Vec<&'static str>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// One row per active session
    Active(ActiveArgs),
    /// Per collector: active sessions, bandwidth, configured limits, finished-session totals
    Summary(SummaryArgs),
    /// TwinCAT HMI: one row per connected WebSocket (client, session id, user, registered
    /// commands)
    ///
    /// Needs --url ws://HOST:PORT/ or wss://HOST:PORT/ and an administrator login:
    /// --user __SystemAdministrator with SESSIONS_PASSWORD or --password-stdin.
    Clients,
    /// TwinCAT HMI: one row per subscription (key, id, type, interval, clients, JSON length,
    /// average duration, symbols)
    ///
    /// Requests the server is processing right now are listed too, with type ReadWrite.
    Subscriptions(SubscriptionsArgs),
    /// Live view of the active sessions: a redrawn table on a terminal, NDJSON events otherwise
    ///
    /// Each event is one line: {"event":"added"|"updated"|"removed","at":RFC3339,"session":{…}}
    /// (plus "target" with several contexts). Ctrl-C ends it with exit code 0.
    Watch(ActiveArgs),
    /// Named contexts of the config file: list, show, set, use
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Run the local collector continuously: record finished sessions, optionally serve them
    ///
    /// Prints one JSON line per finished session once it is safely stored. With --listen, serves
    /// datarhei Core's /api/v3/session and /api/v3/session/active, and /metrics (Prometheus).
    Collect(CollectArgs),
    /// Print the shell completion script
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Args)]
pub struct CollectorArgs {
    /// Comma list of collectors (default: all): hls, hlsingress, http, https, rtmp, srt, ffmpeg
    #[arg(long, value_delimiter = ',', value_name = "LIST")]
    pub collectors: Vec<Collector>,
}

#[derive(Debug, Args)]
pub struct ActiveArgs {
    #[command(flatten)]
    pub collectors: CollectorArgs,

    /// Sort by this field (numbers largest first, text A to Z)
    #[arg(long, value_enum, value_name = "FIELD")]
    pub sort_by: Option<SortKey>,

    /// Reverse the order
    #[arg(long)]
    pub reverse: bool,

    /// Show at most N sessions (after filtering and sorting)
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,

    /// Keep sessions matching FIELD=VALUE or FIELD!=VALUE (repeatable; all must match).
    /// FIELD: collector, id, reference, local, remote, extra. VALUE: exact text, a glob with *,
    /// or for local/remote an IP address or CIDR (remote=10.0.0.0/8)
    #[arg(long, value_name = "FIELD=VALUE")]
    pub filter: Vec<Filter>,

    /// Keep watching: a redrawn table on a terminal, NDJSON events otherwise (as `sessions watch`)
    #[arg(long)]
    pub watch: bool,

    /// Time between two polls of a watch, from 100ms to 24h, e.g. 500ms, 2s
    #[arg(long, value_name = "DURATION", default_value = "2s", value_parser = parse_interval)]
    pub interval: Duration,

    /// Stop a watch after N polls (for tests and scripts)
    #[arg(long, value_name = "N", hide = true)]
    pub rounds: Option<u64>,

    /// With -o prometheus: one series per session (labels collector, id, reference, local,
    /// remote); mind the cardinality
    #[arg(long)]
    pub per_session: bool,

    #[command(flatten)]
    pub local: LocalArgs,

    /// Local collector: how long to watch the sockets to measure bit rates, at most 10m, e.g.
    /// 200ms, 1s; 0s takes one look and reports no rates
    #[arg(long, value_name = "DURATION", default_value = "500ms", value_parser = parse_sample)]
    pub sample: Duration,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// List the contexts (the current one is marked)
    List,
    /// Show one context's settings (default: the current one); secrets are never shown
    Show {
        /// Context name
        name: Option<String>,
    },
    /// Create or update a context (the file is written atomically, mode 0600)
    ///
    /// Takes the global --url, --source, --user, --ca-cert, --insecure and --timeout and the
    /// options below; only what is given changes. Values that come from the environment
    /// (SESSIONS_URL, SESSIONS_USER) are not stored. Comments in the file are not kept.
    Set(ConfigSetArgs),
    /// Make a context the current one (used when neither --url nor --context is given)
    Use {
        /// Context name
        name: String,
    },
}

#[derive(Debug, Args)]
pub struct ConfigSetArgs {
    /// Context name
    pub name: String,

    /// Shell command whose first line of output is the password (run with sh -c when needed)
    #[arg(long, value_name = "COMMAND", conflicts_with = "password_env")]
    pub password_command: Option<String>,

    /// Name of the environment variable holding the password
    #[arg(long, value_name = "VAR")]
    pub password_env: Option<String>,

    /// Name of the environment variable holding a datarhei access token
    #[arg(long, value_name = "VAR")]
    pub token_env: Option<String>,

    /// Local collector port map entry, e.g. rtmp=1935,1936 (repeatable; replaces the list;
    /// --port-map of active/summary/collect beats it)
    #[arg(long, value_name = "COLLECTOR=PORTS")]
    pub port_map: Vec<String>,
}

/// What the local collector (no --url) needs to know.
#[derive(Debug, Args)]
pub struct LocalArgs {
    /// Local collector: give a collector these ports instead of its defaults (repeatable),
    /// e.g. rtmp=1935,1936 hls=8888 srt=6000 (srt is UDP, the others TCP)
    #[arg(long, value_name = "COLLECTOR=PORTS")]
    pub port_map: Vec<PortMapping>,

    /// Local collector: the proc filesystem to read processes and sockets from
    #[arg(long, value_name = "DIR", default_value = "/proc", hide = true)]
    pub proc_root: PathBuf,
}

#[derive(Debug, Args)]
pub struct CollectArgs {
    #[command(flatten)]
    pub local: LocalArgs,

    /// How often to look at the sockets, from 100ms to 24h; also the window of the bit rates
    #[arg(long, value_name = "DURATION", default_value = "2s", value_parser = parse_interval)]
    pub interval: Duration,

    /// Serve datarhei Core's session API and /metrics on this address, e.g. 127.0.0.1:8787.
    /// Any address other than loopback requires --token (sent as Authorization: Bearer)
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<SocketAddr>,

    /// The history store [default: $XDG_STATE_HOME/sessions/history.sqlite3 or
    /// ~/.local/state/sessions/history.sqlite3]
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SummaryArgs {
    #[command(flatten)]
    pub collectors: CollectorArgs,

    /// Break the finished-session totals down by remote, local or reference
    #[arg(long, value_enum, value_name = "KEY")]
    pub by: Option<GroupByArg>,

    /// With --by: keep the N largest rows per collector (by traffic)
    #[arg(long, value_name = "N", requires = "by")]
    pub top: Option<usize>,

    #[command(flatten)]
    pub local: LocalArgs,

    /// Local collector: how long to watch the sockets to measure bit rates, at most 10m (0s:
    /// no rates)
    #[arg(long, value_name = "DURATION", default_value = "500ms", value_parser = parse_sample)]
    pub sample: Duration,

    /// Local collector: the history store `collect` writes (default as for `collect`)
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Local collector: count only the sessions that ended on this UTC day, e.g. 2026-11-24
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    pub day: Option<String>,
}

#[derive(Debug, Args)]
pub struct SubscriptionsArgs {
    /// Ask the server for each subscription's value size as JSON (readValueJsonLength)
    #[arg(long)]
    pub lengths: bool,

    /// Ask the server for each subscription's average processing time (averageDuration)
    #[arg(long)]
    pub durations: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Table,
    Wide,
    Json,
    Ndjson,
    Tsv,
    /// Prometheus text exposition format 0.0.4 (summary; active with --per-session)
    Prometheus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GroupByArg {
    Remote,
    Local,
    Reference,
}

impl From<GroupByArg> for GroupBy {
    fn from(g: GroupByArg) -> Self {
        match g {
            GroupByArg::Remote => GroupBy::Remote,
            GroupByArg::Local => GroupBy::Local,
            GroupByArg::Reference => GroupBy::Reference,
        }
    }
}

fn parse_day(s: &str) -> Result<String, String> {
    let well_formed = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    match humantime::parse_rfc3339_weak(&format!("{s} 00:00:00")) {
        Ok(_) if well_formed => Ok(s.to_owned()),
        _ => Err("not a day like 2026-11-24".into()),
    }
}

const DAY: Duration = Duration::from_secs(24 * 60 * 60);

/// A duration from `min` to `max`: outside that it is a mistake (`--timeout 0` gives up before
/// starting, `--sample 100y` never ends), not a wish.
fn duration_within(s: &str, min: Duration, max: Duration) -> Result<Duration, String> {
    let d = humantime::parse_duration(s).map_err(|e| format!("not a duration like 2s: {e}"))?;
    if d < min || d > max {
        let (min, max) = (
            humantime::format_duration(min),
            humantime::format_duration(max),
        );
        return Err(format!("must be from {min} to {max}"));
    }
    Ok(d)
}

/// `--timeout` and a context's `timeout`.
pub fn parse_timeout(s: &str) -> Result<Duration, String> {
    duration_within(s, Duration::from_millis(1), DAY)
}

fn parse_interval(s: &str) -> Result<Duration, String> {
    duration_within(s, Duration::from_millis(100), DAY)
}

fn parse_sample(s: &str) -> Result<Duration, String> {
    duration_within(s, Duration::ZERO, Duration::from_secs(600))
}

fn parse_size(s: &str) -> Result<u64, String> {
    s.parse::<bytesize::ByteSize>()
        .map(|b| b.as_u64())
        .map_err(|e| format!("not a size like 64MiB: {e}"))
}

/// `--source`: the registry's names, offered by completions and checked by clap.
fn source_kind() -> impl clap::builder::TypedValueParser<Value = Kind> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(Kind::names()).try_map(|name| name.parse::<Kind>())
}

/// clap's usage error as our one line: its first paragraph, without the `error: ` prefix and
/// without the usage block after it.
pub fn one_line(e: &clap::Error) -> String {
    let text = crate::text::first_paragraph(&e.to_string());
    text.strip_prefix("error: ").unwrap_or(&text).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn durations_outside_their_bounds_are_refused() {
        assert_eq!(parse_timeout("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_timeout("0s"), Err("must be from 1ms to 1day".into()));
        assert_eq!(
            parse_timeout("2days"),
            Err("must be from 1ms to 1day".into())
        );
        assert_eq!(parse_sample("0s"), Ok(Duration::ZERO));
        assert_eq!(parse_sample("11m"), Err("must be from 0s to 10m".into()));
        assert_eq!(
            parse_interval("50ms"),
            Err("must be from 100ms to 1day".into())
        );
        assert!(parse_interval("99999999999999999y").is_err());
    }
}
