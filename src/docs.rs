//! Shell completions and man pages, generated from the clap definition; `completions/` and `man/`
//! hold committed copies that a test keeps in step.

use clap_complete::Shell;

use clap::CommandFactory;

use crate::cli::Cli;

pub const BIN: &str = "sessions";

pub fn completion_script(shell: Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), BIN, &mut out);
    out
}

/// `(file name, roff text)` for `sessions.1` and one page per subcommand (`sessions-active.1`, …),
/// nested ones included (`sessions-config-set.1`), as git names its pages.
pub fn man_pages() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let mut cmd = Cli::command();
    cmd.build();
    let mut pages = Vec::new();
    let mut top = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut top)?;
    pages.push((format!("{BIN}.1"), top));
    subcommand_pages(&cmd, BIN, &mut pages)?;
    Ok(pages)
}

fn subcommand_pages(
    cmd: &clap::Command,
    prefix: &str,
    pages: &mut Vec<(String, Vec<u8>)>,
) -> std::io::Result<()> {
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("{prefix}-{}", sub.get_name());
        let mut page = Vec::new();
        clap_mangen::Man::new(sub.clone().name(name.clone())).render(&mut page)?;
        pages.push((format!("{name}.1"), page));
        subcommand_pages(sub, &name, pages)?;
    }
    Ok(())
}
