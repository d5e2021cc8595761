//! Shell completions and man pages, generated from the clap definition; `completions/` and `man/`
//! hold committed copies that a test keeps in step.

use clap_complete::Shell;

use crate::cli;

pub const BIN: &str = "sessions";

/// The variable under which the shell asks `sessions` itself what to complete.
pub const COMPLETE_VAR: &str = "SESSIONS_COMPLETE";

/// The script a shell sources: it asks `sessions` at each Tab (`SESSIONS_COMPLETE=SHELL`), so
/// completions know the config file's context names as well as every flag and value.
pub fn completion_script(shell: Shell) -> Vec<u8> {
    use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Zsh};
    let completer: &dyn EnvCompleter = match shell {
        Shell::Bash => &Bash,
        Shell::Zsh => &Zsh,
        Shell::Fish => &Fish,
        Shell::Elvish => &Elvish,
        _ => &Powershell,
    };
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = completer.write_registration(COMPLETE_VAR, BIN, BIN, BIN, &mut out);
    out
}

/// `(file name, roff text)` for `sessions.1` and one page per subcommand (`sessions-active.1`, …),
/// nested ones included (`sessions-config-set.1`), as git names its pages.
pub fn man_pages() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    // The long version names the commit: committed pages would drift with every commit.
    let mut cmd = cli::command().long_version(None::<&str>);
    // Built, so that every subcommand's page lists the global options it takes.
    cmd.build();
    let mut pages = Vec::new();
    let mut top = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut top)?;
    top.extend_from_slice(TOP_SECTIONS.as_bytes());
    pages.push((format!("{BIN}.1"), top));
    subcommand_pages(&cmd, BIN, &mut pages)?;
    Ok(pages
        .into_iter()
        .map(|(name, roff)| (name, ascii_roff(&roff)))
        .collect())
}

/// What `man sessions` adds to the options: exit codes, environment, files and examples.
const TOP_SECTIONS: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
success (an empty list is success; so is a closed output pipe)
.TP
\fB1\fR
internal error, or the output could not be written
.TP
\fB2\fR
usage error: bad flag or value, unknown collector, a subcommand the source cannot answer
.TP
\fB3\fR
cannot reach the server in time: connection refused, DNS, TLS, \fB\-\-timeout\fR expired
.TP
\fB4\fR
the server answered something unusable, or refused to disconnect a session
.TP
\fB5\fR
authentication or permission refused
.TP
\fB7\fR
partial result: some targets failed; what worked is printed, what failed is on stderr
.SH ENVIRONMENT
.TP
\fBSESSIONS_URL\fR, \fBSESSIONS_CONTEXT\fR, \fBSESSIONS_CONFIG\fR, \fBSESSIONS_USER\fR, \fBSESSIONS_TOKEN\fR
the same as \fB\-\-url\fR, \fB\-\-context\fR, \fB\-\-config\fR, \fB\-\-user\fR and \fB\-\-token\fR; a flag beats the variable, which beats the config file
.TP
\fBSESSIONS_PASSWORD\fR
the password for \fB\-\-user\fR (never accepted on the command line)
.TP
\fBSESSIONS_COLLECT_TOKEN\fR
the token \fBsessions collect \-\-listen\fR asks of its clients (else \fB\-\-token\-file\fR; never on the command line)
.TP
\fBNO_COLOR\fR, \fBCLICOLOR_FORCE\fR
no colour, or colour even when stdout is not a terminal (\fB\-\-color auto\fR)
.TP
\fBCOLUMNS\fR
the width tables fit when the terminal does not report one
.TP
\fBXDG_CONFIG_HOME\fR, \fBXDG_STATE_HOME\fR, \fBHOME\fR
where the config file and the history store are
.SH FILES
.TP
\fI$XDG_CONFIG_HOME/sessions/config.toml\fR (else \fI~/.config/sessions/config.toml\fR)
named contexts; written by \fBsessions config\fR with mode 0600
.TP
\fI$XDG_STATE_HOME/sessions/history.sqlite3\fR (else \fI~/.local/state/sessions/history.sqlite3\fR)
finished sessions recorded by \fBsessions collect\fR (mode 0600; its one writer holds \fIhistory.sqlite3\-writer.lock\fR), read by \fBsessions summary\fR
.SH EXAMPLES
.TP
\fBsessions active\fR
who is connected to this machine's streaming services
.TP
\fBsessions \-\-url http://core:8080 active \-\-collectors hls,rtmp\fR
a datarhei Core's HLS and RTMP sessions
.TP
\fBsessions \-\-all\-contexts summary \-o json\fR
every configured server's summary as one JSON document (exit 7 if some failed)
.TP
\fBsessions \-\-source srs \-\-url http://srs:1985 kick ID \-\-yes\fR
disconnect one SRS client
"#;

/// groff warns on raw non-ASCII text (`…` in the help): each such character becomes its escape.
fn ascii_roff(roff: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(roff);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!("\\[u{:04X}]", u32::from(c)));
        }
    }
    out.into_bytes()
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
        // Each subcommand's long help ends with its examples; the exit codes are on one page.
        page.extend_from_slice(
            format!(".SH \"EXIT STATUS\"\nAs \\fB{BIN}\\fR(1): 0 success, 2 usage, 3 unreachable, 4 bad reply, 5 refused login, 7 partial.\n").as_bytes(),
        );
        pages.push((format!("{name}.1"), page));
        subcommand_pages(sub, &name, pages)?;
    }
    Ok(())
}
