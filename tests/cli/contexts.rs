//! Contexts and precedence with a temporary HOME, several servers at once with one down, the
//! NDJSON events of watch, Prometheus output parsed back, and atomic --output-file.

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::support::http::{Reply, Request, Server, free_port};
use crate::support::{Run, Sessions, sessions};
use serde_json::{Value, json};

/// A datarhei Core stand-in whose one rtmp session has this id, so a test sees which server
/// answered; `/api/v3/session` answers a summary with known totals.
fn core(id: &'static str) -> Server {
    Server::start(move |req: &Request| match req.path() {
        "/api/v3/session/active" => Reply::json(200, active_body(&[(id, 10)])),
        "/api/v3/session" => Reply::json(200, summary_body()),
        _ => Reply::json(404, "{}"),
    })
}

fn active_body(sessions: &[(&str, u64)]) -> String {
    let list: Vec<Value> = sessions
        .iter()
        .map(|(id, rx)| {
            json!({"id": id, "reference": "ref", "created_at": 1795494198, "local": "publish:/live/a",
                "remote": "10.0.0.5:1234", "extra": "", "bytes_rx": rx, "bytes_tx": 20,
                "bandwidth_rx_kbit": 1.5, "bandwidth_tx_kbit": 0})
        })
        .collect();
    json!({ "rtmp": list }).to_string()
}

fn summary_body() -> String {
    let active = json!({"list": [], "sessions": 3, "bandwidth_rx_mbit": 0.5, "bandwidth_tx_mbit": 0,
        "max_sessions": 50, "max_bandwidth_rx_mbit": 0, "max_bandwidth_tx_mbit": 100});
    json!({"rtmp": {"active": active, "summary": {"remote": {}, "local": {}, "reference": {},
        "sessions": 7, "traffic_rx_mb": 12, "traffic_tx_mb": 1}}})
    .to_string()
}

/// A temporary HOME with a config file at the XDG default place.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new(config: &str) -> Home {
        let home = Home {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::create_dir_all(home.config().parent().unwrap()).unwrap();
        std::fs::write(home.config(), config).unwrap();
        home
    }

    fn path(&self) -> &str {
        self.dir.path().to_str().unwrap()
    }

    fn config(&self) -> PathBuf {
        self.dir.path().join(".config/sessions/config.toml")
    }

    fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut all = vec![("HOME", self.path())];
        all.extend_from_slice(env);
        sessions(args, &all, None)
    }
}

fn ids(run: &Run) -> Vec<String> {
    run.json()
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect()
}

fn two_contexts(a: &Server, b: &Server) -> String {
    format!(
        "current-context = \"a\"\n\n[contexts.a]\nurl = \"{}\"\n\n[contexts.b]\nurl = \"{}\"\n",
        a.url(),
        b.url()
    )
}

// ---- contexts and precedence ----

#[test]
fn flag_beats_environment_beats_config() {
    let (a, b, c) = (core("A"), core("B"), core("C"));
    let home = Home::new(&two_contexts(&a, &b));
    let active = ["active", "-o", "json"];
    assert_eq!(ids(&home.run(&active, &[])), ["A"], "current-context");
    assert_eq!(ids(&home.run(&active, &[("SESSIONS_CONTEXT", "b")])), ["B"]);
    let flag = ["--context", "a", "active", "-o", "json"];
    assert_eq!(ids(&home.run(&flag, &[("SESSIONS_CONTEXT", "b")])), ["A"]);
    // A URL from the environment beats the context's; with no --context the current context
    // is not used at all (its credentials must not go to another server).
    let url = c.url();
    assert_eq!(ids(&home.run(&active, &[("SESSIONS_URL", &url)])), ["C"]);
    assert_eq!(ids(&home.run(&flag, &[("SESSIONS_URL", &url)])), ["C"]);
    let typed = [
        "--url",
        url.as_str(),
        "--context",
        "b",
        "active",
        "-o",
        "json",
    ];
    assert_eq!(ids(&home.run(&typed, &[])), ["C"]);
    // The single-target JSON has no `target` field.
    assert!(home.run(&active, &[]).json()[0].get("target").is_none());
}

#[test]
fn xdg_config_home_and_explicit_config_files() {
    let (a, b) = (core("A"), core("B"));
    let home = Home::new(&two_contexts(&a, &b));
    let xdg = tempfile::tempdir().unwrap();
    let other = format!(
        "current-context = \"x\"\n[contexts.x]\nurl = \"{}\"\n",
        b.url()
    );
    std::fs::create_dir_all(xdg.path().join("sessions")).unwrap();
    std::fs::write(xdg.path().join("sessions/config.toml"), &other).unwrap();
    let xdg_path = xdg.path().to_str().unwrap();
    let active = ["active", "-o", "json"];
    assert_eq!(
        ids(&home.run(&active, &[("XDG_CONFIG_HOME", xdg_path)])),
        ["B"]
    );
    let explicit = home.config();
    let explicit = explicit.to_str().unwrap();
    let args = ["--config", explicit, "active", "-o", "json"];
    assert_eq!(
        ids(&home.run(&args, &[("XDG_CONFIG_HOME", xdg_path)])),
        ["A"]
    );
    assert_eq!(
        ids(&home.run(
            &active,
            &[("SESSIONS_CONFIG", explicit), ("XDG_CONFIG_HOME", xdg_path)]
        )),
        ["A"]
    );
    home.run(&["--config", "/nonexistent/c.toml", "active"], &[])
        .assert_failure(2, "cannot read config file /nonexistent/c.toml");
}

#[test]
fn unknown_contexts_and_bad_files_are_usage_errors() {
    let (a, b) = (core("A"), core("B"));
    let home = Home::new(&two_contexts(&a, &b));
    home.run(&["--context", "zz", "active"], &[])
        .assert_failure(2, "no context 'zz' in");
    home.run(&["--context", "zz", "active"], &[])
        .assert_failure(2, "(known: a, b)");
    std::fs::write(
        home.config(),
        "[contexts.a]\nurl = \"http://x\"\ninsecure = \"yes\"\n",
    )
    .unwrap();
    let run = home.run(&["active"], &[]);
    run.assert_failure(
        2,
        "config.toml:3:12: invalid type: string \"yes\", expected a boolean",
    );
    std::fs::write(
        home.config(),
        "[contexts.a]\nurl = \"http://x\"\ntimeout = \"soon\"\n",
    )
    .unwrap();
    home.run(&["--context", "a", "active"], &[])
        .assert_failure(2, "context 'a': timeout 'soon': not a duration");
    assert!(a.requests().is_empty() && b.requests().is_empty());
}

/// datarhei Core with auth: accepts admin/`pw` and then the bearer token.
fn auth_core(password: &'static str) -> Server {
    Server::start(move |req: &Request| match req.path() {
        "/api/login" => {
            let creds: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
            if creds == json!({"username": "admin", "password": password}) {
                Reply::json(
                    200,
                    json!({"access_token": "ok", "refresh_token": "r"}).to_string(),
                )
            } else {
                Reply::json(
                    401,
                    json!({"code": 401, "message": "Invalid credentials"}).to_string(),
                )
            }
        }
        "/api/v3/session/active" if req.bearer() == Some("ok") => {
            Reply::json(200, active_body(&[("A", 1)]))
        }
        _ => Reply::json(
            401,
            json!({"code": 401, "message": "Missing or invalid JWT token"}).to_string(),
        ),
    })
}

#[test]
fn passwords_come_from_a_command_or_a_variable_and_never_show() {
    let secret = "pw-from-cmd-7731";
    let server = auth_core(secret);
    let home = Home::new(&format!(
        "[contexts.cmd]\nurl = \"{url}\"\nuser = \"admin\"\npassword_command = \"printf '{secret}\\\\nsecond line'\"\n\n\
         [contexts.var]\nurl = \"{url}\"\nuser = \"admin\"\npassword_env = \"MY_PW\"\n\n\
         [contexts.broken]\nurl = \"{url}\"\nuser = \"admin\"\npassword_command = \"exit 3\"\n",
        url = server.url()
    ));
    let run = home.run(&["-v", "--context", "cmd", "active", "-o", "json"], &[]);
    run.assert_success();
    assert_eq!(ids(&run), ["A"]);
    assert!(!run.stderr.contains(secret), "{}", run.stderr);
    let run = home.run(
        &["--context", "var", "active", "-o", "json"],
        &[("MY_PW", secret)],
    );
    assert_eq!(ids(&run), ["A"]);
    // SESSIONS_PASSWORD beats the context: the failing command is never run.
    let run = home.run(
        &["--context", "broken", "active", "-o", "json"],
        &[("SESSIONS_PASSWORD", secret)],
    );
    assert_eq!(ids(&run), ["A"]);
    home.run(&["--context", "broken", "active"], &[])
        .assert_failure(
            2,
            "context 'broken': password_command failed (exit status: 3)",
        );
    // In a fleet the broken context is that target's failure: the others are printed, exit 7,
    // and --output-file is still written.
    let out = home.dir.path().join("fleet.json");
    let run = home.run(
        &[
            "--context",
            "cmd,broken",
            "--output-file",
            out.to_str().unwrap(),
            "active",
            "-o",
            "json",
        ],
        &[],
    );
    assert_eq!(run.code, 7, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "sessions: context 'broken': password_command failed (exit status: 3); run it yourself to see why\n"
    );
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(written[0]["target"], "cmd");
    assert_eq!(written[0]["id"], "A");
    assert_eq!(written.as_array().unwrap().len(), 1);
}

#[test]
fn a_literal_secret_in_a_file_others_can_read_is_warned_about() {
    let server = core("A");
    let home = Home::new(&format!(
        "current-context = \"a\"\n[contexts.a]\nurl = \"{}\"\ntoken = \"tok-5150\"\n",
        server.url()
    ));
    std::fs::set_permissions(home.config(), std::fs::Permissions::from_mode(0o644)).unwrap();
    let run = home.run(&["active", "-o", "json"], &[]);
    run.assert_success();
    assert!(
        run.stderr
            .contains("holds a secret (context 'a') and is readable by others: chmod 600"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("tok-5150"));
    assert_eq!(server.requests()[0].bearer(), Some("tok-5150"));
    let shown = home.run(&["config", "show", "-o", "json"], &[]);
    assert_eq!(shown.json()["token"], "(hidden)");
    assert!(!shown.stdout.contains("tok-5150"));
    std::fs::set_permissions(home.config(), std::fs::Permissions::from_mode(0o600)).unwrap();
    let run = home.run(&["active", "-o", "json"], &[]);
    assert_eq!(run.stderr, "");
}

// ---- config subcommands ----

#[test]
fn config_set_list_show_and_use() {
    let home = Home::new("");
    let set = home.run(
        &[
            "config",
            "set",
            "studio",
            "--url",
            "https://core.example:8080",
            "--user",
            "admin",
            "--password-command",
            "pass show core",
            "--timeout",
            "5s",
            "--port-map",
            "rtmp=1935,1936",
        ],
        &[],
    );
    set.assert_success();
    assert_eq!(set.stdout, "");
    let mode = std::fs::metadata(home.config())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    // SESSIONS_URL in the environment is not stored by `config set`.
    home.run(
        &["config", "set", "hmi", "--url", "wss://hmi:1010/"],
        &[("SESSIONS_URL", "http://x:1")],
    )
    .assert_success();
    home.run(
        &["config", "set", "empty"],
        &[("SESSIONS_URL", "http://x:1")],
    )
    .assert_failure(2, "context 'empty' needs --url");

    let list = home.run(&["config", "list"], &[]);
    list.assert_success();
    assert_eq!(
        list.stdout,
        concat!(
            // No context names a source: that column is left out (`-o wide` shows it).
            "CURRENT  NAME    URL                        USER\n",
            "         hmi     wss://hmi:1010/            -\n",
            "*        studio  https://core.example:8080  admin\n"
        )
    );
    let list = home.run(&["config", "list", "-o", "json"], &[]);
    assert_eq!(
        list.json(),
        json!([
            {"current": false, "name": "hmi", "url": "wss://hmi:1010/", "source": null, "user": null},
            {"current": true, "name": "studio", "url": "https://core.example:8080", "source": null, "user": "admin"}
        ])
    );
    let show = home.run(&["config", "show", "-o", "json"], &[]);
    assert_eq!(
        show.json(),
        json!({"name": "studio", "url": "https://core.example:8080", "user": "admin",
            "password_command": "(hidden)", "timeout": "5s", "port_map": ["rtmp=1935,1936"]})
    );
    home.run(&["config", "use", "hmi"], &[]).assert_success();
    let show = home.run(&["config", "show"], &[]);
    assert_eq!(
        show.stdout,
        "KEY   VALUE\nname  hmi\nurl   wss://hmi:1010/\n"
    );
    home.run(&["config", "use", "nope"], &[])
        .assert_failure(2, "no context 'nope' in");
    home.run(&["config", "show", "nope"], &[])
        .assert_failure(2, "(known: hmi, studio)");
    home.run(&["config", "set", "x", "--url", "ftp://x"], &[])
        .assert_failure(2, "scheme 'ftp' is not supported");
    home.run(
        &["config", "set", "x", "--url", "http://x", "--token", "t"],
        &[],
    )
    .assert_failure(2, "stores no tokens");
}

// ---- several targets ----

fn fleet(a: &Server, c: &Server) -> Home {
    Home::new(&format!(
        "[contexts.a]\nurl = \"{}\"\n[contexts.b]\nurl = \"http://127.0.0.1:{}\"\n[contexts.c]\nurl = \"{}\"\n",
        a.url(),
        free_port(),
        c.url()
    ))
}

#[test]
fn one_target_down_prints_the_others_and_exits_7() {
    let (a, c) = (core("A"), core("C"));
    let home = fleet(&a, &c);
    let run = home.run(&["--all-contexts", "active", "-o", "json"], &[]);
    assert_eq!(run.code, 7, "{}", run.stderr);
    let rows = run.json();
    let targets: Vec<(&str, &str)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["target"].as_str().unwrap(), r["id"].as_str().unwrap()))
        .collect();
    assert_eq!(targets, [("a", "A"), ("c", "C")]);
    assert_eq!(rows[0]["rx_bytes"], 10);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.starts_with("sessions: context 'b': "),
        "{}",
        run.stderr
    );

    let run = home.run(
        &["--context", "c,b,a", "active", "-o", "tsv", "--no-headers"],
        &[],
    );
    assert_eq!(run.code, 7);
    let first: Vec<String> = run
        .stdout
        .lines()
        .map(|l| l.split('\t').take(2).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(first, ["a rtmp", "c rtmp"]);

    let run = home.run(&["--context", "a,c", "active"], &[]);
    run.assert_success();
    assert!(
        run.stdout.starts_with("TARGET  COLLECTOR  ID"),
        "{}",
        run.stdout
    );

    let run = home.run(&["--context", "a,c", "summary", "-o", "json"], &[]);
    run.assert_success();
    let v = run.json();
    assert_eq!(v[0]["target"], "a");
    assert_eq!(v[1]["target"], "c");
    assert_eq!(v[1]["collectors"][0]["finished"]["sessions"], 7);

    home.run(&["--context", "b", "active"], &[])
        .assert_failure(3, "context 'b': ");
    home.run(&["--all-contexts", "--url", "http://x", "active"], &[])
        .assert_failure(2, "cannot apply to several contexts");
}

// ---- watch ----

/// Polls 1, 2, 3 and later: [x], [x with more bytes, y], [y], [y].
fn changing_core() -> Server {
    let polls = AtomicUsize::new(0);
    Server::start(move |_| {
        let body = match polls.fetch_add(1, Ordering::SeqCst) {
            0 => active_body(&[("x", 1)]),
            1 => active_body(&[("x", 500), ("y", 1)]),
            _ => active_body(&[("y", 1)]),
        };
        Reply::json(200, body)
    })
}

#[test]
fn watch_emits_added_updated_and_removed_events() {
    let server = changing_core();
    let url = server.url();
    let run = sessions(
        &[
            "--url",
            &url,
            "watch",
            "--interval",
            "200ms",
            "--rounds",
            "4",
        ],
        &[],
        None,
    );
    run.assert_success();
    let events: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let got: Vec<(&str, &str, u64)> = events
        .iter()
        .map(|e| {
            (
                e["event"].as_str().unwrap(),
                e["session"]["id"].as_str().unwrap(),
                e["session"]["rx_bytes"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("added", "x", 1),
            ("updated", "x", 500),
            ("added", "y", 1),
            ("removed", "x", 500)
        ]
    );
    let at = events[0]["at"].as_str().unwrap();
    assert!(
        at.len() == 20 && at.ends_with('Z') && at.as_bytes()[10] == b'T',
        "{at}"
    );
    let mut keys: Vec<&str> = events[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, ["at", "event", "session"]);
    assert_eq!(events[0]["session"]["collector"], "rtmp");
    assert_eq!(events[0]["session"]["created_at"], "2026-11-24T04:23:18Z");
    assert_eq!(server.requests().len(), 4);
}

#[test]
fn ctrl_c_ends_a_watch_with_exit_code_0() {
    let server = changing_core();
    let url = server.url();
    let mut child = Sessions::new()
        .args(&["--url", &url, "active", "--watch", "--interval", "100ms"])
        .command()
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first: Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert_eq!(first["event"], "added");
    let _second = lines.next().unwrap().unwrap();
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn watch_refuses_an_output_file() {
    let server = changing_core();
    let url = server.url();
    sessions(
        &["--url", &url, "watch", "--output-file", "/tmp/x"],
        &[],
        None,
    )
    .assert_failure(2, "--output-file does not go with watch");
}

// ---- Prometheus ----

fn scrape(text: &str) -> prometheus_parse::Scrape {
    let lines = text.lines().map(|l| Ok(l.to_string()));
    prometheus_parse::Scrape::parse(lines).unwrap()
}

fn sample<'a>(
    scrape: &'a prometheus_parse::Scrape,
    metric: &str,
    labels: &[(&str, &str)],
) -> &'a prometheus_parse::Value {
    let found: Vec<&prometheus_parse::Sample> = scrape
        .samples
        .iter()
        .filter(|s| s.metric == metric && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
        .collect();
    assert_eq!(found.len(), 1, "{metric} {labels:?}: {:?}", scrape.samples);
    &found[0].value
}

#[test]
fn summary_as_prometheus_parses_back_with_exact_values() {
    use prometheus_parse::Value::{Counter, Gauge};
    let server = core("A");
    let url = server.url();
    let run = sessions(&["--url", &url, "summary", "-o", "prometheus"], &[], None);
    run.assert_success();
    let s = scrape(&run.stdout);
    let rtmp = [("collector", "rtmp")];
    assert_eq!(sample(&s, "sessions_active", &rtmp), &Gauge(3.0));
    assert_eq!(
        sample(&s, "sessions_rx_bytes_per_second", &rtmp),
        &Gauge(65536.0)
    );
    assert_eq!(sample(&s, "sessions_limit_sessions", &rtmp), &Gauge(50.0));
    assert_eq!(
        sample(&s, "sessions_limit_tx_bytes_per_second", &rtmp),
        &Gauge(13107200.0)
    );
    assert_eq!(sample(&s, "sessions_finished_total", &rtmp), &Counter(7.0));
    assert_eq!(
        sample(&s, "sessions_finished_rx_bytes_total", &rtmp),
        &Counter(12.0 * 1048576.0)
    );
    assert_eq!(
        sample(&s, "sessions_finished_tx_bytes_total", &rtmp),
        &Counter(1048576.0)
    );
    // Only rtmp was in the reply; no limit series for an unlimited rx rate.
    assert!(
        s.samples
            .iter()
            .all(|x| x.labels.get("collector") == Some("rtmp"))
    );
    assert!(!run.stdout.contains("sessions_limit_rx_bytes_per_second"));
    assert!(
        run.stdout
            .contains("# TYPE sessions_finished_total counter\n")
    );
    assert!(run.stdout.contains("# HELP sessions_finished_rx_bytes_total Bytes received by finished sessions: exact where the source reports bytes, else its whole MiB times 1048576"));
    assert!(
        run.stdout
            .contains("\nsessions_active{collector=\"rtmp\"} 3\n")
    );
}

#[test]
fn several_targets_are_a_target_label_and_sessions_are_opt_in() {
    use prometheus_parse::Value::{Counter, Gauge};
    let (a, c) = (core("A"), core("C"));
    let home = fleet(&a, &c);
    let run = home.run(&["--context", "a,c", "summary", "-o", "prometheus"], &[]);
    run.assert_success();
    let s = scrape(&run.stdout);
    for target in ["a", "c"] {
        assert_eq!(
            sample(
                &s,
                "sessions_active",
                &[("target", target), ("collector", "rtmp")]
            ),
            &Gauge(3.0)
        );
    }
    assert_eq!(
        run.stdout.matches("# TYPE sessions_active gauge").count(),
        1
    );

    home.run(&["--context", "a", "active", "-o", "prometheus"], &[])
        .assert_failure(2, "needs --per-session");
    home.run(&["--context", "a", "clients", "-o", "prometheus"], &[])
        .assert_failure(
            2,
            "-o prometheus is for `summary` and `active --per-session`",
        );
    let run = home.run(
        &[
            "--context",
            "a",
            "active",
            "--per-session",
            "-o",
            "prometheus",
        ],
        &[],
    );
    run.assert_success();
    let s = scrape(&run.stdout);
    let labels = [
        ("collector", "rtmp"),
        ("id", "A"),
        ("reference", "ref"),
        ("remote", "10.0.0.5:1234"),
    ];
    assert_eq!(
        sample(&s, "sessions_session_rx_bytes_total", &labels),
        &Counter(10.0)
    );
    assert_eq!(
        sample(&s, "sessions_session_rx_bytes_per_second", &labels),
        &Gauge(192.0)
    );
    assert!(run.stdout.contains("local=\"publish:/live/a\""));
}

#[test]
fn tchmi_summary_counts_are_gauges() {
    use crate::support::ws;
    use prometheus_parse::Value::Gauge;
    let server = ws::Server::plain(ws::Behaviour::default());
    let url = server.url("ws");
    let run = sessions(
        &[
            "--url",
            &url,
            "--user",
            ws::ADMIN,
            "summary",
            "-o",
            "prometheus",
        ],
        &[("SESSIONS_PASSWORD", ws::PASSWORD)],
        None,
    );
    run.assert_success();
    let s = scrape(&run.stdout);
    let tchmi = [("collector", "tchmi")];
    assert_eq!(sample(&s, "sessions_hmi_connections", &tchmi), &Gauge(4.0));
    assert_eq!(sample(&s, "sessions_hmi_sessions", &tchmi), &Gauge(3.0));
    assert_eq!(
        sample(&s, "sessions_hmi_subscriptions", &tchmi),
        &Gauge(2.0)
    );
    assert_eq!(
        sample(&s, "sessions_hmi_requests_in_progress", &tchmi),
        &Gauge(1.0)
    );
}

/// The cron use: node_exporter's textfile collector reads the file at any moment, so it is
/// replaced whole, readable, and kept when a run fails.
#[test]
fn output_file_for_the_textfile_collector_is_atomic() {
    let server = core("A");
    let url = server.url();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sessions.prom");
    let path = file.to_str().unwrap();
    let run = sessions(
        &[
            "--url",
            &url,
            "summary",
            "-o",
            "prometheus",
            "--output-file",
            path,
        ],
        &[],
        None,
    );
    run.assert_success();
    assert_eq!(run.stdout, "");
    let written = std::fs::read_to_string(&file).unwrap();
    let s = scrape(&written);
    assert_eq!(
        sample(&s, "sessions_finished_total", &[("collector", "rtmp")]),
        &prometheus_parse::Value::Counter(7.0)
    );
    let mode = std::fs::metadata(&file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o644);

    let down = format!("http://127.0.0.1:{}", free_port());
    sessions(
        &[
            "--url",
            &down,
            "summary",
            "-o",
            "prometheus",
            "--output-file",
            path,
        ],
        &[],
        None,
    )
    .assert_failure(3, "");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), written);
    assert_eq!(entries(dir.path()), ["sessions.prom"]);
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_fleet_of_datarhei_and_tchmi_summarizes_in_two_blocks() {
    use crate::support::ws;
    let core = core("A");
    let hmi = ws::Server::plain(ws::Behaviour::default());
    let home = Home::new(&format!(
        "[contexts.core]\nurl = \"{}\"\n[contexts.hmi]\nurl = \"{}\"\nuser = \"{}\"\npassword_env = \"HMI_PW\"\n",
        core.url(),
        hmi.url("ws"),
        ws::ADMIN
    ));
    let pw = [("HMI_PW", ws::PASSWORD)];
    let run = home.run(&["--all-contexts", "summary", "-o", "json"], &pw);
    run.assert_success();
    let v = run.json();
    assert_eq!(v[0]["target"], "core");
    assert_eq!(v[0]["collectors"][0]["active_sessions"], 3);
    assert_eq!(
        v[1],
        json!({"target": "hmi", "collector": "tchmi", "connections": 4, "sessions": 3, "users": 3,
            "clients": 3, "subscriptions": 2, "requests_in_progress": 1})
    );
    let run = home.run(&["--all-contexts", "summary", "-o", "tsv"], &pw);
    run.assert_success();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines[0].starts_with("target\tcollector\tactive_sessions\t"),
        "{}",
        lines[0]
    );
    assert!(lines[1].starts_with("core\trtmp\t3\t"), "{}", lines[1]);
    assert_eq!(
        &lines[2..],
        [
            "target\tcollector\tconnections\tsessions\tusers\tclients\tsubscriptions\trequests_in_progress",
            "hmi\ttchmi\t4\t3\t3\t3\t2\t1"
        ]
    );
    assert!(!run.stdout.contains(ws::PASSWORD) && !run.stderr.contains(ws::PASSWORD));
}

#[test]
fn watching_several_targets_labels_events_and_survives_a_dead_one() {
    let live = changing_core();
    let home = Home::new(&format!(
        "[contexts.live]\nurl = \"{}\"\n[contexts.dead]\nurl = \"http://127.0.0.1:{}\"\n",
        live.url(),
        free_port()
    ));
    let run = home.run(
        &[
            "--all-contexts",
            "watch",
            "--interval",
            "100ms",
            "--rounds",
            "2",
        ],
        &[],
    );
    run.assert_success();
    let events: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let got: Vec<(&str, &str, &str)> = events
        .iter()
        .map(|e| {
            (
                e["target"].as_str().unwrap(),
                e["event"].as_str().unwrap(),
                e["session"]["id"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("live", "added", "x"),
            ("live", "updated", "x"),
            ("live", "added", "y")
        ]
    );
    // Once per outage, not every round.
    let warnings: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(warnings.len(), 1, "{}", run.stderr);
    assert!(
        warnings[0].starts_with("sessions: warning: context 'dead': cannot connect to"),
        "{}",
        warnings[0]
    );
    assert!(warnings[0].ends_with(", retrying)"), "{}", warnings[0]);
}

/// A local context's `port_map` reaches the local collector; `--port-map` replaces it.
#[test]
fn a_local_contexts_port_map_classifies_this_machines_sockets() {
    use crate::support::local::{listener, pair};
    use crate::support::wait_until;
    let listener = listener();
    let port = listener.local_addr().unwrap().port();
    let conn = pair(&listener, 10, 10);
    let home = Home::new(&format!(
        "current-context = \"here\"\n[contexts.here]\nsource = \"local\"\nport_map = [\"srt=1\", \"rtmp={port}\"]\n"
    ));
    let server_end = conn.server_addr().to_string();
    let collector_of = |args: &[&str]| {
        wait_until("this machine's session of the test", || {
            let v = Sessions::new().home(home.dir.path()).args(args).json();
            v.as_array()
                .unwrap()
                .iter()
                .find(|s| s["local"] == server_end.as_str())
                .map(|s| s["collector"].as_str().unwrap().to_string())
        })
    };
    let active = ["active", "--sample", "0s", "-o", "json"];
    assert_eq!(collector_of(&active), "rtmp");
    let hls = format!("hls={port}");
    let flag = ["active", "--sample", "0s", "--port-map", &hls, "-o", "json"];
    assert_eq!(collector_of(&flag), "hls");

    std::fs::write(
        home.config(),
        "[contexts.here]\nsource = \"local\"\nport_map = [\"rtmp=oops\"]\n",
    )
    .unwrap();
    home.run(&["--context", "here", "active"], &[])
        .assert_failure(2, "context 'here': port_map entry 'rtmp=oops': ");
}

#[test]
fn config_keeps_comments_and_has_current_delete_rename_and_unset() {
    let home = Home::new(
        "# my fleet\ncurrent-context = \"a\"\n\n[contexts.a]\n# the studio Core\nurl = \"http://h:1\"  # port 1\ntimeout = \"3s\"\n\n[contexts.b]\nurl = \"ws://hmi:2/\"\n",
    );
    let read = || std::fs::read_to_string(home.config()).unwrap();
    home.run(&["--user", "admin", "config", "set", "a"], &[])
        .assert_success();
    assert_eq!(
        read(),
        "# my fleet\ncurrent-context = \"a\"\n\n[contexts.a]\n# the studio Core\nurl = \"http://h:1\"  # port 1\ntimeout = \"3s\"\nuser = \"admin\"\n\n[contexts.b]\nurl = \"ws://hmi:2/\"\n"
    );
    let current = home.run(&["config", "current"], &[]);
    assert_eq!((current.code, current.stdout.as_str()), (0, "a\n"));
    home.run(&["config", "unset", "a", "timeout"], &[])
        .assert_success();
    assert!(!read().contains("timeout"), "{}", read());
    assert!(read().contains("# the studio Core"), "{}", read());
    home.run(&["config", "unset", "a", "colour"], &[])
        .assert_failure(2, "unknown key 'colour'");
    home.run(&["config", "rename", "a", "studio"], &[])
        .assert_success();
    assert_eq!(home.run(&["config", "current"], &[]).stdout, "studio\n");
    assert!(read().contains("[contexts.studio]"), "{}", read());
    home.run(&["config", "rename", "b", "studio"], &[])
        .assert_failure(2, "context 'studio' exists already");
    home.run(&["config", "delete", "studio"], &[])
        .assert_success();
    home.run(&["config", "current"], &[])
        .assert_failure(2, "no current context");
    // The comment above current-context went with that line; the rest is as it was.
    assert_eq!(read(), "\n[contexts.b]\nurl = \"ws://hmi:2/\"\n");
    home.run(&["config", "delete", "nope"], &[])
        .assert_failure(2, "no context 'nope'");

    // `config set --config FILE` creates FILE.
    let fresh = home.dir.path().join("new/fleet.toml");
    let fresh_arg = fresh.to_str().unwrap();
    home.run(
        &[
            "--config",
            fresh_arg,
            "--url",
            "http://x:1",
            "config",
            "set",
            "x",
        ],
        &[],
    )
    .assert_success();
    assert_eq!(
        std::fs::read_to_string(&fresh).unwrap(),
        "current-context = \"x\"\n\n[contexts.x]\nurl = \"http://x:1\"\n"
    );
}

#[test]
fn the_first_context_says_it_is_current_and_there_is_a_way_back_to_this_machine() {
    let home = Home::new("");
    let set = home.run(
        &[
            "config",
            "set",
            "studio",
            "--url",
            "http://127.0.0.1:9",
            "--user",
            "admin",
            "--password-env",
            "STUDIO_PW",
        ],
        &[],
    );
    set.assert_success();
    assert_eq!(
        set.stderr,
        format!(
            "sessions: context 'studio' created in {} (now the current context)\n",
            home.config().display()
        )
    );
    let second = home.run(
        &["config", "set", "edge", "--url", "http://127.0.0.1:9"],
        &[],
    );
    assert_eq!(
        second.stderr,
        format!(
            "sessions: context 'edge' created in {}\n",
            home.config().display()
        )
    );
    // The current context names a server whose password is not set; `--source local` is still
    // this machine, with no password asked for and no "takes no --url".
    home.run(&["active", "-o", "json"], &[])
        .assert_failure(2, "context 'studio': ");
    let local = home.run(&["--source", "local", "summary", "-o", "json"], &[]);
    local.assert_success();
    // Only the local collector has an `ffmpeg` collector.
    assert_eq!(local.json()["collectors"][0]["collector"], "ffmpeg");
    home.run(
        &["--source", "local", "--url", "http://127.0.0.1:9", "active"],
        &[],
    )
    .assert_failure(2, "--source local reads this machine and takes no --url");

    let none = home.run(&["config", "use", "--none"], &[]);
    none.assert_success();
    assert_eq!(
        none.stderr,
        format!(
            "sessions: no current context: commands without --context or --url read this machine ({})\n",
            home.config().display()
        )
    );
    home.run(&["config", "current"], &[])
        .assert_failure(2, "no current context in");
    home.run(&["summary", "-o", "json"], &[]).assert_success();
    home.run(&["config", "use"], &[])
        .assert_failure(2, "required arguments were not provided: <NAME>");
    home.run(
        &["config", "set", "edge", "--ca-cert", "/nonexistent/ca.pem"],
        &[],
    )
    .assert_failure(2, "--ca-cert '/nonexistent/ca.pem': no such file");
    // A file that is there but holds no certificate is refused as early, the file unchanged.
    let junk = home.dir.path().join("junk.pem");
    std::fs::write(&junk, "not a certificate\n").unwrap();
    let before = std::fs::read_to_string(home.config()).unwrap();
    let refused = home.run(
        &["config", "set", "edge", "--ca-cert", junk.to_str().unwrap()],
        &[],
    );
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert_eq!(refused.stdout, "");
    assert_eq!(
        refused.stderr,
        format!(
            "sessions: --ca-cert {} holds no PEM certificate\n",
            junk.display()
        )
    );
    assert_eq!(std::fs::read_to_string(home.config()).unwrap(), before);
    home.run(&["config", "use", "edge", "--none"], &[])
        .assert_failure(2, "cannot be used with");
}
