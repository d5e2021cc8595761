//! `collect` for servers and `history`: stand-ins whose sessions come and go on a schedule (one
//! with an outage), a collector killed with SIGKILL midway and restarted, and every session that
//! ended listed once, dated within a poll of the truth, with its last bytes.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;

use crate::support::servers::schedule::{self, Planned, Shape, unix};
use crate::support::{Run, Sessions, sessions, wait_until};

const CORE: &[Planned] = &[
    Planned {
        id: "c1",
        from: 0.0,
        to: Some(2.5),
        rx: 1001,
    },
    Planned {
        id: "c2",
        from: 1.0,
        to: Some(5.5),
        rx: 1002,
    },
    // Open across the kill.
    Planned {
        id: "c3",
        from: 2.0,
        to: Some(11.5),
        rx: 1003,
    },
    // Ends while no collector runs.
    Planned {
        id: "c4",
        from: 3.5,
        to: Some(8.5),
        rx: 1004,
    },
    Planned {
        id: "c5",
        from: 9.5,
        to: Some(11.0),
        rx: 1005,
    },
    Planned {
        id: "c6",
        from: 10.0,
        to: None,
        rx: 1006,
    },
];

/// SRS is down from 5 s to 8 s.
const OUTAGE: (f64, f64) = (5.0, 8.0);
const SRS: &[Planned] = &[
    Planned {
        id: "s1",
        from: 0.0,
        to: Some(3.5),
        rx: 2001,
    },
    // Ends during the outage.
    Planned {
        id: "s2",
        from: 1.0,
        to: Some(6.5),
        rx: 2002,
    },
    Planned {
        id: "s3",
        from: 2.5,
        to: Some(10.0),
        rx: 2003,
    },
    Planned {
        id: "s4",
        from: 9.0,
        to: Some(12.0),
        rx: 2004,
    },
];

const KILL_AT: f64 = 7.5;
const RESTART_AT: f64 = 9.0;
const STOP_AT: f64 = 13.5;

/// A `collect` whose stdout and stderr lines are gathered as they come.
struct Collector {
    child: Child,
    out: Arc<Mutex<Vec<String>>>,
    err: Arc<Mutex<Vec<String>>>,
    readers: Vec<JoinHandle<()>>,
}

impl Collector {
    fn start(home: &Path, args: &[&str]) -> Collector {
        let home = home.to_str().unwrap();
        let mut child = Sessions::new()
            .args(args)
            .envs(&[("HOME", home)])
            .command()
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (out, err) = (Arc::<Mutex<Vec<String>>>::default(), Arc::default());
        let readers = vec![
            gather(child.stdout.take().unwrap(), Arc::clone(&out)),
            gather(child.stderr.take().unwrap(), Arc::clone(&err)),
        ];
        Collector {
            child,
            out,
            err,
            readers,
        }
    }

    /// SIGTERM, then the exit code and what it printed.
    fn stop(mut self) -> (Option<i32>, Vec<String>, Vec<String>) {
        let pid = rustix::process::Pid::from_raw(self.child.id() as i32).unwrap();
        rustix::process::kill_process(pid, rustix::process::Signal::TERM).unwrap();
        let status = wait_until("what the test waits for", || self.child.try_wait().unwrap());
        self.finish(status.code())
    }

    fn kill(mut self) -> (Option<i32>, Vec<String>, Vec<String>) {
        self.child.kill().unwrap();
        let status = self.child.wait().unwrap();
        self.finish(status.code())
    }

    fn finish(mut self, code: Option<i32>) -> (Option<i32>, Vec<String>, Vec<String>) {
        for r in self.readers.drain(..) {
            r.join().unwrap();
        }
        let out = self.out.lock().unwrap().clone();
        let err = self.err.lock().unwrap().clone();
        (code, out, err)
    }
}

fn gather(
    stream: impl std::io::Read + Send + 'static,
    sink: Arc<Mutex<Vec<String>>>,
) -> JoinHandle<()> {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    })
}

fn sleep_until(start: Instant, at: f64) {
    let when = start + Duration::from_secs_f64(at);
    std::thread::sleep(when.saturating_duration_since(Instant::now()));
}

/// When a planned session could have been seen closed at the latest: a poll after it ended, or
/// after the blackout (outage or no collector) it ended in, plus a second for a loaded machine.
fn latest_close(mut end: f64, blackouts: &[(f64, f64)]) -> f64 {
    // Blackouts that overlap (an outage, then no collector) add up.
    while let Some((_, b)) = blackouts.iter().find(|(a, b)| (*a..*b).contains(&end)) {
        end = *b;
    }
    end + 2.0
}

fn history(home: &Path, args: &[&str]) -> Run {
    sessions(args, &[("HOME", home.to_str().unwrap())], None)
}

#[test]
fn collect_records_each_ended_session_once_across_a_kill_and_an_outage() {
    let base = SystemTime::now();
    let start = Instant::now();
    let core = schedule::start(Shape::Core, CORE.to_vec(), base, None);
    let srs = schedule::start(Shape::Srs, SRS.to_vec(), base, Some(OUTAGE));
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join(".config/sessions/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(
        &config,
        format!(
            "[contexts.core]\nurl = \"{}\"\n\n[contexts.srs]\nurl = \"{}\"\nsource = \"srs\"\n",
            core.url(),
            srs.url()
        ),
    )
    .unwrap();
    let db = home.path().join("h.sqlite3");
    let db = db.to_str().unwrap();
    let collect = [
        "--context",
        "core,srs",
        "--timeout",
        "2s",
        "collect",
        "--interval",
        "1s",
        "--db",
        db,
    ];

    let first = Collector::start(home.path(), &collect);
    sleep_until(start, KILL_AT);
    let (_, printed_first, err_first) = first.kill();
    sleep_until(start, RESTART_AT);
    let second = Collector::start(home.path(), &collect);
    // The restart's first poll: no later than a second after it was started.
    let back = start.elapsed().as_secs_f64() + 1.0;
    sleep_until(start, STOP_AT);
    let (code, printed_second, err_second) = second.stop();
    assert_eq!(code, Some(0), "{err_second:?}");

    // The outage was said once when it began and once when it ended.
    let said = |lines: &[String], needle: &str| lines.iter().filter(|l| l.contains(needle)).count();
    assert_eq!(
        said(&err_first, "stay open until it answers again"),
        1,
        "{err_first:?}"
    );
    assert_eq!(said(&err_second, "answers again"), 0, "{err_second:?}");

    let listed = history(
        home.path(),
        &["--context", "core,srs", "history", "--db", db, "-o", "json"],
    );
    listed.assert_success();
    let rows = listed.json();
    let rows = rows.as_array().unwrap();
    let mut by_id: HashMap<&str, &Value> = HashMap::new();
    for row in rows {
        let id = row["id"].as_str().unwrap();
        assert!(
            by_id.insert(id, row).is_none(),
            "{id} listed twice: {rows:?}"
        );
    }
    let ended: Vec<(&str, &Planned)> = CORE
        .iter()
        .map(|p| ("core", p))
        .chain(SRS.iter().map(|p| ("srs", p)))
        .filter(|(_, p)| p.to.is_some())
        .collect();
    assert_eq!(by_id.len(), ended.len(), "{rows:?}");
    let kill = (KILL_AT, back);
    for (target, p) in &ended {
        let row = by_id[p.id];
        assert_eq!(row["target"], *target, "{row}");
        assert_eq!(
            (row["rx_bytes"].as_u64(), row["tx_bytes"].as_u64()),
            (Some(p.rx), Some(p.tx())),
            "{row}"
        );
        let created = row["created_at"].as_str().unwrap();
        let closed = row["closed_at"].as_str().unwrap();
        let at = |s: &str| unix(humantime::parse_rfc3339(s).unwrap()) - unix(base);
        let (created, closed) = (at(created), at(closed));
        assert!(
            (created - p.from).abs() <= 1.0,
            "{} created at {created}, planned {}",
            p.id,
            p.from
        );
        let to = p.to.unwrap();
        let blackouts: &[(f64, f64)] = if *target == "srs" {
            &[OUTAGE, kill]
        } else {
            &[kill]
        };
        let latest = latest_close(to, blackouts);
        assert!(
            closed >= to.floor() - 1.0 && closed <= latest,
            "{} closed at {closed}, planned {to}, latest {latest}",
            p.id
        );
        assert_eq!(
            row["duration_s"].as_i64().unwrap(),
            (closed - created).round() as i64,
            "{row}"
        );
    }

    // What was printed was stored, each once.
    let mut printed: Vec<String> = printed_first
        .iter()
        .chain(&printed_second)
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let n = printed.len();
    printed.sort();
    printed.dedup();
    assert_eq!(printed.len(), n, "{printed:?}");
    assert!(printed.iter().all(|id| by_id.contains_key(id.as_str())));

    bounds(home.path(), db, rows);
}

/// `--since` and `--until` cut at a moment (closed at or after it, closed before it), and a
/// context names its own rows only.
fn bounds(home: &Path, db: &str, rows: &[Value]) {
    let closed: Vec<&str> = rows
        .iter()
        .map(|r| r["closed_at"].as_str().unwrap())
        .collect();
    let cut = closed[closed.len() / 2];
    let ids = |args: &[&str]| -> Vec<String> {
        let run = history(home, args);
        run.assert_success();
        run.json()
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let all = ["--context", "core,srs", "history", "--db", db, "-o", "json"];
    let since = ids(&[&all[..], &["--since", cut]].concat());
    let until = ids(&[&all[..], &["--until", cut]].concat());
    let expect = |keep: fn(&str, &str) -> bool| -> Vec<String> {
        rows.iter()
            .filter(|r| keep(r["closed_at"].as_str().unwrap(), cut))
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(since, expect(|c, cut| c >= cut));
    assert_eq!(until, expect(|c, cut| c < cut));
    assert!(!since.is_empty() && !until.is_empty());
    assert_eq!(
        ids(&[&all[..], &["--since", "1h"]].concat()).len(),
        rows.len()
    );
    assert!(ids(&[&all[..], &["--until", "1h"]].concat()).is_empty());
    let core_only = ids(&["--context", "core", "history", "--db", db, "-o", "json"]);
    assert_eq!(core_only.len(), 5);
    assert!(core_only.iter().all(|id| id.starts_with('c')));
    // Newest first.
    let mut sorted = closed.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(closed, sorted);
}

/// 500,000 h after the epoch.
const WHOLE_HOUR: i64 = 1_800_000_000;

/// A home whose config has the contexts `core` and `srs`, both on a port nothing listens on:
/// what reads the store asks no server.
fn two_contexts() -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join(".config/sessions/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(
        &config,
        "[contexts.core]\nurl = \"http://127.0.0.1:9\"\n\n[contexts.srs]\nurl = \"http://127.0.0.1:9\"\nsource = \"srs\"\n",
    )
    .unwrap();
    home
}

fn rfc3339(s: i64) -> String {
    humantime::format_rfc3339(std::time::UNIX_EPOCH + Duration::from_secs(s as u64)).to_string()
}

/// `summary --since`: per target and collector, what the store saw in the window (sessions
/// still open counted to its end), from the store alone.
#[test]
fn summary_since_answers_from_the_history_for_any_target() {
    let home = two_contexts();
    let db = home.path().join("h.sqlite3");
    let t = WHOLE_HOUR;
    store_with(
        &db,
        &[
            // Half inside the window.
            ("core", "a", t - 1800, Some(t + 1800), 10),
            ("core", "b", t + 600, Some(t + 1200), 20),
            // Still open: counted to the window's end.
            ("core", "a", t + 3000, None, 40),
            ("srs", "a", t + 100, Some(t + 200), 160),
            // Before the window.
            ("core", "a", t - 7200, Some(t - 3600), 320),
        ],
    );
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute(
            "INSERT INTO finished (collector, session_id, reference, local, remote, created_at, \
             closed_at, rx_bytes, tx_bytes, extra, target, source) \
             VALUES ('hls', 'h1', 'live', 'l', '10.0.0.7:4000', ?1, ?2, 5, 6, '{}', 'core', 'core')",
            rusqlite::params![t + 60, t + 120],
        )
        .unwrap();
    let db = db.to_str().unwrap();
    let (since, until) = (rfc3339(t), rfc3339(t + 3600));
    let summary = |extra: &[&str]| -> Run {
        let args = [
            &["--context", "core,srs", "summary", "--db", db][..],
            &["--since", &since, "--until", &until],
            extra,
        ]
        .concat();
        history(home.path(), &args)
    };
    let run = summary(&["-o", "json"]);
    run.assert_success();
    let got: Vec<Value> = run.json().as_array().unwrap().clone();
    let row = |target: &str, collector: &str, finished: u64, remotes: u64, seconds: f64| {
        (
            target.to_owned(),
            collector.to_owned(),
            finished,
            remotes,
            seconds / 3600.0,
        )
    };
    let shape: Vec<_> = got
        .iter()
        .map(|r| {
            assert_eq!(r.as_object().unwrap().len(), 10, "{r}");
            assert_eq!(
                (r["from"].as_str(), r["to"].as_str()),
                (Some(&since[..]), Some(&until[..]))
            );
            let n = |k: &str| r[k].as_u64().unwrap();
            (
                r["target"].as_str().unwrap().to_owned(),
                r["collector"].as_str().unwrap().to_owned(),
                n("finished"),
                n("unique_remotes"),
                r["viewer_hours"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        shape,
        [
            row("core", "hls", 1, 1, 60.0),
            row("core", "rtmp", 2, 1, 3000.0),
            row("srs", "rtmp", 1, 1, 100.0),
        ]
    );
    let figures: Vec<(u64, u64, u64)> = got
        .iter()
        .map(|r| {
            let n = |k: &str| r[k].as_u64().unwrap();
            (n("peak"), n("rx_bytes"), n("tx_bytes"))
        })
        .collect();
    assert_eq!(figures, [(1, 5, 6), (2, 30, 2), (1, 160, 1)]);

    let hls = summary(&["--collectors", "hls", "-o", "tsv"]);
    hls.assert_success();
    assert_eq!(
        hls.stdout,
        format!(
            "target\tcollector\tfrom\tto\tfinished\tunique_remotes\tviewer_hours\tpeak\trx_bytes\ttx_bytes\n\
             core\thls\t{since}\t{until}\t1\t1\t{}\t1\t5\t6\n",
            60.0 / 3600.0
        )
    );
    let table = summary(&["-o", "table"]);
    table.assert_success();
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        [
            "TARGET",
            "COLLECTOR",
            "FINISHED",
            "REMOTES",
            "VIEWER-HOURS",
            "PEAK",
            "RX",
            "TX"
        ]
    );
    assert_eq!(
        lines[2].split_whitespace().collect::<Vec<_>>(),
        ["core", "rtmp", "2", "1", "0.83", "2", "30", "B", "2", "B"]
    );

    let prometheus = summary(&["-o", "prometheus"]);
    assert_eq!(prometheus.code, 2, "{}", prometheus.stderr);
    assert!(prometheus.stdout.is_empty());
    assert!(
        prometheus.stderr.contains("drop --since"),
        "{}",
        prometheus.stderr
    );
    let backwards = history(
        home.path(),
        &["summary", "--db", db, "--since", &until, "--until", &since],
    );
    assert_eq!(backwards.code, 2, "{}", backwards.stderr);
    assert!(
        backwards.stderr.contains("is not after --since"),
        "{}",
        backwards.stderr
    );
}

/// A store of schema 2 holding these finished (`closed` set) and open sessions of `target`s,
/// as `collect` writes it.
fn store_with(db: &Path, rows: &[(&str, &str, i64, Option<i64>, u64)]) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute_batch(
        "CREATE TABLE finished (collector TEXT NOT NULL, session_id TEXT NOT NULL,
             reference TEXT NOT NULL, local TEXT NOT NULL, remote TEXT NOT NULL,
             created_at INTEGER NOT NULL, closed_at INTEGER NOT NULL, rx_bytes INTEGER NOT NULL,
             tx_bytes INTEGER NOT NULL, extra TEXT NOT NULL, target TEXT NOT NULL DEFAULT 'local',
             source TEXT NOT NULL DEFAULT 'local', role TEXT, rx_peak_bit_s REAL, tx_peak_bit_s REAL);
         CREATE TABLE open (target TEXT NOT NULL, source TEXT NOT NULL, collector TEXT NOT NULL,
             session_id TEXT NOT NULL, reference TEXT NOT NULL, local TEXT NOT NULL,
             remote TEXT NOT NULL, created_at INTEGER NOT NULL, last_seen INTEGER NOT NULL,
             rx_bytes INTEGER, tx_bytes INTEGER, carried_rx INTEGER NOT NULL,
             carried_tx INTEGER NOT NULL, rx_peak_bit_s REAL, tx_peak_bit_s REAL, extra TEXT NOT NULL);
         PRAGMA user_version = 2;",
    )
    .unwrap();
    for (i, (target, reference, created, closed, rx)) in rows.iter().enumerate() {
        match closed {
            Some(closed) => conn.execute(
                "INSERT INTO finished (collector, session_id, reference, local, remote, created_at, \
                 closed_at, rx_bytes, tx_bytes, extra, target, source) \
                 VALUES ('rtmp', ?1, ?2, 'l', 'r', ?3, ?4, ?5, 1, '{}', ?6, 'core')",
                rusqlite::params![i.to_string(), reference, created, closed, *rx as i64, target],
            ),
            None => conn.execute(
                "INSERT INTO open VALUES (?1, 'core', 'rtmp', ?2, ?3, 'l', 'r', ?4, ?4, ?5, 1, 0, 0, \
                 NULL, NULL, '{}')",
                rusqlite::params![target, i.to_string(), reference, created, *rx as i64],
            ),
        }
        .unwrap();
    }
}

/// `--every`: the most sessions open at once per interval (still open ones included), those
/// started and ended in it, and the bytes of those that ended; per reference with `--by`.
#[test]
fn every_interval_has_its_peak_starts_ends_and_bytes() {
    let home = two_contexts();
    let db = home.path().join("h.sqlite3");
    let t: i64 = WHOLE_HOUR;
    store_with(
        &db,
        &[
            ("core", "a", t, Some(t + 1800), 10),
            ("core", "b", t + 900, Some(t + 4500), 20),
            ("core", "a", t + 3600, Some(t + 3700), 40),
            ("core", "b", t + 3650, None, 80),
            ("srs", "a", t + 100, Some(t + 200), 160),
            // Outside the window.
            ("core", "a", t - 7200, Some(t - 3600), 320),
        ],
    );
    let at = rfc3339;
    let (since, until) = (at(t), at(t + 7200));
    let db = db.to_str().unwrap();
    let every = |extra: &[&str]| -> Value {
        let args = [
            &[
                "--context",
                "core,srs",
                "history",
                "--db",
                db,
                "--every",
                "1h",
            ],
            &["--since", &since, "--until", &until, "-o", "json"][..],
            extra,
        ]
        .concat();
        let run = history(home.path(), &args);
        run.assert_success();
        run.json()
    };
    let rows = every(&[]);
    let got: Vec<(String, String, u64, u64, u64, u64)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let keys: Vec<&String> = r.as_object().unwrap().keys().collect();
            assert_eq!(keys.len(), 8, "{r}");
            for key in [
                "from", "to", "target", "peak", "started", "ended", "rx_bytes", "tx_bytes",
            ] {
                assert!(r.get(key).is_some(), "{key} in {r}");
            }
            let n = |k: &str| r[k].as_u64().unwrap();
            (
                r["from"].as_str().unwrap().to_owned(),
                r["target"].as_str().unwrap().to_owned(),
                n("peak"),
                n("started"),
                n("ended"),
                n("rx_bytes"),
            )
        })
        .collect();
    let row = |from: i64, target: &str, peak, started, ended, rx| {
        (at(from), target.to_owned(), peak, started, ended, rx)
    };
    assert_eq!(
        got,
        [
            row(t, "core", 2, 2, 1, 10),
            row(t, "srs", 1, 1, 1, 160),
            row(t + 3600, "core", 3, 2, 2, 60),
            row(t + 3600, "srs", 0, 0, 0, 0),
        ]
    );

    let by = every(&["--by", "reference"]);
    let peaks: Vec<(String, String, u64)> = by
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["target"] == "core")
        .map(|r| {
            (
                r["from"].as_str().unwrap().to_owned(),
                r["reference"].as_str().unwrap().to_owned(),
                r["peak"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        peaks,
        [
            (at(t), "a".into(), 1),
            (at(t), "b".into(), 1),
            (at(t + 3600), "a".into(), 1),
            (at(t + 3600), "b".into(), 2),
        ]
    );

    // A table draws the peak as a bar; tsv leaves the bar out.
    let table = history(
        home.path(),
        &[
            "--context",
            "core",
            "history",
            "--db",
            db,
            "--every",
            "1h",
            "--since",
            &since,
            "--until",
            &until,
            "-o",
            "table",
        ],
    );
    table.assert_success();
    assert!(table.stdout.contains(&"█".repeat(20)), "{}", table.stdout);
    let tsv = history(
        home.path(),
        &[
            "--context",
            "core",
            "history",
            "--db",
            db,
            "--every",
            "1h",
            "--since",
            &since,
            "--until",
            &until,
            "-o",
            "tsv",
        ],
    );
    assert_eq!(
        tsv.stdout.lines().next(),
        Some("from\tto\tpeak\tstarted\tended\trx_bytes\ttx_bytes")
    );
}

/// A history longer than the pieces it is written in (4,096 rows, two in flight): TSV and NDJSON, written as
/// the store is read, hold exactly the rows and order of the JSON array, which is built whole;
/// the header once; `--limit` and `--filter` across pieces; several targets merged in order.
#[test]
fn a_long_history_streams_in_order() {
    let home = two_contexts();
    let db = home.path().join("h.sqlite3");
    store_with(&db, &[]);
    let mut conn = rusqlite::Connection::open(&db).unwrap();
    let tx = conn.transaction().unwrap();
    for i in 0..20_000i64 {
        // Every third session closes with the one before: ties ordered by when they began.
        let (target, closed) = (
            if i % 7 == 0 { "srs" } else { "core" },
            WHOLE_HOUR + i - i % 3,
        );
        tx.execute(
            "INSERT INTO finished (collector, session_id, reference, local, remote, created_at, \
             closed_at, rx_bytes, tx_bytes, extra, target, source) \
             VALUES ('rtmp', ?1, ?2, 'l', 'r', ?3, ?4, ?5, 1, '{}', ?6, 'core')",
            rusqlite::params![
                format!("s{i}"),
                if i % 2 == 0 { "even" } else { "odd" },
                WHOLE_HOUR - i % 5,
                closed,
                i,
                target
            ],
        )
        .unwrap();
    }
    tx.commit().unwrap();
    let db = db.to_str().unwrap();
    let run = |contexts: &str, extra: &[&str]| -> Run {
        let args = [&["--context", contexts, "history", "--db", db][..], extra].concat();
        let run = history(home.path(), &args);
        run.assert_success();
        run
    };
    let ids_of = |rows: &[Value]| -> Vec<String> {
        rows.iter()
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .collect()
    };
    for (contexts, count) in [("core", 17_142), ("core,srs", 20_000)] {
        let whole = run(contexts, &["-o", "json"]).json();
        let whole = whole.as_array().unwrap();
        assert_eq!(whole.len(), count);
        let ndjson: Vec<Value> = run(contexts, &["-o", "ndjson"])
            .stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert!(&ndjson == whole, "ndjson of {contexts}");
        let tsv = run(contexts, &["-o", "tsv"]).stdout;
        let mut lines = tsv.lines();
        let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
        let id = header.iter().position(|h| *h == "id").unwrap();
        let ids: Vec<String> = lines
            .map(|l| l.split('\t').nth(id).unwrap().to_owned())
            .collect();
        assert_eq!(ids, ids_of(whole), "{contexts}");
        let first = &whole[0];
        assert_eq!(first["closed_at"], rfc3339(WHOLE_HOUR + 19_998));
        let limited = run(contexts, &["-o", "ndjson", "--limit", "5000"]).stdout;
        let limited: Vec<Value> = limited
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert!(limited[..] == whole[..5000], "--limit 5000 of {contexts}");
        let odd: Vec<Value> = whole
            .iter()
            .filter(|r| r["reference"] == "odd")
            .cloned()
            .collect();
        let filtered = run(contexts, &["-o", "tsv", "--filter", "reference=odd"]).stdout;
        assert_eq!(filtered.lines().count(), odd.len() + 1);
        assert_eq!(
            filtered
                .lines()
                .filter(|l| l.starts_with("target\t"))
                .count(),
            1
        );
    }
    // `target=` is the target a row was recorded for, streamed or gathered and sorted.
    let srs = run("core,srs", &["-o", "ndjson", "--filter", "target=srs"]).stdout;
    assert_eq!(srs.lines().count(), 20_000 - 17_142);
    let args = ["-o", "json", "--filter", "target=s*", "--sort-by", "id"];
    let sorted = run("core,srs", &args).json();
    let sorted = sorted.as_array().unwrap();
    assert_eq!(sorted.len(), 20_000 - 17_142);
    assert!(sorted.iter().all(|r| r["target"] == "srs"));
    // A reader that stops early (`| head -1`) ends it at once, with exit 0 as a closed pipe is.
    let mut head = Sessions::new()
        .args(&["--context", "core", "history", "--db", db, "-o", "tsv"])
        .env("HOME", home.path().to_str().unwrap())
        .command()
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(head.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("target\t"), "{first}");
    let start = Instant::now();
    let status = loop {
        match head.try_wait().unwrap() {
            Some(status) => break status,
            None if start.elapsed() > Duration::from_secs(10) => {
                head.kill().unwrap();
                panic!("history went on writing to a closed pipe");
            }
            None => std::thread::sleep(Duration::from_millis(20)),
        }
    };
    assert_eq!(status.code(), Some(0));
    let empty = run("core", &["-o", "tsv", "--filter", "reference=none"]).stdout;
    assert_eq!(empty.lines().count(), 1, "{empty}");
    assert!(
        run("core", &["-o", "ndjson", "--limit", "0"])
            .stdout
            .is_empty()
    );
}
