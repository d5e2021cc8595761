//! Resolves flags and environment once into what sources and renderers need; they never see clap.

use std::io::{BufRead, IsTerminal};
use std::time::Duration;

use reqwest::Url;

mod credentials;
mod trust;

use crate::config_file::{self as file, Context, Loaded};
use credentials::{read_password_line, resolve_credentials};

use crate::cli::{ColorChoice, GlobalArgs};
use crate::diag;
use crate::error::{Error, Result};
use crate::model::PortMapping;
use crate::render::{OutputFormat, OutputOptions};
use crate::source::{Kind, NetOptions, Secret, Server};

/// One target as configured, before any command has a say.
#[derive(Debug, Clone)]
pub(crate) struct Configured {
    /// The context it came from; it labels rows when several targets answer.
    pub name: Option<String>,
    /// Where it is, or why this context cannot be asked (its password command failed, its URL is
    /// wrong): with several targets that is this target's failure, not the whole run's.
    pub place: Result<Place>,
}

/// A server with everything needed to reach it, or this machine.
#[derive(Debug, Clone)]
pub(crate) enum Place {
    Server(Server),
    /// This machine, with the context's `port_map`.
    Local {
        port_map: Vec<PortMapping>,
        /// `--token`, which `collect` refuses as its listener's token.
        token: Option<Secret>,
        /// `--timeout`: the bound on reading the history store.
        timeout: Duration,
    },
}

impl Configured {
    pub(crate) fn is_local(&self) -> bool {
        matches!(self.place, Ok(Place::Local { .. }))
    }
}

/// Everything a command needs, resolved once.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    /// One, or several with `--context a,b` / `--all-contexts`.
    pub targets: Vec<Configured>,
    pub output: OutputOptions,
    pub quiet: bool,
    /// `--parallel`: how many targets are asked at a time.
    pub parallel: usize,
}

/// The process environment a resolution reads, so tests can hand in their own.
pub(crate) struct Env<'a> {
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
pub(crate) fn resolve(args: &GlobalArgs, env: &mut Env<'_>) -> Result<Settings> {
    let config = load_config(args, env, false)?;
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
    let mut targets = Vec::with_capacity(names.len().max(1));
    if names.is_empty() {
        targets.push(target(args, env, None, stdin_password.clone(), false)?);
    }
    let several = names.len() > 1;
    for name in names {
        let Some(config) = config.as_ref() else {
            break;
        };
        let context = config.context(&name)?;
        diag::trace(format_args!(
            "context '{name}' from {}",
            config.path.display()
        ));
        let resolved = target(
            args,
            env,
            Some((config, name.as_str(), context)),
            stdin_password.clone(),
            several,
        );
        targets.push(match resolved {
            Ok(target) => target,
            Err(e) if several => Configured {
                name: Some(name),
                place: Err(e),
            },
            Err(e) => return Err(e),
        });
    }
    Ok(Settings {
        targets,
        output: output_options(args, env),
        quiet: args.quiet,
        parallel: args.parallel,
    })
}

/// The config file, if there is one to read; refused when others could have written it, and
/// warned about when it holds a literal secret that others can read. With `creating` (`config
/// set`), a `--config FILE` that does not exist yet is an empty config, to be written there.
pub(crate) fn load_config(
    args: &GlobalArgs,
    env: &Env<'_>,
    creating: bool,
) -> Result<Option<Loaded>> {
    let Some((path, explicit)) = file::locate(args.config.as_deref(), env.var) else {
        return Ok(None);
    };
    let loaded = file::load(path, explicit && !creating)?;
    if loaded.exists {
        trust::check(&loaded.path)?;
    }
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
/// given (a URL with no context must not pick up another server's credentials) or `--source
/// local` asks for this machine while the current context is a server.
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
    let current = config.and_then(|c| {
        let name = c.file.current_context.clone()?;
        Some((name.clone(), c.file.contexts.get(&name)?.clone()))
    });
    Ok(current
        .filter(|(_, context)| args.source != Some(Kind::Local) || is_local(context))
        .map(|(name, _)| name)
        .into_iter()
        .collect())
}

/// A context for this machine rather than a server.
fn is_local(context: &Context) -> bool {
    context.source == Some(Kind::Local) || context.url.as_deref().is_none_or(str::is_empty)
}

/// One target: the flag or environment value where there is one, else the context's. A context
/// whose URL `--url` replaced lends its name, source and timeout, never its credentials or its
/// TLS trust (`ca_cert`, `insecure`): those belong to its own server.
fn target(
    args: &GlobalArgs,
    env: &Env<'_>,
    context: Option<(&Loaded, &str, &Context)>,
    stdin_password: Option<Secret>,
    several: bool,
) -> Result<Configured> {
    let ctx = context.map(|(_, _, c)| c);
    // `--source local` is this machine whatever a context or SESSIONS_URL says; only a typed
    // `--url` contradicts it.
    let local = args.source == Some(Kind::Local);
    let given = args
        .url
        .as_deref()
        .filter(|u| !u.is_empty())
        .filter(|_| !local || !args.from_env.contains(&"url"));
    let own = context.filter(|(_, _, c)| given.is_none_or(|u| same_url(u, c.url.as_deref())));
    if let (Some((_, name, _)), None) = (context, own) {
        diag::trace(format_args!(
            "context '{name}': --url replaces its URL, so its user, password, token, ca_cert and insecure are not used"
        ));
    }
    let url = match (given, ctx) {
        (Some(u), _) => Some((u, "--url")),
        (None, Some(c)) if !local => c.url.as_deref().map(|u| (u, "url")),
        _ => None,
    };
    let source = args.source.or(ctx.and_then(|c| c.source));
    let in_context = |e: Error| match context {
        Some((_, name, _)) => e.context(format_args!("context '{name}': ")),
        None => e,
    };
    let place = where_to(url, source).map_err(in_context)?;
    let own_context = own.map(|(_, _, c)| c);
    let credentials =
        resolve_credentials(args, env, own_context, stdin_password, several).map_err(in_context)?;
    let place = match place {
        None => Place::Local {
            port_map: port_map(context)?,
            token: credentials.token,
            timeout: net_options(args, context, own.is_some())?.timeout,
        },
        Some((kind, url)) => Place::Server(Server {
            kind,
            kind_given: source.is_some(),
            url,
            credentials,
            net: net_options(args, context, own.is_some())?,
            // The command's `--sample`, set when it is planned.
            sample: Duration::ZERO,
        }),
    };
    Ok(Configured {
        name: context.map(|(_, name, _)| name.to_string()),
        place: Ok(place),
    })
}

/// Whether `given` names the same server as the context's `url`, so its credentials still apply.
fn same_url(given: &str, context: Option<&str>) -> bool {
    let parsed = |u: &str| Url::parse(u).ok();
    context.is_some_and(|c| given == c || parsed(given).is_some_and(|g| parsed(c) == Some(g)))
}

/// `--timeout`, `--insecure`, `--ca-cert` and `--max-body-size`, else the context's (its
/// `ca_cert` and `insecure` only when it is `trusted`: its own URL is used).
fn net_options(
    args: &GlobalArgs,
    context: Option<(&Loaded, &str, &Context)>,
    trusted: bool,
) -> Result<NetOptions> {
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
        ) => crate::cli::parse_timeout(text).map_err(|e| {
            Error::Usage(format!(
                "{}: context '{name}': timeout '{}': {e}",
                file.path.display(),
                crate::text::escape(text)
            ))
        })?,
        (None, _) => DEFAULT_TIMEOUT,
    };
    let context_trust = context.filter(|_| trusted);
    let ca_cert = match (&args.ca_cert, context_trust) {
        (Some(path), _) => Some(path.clone()),
        (None, Some((file, _, c))) => c.ca_cert.as_deref().map(|p| file.relative_to_file(p)),
        (None, None) => None,
    };
    let insecure = context_trust
        .and_then(|(_, _, c)| c.insecure)
        .unwrap_or(false);
    Ok(NetOptions {
        timeout,
        insecure: args.insecure || insecure,
        ca_cert,
        max_body_size: args.max_body_size,
    })
}

/// The context's `port_map` entries, checked (`--port-map` is added by the command).
fn port_map(context: Option<(&Loaded, &str, &Context)>) -> Result<Vec<PortMapping>> {
    let Some((_, name, c)) = context else {
        return Ok(Vec::new());
    };
    c.port_map
        .iter()
        .map(|entry| {
            entry.parse::<PortMapping>().map_err(|e| {
                Error::Usage(format!(
                    "context '{}': port_map entry '{}': {e}",
                    crate::text::escape(name),
                    crate::text::escape(entry)
                ))
            })
        })
        .collect()
}

/// How output looks: format, headers, colour (NO_COLOR, CLICOLOR_FORCE), terminal or file.
pub(crate) fn output_options(args: &GlobalArgs, env: &Env<'_>) -> OutputOptions {
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
    let terminal = env.stdout_is_terminal && args.output_file.is_none();
    OutputOptions {
        format,
        headers: !args.no_headers,
        color,
        terminal,
        width: terminal
            .then(|| crate::terminal::size(env.var).columns)
            .flatten(),
        file: args.output_file.clone(),
        columns: Vec::new(),
    }
}

/// Checks a URL and source the way a query would use them (for `config set`).
pub(crate) fn check_url(url: &str, source: Option<Kind>) -> Result<()> {
    where_to(Some((url, "--url")), source).map(|_| ())
}

/// Which kind of source, and its URL: `--source` when given, else the kind the URL's scheme
/// means; this machine (`None`) without a URL. The URL comes with where it was given (`--url`,
/// or a context's `url`), for the error that refuses credentials in it.
fn where_to(url: Option<(&str, &str)>, source: Option<Kind>) -> Result<Option<(Kind, Url)>> {
    let Some((raw, key)) = url.filter(|(u, _)| !u.is_empty()) else {
        return match source {
            None | Some(Kind::Local) => Ok(None),
            Some(kind) => Err(Error::Usage(format!(
                "--source {kind} needs --url (or SESSIONS_URL)"
            ))),
        };
    };
    let shown = crate::text::escape(&file::url_masked(raw)).into_owned();
    if !raw.contains("://") {
        // `localhost:8080` parses as the scheme `localhost`: say what is really missing.
        return Err(Error::Usage(format!(
            "--url '{shown}' has no scheme: write http://{shown} for {}",
            schemes_help()
        )));
    }
    let url = Url::parse(raw).map_err(|e| {
        Error::Usage(format!(
            "--url '{shown}' is not a URL ({e}); try http://HOST:PORT or wss://HOST:PORT/"
        ))
    })?;
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::Usage(format!("--url '{shown}' has no host")));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Usage(if key == "--url" {
            "--url must not carry credentials; use --user with SESSIONS_PASSWORD or --password-stdin"
                .into()
        } else {
            format!(
                "url '{shown}' must not carry credentials: move them to user and password_env or password_command"
            )
        }));
    }
    let scheme = url.scheme();
    let Some(guessed) = Kind::for_scheme(scheme) else {
        return Err(Error::Usage(format!(
            "--url scheme '{scheme}' is not supported: use http(s):// for {}",
            schemes_help()
        )));
    };
    match source.unwrap_or(guessed) {
        Kind::Local => Err(Error::Usage(
            "--source local reads this machine and takes no --url".into(),
        )),
        kind if kind.schemes().contains(&scheme) => Ok(Some((kind, url))),
        kind => Err(Error::Usage(format!(
            "--source {kind} cannot use a {scheme}:// URL"
        ))),
    }
}

/// Every source and the scheme it takes, for the errors about a URL's scheme:
/// `datarhei Core (or --source mediamtx, srs, nginx-rtmp, icecast), ws(s):// for TwinCAT HMI
/// Server, no --url for this machine`.
fn schemes_help() -> String {
    let by_source: Vec<&str> = Kind::ALL
        .iter()
        .filter(|k| k.schemes().contains(&"http") && **k != Kind::Datarhei)
        .map(|k| k.name())
        .collect();
    format!(
        "{} (or --source {}), ws(s):// for {}, no --url for this machine",
        Kind::Datarhei.describe(),
        by_source.join(", "),
        Kind::Tchmi.describe()
    )
}

/// The real process environment.
pub(crate) fn process_env_var(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

pub(crate) fn stdout_is_terminal() -> bool {
    std::io::stdout().is_terminal()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(c: &Configured) -> &Server {
        match &c.place {
            Ok(Place::Server(server)) => server,
            other => panic!("not a server: {other:?}"),
        }
    }

    fn kind(c: &Configured) -> Kind {
        match &c.place {
            Ok(Place::Server(server)) => server.kind,
            Ok(Place::Local { .. }) => Kind::Local,
            Err(e) => panic!("{e}"),
        }
    }
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
        assert_eq!(kind(&s.targets[0]), Kind::Datarhei);
        let s = settings(&["--url", "wss://hmi:2020/"], &[], "").unwrap();
        assert_eq!(kind(&s.targets[0]), Kind::Tchmi);
        let s = settings(&[], &[], "").unwrap();
        assert_eq!(kind(&s.targets[0]), Kind::Local);
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
            server(&s.targets[0])
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
            server(&s.targets[0])
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
        let [ep] = &s.targets[..] else {
            panic!("{:?}", s.targets)
        };
        assert_eq!(ep.name.as_deref(), Some("a"));
        assert_eq!(kind(ep), Kind::Datarhei);
        assert_eq!(server(ep).url.as_str(), "http://h:1/");
        assert_eq!(server(ep).credentials.user.as_deref(), Some("admin"));
        assert_eq!(
            server(ep).credentials.password.as_ref().unwrap().expose(),
            "p"
        );
        assert_eq!(server(ep).credentials.token.as_ref().unwrap().expose(), "t");
        assert_eq!(
            server(ep).net.ca_cert.as_deref(),
            Some(dir.path().join("ca.pem").as_path())
        );
        assert!(server(ep).net.insecure);
        assert_eq!(server(ep).net.timeout, Duration::from_secs(3));

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
        let ep = &s.targets[0];
        assert_eq!(server(ep).net.timeout, Duration::from_secs(1));
        assert_eq!(server(ep).credentials.user.as_deref(), Some("other"));
        assert_eq!(
            server(ep).credentials.password.as_ref().unwrap().expose(),
            "env-pw"
        );
        assert_eq!(
            server(ep).credentials.token.as_ref().unwrap().expose(),
            "flag"
        );
    }

    #[test]
    fn several_contexts_and_what_cannot_combine_with_them() {
        let (_dir, path) = config_file(CONTEXT_A);
        let s = settings(&["--config", &path, "--all-contexts"], &[("PW", "p")], "").unwrap();
        let names: Vec<_> = s.targets.iter().map(|e| e.name.clone().unwrap()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(kind(&s.targets[1]), Kind::Tchmi);
        assert_eq!(server(&s.targets[1]).net.timeout, DEFAULT_TIMEOUT);
        let err = settings(
            &["--config", &path, "--context", "a,b", "--url", "http://x"],
            &[("PW", "p")],
            "",
        )
        .unwrap_err();
        assert_eq!(err.exit_code(), 2);
        let err = settings(&["--config", &path, "--context", "a"], &[], "").unwrap_err();
        assert_eq!(
            err.to_string(),
            "context 'a': password_env PW is not set: export PW"
        );
        // A URL without a context leaves the current context (and its credentials) alone.
        let s = settings(&["--config", &path, "--url", "http://other:9"], &[], "").unwrap();
        assert_eq!(s.targets[0].name, None);
        assert_eq!(server(&s.targets[0]).credentials.user, None);
    }

    fn password(c: &Configured) -> Option<String> {
        server(c)
            .credentials
            .password
            .as_ref()
            .map(|p| p.expose().to_string())
    }

    fn token(c: &Configured) -> Option<String> {
        server(c)
            .credentials
            .token
            .as_ref()
            .map(|p| p.expose().to_string())
    }

    #[test]
    fn a_context_lends_nothing_secret_to_another_url() {
        let (_dir, path) = config_file(CONTEXT_A);
        let vars = [("PW", "p"), ("TK", "t")];
        let s = settings(&["--config", &path, "--url", "http://other:9"], &vars, "");
        let s = s.unwrap();
        assert_eq!(
            s.targets[0].name, None,
            "no --context: the current one is not used"
        );
        // (SESSIONS_CONTEXT is clap's, read from the process: tests/cli covers it.)
        let argv = [
            "--config",
            &path,
            "--context",
            "a",
            "--url",
            "http://other:9",
        ];
        let s = settings(&argv, &vars, "").unwrap();
        let ep = &s.targets[0];
        assert_eq!(ep.name.as_deref(), Some("a"));
        assert_eq!(server(ep).url.as_str(), "http://other:9/");
        assert_eq!(server(ep).credentials.user, None);
        assert_eq!((password(ep), token(ep)), (None, None));
        assert_eq!(server(ep).net.ca_cert, None);
        assert!(!server(ep).net.insecure);
        assert_eq!(server(ep).net.timeout, Duration::from_secs(3));
        // Only what is given for this run goes there.
        let argv = [
            "--config",
            &path,
            "--context",
            "a",
            "--url",
            "http://other:9",
            "--user",
            "u",
        ];
        let s = settings(&argv, &[("PW", "p"), ("SESSIONS_PASSWORD", "run")], "").unwrap();
        assert_eq!(password(&s.targets[0]).as_deref(), Some("run"));
        // Its own URL, however written, is its own server.
        let argv = ["--config", &path, "--context", "a", "--url", "http://h:1/"];
        let s = settings(&argv, &vars, "").unwrap();
        assert_eq!(password(&s.targets[0]).as_deref(), Some("p"));
        assert!(server(&s.targets[0]).net.insecure);
    }

    #[test]
    fn in_a_fleet_a_contexts_own_secrets_win_over_exported_ones() {
        let (_dir, path) = config_file(
            "[contexts.a]\nurl = \"http://a:1\"\nuser = \"admin\"\npassword_env = \"A_PW\"\ntoken_env = \"A_TK\"\n\
             [contexts.b]\nurl = \"http://b:1\"\nuser = \"admin\"\n\
             [contexts.c]\nurl = \"http://c:1\"\nuser = \"admin\"\npassword_env = \"C_PW\"\n",
        );
        let vars = [
            ("A_PW", "a-pw"),
            ("A_TK", "a-tk"),
            ("SESSIONS_PASSWORD", "exported"),
        ];
        let argv = ["--config", &path, "--context", "a,b,c", "--token", "run-tk"];
        let s = settings(&argv, &vars, "").unwrap();
        assert_eq!(password(&s.targets[0]).as_deref(), Some("a-pw"));
        assert_eq!(token(&s.targets[0]).as_deref(), Some("a-tk"));
        assert_eq!(password(&s.targets[1]).as_deref(), Some("exported"));
        assert_eq!(token(&s.targets[1]).as_deref(), Some("run-tk"));
        // An unset password_env is that target's failure, named; never the exported password.
        let err = s.targets[2].place.as_ref().unwrap_err();
        assert_eq!(
            err.to_string(),
            "context 'c': password_env C_PW is not set: export C_PW"
        );
        // Alone, a context follows the usual order: the exported password beats its own.
        let s = settings(&["--config", &path, "--context", "a"], &vars, "").unwrap();
        assert_eq!(password(&s.targets[0]).as_deref(), Some("exported"));
    }
}
