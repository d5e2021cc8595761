//! The SRS stand-in with over a thousand clients (SRS gives 10 unless asked for more):
//! `sessions` pages through all of them, overlapping pages so that clients leaving between two
//! requests hide nobody, gives the captured values exactly, summarises, kicks, and answers a
//! refused login with exit 5.

use serde_json::json;

use super::{ask, rows, tsv_row};
use crate::support::servers::srs::{Client, Srs};

/// The 12 captured clients, 1,200 numbered RTMP players (one past SRS's 30 s window, so with
/// its own rates), an HLS viewer (nothing to disconnect) and three players of `live/old`.
fn many() -> Vec<Client> {
    let mut clients = Client::captured();
    clients.extend((0..1200).map(|n| match n {
        7 => Client {
            alive: 35.0,
            ..Client::numbered(n)
        },
        _ => Client::numbered(n),
    }));
    clients.push(Client {
        kind: "hls-play".into(),
        url: "/live/cam2".into(),
        ..Client::numbered(1300)
    });
    clients.extend((1301..1304).map(|n| Client {
        url: "/live/old".into(),
        ..Client::numbered(n)
    }));
    clients
}

fn ids(rows: &[serde_json::Value]) -> Vec<String> {
    let mut ids: Vec<String> = rows
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

#[test]
fn every_client_is_listed_once_in_three_overlapping_pages() {
    let server = Srs::start(many());
    let listed = rows(&ask("srs", &server.url(), &["active", "-o", "json"], &[]));
    let want: Vec<String> = server.clients().into_iter().map(|c| c.id).collect();
    assert_eq!(ids(&listed), want, "1,216 clients, each once");
    let asked: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(
        asked,
        [
            "/api/v1/clients/?start=0&count=500",
            "/api/v1/clients/?start=484&count=500",
            "/api/v1/clients/?start=968&count=500",
        ]
    );
}

#[test]
fn the_pages_of_one_listing_share_one_max_body_size() {
    let server = Srs::start(many());
    let url = server.url();
    // About 170 kB a page: one fits in 300 kB, the three pages together do not.
    let run = ask("srs", &url, &["--max-body-size", "300kB", "active"], &[]);
    run.assert_failure(
        4,
        "sent more than --max-body-size (300000 bytes) in the pages of one listing",
    );
    assert_eq!(
        server.requests().len(),
        2,
        "it stops at the page that overflows"
    );
    let run = ask(
        "srs",
        &url,
        &[
            "--max-body-size",
            "1MB",
            "active",
            "-o",
            "tsv",
            "--no-headers",
        ],
        &[],
    );
    run.assert_success();
    assert_eq!(run.stdout.lines().count(), 1216);
}

#[test]
fn clients_leaving_and_coming_between_pages_hide_nobody_and_count_once() {
    let server = Srs::start(many());
    let before: Vec<String> = server.clients().into_iter().map(|c| c.id).collect();
    let early = Client::numbered(3).id;
    server.between_pages(move |request, clients| match request {
        // Five clients of the first page leave: the second page starts five clients later.
        1 => clients.drain(100..105).for_each(drop),
        // One comes back before the window: the third page starts one client earlier.
        2 => clients.push(Client {
            id: format!("{early}x"),
            ..Client::numbered(3)
        }),
        _ => {}
    });
    let listed = rows(&ask("srs", &server.url(), &["active", "-o", "json"], &[]));
    // Each page overlaps the one before by 16 clients: every client that was there when the
    // listing began is listed, the ones that left meanwhile included, and none twice.
    assert_eq!(ids(&listed), before);
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn captured_clients_come_out_with_their_exact_values() {
    let server = Srs::start(many());
    let tsv = ask(
        "srs",
        &server.url(),
        &["active", "-o", "tsv", "--no-headers"],
        &[],
    );
    tsv.assert_success();
    assert_eq!(tsv.stdout.lines().count(), 1216);
    // Every cell but created_at (now − alive): collector, id, reference, local, remote,
    // age_s, rx and tx rate, rx and tx bytes, extra.
    let cells = |start: &[&str]| {
        let mut row = tsv_row(&tsv.stdout, start);
        row.remove(5);
        row
    };
    // Younger than SRS's 30 s window: its kbps of 0 is no measurement, so no rate.
    assert_eq!(
        cells(&["rtmp", "649z477k"]),
        [
            "rtmp",
            "649z477k",
            "live/cam1",
            "",
            "127.0.0.1",
            "10",
            "",
            "",
            "408041",
            "4384",
            r#"{"name":"cam1","publish":true,"stream":"vid-102pz29","tcUrl":"rtmp://127.0.0.1:43936/live","type":"fmle-publish","vhost":"vid-971j771"}"#
        ]
    );
    // HTTP-FLV viewers are `http`.
    assert_eq!(
        cells(&["http", "a352nc8l"]),
        [
            "http",
            "a352nc8l",
            "live/cam1",
            "",
            "127.0.0.1",
            "8",
            "",
            "",
            "100",
            "302842",
            r#"{"name":"cam1.flv","publish":false,"stream":"vid-102pz29","tcUrl":"http://127.0.0.1:43936/live","type":"flv-play","vhost":"vid-971j771"}"#
        ]
    );
    // 35 s old: SRS's own 30 s averages, kbit/s × 1000.
    let aged = Client::numbered(7);
    let row = cells(&["rtmp", &aged.id]);
    assert_eq!(&row[5..10], ["35", "0", "376000", "3478", "5000000091"]);
}

#[test]
fn summary_counts_and_kick_by_id_or_filter_with_refusals() {
    let server = Srs::start(many());
    let url = server.url();
    let summary = ask("srs", &url, &["summary", "-o", "json"], &[]);
    summary.assert_success();
    let counts: Vec<(String, u64)> = summary.json()["collectors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            assert!(
                c["limit_sessions"].is_null() && c["finished"].is_null(),
                "{c}"
            );
            (
                c["collector"].as_str().unwrap().into(),
                c["active_sessions"].as_u64().unwrap(),
            )
        })
        .collect();
    let want = [
        ("hls", 1),
        ("http", 1),
        ("rtmp", 1214),
        ("srt", 0),
        ("webrtc", 0),
    ];
    let want: Vec<(String, u64)> = want.iter().map(|(c, n)| (c.to_string(), *n)).collect();
    assert_eq!(counts, want);

    let player = Client::numbered(42).id;
    let kicked = ask("srs", &url, &["kick", &player, "--yes", "-o", "json"], &[]);
    kicked.assert_success();
    assert_eq!(
        kicked.json(),
        json!([{"collector": "rtmp", "id": player, "reference": "live/cam1",
            "remote": "198.51.100.43", "kicked": true, "error": null}])
    );
    let old = ask(
        "srs",
        &url,
        &["kick", "--filter", "reference=live/old", "--yes"],
        &[],
    );
    old.assert_success();
    // In the order of `active` (collector, start time, id); these three started within the
    // same second or two, so compare them as a set.
    let mut lines: Vec<&str> = old.stdout.lines().collect();
    lines.sort_unstable();
    let want: Vec<String> = (1301..1304)
        .map(|n| format!("disconnected rtmp {} live/old", Client::numbered(n).id))
        .collect();
    assert_eq!(lines, want);
    let deletes = server
        .requests()
        .into_iter()
        .filter(|r| r.method == "DELETE")
        .count();
    assert_eq!((deletes, server.clients().len()), (4, 1212));

    // An HLS viewer has no connection to drop: SRS answers code 400, which is exit 4.
    let hls = Client::numbered(1300).id;
    let refused = ask("srs", &url, &["kick", &hls, "--yes"], &[]);
    assert_eq!(refused.code, 4, "{}", refused.stderr);
    assert!(
        refused
            .stdout
            .starts_with(&format!("not disconnected hls {hls} live/cam2: ")),
        "{}",
        refused.stdout
    );
    assert!(
        refused.stderr.contains("SRS code 400"),
        "{}",
        refused.stderr
    );
    assert_eq!(refused.stderr.lines().count(), 1);
}

#[test]
fn a_refused_login_is_exit_5() {
    let server = Srs::start_with(Client::captured(), Some(("admin", "srs-pw")));
    let url = server.url();
    ask("srs", &url, &["active"], &[]).assert_failure(5, "requires a login");
    let env = [("SESSIONS_PASSWORD", "wrong")];
    ask("srs", &url, &["--user", "admin", "summary"], &env)
        .assert_failure(5, "refused the login as 'admin'");
    let env = [("SESSIONS_PASSWORD", "srs-pw")];
    let listed = rows(&ask(
        "srs",
        &url,
        &["--user", "admin", "active", "-o", "json"],
        &env,
    ));
    assert_eq!(listed.len(), 12);
}
