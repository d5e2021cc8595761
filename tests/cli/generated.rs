//! completions/, man/ and docs/cli.md are generated from the clap definition and committed; this
//! test fails when they drift. `SESSIONS_BLESS=1 cargo test --test cli generated` rewrites them.

use std::path::{Path, PathBuf};

use clap_complete::Shell;
use sessions::docs;

use crate::support::Sessions;

const SHELLS: [(Shell, &str); 5] = [
    (Shell::Bash, "sessions.bash"),
    (Shell::Zsh, "_sessions"),
    (Shell::Fish, "sessions.fish"),
    (Shell::Elvish, "sessions.elv"),
    (Shell::PowerShell, "_sessions.ps1"),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn expected() -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = SHELLS
        .iter()
        .map(|(shell, name)| {
            (
                root().join("completions").join(name),
                docs::completion_script(*shell),
            )
        })
        .collect();
    for (name, page) in docs::man_pages().unwrap() {
        files.push((root().join("man").join(name), page));
    }
    files.push((
        root().join("docs").join("cli.md"),
        docs::cli_reference().into_bytes(),
    ));
    files
}

fn listed(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

#[test]
fn generated_files_match_the_cli() {
    let files = expected();
    if std::env::var_os("SESSIONS_BLESS").is_some() {
        for dir in ["completions", "man"] {
            for stale in listed(&root().join(dir)) {
                std::fs::remove_file(stale).unwrap();
            }
        }
        for (path, text) in &files {
            std::fs::write(path, text).unwrap();
        }
        return;
    }
    let mut drifted = Vec::new();
    for (path, text) in &files {
        if std::fs::read(path).ok().as_deref() != Some(text.as_slice()) {
            drifted.push(path.display().to_string());
        }
    }
    let mut wanted: Vec<PathBuf> = files.iter().map(|(p, _)| p.clone()).collect();
    wanted.sort();
    let mut present = listed(&root().join("completions"));
    present.extend(listed(&root().join("man")));
    present.sort();
    for extra in present.iter().filter(|p| !wanted.contains(p)) {
        drifted.push(format!("{} (no longer generated)", extra.display()));
    }
    assert!(
        drifted.is_empty(),
        "generated files drifted from the CLI: {drifted:?}; run `SESSIONS_BLESS=1 cargo test --test cli generated` and commit"
    );
}

#[test]
fn completions_subcommand_prints_the_committed_script() {
    let out = Sessions::new()
        .args(&["completions", "bash"])
        .command()
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(out.stdout, docs::completion_script(Shell::Bash));
    assert!(String::from_utf8_lossy(&out.stdout).contains("SESSIONS_COMPLETE=\"bash\""));
}

#[test]
fn there_is_a_man_page_per_subcommand() {
    let names: Vec<String> = docs::man_pages()
        .unwrap()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(
        names,
        [
            "sessions.1",
            "sessions-active.1",
            "sessions-summary.1",
            "sessions-clients.1",
            "sessions-subscriptions.1",
            "sessions-watch.1",
            "sessions-top.1",
            "sessions-config.1",
            "sessions-config-list.1",
            "sessions-config-show.1",
            "sessions-config-set.1",
            "sessions-config-use.1",
            "sessions-config-current.1",
            "sessions-config-delete.1",
            "sessions-config-rename.1",
            "sessions-config-unset.1",
            "sessions-collect.1",
            "sessions-history.1",
            "sessions-kick.1",
            "sessions-completions.1"
        ]
    );
}

#[test]
fn man_pages_are_ascii_and_say_exit_status_environment_files_and_examples() {
    for (name, roff) in docs::man_pages().unwrap() {
        assert!(roff.is_ascii(), "{name} holds raw non-ASCII text");
        let text = String::from_utf8(roff).unwrap();
        assert!(text.contains(".SH \"EXIT STATUS\""), "{name}");
        if name == "sessions.1" {
            for section in [".SH ENVIRONMENT", ".SH FILES", ".SH EXAMPLES"] {
                assert!(text.contains(section), "{name}: {section}");
            }
        }
    }
}

/// `watch` and `top` take `active`'s options but not its `--watch`; `--rounds` is shown.
#[test]
fn watch_does_not_offer_watch_and_rounds_is_documented() {
    let pages = docs::man_pages().unwrap();
    let page = |name: &str| {
        let (_, roff) = pages.iter().find(|(n, _)| n == name).unwrap();
        String::from_utf8(roff.clone()).unwrap()
    };
    for name in ["sessions-watch.1", "sessions-top.1"] {
        assert!(!page(name).contains("\\-\\-watch"), "{name}");
        assert!(page(name).contains("\\-\\-rounds"), "{name}");
    }
    assert!(page("sessions-active.1").contains("\\-\\-watch"));
}

#[test]
fn the_long_version_names_commit_target_and_tls() {
    let out = Sessions::new().args(&["--version"]).command().output();
    let out = out.unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], concat!("sessions ", env!("CARGO_PKG_VERSION")));
    assert!(lines[1].starts_with("commit: "), "{text}");
    assert!(lines[2].starts_with("target: "), "{text}");
    assert!(lines[3].starts_with("tls: rustls"), "{text}");
    let short = Sessions::new().args(&["-V"]).command().output().unwrap();
    assert_eq!(
        short.stdout,
        lines[0]
            .as_bytes()
            .iter()
            .chain(b"\n")
            .copied()
            .collect::<Vec<u8>>()
    );
}

#[test]
fn completion_offers_the_config_files_context_names() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join(".config/sessions");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        "[contexts.studio]\nurl = \"http://a:1\"\n[contexts.stage]\nurl = \"http://b:1\"\n[contexts.hmi]\nurl = \"ws://c:1/\"\n",
    )
    .unwrap();
    let complete = |index: &str, words: &[&str]| {
        let mut args = vec!["--", "sessions"];
        args.extend_from_slice(words);
        let out = Sessions::new()
            .args(&args)
            .env("HOME", home.path().to_str().unwrap())
            .env("SESSIONS_COMPLETE", "bash")
            .env("_CLAP_COMPLETE_INDEX", index)
            .command()
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(complete("2", &["--context", "st"]), "stage\nstudio");
    assert_eq!(complete("2", &["--context", "studio,h"]), "studio,hmi");
    assert_eq!(complete("3", &["config", "use", "h"]), "hmi");
    // After a comma, the next item of the list.
    assert_eq!(
        complete("3", &["active", "--collectors", "rtmp,h"]),
        "rtmp,hls\nrtmp,hlsingress\nrtmp,http\nrtmp,https"
    );
    assert_eq!(
        complete("3", &["active", "--collectors", "rtmps,rtsp"]),
        "rtmps,rtsp\nrtmps,rtsps"
    );
    assert_eq!(complete("1", &["ac"]), "active");
}

#[test]
fn the_cli_reference_names_every_subcommand_and_every_option() {
    let reference = docs::cli_reference();
    let mut cmd = sessions::cli::command();
    cmd.build();
    let mut stack = vec![("sessions".to_string(), &cmd)];
    while let Some((name, command)) = stack.pop() {
        assert!(reference.contains(&format!("## `{name}`\n")), "{name}");
        for arg in command.get_arguments().filter(|a| !a.is_hide_set()) {
            if let Some(long) = arg.get_long() {
                assert!(reference.contains(&format!("`--{long}")), "{name} --{long}");
            }
        }
        for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
            stack.push((format!("{name} {}", sub.get_name()), sub));
        }
    }
}
