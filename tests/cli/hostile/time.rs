//! Bounded time: every machine format renders a reply in time linear in its size; one
//! `--timeout` bounds the whole exchange, login included; absurd durations are usage errors.

use std::time::Duration;

use super::{
    MIB, answering, assert_quick, ceiling_kib, core_answering, hmi_answering, one_client, run_used,
    stat_page,
};
use crate::support::http::{Reply, Request, Server};
use crate::support::sessions;

/// Runs `command` against the reply of `small` and of `large` (`k` times its size), writing to
/// /dev/null: both succeed, and the larger takes at most 2k times the CPU time of the smaller
/// (linear: k; quadratic: k²), plus half a second for start-up and noise.
fn assert_linear(small: &str, large: &str, k: u32, command: &[&str]) {
    let cpu = |url: &str| {
        let mut args = vec!["--url", url, "--timeout", "60s"];
        args.extend_from_slice(command);
        args.extend_from_slice(&["--output-file", "/dev/null"]);
        let (run, usage) = run_used(&args);
        run.assert_success();
        assert_eq!((run.stdout.as_str(), run.stderr.as_str()), ("", ""));
        assert!(usage.peak_kib < ceiling_kib(256 * MIB), "{usage:?}");
        usage.cpu
    };
    let (small, large) = (cpu(small), cpu(large));
    // Shown with --nocapture: the figures docs/robustness.md quotes.
    eprintln!("{command:?}: {small:?} of CPU, {k}× the reply {large:?}");
    assert!(
        large < small * 2 * k + Duration::from_millis(500),
        "{command:?}: {k}× the reply took {large:?} of CPU against {small:?}"
    );
}

/// One client with a million registered commands (a 30 MB frame): `clients` in every format
/// renders it in time linear in its size.
#[test]
fn one_client_with_a_million_commands_renders_in_linear_time() {
    let small = hmi_answering(&one_client(100_000));
    let large = hmi_answering(&one_client(1_000_000));
    for format in ["table", "wide", "tsv", "json", "ndjson"] {
        let (small, large) = (small.url_as("ws"), large.url_as("ws"));
        assert_linear(&small, &large, 10, &["clients", "-o", format]);
    }
}

/// A session whose `id` is one string of `len` bytes, with a few escapes to undo on the way.
fn one_long_id(len: usize) -> String {
    let mut id = "a\\\\b\\n".repeat(len / 7);
    id.push_str(&"c".repeat(len - id.len()));
    format!(
        r#"{{"rtmp":[{{"id":"{id}","reference":"r","created_at":1700000000,"bandwidth_rx_kbit":1}}]}}"#
    )
}

/// A 6 MB and a 30 MB string in one cell: every format writes it in linear time (tables cut it).
#[test]
fn a_long_string_renders_in_linear_time_in_every_format() {
    let small = core_answering(one_long_id(6_000_000));
    let large = core_answering(one_long_id(30_000_000));
    for format in ["table", "wide", "json", "ndjson", "tsv", "prometheus"] {
        let command = ["active", "--per-session", "-o", format];
        assert_linear(&small.url(), &large.url(), 5, &command);
    }
}

/// Four kicks, each answered after 0.7 s: the kicks of one server share one `--timeout`, so the
/// second is cut off at 1 s and the last two are never sent (each had its own before: 2.8 s).
#[test]
fn the_kicks_of_one_server_share_one_timeout() {
    let mediamtx = Server::start(|req: &Request| match req.path() {
        "/v3/rtmpconns/list" => Reply::json(
            200,
            r#"{"pageCount":1,"items":[{"id":"k1"},{"id":"k2"},{"id":"k3"},{"id":"k4"}]}"#,
        ),
        path if path.starts_with("/v3/rtmpconns/kick/") => {
            Reply::json(200, "{}").after(Duration::from_millis(700))
        }
        _ => Reply::json(404, "404 page not found"),
    });
    let url = mediamtx.url();
    let args = [
        "--source",
        "mediamtx",
        "--url",
        &url,
        "--timeout",
        "1s",
        "kick",
        "--collectors",
        "rtmp",
        "k1",
        "k2",
        "k3",
        "k4",
        "--yes",
        "-o",
        "json",
    ];
    let run = sessions(&args, &[], None);
    let late = format!(
        "{} did not answer within 1s (--timeout); is it overloaded, or is that the right port?",
        url.trim_start_matches("http://")
    );
    assert_eq!(run.code, 3, "{run:?}");
    let outcomes: Vec<(String, Option<String>)> = run
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["id"].as_str().unwrap().to_owned(),
                o["error"].as_str().map(str::to_owned),
            )
        })
        .collect();
    let want: Vec<(String, Option<String>)> = [
        ("k1", None),
        ("k2", Some(&late)),
        ("k3", Some(&late)),
        ("k4", Some(&late)),
    ]
    .into_iter()
    .map(|(id, e)| (id.to_owned(), e.cloned()))
    .collect();
    assert_eq!(outcomes, want);
    assert_eq!(run.stderr, format!("sessions: {late}\n").repeat(3));
    let kicks = mediamtx
        .requests()
        .iter()
        .filter(|r| r.path().contains("/kick/"))
        .count();
    assert_eq!(kicks, 2);
    assert_quick(&run, Duration::from_millis(1800));
}

/// XML that roxmltree would parse in quadratic time: 100 clients with 5,000 attributes each
/// (4.5 MB), each attribute checked against the others before it.
#[test]
fn xml_that_would_parse_in_quadratic_time_is_refused_at_once() {
    let attributes: String = (0..5_000).map(|i| format!(r#" a{i}="""#)).collect();
    let client = |i| format!("<client{attributes}><id>{i}</id></client>");
    let nginx = answering("/stat", "text/xml", stat_page("cam1", 100, client));
    let url = format!("{}/stat", nginx.url());
    let run = sessions(
        &["--source", "nginx-rtmp", "--url", &url, "active"],
        &[],
        None,
    );
    run.assert_failure(
        4,
        "sent a reply of an unexpected shape (an element with more than 64 attributes); is --url nginx-rtmp's stat page",
    );
    assert_quick(&run, Duration::from_secs(2));
}

/// A reply sent so slowly that it takes `total`: a byte at a time.
fn slowly(status: u16, body: &str, total: Duration) -> Reply {
    let head = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let bytes = format!("{head}{body}").into_bytes();
    let interval = total / bytes.len() as u32;
    Reply::Drip(bytes, interval)
}

/// Login, a refused token, a refresh, another refusal, a second login: each exchange answers
/// within `--timeout`, but all of them are bounded by one.
#[test]
fn a_slow_login_chain_ends_within_one_timeout() {
    let step = Duration::from_millis(700);
    let core = Server::start(
        move |req: &Request| match (req.method.as_str(), req.path()) {
            ("POST", "/api/login") => slowly(
                200,
                r#"{"access_token":"acc-Q1","refresh_token":"ref-Q1"}"#,
                step,
            ),
            ("GET", "/api/login/refresh") => slowly(200, r#"{"access_token":"acc-Q2"}"#, step),
            _ => slowly(401, r#"{"message":"expired"}"#, step),
        },
    );
    let url = core.url();
    let args = [
        "--url",
        &url,
        "--user",
        "admin",
        "--timeout",
        "1s",
        "active",
    ];
    let run = sessions(&args, &[("SESSIONS_PASSWORD", "pw-Zq-91")], None);
    run.assert_failure(3, "did not answer within 1s (--timeout)");
    eprintln!(
        "a slow login chain, --timeout 1s: ended after {:?}",
        run.elapsed
    );
    assert!(run.elapsed >= Duration::from_secs(1), "{:?}", run.elapsed);
    assert_quick(&run, Duration::from_millis(2500));
}

#[test]
fn a_zero_timeout_and_absurd_windows_are_usage_errors() {
    let url = "http://127.0.0.1:9";
    let cases: [(&[&str], &str); 5] = [
        (&["--timeout", "0s", "active"], "must be from 1ms to 1day"),
        (
            &["--timeout", "400days", "active"],
            "must be from 1ms to 1day",
        ),
        (
            &["active", "--sample", "100years"],
            "must be from 0s to 10m",
        ),
        (
            &["active", "--watch", "--interval", "0s"],
            "must be from 100ms to 1day",
        ),
        (
            &["collect", "--interval", "10ms"],
            "must be from 100ms to 1day",
        ),
    ];
    for (args, needle) in cases {
        let mut all = vec!["--url", url];
        all.extend_from_slice(args);
        let run = sessions(&all, &[], None);
        run.assert_failure(2, needle);
        assert_quick(&run, Duration::from_secs(2));
    }
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    std::fs::write(
        &config,
        "[contexts.a]\nurl = \"http://127.0.0.1:9\"\ntimeout = \"0s\"\n",
    )
    .unwrap();
    let config = config.to_str().unwrap();
    sessions(&["--config", config, "--context", "a", "active"], &[], None)
        .assert_failure(2, "context 'a': timeout '0s': must be from 1ms to 1day");
}
