//! Who we are towards a server: user, password and token, from flags, the environment, stdin or
//! a context's command.

use std::io::{BufRead, Read};
use std::process::{Command, Stdio};

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

/// The most read of a password: from stdin up to its line end, or of a password_command's
/// output. Far past any password, and what a reader without a bound would hold whole (a
/// gigabyte on a line of its own ended the process).
const PASSWORD_LIMIT: usize = 64 * 1024;

/// `sh -c COMMAND`; the first line of its output is the password. At most `PASSWORD_LIMIT`
/// bytes of output are read: past them the command is stopped. Neither the command (it may
/// hold a secret) nor its output appears in an error.
fn run_password_command(command: &str) -> Result<Secret> {
    diag::trace(format_args!("running the context's password_command"));
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| Error::Usage(format!("cannot run password_command with sh: {e}")))?;
    let mut out = Vec::new();
    let read = match child.stdout.take() {
        Some(stdout) => stdout.take(PASSWORD_LIMIT as u64 + 1).read_to_end(&mut out),
        None => Ok(0),
    };
    if out.len() > PASSWORD_LIMIT || read.is_err() {
        // Its end of the pipe is closed: a command still writing ends on SIGPIPE.
        let _ = child.kill();
        let _ = child.wait();
        return Err(Error::Usage(match read {
            Err(e) => format!("cannot read password_command's output: {e}"),
            Ok(_) => "password_command printed more than 64 KiB: it should print the password alone, on its first line".into(),
        }));
    }
    let status = child
        .wait()
        .map_err(|e| Error::Usage(format!("cannot run password_command with sh: {e}")))?;
    if !status.success() {
        return Err(Error::Usage(format!(
            "password_command failed ({status}); run it yourself to see why"
        )));
    }
    let text = String::from_utf8_lossy(&out);
    let line = text.lines().next().unwrap_or("");
    if line.is_empty() {
        return Err(Error::Usage(
            "password_command printed no password on its first line".into(),
        ));
    }
    Ok(Secret::new(line))
}

/// One line of stdin, its line end dropped; at most `PASSWORD_LIMIT` bytes of it are read.
pub(super) fn read_password_line(stdin: &mut dyn BufRead) -> Result<Secret> {
    let mut line = Vec::new();
    // The line, and room for its `\r\n`.
    stdin
        .take(PASSWORD_LIMIT as u64 + 2)
        .read_until(b'\n', &mut line)
        .map_err(|e| Error::Usage(format!("cannot read the password from stdin: {e}")))?;
    let trimmed = line.strip_suffix(b"\n").unwrap_or(&line);
    let trimmed = trimmed.strip_suffix(b"\r").unwrap_or(trimmed);
    if trimmed.len() > PASSWORD_LIMIT {
        return Err(Error::Usage(
            "--password-stdin read more than 64 KiB without a line end: pipe in the password alone, on one line".into(),
        ));
    }
    let Ok(trimmed) = std::str::from_utf8(trimmed) else {
        return Err(Error::Usage(
            "cannot read the password from stdin: stream did not contain valid UTF-8".into(),
        ));
    };
    if trimmed.is_empty() {
        return Err(Error::Usage(
            "--password-stdin read an empty password; pipe it in, e.g. `pass show core | sessions --password-stdin …`".into(),
        ));
    }
    Ok(Secret::new(trimmed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_line_is_read_up_to_its_limit() {
        let at_limit = format!("{}\r\nmore", "p".repeat(PASSWORD_LIMIT));
        let secret = read_password_line(&mut at_limit.as_bytes()).unwrap();
        assert_eq!(secret.expose().len(), PASSWORD_LIMIT);
        for over in [
            "p".repeat(PASSWORD_LIMIT + 1),
            format!("{}\n", "p".repeat(PASSWORD_LIMIT + 1)),
        ] {
            let err = read_password_line(&mut over.as_bytes()).unwrap_err();
            assert_eq!(err.exit_code(), 2);
            assert_eq!(
                err.to_string(),
                "--password-stdin read more than 64 KiB without a line end: pipe in the password alone, on one line"
            );
        }
        let err = read_password_line(&mut &b"\xff\n"[..]).unwrap_err();
        assert!(err.to_string().contains("not contain valid UTF-8"), "{err}");
        let got = read_password_line(&mut &b"s3cret\nnext"[..]).unwrap();
        assert_eq!(got.expose(), "s3cret");
    }

    #[test]
    fn a_password_command_is_read_up_to_its_limit() {
        let got = run_password_command("printf 'pw\\nsecond line'").unwrap();
        assert_eq!(got.expose(), "pw");
        for endless in ["yes", "head -c 100000 /dev/zero; sleep 30"] {
            let started = std::time::Instant::now();
            let err = run_password_command(endless).unwrap_err();
            assert_eq!(
                err.to_string(),
                "password_command printed more than 64 KiB: it should print the password alone, on its first line"
            );
            assert!(started.elapsed() < std::time::Duration::from_secs(10));
        }
    }
}
