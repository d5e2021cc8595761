//! Servers that misbehave on purpose, on 127.0.0.1: headers one byte a second, a 1 GiB body, a
//! WebSocket that drips its handshake, sends a giant or endless message, invalid UTF-8 or half a
//! frame, an https redirect down to http; and the secrets that must never leak. Each run must end
//! within `--timeout` plus a margin, with its documented exit code, one line on stderr and bounded
//! memory. (The faults that the datarhei and tchmi modules cover are not repeated here.)

use std::time::Duration;

use crate::support::http::{Reply, Request, Server};
use crate::support::ws::{self, Raw, frame_header};
use crate::support::{Run, Sessions, certs, fixture, sessions, wait_until};
use serde_json::json;

/// Start-up, connect and the exit on top of `--timeout`: generous for a loaded 2-core machine, far
/// below anything that would look like a hang.
const MARGIN: Duration = Duration::from_millis(4000);
/// Peak resident memory allowed while a server sends 1 GiB: the caps must hold, with room for
/// the runtime, TLS and the debug build.
const PEAK_LIMIT_KIB: u64 = 100 * 1024;
const GIB: u64 = 1 << 30;

fn assert_within(run: &Run, timeout: Duration) {
    assert!(
        run.elapsed < timeout + MARGIN,
        "took {:?} with --timeout {timeout:?}",
        run.elapsed
    );
}

/// Runs to the end and returns the run and its peak memory, which must stay under the limit.
fn run_bounded(args: &[&str]) -> Run {
    let (run, peak_kib) = Sessions::new().args(args).start().finish_with_peak_kib();
    assert!(peak_kib > 0, "VmHWM was never read");
    // Shown with --nocapture: the figures docs/robustness.md quotes.
    eprintln!("{args:?}: peak RSS {peak_kib} KiB in {:?}", run.elapsed);
    assert!(
        peak_kib < PEAK_LIMIT_KIB,
        "peak RSS {peak_kib} KiB; stderr: {}",
        run.stderr
    );
    run
}

// ---- datarhei Core over HTTP ----

#[test]
fn headers_one_byte_a_second_time_out_within_bound() {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
    let server =
        Server::start(move |_| Reply::Drip(head.as_bytes().to_vec(), Duration::from_secs(1)));
    let timeout = Duration::from_secs(2);
    let run = sessions(
        &["--url", &server.url(), "--timeout", "2s", "active"],
        &[],
        None,
    );
    run.assert_failure(3, "did not answer within 2s (--timeout)");
    assert!(run.elapsed >= timeout, "{:?}", run.elapsed);
    assert_within(&run, timeout);
}

/// `start`, then `fill` up to 1 GiB, made as it is sent; with a Content-Length or without one
/// (the body then ends when the connection does).
fn gigabyte(announced: bool, start: &str, fill: u8) -> Server {
    let length = if announced {
        format!("Content-Length: {GIB}\r\n")
    } else {
        String::new()
    };
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{length}Connection: close\r\n\r\n"
    );
    let start = start.as_bytes().to_vec();
    Server::start(move |_| Reply::Huge {
        head: head.clone(),
        start: start.clone(),
        fill,
        len: GIB,
    })
}

#[test]
fn a_gigabyte_announced_is_refused_before_it_is_read() {
    let server = gigabyte(true, r#"{"rtmp":["#, b' ');
    let run = run_bounded(&["--url", &server.url(), "active"]);
    run.assert_failure(
        4,
        "sent a reply of 1073741824 bytes larger than --max-body-size (268435456 bytes)",
    );
    assert_within(&run, Duration::ZERO);
}

#[test]
fn a_gigabyte_stream_is_cut_at_the_cap_with_bounded_memory() {
    // The worst case for memory: one string that never ends, which a parser must hold whole.
    let endless_string = gigabyte(false, r#"{"rtmp":[{"id":""#, b'a');
    for command in ["active", "summary"] {
        let url = endless_string.url();
        let run = run_bounded(&["--url", &url, "--max-body-size", "16MiB", command]);
        run.assert_failure(4, "larger than --max-body-size (16777216 bytes)");
        assert_within(&run, Duration::ZERO);
    }
    // Whitespace costs the streaming parser nothing to hold: the default cap itself ends it.
    let endless_space = gigabyte(false, "{", b' ');
    let run = run_bounded(&["--url", &endless_space.url(), "active"]);
    run.assert_failure(4, "larger than --max-body-size (268435456 bytes)");
    assert_within(&run, Duration::from_secs(10));
}

#[test]
fn an_https_redirect_down_to_http_is_refused() {
    let plain =
        Server::start(|_| Reply::json(200, fixture("datarhei/session-active-rtmp-hls.json")));
    let target = format!("{}/api/v3/session/active", plain.url());
    let pki = certs::pki(&["127.0.0.1"]);
    let secure = Server::builder()
        .tls(pki.server_config)
        .start(move |_| Reply::redirect(302, &target));
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &pki.ca_pem).unwrap();
    let url = secure.url();
    let ca = ca.to_str().unwrap();
    let args = ["--url", &url, "--ca-cert", ca, "active"];
    sessions(&args, &[("SESSIONS_TOKEN", "tok-3f9a")], None)
        .assert_failure(4, "to an insecure address");
    // One query with the token; the probes for a forgotten --source that follow carry none.
    let requests = secure.requests();
    assert_eq!(requests.iter().filter(|r| r.bearer().is_some()).count(), 1);
    assert_eq!(requests[0].path(), "/api/v3/session/active");
    assert!(plain.requests().is_empty(), "the token went over http");
}

// ---- TwinCAT HMI Server over WebSocket ----

#[test]
fn a_websocket_handshake_dripping_times_out_within_bound() {
    let server = ws::raw(Raw::DripHandshake(Duration::from_millis(100)));
    let url = server.url_as("ws");
    let timeout = Duration::from_secs(1);
    let run = sessions(&["--url", &url, "--timeout", "1s", "clients"], &[], None);
    run.assert_failure(3, "did not answer within 1s (--timeout)");
    assert_within(&run, timeout);
}

#[test]
fn a_gigabyte_frame_is_refused_by_its_header() {
    let server = ws::raw(Raw::HugeFrame(GIB));
    let url = server.url_as("ws");
    let run = run_bounded(&["--url", &url, "clients"]);
    run.assert_failure(
        4,
        "larger than --max-body-size (268435456 bytes); raise it if that is expected",
    );
    assert_within(&run, Duration::ZERO);
}

#[test]
fn an_endless_fragmented_message_is_cut_at_the_cap() {
    let server = ws::raw(Raw::EndlessFragments);
    let url = server.url_as("ws");
    let run = run_bounded(&["--url", &url, "--max-body-size", "8MiB", "clients"]);
    run.assert_failure(4, "larger than --max-body-size (8388608 bytes)");
    assert_within(&run, Duration::ZERO);
}

#[test]
fn invalid_utf8_in_a_text_frame_is_refused() {
    let payload = b"{\"id\":2,\"x\":\"\xff\xfe\"}";
    let mut frame = frame_header(true, 1, payload.len() as u64);
    frame.extend_from_slice(payload);
    let server = ws::raw(Raw::Frames(frame));
    let url = server.url_as("ws");
    let run = sessions(&["--url", &url, "clients"], &[], None);
    run.assert_failure(4, "broke off the WebSocket");
    assert!(
        run.stderr.to_lowercase().contains("utf-8"),
        "{}",
        run.stderr
    );
    assert_within(&run, Duration::ZERO);
}

#[test]
fn a_websocket_closed_mid_frame_is_a_bad_reply() {
    let mut frame = frame_header(true, 1, 100);
    frame.extend_from_slice(br#"{"id":2,"co"#);
    let server = ws::raw(Raw::Frames(frame));
    let url = server.url_as("ws");
    let run = sessions(&["--url", &url, "clients"], &[], None);
    run.assert_failure(4, "closed the WebSocket before answering");
    assert_within(&run, Duration::ZERO);
}

#[test]
fn a_close_reason_reaches_stderr_as_one_line_of_plain_text() {
    let reason = b"going away\n\x1b[2Jnow";
    let mut frame = frame_header(true, 8, 2 + reason.len() as u64);
    frame.extend_from_slice(&1001u16.to_be_bytes());
    frame.extend_from_slice(reason);
    let server = ws::raw(Raw::Frames(frame));
    let url = server.url_as("ws");
    let run = sessions(&["--url", &url, "clients"], &[], None);
    run.assert_failure(4, "closed the WebSocket before answering");
    assert!(!run.stderr.contains('\u{1b}'), "{:?}", run.stderr);
    assert!(run.stderr.contains("going away [2Jnow"), "{:?}", run.stderr);
}

// ---- secrets ----

const USER: &str = "admin";
const PASSWORD: &str = "pw-7Hq2-never-shown";
/// The first access token is refused, as after it expired; the refresh hands out the second.
const ACCESS_EXPIRED: &str = "acc-expired-91xz";
const REFRESH: &str = "ref-44kd-refresh";
const ACCESS: &str = "acc-fresh-k2p0";
const SECRETS: [&str; 4] = [PASSWORD, ACCESS_EXPIRED, REFRESH, ACCESS];

/// Core with auth: login, an expired token, a refresh, and a slow final reply (1.5 s), so the
/// process can be looked at while it holds every secret.
fn slow_auth_core() -> Server {
    Server::start(
        move |req: &Request| match (req.method.as_str(), req.path()) {
            ("POST", "/api/login") => {
                let creds: serde_json::Value = serde_json::from_slice(&req.body).unwrap();
                assert_eq!(creds, json!({"username": USER, "password": PASSWORD}));
                let tokens = json!({"access_token": ACCESS_EXPIRED, "refresh_token": REFRESH});
                Reply::json(200, tokens.to_string())
            }
            ("GET", "/api/login/refresh") if req.bearer() == Some(REFRESH) => {
                Reply::json(200, json!({ "access_token": ACCESS }).to_string())
            }
            ("GET", "/api/v3/session/active") if req.bearer() == Some(ACCESS) => {
                Reply::json(200, fixture("datarhei/session-active-rtmp-hls.json"))
                    .after(Duration::from_millis(1500))
            }
            _ => Reply::json(401, fixture("datarhei/error-401-expired-token.json")),
        },
    )
}

fn assert_no_secret(place: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for secret in SECRETS {
        assert!(!text.contains(secret), "{secret} in {place}: {text:?}");
    }
}

#[test]
fn passwords_and_tokens_never_show_in_output_or_the_argument_list() {
    let core = slow_auth_core();
    let url = core.url();
    let base = [
        "--url",
        url.as_str(),
        "--user",
        USER,
        "active",
        "-o",
        "json",
    ];
    let stdin_password = format!("{PASSWORD}\n");
    // Extra flags, environment, standard input: the two ways a password may come in.
    type Way<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], Option<&'a str>);
    let ways: [Way; 2] = [
        (&[], &[("SESSIONS_PASSWORD", PASSWORD)], None),
        (&["--password-stdin"], &[], Some(stdin_password.as_str())),
    ];
    for (extra, env, stdin) in ways {
        for verbose in [false, true] {
            let mut args: Vec<&str> = base.to_vec();
            args.extend_from_slice(extra);
            if verbose {
                args.push("-v");
            }
            let asked_before = core.requests().len();
            let mut running = Sessions::new().args(&args).envs(env);
            if let Some(text) = stdin {
                running = running.stdin(text);
            }
            let mut running = running.start();
            // Once it asks with the fresh token it has logged in and refreshed, and it holds
            // every secret while it waits on the slow reply.
            wait_until("the request with the refreshed token", || {
                let asked = core.requests().into_iter().skip(asked_before);
                asked
                    .into_iter()
                    .any(|r| r.bearer() == Some(ACCESS))
                    .then_some(())
            });
            assert_no_secret("/proc/PID/cmdline", &running.proc_file("cmdline"));
            if stdin.is_some() {
                assert_no_secret("/proc/PID/environ", &running.proc_file("environ"));
            }
            let run = running.finish();
            run.assert_success();
            assert_eq!(run.json().as_array().unwrap().len(), 6);
            assert_no_secret("stdout", run.stdout.as_bytes());
            assert_no_secret("stderr", run.stderr.as_bytes());
            if verbose {
                assert!(run.stderr.contains("/api/login/refresh"), "{}", run.stderr);
            }
        }
    }
}

#[test]
fn a_refused_token_is_not_echoed_even_with_verbose() {
    let core = slow_auth_core();
    let run = sessions(
        &["--url", &core.url(), "-v", "active"],
        &[("SESSIONS_TOKEN", ACCESS_EXPIRED)],
        None,
    );
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert_no_secret("stderr", run.stderr.as_bytes());
    assert_eq!(run.stdout, "");
}
