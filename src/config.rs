//! Resolves flags and environment once into what sources and renderers need; they never see clap.

use std::fmt;
use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::time::Duration;

use reqwest::Url;

use crate::cli::{ColorChoice, GlobalArgs, OutputFormat, SourceKind};
use crate::config_file::{self, Context, Loaded};
use crate::diag;
use crate::error::{Error, Result};

/// A password or token: never printed, not even by `{:?}`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Read from a config file's literal `password`/`token`.
impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

/// Written back only so that `config set` keeps a literal secret when it rewrites the file;
/// nothing that prints serializes a `Secret`.
impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Who we are towards the server.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    pub user: Option<String>,
    pub password: Option<Secret>,
    pub token: Option<Secret>,
}

/// How to reach a server safely and within bounds.
#[derive(Debug, Clone)]
pub struct NetOptions {
    pub timeout: Duration,
    pub insecure: bool,
    pub ca_cert: Option<PathBuf>,
    pub max_body_size: u64,
}

/// Which source answers, and where it is.
#[derive(Debug, Clone)]
pub enum Target {
    Local,
    Datarhei(Url),
    Tchmi(Url),
}

impl Target {
    pub fn describe(&self) -> &'static str {
        match self {
            Target::Local => "this machine's local collector",
            Target::Datarhei(_) => "datarhei Core",
            Target::Tchmi(_) => "TwinCAT HMI Server",
        }
    }
}

/// How output looks and where it goes.
#[derive(Debug, Clone)]
pub struct OutputOptions {
    pub format: OutputFormat,
    pub headers: bool,
    pub color: bool,
    /// Output goes to a terminal: tables fit its width, JSON is indented.
    pub terminal: bool,
    pub file: Option<PathBuf>,
}

/// One server to ask, with everything needed to ask it.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// The context it came from; it labels rows when several targets answer.
    pub name: Option<String>,
    pub target: Target,
    pub credentials: Credentials,
    pub net: NetOptions,
    /// The context's `port_map` entries for the local collector, unchecked here.
    pub port_map: Vec<String>,
}

/// Everything a command needs, resolved once.
#[derive(Debug, Clone)]
pub struct Settings {
    /// One, or several with `--context a,b` / `--all-contexts`.
    pub endpoints: Vec<Endpoint>,
    pub output: OutputOptions,
    pub verbose: bool,
    pub quiet: bool,
}

/// The process environment a resolution reads, so tests can hand in their own.
pub struct Env<'a> {
    pub var: &'a dyn Fn(&str) -> Option<String>,
    pub stdin: &'a mut dyn BufRead,
    pub stdout_is_terminal: bool,
}

impl Env<'_> {
    fn is_set(&self, name: &str) -> bool {
        (self.var)(name).is_some_and(|v| !v.is_empty() && v != "0")
    }
}

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Flags beat the environment (clap's `env =`), which beats the config file's context.
pub fn resolve(args: &GlobalArgs, env: &mut Env<'_>) -> Result<Settings> {
    let config = load_config(args, env)?;
    let names = chosen_contexts(args, config.as_ref())?;
    if names.len() > 1 && args.url.as_deref().is_some_and(|u| !u.is_empty()) {
        return Err(Error::Usage(
            "--url (or SESSIONS_URL) names one server and cannot apply to several contexts; leave it out"
                .into(),
        ));
    }
    // Read once, shared by every target: stdin has one line.
    let stdin_password = if args.password_stdin {
        if args.user.is_none() && names.is_empty() {
            return Err(Error::Usage("--password-stdin needs --user".into()));
        }
        Some(read_password_line(env.stdin)?)
    } else {
        None
    };
    let mut endpoints = Vec::with_capacity(names.len().max(1));
    if names.is_empty() {
        endpoints.push(endpoint(args, env, None, stdin_password.clone())?);
    }
    for name in names {
        let Some(config) = config.as_ref() else {
            break;
        };
        let context = config.context(&name)?;
        diag::trace(format_args!(
            "context '{name}' from {}",
            config.path.display()
        ));
        let ep = endpoint(
            args,
            env,
            Some((config, name.as_str(), context)),
            stdin_password.clone(),
        )?;
        endpoints.push(ep);
    }
    Ok(Settings {
        endpoints,
        output: output_options(args, env),
        verbose: args.verbose,
        quiet: args.quiet,
    })
}

/// The config file, if there is one to read; warns when it holds a literal secret that others
/// can read.
pub fn load_config(args: &GlobalArgs, env: &Env<'_>) -> Result<Option<Loaded>> {
    let Some((path, explicit)) = config_file::locate(args.config.as_deref(), env.var) else {
        return Ok(None);
    };
    let loaded = config_file::load(path, explicit)?;
    if loaded.readable_by_others {
        for (name, context) in &loaded.file.contexts {
            if context.holds_literal_secret() {
                diag::warn(format_args!(
                    "{} holds a secret (context '{name}') and is readable by others: chmod 600 it, or use password_command / password_env",
                    loaded.path.display()
                ));
            }
        }
    }
    Ok(Some(loaded))
}

/// Which contexts to use: `--context`, `--all-contexts`, else `current-context` unless a URL was
/// given (a URL with no context must not pick up another server's credentials).
fn chosen_contexts(args: &GlobalArgs, config: Option<&Loaded>) -> Result<Vec<String>> {
    let asked: Vec<String> = args
        .context
        .iter()
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .collect();
    let need_config = |what: &str| {
        Error::Usage(format!(
            "{what} needs a config file, and neither --config, SESSIONS_CONFIG, XDG_CONFIG_HOME nor HOME is set"
        ))
    };
    if args.all_contexts {
        let config = config.ok_or_else(|| need_config("--all-contexts"))?;
        if config.file.contexts.is_empty() {
            return Err(Error::Usage(format!(
                "--all-contexts: {}{}",
                config.path.display(),
                config.known()
            )));
        }
        return Ok(config.file.contexts.keys().cloned().collect());
    }
    if !asked.is_empty() {
        config.ok_or_else(|| need_config("--context"))?;
        let mut unique: Vec<String> = Vec::with_capacity(asked.len());
        for name in asked {
            if !unique.contains(&name) {
                unique.push(name);
            }
        }
        return Ok(unique);
    }
    if args.url.as_deref().is_some_and(|u| !u.is_empty()) {
        return Ok(Vec::new());
    }
    Ok(config
        .and_then(|c| c.file.current_context.clone())
        .into_iter()
        .collect())
}

/// One target: the flag or environment value where there is one, else the context's.
fn endpoint(
    args: &GlobalArgs,
    env: &Env<'_>,
    context: Option<(&Loaded, &str, &Context)>,
    stdin_password: Option<Secret>,
) -> Result<Endpoint> {
    let ctx = context.map(|(_, _, c)| c);
    let url = args.url.as_deref().or(ctx.and_then(|c| c.url.as_deref()));
    let source = args.source.or(ctx.and_then(|c| c.source).map(Into::into));
    let in_context = |e: Error| match context {
        Some((_, name, _)) => prefix(e, &format!("context '{name}': ")),
        None => e,
    };
    let target = resolve_target(url, source).map_err(in_context)?;
    let credentials =
        resolve_credentials(args, env, context, stdin_password).map_err(in_context)?;
    let timeout = match (args.timeout, context) {
        (Some(t), _) => t,
        (
            None,
            Some((
                file,
                name,
                Context {
                    timeout: Some(text),
                    ..
                },
            )),
        ) => humantime::parse_duration(text).map_err(|e| {
            Error::Usage(format!(
                "{}: context '{name}': timeout '{text}' is not a duration like 5s ({e})",
                file.path.display()
            ))
        })?,
        (None, _) => DEFAULT_TIMEOUT,
    };
    let ca_cert = match (&args.ca_cert, context) {
        (Some(path), _) => Some(path.clone()),
        (None, Some((file, _, c))) => c.ca_cert.as_deref().map(|p| file.relative_to_file(p)),
        (None, None) => None,
    };
    Ok(Endpoint {
        name: context.map(|(_, name, _)| name.to_string()),
        target,
        credentials,
        net: NetOptions {
            timeout,
            insecure: args.insecure || ctx.and_then(|c| c.insecure).unwrap_or(false),
            ca_cert,
            max_body_size: args.max_body_size,
        },
        port_map: ctx.map(|c| c.port_map.clone()).unwrap_or_default(),
    })
}

/// The same kind of error, its message prefixed (which context it is about).
pub(crate) fn prefix(e: Error, what: &str) -> Error {
    match e {
        Error::Usage(m) => Error::Usage(format!("{what}{m}")),
        Error::Unreachable(m) => Error::Unreachable(format!("{what}{m}")),
        Error::BadReply(m) => Error::BadReply(format!("{what}{m}")),
        Error::Auth(m) => Error::Auth(format!("{what}{m}")),
        Error::Partial(m) => Error::Partial(format!("{what}{m}")),
        Error::Internal(m) => Error::Internal(format!("{what}{m}")),
        Error::Output(e) => Error::Output(e),
    }
}

/// How output looks: format, headers, colour (NO_COLOR, CLICOLOR_FORCE), terminal or file.
pub fn output_options(args: &GlobalArgs, env: &Env<'_>) -> OutputOptions {
    let format = if args.json {
        OutputFormat::Json
    } else {
        args.output.unwrap_or(OutputFormat::Table)
    };
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            !env.is_set("NO_COLOR")
                && args.output_file.is_none()
                && (env.stdout_is_terminal || env.is_set("CLICOLOR_FORCE"))
        }
    };
    OutputOptions {
        format,
        headers: !args.no_headers,
        color,
        terminal: env.stdout_is_terminal && args.output_file.is_none(),
        file: args.output_file.clone(),
    }
}

/// Checks a URL and source the way a query would use them (for `config set`).
pub fn check_url(url: &str, source: Option<SourceKind>) -> Result<()> {
    resolve_target(Some(url), source).map(|_| ())
}

fn resolve_target(url: Option<&str>, source: Option<SourceKind>) -> Result<Target> {
    let Some(raw) = url.filter(|u| !u.is_empty()) else {
        return match source {
            None | Some(SourceKind::Local) => Ok(Target::Local),
            Some(kind) => Err(Error::Usage(format!(
                "--source {} needs --url (or SESSIONS_URL)",
                kind_name(kind)
            ))),
        };
    };
    let url = Url::parse(raw).map_err(|e| {
        Error::Usage(format!(
            "--url '{raw}' is not a URL ({e}); try http://HOST:PORT or wss://HOST:PORT/"
        ))
    })?;
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::Usage(format!("--url '{raw}' has no host")));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Usage(
            "--url must not carry credentials; use --user with SESSIONS_PASSWORD or --password-stdin"
                .into(),
        ));
    }
    let guessed = match url.scheme() {
        "http" | "https" => SourceKind::Datarhei,
        "ws" | "wss" => SourceKind::Tchmi,
        other => {
            return Err(Error::Usage(format!(
                "--url scheme '{other}' is not supported: use http(s):// for datarhei Core or ws(s):// for TwinCAT HMI Server"
            )));
        }
    };
    match source.unwrap_or(guessed) {
        SourceKind::Datarhei if guessed == SourceKind::Datarhei => Ok(Target::Datarhei(url)),
        SourceKind::Tchmi if guessed == SourceKind::Tchmi => Ok(Target::Tchmi(url)),
        SourceKind::Local => Err(Error::Usage(
            "--source local reads this machine and takes no --url".into(),
        )),
        kind => Err(Error::Usage(format!(
            "--source {} cannot use a {}:// URL",
            kind_name(kind),
            url.scheme()
        ))),
    }
}

pub fn kind_name(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::Local => "local",
        SourceKind::Datarhei => "datarhei",
        SourceKind::Tchmi => "tchmi",
    }
}

/// User, password and token: flag or environment first, then the context's variable names,
/// command, or (discouraged) literal values. A password command runs only when a user needs one.
fn resolve_credentials(
    args: &GlobalArgs,
    env: &Env<'_>,
    context: Option<(&Loaded, &str, &Context)>,
    stdin_password: Option<Secret>,
) -> Result<Credentials> {
    let ctx = context.map(|(_, _, c)| c);
    let user = args
        .user
        .clone()
        .or_else(|| ctx.and_then(|c| c.user.clone()));
    let from_var = |name: &Option<String>| {
        name.as_deref()
            .and_then(|n| (env.var)(n))
            .filter(|v| !v.is_empty())
            .map(Secret::new)
    };
    let mut password = stdin_password.or_else(|| (env.var)("SESSIONS_PASSWORD").map(Secret::new));
    if let Some(c) = ctx.filter(|_| user.is_some() && password.is_none()) {
        password = match (from_var(&c.password_env), &c.password_command) {
            (Some(p), _) => Some(p),
            (None, Some(command)) => Some(run_password_command(command)?),
            (None, None) => c.password.clone(),
        };
    }
    if user.is_some() && password.is_none() {
        return Err(Error::Usage(
            "--user needs a password: set SESSIONS_PASSWORD or pass --password-stdin (or password_command / password_env in the context)".into(),
        ));
    }
    if user.is_none() && args.password_stdin {
        return Err(Error::Usage("--password-stdin needs --user".into()));
    }
    let token = args
        .token
        .clone()
        .filter(|t| !t.is_empty())
        .map(Secret::new)
        .or_else(|| ctx.and_then(|c| from_var(&c.token_env)))
        .or_else(|| ctx.and_then(|c| c.token.clone()));
    Ok(Credentials {
        password: password.filter(|_| user.is_some()),
        user,
        token,
    })
}

/// `sh -c COMMAND`; the first line of its output is the password. Neither the command (it may
/// hold a secret) nor its output appears in an error.
fn run_password_command(command: &str) -> Result<Secret> {
    diag::trace(format_args!("running the context's password_command"));
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| Error::Usage(format!("cannot run password_command with sh: {e}")))?;
    if !out.status.success() {
        return Err(Error::Usage(format!(
            "password_command failed ({}); run it yourself to see why",
            out.status
        )));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().next().unwrap_or("");
    if line.is_empty() {
        return Err(Error::Usage(
            "password_command printed no password on its first line".into(),
        ));
    }
    Ok(Secret::new(line))
}

fn read_password_line(stdin: &mut dyn BufRead) -> Result<Secret> {
    let mut line = String::new();
    stdin
        .read_line(&mut line)
        .map_err(|e| Error::Usage(format!("cannot read the password from stdin: {e}")))?;
    let trimmed = line.strip_suffix('\n').unwrap_or(&line);
    let trimmed = trimmed.strip_suffix('\r').unwrap_or(trimmed);
    if trimmed.is_empty() {
        return Err(Error::Usage(
            "--password-stdin read an empty password; pipe it in, e.g. `pass show core | sessions --password-stdin …`".into(),
        ));
    }
    Ok(Secret::new(trimmed))
}

/// The real process environment.
pub fn process_env_var(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

pub fn stdout_is_terminal() -> bool {
    std::io::stdout().is_terminal()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Cli;
    use clap::Parser;

    fn settings(argv: &[&str], vars: &[(&str, &str)], stdin: &str) -> Result<Settings> {
        let mut full = vec!["sessions"];
        full.extend_from_slice(argv);
        full.push("active");
        let cli = Cli::try_parse_from(full).unwrap();
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let lookup = move |name: &str| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        let mut input = stdin.as_bytes();
        resolve(
            &cli.global,
            &mut Env {
                var: &lookup,
                stdin: &mut input,
                stdout_is_terminal: false,
            },
        )
    }

    #[test]
    fn the_url_scheme_picks_the_source() {
        let s = settings(&["--url", "http://127.0.0.1:8080"], &[], "").unwrap();
        assert!(matches!(s.endpoints[0].target, Target::Datarhei(_)));
        let s = settings(&["--url", "wss://hmi:2020/"], &[], "").unwrap();
        assert!(matches!(s.endpoints[0].target, Target::Tchmi(_)));
        let s = settings(&[], &[], "").unwrap();
        assert!(matches!(s.endpoints[0].target, Target::Local));
    }

    #[test]
    fn bad_urls_and_sources_are_usage_errors() {
        for argv in [
            &["--url", "ftp://x"][..],
            &["--url", "not a url"],
            &["--url", "http://u:p@host"],
            &["--source", "datarhei"],
            &["--url", "http://x", "--source", "tchmi"],
            &["--url", "http://x", "--source", "local"],
        ] {
            let err = settings(argv, &[], "").unwrap_err();
            assert_eq!(err.exit_code(), 2, "{argv:?}: {err}");
        }
    }

    #[test]
    fn password_comes_from_stdin_without_its_line_ending() {
        let s = settings(
            &["--url", "http://x", "--user", "admin", "--password-stdin"],
            &[("SESSIONS_PASSWORD", "from-env")],
            "se cret\r\nnext line\n",
        )
        .unwrap();
        assert_eq!(
            s.endpoints[0]
                .credentials
                .password
                .clone()
                .unwrap()
                .expose(),
            "se cret"
        );
    }

    #[test]
    fn password_from_env_and_user_without_password() {
        let s = settings(
            &["--url", "http://x", "--user", "admin"],
            &[("SESSIONS_PASSWORD", "pw")],
            "",
        )
        .unwrap();
        assert_eq!(
            s.endpoints[0]
                .credentials
                .password
                .clone()
                .unwrap()
                .expose(),
            "pw"
        );
        let err = settings(&["--url", "http://x", "--user", "admin"], &[], "").unwrap_err();
        assert!(err.to_string().contains("SESSIONS_PASSWORD"), "{err}");
        let err = settings(&["--url", "http://x", "--password-stdin"], &[], "pw\n").unwrap_err();
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn secrets_do_not_debug_print() {
        let s = settings(
            &["--url", "http://x", "--user", "admin", "--token", "tok-123"],
            &[("SESSIONS_PASSWORD", "hunter2")],
            "",
        )
        .unwrap();
        let dump = format!("{s:?}");
        assert!(
            !dump.contains("hunter2") && !dump.contains("tok-123"),
            "{dump}"
        );
    }

    #[test]
    fn colour_follows_no_color_and_clicolor_force() {
        let s = settings(&[], &[("CLICOLOR_FORCE", "1")], "").unwrap();
        assert!(s.output.color);
        let s = settings(&[], &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")], "").unwrap();
        assert!(!s.output.color);
        let s = settings(&["--color", "always"], &[("NO_COLOR", "1")], "").unwrap();
        assert!(s.output.color);
        let s = settings(&[], &[], "").unwrap();
        assert!(!s.output.color);
    }

    fn config_file(text: &str) -> (tempfile::TempDir, String) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, text).unwrap();
        let path = path.to_str().unwrap().to_string();
        (dir, path)
    }

    const CONTEXT_A: &str = r#"
current-context = "a"
[contexts.a]
url = "http://h:1"
user = "admin"
password_env = "PW"
token_env = "TK"
ca_cert = "ca.pem"
insecure = true
timeout = "3s"
port_map = ["rtmp=1935,1936"]
[contexts.b]
url = "ws://hmi:2/"
"#;

    #[test]
    fn a_context_fills_what_flags_and_environment_leave_open() {
        let (dir, path) = config_file(CONTEXT_A);
        let s = settings(&["--config", &path], &[("PW", "p"), ("TK", "t")], "").unwrap();
        let [ep] = &s.endpoints[..] else {
            panic!("{:?}", s.endpoints)
        };
        assert_eq!(ep.name.as_deref(), Some("a"));
        assert!(matches!(&ep.target, Target::Datarhei(u) if u.as_str() == "http://h:1/"));
        assert_eq!(ep.credentials.user.as_deref(), Some("admin"));
        assert_eq!(ep.credentials.password.as_ref().unwrap().expose(), "p");
        assert_eq!(ep.credentials.token.as_ref().unwrap().expose(), "t");
        assert_eq!(
            ep.net.ca_cert.as_deref(),
            Some(dir.path().join("ca.pem").as_path())
        );
        assert!(ep.net.insecure);
        assert_eq!(ep.net.timeout, Duration::from_secs(3));
        assert_eq!(ep.port_map, ["rtmp=1935,1936"]);

        let s = settings(
            &[
                "--config",
                &path,
                "--timeout",
                "1s",
                "--user",
                "other",
                "--token",
                "flag",
            ],
            &[("SESSIONS_PASSWORD", "env-pw"), ("PW", "p"), ("TK", "t")],
            "",
        )
        .unwrap();
        let ep = &s.endpoints[0];
        assert_eq!(ep.net.timeout, Duration::from_secs(1));
        assert_eq!(ep.credentials.user.as_deref(), Some("other"));
        assert_eq!(ep.credentials.password.as_ref().unwrap().expose(), "env-pw");
        assert_eq!(ep.credentials.token.as_ref().unwrap().expose(), "flag");
    }

    #[test]
    fn several_contexts_and_what_cannot_combine_with_them() {
        let (_dir, path) = config_file(CONTEXT_A);
        let s = settings(&["--config", &path, "--all-contexts"], &[("PW", "p")], "").unwrap();
        let names: Vec<_> = s
            .endpoints
            .iter()
            .map(|e| e.name.clone().unwrap())
            .collect();
        assert_eq!(names, ["a", "b"]);
        assert!(matches!(s.endpoints[1].target, Target::Tchmi(_)));
        assert_eq!(s.endpoints[1].net.timeout, DEFAULT_TIMEOUT);
        let err = settings(
            &["--config", &path, "--context", "a,b", "--url", "http://x"],
            &[("PW", "p")],
            "",
        )
        .unwrap_err();
        assert_eq!(err.exit_code(), 2);
        let err = settings(&["--config", &path, "--context", "a"], &[], "").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("context 'a': --user needs a password"),
            "{err}"
        );
        // A URL without a context leaves the current context (and its credentials) alone.
        let s = settings(&["--config", &path, "--url", "http://other:9"], &[], "").unwrap();
        assert_eq!(s.endpoints[0].name, None);
        assert_eq!(s.endpoints[0].credentials.user, None);
    }
}
