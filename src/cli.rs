//! The command line as clap sees it: flags, subcommands and their help; nothing else lives here.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::parser::ValueSource;
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use clap_complete::engine::{ArgValueCompleter, CompletionCandidate};

use crate::model::{Collector, GroupBy, PortMapping};
use crate::query::{Filter, SessionQuery, SortKey};
use crate::render::{ColumnName, OutputFormat};
use crate::source::Kind;

/// `--version` (long form): the commit, the target and the TLS stack, for bug reports.
const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    "\ncommit: ",
    env!("SESSIONS_COMMIT"),
    "\ntarget: ",
    env!("SESSIONS_TARGET"),
    "\ntls: rustls 0.23 (ring), system roots via rustls-native-certs"
);

/// Show who is connected to a streaming or HMI server right now, how much they move, and what
/// they subscribe to.
///
/// Sources: datarhei Core (--url http(s)://…), TwinCAT HMI Server (--url ws(s)://…), MediaMTX,
/// SRS, nginx-rtmp and Icecast (--source NAME --url http(s)://…), or this machine (no --url).
#[derive(Debug, Parser)]
#[command(
    name = "sessions",
    version,
    long_version = LONG_VERSION,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten, next_help_heading = "Global options")]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Parses the process's arguments, noting which options came from the environment rather
    /// than the command line: `config set` stores only what was typed.
    pub fn try_parse_noting_env() -> Result<Cli, clap::Error> {
        let matches = command().try_get_matches()?;
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
        value_name = "NAME[,NAME…]",
        add = ArgValueCompleter::new(context_names)
    )]
    pub context: Vec<String>,

    /// Ask every context of the config file at once
    #[arg(long, global = true, conflicts_with = "context")]
    pub all_contexts: bool,

    /// With several targets: ask at most N at a time (each holds a connection while it is
    /// asked; N is lowered to fit the open-file limit)
    #[arg(long, global = true, value_name = "N", default_value_t = 64, value_parser = at_least_one)]
    pub parallel: usize,

    /// Server to ask: http(s)://HOST:PORT for datarhei Core (or the --source's API),
    /// ws(s)://HOST:PORT/ for TwinCAT HMI
    #[arg(short, long, global = true, env = "SESSIONS_URL", value_name = "URL")]
    pub url: Option<String>,

    /// The kind of server at --url (default: guessed from the URL's scheme)
    #[arg(long, global = true, value_name = "KIND", value_parser = source_kind())]
    pub source: Option<Kind>,

    /// User name to log in with; the password comes from SESSIONS_PASSWORD or --password-stdin
    #[arg(long, global = true, env = "SESSIONS_USER", value_name = "NAME")]
    pub user: Option<String>,

    /// Read the password from the first line of standard input
    #[arg(long, global = true)]
    pub password_stdin: bool,

    /// A ready access token, sent as a bearer token (datarhei Core, MediaMTX's JWT)
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

    /// Bound on everything asked of each server (connecting, logging in, the whole reply); a
    /// watch's each round, a kick's listing and its kicks each have their own. 1ms to 24h
    /// [default: 10s, or the context's timeout]
    #[arg(long, global = true, value_name = "DURATION", allow_hyphen_values = true, value_parser = parse_timeout)]
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
    #[command(after_long_help = EXAMPLES_ACTIVE)]
    Active(ActiveArgs),
    /// Per collector: active sessions, bandwidth, configured limits, finished-session totals
    #[command(after_long_help = EXAMPLES_SUMMARY)]
    Summary(SummaryArgs),
    /// TwinCAT HMI: one row per connected WebSocket (client, session id, user, registered
    /// commands)
    ///
    /// Needs --url ws://HOST:PORT/ or wss://HOST:PORT/ and an administrator login:
    /// --user __SystemAdministrator with SESSIONS_PASSWORD or --password-stdin.
    #[command(after_long_help = EXAMPLES_CLIENTS)]
    Clients,
    /// TwinCAT HMI: one row per subscription (key, id, type, interval, clients, JSON length,
    /// average duration, symbols)
    ///
    /// Requests the server is processing right now are listed too, with type ReadWrite.
    #[command(after_long_help = EXAMPLES_SUBSCRIPTIONS)]
    Subscriptions(SubscriptionsArgs),
    /// Live view of the active sessions: a redrawn table on a terminal, NDJSON events otherwise
    ///
    /// Each event is one line: {"event":"added"|"updated"|"removed","at":RFC3339,"session":{…}}
    /// (plus "target" with several contexts). Ctrl-C ends it with exit code 0.
    #[command(after_long_help = EXAMPLES_WATCH)]
    Watch(ActiveArgs),
    /// Interactive full-screen view of the active sessions: scroll, filter, sort, inspect, kick
    ///
    /// Refreshed every --interval. Keys: q quit, arrows/j/k/PgUp/PgDn/g/G move, / filter,
    /// < > sort column, I reverse, Enter details, Ctrl-K disconnect (asks first), ? all keys.
    /// Needs a terminal (exit 2 otherwise; use `watch -o ndjson` in scripts).
    #[command(after_long_help = EXAMPLES_TOP)]
    Top(ActiveArgs),
    /// Named contexts of the config file: list, show, set, use, current, delete, rename, unset
    #[command(subcommand, after_long_help = EXAMPLES_CONFIG)]
    Config(ConfigCommand),
    /// Poll the targets continuously: record their finished sessions, optionally serve them
    ///
    /// Polls this machine (the default), --url or each --context every --interval, and prints
    /// one JSON line per finished session once it is safely stored. With --listen, serves
    /// datarhei Core's /api/v3/session and /api/v3/session/active, and /metrics (Prometheus).
    #[command(after_long_help = EXAMPLES_COLLECT)]
    Collect(CollectArgs),
    /// Finished sessions recorded by `collect`, newest first
    #[command(after_long_help = EXAMPLES_HISTORY)]
    History(HistoryArgs),
    /// Disconnect sessions where the server can (MediaMTX, SRS, nginx-rtmp, Icecast; TwinCAT
    /// HMI logs the session out)
    ///
    /// Sessions by ID (as `active` shows them) or --filter. A terminal confirms first unless
    /// --yes; elsewhere --yes is required. One line per session. Exit 0 when all went (or the
    /// answer was no), 4 when the server refused one, 2 when the source cannot disconnect.
    #[command(after_long_help = EXAMPLES_KICK)]
    Kick(KickArgs),
    /// Print the shell completion script
    #[command(after_long_help = EXAMPLES_COMPLETIONS)]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

const EXAMPLES_ACTIVE: &str = "Examples:
  sessions active                                   # this machine
  sessions --url http://core:8080 active --collectors hls,rtmp
  sessions active --filter remote=10.0.0.0/8 --sort-by rx_rate --limit 10
  sessions --all-contexts active -o json";
const EXAMPLES_SUMMARY: &str = "Examples:
  sessions --url http://core:8080 summary
  sessions --url http://core:8080 summary --by remote --top 5
  sessions summary --day 2026-11-24                 # this machine's history
  sessions --context studio summary -o prometheus --output-file /var/lib/node_exporter/sessions.prom";
const EXAMPLES_CLIENTS: &str = "Examples:
  SESSIONS_PASSWORD=… sessions --url wss://hmi:1010/ --user __SystemAdministrator clients";
const EXAMPLES_SUBSCRIPTIONS: &str = "Examples:
  sessions --context hmi subscriptions --lengths --durations -o json";
const EXAMPLES_WATCH: &str = "Examples:
  sessions --url http://core:8080 watch --interval 1s
  sessions watch -o ndjson | jq -c 'select(.event == \"added\")'";
const EXAMPLES_TOP: &str = "Examples:
  sessions --url http://core:8080 top
  sessions --all-contexts top --sort-by rx_rate --interval 5s";
const EXAMPLES_CONFIG: &str = "Examples:
  sessions config set studio --url https://core.example:8080 --user admin --password-command 'pass show core'
  sessions config use studio
  sessions config list";
const EXAMPLES_COLLECT: &str = "Examples:
  sessions collect --interval 2s
  sessions collect --listen 127.0.0.1:8787          # Core's session API and /metrics
  sessions --all-contexts collect --keep 30d";
const EXAMPLES_HISTORY: &str = "Examples:
  sessions history --since 24h
  sessions --context studio history --since 2026-11-24T00:00:00Z --until 2026-11-25T00:00:00Z -o json
  sessions history --filter remote=10.0.0.0/8 --sort-by rx_bytes --limit 10
  sessions --all-contexts history --since 24h --every 1h   # viewers over time";
const EXAMPLES_KICK: &str = "Examples:
  sessions --url http://srs:1985 --source srs kick 4s1y2t3j --yes
  sessions --url http://mediamtx:9997 --source mediamtx kick --filter reference=live/old
  sessions --context icecast kick --filter remote=203.0.113.7 --yes -o json";
const EXAMPLES_COMPLETIONS: &str = "Examples:
  sessions completions bash > ~/.local/share/bash-completion/completions/sessions
  sessions completions zsh > ~/.zfunc/_sessions";

#[derive(Debug, Args)]
pub struct CollectorArgs {
    /// Comma list of collectors (default: all): hls, hlsingress, http, https, rtmp, srt, ffmpeg,
    /// rtmps, rtsp, rtsps, webrtc. Each server answers for those it has
    #[arg(long, value_delimiter = ',', value_name = "LIST", add = ArgValueCompleter::new(collector_names))]
    pub collectors: Vec<Collector>,
}

#[derive(Debug, Args)]
pub struct ActiveArgs {
    #[command(flatten)]
    pub collectors: CollectorArgs,

    /// Sort by this field (numbers largest first, text A to Z; headers too: tx, created)
    #[arg(long, value_enum, ignore_case = true, value_name = "FIELD")]
    pub sort_by: Option<SortKey>,

    /// Reverse the order
    #[arg(long)]
    pub reverse: bool,

    /// Show at most N sessions (after filtering and sorting)
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,

    /// Only these columns, in this order, in a table or TSV (JSON keeps every key): the names
    /// --sort-by takes (id, remote, tx_rate, age…), role, extra or extra.KEY
    #[arg(long, value_delimiter = ',', value_name = "LIST", add = ArgValueCompleter::new(column_names))]
    pub columns: Vec<ColumnName>,

    /// Keep sessions matching FIELD=VALUE, FIELD!=VALUE or FIELD>N (>=, <, <=; repeatable, all
    /// must match). Text fields and extra.KEY: exact, a * glob, or an IP/CIDR for local and
    /// remote. rx_rate, tx_rate, rx_bytes, tx_bytes take k, M, G (tx_rate>5M); age a duration
    #[arg(long, value_name = "FIELD=VALUE")]
    pub filter: Vec<Filter>,

    /// Keep watching: a redrawn table on a terminal, NDJSON events otherwise (as `sessions watch`)
    #[arg(long)]
    pub watch: bool,

    /// Time between two polls of a watch, from 100ms to 24h, e.g. 500ms, 2s
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true, default_value = "2s", value_parser = parse_interval)]
    pub interval: Duration,

    /// Stop a watch after N polls (for scripts: --rounds 1 is one table or one set of events)
    #[arg(long, value_name = "N")]
    pub rounds: Option<u64>,

    /// With -o prometheus: one series per session (labels collector, id, reference, local,
    /// remote); mind the cardinality
    #[arg(long)]
    pub per_session: bool,

    #[command(flatten)]
    pub local: LocalArgs,

    /// Local collector: how long to watch the sockets to measure bit rates, at most 10m, e.g.
    /// 200ms, 1s; 0s takes one look and reports no rates
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true, default_value = "500ms", value_parser = parse_sample)]
    pub sample: Duration,
}

impl ActiveArgs {
    /// `--filter`, `--sort-by`, `--reverse` and `--limit` as one query.
    pub fn query(&self) -> SessionQuery {
        SessionQuery {
            filters: self.filter.clone(),
            sort_by: self.sort_by,
            reverse: self.reverse,
            limit: self.limit,
        }
    }
}

#[derive(Debug, Args)]
pub struct KickArgs {
    /// Session ids to disconnect, as `active` lists them
    #[arg(value_name = "ID")]
    pub ids: Vec<String>,

    #[command(flatten)]
    pub collectors: CollectorArgs,

    /// Disconnect the sessions matching FIELD=VALUE or FIELD!=VALUE (repeatable, as `active`)
    #[arg(long, value_name = "FIELD=VALUE")]
    pub filter: Vec<Filter>,

    /// Do not ask: disconnect at once (required when not on a terminal)
    #[arg(short, long)]
    pub yes: bool,

    #[command(flatten)]
    pub local: LocalArgs,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// List the contexts (the current one is marked)
    List,
    /// Show one context's settings (default: the current one); secrets are never shown
    Show {
        /// Context name
        #[arg(add = ArgValueCompleter::new(context_names))]
        name: Option<String>,
    },
    /// Create or update a context (the file is written atomically, mode 0600)
    ///
    /// Takes the global --url, --source, --user, --ca-cert, --insecure and --timeout and the
    /// options below; only what is given changes. Values that come from the environment
    /// (SESSIONS_URL, SESSIONS_USER) are not stored. Comments and layout of the file are kept;
    /// a --config FILE that does not exist yet is created.
    Set(ConfigSetArgs),
    /// Make a context the current one (used when neither --url nor --context is given)
    Use {
        /// Context name
        #[arg(
            add = ArgValueCompleter::new(context_names),
            required_unless_present = "none",
            conflicts_with = "none"
        )]
        name: Option<String>,
        /// Unset the current context instead (kubectl's `config unset current-context`):
        /// commands without --context or --url then read this machine
        #[arg(long)]
        none: bool,
    },
    /// Print the name of the current context
    Current,
    /// Remove a context (and clear current-context if it was the current one)
    Delete {
        /// Context name
        #[arg(add = ArgValueCompleter::new(context_names))]
        name: String,
    },
    /// Give a context a new name (current-context follows it)
    Rename {
        /// Context name
        #[arg(add = ArgValueCompleter::new(context_names))]
        old: String,
        /// New name
        new: String,
    },
    /// Remove keys from a context, e.g. `config unset studio timeout insecure`
    Unset {
        /// Context name
        #[arg(add = ArgValueCompleter::new(context_names))]
        name: String,
        /// Keys to remove: url, source, user, password_command, password_env, token_env,
        /// password, token, ca_cert, insecure, timeout, port_map
        #[arg(required = true, value_name = "KEY")]
        keys: Vec<String>,
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

    /// Local collector port map entry: rtmp=1935,1936 gives rtmp exactly these ports,
    /// rtmp+=41936 adds one to its defaults (repeatable; replaces the stored list; the
    /// --port-map of active/summary/collect is applied after it)
    #[arg(long, value_name = "COLLECTOR=PORTS")]
    pub port_map: Vec<String>,
}

/// What the local collector (no --url) needs to know.
#[derive(Debug, Args)]
pub struct LocalArgs {
    /// Local collector: COLLECTOR=PORTS replaces a collector's ports (rtmp=19350),
    /// COLLECTOR+=PORTS adds to them (rtmp+=41936). Repeatable, after the context's port_map;
    /// srt is UDP, the others TCP
    #[arg(long, value_name = "COLLECTOR=PORTS")]
    pub port_map: Vec<PortMapping>,

    /// Local collector: every socket and every ffmpeg input and output, not one row per
    /// connection: both ends of a loopback connection, ffmpeg rows beside their sockets, this
    /// machine's own web traffic, lavfi inputs, files, pipes and null outputs
    #[arg(long)]
    pub all: bool,

    /// Local collector: the proc filesystem to read processes and sockets from
    #[arg(long, value_name = "DIR", default_value = "/proc", hide = true)]
    pub proc_root: PathBuf,
}

#[derive(Debug, Args)]
pub struct CollectArgs {
    #[command(flatten)]
    pub local: LocalArgs,

    /// How often to look at the sockets, from 100ms to 24h; also the window of the bit rates
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true, default_value = "2s", value_parser = parse_interval)]
    pub interval: Duration,

    /// Serve datarhei Core's session API and /metrics on this address (127.0.0.1:8787); beyond
    /// loopback with a token (--token-file or SESSIONS_COLLECT_TOKEN, sent as a Bearer token)
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<SocketAddr>,

    /// With --listen: the token clients must send is the first line of this file (keep it
    /// private, e.g. mode 0600); else it comes from SESSIONS_COLLECT_TOKEN. Never on the
    /// command line, where any user can read it
    #[arg(
        long,
        value_name = "PATH",
        requires = "listen",
        conflicts_with = "token_stdin"
    )]
    pub token_file: Option<PathBuf>,

    /// With --listen: read the token clients must send from the first line of standard input
    #[arg(long, requires = "listen")]
    pub token_stdin: bool,

    /// With --listen: also answer requests whose Host is NAME (a DNS name or a proxy's);
    /// the listen address, localhost on loopback and this machine's hostname are always answered
    #[arg(long, value_name = "NAME", requires = "listen")]
    pub allow_host: Vec<String>,

    /// The history store [default: $XDG_STATE_HOME/sessions/history.sqlite3 or
    /// ~/.local/state/sessions/history.sqlite3]
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Delete finished sessions that closed longer ago than this, e.g. 30d (checked at start
    /// and hourly); default: keep all
    #[arg(long, value_name = "DURATION", value_parser = parse_keep)]
    pub keep: Option<Duration>,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Only sessions that closed at or after this: a duration ago (24h, 7d) or an RFC 3339 time
    #[arg(long, value_name = "WHEN", value_parser = parse_when)]
    pub since: Option<When>,

    /// Only sessions that closed before this: a duration ago or an RFC 3339 time
    #[arg(long, value_name = "WHEN", value_parser = parse_when)]
    pub until: Option<When>,

    /// Keep sessions matching FIELD=VALUE or FIELD!=VALUE (repeatable, as `active`)
    #[arg(long, value_name = "FIELD=VALUE")]
    pub filter: Vec<Filter>,

    /// Sort by this field (numbers largest first, text A to Z; `tx` is TX); default: newest
    /// closed first
    #[arg(long, value_enum, ignore_case = true, value_name = "FIELD")]
    pub sort_by: Option<SortKey>,

    /// Reverse the order
    #[arg(long)]
    pub reverse: bool,

    /// Show at most N sessions (after filtering and sorting)
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,

    /// The history store (default as for `collect`)
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Sessions over time: one row per interval of this length (at least 1s, e.g. 1h) with the
    /// most sessions open at once (peak), those started and ended, and their bytes
    #[arg(long, value_name = "DURATION", value_parser = parse_every)]
    pub every: Option<Duration>,

    /// With --every: one row per interval and reference
    #[arg(long, value_enum, value_name = "KEY", requires = "every")]
    pub by: Option<EveryBy>,
}

/// What `history --every` breaks the intervals down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EveryBy {
    Reference,
}

impl HistoryArgs {
    /// `--filter`, `--sort-by`, `--reverse` and `--limit` as one query.
    pub fn query(&self) -> SessionQuery {
        SessionQuery {
            filters: self.filter.clone(),
            sort_by: self.sort_by,
            reverse: self.reverse,
            limit: self.limit,
        }
    }
}

/// A point in time given on the command line: a duration before now, or a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Ago(Duration),
    At(std::time::SystemTime),
}

impl When {
    /// Unix seconds, `now` being the run's start.
    pub fn unix(self, now: std::time::SystemTime) -> i64 {
        let t = match self {
            When::Ago(d) => now.checked_sub(d).unwrap_or(std::time::UNIX_EPOCH),
            When::At(t) => t,
        };
        t.duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
    }
}

fn parse_when(s: &str) -> Result<When, String> {
    if let Ok(t) = humantime::parse_rfc3339_weak(s) {
        return Ok(When::At(t));
    }
    parse_duration(s).map(When::Ago).map_err(|_| {
        "not a duration ago like 24h or 7d, nor a time like 2026-11-24T00:00:00Z".into()
    })
}

fn parse_every(s: &str) -> Result<Duration, String> {
    duration_within(s, Duration::from_secs(1), Duration::from_secs(366 * 86_400))
}

fn parse_keep(s: &str) -> Result<Duration, String> {
    duration_within(
        s,
        Duration::from_secs(60),
        Duration::from_secs(100 * 365 * 86_400),
    )
}

#[derive(Debug, Args)]
pub struct SummaryArgs {
    #[command(flatten)]
    pub collectors: CollectorArgs,

    /// Break the active sessions down by remote host, local address or reference (per stream)
    #[arg(long, value_enum, value_name = "KEY")]
    pub by: Option<GroupByArg>,

    /// With --by: the finished sessions instead (Core's totals; here: what `collect` recorded)
    #[arg(long, requires = "by")]
    pub finished: bool,

    /// With --by: keep the N largest rows per collector (by traffic)
    #[arg(long, value_name = "N", requires = "by", value_parser = at_least_one)]
    pub top: Option<usize>,

    #[command(flatten)]
    pub local: LocalArgs,

    /// Local collector and Icecast: how long to watch to measure bit rates, at most 10m (0s:
    /// no rates)
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true, default_value = "500ms", value_parser = parse_sample)]
    pub sample: Duration,

    /// The history store `collect` writes (default as for `collect`): the local collector's
    /// finished totals, and --since for any target
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Local collector: count only the sessions that ended on this UTC day, e.g. 2026-11-24
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    pub day: Option<String>,

    /// Answer from `collect`'s history, per target and collector: sessions finished since then,
    /// unique remote hosts, viewer-hours, peak and bytes (24h ago, or an RFC 3339 time)
    #[arg(long, value_name = "WHEN", value_parser = parse_when, conflicts_with_all = ["by", "day", "sample"])]
    pub since: Option<When>,

    /// With --since: the end of the window (default now)
    #[arg(long, value_name = "WHEN", value_parser = parse_when, requires = "since")]
    pub until: Option<When>,
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
    let d = parse_duration(s)?;
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
        .map_err(|_| "not a size like 512KB, 64MiB or 1GiB".into())
}

/// Completion of context names (`--context`, `config use` …): the contexts of the config file
/// the command would read, found as it would find it.
fn context_names(current: &std::ffi::OsStr) -> Vec<CompletionCandidate> {
    let explicit = std::env::var_os("SESSIONS_CONFIG").map(PathBuf::from);
    let var = |name: &str| std::env::var(name).ok();
    let Some((path, explicit)) = crate::config_file::locate(explicit.as_deref(), &var) else {
        return Vec::new();
    };
    let Ok(loaded) = crate::config_file::load(path, explicit) else {
        return Vec::new();
    };
    in_list(current, loaded.file.contexts.keys().map(String::as_str))
}

/// Completion of `--collectors`, after a comma too (`rtmp,h` offers `rtmp,hls`, …).
fn collector_names(current: &std::ffi::OsStr) -> Vec<CompletionCandidate> {
    in_list(current, Collector::ALL.iter().map(|c| c.as_str()))
}

/// Completion of `--columns`, after a comma too.
fn column_names(current: &std::ffi::OsStr) -> Vec<CompletionCandidate> {
    in_list(current, crate::render::column_names())
}

/// The names that complete the item of a comma list being typed, each with the items before.
fn in_list<'a>(
    current: &std::ffi::OsStr,
    names: impl Iterator<Item = &'a str>,
) -> Vec<CompletionCandidate> {
    let Some(prefix) = current.to_str() else {
        return Vec::new();
    };
    // In `--context a,b` only the part after the last comma is being typed.
    let (done, typing) = prefix
        .rsplit_once(',')
        .map_or(("", prefix), |(d, t)| (d, t));
    names
        .filter(|name| name.starts_with(typing))
        .map(|name| match done {
            "" => CompletionCandidate::new(name),
            done => CompletionCandidate::new(format!("{done},{name}")),
        })
        .collect()
}

/// The command line as parsed, documented and completed: `Cli`, with the options that only
/// reach a server hidden from the help of the `config` commands that never use them (`config
/// set` stores some of them, so its help keeps them all).
pub fn command() -> clap::Command {
    const SERVER_ONLY: [&str; 7] = [
        "timeout",
        "insecure",
        "ca_cert",
        "max_body_size",
        "token",
        "password_stdin",
        "all_contexts",
    ];
    let cmd = Cli::command();
    let server_only: Vec<clap::Arg> = cmd
        .get_arguments()
        .filter(|a| SERVER_ONLY.contains(&a.get_id().as_str()))
        .cloned()
        .collect();
    let hidden: Vec<clap::Arg> = server_only.iter().map(|a| a.clone().hide(true)).collect();
    // A subcommand that has a global option already keeps its own copy when globals propagate:
    // `config` (and through it list, show, …) gets hidden copies, `config set` visible ones.
    cmd.mut_subcommands(|sub| {
        // `watch` and `top` take `active`'s options, but `--watch` means nothing to them.
        if matches!(sub.get_name(), "watch" | "top") {
            return sub.mut_arg("watch", |a| a.hide(true));
        }
        if sub.get_name() != "config" {
            return sub;
        }
        sub.args(hidden.clone()).mut_subcommands(|c| {
            if c.get_name() == "set" {
                c.args(server_only.clone())
            } else {
                c
            }
        })
    })
}

/// A count that must be 1 or more (`--top 0` would print a header and nothing else).
fn at_least_one(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err("not a whole number of 1 or more".into()),
    }
}

/// A duration such as `500ms`, `2s` or `1m`. A leading `-` reaches here (rather than being
/// taken for a flag) so that `--sample -1s` is told what is wrong with it.
fn parse_duration(s: &str) -> Result<Duration, String> {
    if s.trim_start().starts_with('-') {
        return Err("a duration cannot be negative".into());
    }
    humantime::parse_duration(s).map_err(|_| "not a duration like 500ms, 2s or 1m".into())
}

/// `--source`: the registry's names, offered by completions and checked by clap.
fn source_kind() -> impl clap::builder::TypedValueParser<Value = Kind> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(Kind::names()).try_map(|name| name.parse::<Kind>())
}

/// What bare `sessions` prints (to stderr, exit 2): the commands in one screen rather than the
/// full help, and no command run, since the default target may be a remote current context.
pub fn short_usage() -> String {
    const WIDTH: usize = 80;
    let cmd = command();
    let mut text = String::from("Usage: sessions [OPTIONS] <COMMAND>\n\nCommands:\n");
    let shown: Vec<_> = cmd
        .get_subcommands()
        .filter(|s| s.get_name() != "help" && !s.is_hide_set())
        .collect();
    let pad = shown.iter().map(|s| s.get_name().len()).max().unwrap_or(0);
    for sub in shown {
        let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
        let name = format!("  {:pad$}  ", sub.get_name());
        text.push_str(&name);
        text.push_str(&fit(&about, WIDTH.saturating_sub(name.len())));
        text.push('\n');
    }
    // One line for both hints: the usage stays within 15 lines with every command listed.
    text.push_str(
        "`sessions active`: the current context, else this machine; --help: every option\n",
    );
    text
}

/// A line cut at a word to at most `width` characters, marked with `…` when cut.
fn fit(line: &str, width: usize) -> String {
    if line.chars().count() <= width {
        return line.to_string();
    }
    let mut out = String::new();
    for word in line.split(' ') {
        if out.chars().count() + word.chars().count() + 2 > width {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    let out = out.trim_end_matches([',', ';', ':']);
    format!("{out}…")
}

/// clap's usage error as our one line: what is wrong, clap's "did you mean", where an option
/// given before the subcommand belongs, and the help page of the command that was being parsed.
pub fn one_line(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue};
    let rendered = e.to_string();
    // The first paragraph, without clap's own tips: its suggestions are added below.
    let first: Vec<&str> = rendered
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .filter(|l| !l.trim_start().starts_with("tip:"))
        .collect();
    let first = crate::text::one_line(&first.join(" "));
    let mut text = first.strip_prefix("error: ").unwrap_or(&first).to_owned();
    let quoted = |v: &ContextValue| match v {
        ContextValue::String(s) => format!("'{s}'"),
        ContextValue::Strings(list) => list
            .iter()
            .map(|s| format!("'{s}'"))
            .collect::<Vec<_>>()
            .join(" or "),
        other => format!("'{other}'"),
    };
    for kind in [
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedArg,
        ContextKind::SuggestedValue,
    ] {
        if let Some(suggested) = e.get(kind)
            && !hidden(&quoted(suggested))
        {
            text.push_str(&format!("; did you mean {}?", quoted(suggested)));
        }
    }
    if let Some(ContextValue::String(arg)) = e.get(ContextKind::InvalidArg)
        && e.kind() == clap::error::ErrorKind::UnknownArgument
    {
        let owners = owners_of(arg.split('=').next().unwrap_or(arg));
        if !owners.is_empty() {
            text.push_str(&format!(
                "; {arg} is an option of {}: put it after the subcommand",
                owners.join(", ")
            ));
        }
    }
    // "Usage: sessions config <COMMAND>": the command whose help explains what went wrong.
    let command: Vec<&str> = rendered
        .lines()
        .find_map(|l| l.trim().strip_prefix("Usage: "))
        .unwrap_or("sessions")
        .split_whitespace()
        .take_while(|w| !w.starts_with(['[', '<', '-']))
        .collect();
    let command = if command.is_empty() {
        "sessions".to_owned()
    } else {
        command.join(" ")
    };
    format!("{text} (see '{command} --help')")
}

/// Whether `'--name'` is a hidden option (clap would suggest one for a typo).
fn hidden(quoted: &str) -> bool {
    let Some(name) = quoted.trim_matches('\'').strip_prefix("--") else {
        return false;
    };
    let cmd = Cli::command();
    std::iter::once(&cmd)
        .chain(cmd.get_subcommands())
        .flat_map(|c| c.get_arguments())
        .any(|a| a.is_hide_set() && a.get_long() == Some(name))
}

/// The subcommands that take `--long` (for an option typed before its subcommand).
fn owners_of(long: &str) -> Vec<String> {
    let Some(name) = long.strip_prefix("--") else {
        return Vec::new();
    };
    Cli::command()
        .get_subcommands()
        .filter(|sub| sub.get_arguments().any(|a| a.get_long() == Some(name)))
        .map(|sub| format!("`{}`", sub.get_name()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn collectors_help_names_every_collector() {
        let cmd = Cli::command();
        let active = cmd.find_subcommand("active").unwrap();
        let arg = active
            .get_arguments()
            .find(|a| a.get_id() == "collectors")
            .unwrap();
        let help = arg.get_help().unwrap().to_string();
        let names = crate::model::Collector::names();
        assert!(
            help.contains(&format!("(default: all): {names}.")),
            "{help}"
        );
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
