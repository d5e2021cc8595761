//! The token `collect --listen` asks of its clients. It comes from a file, the environment or
//! standard input, never from the command line: any user can read /proc/PID/cmdline for as long
//! as the daemon runs.

use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::cli::{CollectArgs, GlobalArgs};
use crate::diag;
use crate::error::{Error, Result};
use crate::source::Secret;

/// The environment variable that holds the listener's token.
pub(super) const ENV: &str = "SESSIONS_COLLECT_TOKEN";

/// Where the token goes instead, for the messages.
const WHERE: &str = "--token-file PATH (mode 0600), SESSIONS_COLLECT_TOKEN, or --token-stdin";

/// A bearer token is a line, not a file: anything longer is refused.
const MAX_LEN: usize = 4096;

/// What `collect` refuses before it resolves anything: a token typed on its command line, and
/// two secrets asked of one standard input.
pub(super) fn refuse_on_argv(global: &GlobalArgs, args: &CollectArgs) -> Result<()> {
    if global.token.is_some() && !global.from_env.contains(&"token") {
        return Err(Error::Usage(format!(
            "collect takes no token on its command line, where any user can read it for as long as collect runs: give the listener's token with {WHERE}"
        )));
    }
    if args.token_stdin && global.password_stdin {
        return Err(Error::Usage(
            "--token-stdin and --password-stdin both read standard input: give the token with --token-file or SESSIONS_COLLECT_TOKEN".into(),
        ));
    }
    Ok(())
}

/// The listener's token: `--token-file`, `--token-stdin`, else `SESSIONS_COLLECT_TOKEN`.
/// `target_token` says whether a token for servers (`SESSIONS_TOKEN`, a context's) is set: with
/// no listener token that is a mistake of naming, and the listener must not run open for it.
pub(super) fn resolve(
    args: &CollectArgs,
    target_token: bool,
    var: &dyn Fn(&str) -> Option<String>,
    stdin: &mut dyn Read,
) -> Result<Option<Secret>> {
    if args.listen.is_none() {
        return Ok(None);
    }
    let token = if let Some(path) = &args.token_file {
        Some(from_file(path)?)
    } else if args.token_stdin {
        Some(first_line(stdin, "standard input")?)
    } else {
        var(ENV)
            .filter(|v| !v.is_empty())
            .map(|v| checked(&v, ENV))
            .transpose()?
    };
    if token.is_none() && target_token {
        return Err(Error::Usage(format!(
            "SESSIONS_TOKEN (or a context's token) is sent to the servers asked, not asked of clients: give the listener's token with {WHERE}"
        )));
    }
    Ok(token.map(Secret::new))
}

/// The first line of the file; a file others can read draws a warning, as ssh's keys do.
fn from_file(path: &Path) -> Result<String> {
    let file = std::fs::File::open(path).map_err(|e| {
        Error::Usage(format!(
            "cannot read the token file {}: {e}",
            path.display()
        ))
    })?;
    if let Ok(meta) = file.metadata()
        && meta.permissions().mode() & 0o077 != 0
    {
        diag::warn(format_args!(
            "the token file {} can be read by other users (mode {:o}): chmod 600 it",
            path.display(),
            meta.permissions().mode() & 0o7777
        ));
    }
    first_line(&mut &file, &format!("the token file {}", path.display()))
}

/// The first line of `input` (its line ending dropped), read up to a bound.
fn first_line(input: &mut dyn Read, origin: &str) -> Result<String> {
    let mut bytes = Vec::new();
    input
        .take(u64::try_from(MAX_LEN).unwrap_or(u64::MAX) + 2)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::Usage(format!("cannot read the token from {origin}: {e}")))?;
    let line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let text = std::str::from_utf8(line).map_err(|_| unusable(origin))?;
    checked(text, origin)
}

/// A token is one word of visible ASCII, at most `MAX_LEN` bytes: what fits a bearer header.
fn checked(token: &str, origin: &str) -> Result<String> {
    if token.is_empty() || token.len() > MAX_LEN || !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(unusable(origin));
    }
    Ok(token.to_owned())
}

fn unusable(origin: &str) -> Error {
    Error::Usage(format!(
        "the token from {origin} must be one line of 1 to {MAX_LEN} visible ASCII characters"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_one_line_of_visible_ascii() {
        let read = |s: &str| first_line(&mut s.as_bytes(), "x");
        assert_eq!(read("abc\r\nrest").unwrap(), "abc");
        assert_eq!(read("abc").unwrap(), "abc");
        for bad in ["", "\n", "a b\n", "é\n"] {
            assert_eq!(read(bad).unwrap_err().exit_code(), 2, "{bad:?}");
        }
        let long = "a".repeat(MAX_LEN + 1);
        assert!(read(&long).is_err());
        assert!(read(&"a".repeat(MAX_LEN)).is_ok());
    }
}
