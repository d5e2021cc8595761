//! Everything `sessions` writes to stderr: `-v` traces, warnings (silenced by `-q`), error lines.
//! Each line passes one gate: every secret the process knows (passwords, tokens, as typed and as
//! a server may echo them: JSON- or URL-escaped) is replaced by `***`, and what is left is shown
//! escaped (`text::escape`), so a line can neither leak a secret nor restyle the terminal.

use std::borrow::Cow;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU8, Ordering};

use crate::error::Error;

const QUIET: u8 = 0;
const NORMAL: u8 = 1;
const VERBOSE: u8 = 2;

static LEVEL: AtomicU8 = AtomicU8::new(NORMAL);

/// Every form of every secret seen, longest first.
static SECRETS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Below this length a secret is masked only where it stands alone (not inside a word or a
/// number): a password `1` must not turn `code 4101` into `code 4***0***`.
const MASK_ANYWHERE: usize = 8;

pub fn set(verbose: bool, quiet: bool) {
    let level = if quiet {
        QUIET
    } else if verbose {
        VERBOSE
    } else {
        NORMAL
    };
    LEVEL.store(level, Ordering::Relaxed);
}

/// Remembers a secret, so that no line on stderr shows it: as given, and in the forms a server
/// echoing it would use (JSON string escapes, Rust/`{:?}` escapes, percent-encoding).
pub fn keep_secret(secret: &str) {
    if secret.is_empty() {
        return;
    }
    let json = serde_json::to_string(secret).unwrap_or_default();
    let debug = format!("{secret:?}");
    let forms = [
        secret.to_owned(),
        strip_quotes(&json).to_owned(),
        strip_quotes(&debug).to_owned(),
        crate::text::escape(secret).into_owned(),
        crate::text::one_line(secret),
        percent_encoded(secret),
    ];
    let Ok(mut known) = SECRETS.lock() else {
        return;
    };
    for form in forms {
        if !form.is_empty() && !known.contains(&form) {
            known.push(form);
        }
    }
    known.sort_by_key(|s| std::cmp::Reverse(s.len()));
}

fn strip_quotes(s: &str) -> &str {
    s.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(s)
}

/// Every byte but unreserved ones (RFC 3986) as `%XX`.
fn percent_encoded(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// `line` with every known secret replaced by `***`.
pub fn mask(line: &str) -> Cow<'_, str> {
    let Ok(known) = SECRETS.lock() else {
        return Cow::Borrowed(line);
    };
    let mut out = Cow::Borrowed(line);
    for secret in known.iter() {
        if out.contains(secret.as_str()) {
            let replaced = replace(&out, secret);
            if replaced != out {
                out = Cow::Owned(replaced);
            }
        }
    }
    out
}

fn replace(text: &str, secret: &str) -> String {
    if secret.chars().count() >= MASK_ANYWHERE {
        return text.replace(secret, "***");
    }
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (at, _) in text.match_indices(secret) {
        let end = at + secret.len();
        if at < last || word(text[..at].chars().next_back()) || word(text[end..].chars().next()) {
            continue;
        }
        out.push_str(&text[last..at]);
        out.push_str("***");
        last = end;
    }
    out.push_str(&text[last..]);
    out
}

/// The one way a line reaches stderr.
fn emit(prefix: &str, args: std::fmt::Arguments<'_>) {
    let line = args.to_string();
    let masked = mask(&line);
    eprintln!("sessions: {prefix}{}", crate::text::escape(&masked));
}

/// A line for `-v`: what is being asked of whom, and how it went.
pub fn trace(args: std::fmt::Arguments<'_>) {
    if LEVEL.load(Ordering::Relaxed) >= VERBOSE {
        emit("", args);
    }
}

/// Something the user should know that does not stop the command.
pub fn warn(args: std::fmt::Arguments<'_>) {
    if LEVEL.load(Ordering::Relaxed) >= NORMAL {
        emit("warning: ", args);
    }
}

/// An error line that is not the final one (a failed target among several); never silenced.
pub fn error(args: std::fmt::Arguments<'_>) {
    emit("", args);
}

/// The final error of the command, unless it is one that ends quietly (a closed pipe).
pub fn report(e: &Error) {
    if !e.is_silent() {
        emit("", format_args!("{e}"));
    }
}

/// A confirmation for people (e.g. `config set`); silenced by `-q`, never on stdout.
pub fn note(args: std::fmt::Arguments<'_>) {
    if LEVEL.load(Ordering::Relaxed) >= NORMAL {
        emit("", args);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked_in_every_form_a_server_may_echo() {
        keep_secret("s3cr\"et/pa\u{1b}ss");
        keep_secret("1");
        let said = concat!(
            "raw s3cr\"et/pa\u{1b}ss, json s3cr\\\"et/pa\\u001bss, ",
            "debug s3cr\\\"et/pa\\u{1b}ss, url s3cr%22et%2Fpa%1Bss"
        );
        assert_eq!(mask(said), "raw ***, json ***, debug ***, url ***");
        // A short secret only where it stands alone.
        assert_eq!(
            mask("code 4101: '1' is wrong (1)"),
            "code 4101: '***' is wrong (***)"
        );
        assert!(matches!(mask("nothing here"), Cow::Borrowed(_)));
    }
}
