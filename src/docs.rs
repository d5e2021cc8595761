//! Shell completions, man pages and the command-line reference, generated from the clap
//! definition; `completions/`, `man/` and `docs/cli.md` hold committed copies that a test keeps
//! in step.

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

/// What `docs/cli.md` says before the commands: what it is and how it is kept true.
const REFERENCE_INTRO: &str = "# Command-line reference

Every subcommand and option, as `sessions SUBCOMMAND --help` prints them (generated). For a walk
through the tool, read the [guide](guide.md).

";
/// `docs/cli.md`: the top command with the global options, then every subcommand (nested ones
/// included) with its arguments, its own options and its examples.
pub fn cli_reference() -> String {
    let mut cmd = cli::command().long_version(None::<&str>);
    // Built, so that usages name the whole command (`sessions config set`) and globals are known.
    cmd.build();
    let mut out = String::from(REFERENCE_INTRO);
    reference_command(&mut out, &cmd, BIN, &mut Seen::default());
    out
}

/// What the reference has written so far, each with the command it was written for.
#[derive(Default)]
struct Seen {
    /// Whole option lists (`watch` and `top` take `active`'s).
    lists: Vec<(Vec<String>, String)>,
    /// Single long option entries that several commands share (`--filter`, `--all`).
    options: Vec<(String, String)>,
}

/// An option entry at least this long is written once and pointed to after.
const SHARED_ENTRY: usize = 100;

/// One command's section, then its subcommands' sections. A command whose options are those of
/// one written before points there instead of repeating them, and so does a long option entry
/// written before: `seen` holds what was written, with the command that has it.
fn reference_command(out: &mut String, cmd: &clap::Command, name: &str, seen: &mut Seen) {
    out.push_str(&format!("## `{name}`\n\n"));
    if let Some(about) = cmd.get_long_about().or_else(|| cmd.get_about()) {
        out.push_str(&format!("{}\n\n", markdown_text(&about.to_string())));
    }
    let usage = cmd.clone().render_usage().to_string();
    out.push_str(&format!("```text\n{}\n```\n\n", usage.trim_end()));
    let subcommands: Vec<&clap::Command> = visible_subcommands(cmd).collect();
    if !subcommands.is_empty() {
        out.push_str("Commands:\n\n");
        for sub in &subcommands {
            let full = format!("{name} {}", sub.get_name());
            let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
            let anchor = full.replace(' ', "-");
            // A group's own sections follow at once and open with the same words.
            match name == BIN {
                true => out.push_str(&format!(
                    "- [`{full}`](#{anchor}): {}\n",
                    markdown_text(&about)
                )),
                false => out.push_str(&format!("- [`{full}`](#{anchor})\n")),
            }
        }
        out.push('\n');
    }
    let top = name == BIN;
    let args: Vec<&clap::Arg> = cmd
        .get_arguments()
        .filter(|a| !a.is_hide_set())
        .filter(|a| {
            top || !(a.is_global_set() || ["help", "version"].contains(&a.get_id().as_str()))
        })
        .collect();
    // Ids and help together: two commands may name an argument alike and mean different things.
    let written: Vec<String> = args.iter().map(|a| reference_arg(a)).collect();
    match seen
        .lists
        .iter()
        .find(|(known, _)| !written.is_empty() && *known == written)
    {
        Some((_, first)) => out.push_str(&format!(
            "Options: those of [`{first}`](#{}).\n\n",
            first.replace(' ', "-")
        )),
        None => {
            reference_args(out, &args, top, (name, &mut seen.options));
            seen.lists.push((written, name.to_string()));
        }
    }
    if let Some(examples) = cmd.get_after_long_help() {
        reference_examples(out, &examples.to_string());
    }
    for sub in subcommands {
        reference_command(out, sub, &format!("{name} {}", sub.get_name()), seen);
    }
}

fn visible_subcommands(cmd: &clap::Command) -> impl Iterator<Item = &clap::Command> {
    cmd.get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
}

/// The arguments, then the options, one list item each; a long option entry written for an
/// earlier command points there.
fn reference_args(
    out: &mut String,
    args: &[&clap::Arg],
    top: bool,
    (name, written): (&str, &mut Vec<(String, String)>),
) {
    let (positionals, options): (Vec<&clap::Arg>, Vec<&clap::Arg>) =
        args.iter().partition(|a| a.is_positional());
    if !positionals.is_empty() {
        out.push_str("Arguments:\n\n");
        positionals
            .iter()
            .for_each(|a| out.push_str(&reference_arg(a)));
        out.push('\n');
    }
    if !options.is_empty() {
        out.push_str(if top {
            "Global options (before or after the subcommand; every subcommand takes them):\n\n"
        } else {
            "Options (besides the [global options](#sessions)):\n\n"
        });
        for arg in options {
            let entry = reference_arg(arg);
            match written.iter().find(|(known, _)| *known == entry) {
                Some((_, first)) => out.push_str(&format!(
                    "- {}: as in [`{first}`](#{}).\n",
                    arg_signature(arg),
                    first.replace(' ', "-")
                )),
                None => {
                    if entry.len() >= SHARED_ENTRY {
                        written.push((entry.clone(), name.to_string()));
                    }
                    out.push_str(&entry);
                }
            }
        }
        out.push('\n');
    }
}

/// `- `-o`, `--output FORMAT`: help [default: …] Values: …. Environment: `VAR`.`
fn reference_arg(arg: &clap::Arg) -> String {
    let mut line = format!("- {}:", arg_signature(arg));
    if let Some(help) = arg.get_long_help().or_else(|| arg.get_help()) {
        line.push(' ');
        line.push_str(&markdown_text(&help.to_string()));
        if !line.ends_with('.') {
            line.push('.');
        }
    }
    let takes_values = arg.get_action().takes_values();
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| format!("`{}`", v.to_string_lossy()))
        .collect();
    if takes_values && !defaults.is_empty() && !arg.is_hide_default_value_set() {
        line.push_str(&format!(" Default: {}.", defaults.join(", ")));
    }
    let values: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|v| takes_values && !v.is_hide_set())
        .map(|v| match v.get_help() {
            Some(help) => format!("`{}` ({})", v.get_name(), markdown_text(&help.to_string())),
            None => format!("`{}`", v.get_name()),
        })
        .collect();
    if !values.is_empty() {
        line.push_str(&format!(" Values: {}.", values.join(", ")));
    }
    if let Some(var) = arg.get_env() {
        line.push_str(&format!(" Environment: `{}`.", var.to_string_lossy()));
    }
    line.push('\n');
    line
}

/// `-o`, `--output FORMAT` for an option, `ID…` for a positional argument.
fn arg_signature(arg: &clap::Arg) -> String {
    let names: Vec<String> = arg
        .get_value_names()
        .map(|v| v.iter().map(|n| n.to_string()).collect())
        .unwrap_or_else(|| vec![arg.get_id().as_str().to_uppercase()]);
    let many = arg.get_num_args().is_some_and(|n| n.max_values() > 1);
    let value = format!("{}{}", names.join(" "), if many { "…" } else { "" });
    if arg.is_positional() {
        return format!("`{value}`");
    }
    let mut long = arg.get_long().map(|l| format!("--{l}")).unwrap_or_default();
    if arg.get_action().takes_values() {
        long = format!("{long} {value}");
    }
    match arg.get_short() {
        Some(short) => format!("`-{short}`, `{long}`"),
        None => format!("`{long}`"),
    }
}

/// A command's examples (its long help's epilogue) as a block of text.
fn reference_examples(out: &mut String, examples: &str) {
    let mut lines = examples.lines();
    if let Some(title) = lines.next() {
        out.push_str(&format!("{}\n\n```text\n", title.trim()));
    }
    for line in lines {
        out.push_str(&format!("{}\n", line.strip_prefix("  ").unwrap_or(line)));
    }
    out.push_str("```\n\n");
}

/// Help text as markdown: code spans (between backticks) as they are, and elsewhere the
/// characters markdown would take for emphasis or HTML escaped (`_` only where it starts a word:
/// `SESSIONS_URL` stays as it is, `__SystemAdministrator` is not bold).
fn markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut code, mut previous) = (false, ' ');
    for c in text.chars() {
        match c {
            '`' => code = !code,
            '\\' | '*' | '<' if !code => out.push('\\'),
            '_' if !code && !previous.is_alphanumeric() => out.push('\\'),
            _ => {}
        }
        out.push(c);
        previous = c;
    }
    out
}
