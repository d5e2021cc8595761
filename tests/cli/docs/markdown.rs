//! The fenced blocks of a markdown file, and the commands of a `console`, `sh` or `cron` block
//! with the exit code and output the block documents for each.

/// One fenced block of a markdown file.
#[derive(Debug, Clone)]
pub(super) struct Block {
    pub place: String,
    pub tag: String,
    pub flags: Vec<String>,
    pub body: Vec<(usize, String)>,
}

pub(super) fn blocks(file: &str, text: &str) -> Vec<Block> {
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
pub(super) enum Step {
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

pub(super) fn steps(block: &Block) -> Vec<Step> {
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

/// GitHub's anchor for a heading: lower case, punctuation dropped, spaces become hyphens.
pub(super) fn anchor(heading: &str) -> String {
    heading
        .trim_start_matches('#')
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The anchors of a file's headings (outside fenced blocks).
pub(super) fn anchors(text: &str) -> Vec<String> {
    let mut fenced = false;
    let mut out = Vec::new();
    for line in text.lines() {
        fenced ^= line.starts_with("```");
        if !fenced && line.starts_with('#') {
            out.push(anchor(line));
        }
    }
    out
}

/// The relative links `[text](target)` of a file, outside fenced blocks: `(line, target)`.
pub(super) fn links(text: &str) -> Vec<(usize, String)> {
    let mut fenced = false;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        fenced ^= line.starts_with("```");
        for (at, _) in line.match_indices("](").filter(|_| !fenced) {
            let rest = &line[at + 2..];
            let target = &rest[..rest.find(')').unwrap_or(rest.len())];
            if !target.contains("://") {
                out.push((i + 1, target.to_string()));
            }
        }
    }
    out
}

#[test]
fn anchors_are_githubs() {
    assert_eq!(anchor("## `watch` — live view"), "watch--live-view");
    assert_eq!(anchor("## Fields (`-o json`)"), "fields--o-json");
    assert_eq!(
        anchor("### `active` and `summary` here"),
        "active-and-summary-here"
    );
    let text = "# A\n```sh\n# not a heading [x](y.md)\n```\nSee [b](docs/b.md#c-d).\n";
    assert_eq!(anchors(text), ["a"]);
    assert_eq!(links(text), [(5, "docs/b.md#c-d".to_string())]);
}
