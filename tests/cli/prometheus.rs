//! `collect --listen`'s `/metrics` for several targets: every polled target's series labelled
//! `target`, a 0 per collector where none is open, an up and a last-success gauge per target,
//! publishers counted where the server says, a text `promtool check metrics` accepts; and the
//! real Prometheus scraping it with the example rules loaded.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::SystemTime;

use crate::support::available;
use crate::support::http::{Server, free_port};
use crate::support::local::{Collector, http_get};
use crate::support::servers::mediamtx::{Conn, Kind, MediaMtx};
use crate::support::servers::schedule::{self, Planned, Shape, unix};
use crate::support::wait_until;

/// Sessions open from the start and for as long as the test runs.
const fn open(id: &'static str, rx: u64) -> Planned {
    Planned {
        id,
        from: 0.0,
        to: None,
        rx,
    }
}

const CORE: &[Planned] = &[open("c1", 100), open("c2", 200)];
const SRS: &[Planned] = &[open("s1", 300)];

/// A Core and an SRS stand-in with sessions that stay open, as contexts `core` and `srs` (and
/// `gone`, a port nothing listens on, when asked) in a fresh home.
struct Fleet {
    _core: Server,
    _srs: Server,
    home: tempfile::TempDir,
}

fn fleet(with_gone: bool) -> Fleet {
    let base = SystemTime::now();
    let core = schedule::start(Shape::Core, CORE.to_vec(), base, None);
    let srs = schedule::start(Shape::Srs, SRS.to_vec(), base, None);
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join(".config/sessions/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    let mut text = format!(
        "[contexts.core]\nurl = \"{}\"\n\n[contexts.srs]\nurl = \"{}\"\nsource = \"srs\"\n",
        core.url(),
        srs.url()
    );
    if with_gone {
        text += &format!(
            "\n[contexts.gone]\nurl = \"http://127.0.0.1:{}\"\n",
            free_port()
        );
    }
    std::fs::write(&config, text).unwrap();
    Fleet {
        _core: core,
        _srs: srs,
        home,
    }
}

/// `collect --listen` on a free port over these contexts; its port.
fn collect(home: &Path, contexts: &str) -> (Collector, u16) {
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let db = home.join("h.sqlite3");
    let collect = Collector::start(
        home,
        &[
            "--context",
            contexts,
            "--timeout",
            "1s",
            "collect",
            "--interval",
            "1s",
            "--listen",
            &listen,
            "--db",
            db.to_str().unwrap(),
        ],
    );
    collect.wait_for_http(port);
    (collect, port)
}

/// The body of a `/metrics` reply.
fn metrics(port: u16) -> String {
    let raw = http_get(port, "/metrics");
    assert!(raw.starts_with("HTTP/1.1 200"), "{raw}");
    let (_, body) = raw.split_once("\r\n\r\n").unwrap();
    body.to_owned()
}

/// The value of the sample `series` (name and labels, as written), if there is one.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[test]
fn metrics_label_every_polled_target_and_its_health() {
    let fleet = fleet(true);
    let before = unix(SystemTime::now()).floor();
    let (collect, port) = collect(fleet.home.path(), "core,srs,gone");
    let text = wait_until("a poll of every target in /metrics", || {
        let text = metrics(port);
        sample(&text, r#"sessions_target_up{target="srs"}"#)
            .is_some()
            .then_some(text)
    });
    let after = unix(SystemTime::now());
    let up = |t: &str| sample(&text, &format!(r#"sessions_target_up{{target="{t}"}}"#));
    assert_eq!(
        (up("core"), up("srs"), up("gone")),
        (Some(1.0), Some(1.0), Some(0.0))
    );
    let active = |t: &str, c: &str| {
        sample(
            &text,
            &format!(r#"sessions_active{{target="{t}",collector="{c}"}}"#),
        )
    };
    assert_eq!(active("core", "rtmp"), Some(2.0), "{text}");
    assert_eq!(active("srs", "rtmp"), Some(1.0), "{text}");
    // Every collector of the source has its series, 0 where nothing is open.
    assert_eq!(active("core", "hls"), Some(0.0), "{text}");
    assert_eq!(active("core", "ffmpeg"), Some(0.0), "{text}");
    assert_eq!(active("srs", "webrtc"), Some(0.0), "{text}");
    // SRS has no ffmpeg; a target that does not answer has no session series, only its health.
    assert_eq!(active("srs", "ffmpeg"), None, "{text}");
    assert!(!text.contains(r#"sessions_active{target="gone""#), "{text}");
    // SRS says which client publishes: its one session plays, so 0 publishers; a Core's
    // sessions do not include its ingest, so it has no publishers series.
    let publishers = |t: &str, c: &str| {
        sample(
            &text,
            &format!(r#"sessions_publishers{{target="{t}",collector="{c}"}}"#),
        )
    };
    assert_eq!(publishers("srs", "rtmp"), Some(0.0), "{text}");
    assert_eq!(publishers("srs", "webrtc"), Some(0.0), "{text}");
    assert!(
        !text.contains(r#"sessions_publishers{target="core""#),
        "{text}"
    );
    let success = |t: &str| {
        sample(
            &text,
            &format!(r#"sessions_target_last_success_timestamp_seconds{{target="{t}"}}"#),
        )
    };
    let core = success("core").unwrap();
    assert!(before <= core && core <= after, "{before} {core} {after}");
    assert_eq!(success("gone"), None, "{text}");
    // Core's stand-in reports 1.5 kbit/s per session: 2 × 1536 bit/s, 384 bytes/s.
    assert_eq!(
        sample(
            &text,
            r#"sessions_rx_bytes_per_second{target="core",collector="rtmp"}"#
        ),
        Some(384.0),
        "{text}"
    );
    promtool_accepts(&text);
    drop(collect);
}

#[test]
fn one_target_has_no_target_label() {
    let fleet = fleet(false);
    let (collect, port) = collect(fleet.home.path(), "core");
    let text = wait_until("a poll in /metrics", || {
        let text = metrics(port);
        sample(&text, "sessions_target_up")
            .is_some()
            .then_some(text)
    });
    assert_eq!(sample(&text, "sessions_target_up"), Some(1.0), "{text}");
    assert_eq!(
        sample(&text, r#"sessions_active{collector="rtmp"}"#),
        Some(2.0),
        "{text}"
    );
    assert!(!text.contains("target="), "{text}");
    promtool_accepts(&text);
    drop(collect);
}

#[test]
fn publishers_are_counted_where_the_server_says_which_publish() {
    // RTMP connection 0 publishes, 1 and 2 read; the two HLS sessions only read.
    let conns = (0..3).map(|n| Conn::numbered(Kind::Rtmp, n));
    let server = MediaMtx::start(
        conns
            .chain((1..3).map(|n| Conn::numbered(Kind::Hls, n)))
            .collect(),
    );
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join(".config/sessions/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    let text = format!(
        "[contexts.mtx]\nurl = \"{}\"\nsource = \"mediamtx\"\n",
        server.url()
    );
    std::fs::write(&config, text).unwrap();
    let (collect, port) = collect(home.path(), "mtx");
    let text = wait_until("a poll in /metrics", || {
        let text = metrics(port);
        sample(&text, "sessions_target_up")
            .is_some()
            .then_some(text)
    });
    let series = |name: &str| -> Vec<&str> {
        let family = format!("{name}{{");
        text.lines().filter(|l| l.starts_with(&family)).collect()
    };
    // One sample per MediaMTX collector, in the order it lists them.
    let with = |name: &str, n: [u8; 7]| -> Vec<String> {
        let collectors = ["hls", "rtmp", "rtmps", "rtsp", "rtsps", "srt", "webrtc"];
        collectors
            .iter()
            .zip(n)
            .map(|(c, n)| format!(r#"{name}{{collector="{c}"}} {n}"#))
            .collect()
    };
    assert_eq!(
        series("sessions_active"),
        with("sessions_active", [2, 3, 0, 0, 0, 0, 0])
    );
    assert_eq!(
        series("sessions_publishers"),
        with("sessions_publishers", [0, 1, 0, 0, 0, 0, 0])
    );
    assert!(
        text.contains("# TYPE sessions_publishers gauge\n"),
        "{text}"
    );
    promtool_accepts(&text);
    drop(collect);
}

/// `promtool check metrics` finds nothing to say (where promtool is installed).
fn promtool_accepts(text: &str) {
    if !available(
        Path::new("/usr/bin/promtool").exists(),
        "promtool is missing",
    ) {
        return;
    }
    let mut child = Command::new("/usr/bin/promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success() && out.stdout.is_empty() && out.stderr.is_empty(),
        "{}{}\n{text}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A `prometheus` this test started, stopped when dropped.
struct Prometheus {
    child: std::process::Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Prometheus {
    /// Scrapes `127.0.0.1:scraped` every second, with the example's rules loaded (a rule file it
    /// cannot load stops it, and the test with it).
    fn start(scraped: u16) -> Prometheus {
        let dir = tempfile::tempdir().unwrap();
        let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/prometheus");
        let config = format!(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - {}\n  - {}\n\
             scrape_configs:\n  - job_name: sessions\n    static_configs:\n      - targets: ['127.0.0.1:{scraped}']\n",
            examples.join("sessions-rules.yml").display(),
            examples.join("sessions-alerts.yml").display(),
        );
        let file = dir.path().join("prometheus.yml");
        std::fs::write(&file, config).unwrap();
        let port = free_port();
        let log = std::fs::File::create(dir.path().join("log")).unwrap();
        let child = Command::new("/usr/bin/prometheus")
            .arg(format!("--config.file={}", file.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap();
        Prometheus { child, port, dir }
    }

    /// An instant query's result vector as (the value of `label`, value), sorted; `None` until
    /// Prometheus answers.
    fn query(&self, encoded: &str, label: &str) -> Option<Vec<(String, f64)>> {
        std::net::TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        let raw = http_get(self.port, &format!("/api/v1/query?query={encoded}"));
        let (_, body) = raw.split_once("\r\n\r\n")?;
        let reply: serde_json::Value = serde_json::from_str(body).ok()?;
        let mut rows: Vec<(String, f64)> = reply["data"]["result"]
            .as_array()?
            .iter()
            .map(|r| {
                let value = r["value"][1].as_str().unwrap().parse().unwrap();
                (r["metric"][label].as_str().unwrap().to_owned(), value)
            })
            .collect();
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        Some(rows)
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("log")).unwrap_or_default()
    }
}

#[test]
fn prometheus_scrapes_collect_and_sums_sessions_by_target() {
    if !available(
        Path::new("/usr/bin/prometheus").exists(),
        "prometheus is missing (Debian's prometheus package)",
    ) {
        return;
    }
    let fleet = fleet(false);
    let (collect, port) = collect(fleet.home.path(), "core,srs");
    let mut prometheus = Prometheus::start(port);
    let want = vec![
        ("core".to_owned(), CORE.len() as f64),
        ("srs".to_owned(), SRS.len() as f64),
    ];
    let summed = "sum%20by%20%28target%29%20%28sessions_active%29";
    let got = wait_until("Prometheus to have scraped both targets", || {
        assert!(
            prometheus.child.try_wait().unwrap().is_none(),
            "prometheus stopped: {}",
            prometheus.log()
        );
        prometheus.query(summed, "target").filter(|r| r.len() == 2)
    });
    assert_eq!(got, want);
    // The example's recording rule, evaluated by the real Prometheus, gives the same.
    let recorded = wait_until("the recording rule to be evaluated", || {
        prometheus
            .query("site_target%3Asessions_active%3Asum", "target")
            .filter(|r| r.len() == 2)
    });
    assert_eq!(recorded, want);
    let up = prometheus.query("sessions_target_up", "target");
    assert_eq!(
        up,
        Some(vec![("core".to_owned(), 1.0), ("srs".to_owned(), 1.0)])
    );
    drop(prometheus);
    drop(collect);
}
