//! Hostile servers, written here and bound to 127.0.0.1, one test per class of attack (issue 10):
//! replies that would take unbounded time or memory once read, secrets a server echoes or
//! redirects away, values and text that would break the output, and answers that are not ours.
//! Each test asserts the exit code, the one line on stderr, an empty stdout, the wall time and,
//! where memory is the point, the peak resident memory of the `sessions` process.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::support::http::{Reply, Request, Server};
use crate::support::ws::{self, Raw, frame_header};
use crate::support::{Run, Usage, sessions, start};

const MIB: u64 = 1024 * 1024;

/// The ceiling `sessions` promises for a `--max-body-size`, in KiB: 2 × the cap + 64 MiB.
fn ceiling_kib(max_body: u64) -> u64 {
    (2 * max_body + 64 * MIB) / 1024
}

/// Runs to the end, measuring the peak resident memory (VmHWM) and the CPU time of the process.
fn run_measured(args: &[&str]) -> (Run, u64) {
    let (run, usage) = run_used(args);
    (run, usage.peak_kib)
}

fn run_used(args: &[&str]) -> (Run, Usage) {
    let (run, usage) = start(args, &[], None).finish_with_usage();
    assert!(usage.peak_kib > 0, "VmHWM was never read");
    // Shown with --nocapture: the figures docs/robustness-notes.md quotes.
    eprintln!(
        "{:?}: exit {}, peak RSS {} KiB, CPU {:?}, wall {:?}",
        &args[2..],
        run.code,
        usage.peak_kib,
        usage.cpu,
        run.elapsed
    );
    (run, usage)
}

fn assert_quick(run: &Run, limit: Duration) {
    assert!(
        run.elapsed < limit,
        "took {:?} (limit {limit:?})",
        run.elapsed
    );
}

/// A TwinCAT HMI stand-in that answers every connection at once with `reply` as one text frame
/// (a client without credentials sends only ListActiveSessions, request 2).
fn hmi_answering(reply: &str) -> String {
    let mut frame = frame_header(true, 1, reply.len() as u64);
    frame.extend_from_slice(reply.as_bytes());
    ws::raw(Raw::Frames(frame))
}

/// A ListActiveSessions reply (request 2) with this `readValue`.
fn listing(read_value: serde_json::Value) -> String {
    json!({"id": 2, "commands": [{"symbol": "ListActiveSessions", "readValue": read_value}]})
        .to_string()
}

/// A datarhei Core stand-in whose `/api/v3/session/active` answers with `body`.
fn core_answering(body: String) -> Server {
    Server::start(move |_| Reply::json(200, body.clone()))
}

// ---- 1. bounded time ----

/// One client with many registered commands, as one long list.
fn one_client(commands: usize) -> String {
    let list: Vec<_> = (0..commands)
        .map(|i| json!({"id": i, "symbol": "ADS.PLC1.MAIN.x"}))
        .collect();
    listing(json!({"clients": {"10.0.0.1": [
        {"sessionId": "s", "userName": "u", "commands": list}]}}))
}

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
    assert!(
        large < small * 2 * k + Duration::from_millis(500),
        "{command:?}: {k}× the reply took {large:?} of CPU against {small:?}"
    );
}

/// One client with a million registered commands (a 30 MB frame): `clients` in every format but
/// the tables (issue 10 gives those to their own branch) renders it in time linear in its size.
#[test]
fn one_client_with_a_million_commands_renders_in_linear_time() {
    let small = hmi_answering(&one_client(100_000));
    let large = hmi_answering(&one_client(1_000_000));
    for format in ["tsv", "json", "ndjson"] {
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

/// A 6 MB and a 30 MB string in one cell: every machine format writes it in linear time.
#[test]
fn a_long_string_renders_in_linear_time_in_every_machine_format() {
    let small = core_answering(one_long_id(6_000_000));
    let large = core_answering(one_long_id(30_000_000));
    for format in ["json", "ndjson", "tsv", "prometheus"] {
        let command = ["active", "--per-session", "-o", format];
        assert_linear(&small.url(), &large.url(), 5, &command);
    }
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

// ---- 2. bounded memory ----

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
    let url = hmi_answering(&one_client(1_000_000));
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
    let url = hmi_answering(&reply);
    let args = ["--url", &url, "--max-body-size", "8MiB", "clients"];
    let (run, peak_kib) = run_measured(&args);
    run.assert_failure(
        4,
        "more than 2 × --max-body-size + 64 MiB of memory (80 MiB)",
    );
    assert!(peak_kib <= ceiling_kib(8 * MIB), "{peak_kib} KiB");
}

/// A WebSocket server that floods pings as fast as it can and never reads: the pongs it never
/// collects must not pile up in our memory.
fn ping_flood() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let Ok((mut stream, _)) = listener.accept() else {
            return;
        };
        let mut request = Vec::new();
        let mut byte = [0u8; 1];
        while !request.ends_with(b"\r\n\r\n") {
            if stream.read(&mut byte).unwrap_or(0) == 0 {
                return;
            }
            request.push(byte[0]);
        }
        let text = String::from_utf8_lossy(&request).to_string();
        let key = text
            .lines()
            .find_map(|l| l.strip_prefix("Sec-WebSocket-Key: "))
            .unwrap_or_default();
        let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(key.as_bytes());
        let answer = format!(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
        );
        let mut ping = frame_header(true, 9, 125);
        ping.extend_from_slice(&[b'p'; 125]);
        let burst = ping.repeat(512);
        let started = Instant::now();
        if stream.write_all(answer.as_bytes()).is_err() {
            return;
        }
        while started.elapsed() < Duration::from_secs(10) && stream.write_all(&burst).is_ok() {}
    });
    format!("ws://127.0.0.1:{port}/")
}

#[test]
fn a_server_flooding_pings_without_reading_keeps_memory_small() {
    let url = ping_flood();
    let (run, peak_kib) = run_measured(&["--url", &url, "--timeout", "2s", "clients"]);
    // Either the timeout or the full write buffer ends it; memory stays small either way.
    assert!(matches!(run.code, 3 | 4), "{run:?}");
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(peak_kib < 48 * 1024, "{peak_kib} KiB");
    assert_quick(&run, Duration::from_millis(3500));
}

// ---- 3. secrets stay where they belong ----

/// Distinctive, with characters JSON and URLs escape, so every echoed form can be looked for.
const PASSWORD: &str = "pw\"Zq-91/s3cr\\et";

/// Every form of `secret` that must not reach stderr: as it is, JSON-escaped, percent-encoded.
fn leaks(secret: &str, text: &str) -> bool {
    let json = serde_json::to_string(secret).unwrap();
    let json = &json[1..json.len() - 1];
    let percent: String = secret
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    [secret, json, &percent]
        .iter()
        .any(|form| text.contains(form))
}

#[test]
fn the_login_never_follows_a_redirect_to_another_origin() {
    for status in [307, 308] {
        let elsewhere = Server::start(|_| {
            Reply::json(
                200,
                r#"{"access_token":"stolen-1","refresh_token":"stolen-2"}"#,
            )
        });
        let to = format!("{}/api/login", elsewhere.url());
        let core = Server::start(move |req: &Request| match req.path() {
            "/api/login" => Reply::Full {
                status,
                headers: vec![("Location".into(), to.clone())],
                body: vec![],
            },
            _ => Reply::json(200, "{}"),
        });
        let url = core.url();
        let args = ["--url", &url, "--user", "admin", "-v", "active"];
        let run = sessions(&args, &[("SESSIONS_PASSWORD", PASSWORD)], None);
        assert_eq!(run.code, 4, "{}", run.stderr);
        assert_eq!(run.stdout, "");
        let last = run.stderr.lines().last().unwrap();
        let expected = format!(
            "sessions: 127.0.0.1:{} redirected the login to another server (127.0.0.1:{}); the password is sent only where --url points",
            core.port, elsewhere.port
        );
        assert!(last.starts_with(&expected), "{last}");
        assert!(
            elsewhere.requests().is_empty(),
            "the other origin got the login"
        );
        assert!(!leaks(PASSWORD, &run.stderr), "{}", run.stderr);
        assert_quick(&run, Duration::from_secs(5));
    }
}

#[test]
fn secrets_a_server_echoes_are_masked_on_every_path_to_stderr() {
    // A 400 quoting the login's body (JSON-escaped), and the password itself in `details`.
    let core = Server::start(|req: &Request| match req.path() {
        "/api/login" => {
            let body = String::from_utf8_lossy(&req.body).to_string();
            let said = json!({"code": 400, "message": format!("bad login {body}"),
                "details": [format!("password {PASSWORD} is wrong"), format!("user=admin&password={}", "pw%22Zq-91%2Fs3cr%5Cet")]});
            Reply::json(400, said.to_string())
        }
        _ => Reply::json(200, "{}"),
    });
    let url = core.url();
    for verbose in [false, true] {
        let mut args = vec!["--url", &url, "--user", "admin", "active"];
        if verbose {
            args.insert(0, "-v");
        }
        let run = sessions(&args, &[("SESSIONS_PASSWORD", PASSWORD)], None);
        assert_eq!((run.code, run.stdout.as_str()), (5, ""), "{}", run.stderr);
        assert!(!leaks(PASSWORD, &run.stderr), "{}", run.stderr);
        let last = run.stderr.lines().last().unwrap();
        assert!(last.contains("password *** is wrong"), "{last}");
        assert!(last.contains(r#""password":"***""#), "{last}");
        assert!(last.contains("password=***"), "{last}");
    }

    // A 401 quoting the bearer token it refuses.
    let token = "tok-Zq81-2f9c0d7e";
    let core = Server::start(move |req: &Request| {
        let said = format!("token {} expired", req.bearer().unwrap_or(""));
        Reply::json(401, json!({"message": said}).to_string())
    });
    let url = core.url();
    let run = sessions(
        &["-v", "--url", &url, "--token", token, "active"],
        &[],
        None,
    );
    assert_eq!((run.code, run.stdout.as_str()), (5, ""), "{}", run.stderr);
    assert!(!run.stderr.contains(token), "{}", run.stderr);
    assert!(run.stderr.contains("token *** expired"), "{}", run.stderr);

    // TcHmi: a login error and a close reason that quote the password.
    let reason = format!("password '{PASSWORD}' is wrong");
    let failed = json!({"id": 1, "error": {"code": 4097, "domain": "TcHmiSrv",
        "message": "AUTH_FAILED", "reason": reason}});
    let url = hmi_answering(&failed.to_string());
    let args = ["-v", "--url", &url, "--user", "admin", "clients"];
    let run = sessions(&args, &[("SESSIONS_PASSWORD", PASSWORD)], None);
    assert_eq!((run.code, run.stdout.as_str()), (5, ""), "{}", run.stderr);
    let last = run.stderr.lines().last().unwrap();
    assert!(
        last.contains("failed: code 4097 AUTH_FAILED (TcHmiSrv): password '***' is wrong"),
        "{last}"
    );
    assert!(!leaks(PASSWORD, &run.stderr), "{}", run.stderr);

    let mut close = 1008u16.to_be_bytes().to_vec();
    close.extend_from_slice(format!("bye {PASSWORD}").as_bytes());
    let mut frames = frame_header(true, 8, close.len() as u64);
    frames.extend_from_slice(&close);
    let url = ws::raw(Raw::Frames(frames));
    let args = ["--url", &url, "--user", "admin", "clients"];
    let run = sessions(&args, &[("SESSIONS_PASSWORD", PASSWORD)], None);
    run.assert_failure(4, "closed the WebSocket before answering (bye *** (1008))");
    assert!(!leaks(PASSWORD, &run.stderr), "{}", run.stderr);
}

#[test]
fn config_set_creates_the_file_it_is_given() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("new.toml");
    let path = config.to_str().unwrap();
    let args = [
        "--config",
        path,
        "config",
        "set",
        "a",
        "--url",
        "http://127.0.0.1:9",
    ];
    let run = sessions(&args, &[], None);
    run.assert_success();
    assert_eq!(run.stdout, "");
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.contains("[contexts.a]"), "{text}");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&config).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    // Reading still needs the file to exist.
    let missing = home.path().join("missing.toml");
    let args = ["--config", missing.to_str().unwrap(), "config", "list"];
    sessions(&args, &[], None).assert_failure(2, "cannot read config file");
}

// ---- 4. output that cannot be turned against the reader ----

#[test]
fn values_out_of_range_are_refused_not_shown_wrong() {
    let cases = [
        (
            r#"{"rtmp":[{"id":"s1","bandwidth_rx_kbit":1.7e308}]}"#,
            "datarhei Core sent a value out of range: session 's1' (rtmp): rx_bit_s inf is out of range (a rate is a finite number of bit/s, at least 0)",
        ),
        (
            r#"{"rtmp":[{"id":"s2","bandwidth_tx_kbit":-2}]}"#,
            "session 's2' (rtmp): tx_bit_s -2048.0 is out of range",
        ),
        (
            r#"{"rtmp":[{"id":"s3","created_at":-5}]}"#,
            "session 's3' (rtmp): created_at -5 is out of range (a time from 1970 to 9999, in Unix seconds)",
        ),
        (
            r#"{"rtmp":[{"id":"s4","created_at":300000000000}]}"#,
            "created_at 300000000000 is out of range",
        ),
    ];
    for (body, needle) in cases {
        let core = core_answering(body.into());
        for format in ["json", "tsv", "table"] {
            let run = sessions(&["--url", &core.url(), "active", "-o", format], &[], None);
            run.assert_failure(4, needle);
            assert_quick(&run, Duration::from_secs(5));
        }
    }
    let summary = r#"{"rtmp":{"active":{"max_bandwidth_rx_mbit":1e308},"summary":{}}}"#;
    let core = core_answering(summary.into());
    let run = sessions(&["--url", &core.url(), "summary", "--json"], &[], None);
    run.assert_failure(4, "collector rtmp: limit_rx_mibit_s 1e308 is out of range");
}

/// What no output may hold raw: C0 and C1 controls, DEL, bidi overrides and isolates, line and
/// paragraph separators. Line feeds end rows; TSV separates fields with tabs.
fn unsafe_chars(text: &str, allowed: &[char]) -> Vec<char> {
    text.chars()
        .filter(|c| !allowed.contains(c))
        .filter(|&c| {
            c.is_control()
                || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
        })
        .collect()
}

const NASTY_ID: &str = "s\u{1b}[2J\u{7}\u{7f}\u{85}\u{9b}31m";

#[test]
fn no_output_holds_a_raw_control_bidi_or_separator_character() {
    let session = json!({"id": NASTY_ID, "reference": "r\u{202e}evil\u{2066}", "local": "l\tx\ny",
        "remote": "1.2.3.4:5\u{2028}6\u{2029}", "extra": "ua\\\r\u{0}", "created_at": 1_700_000_000,
        "bytes_rx": 1, "bandwidth_rx_kbit": 1});
    let body = json!({"rtmp": [session.clone(), session]}).to_string();
    let core = core_answering(body);
    let url = core.url();
    for format in ["table", "wide", "tsv", "json", "ndjson", "prometheus"] {
        let args = ["--url", &url, "active", "--per-session", "-o", format];
        let run = sessions(&args, &[], None);
        run.assert_success();
        assert_eq!(run.stderr, "");
        let allowed: &[char] = if format == "tsv" {
            &['\n', '\t']
        } else {
            &['\n']
        };
        let raw = unsafe_chars(&run.stdout, allowed);
        assert!(raw.is_empty(), "-o {format} passes {raw:?}: {}", run.stdout);
        match format {
            "table" | "wide" | "tsv" => {
                assert_eq!(
                    run.stdout.lines().count(),
                    3,
                    "-o {format}: one line per row"
                )
            }
            "json" => {
                let back = run.json();
                assert_eq!(back[0]["id"], NASTY_ID, "JSON reads back the same text");
                assert_eq!(back[1]["remote"], "1.2.3.4:5\u{2028}6\u{2029}");
            }
            _ => {}
        }
        if format == "tsv" {
            let row = run.stdout.lines().nth(1).unwrap();
            let fields: Vec<&str> = row.split('\t').collect();
            assert_eq!(fields.len(), 12, "{row}");
            assert_eq!(fields[1], "s\\u001b[2J\\u0007\\u007f\\u0085\\u009b31m");
            assert_eq!(fields[3], "l\\tx\\ny");
            assert_eq!(fields[11], "ua\\\\\\r\\u0000");
        }
        if format == "prometheus" {
            let lines = run.stdout.lines().map(|l| Ok(l.to_string()));
            let scrape = prometheus_parse::Scrape::parse(lines).unwrap();
            assert_eq!(scrape.samples.len(), 2 * 5, "{}", run.stdout);
            // prometheus-parse keeps the format's escapes: `\\` is still two backslashes.
            let id = &scrape.samples[0].labels["id"];
            assert_eq!(id, "s\\\\u001b[2J\\\\u0007\\\\u007f\\\\u0085\\\\u009b31m");
        }
    }

    // An error line quoting the server's text: escaped, one line.
    let body = json!({"rtmp": [{"id": NASTY_ID, "bandwidth_rx_kbit": 1e308}]}).to_string();
    let core = core_answering(body);
    let run = sessions(&["--url", &core.url(), "active"], &[], None);
    run.assert_failure(
        4,
        "session 's\\u{1b}[2J\\u{7}\\u{7f}\\u{85}\\u{9b}31m' (rtmp)",
    );
    assert!(
        unsafe_chars(&run.stderr, &['\n']).is_empty(),
        "{}",
        run.stderr
    );
}

#[test]
fn output_file_replaces_only_regular_files() {
    let core = core_answering(r#"{"rtmp":[{"id":"s1"}]}"#.into());
    let url = core.url();
    let write = |path: &str| {
        sessions(
            &["--url", &url, "active", "--json", "--output-file", path],
            &[],
            None,
        )
    };
    let is_char_device = |p: &str| {
        use std::os::unix::fs::FileTypeExt;
        std::fs::metadata(p).unwrap().file_type().is_char_device()
    };

    // A device is written in place, never replaced by a file (run as root, this replaced it).
    let run = write("/dev/full");
    run.assert_failure(1, "cannot write output: /dev/full: No space left on device");
    assert!(is_char_device("/dev/full"));
    write("/dev/null").assert_success();
    assert!(is_char_device("/dev/null"));

    let dir = tempfile::tempdir().unwrap();
    let shown = dir.path().to_str().unwrap();
    write(shown).assert_failure(1, "is a directory; name a file in it");

    // A FIFO is written in place: its reader gets the output.
    let fifo = dir.path().join("fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if crate::support::available(made.is_ok_and(|s| s.success()), "mkfifo is missing") {
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
        };
        write(fifo.to_str().unwrap()).assert_success();
        assert!(reader.join().unwrap().contains(r#""id":"s1""#));
        use std::os::unix::fs::FileTypeExt;
        assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    }

    // A link is followed: its target is replaced, the link stays.
    let target = dir.path().join("real.json");
    std::fs::write(&target, "old").unwrap();
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    write(link.to_str().unwrap()).assert_success();
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .contains(r#""id":"s1""#)
    );
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );

    // …unless someone else planted it in a world-writable sticky folder (as /tmp).
    use std::os::unix::fs::PermissionsExt;
    let sticky = dir.path().join("sticky");
    std::fs::create_dir(&sticky).unwrap();
    std::fs::set_permissions(&sticky, std::fs::Permissions::from_mode(0o1777)).unwrap();
    let planted = sticky.join("out.json");
    std::os::unix::fs::symlink(&target, &planted).unwrap();
    let other_user = std::os::unix::fs::lchown(&planted, Some(4242), None).is_ok();
    if crate::support::available(other_user, "cannot give a link to another user (not root)") {
        write(planted.to_str().unwrap()).assert_failure(
            1,
            "is a symbolic link of another user in a world-writable sticky folder",
        );
    }
}

#[test]
fn a_server_token_that_cannot_go_in_a_header_is_a_bad_reply() {
    let core = Server::start(|req: &Request| match req.path() {
        "/api/login" => Reply::json(200, r#"{"access_token":"a\nb","refresh_token":"r"}"#),
        _ => Reply::json(200, "{}"),
    });
    let url = core.url();
    let run = sessions(
        &["--url", &url, "--user", "admin", "active"],
        &[("SESSIONS_PASSWORD", "pw-Zq-91")],
        None,
    );
    run.assert_failure(
        4,
        "sent a login reply whose token holds characters that cannot go in an HTTP header",
    );
    // The user's own token is the user's mistake: a usage error.
    sessions(&["--url", &url, "--token", "a\u{1}b", "active"], &[], None).assert_failure(
        2,
        "the token holds characters that cannot go in an HTTP header",
    );
}

#[test]
fn a_tchmi_frame_whose_id_is_not_ours_is_skipped() {
    let mut frames = Vec::new();
    let reply = listing(json!({"clients": {"10.0.0.1": [{"sessionId": "s", "userName": "u"}]}}));
    for text in [
        r#"{"id":-1,"x":1}"#,
        r#"{"id":"x"}"#,
        r#"{"id":2.5}"#,
        r#"{"id":[2]}"#,
        &reply,
    ] {
        frames.extend(frame_header(true, 1, text.len() as u64));
        frames.extend_from_slice(text.as_bytes());
    }
    let url = ws::raw(Raw::Frames(frames));
    let run = sessions(
        &["--url", &url, "clients", "-o", "tsv", "--no-headers"],
        &[],
        None,
    );
    run.assert_success();
    assert_eq!(run.stdout, "10.0.0.1\ts\tu\t\n");
}
