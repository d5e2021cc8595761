//! Everything `sessions` writes to stderr: `-v` traces, warnings (silenced by `-q`), error lines.
//! Each line passes one gate: it is shown escaped (`text::escape`) and cut to 2 KiB, so a line can
//! neither restyle the terminal nor flood it. Secrets are masked before, where a server's words
//! are quoted (`mask::said`).

use std::sync::atomic::{AtomicU8, Ordering};

use crate::error::Error;

const QUIET: u8 = 0;
const NORMAL: u8 = 1;
const VERBOSE: u8 = 2;

static LEVEL: AtomicU8 = AtomicU8::new(NORMAL);

/// The longest line written to stderr, in bytes (and `…`): its start and its end (where the
/// hints are).
pub(crate) const LINE_LIMIT: usize = 2048;

pub(crate) fn set(verbose: bool, quiet: bool) {
    let level = if quiet {
        QUIET
    } else if verbose {
        VERBOSE
    } else {
        NORMAL
    };
    LEVEL.store(level, Ordering::Relaxed);
}

/// What the gate lets through of `line`: escaped, then cut to `LINE_LIMIT` (a server's 50 MB
/// string quoted in an error would otherwise be a 50 MB line).
pub(crate) fn gate(line: &str) -> String {
    crate::text::brief(&crate::text::escape(line), LINE_LIMIT)
}

/// The one way a line reaches stderr.
fn emit(prefix: &str, args: std::fmt::Arguments<'_>) {
    let shown = gate(&args.to_string());
    eprintln!("sessions: {prefix}{shown}");
}

/// A line for `-v`: what is being asked of whom, and how it went.
pub(crate) fn trace(args: std::fmt::Arguments<'_>) {
    if LEVEL.load(Ordering::Relaxed) >= VERBOSE {
        emit("", args);
    }
}

/// Something the user should know that does not stop the command.
pub(crate) fn warn(args: std::fmt::Arguments<'_>) {
    if LEVEL.load(Ordering::Relaxed) >= NORMAL {
        emit("warning: ", args);
    }
}

/// An error line that is not the final one (a failed target among several); never silenced.
pub(crate) fn error(args: std::fmt::Arguments<'_>) {
    emit("", args);
}

/// The final error of the command, unless it is one that ends quietly (a closed pipe).
pub fn report(e: &Error) {
    if !e.is_silent() {
        emit("", format_args!("{e}"));
    }
}

/// A confirmation for people (e.g. `config set`); silenced by `-q`, never on stdout.
pub(crate) fn note(args: std::fmt::Arguments<'_>) {
    if LEVEL.load(Ordering::Relaxed) >= NORMAL {
        emit("", args);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mask::{forms, mask_with};

    #[test]
    fn the_gate_masks_then_escapes_then_cuts() {
        let secrets = forms("pa55-w0rd-long");
        let line = format!("start pa55-w0rd-long \u{1b}[2J {} end", "x".repeat(5000));
        let shown = gate(&mask_with(&line, &secrets));
        assert!(shown.starts_with("start *** \\u{1b}[2J xxx"), "{shown}");
        assert!(
            shown.contains("x…x") && shown.ends_with("xxx end"),
            "{shown}"
        );
        assert_eq!(shown.len(), LINE_LIMIT + '…'.len_utf8());
        assert_eq!(gate("short"), "short");
    }
}
