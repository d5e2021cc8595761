//! Verbose tracing on stderr (`-v`) and warnings (silenced by `-q`); never data, never secrets.

use std::sync::atomic::{AtomicU8, Ordering};

const QUIET: u8 = 0;
const NORMAL: u8 = 1;
const VERBOSE: u8 = 2;

static LEVEL: AtomicU8 = AtomicU8::new(NORMAL);

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

/// A line for `-v`: what is being asked of whom, and how it went.
pub fn trace(args: std::fmt::Arguments<'_>) {
    if LEVEL.load(Ordering::Relaxed) >= VERBOSE {
        eprintln!("sessions: {args}");
    }
}

/// Something the user should know that does not stop the command.
pub fn warn(args: std::fmt::Arguments<'_>) {
    if LEVEL.load(Ordering::Relaxed) >= NORMAL {
        eprintln!("sessions: warning: {args}");
    }
}

/// An error line that is not the final one (a failed target among several); never silenced.
pub fn error(args: std::fmt::Arguments<'_>) {
    eprintln!("sessions: {args}");
}

/// A confirmation for people (e.g. `config set`); silenced by `-q`, never on stdout.
pub fn note(args: std::fmt::Arguments<'_>) {
    if LEVEL.load(Ordering::Relaxed) >= NORMAL {
        eprintln!("sessions: {args}");
    }
}
