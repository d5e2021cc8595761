//! The `sessions` binary: parse, run, turn the outcome into an exit code.

use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;
use sessions::cli::Cli;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!(
                "sessions: {} (see 'sessions --help')",
                first_line(&e.to_string())
            );
            return ExitCode::from(2);
        }
    };
    match sessions::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if !e.is_silent() {
                eprintln!("sessions: {e}");
            }
            ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(1))
        }
    }
}

/// clap's usage errors span several lines; ours are one.
fn first_line(message: &str) -> &str {
    let line = message.lines().next().unwrap_or(message);
    line.strip_prefix("error: ").unwrap_or(line)
}
