//! The built `sessions` against the streaming servers, end to end: real nginx-rtmp and Icecast
//! with ffmpeg publishing and playing, the MediaMTX and SRS stand-ins with more sessions than a
//! page, bad replies from each kind of server, and fleets that mix them with datarhei Core.

mod faults;
mod fleet;
mod icecast;
mod kick;
mod mediamtx;
mod nginx_rtmp;
mod srs;

use serde_json::Value;

use crate::support::{Run, sessions};

/// `sessions --source SOURCE --url URL ARGS…` with only the variables given.
fn ask(source: &str, url: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
    let all = [&["--source", source, "--url", url][..], args].concat();
    sessions(&all, env, None)
}

/// The rows of a JSON array output.
fn rows(run: &Run) -> Vec<Value> {
    run.assert_success();
    match run.json() {
        Value::Array(rows) => rows,
        other => panic!("not an array: {other}"),
    }
}

/// The row whose `id` is `id`.
fn by_id<'a>(rows: &'a [Value], id: &str) -> &'a Value {
    let found: Vec<&Value> = rows.iter().filter(|r| r["id"] == id).collect();
    assert_eq!(found.len(), 1, "{id} in {rows:?}");
    found[0]
}

/// The cells of the table line whose first cells are `start` (cells are three or more spaces
/// apart; an empty cell leaves no trace).
fn table_row(stdout: &str, start: &[&str]) -> Vec<String> {
    let cells = |line: &str| -> Vec<String> {
        line.split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect()
    };
    stdout
        .lines()
        .map(cells)
        .find(|c| c.len() >= start.len() && c.iter().zip(start).all(|(a, b)| a == b))
        .unwrap_or_else(|| panic!("no row {start:?} in\n{stdout}"))
}

/// The tsv line whose first cells are `start`, split into cells.
fn tsv_row(stdout: &str, start: &[&str]) -> Vec<String> {
    let prefix = format!("{}\t", start.join("\t"));
    let line = stdout
        .lines()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no row {start:?} in {} lines", stdout.lines().count()));
    line.split('\t').map(str::to_string).collect()
}
