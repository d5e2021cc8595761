//! Tables and watch as people see them: the binary on a real pseudo-terminal of a set size
//! against a loopback Core, one line per row whatever the width, ids and addresses whole, the
//! watch screen read back through a terminal emulator.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};

use crate::support::http::{Reply, Server};
use crate::support::pty;
use crate::support::{sessions, wait_until};

/// One Core session of `collector`, numbered `i`, with Core's long process ids as reference.
fn core_session(collector: &str, i: usize) -> Value {
    let process = format!("a1b2c3d4-5e6f-7a8b-9c0d-{i:012}");
    let remote = if i % 5 == 4 {
        format!("[2001:db8::{i:x}]:50{i:03}")
    } else {
        format!("10.20.{}.{}:5{i:04}", i / 250, i % 250)
    };
    let (id, local) = match collector {
        "hls" => (
            format!("hls{i:019}"),
            format!("/memfs/{process}_output_0.m3u8"),
        ),
        _ => (remote.clone(), format!("play:/live/{process}.stream")),
    };
    json!({"id": id, "reference": process, "created_at": 1795494198 + i, "local": local,
        "remote": remote, "extra": "[10.0.0.0] Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36",
        "bytes_rx": i * 1000, "bytes_tx": i * 123_457,
        "bandwidth_rx_kbit": (i % 3) as f64 * 1.5, "bandwidth_tx_kbit": i as f64 * 101.25})
}

/// `count` sessions, every other one hls, the rest rtmp, as Core's active reply.
fn core_reply(count: usize) -> String {
    let (mut hls, mut rtmp) = (Vec::new(), Vec::new());
    for i in 0..count {
        if i % 2 == 0 {
            hls.push(core_session("hls", i));
        } else {
            rtmp.push(core_session("rtmp", i));
        }
    }
    json!({"hls": hls, "rtmp": rtmp}).to_string()
}

fn core(count: usize) -> Server {
    let body = core_reply(count);
    Server::start(move |_| Reply::json(200, body.clone()))
}

/// The ids and remotes of the reply, in the order `active` shows them.
fn ids_and_remotes(count: usize) -> Vec<(String, String)> {
    let reply: Value = serde_json::from_str(&core_reply(count)).unwrap();
    ["hls", "rtmp"]
        .iter()
        .flat_map(|c| reply[c].as_array().unwrap().clone())
        .map(|s| {
            (
                s["id"].as_str().unwrap().to_string(),
                s["remote"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A terminal line without its colours.
fn plain(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(at) = rest.find("\u{1b}[") {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 2..];
        let end = tail.find('m').map_or(tail.len(), |m| m + 1);
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// Column titles: the header split where two or more spaces are.
fn titles(header: &str) -> Vec<String> {
    header
        .split("  ")
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// `active` of `count` sessions on a `columns`×`lines` terminal: one line per row, each whole
/// id and remote on its own row's line. Returns the lines.
fn active_on_terminal(count: usize, columns: u16, env: &[(&str, &str)]) -> Vec<String> {
    let server = core(count);
    let seen = pty::run(&["--url", &server.url(), "active"], env, columns, 24);
    assert_eq!(seen.code, 0, "{}", seen.stderr);
    let lines: Vec<String> = seen.lines().iter().map(|l| plain(l)).collect();
    assert_eq!(lines.len(), count + 1, "one line per row: {lines:#?}");
    for ((id, remote), line) in ids_and_remotes(count).iter().zip(&lines[1..]) {
        let cells = titles(line);
        assert!(cells.contains(id), "{id} whole on {line:?}");
        assert!(cells.contains(remote), "{remote} whole on {line:?}");
    }
    lines
}

fn widest(lines: &[String]) -> usize {
    lines.iter().map(|l| l.chars().count()).max().unwrap_or(0)
}

#[test]
fn at_80_columns_collector_id_remote_and_rates_fit() {
    let lines = active_on_terminal(12, 80, &[]);
    assert!(widest(&lines) <= 80, "{lines:#?}");
    assert_eq!(
        titles(&lines[0]),
        ["COLLECTOR", "ID", "REMOTE", "RX RATE", "TX RATE"]
    );
    // Numbers flush right: every rate ends where its title does.
    let end = lines[0].len();
    assert!(
        lines[1..]
            .iter()
            .all(|l| l.ends_with("bit/s") && l.len() == end)
    );
}

#[test]
fn at_200_columns_free_text_is_shortened_and_more_columns_stay() {
    let lines = active_on_terminal(12, 200, &[]);
    assert!(widest(&lines) <= 200, "{lines:#?}");
    assert_eq!(
        titles(&lines[0]),
        [
            "COLLECTOR",
            "ID",
            "REFERENCE",
            "LOCAL",
            "REMOTE",
            "ROLE",
            "AGE",
            "RX RATE",
            "TX RATE",
            "RX",
            "TX"
        ]
    );
    assert!(lines[1].contains('…'), "{}", lines[1]);
}

#[test]
fn a_terminal_of_unknown_size_uses_columns_or_fits_nothing() {
    let lines = active_on_terminal(12, 0, &[("COLUMNS", "100")]);
    assert!(widest(&lines) <= 100, "{lines:#?}");
    assert!(titles(&lines[0]).len() > 5);
    // Width 0 is unknown, not one column per cell: natural widths, still one line per row.
    let lines = active_on_terminal(12, 0, &[]);
    assert!(widest(&lines) > 200, "{lines:#?}");
    // COLUMNS beats the window size.
    let lines = active_on_terminal(12, 200, &[("COLUMNS", "80")]);
    assert!(widest(&lines) <= 80, "{lines:#?}");
}

#[test]
fn wide_shows_every_column_past_the_width_one_line_per_row() {
    let server = core(6);
    let url = server.url();
    let seen = pty::run(&["--url", &url, "active", "-o", "wide"], &[], 80, 24);
    assert_eq!(seen.code, 0, "{}", seen.stderr);
    let lines: Vec<String> = seen.lines().iter().map(|l| plain(l)).collect();
    assert_eq!(lines.len(), 7, "{lines:#?}");
    assert!(titles(&lines[0]).contains(&"EXTRA".to_string()));
    assert!(widest(&lines) > 200);
    assert!(lines[1].ends_with("[10.0.0.0] Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36"));
}

#[test]
fn an_empty_table_on_a_terminal_is_a_line_on_stderr_and_a_pipe_keeps_its_header() {
    let server = Server::start(|_| Reply::json(200, "{}"));
    let url = server.url();
    let seen = pty::run(&["--url", &url, "active"], &[], 80, 24);
    assert_eq!(seen.code, 0);
    assert_eq!(seen.bytes, b"");
    assert_eq!(
        seen.stderr,
        format!("sessions: no sessions (none active on {url}/)\n")
    );
    let seen = pty::run(
        &["--url", &url, "active", "--collectors", "rtmp,srt"],
        &[],
        80,
        24,
    );
    assert_eq!(
        seen.stderr,
        format!("sessions: no sessions (none active on {url}/ for rtmp, srt)\n")
    );
    let piped = sessions(&["--url", &url, "active"], &[], None);
    piped.assert_success();
    assert_eq!(
        (piped.stdout.as_str(), piped.stderr.as_str()),
        (
            "COLLECTOR  ID  REFERENCE  LOCAL  REMOTE  AGE  RX RATE  TX RATE  RX  TX\n",
            ""
        )
    );

    let server = core(3);
    let url = server.url();
    let args = ["--url", &url, "active", "--filter", "collector=srt"];
    let seen = pty::run(&args, &[], 80, 24);
    assert_eq!(
        seen.stderr,
        format!("sessions: no sessions (3 active on {url}/, none matching --filter)\n")
    );
    let quiet = pty::run(&[&args[..], &["-q"]].concat(), &[], 80, 24);
    assert_eq!((quiet.bytes.len(), quiet.stderr.as_str()), (0, ""));
}

#[test]
fn limits_read_as_configured_and_rates_are_cores_own() {
    // One session of 1.7 kbit/s; Core's own collector figure, 0.002 Mbit (2.1 kbit/s), is shown.
    let listed = json!({"id": "x", "bandwidth_rx_kbit": 0, "bandwidth_tx_kbit": 1.7});
    let active = json!({"list": [listed], "sessions": 1, "bandwidth_rx_mbit": 0,
        "bandwidth_tx_mbit": 0.002, "max_sessions": 0, "max_bandwidth_rx_mbit": 0,
        "max_bandwidth_tx_mbit": 100});
    let body = json!({"hls": {"active": active, "summary": {"remote": {}, "local": {},
        "reference": {}, "sessions": 0, "traffic_rx_mb": 0, "traffic_tx_mb": 0}}})
    .to_string();
    let server = Server::start(move |_| Reply::json(200, body.clone()));
    let url = server.url();
    let table = sessions(&["--url", &url, "summary"], &[], None);
    table.assert_success();
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(
        titles(lines[0]),
        [
            "COLLECTOR",
            "ACTIVE",
            "RX RATE",
            "TX RATE",
            "MAX TX RATE",
            "FINISHED",
            "FINISHED RX",
            "FINISHED TX"
        ]
    );
    assert_eq!(
        titles(lines[1]),
        [
            "hls",
            "1",
            "0 bit/s",
            "2.1 kbit/s",
            "104.9 Mbit/s",
            "0",
            "0 B",
            "0 B"
        ]
    );
    let json = sessions(&["--url", &url, "summary", "--json"], &[], None).json();
    let hls = &json["collectors"][0];
    assert_eq!(
        (
            &hls["tx_bit_s"],
            &hls["tx_mibit_s"],
            &hls["limit_tx_mibit_s"]
        ),
        (&json!(2097.152), &json!(0.002), &json!(100.0))
    );
}

/// An empty breakdown on a terminal is left out, blank line and header too, as an empty table
/// is; a pipe keeps its header.
#[test]
fn an_empty_breakdown_on_a_terminal_prints_nothing() {
    let active = json!({"list": [], "sessions": 0, "bandwidth_rx_mbit": 0,
        "bandwidth_tx_mbit": 0, "max_sessions": 0, "max_bandwidth_rx_mbit": 0,
        "max_bandwidth_tx_mbit": 0});
    let body = json!({"hls": {"active": active, "summary": {"remote": {}, "local": {},
        "reference": {}, "sessions": 0, "traffic_rx_mb": 0, "traffic_tx_mb": 0}}})
    .to_string();
    let server = Server::start(move |_| Reply::json(200, body.clone()));
    let url = server.url();
    let args = ["--url", &url, "summary", "--by", "reference", "--finished"];
    let seen = pty::run(&args, &[], 80, 24);
    assert_eq!(seen.code, 0, "{}", seen.stderr);
    let lines: Vec<String> = seen.lines().iter().map(|l| plain(l)).collect();
    assert_eq!(
        lines,
        [
            "COLLECTOR  ACTIVE  RX RATE  TX RATE  FINISHED  FINISHED RX  FINISHED TX",
            "hls             0  0 bit/s  0 bit/s         0          0 B          0 B",
        ]
    );
    let piped = sessions(&args, &[], None);
    piped.assert_success();
    assert!(
        piped
            .stdout
            .ends_with("\n\nCOLLECTOR  KEY  SESSIONS  RX  TX\n"),
        "{}",
        piped.stdout
    );
}

/// Core replies that change each poll: sessions `first..first + count` on poll `first`.
fn sliding_core(count: usize) -> Server {
    let polls = Arc::new(AtomicUsize::new(0));
    Server::start(move |_| {
        let first = polls.fetch_add(1, Ordering::SeqCst);
        let list: Vec<Value> = (first..first + count)
            .map(|i| core_session("rtmp", 2 * i + 1))
            .collect();
        Reply::json(200, json!({ "rtmp": list }).to_string())
    })
}

/// A terminal emulator `lines`×`columns` keeping `scrollback` lines that scroll off its top.
fn emulator(lines: u16, columns: u16, scrollback: usize) -> vt100::Parser {
    let size = |n| std::num::NonZeroU16::new(n).unwrap();
    vt100::Parser::new(size(lines), size(columns), scrollback)
}

/// The terminal's bytes split where the watch leaves its screen: before, and from there on.
fn split_at_leave(bytes: &[u8]) -> (&[u8], &[u8]) {
    const LEAVE: &[u8] = b"\x1b[?25h\x1b[?1049l";
    let at = bytes
        .windows(LEAVE.len())
        .rposition(|w| w == LEAVE)
        .expect("the watch left its screen");
    bytes.split_at(at)
}

/// The lines of a `columns`×`lines` watch screen as the watch left it.
fn watch_screen(seen: &pty::Seen, columns: u16, lines: u16) -> Vec<String> {
    let (watching, _) = split_at_leave(&seen.bytes);
    let mut terminal = emulator(lines, columns, 0);
    terminal.process(watching);
    terminal.screen().rows(0, columns).collect()
}

#[test]
fn watch_keeps_its_header_on_screen_and_nothing_in_the_scrollback() {
    let server = sliding_core(40);
    let url = server.url();
    let args = [
        "--url",
        &url,
        "watch",
        "--interval",
        "100ms",
        "--rounds",
        "5",
    ];
    let seen = pty::run(&args, &[], 80, 24);
    assert_eq!(seen.code, 0, "{}", seen.stderr);
    assert_eq!(server.requests().len(), 5);
    let (watching, leaving) = split_at_leave(&seen.bytes);
    let mut terminal = emulator(24, 80, 1000);
    terminal.process(b"before the watch\r\n");
    terminal.process(watching);
    let screen = terminal.screen();
    assert!(screen.alternate_screen());
    let rows: Vec<String> = screen.rows(0, 80).collect();
    assert!(
        rows[0].starts_with("every 100ms: 40 sessions, 1 new, 1 gone ("),
        "{rows:#?}"
    );
    assert_eq!(
        titles(&rows[2]),
        // The marks take 2 columns; hls ids are shortened to the 12 characters that tell them
        // apart, rtmp ids (addresses) stay whole, which leaves room for one rate.
        ["COLLECTOR", "ID", "REMOTE", "TX RATE"]
    );
    assert_eq!(
        rows[23], "… 21 more (use --limit, --filter or -o ndjson)",
        "{rows:#?}"
    );
    // The fifth poll's first session, neither new nor gone.
    assert!(
        rows[3].starts_with("  rtmp       [2001:db8::9]:50009   [2001:db8::9]:50009"),
        "{rows:#?}"
    );
    assert_eq!(screen.scrollback_len(), 0);

    terminal.process(leaving);
    let screen = terminal.screen();
    assert!(!screen.alternate_screen() && !screen.hide_cursor());
    assert_eq!(screen.contents().trim_end(), "before the watch");
    assert_eq!(screen.scrollback_len(), 0, "nothing piled up");
}

#[test]
fn watch_marks_new_and_gone_rows_in_text() {
    let server = sliding_core(2);
    let url = server.url();
    let args = [
        "--url",
        &url,
        "--color",
        "never",
        "watch",
        "--interval",
        "100ms",
        "--rounds",
        "2",
    ];
    let seen = pty::run(&args, &[], 120, 30);
    assert_eq!(seen.code, 0, "{}", seen.stderr);
    let rows = watch_screen(&seen, 120, 30);
    let marked: Vec<(String, String)> = rows[3..6]
        .iter()
        // REMOTE: the ID column shows the ids' first 12 characters.
        .map(|r| (r[..1].to_string(), titles(&r[1..])[4].clone()))
        .collect();
    assert_eq!(
        marked,
        [
            (" ".to_string(), "10.20.0.3:50003".to_string()),
            ("+".to_string(), "10.20.0.5:50005".to_string()),
            ("-".to_string(), "10.20.0.1:50001".to_string()),
        ],
        "{rows:#?}"
    );
}

#[test]
fn ctrl_c_leaves_the_watch_screen() {
    let server = sliding_core(3);
    let url = server.url();
    let running = pty::start(
        &["--url", &url, "watch", "--interval", "100ms"],
        &[],
        80,
        24,
    );
    wait_until("three polls", || {
        (server.requests().len() >= 3).then_some(())
    });
    let pid = rustix::process::Pid::from_child(&running.child);
    rustix::process::kill_process(pid, rustix::process::Signal::INT).unwrap();
    let seen = running.finish();
    assert_eq!(seen.code, 0, "{}", seen.stderr);
    let (_, leaving) = split_at_leave(&seen.bytes);
    assert!(leaving.starts_with(b"\x1b[?25h\x1b[?1049l"));
}

#[test]
fn a_watch_of_this_machine_ages_sessions_from_first_sight() {
    let rtmp = crate::support::local::listener();
    let pair = crate::support::local::pair(&rtmp, 1000, 1000);
    let map = format!("rtmp={}", rtmp.local_addr().unwrap().port());
    let client = pair.client_addr().to_string();
    let filter = format!("remote={client}");
    let one_shot = [
        "active",
        "--port-map",
        &map,
        "--sample",
        "0s",
        "--filter",
        &filter,
    ];
    let seen = pty::run(&one_shot, &[], 200, 30);
    assert_eq!(seen.code, 0, "{}", seen.stderr);
    let lines: Vec<String> = seen.lines().iter().map(|l| plain(l)).collect();
    assert_eq!(lines.len(), 2, "{lines:#?}");
    // One look dates nothing: the default table leaves AGE out.
    assert!(
        !titles(&lines[0]).contains(&"AGE".to_string()),
        "{lines:#?}"
    );

    let watch = [
        &[
            "--color",
            "never",
            "watch",
            "--interval",
            "700ms",
            "--rounds",
            "3",
        ][..],
        &one_shot[1..],
    ]
    .concat();
    let started = std::time::Instant::now();
    let seen = pty::run(&watch, &[], 200, 30);
    let took = started.elapsed().as_secs();
    assert_eq!(seen.code, 0, "{}", seen.stderr);
    let rows = watch_screen(&seen, 200, 30);
    let header = titles(&rows[2]);
    let age = header
        .iter()
        .position(|t| t == "AGE")
        .expect("an AGE column");
    // Seen three times 700 ms apart: at least 1 s old by the third, counted by the watch, and
    // no older than the watch itself.
    let ages: Vec<u64> = rows[3..]
        .iter()
        .filter(|r| r.contains(&client))
        .map(|r| {
            let cell = &titles(&r[1..])[age];
            cell.strip_suffix('s')
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("{cell}"))
        })
        .collect();
    assert!(
        !ages.is_empty() && ages.iter().all(|a| (1..=took).contains(a)),
        "{ages:?} in {took} s: {rows:#?}"
    );
    drop(pair);
}

/// A Core with two sessions that fails its polls numbered `down` (from 0) with a 503.
fn flaky_core(down: std::ops::Range<usize>) -> Server {
    let polls = Arc::new(AtomicUsize::new(0));
    Server::start(move |_| {
        let poll = polls.fetch_add(1, Ordering::SeqCst);
        if down.contains(&poll) {
            return Reply::json(503, "{\"message\":\"overloaded\"}");
        }
        let list: Vec<Value> = (0..2).map(|i| core_session("rtmp", 2 * i + 1)).collect();
        Reply::json(200, json!({ "rtmp": list }).to_string())
    })
}

/// `HH:MM:SS`, as a watch's status line writes times.
fn is_clock(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 8
        && b[2] == b':'
        && b[5] == b':'
        && [0, 1, 3, 4, 6, 7].iter().all(|&i| b[i].is_ascii_digit())
}

#[test]
fn a_single_server_watch_keeps_its_last_answer_while_the_server_is_down() {
    let server = flaky_core(2..usize::MAX);
    let url = server.url();
    let args = [
        "--url",
        &url,
        "--color",
        "never",
        "watch",
        "--interval",
        "100ms",
        "--rounds",
        "4",
    ];
    let seen = pty::run(&args, &[], 80, 24);
    assert_eq!(seen.code, 0, "{}", seen.stderr);
    assert_eq!(seen.stderr, "");
    assert_eq!(server.requests().len(), 4);
    let rows = watch_screen(&seen, 80, 24);
    // `unreachable since 04:50:01, retrying every 100ms: 2 sessions as of 04:50:01`
    let status = rows[0]
        .strip_prefix("unreachable since ")
        .unwrap_or_else(|| panic!("{rows:#?}"));
    assert!(is_clock(&status[..8]), "{rows:#?}");
    let status = status[8..]
        .strip_prefix(", retrying every 100ms: 2 sessions as of ")
        .unwrap_or_else(|| panic!("{rows:#?}"));
    assert!(is_clock(status.trim_end()), "{rows:#?}");
    let warning = format!("warning: 127.0.0.1:{} answered HTTP 503", server.port);
    assert!(rows[1].starts_with(&warning), "{rows:#?}");
    // The last answer stays on screen, unmarked.
    assert_eq!(titles(&rows[3])[..2], ["COLLECTOR", "ID"], "{rows:#?}");
    assert!(
        rows[4].starts_with("  rtmp       10.20.0.1:50001  10.20.0.1:50001"),
        "{rows:#?}"
    );
    assert!(
        rows[5].starts_with("  rtmp       10.20.0.3:50003  10.20.0.3:50003"),
        "{rows:#?}"
    );
}

#[test]
fn a_watch_ends_on_a_failed_first_poll_only() {
    let server = flaky_core(0..1);
    let run = sessions(
        &["--url", &server.url(), "watch", "--interval", "100ms"],
        &[],
        None,
    );
    run.assert_failure(4, "answered HTTP 503 Service Unavailable: overloaded");
}

#[test]
fn an_ndjson_watch_warns_once_per_outage_and_sends_no_events_for_it() {
    let server = flaky_core(1..3);
    let run = sessions(
        &[
            "--url",
            &server.url(),
            "watch",
            "--interval",
            "100ms",
            "--rounds",
            "5",
        ],
        &[],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let events: Vec<String> = run
        .stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["event"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(events, ["added", "added"], "{}", run.stdout);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stderr);
    let warning = format!(
        "sessions: warning: 127.0.0.1:{} answered HTTP 503",
        server.port
    );
    assert!(lines[0].starts_with(&warning), "{}", run.stderr);
    assert!(lines[0].contains("(unreachable since "), "{}", run.stderr);
    assert!(lines[0].ends_with(", retrying)"), "{}", run.stderr);
    assert!(
        lines[1].starts_with("sessions: the server answers again (unreachable since "),
        "{}",
        run.stderr
    );
}

/// A fleet at 80 columns: rows grouped by target, a down target's last answer marked `~` on
/// each row, and one target's 22-character Core ids shortened so the others keep their columns.
#[test]
fn a_fleet_watch_groups_by_target_and_marks_a_down_targets_rows_stale() {
    // Core's ids: 22 random characters.
    let ids = [
        "SG4r6HJA2batQXQcdszVKY",
        "47iFWXdTnuhB9KbE74Fcjc",
        "Xq0pLm3NbV8cZr5TyU1wEa",
    ];
    let list: Vec<Value> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let mut s = core_session("hls", 2 * i);
            s["id"] = json!(id);
            s
        })
        .collect();
    let body = json!({ "hls": list }).to_string();
    let studio = Server::start(move |_| Reply::json(200, body.clone()));
    let edge = flaky_core(1..usize::MAX);
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join(".config/sessions");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        format!(
            "[contexts.studio]\nurl = \"{}\"\n[contexts.edge]\nurl = \"{}\"\n",
            studio.url(),
            edge.url()
        ),
    )
    .unwrap();
    let args = [
        "--all-contexts",
        "--color",
        "never",
        "watch",
        "--interval",
        "100ms",
        "--rounds",
        "3",
    ];
    let seen = pty::run(&args, &[("HOME", home.path().to_str().unwrap())], 80, 24);
    assert_eq!(seen.code, 0, "{}", seen.stderr);
    let rows = watch_screen(&seen, 80, 24);
    assert!(
        rows[1].starts_with("warning: context 'edge' unreachable since "),
        "{rows:#?}"
    );
    // At 80 columns the cut takes the error's detail, not the state.
    assert!(rows[1].contains(", retrying; rows as of "), "{rows:#?}");
    // edge before studio whatever the config's order; Core's ids at their unique 12 characters
    // leave room for a rate; ids that are addresses stay whole (`10.20.0.1:50` would read as
    // port 50).
    assert_eq!(
        rows[3..9],
        [
            "  TARGET  COLLECTOR  ID               REMOTE                    TX RATE",
            "~ edge    rtmp       10.20.0.1:50001  10.20.0.1:50001      103.7 kbit/s",
            "~ edge    rtmp       10.20.0.3:50003  10.20.0.3:50003      311.0 kbit/s",
            "  studio  hls        SG4r6HJA2bat     10.20.0.0:50000           0 bit/s",
            "  studio  hls        47iFWXdTnuhB     10.20.0.2:50002      207.4 kbit/s",
            "  studio  hls        Xq0pLm3NbV8c     [2001:db8::4]:50004  414.7 kbit/s",
        ],
        "{rows:#?}"
    );
    // One target: `--filter target=NAME`; `--sort-by target --reverse` puts studio first.
    let only = [
        "--all-contexts",
        "active",
        "--filter",
        "target=studio",
        "-o",
        "tsv",
        "--no-headers",
        "--columns",
        "id",
    ];
    let run = crate::support::Sessions::new()
        .env("HOME", home.path().to_str().unwrap())
        .args(&only)
        .run();
    // edge is still down: a partial fleet.
    assert_eq!(run.code, 7, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "studio\tSG4r6HJA2batQXQcdszVKY\nstudio\t47iFWXdTnuhB9KbE74Fcjc\nstudio\tXq0pLm3NbV8cZr5TyU1wEa\n"
    );
    // A name none of the targets has is a typo, not an empty answer: for watch too.
    for (command, filter, said) in [
        ("active", "target=nope", "no target named 'nope'"),
        ("watch", "target=x*", "no target matches 'x*'"),
    ] {
        let run = crate::support::Sessions::new()
            .env("HOME", home.path().to_str().unwrap())
            .args(&["--all-contexts", command, "--filter", filter])
            .run();
        run.assert_failure(2, &format!("{said}: the targets are edge, studio"));
    }
}

/// `--columns` in a watch as in `active` (issue 21, item 9): the chosen columns in their order
/// after the marks, a key of `extra` among them.
#[test]
fn a_watch_shows_the_chosen_columns() {
    let list: Vec<Value> = (0..2)
        .map(|i| {
            let mut s = core_session("rtmp", 2 * i + 1);
            s["extra"] = json!({ "userAgent": format!("VLC/3.0.{i}") });
            s
        })
        .collect();
    let body = json!({ "rtmp": list }).to_string();
    let server = Server::start(move |_| Reply::json(200, body.clone()));
    let url = server.url();
    let args = [
        "--url",
        &url,
        "--color",
        "never",
        "watch",
        "--rounds",
        "1",
        "--columns",
        "remote,tx_rate,extra.userAgent",
    ];
    let seen = pty::run(&args, &[], 80, 24);
    assert_eq!(seen.code, 0, "{}", seen.stderr);
    let rows = watch_screen(&seen, 80, 24);
    assert_eq!(
        rows[2..5],
        [
            "  REMOTE                TX RATE  USERAGENT",
            "+ 10.20.0.1:50001  103.7 kbit/s  VLC/3.0.0",
            "+ 10.20.0.3:50003  311.0 kbit/s  VLC/3.0.1",
        ],
        "{rows:#?}"
    );
}

/// A chosen key of `extra` fits as EXTRA does: shortened first (whole, these rows would be 131
/// characters wide), then left out first.
#[test]
fn a_chosen_extra_key_is_shortened_to_fit_then_left_out() {
    let agent =
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0";
    let list: Vec<Value> = (0..2)
        .map(|i| {
            let mut s = core_session("rtmp", 2 * i + 1);
            s["extra"] = json!({ "userAgent": agent });
            s
        })
        .collect();
    let body = json!({ "rtmp": list }).to_string();
    let server = Server::start(move |_| Reply::json(200, body.clone()));
    let url = server.url();
    let args = [
        "--url",
        &url,
        "active",
        "--columns",
        "id,remote,tx_rate,extra.userAgent",
    ];
    let table = |columns| {
        let seen = pty::run(&args, &[], columns, 24);
        assert_eq!(seen.code, 0, "{}", seen.stderr);
        seen.lines().iter().map(|l| plain(l)).collect::<Vec<_>>()
    };
    assert_eq!(
        table(80),
        [
            "ID               REMOTE                TX RATE  USERAGENT",
            "10.20.0.1:50001  10.20.0.1:50001  103.7 kbit/s  Mozilla/5.0 (X11; Linux x86_64)…",
            "10.20.0.3:50003  10.20.0.3:50003  311.0 kbit/s  Mozilla/5.0 (X11; Linux x86_64)…",
        ]
    );
    assert_eq!(
        table(60),
        [
            "ID               REMOTE                TX RATE",
            "10.20.0.1:50001  10.20.0.1:50001  103.7 kbit/s",
            "10.20.0.3:50003  10.20.0.3:50003  311.0 kbit/s",
        ]
    );
}
