//! Bounded memory: whatever the reply's shape, the process stays under 2 × `--max-body-size` +
//! 64 MiB, or the reply is refused with one line naming that limit.

use std::time::Duration;

use super::{
    MIB, answering, assert_quick, bare_client, ceiling_kib, core_answering, hmi_answering,
    one_client, run_measured, stat_page,
};
use crate::support::http::{Reply, Server};
use crate::support::servers::mediamtx::{Conn, Kind, MediaMtx};
use crate::support::ws::{self, Raw};

/// `n` sessions that are nothing but `{}`: 3 bytes of reply each, 200 bytes of rows.
fn empty_sessions(n: usize) -> String {
    format!(r#"{{"rtmp":[{}]}}"#, vec!["{}"; n].join(","))
}

#[test]
fn two_million_empty_sessions_are_refused_within_the_memory_budget() {
    let core = core_answering(empty_sessions(2_000_000));
    let url = core.url();
    for format in ["json", "tsv", "table"] {
        let args = [
            "--url",
            &url,
            "--max-body-size",
            "8MiB",
            "active",
            "-o",
            format,
        ];
        let (run, peak_kib) = run_measured(&args);
        run.assert_failure(
            4,
            "sent a reply too large to hold: reading it would take more than 2 × --max-body-size + 64 MiB of memory (80 MiB); raise --max-body-size",
        );
        assert!(
            peak_kib <= ceiling_kib(8 * MIB),
            "-o {format}: {peak_kib} KiB"
        );
        assert_quick(&run, Duration::from_secs(10));
    }
    // Where it fits, it is read: 500,000 of them under a 64 MiB cap (a 192 MiB ceiling).
    let fits = core_answering(empty_sessions(500_000));
    let url = fits.url();
    for format in ["json", "tsv", "prometheus"] {
        let args = [
            "--url",
            &url,
            "--timeout",
            "60s",
            "--max-body-size",
            "64MiB",
            "active",
            "--per-session",
            "-o",
            format,
            "--output-file",
            "/dev/null",
        ];
        let (run, peak_kib) = run_measured(&args);
        run.assert_success();
        assert!(
            peak_kib <= ceiling_kib(64 * MIB),
            "-o {format}: {peak_kib} KiB"
        );
    }
}

/// Core's history of finished sessions with `n` remotes: `"k":{}` each, a map entry and a row
/// of some 300 bytes once read.
fn many_remotes(n: usize) -> String {
    let entries: Vec<String> = (0..n).map(|i| format!(r#""{i:x}":{{}}"#)).collect();
    format!(
        r#"{{"rtmp":{{"active":{{}},"summary":{{"remote":{{{}}}}}}}}}"#,
        entries.join(",")
    )
}

#[test]
fn a_history_of_many_remotes_is_refused_within_the_memory_budget() {
    let core = core_answering(many_remotes(600_000));
    let url = core.url();
    let args = [
        "--url",
        &url,
        "--max-body-size",
        "8MiB",
        "summary",
        "--by",
        "remote",
    ];
    let (run, peak_kib) = run_measured(&args);
    run.assert_failure(
        4,
        "more than 2 × --max-body-size + 64 MiB of memory (80 MiB)",
    );
    assert!(peak_kib <= ceiling_kib(8 * MIB), "{peak_kib} KiB");
    assert_quick(&run, Duration::from_secs(10));

    let args = [
        "--url",
        &url,
        "--timeout",
        "60s",
        "--max-body-size",
        "80MiB",
        "summary",
        "--by",
        "remote",
        "-o",
        "tsv",
        "--output-file",
        "/dev/null",
    ];
    let (run, peak_kib) = run_measured(&args);
    run.assert_success();
    assert!(peak_kib <= ceiling_kib(80 * MIB), "{peak_kib} KiB");
}

#[test]
fn a_tchmi_reply_too_large_to_hold_is_refused_before_it_is_parsed() {
    // A million registered commands: each would become a JSON map in its session's `extra`.
    let hmi = hmi_answering(&one_client(1_000_000));
    let url = hmi.url_as("ws");
    let (run, peak_kib) = run_measured(&["--url", &url, "active"]);
    run.assert_failure(
        4,
        "more than 2 × --max-body-size + 64 MiB of memory (576 MiB)",
    );
    assert!(peak_kib < 128 * 1024, "{peak_kib} KiB");
    assert_quick(&run, Duration::from_secs(10));

    // A 4 MiB client key with 300,000 sockets: each row would copy the key (1.2 TB).
    let sockets = vec!["{}"; 300_000].join(",");
    let key = "k".repeat(4 << 20);
    let reply =
        format!(r#"{{"id":2,"commands":[{{"readValue":{{"clients":{{"{key}":[{sockets}]}}}}}}]}}"#);
    let hmi = hmi_answering(&reply);
    let url = hmi.url_as("ws");
    let args = ["--url", &url, "--max-body-size", "8MiB", "clients"];
    let (run, peak_kib) = run_measured(&args);
    run.assert_failure(
        4,
        "more than 2 × --max-body-size + 64 MiB of memory (80 MiB)",
    );
    assert!(peak_kib <= ceiling_kib(8 * MIB), "{peak_kib} KiB");
}

/// `n` MediaMTX connections that are nothing but an id: 15 bytes of reply, 700 of rows each.
fn bare_connections(n: usize) -> String {
    let items: Vec<String> = (0..n).map(|i| format!(r#"{{"id":"{i:x}"}}"#)).collect();
    format!(r#"{{"pageCount":1,"items":[{}]}}"#, items.join(","))
}

/// A client as nginx-rtmp writes one (180 bytes).
fn real_client(i: usize) -> String {
    format!(
        "<client><id>{i}</id><address>203.0.113.{}</address><time>3910</time><flashver>LNX 9,0,124,2</flashver><dropped>0</dropped><avsync>-9</avsync><timestamp>20303</timestamp><active/></client>\n",
        i % 250 + 1
    )
}

/// Every streaming source parses its reply whole: what the rows would cost is weighed first.
#[test]
fn a_streaming_listing_too_large_to_hold_is_refused_within_the_memory_budget() {
    let mediamtx = answering(
        "/v3/rtmpconns/list",
        "application/json",
        bare_connections(500_000),
    );
    let nginx = answering("/stat", "text/xml", stat_page("cam1", 250_000, bare_client));
    // A 2 MiB stream name that each of 20 clients' rows would copy twice (80 MiB), in a page
    // of 2 MiB: only the copies are too large.
    let long_name = "n".repeat(2 * MIB as usize);
    let copied = answering("/stat", "text/xml", stat_page(&long_name, 20, bare_client));
    let cases = [
        ("mediamtx", mediamtx.url(), "7 MB of bare ids"),
        (
            "nginx-rtmp",
            format!("{}/stat", nginx.url()),
            "6.8 MB of bare clients",
        ),
        (
            "nginx-rtmp",
            format!("{}/stat", copied.url()),
            "a long name copied",
        ),
    ];
    for (source, url, what) in &cases {
        for format in ["json", "table"] {
            let args = [
                "--source",
                source,
                "--url",
                url,
                "--max-body-size",
                "8MiB",
                "active",
                "-o",
                format,
            ];
            let (run, peak_kib) = run_measured(&args);
            let host = url.trim_start_matches("http://").split('/').next().unwrap();
            run.assert_failure(
                4,
                &format!(
                    "sessions: {host} sent a reply too large to hold: reading it would take more than 2 × --max-body-size + 64 MiB of memory (80 MiB); raise --max-body-size if that is expected\n"
                ),
            );
            assert!(
                peak_kib <= ceiling_kib(8 * MIB),
                "{what}, -o {format}: {peak_kib} KiB"
            );
            assert_quick(&run, Duration::from_secs(10));
        }
    }
}

/// Large listings as the servers write them still read, within the ceiling: 20,000 MediaMTX
/// connections in 20 pages (6 MB) under a 16 MiB cap, a stat page of 20,000 nginx-rtmp
/// clients (3.6 MB) under 32 MiB.
#[test]
fn large_streaming_listings_as_servers_write_them_still_read() {
    let conns = (0..20_000).map(|n| Conn::numbered(Kind::Rtmp, n)).collect();
    let mediamtx = MediaMtx::start(conns);
    let nginx = answering("/stat", "text/xml", stat_page("cam1", 20_000, real_client));
    let cases = [
        ("mediamtx", mediamtx.url(), 16),
        ("nginx-rtmp", format!("{}/stat", nginx.url()), 32),
    ];
    let dir = tempfile::tempdir().unwrap();
    let rows = dir.path().join("rows.tsv");
    for (source, url, cap_mib) in cases {
        let cap = format!("{cap_mib}MiB");
        let args = [
            "--source",
            source,
            "--url",
            &url,
            "--timeout",
            "60s",
            "--max-body-size",
            &cap,
            "active",
            "-o",
            "tsv",
            "--no-headers",
            // Not stdout: nobody reads that pipe while the process runs.
            "--output-file",
            rows.to_str().unwrap(),
        ];
        let (run, peak_kib) = run_measured(&args);
        run.assert_success();
        let written = std::fs::read_to_string(&rows).unwrap();
        assert_eq!(written.lines().count(), 20_000, "{source}");
        assert!(
            peak_kib <= ceiling_kib(cap_mib * MIB),
            "{source}: {peak_kib} KiB"
        );
    }
}

/// A refusal is read no further than its first words: 20 million `{}` in a 500 (60 MB) took
/// 690 MB when the error page was parsed whole for them.
#[test]
fn an_error_page_is_read_no_further_than_its_first_words() {
    let body = format!("[{}]", vec!["{}"; 20_000_000].join(","));
    let server = Server::start(move |_| Reply::json(500, body.clone()));
    let url = server.url();
    let args = ["--source", "srs", "--url", &url, "active"];
    let (run, peak_kib) = run_measured(&args);
    let words = "{},".repeat(53);
    run.assert_failure(
        4,
        &format!(
            "sessions: {} answered HTTP 500 Internal Server Error: [{words}…; is --url SRS's HTTP API (http://HOST:1985)?\n",
            url.trim_start_matches("http://")
        ),
    );
    assert!(peak_kib < 48 * 1024, "{peak_kib} KiB");
    assert_quick(&run, Duration::from_secs(5));
}

/// A list of 100,000 Icecast mounts is asked for 16 mounts at a time, not 100,000 requests at
/// once; each of them hangs here, so `--timeout` ends it.
#[test]
fn icecast_mounts_are_asked_for_a_few_at_a_time() {
    let mounts: String = (0..100_000)
        .map(|i| format!(r#"<source mount="/m{i}"/>"#))
        .collect();
    let list = format!("<icestats>{mounts}</icestats>");
    let server = Server::start(move |req| match req.path() {
        "/admin/listmounts" => Reply::Full {
            status: 200,
            headers: vec![("Content-Type".into(), "text/xml".into())],
            body: list.clone().into_bytes(),
        },
        _ => Reply::Hang,
    });
    let url = server.url();
    let args = [
        "--source",
        "icecast",
        "--url",
        &url,
        "--timeout",
        "2s",
        "active",
    ];
    let (run, peak_kib) = run_measured(&args);
    run.assert_failure(3, "did not answer within 2s (--timeout)");
    let asked = server
        .requests()
        .iter()
        .filter(|r| r.path() == "/admin/listclients")
        .count();
    assert_eq!(asked, 16);
    assert!(peak_kib < 48 * 1024, "{peak_kib} KiB");
    assert_quick(&run, Duration::from_millis(3500));
}

#[test]
fn a_server_flooding_pings_without_reading_keeps_memory_small() {
    // The pongs it never collects must not pile up in our memory.
    let server = ws::raw(Raw::PingFlood);
    let url = server.url_as("ws");
    let (run, peak_kib) = run_measured(&["--url", &url, "--timeout", "2s", "clients"]);
    // Either the timeout or the full write buffer ends it; memory stays small either way.
    assert!(matches!(run.code, 3 | 4), "{run:?}");
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(peak_kib < 48 * 1024, "{peak_kib} KiB");
    assert_quick(&run, Duration::from_millis(3500));
}
