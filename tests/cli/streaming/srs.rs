//! The SRS stand-in with over a thousand clients (SRS gives 10 unless asked for more):
//! `sessions` pages through all of them, overlapping pages so that clients leaving between two
//! requests hide nobody, gives the captured values exactly, summarises, kicks, and answers a
//! refused login with exit 5. Then SRS's paging over plain client lists, a server that ignores
//! `start`, Basic auth, kicks refused by SRS's codes, and replies that cannot be used.

use serde_json::{Value, json};

use super::{ask, rows, table_row, tsv_row};
use crate::support::http::{Reply, Server};
use crate::support::servers::srs::{Client, Srs};
use crate::support::{fixture, fixture_json};

/// The 12 captured clients, 1,200 numbered RTMP players (one past SRS's 30 s window, so with
/// its own rates), an HLS viewer (no connection, but a kick removes it) and three players of
/// `live/old`.
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
    // Every cell but created_at (now − alive): collector, id, reference, local, remote, role,
    // age_s, rx and tx rate, rx and tx bytes, extra.
    let cells = |start: &[&str]| {
        let mut row = tsv_row(&tsv.stdout, start);
        row.remove(6);
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
            "publisher",
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
            "player",
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
    assert_eq!(
        &row[5..11],
        ["player", "35", "0", "376000", "3478", "5000000091"]
    );
}

#[test]
fn summary_counts_and_kick_by_id_or_filter_with_refusals() {
    let server = Srs::start(many());
    let url = server.url();
    let summary = ask("srs", &url, &["summary", "-o", "json"], &[]);
    summary.assert_success();
    // One HLS viewer: SRS's count of them is noted as what it is.
    assert!(
        summary
            .stderr
            .contains("SRS counts each HLS playlist fetch without hls_ctx as a viewer for minutes"),
        "{}",
        summary.stderr
    );
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

    // An HLS viewer has no connection to drop, yet SRS 7.0.18 removes it: code 0.
    let hls = Client::numbered(1300).id;
    let kicked = ask("srs", &url, &["kick", &hls, "--yes"], &[]);
    kicked.assert_success();
    assert_eq!(kicked.stdout, format!("disconnected hls {hls} live/cam2\n"));
    assert_eq!(server.clients().len(), 1211);
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

/// A client as SRS writes one, with this id and `type`.
fn client(id: &str, kind: &str) -> String {
    format!(
        r#"{{"id":"{id}","vhost":"vid-1","stream":"vid-2","ip":"10.0.0.1","pageUrl":"","swfUrl":"","tcUrl":"rtmp://h/live","url":"/live/cam1","name":"cam1","type":"{kind}","publish":false,"alive":40.5,"send_bytes":1000,"recv_bytes":20,"kbps":{{"recv_30s":1,"send_30s":300}}}}"#
    )
}

/// SRS's paging over `ids` as `target` asks for it: `start = max(0, start)`,
/// `count = max(10, count)`; the clients' types go round five kinds.
fn page(ids: &[String], target: &str) -> Reply {
    let number = |k: &str| {
        let url = reqwest::Url::parse(&format!("http://x{target}")).unwrap();
        let found = url.query_pairs().find(|(name, _)| name == k);
        found
            .and_then(|(_, v)| v.parse::<usize>().ok())
            .unwrap_or(0)
    };
    let start = number("start").min(ids.len());
    let count = number("count").max(10);
    let end = (start + count).min(ids.len());
    let kinds = [
        "rtmp-play",
        "flv-play",
        "rtc-play",
        "srt-publish",
        "hls-play",
    ];
    let items: Vec<String> = ids[start..end]
        .iter()
        .enumerate()
        .map(|(i, id)| client(id, kinds[(start + i) % kinds.len()]))
        .collect();
    let body = format!(
        r#"{{"code":0,"server":"s","clients":[{}]}}"#,
        items.join(",")
    );
    Reply::json(200, body)
}

fn numbered(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("c{i:05}")).collect()
}

/// `host:port` of a server, as messages name it.
fn host(server: &Server) -> String {
    format!("127.0.0.1:{}", server.port)
}

#[test]
fn every_page_is_fetched_and_every_client_listed_once() {
    let all = numbered(1234);
    let server = Server::start(move |req| page(&all, &req.target));
    let url = server.url();
    let listed = rows(&ask("srs", &url, &["active", "-o", "json"], &[]));
    assert_eq!(ids(&listed), numbered(1234));
    assert_eq!(
        server.lines(),
        [
            "GET /api/v1/clients/?start=0&count=500",
            "GET /api/v1/clients/?start=484&count=500",
            "GET /api/v1/clients/?start=968&count=500",
        ]
    );
    let flv = listed.iter().find(|s| s["id"] == "c00001").unwrap();
    assert_eq!(flv["collector"], "http");
    assert_eq!(
        (&flv["rx_bytes"], &flv["tx_bytes"]),
        (&json!(20), &json!(1000))
    );
    assert_eq!(flv["tx_bit_s"], json!(300_000.0));
    let webrtc = rows(&ask(
        "srs",
        &url,
        &["active", "--collectors", "webrtc", "-o", "json"],
        &[],
    ));
    assert_eq!(webrtc.len(), 1234 / 5 + 1);
}

#[test]
fn a_server_that_ignores_start_does_not_loop_forever() {
    let all = numbered(600);
    let server = Server::start(move |_| page(&all, "/?count=500"));
    let listed = rows(&ask("srs", &server.url(), &["active", "-o", "json"], &[]));
    assert_eq!(listed.len(), 500);
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn credentials_go_as_basic_auth_and_a_refusal_is_exit_5() {
    let server = Server::start(|req| match req.header("authorization") {
        Some("Basic YWRtaW46QURN") => Reply::json(200, fixture("srs/api-v1-clients-default.json")),
        _ => Reply::text(401, "Unauthorized"),
    });
    let url = server.url();
    let admin = ["--user", "admin", "active", "-o", "json"];
    let listed = rows(&ask("srs", &url, &admin, &[("SESSIONS_PASSWORD", "ADM")]));
    assert_eq!(listed.len(), 10);
    let run = ask("srs", &url, &["active"], &[]);
    run.assert_failure(5, "");
    assert_eq!(
        run.stderr,
        format!(
            "sessions: {} requires a login (HTTP 401 Unauthorized): pass --user NAME with SESSIONS_PASSWORD or --password-stdin\n",
            host(&server)
        )
    );
    ask(
        "srs",
        &url,
        &["--user", "admin", "summary"],
        &[("SESSIONS_PASSWORD", "wrong")],
    )
    .assert_failure(5, "refused the login as 'admin'");
}

#[test]
fn kick_deletes_the_client_and_a_refusal_is_exit_4() {
    // The captured clients, and one whose id needs escaping in a path, which has left.
    let mut listing = fixture_json("srs/api-v1-clients-default.json");
    let mut gone = listing["clients"][0].clone();
    gone["id"] = json!("zzz/../x");
    gone["type"] = json!("rtmp-play");
    listing["clients"].as_array_mut().unwrap().push(gone);
    let server = Server::start(move |req| match (req.method.as_str(), req.path()) {
        ("GET", "/api/v1/clients/") => Reply::json(200, listing.to_string()),
        ("DELETE", "/api/v1/clients/a352nc8l") => {
            Reply::json(200, fixture("srs/api-v1-client-delete.json"))
        }
        _ => Reply::json(200, r#"{"code":2049}"#),
    });
    let run = ask(
        "srs",
        &server.url(),
        &["kick", "a352nc8l", "zzz/../x", "--yes", "-o", "json"],
        &[],
    );
    let refused = format!(
        "{} refused to kick client 'zzz/../x': SRS code 2049 (no such client: it may have left)",
        host(&server)
    );
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert_eq!(run.stderr, format!("sessions: {refused}\n"));
    let outcomes: Vec<(Value, Value, Value)> = run
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["id"].clone(), o["kicked"].clone(), o["error"].clone()))
        .collect();
    assert_eq!(
        outcomes,
        [
            (json!("a352nc8l"), json!(true), Value::Null),
            (json!("zzz/../x"), json!(false), json!(refused)),
        ]
    );
    let deletes: Vec<String> = server
        .lines()
        .into_iter()
        .filter(|l| l.starts_with("DELETE"))
        .collect();
    assert_eq!(
        deletes,
        [
            "DELETE /api/v1/clients/a352nc8l",
            "DELETE /api/v1/clients/zzz%2F..%2Fx"
        ]
    );
}

#[test]
fn bad_replies_are_one_line_and_exit_4() {
    let whole = fixture("srs/api-v1-clients-default.json");
    let cases = [
        (
            Reply::json(200, &whole.as_bytes()[..100]),
            "sent a truncated reply: the JSON ends early",
        ),
        (
            Reply::html(502, "<html><body><h1>502 Bad Gateway</h1></body></html>"),
            "answered HTTP 502 Bad Gateway; is --url SRS's HTTP API",
        ),
        (
            Reply::html(200, "<html>welcome</html>"),
            "answered with an HTML page",
        ),
        (
            Reply::json(200, r#"{"code":0,"clients":[{"id":1}]}"#),
            "sent a reply of an unexpected shape",
        ),
        (
            Reply::json(200, r#"{"code":1001}"#),
            "refused the client list (SRS code 1001)",
        ),
        (
            Reply::json(200, vec![b' '; 5000]),
            "larger than --max-body-size (4096 bytes)",
        ),
        (
            Reply::Raw(b"HTTP/1.1 200 OK\r\nContent-Length: 900\r\n\r\n{\"code\":0,".to_vec()),
            "broke off the reply",
        ),
    ];
    for (reply, want) in cases {
        let server = Server::start(move |_| reply.clone());
        let run = ask(
            "srs",
            &server.url(),
            &["--max-body-size", "4096B", "active"],
            &[],
        );
        run.assert_failure(4, want);
        assert_eq!(server.lines(), ["GET /api/v1/clients/?start=0&count=500"]);
    }
}

#[test]
fn summary_counts_each_collector_and_collectors_srs_lacks_are_refused() {
    let body = fixture("srs/api-v1-clients-count100-after35s.json");
    let server = Server::start(move |_| Reply::json(200, body.clone()));
    let url = server.url();
    let summary = ask("srs", &url, &["summary", "-o", "json"], &[]);
    summary.assert_success();
    let got: Vec<(Value, Value, Value, Value)> = summary.json()["collectors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let pick = |k: &str| r[k].clone();
            (
                pick("collector"),
                pick("active_sessions"),
                pick("rx_bit_s"),
                pick("tx_bit_s"),
            )
        })
        .collect();
    let rtmp = got.iter().find(|r| r.0 == "rtmp").unwrap();
    assert_eq!(
        (&rtmp.1, &rtmp.2, &rtmp.3),
        (&json!(11), &json!(375_000.0), &json!(3_751_000.0))
    );
    let http = got.iter().find(|r| r.0 == "http").unwrap();
    assert_eq!((&http.1, &http.3), (&json!(1), &json!(377_000.0)));
    assert_eq!(got.len(), 5);
    let run = ask("srs", &url, &["active", "--collectors", "ffmpeg"], &[]);
    run.assert_failure(2, "");
    assert_eq!(
        run.stderr,
        "sessions: SRS has no ffmpeg sessions (its collectors: hls, http, rtmp, srt, webrtc)\n"
    );
}

/// The clients of one reply of the live capture `srs-clients-sequence.json` (twelve replies
/// 0.8 s apart while the player `a550r076` ages from 26.7 s to 35.8 s).
fn replied(n: usize) -> Vec<Client> {
    let sequence = fixture_json("srs/clients-sequence.json");
    let clients = sequence[n]["reply"]["clients"].as_array().unwrap();
    clients.iter().map(Client::from_json).collect()
}

const YOUNG: &str = "a550r076";

#[test]
fn a_kbps_of_0_before_the_first_window_is_unknown_everywhere() {
    // 30.05 s old, 1.4 MB sent, `send_30s` still 0: not measured.
    let server = Srs::start(replied(4));
    let url = server.url();
    let listed = rows(&ask("srs", &url, &["active", "-o", "json"], &[]));
    let young = listed.iter().find(|r| r["id"] == YOUNG).unwrap();
    assert_eq!(
        (&young["age_s"], &young["tx_bytes"]),
        (&json!(30), &json!(1_443_841))
    );
    assert!(
        young["tx_bit_s"].is_null() && young["rx_bit_s"].is_null(),
        "{young}"
    );
    let table = ask("srs", &url, &["active"], &[]);
    let cells = table_row(&table.stdout, &["rtmp", YOUNG]);
    assert_eq!(cells[4..8], ["player", "30s", "-", "-"], "{cells:?}");
    // No sample for it; the collector's sum is unknown while one of its rates is.
    let scrape = ask(
        "srs",
        &url,
        &["active", "-o", "prometheus", "--per-session"],
        &[],
    );
    scrape.assert_success();
    let rates: Vec<&str> = scrape
        .stdout
        .lines()
        .filter(|l| l.contains("bit") && l.contains(YOUNG))
        .collect();
    assert!(rates.is_empty(), "{rates:?}");
    assert!(
        scrape.stdout.contains("2i07351m"),
        "the older players have theirs"
    );
    let summary = ask(
        "srs",
        &url,
        &["summary", "--collectors", "rtmp", "-o", "json"],
        &[],
    );
    assert!(summary.json()["collectors"][0]["tx_bit_s"].is_null());
    // 32.55 s: SRS has computed its first window; 382 kbit/s × 1000.
    server.update(|clients| *clients = replied(7));
    let listed = rows(&ask("srs", &url, &["active", "-o", "json"], &[]));
    let young = listed.iter().find(|r| r["id"] == YOUNG).unwrap();
    assert_eq!(
        (&young["rx_bit_s"], &young["tx_bit_s"]),
        (&json!(0.0), &json!(382_000.0))
    );
}

#[test]
fn a_watch_measures_no_rate_over_less_than_srss_3_s() {
    // The counters moved between two looks 0.8 s apart (SRS moves them every 3 s): 135,359
    // bytes in 0.8 s would read 1.35 Mbit/s against a real 0.38.
    let server = Srs::start(replied(2));
    server.between_pages(|n, clients| {
        if n > 0 {
            *clients = replied(3);
        }
    });
    let args = [
        "watch",
        "-o",
        "ndjson",
        "--rounds",
        "2",
        "--interval",
        "800ms",
    ];
    let watch = ask("srs", &server.url(), &args, &[]);
    watch.assert_success();
    let updated: Vec<Value> = watch
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|e| e["event"] == "updated" && e["session"]["id"] == YOUNG)
        .collect();
    assert_eq!(updated.len(), 1, "{}", watch.stdout);
    assert_eq!(updated[0]["session"]["tx_bytes"], 1_443_841);
    assert!(
        updated[0]["session"]["tx_bit_s"].is_null(),
        "{}",
        updated[0]
    );
}
