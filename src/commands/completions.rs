//! `sessions completions SHELL`: the shell completion script, generated from the clap definition.

use clap_complete::Shell;

use crate::cli::GlobalArgs;
use crate::docs;
use crate::error::Result;
use crate::output;

pub(super) fn run(global: &GlobalArgs, shell: Shell) -> Result<()> {
    let script = docs::completion_script(shell);
    output::emit(global.output_file.as_deref(), |w| w.write_all(&script))
}
