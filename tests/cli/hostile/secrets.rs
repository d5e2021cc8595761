//! Secrets stay where they belong: no login leaves the origin `--url` names, no echoed
//! password or token reaches stderr, `config set` creates the file it is given.

use std::time::Duration;

use serde_json::json;

use super::{assert_quick, hmi_answering};
use crate::support::http::{Reply, Request, Server};
use crate::support::sessions;
use crate::support::ws::{self, Raw, frame_header};

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
            "/api/login" => Reply::redirect(status, &to),
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

    // A server behind Basic authentication that echoes the header it got.
    let srs = Server::start(|req: &Request| {
        let said = format!("no {}", req.header("authorization").unwrap_or(""));
        Reply::json(401, json!({"code": 401, "error": said}).to_string())
    });
    let url = srs.url();
    let args = [
        "-v", "--source", "srs", "--url", &url, "--user", "admin", "active",
    ];
    let run = sessions(&args, &[("SESSIONS_PASSWORD", PASSWORD)], None);
    assert_eq!((run.code, run.stdout.as_str()), (5, ""), "{}", run.stderr);
    let sent = srs.requests()[0]
        .header("authorization")
        .unwrap()
        .to_owned();
    let credential = sent.strip_prefix("Basic ").unwrap();
    assert!(!run.stderr.contains(credential), "{}", run.stderr);
    let last = run.stderr.lines().last().unwrap();
    assert!(
        last.contains("(HTTP 401 Unauthorized: no Basic ***)"),
        "{last}"
    );

    // TcHmi: a login error and a close reason that quote the password.
    let reason = format!("password '{PASSWORD}' is wrong");
    let failed = json!({"id": 1, "error": {"code": 4097, "domain": "TcHmiSrv",
        "message": "AUTH_FAILED", "reason": reason}});
    let hmi = hmi_answering(&failed.to_string());
    let url = hmi.url_as("ws");
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
    let server = ws::raw(Raw::Frames(frames));
    let url = server.url_as("ws");
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
