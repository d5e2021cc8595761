//! Who we are towards a server: user, password and token, from flags, the environment, stdin or
//! a context's command.

use std::io::BufRead;

use super::Env;
use crate::cli::GlobalArgs;
use crate::config_file::{Context, Loaded};
use crate::diag;
use crate::error::{Error, Result};
use crate::source::{Credentials, Secret};

/// User, password and token: flag or environment first, then the context's variable names,
/// command, or (discouraged) literal values. A password command runs only when a user needs one.
pub(super) fn resolve_credentials(
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
