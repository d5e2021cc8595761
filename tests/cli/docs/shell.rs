//! Just enough shell for the docs' command lines: their simple commands and words, the
//! `sessions` calls among them, and the lines the test does not run.

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
pub(super) fn not_run(line: &str) -> Option<&'static str> {
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
pub(super) fn invocations(line: &str) -> Vec<(usize, Vec<String>)> {
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
