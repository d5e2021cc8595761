//! A password a server echoes is masked the same on every stream (issue 19, items 7 and 8): a
//! kick's outcome on stdout (table, JSON, NDJSON, TSV, `--output-file`) and stderr, and the
//! failed target's line on watch's screen. And only the server's words are masked, never the
//! tool's own (issue 21): a password `127` leaves `127.0.0.1` alone, a user and password
//! `admin` leave `login as 'admin'` alone.

use serde_json::json;

use super::addresses::{Kicking, escape_xml, kinds, xml};
use crate::support::http::{Reply, Request, Server, free_port};
use crate::support::{pty, sessions};

/// Distinctive, with characters JSON and URLs escape, so every echoed form can be looked for.
const PASSWORD: &str = "pw\"Zq-91/s3cr\\et";

/// The password as typed, JSON-escaped and percent-encoded.
fn forms(secret: &str) -> Vec<String> {
    let json = serde_json::to_string(secret).unwrap();
    let percent: String = secret
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    vec![
        secret.to_string(),
        json[1..json.len() - 1].to_string(),
        percent,
    ]
}

/// What an echoing server says: the Authorization header it got and the password in each form.
fn echo(req: &Request) -> String {
    let auth = req.header("authorization").unwrap_or("");
    format!("no {auth} for {}", forms(PASSWORD).join(" "))
}

/// A kick refused with the echo in the server's own way of refusing.
fn echoing(kind: &Kicking) -> fn(&Request) -> Reply {
    match kind.source {
        "mediamtx" => |req| Reply::json(400, json!({"error": echo(req)}).to_string()),
        "srs" => |req| Reply::json(500, json!({"code": 500, "error": echo(req)}).to_string()),
        "nginx-rtmp" => |req| Reply::Full {
            status: 500,
            headers: vec![],
            body: echo(req).into_bytes(),
        },
        _ => |req| {
            let said = escape_xml(&echo(req));
            xml(format!(
                "<iceresponse><message>{said}</message><return>0</return></iceresponse>"
            ))
        },
    }
}

/// Whether `text` holds the password in any form, or the Basic credential that carried it.
fn leaks(text: &str, basic: &str) -> bool {
    forms(PASSWORD).iter().any(|f| text.contains(f.as_str())) || text.contains(basic)
}

/// The credential of the first request that carried one.
fn basic(server: &Server) -> String {
    let requests = server.requests();
    let sent = requests
        .iter()
        .find_map(|r| r.header("authorization"))
        .expect("a request with credentials");
    sent.strip_prefix("Basic ").unwrap().to_string()
}

#[test]
fn a_kick_refusal_that_echoes_the_password_is_masked_on_stdout_stderr_and_in_files() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out");
    let file = file.to_str().unwrap();
    for kind in kinds() {
        let server = (kind.serve)(&["c1".to_string()], echoing(&kind));
        let url = format!("{}{}", server.url(), kind.url_path);
        let base = ["--source", kind.source, "--url", &url, "--user", "admin"];
        let env = [("SESSIONS_PASSWORD", PASSWORD)];
        for format in ["table", "json", "ndjson", "tsv"] {
            let args = [&base[..], &["kick", "c1", "--yes", "-o", format]].concat();
            let run = sessions(&args, &env, None);
            assert_eq!(run.code, 4, "{} -o {format}: {}", kind.source, run.stderr);
            let basic = basic(&server);
            for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
                assert!(!leaks(text, &basic), "{} {stream}: {text}", kind.source);
                assert!(
                    text.contains("no Basic *** for *** *** ***"),
                    "{stream}: {text}"
                );
            }
            assert!(run.stdout.contains("c1"), "{}", run.stdout);
            let args = [&args[..], &["--output-file", file]].concat();
            let run = sessions(&args, &env, None);
            assert_eq!((run.code, run.stdout.as_str()), (4, ""), "{}", run.stderr);
            let written = std::fs::read_to_string(file).unwrap();
            assert!(!leaks(&written, &basic), "{} file: {written}", kind.source);
            assert!(written.contains("no Basic ***"), "{written}");
        }
    }
}

/// SRS behind Basic authentication that refuses everyone and echoes what it got.
fn refusing_srs() -> Server {
    Server::start(|req: &Request| {
        Reply::json(401, json!({"code": 401, "error": echo(req)}).to_string())
    })
}

#[test]
fn a_failed_target_on_the_watch_screen_is_masked() {
    let good = kinds()[1].yes_to(&["c1".to_string()]);
    let bad = refusing_srs();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    let mut text = String::new();
    for (name, server) in [("good", &good), ("bad", &bad)] {
        text.push_str(&format!(
            "[contexts.{name}]\nsource = \"srs\"\nurl = \"{}\"\nuser = \"admin\"\npassword_env = \"PW\"\n",
            server.url()
        ));
    }
    std::fs::write(&config, text).unwrap();
    let args = [
        "--config",
        config.to_str().unwrap(),
        "--all-contexts",
        "watch",
        "--interval",
        "100ms",
        "--rounds",
        "2",
    ];
    let seen = pty::run(&args, &[("PW", PASSWORD)], 200, 30);
    let screen = String::from_utf8_lossy(&seen.bytes);
    let basic = basic(&bad);
    assert!(screen.contains("c1"), "{screen}");
    assert!(
        screen.contains("context 'bad' unreachable since ")
            && screen.contains(", retrying: 127.0.0.1:"),
        "the failure is on the screen: {screen}"
    );
    assert!(screen.contains("no Basic *** for *** *** ***"), "{screen}");
    assert!(!leaks(&screen, &basic), "{screen}");
    assert!(!leaks(&seen.stderr, &basic), "{}", seen.stderr);
}

#[test]
fn masking_leaves_the_tools_own_words_alone() {
    // Password `127`: the address in the tool's words stays, the server's echo is masked.
    let srs = Server::start(|_: &Request| {
        Reply::json(401, r#"{"code":401,"error":"password 127 is wrong"}"#)
    });
    let url = srs.url();
    let args = [
        "--source", "srs", "--url", &url, "--user", "admin", "active",
    ];
    let run = sessions(&args, &[("SESSIONS_PASSWORD", "127")], None);
    run.assert_failure(
        5,
        &format!(
            "sessions: 127.0.0.1:{} refused the login as 'admin' (HTTP 401 Unauthorized: password *** is wrong): check --user and the password",
            srs.port
        ),
    );
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let args = [
        "--source", "srs", "--url", &url, "--user", "admin", "active",
    ];
    let run = sessions(&args, &[("SESSIONS_PASSWORD", "127")], None);
    run.assert_failure(3, &format!("cannot connect to 127.0.0.1:{port}"));

    // User and password `admin`: `login as 'admin'` stays; the server's `admin` is masked.
    let core = Server::start(|req: &Request| match req.path() {
        "/api/login" => Reply::json(
            401,
            r#"{"code":401,"message":"invalid credentials","details":["user admin, password admin"]}"#,
        ),
        _ => Reply::json(200, "[]"),
    });
    let url = core.url();
    let args = ["--url", &url, "--user", "admin", "active"];
    let run = sessions(&args, &[("SESSIONS_PASSWORD", "admin")], None);
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(&format!("login as 'admin' at 127.0.0.1:{}", core.port)),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("user ***, password ***"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_kick_outcome_keeps_the_tools_own_words() {
    // A kick's outcome on stdout: the tool's words as they are, the server's masked.
    let mediamtx = (kinds()[0].serve)(&["c1".to_string()], |_| {
        Reply::json(400, r#"{"error":"127 is not allowed to kick"}"#)
    });
    let url = mediamtx.url();
    let args = [
        "--source", "mediamtx", "--url", &url, "--user", "admin", "kick", "c1", "--yes",
    ];
    let run = sessions(&args, &[("SESSIONS_PASSWORD", "127")], None);
    assert_eq!(run.code, 4, "{}", run.stderr);
    let line = format!(
        "not disconnected rtmp c1 cam: 127.0.0.1:{} refused to kick rtmp session 'c1' (HTTP 400 Bad Request: *** is not allowed to kick)\n",
        mediamtx.port
    );
    assert_eq!(run.stdout, line);
}
