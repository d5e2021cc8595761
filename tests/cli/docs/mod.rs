//! The commands of README.md and docs/*.md, run: every fenced `console`, `sh` and `cron` block is
//! executed by bash against loopback stand-ins of the servers the docs name, so no documented
//! command can go stale. Blocks that only show output are fenced `text` (or `json`, `toml`, `sql`).
//!
//! Fence words after the tag: `contexts` starts the block with the example config file of
//! docs/contexts.md (otherwise there is no config file); `exact` (console) requires each
//! command's stdout to be the lines shown under it, except those starting `sessions: ` (stderr).

mod markdown;
mod run;
mod shell;
mod streaming;
mod world;

use std::path::{Path, PathBuf};
use std::process::Command;

use markdown::{Block, Step, blocks, steps};
use run::check;
use shell::{invocations, not_run};
use world::{World, repo};

const TAGS: &[&str] = &["console", "sh", "cron", "text", "json", "toml", "sql"];
/// Run by the test: `console` (the `$ ` lines), `sh` (every line), `cron` (after the schedule).
const RUN: &[&str] = &["console", "sh", "cron"];

fn doc_files() -> Vec<(String, String)> {
    let mut names = vec!["README.md".to_string()];
    let mut docs: Vec<String> = std::fs::read_dir(repo().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .map(|n| format!("docs/{n}"))
        .collect();
    docs.sort();
    names.extend(docs);
    names
        .into_iter()
        .map(|n| {
            let text = std::fs::read_to_string(repo().join(&n)).unwrap();
            (n, text)
        })
        .collect()
}

fn all_blocks() -> Vec<Block> {
    doc_files()
        .iter()
        .flat_map(|(name, text)| blocks(name, text))
        .collect()
}

/// The outside programs the docs' commands use; `None` when all are here.
fn missing_tool() -> Option<&'static str> {
    [
        "bash", "timeout", "jq", "curl", "man", "cut", "sort", "uniq",
    ]
    .into_iter()
    .find(|tool| {
        let probe = Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output();
        !probe.is_ok_and(|o| o.status.success())
    })
}

fn skip_without_tools() -> bool {
    let Some(tool) = missing_tool() else {
        return false;
    };
    crate::support::available(false, &format!("the documented commands need {tool}"));
    true
}

#[test]
fn every_block_is_tagged_and_every_command_block_has_commands() {
    let mut bad = Vec::new();
    for block in all_blocks() {
        if !TAGS.contains(&block.tag.as_str()) {
            bad.push(format!(
                "{}: fence tag {:?} (use one of {TAGS:?})",
                block.place, block.tag
            ));
        } else if RUN.contains(&block.tag.as_str()) && steps(&block).is_empty() {
            bad.push(format!(
                "{}: a {} block without a command",
                block.place, block.tag
            ));
        }
        for flag in &block.flags {
            let known = flag == "contexts" || (flag == "exact" && block.tag == "console");
            if !known {
                bad.push(format!("{}: unknown fence word {flag:?}", block.place));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn every_relative_link_reaches_its_file_and_heading() {
    let files = doc_files();
    let mut bad = Vec::new();
    for (name, text) in &files {
        let folder = Path::new(name).parent().unwrap();
        for (line, target) in markdown::links(text) {
            let (path, fragment) = target.split_once('#').unwrap_or((&target, ""));
            let file = if path.is_empty() {
                PathBuf::from(name)
            } else {
                normalize(&folder.join(path))
            };
            let Ok(linked) = std::fs::read_to_string(repo().join(&file)) else {
                bad.push(format!("{name}:{line}: {target}: no such file"));
                continue;
            };
            let is_markdown = file.extension().is_some_and(|e| e == "md");
            if !fragment.is_empty()
                && is_markdown
                && !markdown::anchors(&linked).iter().any(|a| a == fragment)
            {
                bad.push(format!("{name}:{line}: {target}: no such heading"));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// `docs/../README.md` as `README.md`.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[test]
fn every_documented_command_does_what_the_docs_say() {
    if skip_without_tools() {
        return;
    }
    let world = World::start();
    let runnable: Vec<Block> = all_blocks()
        .into_iter()
        .filter(|b| RUN.contains(&b.tag.as_str()))
        .collect();
    let (mut ran, mut skipped, mut calls) = (0, 0, 0);
    for block in &runnable {
        for step in steps(block) {
            match step {
                Step::Run { text, .. } if not_run(&text).is_some() => skipped += 1,
                Step::Run { text, .. } | Step::Script { text, .. } => {
                    ran += 1;
                    calls += invocations(&text).len();
                }
            }
        }
    }
    let problems: Vec<String> = std::thread::scope(|scope| {
        let world = &world;
        let handles: Vec<_> = runnable
            .iter()
            .map(|block| scope.spawn(move || check(world, block)))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    eprintln!(
        "{} blocks: {ran} command lines run ({calls} `sessions` calls outside #! scripts), {skipped} not run (cargo, bench/, fuzz/, .ci/)",
        runnable.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The checker itself: a wrong flag, a wrong documented exit code and a stale output are caught.
#[test]
fn a_wrong_command_exit_code_or_output_is_caught() {
    if skip_without_tools() {
        return;
    }
    let world = World::start();
    let doc = "```console exact\n\
               $ sessions --url wss://hmi:2020/ --ca-cert hmi-root.pem --user __SystemAdministrator summary -o tsv --no-headers\n\
               tchmi\t4\t3\t3\t3\t2\t1\n\
               $ sessions active --no-such-flag\n\
               $ sessions --url http://127.0.0.1:9 active\n\
               $ echo $?\n\
               4\n\
               $ sessions completions bash | head -c 0\n\
               stale\n\
               ```\n";
    let block = blocks("t.md", doc).remove(0);
    let problems = check(&world, &block);
    let lines: Vec<&str> = problems
        .iter()
        .map(|p| p.split(':').nth(1).unwrap())
        .collect();
    assert_eq!(lines, ["4", "5", "8"], "{problems:#?}");
    assert!(
        problems[0].contains("exit Some(2), documented 0"),
        "{}",
        problems[0]
    );
    assert!(
        problems[1].contains("exit Some(3), documented 4"),
        "{}",
        problems[1]
    );
    assert!(
        problems[2].contains("not what the doc shows"),
        "{}",
        problems[2]
    );
}

/// The size caps of README.md and docs/ (issue 18): a page a user reads, not an engineering log.
/// The generated command-line reference, docs/cli.md, is not counted.
#[test]
fn the_docs_stay_within_their_caps() {
    const README: usize = 12_288;
    const PAGE: usize = 20_000;
    const DOCS: usize = 110_000;
    let mut too_big = Vec::new();
    let mut total = 0;
    for (name, text) in doc_files() {
        let cap = if name == "README.md" { README } else { PAGE };
        if name != "docs/cli.md" && text.len() > cap {
            too_big.push(format!("{name}: {} bytes, over {cap}", text.len()));
        }
        if name.starts_with("docs/") && name != "docs/cli.md" {
            total += text.len();
        }
    }
    if total > DOCS {
        too_big.push(format!("docs/ without cli.md: {total} bytes, over {DOCS}"));
    }
    assert!(too_big.is_empty(), "{}", too_big.join("\n"));
}

/// The Rust version the docs ask for is Cargo.toml's `rust-version`, and the server is "an SRS"
/// wherever the docs, help and messages name it.
#[test]
fn the_docs_name_the_rust_version_cargo_needs_and_say_an_srs() {
    let manifest = std::fs::read_to_string(repo().join("Cargo.toml")).unwrap();
    let needed = manifest
        .lines()
        .find_map(|l| l.strip_prefix("rust-version = "))
        .unwrap()
        .trim_matches('"');
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    // "Rust 1.95 or newer", "a Rust toolchain (1.95 or newer)".
    let said: Vec<&str> = readme
        .match_indices(" or newer")
        .filter_map(|(at, _)| readme[..at].split([' ', '(']).next_back())
        .collect();
    assert_eq!(said.len(), 2, "{said:?}");
    assert!(said.iter().all(|v| *v == needed), "{said:?} vs {needed}");
    let mut texts = doc_files();
    for dir in ["src", "man"] {
        let mut stack = vec![repo().join(dir)];
        while let Some(path) = stack.pop() {
            if path.is_dir() {
                stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            } else {
                let text = std::fs::read_to_string(&path).unwrap();
                texts.push((path.display().to_string(), text));
            }
        }
    }
    for (name, text) in texts {
        assert!(!text.contains("a SRS"), "{name} says \"a SRS\"");
    }
}
