//! `sessions config list|show|set|use`: reads and rewrites the config file's contexts, kubectl
//! style; never prints a secret.

use crate::cli::{ConfigCommand, ConfigSetArgs, GlobalArgs};
use crate::config::{self, Env};
use crate::config_file::{Context, Loaded};
use crate::error::{Error, Result};
use crate::model::PortMapping;
use crate::render::OutputOptions;
use crate::source::Kind;
use crate::text::escape;
use crate::{diag, output, render};

use super::refuse_prometheus;

pub(super) fn run(args: &GlobalArgs, env: &mut Env<'_>, command: ConfigCommand) -> Result<()> {
    let out = config::output_options(args, env);
    refuse_prometheus(out.format)?;
    let creating = matches!(command, ConfigCommand::Set(_));
    let loaded = config::load_config(args, env, creating)?.ok_or_else(|| {
        Error::Usage(
            "no config file: pass --config FILE or set SESSIONS_CONFIG, XDG_CONFIG_HOME or HOME"
                .into(),
        )
    })?;
    match command {
        ConfigCommand::List => {
            let rows = loaded.rows();
            output::emit(out.file.as_deref(), |w| render::contexts(w, &rows, &out))
        }
        ConfigCommand::Show { name } => show(&loaded, name, &out),
        ConfigCommand::Set(set) => set_context(args, loaded, set),
        ConfigCommand::Use { name, .. } => use_context(loaded, name),
        ConfigCommand::Current => current(&loaded, &out),
        ConfigCommand::Delete { name } => delete(loaded, name),
        ConfigCommand::Rename { old, new } => rename(loaded, old, new),
        ConfigCommand::Unset { name, keys } => unset(loaded, name, &keys),
    }
}

/// `config show [NAME]`: the named or current context, key by key, secrets hidden.
fn show(loaded: &Loaded, name: Option<String>, out: &OutputOptions) -> Result<()> {
    let name = name
        .or_else(|| loaded.file.current_context.clone())
        .ok_or_else(|| {
            Error::Usage(format!(
                "no current context in {}: name one, e.g. `sessions config show NAME`{}",
                loaded.path.display(),
                loaded.known()
            ))
        })?;
    let fields = loaded.context(&name)?.fields(&name);
    output::emit(out.file.as_deref(), |w| {
        render::context_fields(w, &fields, out)
    })
}

/// `config use NAME`, or `config use --none` (no name) to go back to this machine.
fn use_context(mut loaded: Loaded, name: Option<String>) -> Result<()> {
    let Some(name) = name else {
        loaded.file.current_context = None;
        return saved(
            &loaded,
            format_args!(
                "no current context: commands without --context or --url read this machine"
            ),
        );
    };
    loaded.context(&name)?;
    loaded.file.current_context = Some(name.clone());
    saved(
        &loaded,
        format_args!("current context is now '{}'", escape(&name)),
    )
}

fn current(loaded: &Loaded, out: &OutputOptions) -> Result<()> {
    let name = loaded.file.current_context.clone().ok_or_else(|| {
        Error::Usage(format!(
            "no current context in {}: choose one with `sessions config use NAME`{}",
            loaded.path.display(),
            loaded.known()
        ))
    })?;
    output::emit(out.file.as_deref(), |w| writeln!(w, "{}", escape(&name)))
}

fn delete(mut loaded: Loaded, name: String) -> Result<()> {
    loaded.context(&name)?;
    loaded.file.contexts.remove(&name);
    if loaded.file.current_context.as_deref() == Some(name.as_str()) {
        loaded.file.current_context = None;
    }
    saved(&loaded, format_args!("context '{}' deleted", escape(&name)))
}

fn rename(mut loaded: Loaded, old: String, new: String) -> Result<()> {
    check_name(&new)?;
    if loaded.file.contexts.contains_key(&new) {
        return Err(Error::Usage(format!(
            "context '{}' exists already: delete it first or choose another name",
            escape(&new)
        )));
    }
    let context = loaded.context(&old)?.clone();
    loaded.file.contexts.remove(&old);
    loaded.file.contexts.insert(new.clone(), context);
    if loaded.file.current_context.as_deref() == Some(old.as_str()) {
        loaded.file.current_context = Some(new.clone());
    }
    saved(
        &loaded,
        format_args!("context '{}' renamed to '{}'", escape(&old), escape(&new)),
    )
}

fn unset(mut loaded: Loaded, name: String, keys: &[String]) -> Result<()> {
    loaded.context(&name)?;
    let context = loaded.file.contexts.entry(name.clone()).or_default();
    for key in keys {
        context.unset(key)?;
    }
    saved(
        &loaded,
        format_args!("context '{}': {} removed", escape(&name), keys.join(", ")),
    )
}

/// Writes the file, then says what changed (on stderr; `-q` silences it).
fn saved(loaded: &Loaded, what: std::fmt::Arguments<'_>) -> Result<()> {
    loaded.save()?;
    diag::note(format_args!("{what} ({})", loaded.path.display()));
    Ok(())
}

/// A context name must be usable in `--context a,b`.
fn check_name(name: &str) -> Result<()> {
    if name.is_empty() || name.contains(',') {
        return Err(Error::Usage(format!(
            "context name '{}' must be non-empty and contain no comma (--context takes a comma list)",
            escape(name)
        )));
    }
    Ok(())
}

/// Creates or updates a context from what was typed (values from the environment, such as
/// SESSIONS_URL, are not stored), then writes the file atomically with mode 0600.
fn set_context(args: &GlobalArgs, mut loaded: Loaded, set: ConfigSetArgs) -> Result<()> {
    check_name(&set.name)?;
    let typed =
        |id: &str, value: &Option<String>| value.clone().filter(|_| !args.from_env.contains(&id));
    refuse_unstorable(args, &set, typed("token", &args.token).is_some())?;
    if let Some(url) = typed("url", &args.url) {
        // The same checks as when the context is used, now rather than at the first query.
        config::check_url(&url, args.source)?;
    }
    let existed = loaded.file.contexts.contains_key(&set.name);
    let context = loaded.file.contexts.entry(set.name.clone()).or_default();
    merge(
        context,
        args,
        &set,
        typed("url", &args.url),
        typed("user", &args.user),
    );
    if context.url.is_none() && context.source != Some(Kind::Local) {
        return Err(Error::Usage(format!(
            "context '{}' needs --url (or --source local)",
            set.name
        )));
    }
    // Like kubectl's first context: usable right away, and said, since from now on commands
    // without --url go there rather than to this machine.
    let becomes_current = loaded.file.current_context.is_none();
    if becomes_current {
        loaded.file.current_context = Some(set.name.clone());
    }
    loaded.save()?;
    diag::note(format_args!(
        "context '{}' {} in {}{}",
        set.name,
        if existed { "updated" } else { "created" },
        loaded.path.display(),
        if becomes_current {
            " (now the current context)"
        } else {
            ""
        }
    ));
    Ok(())
}

/// What `config set` will not store (a secret typed for this run) or that would fail only at the
/// first query, far from the typo (a port map, a CA file that is missing or holds no certificate).
fn refuse_unstorable(args: &GlobalArgs, set: &ConfigSetArgs, token_typed: bool) -> Result<()> {
    if token_typed {
        return Err(Error::Usage(
            "config set stores no tokens: export it and store the variable's name with --token-env VAR".into(),
        ));
    }
    if args.password_stdin {
        return Err(Error::Usage(
            "config set stores no passwords: use --password-command 'pass show NAME' or --password-env VAR".into(),
        ));
    }
    for entry in &set.port_map {
        entry
            .parse::<PortMapping>()
            .map_err(|e| Error::Usage(format!("--port-map '{}': {e}", escape(entry))))?;
    }
    match &args.ca_cert {
        Some(ca) if !ca.is_file() => Err(Error::Usage(format!(
            "--ca-cert '{}': no such file",
            escape(&ca.display().to_string())
        ))),
        // A file that is there but holds no certificate would fail only at the first query.
        Some(ca) => crate::source::tls::ca_certs(ca).map(drop),
        None => Ok(()),
    }
}

/// Overwrites the keys that were given, keeps the others.
fn merge(
    context: &mut Context,
    args: &GlobalArgs,
    set: &ConfigSetArgs,
    url: Option<String>,
    user: Option<String>,
) {
    let replace = |slot: &mut Option<String>, value: Option<String>| {
        if value.is_some() {
            *slot = value;
        }
    };
    replace(&mut context.url, url);
    replace(&mut context.user, user);
    if set.password_command.is_some() {
        context.password_env = None;
        context.password = None;
    }
    if set.password_env.is_some() {
        context.password_command = None;
        context.password = None;
    }
    replace(&mut context.password_command, set.password_command.clone());
    replace(&mut context.password_env, set.password_env.clone());
    if set.token_env.is_some() {
        context.token = None;
    }
    replace(&mut context.token_env, set.token_env.clone());
    replace(
        &mut context.timeout,
        args.timeout
            .map(|t| humantime::format_duration(t).to_string()),
    );
    if let Some(source) = args.source {
        context.source = Some(source);
    }
    if let Some(ca) = &args.ca_cert {
        // Absolute, so the file means the same from any working directory.
        context.ca_cert = Some(std::path::absolute(ca).unwrap_or_else(|_| ca.clone()));
    }
    if args.insecure {
        context.insecure = Some(true);
    }
    if !set.port_map.is_empty() {
        context.port_map = set.port_map.clone();
    }
}
