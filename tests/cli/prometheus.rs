//! `collect --listen`'s `/metrics` for several targets: every polled target's series labelled
//! `target`, a 0 per collector where none is open, an up and a last-success gauge per target, a
//! text `promtool check metrics` accepts; and the real Prometheus scraping it.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::SystemTime;

use crate::support::available;
use crate::support::http::{Server, free_port};
use crate::support::local::{Collector, http_get};
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
