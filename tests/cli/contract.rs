//! The JSON contract of docs/json-schema.md, shape by shape: each test runs the binary, reads its
//! JSON into a struct declared here with `deny_unknown_fields` and exact types, and writes it back
//! to compare ([`pinned`]): a key added, renamed, dropped or given another JSON type (an integer
//! where a float was, a string for a number) fails here before a script finds out.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::support::http::{Reply, Routes, Server, free_port};
use crate::support::local::{Collector, listener, pair};
use crate::support::servers::mediamtx::{Conn, MediaMtx};
use crate::support::servers::srs::{Client, Srs};
use crate::support::ws::{self, ADMIN, Behaviour, PASSWORD};
use crate::support::{Run, Sessions, fixture, sessions, wait_until};

/// Reads `value` as a `T` and writes it back, which must give `value` again: an unknown key
/// fails the read (`deny_unknown_fields`); a missing key, or a value of another JSON type, comes
/// back different.
fn pinned<T: DeserializeOwned + Serialize>(value: &Value) -> T {
    let typed: T =
        serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{e}: {value:#}"));
    let again = serde_json::to_value(&typed).unwrap();
    assert_eq!(&again, value, "written back differently");
    typed
}

/// Each element of a JSON array output, pinned as `T`.
fn each<T: DeserializeOwned + Serialize>(run: &Run) -> Vec<T> {
    run.assert_success();
    let rows = run.json();
    let rows = rows
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {rows}"));
    rows.iter().map(pinned).collect()
}

/// A row of `active`, a `session` of `watch`, as every source writes it.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Session {
    collector: String,
    id: String,
    reference: String,
    local: String,
    remote: String,
    role: Option<Role>,
    created_at: Option<String>,
    age_s: Option<u64>,
    rx_bytes: Option<u64>,
    tx_bytes: Option<u64>,
    rx_bit_s: Option<f64>,
    tx_bit_s: Option<f64>,
    rx_kibit_s: Option<f64>,
    tx_kibit_s: Option<f64>,
    extra: Option<Extra>,
}

/// What the server says a session does with its stream; null where it does not say.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Role {
    Publisher,
    Player,
}

/// `extra`: Core 16.x's free text, or an object (newer Cores, TwinCAT HMI, this machine,
/// the streaming servers).
#[derive(Debug, Serialize, Deserialize)]
#[serde(untagged)]
enum Extra {
    Text(String),
    Object(Map<String, Value>),
}

/// `summary` of datarhei Core, this machine and the streaming servers.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Summary {
    collectors: Vec<CollectorSummary>,
    by: Option<String>,
    breakdown_of: Option<String>,
    breakdown: Vec<Breakdown>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CollectorSummary {
    collector: String,
    active_sessions: u64,
    rx_bit_s: Option<f64>,
    tx_bit_s: Option<f64>,
    rx_mibit_s: Option<f64>,
    tx_mibit_s: Option<f64>,
    limit_sessions: Option<u64>,
    limit_rx_mibit_s: Option<f64>,
    limit_tx_mibit_s: Option<f64>,
    finished: Option<Finished>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Finished {
    sessions: u64,
    rx_mib: u64,
    tx_mib: u64,
    rx_bytes: Option<u64>,
    tx_bytes: Option<u64>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Breakdown {
    collector: String,
    key: String,
    sessions: u64,
    rx_mib: u64,
    tx_mib: u64,
    rx_bytes: Option<u64>,
    tx_bytes: Option<u64>,
    rx_bit_s: Option<f64>,
    tx_bit_s: Option<f64>,
}

/// `summary` of a TwinCAT HMI Server.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct HmiSummary {
    collector: String,
    connections: u64,
    sessions: u64,
    users: u64,
    clients: u64,
    subscriptions: u64,
    requests_in_progress: u64,
}

/// A row of `clients`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct HmiClient {
    client: String,
    session_id: String,
    user: String,
    commands: Vec<HmiCommand>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct HmiCommand {
    id: u64,
    symbol: String,
}

/// A row of `subscriptions`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Subscription {
    key: String,
    id: u64,
    #[serde(rename = "type")]
    kind: String,
    interval_ms: Option<u64>,
    client_count: u64,
    json_length_bytes: Option<u64>,
    average_duration_s: Option<f64>,
    average_duration_iso8601: Option<String>,
    symbols: Vec<String>,
}

/// A line of `watch -o ndjson`, of one target.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Event {
    event: String,
    at: String,
    session: Session,
}

/// A line of `watch -o ndjson` over several targets.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetEvent {
    event: String,
    at: String,
    target: String,
    session: Session,
}

/// A row of `kick -o json`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Kicked {
    collector: String,
    id: String,
    reference: String,
    remote: String,
    kicked: bool,
    error: Option<String>,
}

/// A line `collect` prints: `active`'s fields without `age_s` and the rates, plus `closed_at`,
/// where it came from (`target`, `source`) and the highest rates seen.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Closed {
    target: String,
    source: String,
    collector: String,
    id: String,
    reference: String,
    local: String,
    remote: String,
    role: Option<Role>,
    created_at: String,
    closed_at: String,
    rx_bytes: u64,
    tx_bytes: u64,
    rx_peak_bit_s: Option<f64>,
    tx_peak_bit_s: Option<f64>,
    extra: Map<String, Value>,
}

/// A row of `config list`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ContextRow {
    current: bool,
    name: String,
    url: Option<String>,
    source: Option<String>,
    user: Option<String>,
}

/// `config show` of a context with every key set.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ContextShown {
    name: String,
    url: String,
    source: String,
    user: String,
    password_command: String,
    password_env: String,
    password: String,
    token_env: String,
    token: String,
    ca_cert: String,
    insecure: bool,
    timeout: String,
    port_map: Vec<String>,
}

/// A datarhei Core answering the captured session list, and a summary with limits and a history
/// by remote.
fn core() -> Server {
    let stats =
        |s: u64, rx: u64, tx: u64| json!({"sessions": s, "traffic_rx_mb": rx, "traffic_tx_mb": tx});
    let summary = json!({"rtmp": {
        "active": {"list": [], "sessions": 1, "bandwidth_rx_mbit": 0.251, "bandwidth_tx_mbit": 0.003,
            "max_sessions": 50, "max_bandwidth_rx_mbit": 0, "max_bandwidth_tx_mbit": 100},
        "summary": {"remote": {"203.0.113.9": stats(3, 12, 1)}, "local": {}, "reference": {},
            "sessions": 3, "traffic_rx_mb": 12, "traffic_tx_mb": 1}}});
    Server::routes(
        Routes::new()
            .at(
                "GET",
                "/api/v3/session/active",
                Reply::json(200, fixture("datarhei/session-active-rtmp-hls.json")),
            )
            .at(
                "GET",
                "/api/v3/session",
                Reply::json(200, summary.to_string()),
            ),
    )
}

#[test]
fn active_sessions_of_every_source() {
    let studio = core();
    let url = studio.url();
    let rows: Vec<Session> = each(&sessions(
        &["--url", &url, "active", "-o", "json"],
        &[],
        None,
    ));
    assert_eq!(rows.len(), 6);
    assert!(matches!(rows[0].extra, Some(Extra::Text(_))), "{rows:?}");
    assert_eq!(rows[2].rx_bit_s, Some(513_935.36));
    // Core 16.x says it in `local`: `publish:/live/test`, `play:/live/test`; HLS says nothing.
    let (publisher, player) = (Some(Role::Publisher), Some(Role::Player));
    let roles: Vec<Option<Role>> = rows.iter().map(|s| s.role).collect();
    assert_eq!(roles, [None, None, publisher, player, player, publisher]);
    // -o ndjson: the same objects, one a line.
    let ndjson = sessions(&["--url", &url, "active", "-o", "ndjson"], &[], None);
    ndjson.assert_success();
    let lines: Vec<Value> = ndjson
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let json = sessions(&["--url", &url, "active", "-o", "json"], &[], None).json();
    let without_age = |rows: &[Value]| -> Vec<Value> {
        // Everything but the age, which grows between the two runs.
        rows.iter()
            .map(|r| {
                let mut r = r.clone();
                r.as_object_mut().unwrap().remove("age_s");
                r
            })
            .collect()
    };
    assert_eq!(without_age(&lines), without_age(json.as_array().unwrap()));

    // MediaMTX: bytes it does not count are null, SRT's own rates are numbers.
    let mediamtx = MediaMtx::start(Conn::captured());
    let args = [
        "--source",
        "mediamtx",
        "--url",
        &mediamtx.url(),
        "active",
        "-o",
        "json",
    ];
    let rows: Vec<Session> = each(&sessions(&args, &[], None));
    let hls = rows.iter().find(|s| s.collector == "hls").unwrap();
    assert_eq!((hls.rx_bytes, hls.tx_bytes), (None, Some(13273)));
    let srt = rows.iter().find(|s| s.collector == "srt").unwrap();
    assert_eq!(srt.rx_bit_s, Some(0.0));
    // From `state`; an HLS session only reads.
    let roles: Vec<(&str, Option<Role>)> = rows
        .iter()
        .map(|s| (s.collector.as_str(), s.role))
        .collect();
    assert_eq!(
        roles,
        [
            ("hls", player),
            ("rtmp", publisher),
            ("rtmp", player),
            ("rtmp", player),
            ("rtsp", publisher),
            ("srt", publisher),
            ("webrtc", publisher),
        ]
    );

    // TwinCAT HMI: no start time and no traffic (null, as for a source that cannot tell);
    // `extra` holds the registered commands.
    let hmi = ws::Server::plain(Behaviour::default());
    let args = [
        "--url",
        &hmi.url("ws"),
        "--user",
        ADMIN,
        "active",
        "-o",
        "json",
    ];
    let rows: Vec<Session> = each(&sessions(&args, &[("SESSIONS_PASSWORD", PASSWORD)], None));
    assert!(
        rows.iter()
            .all(|s| s.collector == "tchmi" && s.created_at.is_none())
    );
    let untold = |s: &Session| s.rx_bytes.is_none() && s.rx_bit_s.is_none() && s.role.is_none();
    assert!(rows.iter().all(untold), "{rows:#?}");
    let commands = |s: &Session| matches!(s.extra, Some(Extra::Object(_)));
    assert!(rows.iter().all(commands), "{rows:#?}");
}

#[test]
fn active_sessions_of_this_machine() {
    let home = tempfile::tempdir().unwrap();
    let rtmp = listener();
    let connection = pair(&rtmp, 100, 200);
    let map = format!("rtmp={}", rtmp.local_addr().unwrap().port());
    let server = connection.server_addr().to_string();
    let args = [
        "active",
        "--port-map",
        &map,
        "--sample",
        "100ms",
        "-o",
        "json",
    ];
    let run = Sessions::new().home(home.path()).args(&args).run();
    let rows: Vec<Session> = each(&run);
    let ours = rows.iter().find(|s| s.local == server).unwrap();
    assert_eq!(ours.collector, "rtmp");
    assert!(matches!(ours.extra, Some(Extra::Object(_))), "{ours:?}");
}

#[test]
fn summaries_of_core() {
    let studio = core();
    let url = studio.url();
    let args = ["--url", &url, "summary", "--by", "remote", "-o", "json"];
    let run = sessions(&args, &[], None);
    run.assert_success();
    let summary: Summary = pinned(&run.json());
    assert_eq!(summary.by.as_deref(), Some("remote"));
    assert_eq!(summary.breakdown_of.as_deref(), Some("active"));
    let rtmp = &summary.collectors[0];
    assert_eq!(
        (
            rtmp.limit_sessions,
            rtmp.limit_rx_mibit_s,
            rtmp.limit_tx_mibit_s
        ),
        (Some(50), None, Some(100.0))
    );
    assert_eq!(summary.breakdown.len(), 1);
    let plain = sessions(&["--url", &url, "summary", "-o", "json"], &[], None);
    plain.assert_success();
    let plain: Summary = pinned(&plain.json());
    assert_eq!((plain.by, plain.breakdown.len()), (None, 0));
    let args = [
        "--url",
        &url,
        "summary",
        "--by",
        "remote",
        "--finished",
        "-o",
        "json",
    ];
    let finished: Summary = pinned(&sessions(&args, &[], None).json());
    assert_eq!(finished.breakdown_of.as_deref(), Some("finished"));
    assert!(finished.breakdown.iter().all(|b| b.rx_bit_s.is_none()));
}

#[test]
fn twincat_hmi_clients_subscriptions_and_summary() {
    let hmi = ws::Server::plain(Behaviour::default());
    let url = hmi.url("ws");
    let admin = |args: &[&str]| {
        let all = [&["--url", &url, "--user", ADMIN][..], args].concat();
        sessions(&all, &[("SESSIONS_PASSWORD", PASSWORD)], None)
    };
    let clients: Vec<HmiClient> = each(&admin(&["clients", "-o", "json"]));
    assert!(
        clients.iter().any(|c| !c.commands.is_empty()),
        "{clients:?}"
    );
    let args = ["subscriptions", "--lengths", "--durations", "-o", "json"];
    let subscriptions: Vec<Subscription> = each(&admin(&args));
    assert!(
        subscriptions
            .iter()
            .any(|s| s.json_length_bytes.is_some() && s.average_duration_s.is_some()),
        "{subscriptions:?}"
    );
    let summary = admin(&["summary", "-o", "json"]);
    summary.assert_success();
    let summary: HmiSummary = pinned(&summary.json());
    assert_eq!(summary.collector, "tchmi");
}

/// A config file naming a Core and a TwinCAT HMI Server, with one context of every key.
fn home_with(core: &str, hmi: &str) -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join(".config/sessions");
    std::fs::create_dir_all(&dir).unwrap();
    let config = format!(
        "current-context = \"studio\"\n\n[contexts.studio]\nurl = \"{core}\"\n\n\
         [contexts.line3]\nurl = \"{hmi}\"\nuser = \"{ADMIN}\"\npassword_env = \"HMI_PW\"\n\n\
         [contexts.line4]\nurl = \"{hmi}\"\nuser = \"{ADMIN}\"\npassword_env = \"HMI_PW\"\n\n\
         [contexts.every]\nurl = \"http://core.example:8080\"\nsource = \"datarhei\"\n\
         user = \"admin\"\npassword_command = \"pass show core\"\npassword_env = \"CORE_PW\"\n\
         password = \"pw\"\ntoken_env = \"CORE_TOKEN\"\ntoken = \"tok\"\nca_cert = \"/etc/ca.pem\"\n\
         insecure = false\ntimeout = \"3s\"\nport_map = [\"rtmp=1935\"]\n"
    );
    std::fs::write(dir.join("config.toml"), config).unwrap();
    home
}

fn in_home(home: &Path, args: &[&str]) -> Run {
    let home = home.to_str().unwrap();
    sessions(args, &[("HOME", home), ("HMI_PW", PASSWORD)], None)
}

/// Removes `target`, which must come first in the object's text, and gives it with the rest.
fn untargeted(text: &str, row: &Value) -> (String, Value) {
    let mut row = row.clone();
    let target = row.as_object_mut().unwrap().remove("target");
    let target = target.unwrap_or_else(|| panic!("no target in {row}"));
    let target = target.as_str().unwrap().to_string();
    let first = format!("{{\"target\":{}", serde_json::to_string(&target).unwrap());
    assert!(text.contains(&first), "`target` first: {text}");
    (target, row)
}

#[test]
fn several_targets_put_target_first_and_leave_the_rest_as_it_is() {
    let studio = core();
    let hmi = ws::Server::plain(Behaviour::default());
    let home = home_with(&studio.url(), &hmi.url("ws"));
    let both = ["--context", "studio,line3"];
    let active = in_home(
        home.path(),
        &[&both[..], &["active", "-o", "json"]].concat(),
    );
    active.assert_success();
    let mut targets = Vec::new();
    for row in active.json().as_array().unwrap() {
        let (target, rest) = untargeted(&active.stdout, row);
        pinned::<Session>(&rest);
        targets.push(target);
    }
    targets.dedup();
    // Grouped by target, by name (as `kubectl get -A` groups by namespace).
    assert_eq!(targets, ["line3", "studio"]);

    let summary = in_home(
        home.path(),
        &[&both[..], &["summary", "-o", "json"]].concat(),
    );
    summary.assert_success();
    let summaries = summary.json();
    let summaries = summaries.as_array().unwrap();
    assert_eq!(summaries.len(), 2);
    let (target, core_summary) = untargeted(&summary.stdout, &summaries[0]);
    assert_eq!(target, "studio");
    pinned::<Summary>(&core_summary);
    let (target, hmi_summary) = untargeted(&summary.stdout, &summaries[1]);
    assert_eq!(target, "line3");
    pinned::<HmiSummary>(&hmi_summary);

    let lines = ["--context", "line3,line4"];
    for (command, check) in [
        (
            "clients",
            (|v: &Value| drop(pinned::<HmiClient>(v))) as fn(&Value),
        ),
        ("subscriptions", |v: &Value| drop(pinned::<Subscription>(v))),
    ] {
        let run = in_home(
            home.path(),
            &[&lines[..], &[command, "-o", "json"]].concat(),
        );
        run.assert_success();
        let rows = run.json();
        assert!(!rows.as_array().unwrap().is_empty(), "{command}");
        for row in rows.as_array().unwrap() {
            check(&untargeted(&run.stdout, row).1);
        }
    }
}

#[test]
fn watch_events_of_one_target_and_of_several() {
    let studio = core();
    let url = studio.url();
    let args = [
        "--url",
        &url,
        "watch",
        "--interval",
        "100ms",
        "--rounds",
        "1",
    ];
    let run = sessions(&args, &[], None);
    run.assert_success();
    let events: Vec<Event> = run
        .stdout
        .lines()
        .map(|l| pinned(&serde_json::from_str(l).unwrap()))
        .collect();
    assert_eq!(events.len(), 6, "{}", run.stdout);
    assert!(events.iter().all(|e| e.event == "added"), "{}", run.stdout);

    let hmi = ws::Server::plain(Behaviour::default());
    let home = home_with(&studio.url(), &hmi.url("ws"));
    let args = [
        "--context",
        "studio,line3",
        "watch",
        "--interval",
        "100ms",
        "--rounds",
        "1",
    ];
    let run = in_home(home.path(), &args);
    run.assert_success();
    let events: Vec<TargetEvent> = run
        .stdout
        .lines()
        .map(|l| pinned(&serde_json::from_str(l).unwrap()))
        .collect();
    let mut targets: Vec<&str> = events.iter().map(|e| e.target.as_str()).collect();
    targets.dedup();
    assert_eq!(targets.len(), 2, "{}", run.stdout);
}

#[test]
fn kick_outcomes_done_and_refused() {
    let player = Client::numbered(1);
    // A kick SRS refuses (code 400, as older SRS did for HLS viewers).
    let viewer = Client {
        kind: "hls-play".into(),
        ..Client::numbered(2)
    };
    let server = Srs::start(vec![player.clone(), viewer.clone()]);
    server.refuse_kick(&viewer.id, 400);
    let url = server.url();
    let args = [
        "--source", "srs", "--url", &url, "kick", &player.id, &viewer.id, "--yes", "-o", "json",
    ];
    let run = sessions(&args, &[], None);
    assert_eq!(run.code, 4, "{}", run.stderr);
    let rows: Vec<Kicked> = run.json().as_array().unwrap().iter().map(pinned).collect();
    let outcomes: Vec<(&str, bool, bool)> = rows
        .iter()
        .map(|k| (k.id.as_str(), k.kicked, k.error.is_some()))
        .collect();
    assert_eq!(
        outcomes,
        [
            (viewer.id.as_str(), false, true),
            (player.id.as_str(), true, false)
        ]
    );
}

#[test]
fn collect_lines() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("history.sqlite3");
    let rtmp = listener();
    let map = format!("rtmp={}", rtmp.local_addr().unwrap().port());
    let http = free_port();
    let listen = format!("127.0.0.1:{http}");
    let args = [
        "collect",
        "--interval",
        "100ms",
        "--port-map",
        &map,
        "--listen",
        &listen,
        "--db",
        db.to_str().unwrap(),
    ];
    let collect = Collector::start(home.path(), &args);
    collect.wait_for_http(http);
    let connection = pair(&rtmp, 300, 400);
    let server = connection.server_addr().to_string();
    // Seen by a poll (what `--listen` serves is the last poll's), then closed.
    let api = format!("http://127.0.0.1:{http}");
    wait_until("a poll to see the connection", || {
        let args = [
            "--url",
            &api,
            "active",
            "--collectors",
            "rtmp",
            "-o",
            "json",
        ];
        let polled = Sessions::new().home(home.path()).args(&args).json();
        let rows = polled.as_array().unwrap().clone();
        rows.iter()
            .any(|s| s["local"] == server.as_str())
            .then_some(())
    });
    drop(connection);
    let line = wait_until("the closed session printed", || {
        collect
            .printed()
            .into_iter()
            .find(|l| l["local"] == server.as_str())
    });
    let closed: Closed = pinned(&line);
    assert_eq!(
        (closed.collector.as_str(), closed.rx_bytes, closed.tx_bytes),
        ("rtmp", 300, 400)
    );

    // Locally a summary counts the finished traffic in exact bytes: the connection once, as
    // its server's end saw it.
    let args = [
        "summary",
        "--db",
        db.to_str().unwrap(),
        "--sample",
        "0s",
        "--port-map",
        &map,
        "--collectors",
        "rtmp",
        "-o",
        "json",
    ];
    let run = Sessions::new().home(home.path()).args(&args).run();
    run.assert_success();
    let local: Summary = pinned(&run.json());
    let finished = local.collectors[0].finished.as_ref().unwrap();
    assert_eq!(
        (finished.sessions, finished.rx_bytes, finished.tx_bytes),
        (1, Some(300), Some(400))
    );
}

#[test]
fn config_list_and_show() {
    let studio = core();
    let home = home_with(&studio.url(), "ws://127.0.0.1:9/");
    let list = in_home(home.path(), &["config", "list", "-o", "json"]);
    let rows: Vec<ContextRow> = each(&list);
    let names: Vec<(&str, bool)> = rows.iter().map(|r| (r.name.as_str(), r.current)).collect();
    assert_eq!(
        names,
        [
            ("every", false),
            ("line3", false),
            ("line4", false),
            ("studio", true)
        ]
    );
    let every = rows.iter().find(|r| r.name == "every").unwrap();
    assert_eq!(every.source.as_deref(), Some("datarhei"));

    let shown = in_home(home.path(), &["config", "show", "every", "-o", "json"]);
    shown.assert_success();
    let shown: ContextShown = pinned(&shown.json());
    assert_eq!(
        (
            shown.password.as_str(),
            shown.token.as_str(),
            shown.password_command.as_str()
        ),
        ("(hidden)", "(hidden)", "(hidden)")
    );
    // Only the keys a context has.
    let studio_shown = in_home(home.path(), &["config", "show", "studio", "-o", "json"]);
    studio_shown.assert_success();
    assert_eq!(
        studio_shown.json(),
        json!({"name": "studio", "url": studio.url()})
    );
}
