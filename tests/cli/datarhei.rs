//! The built binary against a real loopback HTTP server that plays datarhei Core: captured replies,
//! login and token refresh, and every way a reply can go wrong.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::support::http::{Reply, Request, Server, free_port};
use crate::support::{Sessions, certs, fixture, sessions};
use serde_json::{Value, json};

const ALL: &str = "collectors=hls,hlsingress,http,https,rtmp,srt,ffmpeg";

fn serve_fixture(name: &'static str) -> Server {
    let body = fixture(name);
    Server::start(move |_| Reply::json(200, body.clone()))
}

fn run(server: &Server, args: &[&str]) -> crate::support::Run {
    let url = server.url();
    let mut full = vec!["--url", url.as_str()];
    full.extend_from_slice(args);
    sessions(&full, &[], None)
}

// ---- active ----

#[test]
fn active_json_carries_cores_values_with_honest_units() {
    let server = serve_fixture("datarhei/session-active-rtmp-hls.json");
    let out = run(&server, &["active", "-o", "json"]);
    out.assert_success();
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].method, "GET");
    assert_eq!(reqs[0].target, format!("/api/v3/session/active?{ALL}"));

    let list = out.json();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 6);
    let ids: Vec<&str> = list.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "SG4r6HJA2batQXQcdszVKY",
            "47iFWXdTnuhB9KbE74Fcjc",
            "/live/test",
            "127.0.0.1:54312",
            "127.0.0.1:53686",
            "/live/short"
        ]
    );
    let publish = &list[2];
    assert_eq!(publish["collector"], "rtmp");
    assert_eq!(publish["reference"], "test");
    assert_eq!(publish["local"], "publish:/live/test");
    assert_eq!(publish["remote"], "127.0.0.1:50250");
    assert_eq!(publish["created_at"], "2026-11-24T04:23:18Z");
    assert_eq!(publish["rx_bytes"], 7203023);
    assert_eq!(publish["tx_bytes"], 3622);
    assert_eq!(publish["rx_kibit_s"], 501.89);
    assert_eq!(publish["rx_bit_s"], 513935.36);
    assert_eq!(publish["tx_bit_s"], 0.0);
    assert_eq!(publish["extra"], "");
    assert!(publish["age_s"].as_u64().unwrap() > 0);
    let viewer = &list[0];
    assert_eq!(viewer["tx_bit_s"], 625214.464);
    assert_eq!(viewer["extra"], "[127.0.0.0] sessions-research-viewer/1.0");
}

/// The JSON contract: exactly these fields, no more (a change here must be deliberate).
#[test]
fn active_json_schema_is_pinned() {
    let server = serve_fixture("datarhei/session-active-rtmp-hls.json");
    let out = run(&server, &["active", "--json", "--limit", "1"]);
    let list = out.json();
    let mut keys: Vec<&str> = list[0]
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    keys.sort_unstable();
    let mut expected = [
        "collector",
        "id",
        "reference",
        "local",
        "remote",
        "role",
        "created_at",
        "age_s",
        "rx_bytes",
        "tx_bytes",
        "rx_bit_s",
        "tx_bit_s",
        "rx_kibit_s",
        "tx_kibit_s",
        "extra",
    ];
    expected.sort_unstable();
    assert_eq!(keys, expected);
}

#[test]
fn active_tsv_is_exact_and_escaped() {
    let body = json!({"rtmp": [{
        "id": "/live/a", "reference": "a", "created_at": 1795494198, "local": "publish:/live/a",
        "remote": "10.0.0.5:1234", "extra": "tab\there\nnewline\\", "bytes_rx": 10, "bytes_tx": 20,
        "bandwidth_rx_kbit": 1.5, "bandwidth_tx_kbit": 0
    }]});
    let server = Server::start(move |_| Reply::json(200, body.to_string()));
    let out = run(&server, &["active", "-o", "tsv", "--collectors", "rtmp"]);
    out.assert_success();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "collector\tid\treference\tlocal\tremote\trole\tcreated_at\tage_s\trx_bit_s\ttx_bit_s\trx_bytes\ttx_bytes\textra"
    );
    let fields: Vec<&str> = lines[1].split('\t').collect();
    assert_eq!(fields.len(), 13);
    assert_eq!(
        [&fields[..7], &fields[8..]].concat(),
        [
            "rtmp",
            "/live/a",
            "a",
            "publish:/live/a",
            "10.0.0.5:1234",
            "publisher",
            "2026-11-24T04:23:18Z",
            "1536",
            "0",
            "10",
            "20",
            "tab\\there\\nnewline\\\\"
        ]
    );
    let out = run(&server, &["active", "-o", "tsv", "--no-headers"]);
    assert_eq!(out.stdout.lines().count(), 1);
}

#[test]
fn collectors_are_sent_once_each_in_the_order_given() {
    let server = serve_fixture("datarhei/session-active-unknown-collector.json");
    let out = run(
        &server,
        &["active", "--collectors", "rtmp,hls,rtmp", "-o", "json"],
    );
    out.assert_success();
    assert_eq!(out.stdout, "[]\n");
    assert_eq!(
        server.requests()[0].target,
        "/api/v3/session/active?collectors=rtmp,hls"
    );
}

#[test]
fn unknown_collector_is_a_usage_error_before_any_request() {
    let server = serve_fixture("datarhei/session-active-rtmp-hls.json");
    let out = run(&server, &["active", "--collectors", "rtmp,bogus"]);
    out.assert_failure(2, "valid: hls, hlsingress, http, https, rtmp, srt, ffmpeg");
    assert!(server.requests().is_empty());
}

#[test]
fn empty_results_are_valid_output() {
    let server = serve_fixture("datarhei/session-active-with-jwt.json");
    for (format, expected) in [
        ("json", "[]\n"),
        ("ndjson", ""),
        (
            "tsv",
            "collector\tid\treference\tlocal\tremote\trole\tcreated_at\tage_s\trx_bit_s\ttx_bit_s\trx_bytes\ttx_bytes\textra\n",
        ),
    ] {
        let out = run(&server, &["active", "-o", format]);
        out.assert_success();
        assert_eq!(out.stdout, expected, "{format}");
    }
    let out = run(&server, &["active"]);
    out.assert_success();
    assert_eq!(
        out.stdout.trim_end(),
        "COLLECTOR  ID  REFERENCE  LOCAL  REMOTE  AGE  RX RATE  TX RATE  RX  TX"
    );
}

#[test]
fn filter_sort_limit_and_table() {
    let server = serve_fixture("datarhei/session-active-rtmp-hls.json");
    let out = run(
        &server,
        &[
            "active",
            "--filter",
            "remote=127.0.0.0/8",
            "--filter",
            "local!=publish:*",
            "--sort-by",
            "tx_bytes",
            "-o",
            "ndjson",
        ],
    );
    out.assert_success();
    let ids: Vec<String> = out
        .stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(ids, ["127.0.0.1:54312", "127.0.0.1:53686"]);

    let out = run(&server, &["active", "--sort-by", "rx_rate", "--limit", "1"]);
    out.assert_success();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 2);
    let cells: Vec<&str> = lines[1].split_whitespace().collect();
    assert_eq!(
        &cells[..5],
        [
            "rtmp",
            "/live/test",
            "test",
            "publish:/live/test",
            "127.0.0.1:50250"
        ]
    );
    assert!(lines[1].contains("513.9 kbit/s"), "{}", lines[1]);
    assert!(lines[1].contains("6.9 MiB"), "{}", lines[1]);

    let out = run(&server, &["active", "--filter", "nope=1"]);
    out.assert_failure(2, "unknown filter field 'nope'");
}

#[test]
fn extra_may_be_an_object_on_newer_cores() {
    let body = json!({"srt": [{"id": "x", "extra": {"name": "cam", "method": "publish"}, "created_at": null, "reference": null}]});
    let server = Server::start(move |_| Reply::json(200, body.to_string()));
    let out = run(&server, &["active", "-o", "json"]);
    out.assert_success();
    let s = &out.json()[0];
    assert_eq!(s["extra"], json!({"name": "cam", "method": "publish"}));
    assert_eq!(s["created_at"], Value::Null);
    assert_eq!(s["age_s"], Value::Null);
    assert_eq!(s["reference"], "");
}

#[test]
/// A server on loopback is asked for the body as it is (its gzip would cost more than it saves,
/// docs/performance.md), and a gzip body it sends all the same is still decoded.
fn loopback_is_asked_for_identity_and_gzip_is_still_decoded() {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(fixture("datarhei/session-active-rtmp-hls.json").as_bytes())
        .unwrap();
    let body = gz.finish().unwrap();
    let server = Server::start(move |_| {
        Reply::json(200, body.clone()).with_header("Content-Encoding", "gzip")
    });
    let out = run(&server, &["active", "-o", "json"]);
    out.assert_success();
    assert_eq!(out.json().as_array().unwrap().len(), 6);
    let reqs = server.requests();
    assert_eq!(reqs[0].header("accept-encoding"), Some("identity"));
}

#[test]
fn output_file_is_written_and_stdout_stays_empty() {
    let server = serve_fixture("datarhei/session-active-rtmp-hls.json");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("active.json");
    let out = run(
        &server,
        &[
            "active",
            "-o",
            "json",
            "--output-file",
            path.to_str().unwrap(),
        ],
    );
    out.assert_success();
    assert_eq!(out.stdout, "");
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(written.as_array().unwrap().len(), 6);
}

// ---- summary ----

/// Core 16.16 live: the collector's own window over its bytes (rtmp TX 1.701 Mbit), not the
/// sum of its sessions' rates (1557.325 kbit, 10 % less).
#[test]
fn summary_rates_are_the_collectors_own_not_the_sum_of_its_sessions() {
    let server = serve_fixture("datarhei/session-summary-collector-rates.json");
    let out = run(&server, &["summary", "-o", "json"]);
    out.assert_success();
    let got = out.json();
    let (rtmp, srt) = (Value::from("rtmp"), Value::from("srt"));
    let rates: Vec<(&Value, &Value, &Value)> = got["collectors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["collector"] == rtmp || c["collector"] == srt)
        .map(|c| (&c["collector"], &c["rx_bit_s"], &c["tx_bit_s"]))
        .collect();
    let bit_s = |mbit: f64| Value::from((mbit * 1_048_576.0 * 1000.0).round() / 1000.0);
    assert_eq!(
        rates,
        [
            (&rtmp, &bit_s(0.565), &bit_s(1.701)),
            (&srt, &bit_s(0.445), &bit_s(0.445))
        ]
    );
    assert_eq!(got["collectors"][5]["tx_bit_s"], 1_783_627.776);
}

#[test]
fn summary_reports_rates_limits_and_history() {
    let server = serve_fixture("datarhei/session-summary-rtmp-with-limits-jwt.json");
    let out = run(&server, &["summary", "--collectors", "rtmp", "--json"]);
    out.assert_success();
    assert_eq!(
        server.requests()[0].target,
        "/api/v3/session?collectors=rtmp"
    );
    assert_eq!(
        out.json(),
        json!({
            "collectors": [{
                "collector": "rtmp", "active_sessions": 1,
                // The one listed session's rates (367.892 and 3.935 kbit/s), not Core's
                // collector-wide 0.251 and 0.003 Mbit.
                "rx_bit_s": 263192.576, "tx_bit_s": 3145.728,
                "rx_mibit_s": 0.251, "tx_mibit_s": 0.003,
                "limit_sessions": 50, "limit_rx_mibit_s": null, "limit_tx_mibit_s": 100.0,
                "finished": {"sessions": 0, "rx_mib": 0, "tx_mib": 0, "rx_bytes": null, "tx_bytes": null}
            }],
            "by": null,
            "breakdown_of": null,
            "breakdown": []
        })
    );
}

/// `--by` breaks down what is open now (issue 21, item 9): Core's summary for the collectors,
/// its active sessions for the groups; `--finished` keeps to Core's own totals.
#[test]
fn summary_by_reference_is_a_view_per_stream_now() {
    let summary = fixture("datarhei/session-summary-collector-rates.json");
    let active = fixture("datarhei/session-active-rtmp-hls.json");
    let server = Server::start(move |req: &Request| match req.path() {
        "/api/v3/session/active" => Reply::json(200, active.clone()),
        _ => Reply::json(200, summary.clone()),
    });
    let listed = run(&server, &["active", "-o", "json"]).json();
    let mut expected = std::collections::BTreeMap::<(String, String), (u64, u64, u64)>::new();
    for s in listed.as_array().unwrap() {
        let key = (s["collector"].to_string(), s["reference"].to_string());
        let sums = expected.entry(key).or_default();
        sums.0 += 1;
        sums.1 += s["rx_bytes"].as_u64().unwrap();
        sums.2 += s["tx_bytes"].as_u64().unwrap();
    }
    let before = server.requests().len();
    let out = run(&server, &["summary", "--by", "reference", "-o", "json"]);
    out.assert_success();
    let v = out.json();
    assert_eq!(v["breakdown_of"], "active");
    let mut got = std::collections::BTreeMap::new();
    for row in v["breakdown"].as_array().unwrap() {
        let key = (row["collector"].to_string(), row["key"].to_string());
        let sums = (
            row["sessions"].as_u64().unwrap(),
            row["rx_bytes"].as_u64().unwrap(),
            row["tx_bytes"].as_u64().unwrap(),
        );
        got.insert(key, sums);
    }
    assert_eq!(got, expected);
    assert!(got.len() >= 2, "{got:?}");
    let paths: Vec<String> = server.requests()[before..]
        .iter()
        .map(|r| r.path().to_string())
        .collect();
    assert_eq!(paths, ["/api/v3/session", "/api/v3/session/active"]);

    let before = server.requests().len();
    let args = ["summary", "--by", "reference", "--finished", "-o", "json"];
    let out = run(&server, &args);
    out.assert_success();
    assert_eq!(out.json()["breakdown_of"], "finished");
    assert_eq!(server.requests().len(), before + 1, "Core's totals only");
}

/// A server that keeps no finished sessions says so for `--finished`, before asking anything.
#[test]
fn finished_is_refused_where_the_server_keeps_none() {
    let server = serve_fixture("datarhei/session-summary-collector-rates.json");
    let args = ["--source", "srs", "summary", "--by", "remote", "--finished"];
    let out = run(&server, &args);
    out.assert_failure(
        2,
        "an SRS keeps no finished sessions: leave out --finished, or have `sessions collect` record them and read `sessions history`",
    );
    assert!(server.requests().is_empty());
}

fn history_body() -> String {
    let stats =
        |s: u64, rx: u64, tx: u64| json!({"sessions": s, "traffic_rx_mb": rx, "traffic_tx_mb": tx});
    let active = json!({"list": [], "sessions": 0, "bandwidth_rx_mbit": 0, "bandwidth_tx_mbit": 0.596,
        "max_sessions": 0, "max_bandwidth_rx_mbit": 0, "max_bandwidth_tx_mbit": 0});
    json!({
        "hls": {"active": active, "summary": {
            "remote": {"viewer.example": {"sessions": 2, "traffic_rx_mb": 0, "traffic_tx_mb": 20,
                "local": {"/memfs/test.m3u8": stats(2, 0, 20)}},
                "other.example": stats(5, 0, 3), "third.example": stats(1, 0, 20)},
            "local": {"/memfs/test.m3u8": stats(8, 0, 43)},
            "reference": {"test": stats(8, 0, 43)},
            "sessions": 8, "traffic_rx_mb": 0, "traffic_tx_mb": 43}},
        "rtmp": {"active": active, "summary": {
            "remote": {"127.0.0.1:49898": stats(1, 0, 0)}, "local": {}, "reference": {"short": stats(1, 0, 0)},
            "sessions": 1, "traffic_rx_mb": 0, "traffic_tx_mb": 0}}
    })
    .to_string()
}

#[test]
fn summary_by_remote_ranks_traffic_and_cuts_at_top() {
    let body = history_body();
    let server = Server::start(move |_| Reply::json(200, body.clone()));
    let out = run(
        &server,
        &[
            "summary",
            "--by",
            "remote",
            "--finished",
            "--top",
            "2",
            "-o",
            "json",
        ],
    );
    out.assert_success();
    let v = out.json();
    assert_eq!(
        (&v["by"], &v["breakdown_of"]),
        (&json!("remote"), &json!("finished"))
    );
    assert_eq!(
        v["breakdown"],
        json!([
            {"collector": "hls", "key": "viewer.example", "sessions": 2, "rx_mib": 0, "tx_mib": 20, "rx_bytes": null, "tx_bytes": null, "rx_bit_s": null, "tx_bit_s": null},
            {"collector": "hls", "key": "third.example", "sessions": 1, "rx_mib": 0, "tx_mib": 20, "rx_bytes": null, "tx_bytes": null, "rx_bit_s": null, "tx_bit_s": null},
            {"collector": "rtmp", "key": "127.0.0.1:49898", "sessions": 1, "rx_mib": 0, "tx_mib": 0, "rx_bytes": null, "tx_bytes": null, "rx_bit_s": null, "tx_bit_s": null}
        ])
    );
    assert_eq!(v["collectors"][0]["finished"]["sessions"], 8);
    assert_eq!(v["collectors"][0]["finished"]["tx_mib"], 43);

    let args = ["summary", "--by", "reference", "--finished", "-o", "tsv"];
    let out = run(&server, &args);
    out.assert_success();
    assert_eq!(
        out.stdout,
        "collector\tkey\tsessions\trx_mib\ttx_mib\trx_bytes\ttx_bytes\trx_bit_s\ttx_bit_s\n\
         hls\ttest\t8\t0\t43\t\t\t\t\nrtmp\tshort\t1\t0\t0\t\t\t\t\n"
    );

    let out = run(&server, &["summary"]);
    out.assert_success();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(
        lines[0].starts_with("COLLECTOR  ACTIVE  RX RATE"),
        "{}",
        lines[0]
    );
    let hls: Vec<&str> = lines[1]
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(
        hls,
        [
            "hls",
            "0",
            "0 bit/s",
            "625.0 kbit/s",
            // No collector has a limit: the MAX columns are left out (`-o wide` shows them).
            "8",
            "<1 MiB",
            "43 MiB"
        ]
    );
}

#[test]
fn top_needs_by() {
    let server = serve_fixture("datarhei/session-summary-idle-all-collectors.json");
    run(&server, &["summary", "--top", "3"])
        .assert_failure(2, "required arguments were not provided: --by <KEY>");
}

// ---- login and tokens ----

/// A Core with auth on: `admin`/`secretpass`; access tokens in `valid` are accepted.
struct AuthCore {
    server: Server,
}

const PASSWORD: &str = "secretpass";

impl AuthCore {
    /// `first_access_expired`: the first access token handed out is refused, as after 600 s.
    fn start(first_access_expired: bool, refresh_works: bool) -> AuthCore {
        let logins = AtomicUsize::new(0);
        let server = Server::start(
            move |req: &Request| match (req.method.as_str(), req.path()) {
                ("POST", "/api/login") => {
                    let creds: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
                    let json_type = req.header("content-type") == Some("application/json");
                    if !json_type || creds["username"].is_null() {
                        return Reply::json(
                            400,
                            fixture("datarhei/error-400-login-missing-credentials.json"),
                        );
                    }
                    if creds != json!({"username": "admin", "password": PASSWORD}) {
                        return Reply::json(
                            401,
                            fixture("datarhei/error-401-login-bad-password.json"),
                        );
                    }
                    let n = logins.fetch_add(1, Ordering::SeqCst);
                    let access = if n == 0 && first_access_expired {
                        "expired"
                    } else {
                        "good-access"
                    };
                    Reply::json(
                        200,
                        json!({"access_token": access, "refresh_token": "good-refresh"})
                            .to_string(),
                    )
                }
                ("GET", "/api/login/refresh")
                    if refresh_works && req.bearer() == Some("good-refresh") =>
                {
                    Reply::json(200, json!({"access_token": "good-access"}).to_string())
                }
                ("GET", "/api/login/refresh") => Reply::json(
                    401,
                    fixture("datarhei/error-401-refresh-with-access-token.json"),
                ),
                ("GET", "/api/v3/session/active") if req.bearer() == Some("good-access") => {
                    Reply::json(200, fixture("datarhei/session-active-with-jwt.json"))
                }
                ("GET", _) => Reply::json(401, fixture("datarhei/error-401-missing-token.json")),
                _ => Reply::json(404, fixture("datarhei/error-404-unknown-route.json")),
            },
        );
        AuthCore { server }
    }

    fn trail(&self) -> Vec<String> {
        self.server
            .requests()
            .iter()
            .map(|r| format!("{} {} {}", r.method, r.path(), r.bearer().unwrap_or("-")))
            .collect()
    }
}

#[test]
fn login_with_password_from_env_then_bearer() {
    let core = AuthCore::start(false, true);
    let url = core.server.url();
    let out = sessions(
        &["--url", &url, "--user", "admin", "active", "-o", "json"],
        &[("SESSIONS_PASSWORD", PASSWORD)],
        None,
    );
    out.assert_success();
    assert_eq!(out.stdout, "[]\n");
    assert_eq!(
        core.trail(),
        [
            "POST /api/login -",
            "GET /api/v3/session/active good-access"
        ]
    );
    let login = &core.server.requests()[0];
    assert_eq!(login.header("content-type"), Some("application/json"));
}

#[test]
fn password_from_stdin_works_and_never_shows() {
    let core = AuthCore::start(false, true);
    let url = core.server.url();
    let out = sessions(
        &[
            "--url",
            &url,
            "-v",
            "--user",
            "admin",
            "--password-stdin",
            "active",
        ],
        &[],
        Some(&format!("{PASSWORD}\n")),
    );
    out.assert_success();
    assert!(!out.stderr.contains(PASSWORD) && !out.stdout.contains(PASSWORD));
    assert!(!out.stderr.contains("good-access") && !out.stderr.contains("good-refresh"));
    assert!(
        out.stderr.contains("POST http://127.0.0.1"),
        "-v traces requests: {}",
        out.stderr
    );
}

#[test]
fn expired_access_token_is_refreshed_once() {
    let core = AuthCore::start(true, true);
    let url = core.server.url();
    let out = sessions(
        &["--url", &url, "--user", "admin", "active"],
        &[("SESSIONS_PASSWORD", PASSWORD)],
        None,
    );
    out.assert_success();
    assert_eq!(
        core.trail(),
        [
            "POST /api/login -",
            "GET /api/v3/session/active expired",
            "GET /api/login/refresh good-refresh",
            "GET /api/v3/session/active good-access"
        ]
    );
}

#[test]
fn failed_refresh_falls_back_to_a_new_login() {
    let core = AuthCore::start(true, false);
    let url = core.server.url();
    let out = sessions(
        &["--url", &url, "--user", "admin", "active"],
        &[("SESSIONS_PASSWORD", PASSWORD)],
        None,
    );
    out.assert_success();
    assert_eq!(
        core.trail(),
        [
            "POST /api/login -",
            "GET /api/v3/session/active expired",
            "GET /api/login/refresh good-refresh",
            "POST /api/login -",
            "GET /api/v3/session/active good-access"
        ]
    );
}

#[test]
fn wrong_password_is_exit_5_with_cores_words() {
    let core = AuthCore::start(false, true);
    let url = core.server.url();
    let out = sessions(
        &["--url", &url, "--user", "admin", "active"],
        &[("SESSIONS_PASSWORD", "hunter2")],
        None,
    );
    out.assert_failure(
        5,
        "Invalid authorization credentials: invalid username or password",
    );
    assert!(!out.stderr.contains("hunter2"));
    assert_eq!(core.trail(), ["POST /api/login -"]);
}

#[test]
fn no_credentials_against_auth_core_says_how_to_log_in() {
    let core = AuthCore::start(false, true);
    let out = sessions(&["--url", &core.server.url(), "active"], &[], None);
    out.assert_failure(
        5,
        "requires a login (HTTP 401 Unauthorized: Missing or invalid JWT token)",
    );
}

#[test]
fn rejected_token_is_exit_5_and_never_printed() {
    let core = AuthCore::start(false, true);
    let url = core.server.url();
    let out = sessions(
        &["--url", &url, "active"],
        &[("SESSIONS_TOKEN", "stale-token-xyz")],
        None,
    );
    out.assert_failure(5, "refused the access token");
    assert_eq!(core.trail(), ["GET /api/v3/session/active stale-token-xyz"]);
    let out = sessions(
        &["--url", &url, "-v", "active"],
        &[("SESSIONS_TOKEN", "stale-token-xyz")],
        None,
    );
    assert_eq!(out.code, 5);
    assert!(!out.stderr.contains("stale-token-xyz"), "{}", out.stderr);

    let out = sessions(
        &["--url", &url, "--token", "good-access", "active", "--json"],
        &[],
        None,
    );
    out.assert_success();
}

/// A JWT as Core signs it, with these claims (the signature is not checked by `sessions`).
fn jwt(claims: &Value) -> String {
    use base64::Engine;
    let b64 = |text: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text);
    format!(
        "{}.{}.{}",
        b64(r#"{"alg":"HS256","typ":"JWT"}"#),
        b64(&claims.to_string()),
        b64("signature")
    )
}

fn unix_now() -> i64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    i64::try_from(now.unwrap().as_secs()).unwrap()
}

/// A Core handing out JWTs: each login gives the next pair of `logins`, the refresh gives
/// `refreshed`; it accepts only the tokens in `valid` on the session route.
fn jwt_core(logins: Vec<(String, String)>, refreshed: String, valid: Vec<String>) -> Server {
    let count = AtomicUsize::new(0);
    Server::start(
        move |req: &Request| match (req.method.as_str(), req.path()) {
            ("POST", "/api/login") => {
                let (access, refresh) = &logins[count.fetch_add(1, Ordering::SeqCst)];
                Reply::json(
                    200,
                    json!({"access_token": access, "refresh_token": refresh}).to_string(),
                )
            }
            ("GET", "/api/login/refresh") if req.bearer() == Some(logins[0].1.as_str()) => {
                Reply::json(200, json!({"access_token": refreshed}).to_string())
            }
            ("GET", "/api/v3/session/active")
                if valid.iter().any(|v| req.bearer() == Some(v.as_str())) =>
            {
                Reply::json(200, fixture("datarhei/session-active-with-jwt.json"))
            }
            _ => Reply::json(401, fixture("datarhei/error-401-expired-token.json")),
        },
    )
}

/// Who asked for what, with runs of the same line folded into one: the method, the path and
/// the `jti` claim of the bearer token, if any.
fn jwt_trail(server: &Server) -> Vec<String> {
    use base64::Engine;
    let jti = |token: &str| {
        let claims = token.split('.').nth(1).unwrap();
        let claims = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(claims)
            .unwrap();
        let claims: Value = serde_json::from_slice(&claims).unwrap();
        claims["jti"].as_str().unwrap().to_owned()
    };
    let mut trail: Vec<String> = server
        .requests()
        .iter()
        .map(|r| {
            let who = r.bearer().map_or_else(|| "-".to_owned(), jti);
            format!("{} {} {who}", r.method, r.path())
        })
        .collect();
    trail.dedup();
    trail
}

/// A watch of five rounds a second apart, logged in as admin.
fn watch_five_rounds(core: &Server) -> crate::support::Run {
    let url = core.url();
    let args = [
        "--url",
        &url,
        "--user",
        "admin",
        "watch",
        "--interval",
        "1s",
    ];
    let mut args = args.to_vec();
    args.extend_from_slice(&["--rounds", "5"]);
    sessions(&args, &[("SESSIONS_PASSWORD", PASSWORD)], None)
}

#[test]
fn an_access_token_about_to_expire_is_renewed_before_it_is_sent() {
    let now = unix_now();
    // Core's lifetimes are 600 s and 86,400 s; this access token is to be renewed after 2 s,
    // 30 s before it expires, in the third round or so.
    let ageing = jwt(&json!({"jti": "A1", "iat": now - 568, "exp": now + 32}));
    let refresh = jwt(&json!({"jti": "R1", "iat": now - 568, "exp": now + 85_832}));
    let fresh = jwt(&json!({"jti": "A2", "iat": now, "exp": now + 600}));
    let valid = vec![ageing.clone(), fresh.clone()];
    let core = jwt_core(vec![(ageing, refresh)], fresh, valid);
    watch_five_rounds(&core).assert_success();
    assert_eq!(
        jwt_trail(&core),
        [
            "POST /api/login -",
            "GET /api/v3/session/active A1",
            "GET /api/login/refresh R1",
            "GET /api/v3/session/active A2"
        ]
    );
}

#[test]
fn with_both_tokens_about_to_expire_sessions_logs_in_again_first() {
    let now = unix_now();
    let ageing = jwt(&json!({"jti": "A1", "iat": now - 568, "exp": now + 32}));
    let refresh = jwt(&json!({"jti": "R1", "iat": now - 86_368, "exp": now + 32}));
    let fresh = jwt(&json!({"jti": "A2", "iat": now, "exp": now + 600}));
    let refresh2 = jwt(&json!({"jti": "R2", "iat": now, "exp": now + 86_400}));
    let valid = vec![ageing.clone(), fresh.clone()];
    let logins = vec![(ageing, refresh), (fresh, refresh2)];
    let core = jwt_core(logins, "never-handed-out".into(), valid);
    watch_five_rounds(&core).assert_success();
    assert_eq!(
        jwt_trail(&core),
        [
            "POST /api/login -",
            "GET /api/v3/session/active A1",
            "POST /api/login -",
            "GET /api/v3/session/active A2"
        ]
    );
}

#[test]
fn a_refused_token_that_has_expired_says_when() {
    let expired = jwt(&json!({"jti": "A0", "iat": 1_795_494_306, "exp": 1_795_494_906}));
    let core = jwt_core(vec![], "-".into(), vec![]);
    let url = core.url();
    let out = sessions(
        &["--url", &url, "active"],
        &[("SESSIONS_TOKEN", &expired)],
        None,
    );
    out.assert_failure(
        5,
        "refused the access token (HTTP 401 Unauthorized: Missing or invalid JWT token): it expired at 2026-11-24T04:35:06Z; log in with --user NAME",
    );
    // A token the user gave is sent as it is, expired or not: only Core can tell.
    assert_eq!(jwt_trail(&core), ["GET /api/v3/session/active A0"]);
}

#[test]
fn forbidden_is_treated_like_unauthorized() {
    let server = Server::start(|_| {
        Reply::json(
            403,
            r#"{"code":403,"message":"Forbidden","details":["access denied"]}"#,
        )
    });
    run(&server, &["active"]).assert_failure(5, "HTTP 403 Forbidden: access denied");
}

#[test]
fn credentials_against_a_core_without_auth_still_work() {
    let server = Server::start(|req| match req.path() {
        "/api/login" => Reply::json(
            404,
            fixture("datarhei/error-404-login-when-auth-disabled.json"),
        ),
        _ => {
            assert_eq!(req.bearer(), None);
            Reply::json(200, fixture("datarhei/session-active-rtmp-hls.json"))
        }
    });
    let url = server.url();
    let out = sessions(
        &["--url", &url, "--user", "admin", "active", "--json"],
        &[("SESSIONS_PASSWORD", "x")],
        None,
    );
    out.assert_success();
    assert_eq!(out.json().as_array().unwrap().len(), 6);
}

#[test]
fn user_without_password_is_a_usage_error() {
    let server = serve_fixture("datarhei/session-active-rtmp-hls.json");
    run(&server, &["--user", "admin", "active"]).assert_failure(2, "SESSIONS_PASSWORD");
    assert!(server.requests().is_empty());
}

// ---- unreachable servers (exit 3) ----

#[test]
fn connection_refused_is_exit_3() {
    let url = format!("http://127.0.0.1:{}", free_port());
    sessions(&["--url", &url, "active"], &[], None).assert_failure(3, "connection refused");
}

#[test]
fn a_server_that_never_answers_times_out_within_bound() {
    let server = Server::start(|_| Reply::Hang);
    let out = run(&server, &["--timeout", "700ms", "active"]);
    out.assert_failure(3, "did not answer within 700ms");
    assert!(out.elapsed.as_millis() < 3000, "took {:?}", out.elapsed);
}

#[test]
fn a_body_dripping_one_byte_at_a_time_times_out_within_bound() {
    let body = fixture("datarhei/session-active-rtmp-hls.json");
    let reply = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let server = Server::start(move |_| {
        Reply::Drip(
            reply.clone().into_bytes(),
            std::time::Duration::from_millis(20),
        )
    });
    let out = run(&server, &["--timeout", "1s", "active"]);
    out.assert_failure(3, "did not answer within 1s");
    assert!(out.elapsed.as_millis() < 3000, "took {:?}", out.elapsed);
}

#[test]
fn tls_is_verified_with_a_hint_and_ca_cert_or_insecure_fix_it() {
    let pki = certs::pki(&["127.0.0.1"]);
    let server = Server::builder()
        .tls(pki.server_config.clone())
        .start(|_| Reply::json(200, fixture("datarhei/session-active-rtmp-hls.json")));
    run(&server, &["active"]).assert_failure(3, "pass --ca-cert FILE");

    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &pki.ca_pem).unwrap();
    let out = run(
        &server,
        &["--ca-cert", ca.to_str().unwrap(), "active", "--json"],
    );
    out.assert_success();
    assert_eq!(out.json().as_array().unwrap().len(), 6);
    assert_eq!(out.stderr, "");

    let out = run(&server, &["--insecure", "active", "--json"]);
    out.assert_success();
    assert_eq!(
        out.stderr,
        "sessions: warning: --insecure: the server's TLS certificate is not verified\n"
    );
}

#[test]
fn certificate_for_another_name_is_refused() {
    let pki = certs::pki(&["core.example"]);
    let server = Server::builder()
        .tls(pki.server_config.clone())
        .start(|_| Reply::json(200, "{}"));
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &pki.ca_pem).unwrap();
    run(&server, &["--ca-cert", ca.to_str().unwrap(), "active"])
        .assert_failure(3, "is for another name");
}

#[test]
fn unreadable_ca_file_is_a_usage_error() {
    let server = Server::start(|_| Reply::json(200, "{}"));
    let url = server.url().replace("http://", "https://");
    sessions(
        &["--url", &url, "--ca-cert", "/nonexistent/ca.pem", "active"],
        &[],
        None,
    )
    .assert_failure(2, "cannot read --ca-cert");
}

// ---- replies we cannot use (exit 4) ----

#[test]
fn core_error_body_is_shown_in_one_line() {
    let server = Server::start(|_| {
        Reply::json(
            500,
            r#"{"code":500,"message":"Internal Server Error","details":["registry\nunavailable"]}"#,
        )
    });
    run(&server, &["active"]).assert_failure(
        4,
        "answered HTTP 500 Internal Server Error: registry unavailable",
    );
}

#[test]
fn unknown_route_404_is_exit_4() {
    let server =
        Server::start(|_| Reply::json(404, fixture("datarhei/error-404-unknown-route.json")));
    run(&server, &["summary"]).assert_failure(4, "HTTP 404 Not Found: Not Found");
}

#[test]
fn html_and_non_json_bodies_are_refused() {
    let html = Server::start(|_| Reply::Full {
        status: 200,
        headers: vec![("Content-Type".into(), "text/html".into())],
        body: b"<html>login page</html>".to_vec(),
    });
    run(&html, &["active"]).assert_failure(4, "answered with text/html, not JSON");
    let text = Server::start(|_| Reply::Full {
        status: 200,
        headers: vec![],
        body: b"pong".to_vec(),
    });
    run(&text, &["active"]).assert_failure(4, "not valid JSON");
    let bad_gateway = Server::start(|_| Reply::Full {
        status: 502,
        headers: vec![],
        body: b"<h1>Bad Gateway</h1>".to_vec(),
    });
    run(&bad_gateway, &["active"]).assert_failure(4, "answered HTTP 502 Bad Gateway");
}

#[test]
fn truncated_replies_are_refused() {
    let cut_json = Server::start(|_| Reply::json(200, r#"{"rtmp":[{"id":"a","bytes_rx":1"#));
    run(&cut_json, &["active"]).assert_failure(4, "truncated reply");

    let body = fixture("datarhei/session-active-rtmp-hls.json");
    let short = Reply::broken_off("application/json", body.as_bytes(), 100);
    let cut_body = Server::start(move |_| short.clone());
    run(&cut_body, &["active"]).assert_failure(4, "broke off the reply");

    let closed = Server::start(|_| Reply::Raw(Vec::new()));
    run(&closed, &["active"]).assert_failure(4, "closed the connection before answering");
}

#[test]
fn wrong_shapes_and_types_are_refused() {
    for body in [
        r#"[]"#,
        r#"{"rtmp":{"x":1}}"#,
        r#"{"rtmp":[{"bytes_rx":"many"}]}"#,
        r#"{"rtmp":[1,2]}"#,
        "{} trailing",
    ] {
        let server = Server::start(move |_| Reply::json(200, body));
        let out = run(&server, &["active"]);
        assert_eq!(out.code, 4, "{body}: {}", out.stderr);
        assert_eq!(out.stdout, "");
    }
    let server = Server::start(|_| Reply::json(200, r#"{"rtmp":"yes"}"#));
    run(&server, &["summary"]).assert_failure(4, "unexpected shape");
}

#[test]
fn bodies_over_the_size_cap_are_refused() {
    let server = serve_fixture("datarhei/session-active-rtmp-hls.json");
    run(&server, &["--max-body-size", "1KiB", "active"])
        .assert_failure(4, "larger than --max-body-size (1024 bytes)");

    let body = fixture("datarhei/session-active-rtmp-hls.json");
    let chunked = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{}\r\n0\r\n\r\n",
        body.len(),
        body
    );
    let server = Server::start(move |_| Reply::Raw(chunked.clone().into_bytes()));
    run(&server, &["--max-body-size", "1KiB", "active"])
        .assert_failure(4, "larger than --max-body-size");
    run(&server, &["active", "--json"]).assert_success();
}

#[test]
fn redirect_loops_end_and_credentials_do_not_follow_to_another_host() {
    let looping = Server::start(|req| Reply::redirect(302, &req.target));
    run(&looping, &["active"]).assert_failure(4, "redirected too often");

    let other =
        Server::start(|_| Reply::json(200, fixture("datarhei/session-active-with-jwt.json")));
    let target = format!("{}/api/v3/session/active?collectors=rtmp", other.url());
    let redirecting = Server::start(move |_| Reply::redirect(307, &target));
    let out = run(
        &redirecting,
        &["--token", "secret-token", "active", "--json"],
    );
    out.assert_success();
    assert_eq!(redirecting.requests()[0].bearer(), Some("secret-token"));
    assert_eq!(other.requests()[0].header("authorization"), None);
}

#[test]
fn a_closed_stdout_pipe_is_not_an_error() {
    let many: Vec<Value> = (0..20_000)
        .map(|i| json!({"id": format!("s{i}"), "reference": "r", "created_at": 1, "local": "l", "remote": "r", "extra": "", "bytes_rx": i, "bytes_tx": 0, "bandwidth_rx_kbit": 0, "bandwidth_tx_kbit": 0}))
        .collect();
    let body = json!({"rtmp": many}).to_string();
    let server = Server::start(move |_| Reply::json(200, body.clone()));
    let url = server.url();
    let mut child = Sessions::new()
        .args(&["--url", &url, "active", "-o", "tsv"])
        .command()
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn subcommand_and_source_errors() {
    sessions(&["--url", "ftp://x", "active"], &[], None)
        .assert_failure(2, "scheme 'ftp' is not supported");
    sessions(&["active", "--bogus"], &[], None).assert_failure(2, "--bogus");
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let server = serve_fixture("datarhei/session-active-rtmp-hls.json");
    let url = server.url();
    let plain = sessions(&["--url", &url, "active"], &[], None);
    assert!(!plain.stdout.contains('\u{1b}'));
    let forced = sessions(&["--url", &url, "--color", "always", "active"], &[], None);
    assert!(
        forced.stdout.starts_with("\u{1b}[1mCOLLECTOR"),
        "{:?}",
        forced.stdout
    );
    let no_color = sessions(
        &["--url", &url, "active"],
        &[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")],
        None,
    );
    assert!(!no_color.stdout.contains('\u{1b}'));
    let tsv = sessions(
        &["--url", &url, "--color", "always", "active", "-o", "tsv"],
        &[],
        None,
    );
    assert!(!tsv.stdout.contains('\u{1b}'));
}

#[test]
fn invalid_utf8_is_refused() {
    let mut body = br#"{"rtmp":[{"id":"a"#.to_vec();
    body.extend_from_slice(&[0xff, 0xfe]);
    body.extend_from_slice(br#""}]}"#);
    let server = Server::start(move |_| Reply::json(200, body.clone()));
    run(&server, &["active"]).assert_failure(4, "not valid JSON (session 0 of \"rtmp\"");
}

#[test]
fn no_subcommand_prints_a_short_usage_on_stderr() {
    let out = sessions(&[], &[], None);
    assert_eq!(out.code, 2);
    assert_eq!(out.stdout, "");
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert!(lines.len() <= 15, "{}", out.stderr);
    assert!(
        lines.iter().all(|l| l.chars().count() <= 80),
        "{}",
        out.stderr
    );
    assert_eq!(
        lines[..4],
        [
            "Usage: sessions [OPTIONS] <COMMAND>",
            "",
            "Commands:",
            "  active         One row per active session"
        ]
    );
    assert_eq!(
        lines[lines.len() - 1],
        "`sessions active`: the current context, else this machine; --help: every option"
    );
    // A command group alone still shows that group's help.
    let out = sessions(&["config"], &[], None);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("Usage: sessions config [OPTIONS] <COMMAND>"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("Global options:"), "{}", out.stderr);
}

#[test]
fn a_login_that_times_out_says_core_delays_a_wrong_password() {
    // Core answers a refused login only after about 5 s.
    let server = Server::start(|req: &Request| {
        let refused = Reply::json(401, fixture("datarhei/error-401-login-bad-password.json"));
        match req.path() {
            "/api/login" => refused.after(std::time::Duration::from_millis(1500)),
            _ => refused,
        }
    });
    let url = server.url();
    sessions(
        &[
            "--url",
            &url,
            "--user",
            "admin",
            "--timeout",
            "300ms",
            "active",
        ],
        &[("SESSIONS_PASSWORD", "not-the-password")],
        None,
    )
    .assert_failure(3, "delays its answer to a wrong password by about 5 s");
}
