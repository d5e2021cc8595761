//! Who we are towards a server: user, password and token, from flags, the environment, stdin or
//! a context's command.

use std::io::{BufRead, Read};
use std::process::{Command, Stdio};

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
