//! Runs a block's commands as one bash script in its world and compares what each did with what
//! the block documents.

use std::fmt::Write as _;

use super::markdown::{Block, Step, steps};
use super::shell::{invocations, not_run};
use super::world::{World, prepare};

/// `watch` and `collect` run until Ctrl-C: the test sends SIGINT after this many seconds.
const LONG_RUN_S: u32 = 3;

/// The bash script for a block's steps: each in the block's folder, its stdout, stderr and exit
/// code kept in `N.out`, `N.err`, `N.rc`; `collect --listen` in the background until its port
/// answers, then waited for at the end.
fn script(world: &World, steps: &[Step]) -> String {
    let mut s = String::from(
        "wait_port() { for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return; sleep 0.05; done; }\n\
         cd work\n",
    );
    let mut background = Vec::new();
    let port = crate::support::http::free_port();
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
pub(super) fn check(world: &World, block: &Block) -> Vec<String> {
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
