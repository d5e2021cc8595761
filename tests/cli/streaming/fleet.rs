//! The new sources where every source goes: a context with `source = "srs"` in the config file,
//! a fleet that mixes datarhei Core with SRS (one of them down: exit 7), `-o prometheus`, and
//! `watch`'s events with rates from two looks.

use std::path::PathBuf;

use serde_json::Value;

use super::{ask, rows};
use crate::support::http::{Reply, Request, Server};
use crate::support::servers::mediamtx::{Conn, Kind, MediaMtx};
use crate::support::servers::srs::{Client, Srs};
use crate::support::wait_until;
use crate::support::{Run, Sessions, fixture, sessions};

/// A datarhei Core stand-in answering the captured replies (4 rtmp and 2 hls sessions).
pub(super) fn core() -> Server {
    Server::start(|req: &Request| match req.path() {
        "/api/v3/session/active" => {
            Reply::json(200, fixture("datarhei/session-active-rtmp-hls.json"))
        }
        "/api/v3/session" => Reply::json(200, fixture("datarhei/session-summary-rtmp-hls.json")),
        _ => Reply::json(404, "{}"),
    })
}

/// A temporary HOME whose config file holds `config`.
struct Home(tempfile::TempDir);

impl Home {
    fn new(config: &str) -> Home {
        let home = Home(tempfile::tempdir().unwrap());
        let file = home.config();
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, config).unwrap();
        home
    }

    fn config(&self) -> PathBuf {
        self.0.path().join(".config/sessions/config.toml")
    }

    fn run(&self, args: &[&str]) -> Run {
        let home = self.0.path().to_str().unwrap();
        sessions(args, &[("HOME", home), ("SRS_PASSWORD", "srs-pw")], None)
    }
}

fn fleet(core: &str, srs: &str) -> Home {
    Home::new(&format!(
        "current-context = \"edge\"\n\n[contexts.studio]\nurl = \"{core}\"\n\n\
         [contexts.edge]\nurl = \"{srs}\"\nsource = \"srs\"\nuser = \"admin\"\n\
         password_env = \"SRS_PASSWORD\"\n"
    ))
}

fn labelled(run: &Run) -> Vec<(String, String)> {
    rows(run)
        .iter()
        .map(|r| {
            (
                r["target"].as_str().unwrap().into(),
                r["collector"].as_str().unwrap().into(),
            )
        })
        .collect()
}

#[test]
fn an_srs_context_and_a_fleet_of_core_and_srs_with_one_down() {
    let studio = core();
    let edge = Srs::start_with(Client::captured(), Some(("admin", "srs-pw")));
    let home = fleet(&studio.url(), &edge.url());

    // The current context is SRS, with its password from the variable the file names.
    let listed = rows(&home.run(&["active", "-o", "json"]));
    assert_eq!(listed.len(), 12);
    assert!(listed.iter().all(|r| r.get("target").is_none()));

    let both = home.run(&["--context", "studio,edge", "active", "-o", "json"]);
    let mut counts = std::collections::BTreeMap::new();
    for key in labelled(&both) {
        *counts.entry(key).or_insert(0) += 1;
    }
    let key = |t: &str, c: &str| (t.to_string(), c.to_string());
    let want = [
        (key("edge", "http"), 1),
        (key("edge", "rtmp"), 11),
        (key("studio", "hls"), 2),
        (key("studio", "rtmp"), 4),
    ];
    assert_eq!(counts, want.into_iter().collect());
    let summary = home.run(&["--context", "studio,edge", "summary", "-o", "json"]);
    summary.assert_success();
    let summary = summary.json();
    assert_eq!(
        (&summary[0]["target"], &summary[1]["target"]),
        (&"studio".into(), &"edge".into())
    );
    assert!(
        summary[0]["collectors"][0]["finished"].is_object(),
        "Core keeps a history"
    );
    assert!(
        summary[1]["collectors"][0]["finished"].is_null(),
        "SRS keeps none"
    );

    drop(edge);
    let partial = home.run(&[
        "--context",
        "studio,edge",
        "active",
        "-o",
        "tsv",
        "--no-headers",
    ]);
    assert_eq!(partial.code, 7, "{}", partial.stderr);
    let targets: Vec<&str> = partial
        .stdout
        .lines()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    assert_eq!(targets, ["studio"; 6]);
    assert_eq!(partial.stderr.lines().count(), 1, "{}", partial.stderr);
    assert!(
        partial.stderr.starts_with("sessions: context 'edge': "),
        "{}",
        partial.stderr
    );
    assert!(partial.stderr.contains("refused"), "{}", partial.stderr);
}

/// A Prometheus sample: metric, labels (sorted), value.
type Sample = (String, Vec<(String, String)>, f64);

fn scrape(text: &str) -> Vec<Sample> {
    let lines = text.lines().map(|l| Ok(l.to_string()));
    let scrape = prometheus_parse::Scrape::parse(lines).unwrap();
    let mut samples: Vec<_> = scrape
        .samples
        .into_iter()
        .map(|s| {
            let value = match s.value {
                prometheus_parse::Value::Gauge(v) | prometheus_parse::Value::Counter(v) => v,
                other => panic!("{other:?}"),
            };
            let mut labels: Vec<(String, String)> = s
                .labels
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            labels.sort();
            (s.metric, labels, value)
        })
        .collect();
    samples.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    samples
}

#[test]
fn an_srs_summary_as_prometheus_has_only_what_srs_knows() {
    let server = Srs::start(Client::captured());
    let run = ask("srs", &server.url(), &["summary", "-o", "prometheus"], &[]);
    run.assert_success();
    let label = |c: &str| vec![("collector".to_string(), c.to_string())];
    let sample = |m: &str, c: &str, v: f64| (m.to_string(), label(c), v);
    // The captured clients are younger than SRS's 30 s window: rtmp and http have no rate.
    // No limits, no history: no series at all rather than made-up zeros. SRS says which client
    // publishes: one of the eleven on rtmp.
    let mut want = Vec::new();
    for (c, n, publishers) in [
        ("hls", 0.0, 0.0),
        ("http", 1.0, 0.0),
        ("rtmp", 11.0, 1.0),
        ("srt", 0.0, 0.0),
        ("webrtc", 0.0, 0.0),
    ] {
        want.push(sample("sessions_active", c, n));
        want.push(sample("sessions_publishers", c, publishers));
    }
    for m in [
        "sessions_rx_bytes_per_second",
        "sessions_tx_bytes_per_second",
    ] {
        for c in ["hls", "srt", "webrtc"] {
            want.push(sample(m, c, 0.0));
        }
    }
    want.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    assert_eq!(scrape(&run.stdout), want, "{}", run.stdout);
}

#[test]
fn watch_reports_added_updated_and_removed_with_rates_from_two_looks() {
    let server = MediaMtx::start((0..3).map(|n| Conn::numbered(Kind::Rtmp, n)).collect());
    let url = server.url();
    let args = [
        "--source", "mediamtx", "--url", &url, "watch", "-o", "ndjson",
    ];
    let running = Sessions::new()
        .args(&args)
        .args(&["--rounds", "2", "--interval", "1500ms"])
        .start();
    // One round asks the seven kinds once: change the server once all seven are answered (a
    // request is logged before its answer is made), well before the next round.
    wait_until("the first round's seven answers", || {
        (server.served() >= 7).then_some(())
    });
    server.update(|conns| {
        conns[1].rx_bytes += 125_000;
        conns.remove(2);
        conns.push(Conn::numbered(Kind::Rtmp, 3));
    });
    let run = running.finish();
    run.assert_success();
    let events: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let id = |n: u32| Conn::numbered(Kind::Rtmp, n).id;
    let seen: Vec<(String, String)> = events
        .iter()
        .map(|e| {
            (
                e["event"].as_str().unwrap().into(),
                e["session"]["id"].as_str().unwrap().into(),
            )
        })
        .collect();
    let ev = |e: &str, n: u32| (e.to_string(), id(n));
    assert_eq!(
        seen,
        [
            ev("added", 0),
            ev("added", 1),
            ev("added", 2),
            // The second look knows rates: from the counters' move since the first.
            ev("updated", 0),
            ev("updated", 1),
            ev("added", 3),
            ev("removed", 2),
        ]
    );
    let rate = |i: usize, field: &str| events[i]["session"][field].clone();
    assert!(rate(0, "rx_bit_s").is_null(), "a first look knows no rate");
    assert_eq!(
        (rate(3, "rx_bit_s"), rate(3, "tx_bit_s")),
        (0.0.into(), 0.0.into())
    );
    // 125,000 bytes in about 1.5 s: about 667 kbit/s.
    let moved = rate(4, "rx_bit_s").as_f64().unwrap();
    assert!((300_000.0..1_000_000.0).contains(&moved), "{moved}");
    assert!(rate(5, "rx_bit_s").is_null(), "new in the second look");
}
