//! `kick` where it cannot or must not act (nothing is sent), and TwinCAT HMI's way to end a
//! session: `ForceLogout`, once per session however many WebSockets share it.

use serde_json::json;

use super::ask;
use super::fleet::core;
use crate::support::servers::srs::{Client, Srs};
use crate::support::sessions;
use crate::support::ws::{ADMIN, Behaviour, PASSWORD, Server};

#[test]
fn kick_refuses_before_it_disconnects_anything() {
    let server = Srs::start(Client::captured());
    let url = server.url();
    // stdin is not a terminal here: without --yes there is nobody to ask.
    ask("srs", &url, &["kick", "064sd658"], &[]).assert_failure(2, "pass --yes to confirm");
    ask("srs", &url, &["kick", "--yes"], &[]).assert_failure(2, "name the sessions to disconnect");
    ask(
        "srs",
        &url,
        &["kick", "064sd658", "--yes", "-o", "prometheus"],
        &[],
    )
    .assert_failure(2, "-o prometheus is for");
    assert!(server.requests().iter().all(|r| r.method == "GET"));
    assert_eq!(server.clients().len(), 12);

    // datarhei Core has no call to disconnect a session: it says so once, exit 2, stdout empty.
    let studio = core();
    let run = sessions(
        &["--url", &studio.url(), "kick", "/live/test", "--yes"],
        &[],
        None,
    );
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (
            2,
            "",
            "sessions: datarhei Core cannot disconnect a session: its API has no call for it\n"
        )
    );
}

#[test]
fn a_twincat_hmi_session_is_logged_out_once_for_all_its_websockets() {
    let server = Server::plain(Behaviour::default());
    let url = server.url("ws");
    // The Operator's session: two browser tabs, two WebSockets, one session id.
    let id = "7c2e9d14f0a84b3e9c5d6e7f8a9b0c1d";
    let args = [
        "--url", &url, "--user", ADMIN, "kick", id, "--yes", "-o", "json",
    ];
    let run = sessions(&args, &[("SESSIONS_PASSWORD", PASSWORD)], None);
    run.assert_success();
    assert_eq!(
        run.json(),
        json!([{"collector": "tchmi", "id": id, "reference": "Operator",
            "remote": "192.168.10.21", "kicked": true, "error": null}])
    );
    // One listing, then one ForceLogout of that session; each socket logs in and out.
    let calls: Vec<(String, serde_json::Value)> = server
        .received()
        .iter()
        .map(|r| {
            let command = &r["commands"][0];
            (
                command["symbol"].as_str().unwrap().to_string(),
                command["writeValue"].clone(),
            )
        })
        .filter(|(symbol, _)| symbol != "Login" && symbol != "Logout")
        .collect();
    assert_eq!(
        calls,
        [
            ("ListActiveSessions".to_string(), json!(null)),
            ("ForceLogout".to_string(), json!({"sessionId": id})),
        ]
    );

    // A guest may neither list nor log anyone out: exit 5, nothing sent but the listing.
    let guest = sessions(&["--url", &url, "kick", id, "--yes"], &[], None);
    guest.assert_failure(5, "ListActiveSessions needs an administrator");
}

/// Tables on a terminal show an id's first 12 characters (docker's way), so `kick` takes the
/// start of an id when exactly one session's id starts so; a start that several share, or none,
/// disconnects nothing.
#[test]
fn kick_takes_the_start_of_an_id_that_only_one_session_has() {
    let server = Server::plain(Behaviour::default());
    let url = server.url("ws");
    let id = "7c2e9d14f0a84b3e9c5d6e7f8a9b0c1d";
    let args = [
        "--url",
        &url,
        "--user",
        ADMIN,
        "kick",
        "7c2e9d14f0a8",
        "--yes",
        "-o",
        "json",
    ];
    let run = sessions(&args, &[("SESSIONS_PASSWORD", PASSWORD)], None);
    run.assert_success();
    assert_eq!(run.json()[0]["id"], id);
    let logouts: Vec<serde_json::Value> = server
        .received()
        .iter()
        .filter(|r| r["commands"][0]["symbol"] == "ForceLogout")
        .map(|r| r["commands"][0]["writeValue"].clone())
        .collect();
    assert_eq!(logouts, [json!({"sessionId": id})]);

    // SRS's captured clients: two ids start with `6` (649z477k, 67t33i06), none with `zz`.
    let srs = Srs::start(Client::captured());
    let srs_url = srs.url();
    let run = ask("srs", &srs_url, &["kick", "6", "--yes"], &[]);
    run.assert_failure(2, "'6' is the start of 2 session ids");
    assert!(
        run.stderr
            .contains("give more of it; nothing was disconnected")
    );
    ask("srs", &srs_url, &["kick", "zz", "--yes"], &[]).assert_failure(2, "no session 'zz'");
    assert!(srs.requests().iter().all(|r| r.method == "GET"));
    assert_eq!(srs.clients().len(), 12);
}
