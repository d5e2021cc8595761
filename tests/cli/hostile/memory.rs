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
        "--finished",
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
        "--finished",
        "-o",
        "tsv",
        "--output-file",
        "/dev/null",
    ];
    let (run, peak_kib) = run_measured(&args);
    run.assert_success();
    assert!(peak_kib <= ceiling_kib(80 * MIB), "{peak_kib} KiB");
}

/// `n` values of `0` as a JSON list: 2 bytes of text each, 32 or more once a `Value`.
fn zeros(n: usize) -> String {
    format!("[{}]", vec!["0"; n].join(","))
}

/// The budget's refusal at a cap of `mib` MiB.
fn over_budget(url: &str, mib: u64) -> String {
    let host = url.trim_start_matches("http://").split('/').next().unwrap();
    format!(
        "sessions: {host} sent a reply too large to hold: reading it would take more than 2 × --max-body-size + 64 MiB of memory ({} MiB); raise --max-body-size if that is expected\n",
        2 * mib + 64
    )
}

/// One session whose `extra` is 29 MiB of `0` (a `Value` of 500 MiB), and one whose long id
/// makes the sessions after it wait to be parsed all at once (8 MiB of `{}`, 700 MB of
/// sessions): what a session builds is weighed as it is built, so both are refused within the
/// ceiling. A large `extra` that fits still reads, the same as before.
#[test]
fn one_large_core_session_is_weighed_as_it_is_built() {
    let huge_extra = format!(r#"{{"rtmp":[{{"id":"a","extra":{}}}]}}"#, zeros(15_000_000));
    let long_id = format!(
        r#"{{"rtmp":[{{"id":"{}"}},{}]}}"#,
        "i".repeat(8 << 20),
        vec!["{}"; 2_800_000].join(",")
    );
    for (what, body) in [("a huge extra", huge_extra), ("a long id", long_id)] {
        let core = core_answering(body);
        let url = core.url();
        let args = [
            "--url",
            &url,
            "--timeout",
            "60s",
            "--max-body-size",
            "32MiB",
            "active",
        ];
        let (run, peak_kib) = run_measured(&args);
        run.assert_failure(4, &over_budget(&url, 32));
        assert_eq!(run.stderr, over_budget(&url, 32), "{what}");
        assert!(peak_kib <= ceiling_kib(32 * MIB), "{what}: {peak_kib} KiB");
    }

    let keys: Vec<String> = (0..100_000)
        .map(|i| format!(r#""k{i}":[{i},"v"]"#))
        .collect();
    let extra = format!("{{{}}}", keys.join(","));
    let core = core_answering(format!(r#"{{"rtmp":[{{"id":"a","extra":{extra}}}]}}"#));
    let url = core.url();
    let dir = tempfile::tempdir().unwrap();
    let rows = dir.path().join("rows.json");
    let args = [
        "--url",
        &url,
        "--timeout",
        "60s",
        "--max-body-size",
        "32MiB",
        "active",
        "-o",
        "json",
        // Not stdout: nobody reads that pipe while the process runs.
        "--output-file",
        rows.to_str().unwrap(),
    ];
    let (run, peak_kib) = run_measured(&args);
    run.assert_success();
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&rows).unwrap()).unwrap();
    let want: serde_json::Value = serde_json::from_str(&extra).unwrap();
    assert_eq!(written[0]["extra"], want);
    assert!(peak_kib <= ceiling_kib(32 * MIB), "{peak_kib} KiB");
}

/// A key Core does not send inside `summary` (29 MiB of `0`) is skipped as it is read, not
/// held until the object ends; a grouping made of `"k":[]` entries (a row each, read from an
/// array) is weighed as one made of `"k":{}` is.
#[test]
fn a_summary_holds_no_unknown_key_and_weighs_arrays() {
    let unknown = format!(
        r#"{{"rtmp":{{"active":{{}},"summary":{{"sessions":4,"junk":{}}}}}}}"#,
        zeros(15_000_000)
    );
    let core = core_answering(unknown);
    let url = core.url();
    let args = [
        "--url",
        &url,
        "--timeout",
        "60s",
        "--max-body-size",
        "32MiB",
        "summary",
        "-o",
        "json",
    ];
    let (run, peak_kib) = run_measured(&args);
    run.assert_success();
    assert_eq!(run.json()["collectors"][0]["finished"]["sessions"], 4);
    assert!(peak_kib <= ceiling_kib(32 * MIB), "{peak_kib} KiB");

    let entries: Vec<String> = (0..600_000).map(|i| format!(r#""{i:x}":[]"#)).collect();
    let arrays = format!(
        r#"{{"rtmp":{{"active":{{}},"summary":{{"remote":{{{}}}}}}}}}"#,
        entries.join(",")
    );
    let core = core_answering(arrays);
    let url = core.url();
    let args = [
        "--url",
        &url,
        "--max-body-size",
        "8MiB",
        "summary",
        "--by",
        "remote",
        "--finished",
    ];
    let (run, peak_kib) = run_measured(&args);
    assert_eq!(run.stderr, over_budget(&url, 8));
    run.assert_failure(4, "(80 MiB)");
    assert!(peak_kib <= ceiling_kib(8 * MIB), "{peak_kib} KiB");
}

/// A ListActiveSessions reply whose clients are `n` entries of `"key":value`.
fn hmi_clients(n: usize, value: &str) -> String {
    let entries: Vec<String> = (0..n).map(|i| format!(r#""{i:x}":{value}"#)).collect();
    format!(
        r#"{{"id":2,"commands":[{{"symbol":"ListActiveSessions","readValue":{{"clients":{{{}}}}}}}]}}"#,
        entries.join(",")
    )
}

/// Clients that list no socket (`"k":[]`, `"k":null`) are no row: they are not kept, and a
/// frame of empty lists is weighed as lists before it is parsed.
#[test]
fn tchmi_clients_without_sockets_cost_nothing() {
    let hmi = hmi_answering(&hmi_clients(4_000_000, "[]"));
    let url = hmi.url_as("ws");
    let (run, peak_kib) = run_measured(&["--url", &url, "--timeout", "60s", "clients"]);
    run.assert_failure(
        4,
        "more than 2 × --max-body-size + 64 MiB of memory (576 MiB)",
    );
    assert!(peak_kib < 128 * 1024, "{peak_kib} KiB");

    let hmi = hmi_answering(&hmi_clients(2_000_000, "null"));
    let url = hmi.url_as("ws");
    let args = [
        "--url",
        &url,
        "--timeout",
        "60s",
        "--max-body-size",
        "32MiB",
        "clients",
        "-o",
        "json",
    ];
    let (run, peak_kib) = run_measured(&args);
    run.assert_success();
    assert_eq!(run.stdout, "[]\n");
    assert!(peak_kib <= ceiling_kib(32 * MIB), "{peak_kib} KiB");
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

/// A process table of ffmpeg processes (`pids`), each with this command line and no sockets.
fn fake_ffmpegs(pids: &[u32], args: &[String]) -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let line: String = args.iter().map(|a| format!("{a}\0")).collect();
    for pid in pids {
        let dir = root.path().join(pid.to_string());
        std::fs::create_dir_all(dir.join("fd")).unwrap();
        std::fs::write(dir.join("comm"), "ffmpeg\n").unwrap();
        std::fs::write(dir.join("cmdline"), &line).unwrap();
    }
    root
}

/// A process named ffmpeg whose command line names 196,000 network outputs (1.8 MB) yields 64
/// sessions, not 196,000 (500 MiB of rows for two such processes); `-v` says what was left out.
#[test]
fn an_ffmpeg_command_line_yields_a_bounded_number_of_sessions() {
    let mut args: Vec<String> = ["ffmpeg", "-re", "-i", "rtmp://a/in", "-f", "flv"]
        .map(String::from)
        .to_vec();
    args.extend((0..196_000).map(|i| format!("srt://a:{}", i % 10)));
    // Files are no session without --all: they neither count nor take a network one's place.
    args.extend((0..1000).map(|i| format!("f{i}.ts")));
    let root = fake_ffmpegs(&[4242, 4243], &args);
    let dir = tempfile::tempdir().unwrap();
    let rows = dir.path().join("rows.json");
    let args = [
        "-v",
        "active",
        "--proc-root",
        root.path().to_str().unwrap(),
        "--sample",
        "0s",
        "-o",
        "json",
        "--output-file",
        rows.to_str().unwrap(),
    ];
    let (run, peak_kib) = run_measured(&args);
    run.assert_success();
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&rows).unwrap()).unwrap();
    let ids: Vec<&str> = written
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["collector"] == "ffmpeg")
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    let want: Vec<String> = [4242, 4243]
        .iter()
        .flat_map(|pid| {
            std::iter::once(format!("{pid}:in0"))
                .chain((0..63).map(move |i| format!("{pid}:out{i}")))
        })
        .collect();
    assert_eq!(ids, want);
    for pid in [4242, 4243] {
        let said = format!(
            "sessions: ffmpeg {pid}: 195937 more inputs and outputs left out (at most 64 sessions a process)\n"
        );
        assert!(run.stderr.contains(&said), "{}", run.stderr);
    }
    assert!(peak_kib < 48 * 1024, "{peak_kib} KiB");
}

/// Runs `sessions` with stdin read from `stdin`, measuring the peak resident memory (VmHWM) as
/// `run_measured` does; returns the exit code, stderr and the peak in KiB.
fn run_with_stdin(args: &[&str], stdin: std::fs::File) -> (i32, String, u64) {
    let mut child = crate::support::Sessions::new()
        .args(args)
        .command()
        .stdin(stdin)
        .spawn()
        .unwrap();
    let status = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0;
    while child.try_wait().unwrap().is_none() {
        let hwm = std::fs::read_to_string(&status).ok().and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmHWM:"))?.to_owned();
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        });
        peak_kib = peak_kib.max(hwm.unwrap_or(0));
        std::thread::sleep(Duration::from_millis(1));
    }
    let out = child.wait_with_output().unwrap();
    assert!(peak_kib > 0, "VmHWM was never read");
    let stderr = String::from_utf8(out.stderr).unwrap();
    let code = out.status.code().unwrap_or(-1);
    eprintln!(
        "{:?} < stdin: exit {code}, peak RSS {peak_kib} KiB",
        &args[2..]
    );
    (code, stderr, peak_kib)
}

/// Secrets and certificates are read up to a sane size: a password line up to 64 KiB (stdin
/// or a password_command's output), a CA bundle up to 1 MiB. Past it, one line and exit 2,
/// within a few MiB: 1 GiB on stdin without a line end, a command printing without end,
/// `--ca-cert /dev/zero`.
#[test]
fn secrets_and_certificates_are_read_up_to_a_sane_size() {
    let dir = tempfile::tempdir().unwrap();
    let endless = dir.path().join("endless");
    let file = std::fs::File::create(&endless).unwrap();
    file.set_len(1 << 30).unwrap(); // sparse: a gigabyte of NUL bytes and no line end
    let args = [
        "--url",
        "http://127.0.0.1:9/",
        "--user",
        "admin",
        "--password-stdin",
        "active",
    ];
    let (code, stderr, peak_kib) = run_with_stdin(&args, std::fs::File::open(&endless).unwrap());
    assert_eq!(
        (code, stderr.as_str()),
        (
            2,
            "sessions: --password-stdin read more than 64 KiB without a line end: pipe in the password alone, on one line\n"
        )
    );
    assert!(peak_kib < 32 * 1024, "{peak_kib} KiB");

    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "[contexts.endless]\nurl = \"http://127.0.0.1:9/\"\nuser = \"admin\"\npassword_command = \"yes\"\n",
    )
    .unwrap();
    let args = [
        "--config",
        config.to_str().unwrap(),
        "--context",
        "endless",
        "active",
    ];
    let (run, peak_kib) = run_measured(&args);
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (
            2,
            "sessions: context 'endless': password_command printed more than 64 KiB: it should print the password alone, on its first line\n"
        )
    );
    assert!(peak_kib < 32 * 1024, "{peak_kib} KiB");
    assert_quick(&run, Duration::from_secs(5));

    let large = dir.path().join("large.pem");
    std::fs::write(&large, "-----BEGIN CERTIFICATE-----\n".repeat(80_000)).unwrap();
    for ca in ["/dev/zero", large.to_str().unwrap()] {
        let args = ["--url", "https://127.0.0.1:9/", "--ca-cert", ca, "active"];
        let (run, peak_kib) = run_measured(&args);
        assert_eq!(
            (run.code, run.stderr),
            (
                2,
                format!(
                    "sessions: --ca-cert {ca} is larger than 1 MiB: it should hold the PEM certificates of the CAs to trust\n"
                )
            )
        );
        assert!(peak_kib < 32 * 1024, "{ca}: {peak_kib} KiB");
    }
}
