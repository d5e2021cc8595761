//! The commands of README.md and docs/*.md, run: every fenced `console`, `sh` and `cron` block is
//! executed by bash against loopback stand-ins of the servers the docs name, so no documented
//! command can go stale. Blocks that only show output are fenced `text` (or `json`, `toml`, `sql`).
//!
//! Fence words after the tag: `contexts` starts the block with the example config file of
//! docs/contexts.md (otherwise there is no config file); `exact` (console) requires each
//! command's stdout to be the lines shown under it, except those starting `sessions: ` (stderr).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use support::http::{Reply, Request, Server};
use support::{certs, fixture, ws};

const TAGS: &[&str] = &["console", "sh", "cron", "text", "json", "toml", "sql"];
/// Run by the test: `console` (the `$ ` lines), `sh` (every line), `cron` (after the schedule).
const RUN: &[&str] = &["console", "sh", "cron"];
/// `watch` and `collect` run until Ctrl-C: the test sends SIGINT after this many seconds.
const LONG_RUN_S: u32 = 3;

/// One fenced block of a markdown file.
#[derive(Debug, Clone)]
struct Block {
    place: String,
    tag: String,
    flags: Vec<String>,
    body: Vec<(usize, String)>,
}

fn blocks(file: &str, text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<Block> = None;
    for (i, line) in text.lines().enumerate() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(info)) => {
                let mut words = info.split_whitespace().map(String::from);
                open = Some(Block {
                    place: format!("{file}:{}", i + 1),
                    tag: words.next().unwrap_or_default(),
                    flags: words.collect(),
                    body: Vec::new(),
                });
            }
            (Some(_), Some("")) => out.push(open.take().unwrap()),
            (Some(block), _) => block.body.push((i + 1, line.to_string())),
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "{file}: a fence is never closed");
    out
}

/// What the test does with one command of a block.
#[derive(Debug, PartialEq)]
enum Step {
    /// Run it; `exit` is what it must return, `shown` the stdout the block shows (`exact`).
    Run {
        line: usize,
        text: String,
        exit: i32,
        shown: Option<Vec<String>>,
    },
    /// A whole `#!` script, run by its interpreter; it must exit 0.
    Script { line: usize, text: String },
}

fn steps(block: &Block) -> Vec<Step> {
    let exact = block.flags.iter().any(|f| f == "exact");
    let lines = &block.body;
    let mut out = Vec::new();
    if block.tag == "sh" && lines.first().is_some_and(|(_, l)| l.starts_with("#!")) {
        let text = lines.iter().map(|(_, l)| format!("{l}\n")).collect();
        return vec![Step::Script {
            line: lines[0].0,
            text,
        }];
    }
    let mut i = 0;
    while i < lines.len() {
        let (line, first) = &lines[i];
        i += 1;
        let start = match block.tag.as_str() {
            "console" => first.strip_prefix("$ "),
            "cron" if !first.trim().is_empty() && !first.starts_with('#') => Some(
                first
                    .splitn(6, ' ')
                    .nth(5)
                    .expect("a cron line: 5 fields, a command"),
            ),
            "sh" if !first.trim().is_empty() && !first.trim_start().starts_with('#') => {
                Some(first.as_str())
            }
            _ => None,
        };
        let Some(start) = start else { continue };
        let mut text = start.to_string();
        while text.ends_with('\\') && i < lines.len() {
            text.push('\n');
            text.push_str(&lines[i].1);
            i += 1;
        }
        let mut shown = Vec::new();
        while block.tag == "console" && i < lines.len() && !lines[i].1.starts_with("$ ") {
            shown.push(lines[i].1.clone());
            i += 1;
        }
        if text == "echo $?" {
            let code = shown.first().and_then(|s| s.parse().ok());
            match (out.last_mut(), code) {
                (Some(Step::Run { exit, .. }), Some(code)) => *exit = code,
                _ => panic!(
                    "{}: `echo $?` needs a command before and a number after",
                    block.place
                ),
            }
            continue;
        }
        let shown = exact.then(|| {
            shown
                .into_iter()
                .filter(|l| !l.starts_with("sessions: "))
                .collect()
        });
        out.push(Step::Run {
            line: *line,
            text,
            exit: 0,
            shown,
        });
    }
    out
}

/// The simple commands of a shell line, as words with quotes removed, and the byte offset each
/// starts at. Enough shell for the docs: quotes, backslashes, `|;&()` and `$(`.
fn simple_commands(line: &str) -> Vec<(usize, Vec<String>)> {
    let mut out: Vec<(usize, Vec<String>)> = Vec::new();
    let (mut quote, mut escaped, mut word, mut fresh) = (None, false, None::<String>, true);
    let finish = |word: &mut Option<String>, out: &mut Vec<(usize, Vec<String>)>| {
        if let (Some(w), Some(last)) = (word.take(), out.last_mut()) {
            last.1.push(w);
        }
    };
    for (at, c) in line.char_indices() {
        let starting = word.is_none();
        match (quote, c) {
            _ if escaped => escaped = false,
            (Some(q), _) if c == q => quote = None,
            (Some('"'), '\\') | (None, '\\') => escaped = true,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '|' | ';' | '&' | '(' | ')' | '`' | '\n') => {
                finish(&mut word, &mut out);
                fresh = true;
                continue;
            }
            (None, ' ' | '\t') => {
                finish(&mut word, &mut out);
                continue;
            }
            _ => {}
        }
        if starting && fresh {
            out.push((at, Vec::new()));
            fresh = false;
        }
        word.get_or_insert_with(String::new).push(c);
    }
    finish(&mut word, &mut out);
    for (_, words) in &mut out {
        for w in words.iter_mut() {
            *w = w.replace(['\'', '"'], "").replace("\\\n", "");
        }
        words.retain(|w| !w.is_empty());
        let assignments = words.iter().take_while(|w| is_assignment(w)).count();
        words.drain(..assignments);
    }
    out.retain(|(_, words)| !words.is_empty());
    out
}

fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// Why a line is not run, if it is not: building, testing, benchmarking or fuzzing the crate is
/// CI's job (`cargo test --locked` runs this very test), and takes minutes.
fn not_run(line: &str) -> Option<&'static str> {
    simple_commands(line).iter().find_map(|(_, words)| {
        let program = words[0].as_str();
        if program == "cargo" {
            Some("cargo: builds, tests or installs the crate")
        } else if program.starts_with("bench/") || program.starts_with("fuzz/") {
            Some("a benchmark or fuzzing script")
        } else if program == "bash" && words.get(1).is_some_and(|w| w.starts_with(".ci/")) {
            Some("CI itself")
        } else {
            None
        }
    })
}

/// The `sessions` invocations of a line: their offset and arguments.
fn invocations(line: &str) -> Vec<(usize, Vec<String>)> {
    simple_commands(line)
        .into_iter()
        .filter(|(_, words)| words[0] == "sessions")
        .map(|(at, words)| {
            (
                at + line[at..].find("sessions").unwrap(),
                words[1..].to_vec(),
            )
        })
        .collect()
}

/// The servers the docs name, played on loopback, and the world every block runs in.
struct World {
    core: Server,
    core_tls: Server,
    hmi: ws::Server,
    /// Both CAs, as `SSL_CERT_FILE`: the system roots a `sessions` without `--ca-cert` trusts.
    roots: String,
    hmi_ca: String,
    config: String,
}

fn core_stand_in(request: &Request) -> Reply {
    let token = fixture("login-ok.json");
    let access: serde_json::Value = serde_json::from_str(&token).unwrap();
    let access = access["access_token"].as_str().unwrap().to_string();
    let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap_or_default();
    match (request.method.as_str(), request.path()) {
        ("POST", "/api/login") if body["password"] == ws::PASSWORD => Reply::json(200, token),
        ("POST", "/api/login") => Reply::json(401, fixture("error-401-login-bad-password.json")),
        _ if request.bearer().is_some_and(|b| b != access) => {
            Reply::json(401, fixture("error-401-bad-token.json"))
        }
        ("GET", "/api/v3/session/active") => {
            Reply::json(200, fixture("session-active-rtmp-hls.json"))
        }
        ("GET", "/api/v3/session") => Reply::json(200, fixture("session-summary-rtmp-hls.json")),
        _ => Reply::json(404, fixture("error-404-unknown-route.json")),
    }
}

impl World {
    fn start() -> World {
        let pki = certs::pki(&["127.0.0.1"]);
        let core_tls = Server::start_tls(pki.server_config, core_stand_in);
        let hmi = ws::Server::tls(ws::Behaviour::default());
        let hmi_ca = hmi.ca_pem.clone().unwrap();
        let text = std::fs::read_to_string(repo().join("docs/contexts.md")).unwrap();
        let toml = blocks("docs/contexts.md", &text)
            .into_iter()
            .find(|b| b.tag == "toml")
            .expect("docs/contexts.md has an example config");
        let mut world = World {
            core: Server::start(core_stand_in),
            core_tls,
            roots: format!("{}{hmi_ca}", pki.ca_pem),
            hmi,
            hmi_ca,
            config: String::new(),
        };
        let config: String = toml.body.iter().map(|(_, l)| format!("{l}\n")).collect();
        world.config = world.substitute(&config, 0);
        world
    }

    /// The docs' host names, mapped to the stand-ins; `port` stands in for a `--listen` port.
    fn substitute(&self, text: &str, port: u16) -> String {
        let core = self.core.url();
        let core_tls = self.core_tls.url();
        let hmi = self.hmi.url("wss");
        [
            ("http://core:8080", core.as_str()),
            ("https://core.studio.example:8080", core_tls.as_str()),
            ("https://edge.example", core_tls.as_str()),
            ("wss://hmi:2020/", hmi.as_str()),
            ("wss://hmi-line3:1010/", hmi.as_str()),
            ("127.0.0.1:8787", &format!("127.0.0.1:{port}")),
            ("/var/lib/node_exporter/textfile/", "$HOME/textfile/"),
            ("/var/log/", "$HOME/log/"),
        ]
        .iter()
        .fold(text.to_string(), |t, (from, to)| t.replace(from, to))
    }
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn executable(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    write(path, text);
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A fresh temporary home, folder and PATH for one block, and the command running `script`.
fn prepare(world: &World, block: &Block, dir: &Path, script: &str) -> Command {
    let (home, work, bin) = (dir.join("home"), dir.join("work"), dir.join("bin"));
    for d in [
        home.join("textfile"),
        home.join("log"),
        work.join("target/release"),
    ] {
        std::fs::create_dir_all(d).unwrap();
    }
    let exe = env!("CARGO_BIN_EXE_sessions");
    std::os::unix::fs::symlink(exe, work.join("target/release/sessions")).unwrap();
    std::os::unix::fs::symlink(repo().join("man"), work.join("man")).unwrap();
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(exe, bin.join("sessions")).unwrap();
    // What the docs' password manager and mailer would do.
    executable(
        &bin.join("pass"),
        &format!("#!/bin/sh\necho '{}'\n", ws::PASSWORD),
    );
    executable(&bin.join("mail"), "#!/bin/sh\ncat >/dev/null\n");
    for name in ["hmi-root.pem", "line3-root.pem"] {
        write(&work.join(name), &world.hmi_ca);
    }
    write(&dir.join("roots.pem"), &world.roots);
    if block.flags.iter().any(|f| f == "contexts") {
        let config = home.join(".config/sessions");
        write(&config.join("config.toml"), &world.config);
        write(&config.join("certs/line3-root.pem"), &world.hmi_ca);
    }
    write(&dir.join("script"), script);
    let access: serde_json::Value = serde_json::from_str(&fixture("login-ok.json")).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = Command::new("timeout");
    cmd.args(["120", "bash", "script"])
        .current_dir(dir)
        .env_clear()
        .env("PATH", path)
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_STATE_HOME", home.join(".local/state"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .env("SSL_CERT_FILE", dir.join("roots.pem"))
        .env("SESSIONS_PASSWORD", ws::PASSWORD)
        .env("LINE3_HMI_PASSWORD", ws::PASSWORD)
        .env("EDGE_CORE_TOKEN", access["access_token"].as_str().unwrap());
    cmd
}

/// The bash script for a block's steps: each in the block's folder, its stdout, stderr and exit
/// code kept in `N.out`, `N.err`, `N.rc`; `collect --listen` in the background until its port
/// answers, then waited for at the end.
fn script(world: &World, steps: &[Step]) -> String {
    let mut s = String::from(
        "wait_port() { for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return; sleep 0.05; done; }\n\
         cd work\n",
    );
    let mut background = Vec::new();
    let port = support::local::free_port();
    for (n, step) in steps.iter().enumerate() {
        match step {
            Step::Script { text, .. } => {
                let interpreter = text.lines().next().unwrap().trim_start_matches("#!");
                let text = world.substitute(text, port);
                write_step(
                    &mut s,
                    n,
                    &format!("{interpreter} <<'DOCS_EOF'\n{text}DOCS_EOF"),
                );
            }
            Step::Run { text, .. } if not_run(text).is_some() => {}
            Step::Run { text, .. } => {
                let mut text = world.substitute(text, port);
                let mut listen = false;
                for (at, args) in invocations(&text).into_iter().rev() {
                    let has = |w: &str| args.iter().any(|a| a == w);
                    if has("watch") || has("--watch") || has("collect") {
                        let limit = if has("--listen") {
                            3 * LONG_RUN_S
                        } else {
                            LONG_RUN_S
                        };
                        listen |= has("--listen");
                        let stop = format!("timeout --preserve-status -s INT {limit} ");
                        text.insert_str(at, &stop);
                    }
                }
                if listen {
                    writeln!(s, "{{ {text}\n}} >../{n}.out 2>../{n}.err & pid{n}=$!").unwrap();
                    writeln!(s, "wait_port {port}").unwrap();
                    background.push(n);
                } else {
                    write_step(&mut s, n, &text);
                }
            }
        }
    }
    for n in background {
        writeln!(s, "wait $pid{n}; echo $? >../{n}.rc").unwrap();
    }
    s
}

fn write_step(s: &mut String, n: usize, text: &str) {
    writeln!(
        s,
        "{{ set -o pipefail; {text}\n}} >../{n}.out 2>../{n}.err; echo $? >../{n}.rc"
    )
    .unwrap();
}

/// Runs a block; the problems found, one line each (empty when every command did as documented).
fn check(world: &World, block: &Block) -> Vec<String> {
    let steps = steps(block);
    let dir = tempfile::tempdir().unwrap();
    let out = prepare(world, block, dir.path(), &script(world, &steps))
        .output()
        .unwrap();
    let mut problems = Vec::new();
    if !out.status.success() {
        problems.push(format!(
            "{}: the block's script failed: {out:?}",
            block.place
        ));
    }
    for (n, step) in steps.iter().enumerate() {
        let (line, text, exit, shown) = match step {
            Step::Run { text, .. } if not_run(text).is_some() => continue,
            Step::Run {
                line,
                text,
                exit,
                shown,
            } => (line, text, *exit, shown.as_ref()),
            Step::Script { line, text } => (line, text, 0, None),
        };
        let read = |ext: &str| std::fs::read_to_string(dir.path().join(format!("{n}.{ext}")));
        let code: Option<i32> = read("rc").ok().and_then(|rc| rc.trim().parse().ok());
        let stdout = read("out").unwrap_or_default();
        let file = block.place.split(':').next().unwrap();
        let place = format!("{file}:{line}: `{}`", text.lines().next().unwrap_or(""));
        if code != Some(exit) {
            let stderr = read("err").unwrap_or_default();
            problems.push(format!(
                "{place}: exit {code:?}, documented {exit}; stderr: {stderr}"
            ));
        }
        if let Some(shown) = shown {
            let got: Vec<&str> = stdout.lines().map(str::trim_end).collect();
            let want: Vec<&str> = shown.iter().map(|l| l.trim_end()).collect();
            if got != want {
                problems.push(format!(
                    "{place}: prints\n{}\nnot what the doc shows",
                    got.join("\n")
                ));
            }
        }
    }
    problems
}

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
    let required = std::env::var("SESSIONS_TEST_REQUIRE_SERVERS").is_ok_and(|v| v == "1");
    assert!(
        !required,
        "{tool} is missing and SESSIONS_TEST_REQUIRE_SERVERS=1"
    );
    eprintln!("skipped: the documented commands need {tool}, which is not installed");
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

#[test]
fn console_blocks_split_into_commands_outputs_and_exit_codes() {
    let doc = "```console\n$ sessions config set a --url http://x:1 \\\n    --user u\nsessions: context 'a' created\n$ sessions --context a,b active\n$ echo $?\n7\n```\n";
    let block = blocks("t.md", doc).remove(0);
    assert_eq!(
        steps(&block),
        [
            Step::Run {
                line: 2,
                text: "sessions config set a --url http://x:1 \\\n    --user u".into(),
                exit: 0,
                shown: None
            },
            Step::Run {
                line: 5,
                text: "sessions --context a,b active".into(),
                exit: 7,
                shown: None
            },
        ]
    );
    let cron = blocks(
        "t.md",
        "```cron\n* * * * * sessions summary -o prometheus\n```\n",
    );
    assert!(
        matches!(&steps(&cron[0])[0], Step::Run { text, .. } if text == "sessions summary -o prometheus")
    );
}

#[test]
fn shell_lines_are_split_into_commands_like_bash_does() {
    let line = r#"x=$(sessions --context s active -o json | jq -r '.[] | "\(.a)|b"') && SESSIONS_BLESS=1 cargo test"#;
    let words: Vec<Vec<String>> = simple_commands(line).into_iter().map(|c| c.1).collect();
    assert_eq!(
        words,
        [
            vec!["sessions", "--context", "s", "active", "-o", "json"],
            vec!["jq", "-r", r#".[] | \(.a)|b"#],
            vec!["cargo", "test"],
        ]
    );
    assert_eq!(invocations(line)[0].0, 4);
    assert_eq!(
        not_run(line),
        Some("cargo: builds, tests or installs the crate")
    );
    assert_eq!(not_run("sessions completions bash > f # cargo"), None);
}
