//! Resolves flags and environment once into what sources and renderers need; they never see clap.

use std::fmt;
use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::time::Duration;

use reqwest::Url;

use crate::cli::{ColorChoice, GlobalArgs, OutputFormat, SourceKind};
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

/// Everything a command needs, resolved once.
#[derive(Debug, Clone)]
pub struct Settings {
    pub target: Target,
    pub credentials: Credentials,
    pub net: NetOptions,
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

pub fn resolve(args: &GlobalArgs, env: &mut Env<'_>) -> Result<Settings> {
    let target = resolve_target(args.url.as_deref(), args.source)?;
    let credentials = resolve_credentials(args, env)?;
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
    Ok(Settings {
        target,
        credentials,
        net: NetOptions {
            timeout: args.timeout,
            insecure: args.insecure,
            ca_cert: args.ca_cert.clone(),
            max_body_size: args.max_body_size,
        },
        output: OutputOptions {
            format,
            headers: !args.no_headers,
            color,
            terminal: env.stdout_is_terminal && args.output_file.is_none(),
            file: args.output_file.clone(),
        },
        verbose: args.verbose,
        quiet: args.quiet,
    })
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

fn kind_name(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::Local => "local",
        SourceKind::Datarhei => "datarhei",
        SourceKind::Tchmi => "tchmi",
    }
}

fn resolve_credentials(args: &GlobalArgs, env: &mut Env<'_>) -> Result<Credentials> {
    let password = if args.password_stdin {
        if args.user.is_none() {
            return Err(Error::Usage("--password-stdin needs --user".into()));
        }
        Some(read_password_line(env.stdin)?)
    } else {
        (env.var)("SESSIONS_PASSWORD").map(Secret::new)
    };
    if args.user.is_some() && password.is_none() {
        return Err(Error::Usage(
            "--user needs a password: set SESSIONS_PASSWORD or pass --password-stdin".into(),
        ));
    }
    Ok(Credentials {
        user: args.user.clone(),
        password: password.filter(|_| args.user.is_some()),
        token: args
            .token
            .clone()
            .filter(|t| !t.is_empty())
            .map(Secret::new),
    })
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
        assert!(matches!(s.target, Target::Datarhei(_)));
        let s = settings(&["--url", "wss://hmi:2020/"], &[], "").unwrap();
        assert!(matches!(s.target, Target::Tchmi(_)));
        let s = settings(&[], &[], "").unwrap();
        assert!(matches!(s.target, Target::Local));
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
        assert_eq!(s.credentials.password.unwrap().expose(), "se cret");
    }

    #[test]
    fn password_from_env_and_user_without_password() {
        let s = settings(
            &["--url", "http://x", "--user", "admin"],
            &[("SESSIONS_PASSWORD", "pw")],
            "",
        )
        .unwrap();
        assert_eq!(s.credentials.password.unwrap().expose(), "pw");
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
}
