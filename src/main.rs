//! The `sessions` binary: parse, run, turn the outcome into an exit code.

use std::process::ExitCode;

use clap::error::ErrorKind;
use sessions::cli::Cli;

fn main() -> ExitCode {
    // Shell completion (`SESSIONS_COMPLETE=bash sessions …`, as the scripts in completions/ call
    // it) answers and exits here.
    clap_complete::CompleteEnv::with_factory(sessions::cli::command)
        .var(sessions::docs::COMPLETE_VAR)
        .complete();
    let cli = match Cli::try_parse_noting_env() {
        Ok(cli) => cli,
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        // `sessions` alone gets a one-screen usage, `sessions config` alone its own help; both go
        // to stderr as usage errors.
        Err(e) if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let top = sessions::cli::command()
                .ignore_errors(true)
                .try_get_matches()
                .map_or(true, |m| m.subcommand_name().is_none());
            if top {
                eprint!("{}", sessions::cli::short_usage());
            } else {
                let _ = e.print();
            }
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("sessions: {}", sessions::cli::one_line(&e));
            return ExitCode::from(2);
        }
    };
    match sessions::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            sessions::report(&e);
            ExitCode::from(e.exit_code())
        }
    }
}
