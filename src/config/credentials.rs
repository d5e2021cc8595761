//! Who we are towards a server: user, password and token, from flags, the environment, stdin or
//! a context's command.

use std::io::BufRead;

use super::Env;
use crate::cli::GlobalArgs;
use crate::config_file::Context;
use crate::diag;
use crate::error::{Error, Result};
use crate::source::{Credentials, Secret};

/// User, password and token: flag or environment first, then the context's variable names,
/// command, or (discouraged) literal values. In a fleet (`several`) a context's own password or
/// token source wins over `--password-stdin`, `SESSIONS_PASSWORD` and `--token`/`SESSIONS_TOKEN`,
/// which only fill in where a context has none: one exported secret must not reach every
/// server. `context` is `None` when `--url` replaced the context's URL: its credentials belong
/// to its own server. A password command runs only when a user needs one.
pub(super) fn resolve_credentials(
    args: &GlobalArgs,
    env: &Env<'_>,
    context: Option<&Context>,
    stdin_password: Option<Secret>,
    several: bool,
) -> Result<Credentials> {
    let user = args
        .user
        .clone()
        .or_else(|| context.and_then(|c| c.user.clone()));
    let given = stdin_password.or_else(|| (env.var)("SESSIONS_PASSWORD").map(Secret::new));
    let password = match context.filter(|_| user.is_some() && (several || given.is_none())) {
        Some(c) => context_password(env, c)?.or(given),
        None => given,
    };
    if user.is_some() && password.is_none() {
        return Err(Error::Usage(
            "--user needs a password: set SESSIONS_PASSWORD or pass --password-stdin (or password_command / password_env in the context)".into(),
        ));
    }
    if user.is_none() && args.password_stdin {
        return Err(Error::Usage("--password-stdin needs --user".into()));
    }
    let given = args
        .token
        .clone()
        .filter(|t| !t.is_empty())
        .map(Secret::new);
    let own = context.filter(|c| c.token_env.is_some() || c.token.is_some());
    let token = match own {
        Some(c) if several || given.is_none() => {
            from_var(env, c.token_env.as_deref()).or_else(|| c.token.clone())
        }
        _ => given,
    };
    Ok(Credentials {
        password: password.filter(|_| user.is_some()),
        user,
        token,
    })
}

/// The variable's value when it is set and not empty.
fn from_var(env: &Env<'_>, name: Option<&str>) -> Option<Secret> {
    name.and_then(|n| (env.var)(n))
        .filter(|v| !v.is_empty())
        .map(Secret::new)
}

/// The context's own password, if it has a source: `password_env`, then `password_command`,
/// then `password`. A `password_env` naming an unset variable, with nothing after it, is named
/// in the error.
fn context_password(env: &Env<'_>, c: &Context) -> Result<Option<Secret>> {
    if let Some(p) = from_var(env, c.password_env.as_deref()) {
        return Ok(Some(p));
    }
    if let Some(command) = &c.password_command {
        return run_password_command(command).map(Some);
    }
    match (&c.password, &c.password_env) {
        (Some(p), _) => Ok(Some(p.clone())),
        (None, Some(name)) => {
            let name = crate::text::escape(name);
            Err(Error::Usage(format!(
                "password_env {name} is not set: export {name}"
            )))
        }
        (None, None) => Ok(None),
    }
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

pub(super) fn read_password_line(stdin: &mut dyn BufRead) -> Result<Secret> {
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
