//! The `sessions` binary against a real TwinCAT HMI WebSocket server on loopback: exact JSON,
//! exit codes, one-line errors, and a password that never leaks.

use serde_json::{Value, json};
use std::time::Duration;

use crate::support::ws::{ADMIN, Behaviour, Fault, Level, PASSWORD, Server};
use crate::support::{Run, http};

/// Runs the binary with a clean environment plus `env`, feeding `stdin`; the password must never
/// show up in what it prints.
fn sessions(args: &[&str], env: &[(&str, &str)], stdin: &str) -> Run {
    let run = crate::support::sessions(args, env, Some(stdin));
    assert!(!run.stdout.contains(PASSWORD) && !run.stderr.contains(PASSWORD));
    run
}

/// As the administrator, password from SESSIONS_PASSWORD.
fn as_admin(server: &Server, args: &[&str]) -> Run {
    let url = server.url("ws");
    let mut full = vec!["--url", &url, "--user", ADMIN];
    full.extend_from_slice(args);
    sessions(&full, &[("SESSIONS_PASSWORD", PASSWORD)], "")
}

fn json_of(run: &Run) -> Value {
    run.assert_success();
    assert_eq!(run.stderr, "");
    run.json()
}

fn expected_clients() -> Value {
    json!([
        {"client": "127.0.0.1", "session_id": "a3f5c2e19b7d4086c1e2f3a4b5c6d7e8",
         "user": "__SystemAdministrator", "commands": [{"id": 42, "symbol": "ListActiveSessions"}]},
        {"client": "192.168.10.21", "session_id": "7c2e9d14f0a84b3e9c5d6e7f8a9b0c1d", "user": "Operator",
         "commands": [{"id": 5, "symbol": "ADS.PLC1.MAIN.nCounter"}, {"id": 6, "symbol": "Diagnostics::SERVERTIME"}]},
        {"client": "192.168.10.21", "session_id": "7c2e9d14f0a84b3e9c5d6e7f8a9b0c1d", "user": "Operator",
         "commands": [{"id": 5, "symbol": "ADS.PLC1.MAIN.nCounter"}]},
        {"client": "192.168.10.37", "session_id": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
         "user": "__SystemGuest", "commands": []},
    ])
}

#[test]
fn clients_as_administrator_with_a_domain_login() {
    // apiVersion as a string (the TS typing) must be tolerated like the number.
    let server = Server::plain(Behaviour {
        api_version: json!("1.12.760.0"),
        ..Behaviour::default()
    });
    let url = server.url("ws");
    let user = format!("TcHmiUserManagement::{ADMIN}");
    let run = sessions(
        &["--url", &url, "--user", &user, "clients", "-o", "json"],
        &[("SESSIONS_PASSWORD", PASSWORD)],
        "",
    );
    assert_eq!(json_of(&run), expected_clients());
    let sent = server.received();
    assert_eq!(
        sent[0],
        json!({"requestType": "ReadWrite", "id": 1, "commands": [{"symbol": "Login",
            "commandOptions": ["SendErrorMessage"],
            "writeValue": {"userName": user, "password": PASSWORD, "persistent": false}}]})
    );
    assert_eq!(
        sent[1],
        json!({"requestType": "ReadWrite", "id": 2, "commands": [{"symbol": "ListActiveSessions",
            "commandOptions": ["SendErrorMessage"]}]})
    );
    // No administrator session is left behind.
    assert_eq!(
        sent[2],
        json!({"requestType": "ReadWrite", "id": 3, "commands": [{"symbol": "Logout",
            "commandOptions": ["SendErrorMessage"]}]})
    );
    assert_eq!(sent.len(), 3);
}

#[test]
fn password_from_stdin_and_ndjson() {
    let server = Server::plain(Behaviour::default());
    let url = server.url("ws");
    let run = sessions(
        &[
            "--url",
            &url,
            "--user",
            ADMIN,
            "--password-stdin",
            "clients",
            "-o",
            "ndjson",
        ],
        &[],
        &format!("{PASSWORD}\n"),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(Value::Array(lines), expected_clients());
}

#[test]
fn subscriptions_with_lengths_and_durations() {
    let server = Server::plain(Behaviour::default());
    let run = as_admin(
        &server,
        &["subscriptions", "--lengths", "--durations", "--json"],
    );
    assert_eq!(
        json_of(&run),
        json!([
            {"key": "4f2a91c7", "id": 3, "type": "Subscription", "interval_ms": 500, "client_count": 2,
             "json_length_bytes": 4, "average_duration_s": 0.0003121,
             "average_duration_iso8601": "PT0.0003121S", "symbols": ["ADS.PLC1.MAIN.nCounter"]},
            {"key": "b81e03d5", "id": 4, "type": "Subscription", "interval_ms": 1000, "client_count": 1,
             "json_length_bytes": 30, "average_duration_s": 0.0000874,
             "average_duration_iso8601": "PT0.0000874S", "symbols": ["Diagnostics::SERVERTIME"]},
            {"key": "e6c05f28", "id": 9, "type": "ReadWrite", "interval_ms": null, "client_count": 1,
             "json_length_bytes": 0, "average_duration_s": 0.0011532,
             "average_duration_iso8601": "PT0.0011532S", "symbols": ["ListActiveSessions"]},
        ])
    );
    assert_eq!(
        server.received()[1]["commands"][0]["writeValue"],
        json!({"readValueJsonLength": true, "averageDuration": true})
    );
}

#[test]
fn plain_subscriptions_ask_for_nothing_extra() {
    let server = Server::plain(Behaviour::default());
    let subs = json_of(&as_admin(&server, &["subscriptions", "--json"]));
    assert_eq!(
        subs[1],
        json!({"key": "b81e03d5", "id": 4, "type": "Subscription", "interval_ms": 1000,
            "client_count": 1, "json_length_bytes": null, "average_duration_s": null,
            "average_duration_iso8601": null, "symbols": ["Diagnostics::SERVERTIME"]})
    );
    assert_eq!(subs.as_array().unwrap().len(), 3);
    assert_eq!(server.received()[1]["commands"][0].get("writeValue"), None);
}

#[test]
fn tables_for_people() {
    let server = Server::plain(Behaviour::default());
    let run = as_admin(&server, &["subscriptions", "--durations"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    let header: Vec<&str> = lines[0]
        .split("  ")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    assert_eq!(
        header,
        [
            "KEY",
            "ID",
            "TYPE",
            "INTERVAL",
            "CLIENTS",
            // Without --lengths no row has one: the column is left out.
            "AVG DURATION",
            "SYMBOLS"
        ]
    );
    assert!(
        lines[1].contains("500ms") && lines[1].contains("312us 100ns"),
        "{}",
        lines[1]
    );
    assert!(
        lines[3].contains("ReadWrite") && lines[3].contains("1ms 153us 200ns"),
        "{}",
        lines[3]
    );

    let run = as_admin(&server, &["clients", "--no-headers"]);
    let row: Vec<&str> = run
        .stdout
        .lines()
        .nth(1)
        .unwrap()
        .split("  ")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    assert_eq!(
        row,
        [
            "192.168.10.21",
            "7c2e9d14f0a84b3e9c5d6e7f8a9b0c1d",
            "Operator",
            "ADS.PLC1.MAIN.nCounter (5), Diagnostics::SERVERTIME (6)"
        ]
    );
}

#[test]
fn active_is_one_session_per_websocket() {
    let server = Server::plain(Behaviour::default());
    let active = json_of(&as_admin(&server, &["active", "-o", "json"]));
    let port = server.port;
    assert_eq!(active.as_array().unwrap().len(), 4);
    // Default order of `active`: by session id.
    assert_eq!(
        active[0],
        json!({"collector": "tchmi", "id": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
            "reference": "__SystemGuest", "local": format!("127.0.0.1:{port}"),
            "remote": "192.168.10.37", "role": null, "created_at": null, "age_s": null,
            "rx_bytes": null, "tx_bytes": null, "rx_bit_s": null, "tx_bit_s": null,
            "rx_kibit_s": null, "tx_kibit_s": null, "extra": {"commands": []}})
    );
    let filtered = json_of(&as_admin(
        &server,
        &["active", "--filter", "reference=Operator", "--json"],
    ));
    assert_eq!(filtered.as_array().unwrap().len(), 2);
    assert_eq!(
        filtered[0]["extra"]["commands"][1]["symbol"],
        "Diagnostics::SERVERTIME"
    );
}

#[test]
fn summary_counts_what_the_server_lists() {
    let server = Server::plain(Behaviour::default());
    let summary = json_of(&as_admin(&server, &["summary", "--json"]));
    assert_eq!(
        summary,
        json!({"collector": "tchmi", "connections": 4, "sessions": 3, "users": 3, "clients": 3,
            "subscriptions": 2, "requests_in_progress": 1})
    );
    let run = as_admin(&server, &["summary", "-o", "tsv"]);
    assert_eq!(
        run.stdout,
        "collector\tconnections\tsessions\tusers\tclients\tsubscriptions\trequests_in_progress\ntchmi\t4\t3\t3\t3\t2\t1\n"
    );
    let run = as_admin(&server, &["summary", "--by", "remote"]);
    run.assert_failure(
        2,
        "--by breaks down each collector's sessions, which a TwinCAT HMI Server does not have",
    );
}

#[test]
fn a_guest_is_refused_with_a_hint() {
    let server = Server::plain(Behaviour::default());
    let url = server.url("ws");
    let run = sessions(&["--url", &url, "clients"], &[], "");
    run.assert_failure(5, "");
    assert_eq!(
        run.stderr,
        format!(
            "sessions: 127.0.0.1:{} refused ListActiveSessions: code 4101 INSUFFICIENT_ACCESS (TcHmiSrv): \
             Access to symbol 'ListActiveSessions' denied for user '__SystemGuest'.; ListActiveSessions \
             needs an administrator: pass --user NAME (e.g. __SystemAdministrator) with SESSIONS_PASSWORD \
             or --password-stdin\n",
            server.port
        )
    );
    assert_eq!(
        server.received().len(),
        1,
        "no Login or Logout without credentials"
    );
}

#[test]
fn a_guest_is_enough_when_auth_is_off() {
    let server = Server::plain(Behaviour {
        auth_required: false,
        ..Behaviour::default()
    });
    let url = server.url("ws");
    let run = sessions(&["--url", &url, "clients", "--json"], &[], "");
    assert_eq!(json_of(&run), expected_clients());
}

#[test]
fn a_wrong_password_is_an_auth_error() {
    let server = Server::plain(Behaviour::default());
    let url = server.url("ws");
    let run = sessions(
        &["--url", &url, "--user", ADMIN, "clients"],
        &[("SESSIONS_PASSWORD", "not-the-password")],
        "",
    );
    run.assert_failure(5, "login as '__SystemAdministrator' at 127.0.0.1:");
    assert!(
        run.stderr
            .contains("failed: code 4097 AUTH_FAILED (TcHmiSrv): Authentication failed"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("not-the-password"));
    assert_eq!(
        server.received().len(),
        1,
        "nothing is asked after a failed login"
    );
}

#[test]
fn a_failed_login_is_found_at_either_level() {
    for (level, said) in [
        (
            Level::Response,
            "code 4097 AUTH_FAILED (TcHmiSrv): Authentication failed for user",
        ),
        (
            Level::Command,
            "code 4097 AUTH_FAILED (TcHmiUserManagement): Invalid user name or password.",
        ),
        (Level::Both, "code 4097 AUTH_FAILED (TcHmiSrv)"),
    ] {
        let server = Server::plain(Behaviour {
            fault: Fault::LoginFails(level),
            ..Behaviour::default()
        });
        as_admin(&server, &["clients"]).assert_failure(5, said);
    }
}

#[test]
fn server_errors_are_bad_replies() {
    for (fault, said) in [
        (
            Fault::SymbolNotMapped,
            "refused ListActiveSessions: code 513 SYMBOL_NOT_MAPPED (TcHmiSrv): Symbol not mapped; the server does not know the symbol",
        ),
        (
            Fault::ResponseLevelError,
            "refused ListActiveSessions: code 263 SYNTAX (TcHmiSrv): Request does not contain a 'commands' array.",
        ),
        (Fault::NotJson, "sent a frame that is not a JSON object"),
        (
            Fault::Binary,
            "sent a binary frame (3 bytes) where TcHmi sends JSON text",
        ),
        (
            Fault::CloseBeforeReply,
            "closed the WebSocket before answering",
        ),
    ] {
        let server = Server::plain(Behaviour {
            fault,
            ..Behaviour::default()
        });
        as_admin(&server, &["subscriptions"]).assert_failure(4, said);
    }
}

#[test]
fn a_silent_server_times_out() {
    let server = Server::plain(Behaviour {
        fault: Fault::NeverAnswer,
        ..Behaviour::default()
    });
    let run = as_admin(&server, &["--timeout", "700ms", "clients"]);
    run.assert_failure(3, "did not answer within 700ms (--timeout)");
    assert!(
        run.elapsed >= Duration::from_millis(700),
        "{:?}",
        run.elapsed
    );
    assert!(
        run.elapsed < Duration::from_millis(3000),
        "{:?}",
        run.elapsed
    );
}

#[test]
fn replies_larger_than_the_limit_are_refused() {
    let server = Server::plain(Behaviour::default());
    let run = as_admin(&server, &["--max-body-size", "1KiB", "clients"]);
    run.assert_failure(4, "larger than --max-body-size (1024 bytes)");
}

#[test]
fn tls_with_the_servers_ca() {
    let server = Server::tls(Behaviour::default());
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, server.ca_pem.as_ref().unwrap()).unwrap();
    let url = server.url("wss");
    let env = [("SESSIONS_PASSWORD", PASSWORD)];
    let ca = ca.to_str().unwrap();

    let run = sessions(
        &[
            "--url",
            &url,
            "--user",
            ADMIN,
            "--ca-cert",
            ca,
            "clients",
            "--json",
        ],
        &env,
        "",
    );
    assert_eq!(json_of(&run), expected_clients());

    let run = sessions(&["--url", &url, "--user", ADMIN, "clients"], &env, "");
    run.assert_failure(3, "is not signed by a trusted CA: pass --ca-cert FILE");

    let run = sessions(
        &[
            "--url",
            &url,
            "--user",
            ADMIN,
            "--insecure",
            "clients",
            "--json",
        ],
        &env,
        "",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        serde_json::from_str::<Value>(&run.stdout).unwrap(),
        expected_clients()
    );
    assert_eq!(
        run.stderr,
        "sessions: warning: --insecure: the server's TLS certificate is not verified\n"
    );
}

#[test]
fn wss_to_a_plain_port_is_a_tls_failure() {
    let server = Server::plain(Behaviour::default());
    let url = server.url("wss");
    let run = sessions(&["--url", &url, "--insecure", "clients"], &[], "");
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(
        run.stderr.contains("TLS handshake with 127.0.0.1:") && run.stderr.contains("Try ws://"),
        "{}",
        run.stderr
    );
}

#[test]
fn refused_connections_are_unreachable() {
    let url = format!("ws://127.0.0.1:{}/", http::free_port());
    let run = sessions(&["--url", &url, "clients"], &[], "");
    run.assert_failure(3, "connection refused");
}

#[test]
fn usage_errors_name_the_sources_that_can() {
    let run = sessions(&["--url", "http://127.0.0.1:9/", "subscriptions"], &[], "");
    run.assert_failure(2,
        "`subscriptions` needs a TwinCAT HMI Server (--url ws://HOST:PORT/ or wss://HOST:PORT/); datarhei Core cannot answer it",
    );
    let run = sessions(
        &[
            "--url",
            "ws://127.0.0.1:9/",
            "active",
            "--collectors",
            "hls",
        ],
        &[],
        "",
    );
    run.assert_failure(2, "--collectors selects datarhei Core collectors");
}

#[test]
fn an_http_server_is_not_a_websocket() {
    let server = http::Server::start(|_| http::Reply::new(404, "text/plain", ""));
    let url = server.url_as("ws");
    let run = sessions(&["--url", &url, "clients"], &[], "");
    run.assert_failure(4,
        "answered the WebSocket upgrade with HTTP 404 Not Found: is --url the TwinCAT HMI Server's address",
    );
    assert_eq!(server.requests().len(), 1);
    assert_eq!(server.requests()[0].header("upgrade"), Some("websocket"));
}
