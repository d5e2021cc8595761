//! The small cuts of issue 21 (item 10): `kick` on a local context, a declined kick, `summary
//! --by` before any history, FINISHED before history, sort names as the headers, DNS errors,
//! a live `summary --by` of a server without history.

use serde_json::json;

use crate::support::http::{Reply, Request, Server};
use crate::support::local::{listener, pair};
use crate::support::pty;
use crate::support::servers::srs::{Client, Srs};
use crate::support::{Sessions, sessions, wait_until};

/// A local context's `port_map` reaches `kick` as it reaches `active`: the session is found
/// (and then refused, since this machine cannot disconnect anyone), not "no session". The
/// refusal is one stderr line: no outcome per session on stdout.
#[test]
fn kick_on_a_local_context_lists_with_its_port_map() {
    let listener = listener();
    let port = listener.local_addr().unwrap().port();
    let conn = pair(&listener, 10, 10);
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join(".config/sessions");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        format!("current-context = \"here\"\n[contexts.here]\nsource = \"local\"\nport_map = [\"rtmp={port}\"]\n"),
    )
    .unwrap();
    let server_end = conn.server_addr().to_string();
    let id = wait_until("this machine's session of the test", || {
        let args = ["active", "--sample", "0s", "-o", "json"];
        let v = Sessions::new().home(home.path()).args(&args).json();
        v.as_array()
            .unwrap()
            .iter()
            .find(|s| s["local"] == server_end.as_str())
            .map(|s| s["id"].as_str().unwrap().to_string())
    });
    let run = Sessions::new()
        .home(home.path())
        .args(&["kick", &id, "--yes"])
        .run();
    // Found, then refused whole: one line on stderr, nothing on stdout.
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (
            2,
            "",
            "sessions: context 'here': this machine's local collector cannot disconnect a session: kick needs a server's API (--url, --context)\n"
        )
    );
}

/// Answering the prompt `n` is an answer, not a usage error: exit 0, nothing sent.
#[test]
fn declining_kicks_prompt_exits_0_and_sends_nothing() {
    let server = Srs::start(Client::captured());
    let url = server.url();
    let args = ["--source", "srs", "--url", &url, "kick", "064sd658"];
    let seen = pty::answered(&args, &[], "n\n");
    let text = String::from_utf8_lossy(&seen.bytes);
    assert_eq!(seen.code, 0, "{text}");
    assert!(text.contains("Disconnect 1 session(s)? [y/N] "), "{text}");
    assert!(
        text.ends_with("sessions: nothing was disconnected\r\n"),
        "{text}"
    );
    assert!(server.requests().iter().all(|r| r.method == "GET"));
    assert_eq!(server.clients().len(), 12);
}

/// Before `collect` has recorded anything, `summary --by` says why its breakdown is empty, and
/// FINISHED reads `0 B` as it will once there is history.
#[test]
fn summary_by_before_any_history_says_to_run_collect() {
    let home = tempfile::tempdir().unwrap();
    let args = ["summary", "--by", "remote", "--finished", "--sample", "0s"];
    let run = Sessions::new().home(home.path()).args(&args).run();
    run.assert_success();
    assert_eq!(
        run.stderr,
        "sessions: no finished sessions recorded yet: run `sessions collect` first\n"
    );
    let lines: Vec<&str> = run.stdout.lines().collect();
    let rtmp = lines.iter().find(|l| l.starts_with("rtmp ")).unwrap();
    assert!(
        rtmp.ends_with("         0          0 B          0 B"),
        "{rtmp}"
    );
    assert_eq!(lines.last(), Some(&"COLLECTOR  KEY  SESSIONS  RX  TX"));
}

/// A Core whose three rtmp sessions differ in bytes sent (tx) and their rate.
fn core() -> Server {
    let session = |id: &str, tx: u64, kbit: f64| {
        json!({"id": id, "reference": "ref", "created_at": 1795494198, "local": "play:/live/a",
            "remote": "10.0.0.5:1234", "extra": "", "bytes_rx": 1, "bytes_tx": tx,
            "bandwidth_rx_kbit": 0, "bandwidth_tx_kbit": kbit})
    };
    let body =
        json!({"rtmp": [session("a", 300, 1.0), session("b", 100, 3.0), session("c", 200, 2.0)]})
            .to_string();
    Server::start(move |req: &Request| match req.path() {
        "/api/v3/session/active" => Reply::json(200, body.clone()),
        _ => Reply::json(404, "{}"),
    })
}

/// `--sort-by` takes the field a header shows: `tx` is the TX column (bytes), `TX` too; the
/// JSON key of a rate sorts by that rate.
#[test]
fn sort_names_match_the_headers() {
    let server = core();
    let url = server.url();
    let ids = |key: &str| {
        let args = [
            "--url",
            &url,
            "active",
            "--sort-by",
            key,
            "-o",
            "tsv",
            "--no-headers",
        ];
        let run = sessions(&args, &[], None);
        run.assert_success();
        let ids: Vec<String> = run
            .stdout
            .lines()
            .map(|l| l.split('\t').nth(1).unwrap().to_string())
            .collect();
        ids.join(",")
    };
    assert_eq!(ids("tx"), "a,c,b");
    assert_eq!(ids("TX"), "a,c,b");
    assert_eq!(ids("tx_bytes"), "a,c,b");
    assert_eq!(ids("tx_rate"), "b,c,a");
    assert_eq!(ids("tx_bit_s"), "b,c,a");
}

/// A name DNS does not know is named without its port.
#[test]
fn a_dns_error_names_the_host_without_its_port() {
    let args = ["--url", "http://core.invalid:8080", "active"];
    let run = sessions(&args, &[], None);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "sessions: cannot resolve host 'core.invalid': check the name in --url\n"
    );
}

/// A server that keeps no history breaks down its live sessions (issue 21, item 9): a view per
/// stream now.
#[test]
fn summary_by_reference_breaks_down_the_live_sessions_of_a_server_without_history() {
    let server = Srs::start(Client::captured());
    let url = server.url();
    let by = |key: &str, format: &str| {
        let args = [
            "--source", "srs", "--url", &url, "summary", "--by", key, "-o", format,
        ];
        let run = sessions(&args, &[], None);
        run.assert_success();
        assert_eq!(run.stderr, "");
        run.stdout
    };
    assert_eq!(
        by("reference", "tsv"),
        "collector\tkey\tsessions\trx_mib\ttx_mib\trx_bytes\ttx_bytes\trx_bit_s\ttx_bit_s\n\
         http\tlive/cam1\t1\t0\t0\t100\t302842\t\t\n\
         rtmp\tlive/cam1\t11\t0\t2\t442751\t3075426\t\t\n"
    );
    // The same sums as the sessions `active` lists.
    let args = ["--source", "srs", "--url", &url, "active", "-o", "json"];
    let active = sessions(&args, &[], None).json();
    let rtmp: Vec<&serde_json::Value> = active
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["collector"] == "rtmp")
        .collect();
    let sum = |key: &str| rtmp.iter().map(|s| s[key].as_u64().unwrap()).sum::<u64>();
    assert_eq!(
        (rtmp.len(), sum("rx_bytes"), sum("tx_bytes")),
        (11, 442_751, 3_075_426)
    );
    let table = by("remote", "table");
    assert!(
        table.ends_with(
            "COLLECTOR  KEY        SESSIONS         RX         TX\n\
             http       127.0.0.1         1      100 B  295.7 KiB\n\
             rtmp       127.0.0.1        11  432.4 KiB    2.9 MiB\n"
        ),
        "{table}"
    );
}
