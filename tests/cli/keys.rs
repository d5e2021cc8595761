//! Stream keys and SRT stream id secrets are masked where a session is built (issue 19, item
//! 11): an ffmpeg's RTMP key, its SRT `s=`, `passphrase` and MediaMTX-style password never reach
//! `active` (any format), `collect`'s lines, the history store or `--listen`; the servers' URLs
//! and queries alike. The stream's name stays where it is not the secret.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::process::Stdio;
use std::sync::{Arc, Mutex};

use serde_json::json;

use crate::support::http::free_port;
use crate::support::http::{Reply, Request, Server};
use crate::support::local::http_get;
use crate::support::sessions;
use crate::support::{Sessions, wait_until};

/// The secrets in the ffmpeg command line below.
const SECRETS: [&str; 5] = [
    "RtmpKey1",
    "SrtToken2",
    "PassPhrase3",
    "MtxPass4",
    "QueryKey5",
];

/// An ffmpeg reading SRT (SRT access control with `s=`, a passphrase) and writing to an RTMP
/// ingest (the key as the last path segment), to MediaMTX over SRT (`publish:PATH:USER:PASS`)
/// and to an RTMP URL that carries its key in the query.
const ARGS: [&str; 12] = [
    "ffmpeg",
    "-i",
    "srt://127.0.0.1:9000?streamid=#!::r=live/cam,m=request,s=SrtToken2&passphrase=PassPhrase3",
    "-f",
    "flv",
    "rtmp://127.0.0.1:1935/live/RtmpKey1",
    "-f",
    "mpegts",
    "srt://127.0.0.1:8890?streamid=publish:studio:alice:MtxPass4",
    "-f",
    "flv",
    "rtmp://127.0.0.1:1935/live/cam2?key=QueryKey5",
];

/// What stays visible of those URLs.
const SHOWN: [&str; 4] = [
    "srt://127.0.0.1:9000?streamid=#!::r=live/cam,m=request,s=***&passphrase=***",
    "rtmp://127.0.0.1:1935/live/***",
    "srt://127.0.0.1:8890?streamid=publish:studio:alice:***",
    "rtmp://127.0.0.1:1935/live/cam2?key=***",
];

/// A process table of one ffmpeg, pid 4242, with `ARGS` as its command line.
fn fake_ffmpeg() -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("4242");
    std::fs::create_dir_all(dir.join("fd")).unwrap();
    std::fs::write(dir.join("comm"), "ffmpeg\n").unwrap();
    std::fs::write(dir.join("cmdline"), format!("{}\0", ARGS.join("\0"))).unwrap();
    root
}

fn assert_no_secret(what: &str, text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{secret} in {what}: {text}");
    }
}

#[test]
fn active_masks_stream_keys_in_every_format() {
    let home = tempfile::tempdir().unwrap();
    let root = fake_ffmpeg();
    let root = root.path().to_str().unwrap();
    let base = [
        "active",
        "--proc-root",
        root,
        "--sample",
        "0s",
        "--collectors",
        "ffmpeg",
    ];
    for format in [
        &["-o", "json"][..],
        &["-o", "ndjson"],
        &["-o", "tsv"],
        &["-o", "wide"],
        &["-o", "table"],
        &["-o", "prometheus", "--per-session"],
    ] {
        let out = run(home.path(), &[&base[..], format].concat());
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        assert!(out.status.success(), "{format:?}: {stderr}");
        assert_no_secret(&format!("{format:?}"), &stdout);
        assert_no_secret("stderr", &stderr);
        if format[1] == "json" {
            let rows: serde_json::Value = serde_json::from_str(&stdout).unwrap();
            let mut locals: Vec<&str> = rows
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["local"].as_str().unwrap())
                .collect();
            locals.sort_unstable();
            let mut shown = SHOWN.to_vec();
            shown.sort_unstable();
            assert_eq!(locals, shown);
        }
    }
}

/// `collect` with a listener, its JSON lines gathered as they come.
struct Collecting {
    child: std::process::Child,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Drop for Collecting {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Collecting {
    fn start(home: &std::path::Path, args: &[&str]) -> Collecting {
        let mut child = command(home, args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&lines);
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                sink.lock().unwrap().push(line.unwrap());
            }
        });
        Collecting { child, lines }
    }
}

/// The store's files hold no secret, byte for byte, and it gives back the masked URLs.
fn store_is_masked(home: &std::path::Path, db: &std::path::Path) {
    for entry in std::fs::read_dir(home).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            assert_no_secret(&path.display().to_string(), &text);
        }
    }
    let store = rusqlite::Connection::open(db).unwrap();
    let mut stored = store.prepare("SELECT local FROM finished").unwrap();
    let mut locals: Vec<String> = stored
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    locals.sort_unstable();
    let mut shown = SHOWN.to_vec();
    shown.sort_unstable();
    assert_eq!(locals, shown);
}

#[test]
fn collect_stores_prints_and_serves_masked_stream_keys() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("history.sqlite3");
    let root = fake_ffmpeg();
    let http = free_port();
    let listen = format!("127.0.0.1:{http}");
    let args = [
        "collect",
        "--interval",
        "100ms",
        "--proc-root",
        root.path().to_str().unwrap(),
        "--listen",
        &listen,
        "--db",
        db.to_str().unwrap(),
    ];
    let collect = Collecting::start(home.path(), &args);
    let active = wait_until("what the test waits for", || {
        let reply = TcpStream::connect(("127.0.0.1", http))
            .ok()
            .map(|_| http_get(http, "/api/v3/session/active?collectors=ffmpeg"))?;
        reply.contains("live/***").then_some(reply)
    });
    assert_no_secret("--listen's active sessions", &active);
    // The process ends: its sessions are stored and printed.
    std::fs::remove_dir_all(root.path().join("4242")).unwrap();
    let printed = wait_until("what the test waits for", || {
        let lines = collect.lines.lock().unwrap().clone();
        (lines.len() >= SHOWN.len()).then_some(lines)
    });
    for line in &printed {
        assert_no_secret("collect's line", line);
    }
    let locals: Vec<String> = printed
        .iter()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["local"].to_string())
        .collect();
    assert!(locals.iter().any(|l| l.contains("live/***")), "{locals:?}");
    let summary = http_get(http, "/api/v3/session?collectors=ffmpeg");
    assert_no_secret("--listen's summary", &summary);
    drop(collect);
    store_is_masked(home.path(), &db);
}

#[test]
fn servers_urls_and_queries_are_masked_where_the_session_is_built() {
    let mediamtx = Server::start(|req: &Request| match req.path() {
        "/v3/rtmpconns/list" => Reply::json(
            200,
            json!({"pageCount": 1, "items": [{"id": "m1", "path": "cam",
                "query": "user=alice&pass=MtxPass4", "state": "publish"}]})
            .to_string(),
        ),
        _ => Reply::json(200, r#"{"pageCount":0,"items":[]}"#),
    });
    let srs = Server::start(|_: &Request| {
        Reply::json(
            200,
            json!({"code": 0, "clients": [{"id": "s1", "type": "rtmp-play", "url": "/live/cam",
                "tcUrl": "rtmp://h/live?token=SrtToken2", "pageUrl": "https://p/?auth=QueryKey5",
                "send_bytes": 1, "recv_bytes": 2}]})
            .to_string(),
        )
    });
    for (source, url) in [("mediamtx", mediamtx.url()), ("srs", srs.url())] {
        for format in ["json", "tsv", "wide"] {
            let args = ["--source", source, "--url", &url, "active", "-o", format];
            let run = sessions(&args, &[], None);
            run.assert_success();
            assert_no_secret(source, &run.stdout);
            assert!(run.stdout.contains("cam"), "{}", run.stdout);
        }
    }
}

/// The binary with this HOME and PATH (ffmpeg's stand-in is found on it), nothing else of the
/// user's environment.
fn command(home: &std::path::Path, args: &[&str]) -> std::process::Command {
    let path = std::env::var("PATH").unwrap_or_default();
    let home = home.to_string_lossy();
    Sessions::new()
        .args(args)
        .envs(&[("PATH", &path), ("HOME", &home)])
        .command()
}

fn run(home: &std::path::Path, args: &[&str]) -> std::process::Output {
    command(home, args).output().unwrap()
}
