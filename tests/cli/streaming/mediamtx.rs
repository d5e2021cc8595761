//! The MediaMTX stand-in with thousands of sessions of five kinds (two kinds switched off):
//! `sessions` fetches every page of every kind, no more, gives the captured values exactly,
//! summarises, kicks by kind, and answers a refused login with exit 5. Then the MediaMTX paging
//! of `paginate.go` and the captured replies served as they are: page counts that lie, every
//! list switched off, Basic auth and JWTs, kicks refused, and replies that cannot be used.

use std::collections::{HashMap, HashSet};

use serde_json::{Value, json};

use super::{ask, by_id, rows, tsv_row};
use crate::support::http::{Reply, Routes, Server};
use crate::support::servers::mediamtx::{self, Conn, Kind, MediaMtx};
use crate::support::{fixture, fixture_json};

/// The captured items (one per kind, three RTMP connections) and numbered ones: 2,348 RTMP
/// connections (three pages of 1,000), exactly one full page of SRT, 121 HLS, 151 WebRTC.
fn many() -> Vec<Conn> {
    let mut conns = Conn::captured();
    for (kind, count) in [
        (Kind::Rtmp, 2345),
        (Kind::Srt, 999),
        (Kind::Hls, 120),
        (Kind::Webrtc, 150),
    ] {
        conns.extend((0..count).map(|n| Conn::numbered(kind, n)));
    }
    conns
}

#[test]
fn every_page_of_every_kind_is_fetched_once_and_nothing_more() {
    let server = MediaMtx::start(many());
    let listed = rows(&ask(
        "mediamtx",
        &server.url(),
        &["active", "-o", "json"],
        &[],
    ));
    assert_eq!(listed.len(), 3621);
    let mut got: Vec<(String, String)> = listed
        .iter()
        .map(|r| {
            (
                r["collector"].as_str().unwrap().into(),
                r["id"].as_str().unwrap().into(),
            )
        })
        .collect();
    got.sort();
    let mut want: Vec<(String, String)> = server
        .conns()
        .iter()
        .map(|c| (collector(c.kind).to_string(), c.id.clone()))
        .collect();
    want.sort();
    assert_eq!(got, want, "every session once");

    let mut asked: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    asked.sort();
    let page = |kind: &str, n: u32| format!("/v3/{kind}/list?page={n}&itemsPerPage=1000");
    let mut expected = vec![
        page("hlssessions", 0),
        page("rtmpconns", 0),
        page("rtmpconns", 1),
        page("rtmpconns", 2),
        page("rtmpsconns", 0),
        page("rtspsessions", 0),
        page("rtspssessions", 0),
        page("srtconns", 0),
        page("webrtcsessions", 0),
    ];
    expected.sort();
    assert_eq!(
        asked, expected,
        "3 pages of rtmp, 1 of the others, 404 for the two off"
    );
}

fn collector(kind: Kind) -> &'static str {
    match kind {
        Kind::Rtsp => "rtsp",
        Kind::Rtsps => "rtsps",
        Kind::Rtmp => "rtmp",
        Kind::Rtmps => "rtmps",
        Kind::Srt => "srt",
        Kind::Webrtc => "webrtc",
        Kind::Hls => "hls",
        Kind::Moq => panic!("MoQ has no collector"),
    }
}

#[test]
fn captured_sessions_come_out_with_their_exact_values() {
    let server = MediaMtx::start(many());
    let tsv = ask("mediamtx", &server.url(), &["active", "-o", "tsv"], &[]);
    tsv.assert_success();
    assert_eq!(
        tsv.stdout.lines().count(),
        3622,
        "a header and every session"
    );
    // Every cell but age_s (it grows): collector, id, reference, local, remote, role,
    // created_at, rx and tx rate, rx and tx bytes, extra.
    let cells = |start: &[&str]| {
        let mut row = tsv_row(&tsv.stdout, start);
        row.remove(7);
        row
    };
    let rtsp = "97524d6a-f51e-4722-821b-609228ce6f24";
    assert_eq!(
        cells(&["rtsp", rtsp]),
        [
            "rtsp",
            rtsp,
            "cam5",
            "",
            "203.0.113.1:40000",
            "publisher",
            "2026-11-30T12:00:01Z",
            "",
            "",
            "8655989331",
            "8892",
            r#"{"inboundRTPPacketsLost":0,"state":"publish","transport":"TCP","userAgent":"LIVE555 Streaming Media v2013.01.25"}"#
        ]
    );
    // SRT gives its own rates (0 Mbit/s here) and only the old byte fields.
    let srt = "71d2af72-93b0-4a04-8d08-5b71ba6676b3";
    assert_eq!(
        cells(&["srt", srt]),
        [
            "srt",
            srt,
            "cam7",
            "",
            "203.0.113.1:40000",
            "publisher",
            "2026-11-30T12:00:01Z",
            "0",
            "0",
            "8252055966",
            "52268",
            r#"{"msRTT":0.25,"packetsReceivedLoss":0,"state":"publish"}"#
        ]
    );
    // HLS counts no bytes received from the viewer.
    let hls = "378c74dc-7eb0-4df4-a2ce-dafb092fdddf";
    assert_eq!(
        cells(&["hls", hls]),
        [
            "hls",
            hls,
            "cam8",
            "",
            "203.0.113.1:40000",
            "player",
            "2026-11-30T12:00:01Z",
            "",
            "",
            "",
            "13273",
            r#"{"userAgent":"AppleCoreMedia/1.0"}"#
        ]
    );

    let json = rows(&ask(
        "mediamtx",
        &server.url(),
        &["active", "-o", "json"],
        &[],
    ));
    let mut reader = by_id(&json, "8a7d43b5-7863-4074-b797-0386fee29476").clone();
    assert!(reader["age_s"].as_u64().is_some());
    reader.as_object_mut().unwrap().remove("age_s");
    assert_eq!(
        reader,
        json!({"collector": "rtmp", "id": "8a7d43b5-7863-4074-b797-0386fee29476",
            "reference": "cam4", "local": "", "remote": "203.0.113.2:40001", "role": "player",
            "created_at": "2026-11-30T12:03:10Z", "rx_bytes": 61703, "tx_bytes": 1006543827,
            "rx_bit_s": null, "tx_bit_s": null, "rx_kibit_s": null, "tx_kibit_s": null,
            "extra": {"query": "token=***", "state": "read"}})
    );
}

#[test]
fn summary_counts_every_kind_and_kick_goes_to_the_sessions_kind() {
    let server = MediaMtx::start(many());
    let url = server.url();
    let summary = ask("mediamtx", &url, &["summary", "-o", "json"], &[]);
    summary.assert_success();
    let got: Vec<(Value, Value, Value, Value)> = summary.json()["collectors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            assert!(
                c["limit_sessions"].is_null() && c["finished"].is_null(),
                "{c}"
            );
            let pick = |k: &str| c[k].clone();
            (
                pick("collector"),
                pick("active_sessions"),
                pick("rx_bit_s"),
                pick("tx_bit_s"),
            )
        })
        .collect();
    let row = |c: &str, n: u64, rate: Value| (json!(c), json!(n), rate.clone(), rate);
    assert_eq!(
        got,
        [
            row("hls", 121, Value::Null),
            row("rtmp", 2348, Value::Null),
            row("rtsp", 1, Value::Null),
            // Only SRT reports rates (0 Mbit/s on every connection here).
            row("srt", 1000, json!(0.0)),
            row("webrtc", 151, Value::Null),
        ]
    );

    let rtmp = Conn::numbered(Kind::Rtmp, 5).id;
    let webrtc = "e0f9e038-eb8f-424f-b804-d82098418117";
    let kicked = ask("mediamtx", &url, &["kick", webrtc, &rtmp, "--yes"], &[]);
    kicked.assert_success();
    assert_eq!(
        kicked.stdout,
        format!("disconnected rtmp {rtmp} cam5\ndisconnected webrtc {webrtc} cam6\n")
    );
    let posts: Vec<String> = server
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .map(|r| r.target)
        .collect();
    assert_eq!(
        posts,
        [
            format!("/v3/rtmpconns/kick/{rtmp}"),
            format!("/v3/webrtcsessions/kick/{webrtc}")
        ]
    );
    assert_eq!(server.conns().len(), 3619);
    assert!(
        !server
            .conns()
            .iter()
            .any(|c| c.id == rtmp || c.id == webrtc)
    );
}

#[test]
fn a_refused_login_is_exit_5_and_an_old_server_still_gives_exact_bytes() {
    let options = mediamtx::Options {
        basic: Some(("api".into(), "api-pw".into())),
        ..Default::default()
    };
    let server = MediaMtx::start_with(vec![Conn::numbered(Kind::Rtmp, 1)], options);
    let url = server.url();
    ask("mediamtx", &url, &["active"], &[]).assert_failure(5, "requires a login");
    let wrong = ask(
        "mediamtx",
        &url,
        &["--user", "api", "active"],
        &[("SESSIONS_PASSWORD", "nope")],
    );
    wrong.assert_failure(
        5,
        "refused the login as 'api' (HTTP 401 Unauthorized: authentication error)",
    );
    let right = ask(
        "mediamtx",
        &url,
        &["--user", "api", "active", "-o", "json"],
        &[("SESSIONS_PASSWORD", "api-pw")],
    );
    assert_eq!(
        rows(&right)[0]["id"],
        Conn::numbered(Kind::Rtmp, 1).id.as_str()
    );

    // v1.16: only bytesReceived/bytesSent, and no HLS route at all.
    let legacy = fixture_json("mediamtx/v1.16-rtmpconns-list.json");
    let old = MediaMtx::start_with(
        vec![Conn::from_item(Kind::Rtmp, &legacy["items"][0])],
        mediamtx::Options {
            v1_16: true,
            ..Default::default()
        },
    );
    let listed = rows(&ask("mediamtx", &old.url(), &["active", "-o", "json"], &[]));
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (&listed[0]["rx_bytes"], &listed[0]["tx_bytes"]),
        (&json!(4856128937u64), &json!(79657))
    );
}

/// An item as MediaMTX lists it, with this id: created 12:00:01.5 at UTC+1, 10 bytes in, 2000
/// out.
fn item(id: &str) -> String {
    format!(
        r#"{{"id":"{id}","created":"2026-11-30T12:00:01.5+01:00","remoteAddr":"198.51.100.7:5000","state":"read","path":"live/cam","query":"","user":"","userAgent":"","inboundBytes":10,"outboundBytes":2000,"bytesReceived":10,"bytesSent":2000}}"#
    )
}

fn numbered(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}-{i:05}")).collect()
}

/// MediaMTX paging as `paginate.go` does over the ids of each kind that is switched on (its
/// list route by name), gin's plain 404 for the others, and `/v3/info`.
fn paging(kinds: HashMap<&'static str, Vec<String>>) -> Server {
    Server::start(move |req| {
        let off = || Reply::text(404, fixture("mediamtx/v3-disabled-server-404.txt"));
        if req.path() == "/v3/info" {
            return Reply::json(200, fixture("mediamtx/v3-info.json"));
        }
        let kind = req.path().strip_prefix("/v3/");
        let Some(ids) = kind
            .and_then(|p| p.strip_suffix("/list"))
            .and_then(|k| kinds.get(k))
        else {
            return off();
        };
        let per_page: usize = req
            .query("itemsPerPage")
            .map_or(Some(100), |v| v.parse().ok())
            .unwrap_or(0);
        if per_page == 0 {
            return Reply::json(400, fixture("mediamtx/v3-list-itemsPerPage0-400.json"));
        }
        let page: usize = req.query("page").and_then(|v| v.parse().ok()).unwrap_or(0);
        let items: Vec<String> = ids
            .iter()
            .skip(page * per_page)
            .take(per_page)
            .map(|id| item(id))
            .collect();
        let body = format!(
            r#"{{"itemCount":{},"pageCount":{},"items":[{}]}}"#,
            ids.len(),
            ids.len().div_ceil(per_page),
            items.join(",")
        );
        Reply::json(200, body)
    })
}

/// `host:port` of a server, as messages name it.
fn host(server: &Server) -> String {
    format!("127.0.0.1:{}", server.port)
}

#[test]
fn every_page_of_every_kind_that_is_on_and_a_row_per_kind_present() {
    let kinds = HashMap::from([
        ("rtmpconns", numbered("rtmp", 2500)),
        ("webrtcsessions", numbered("webrtc", 1)),
        ("rtspsessions", vec![]),
        ("srtconns", vec![]),
        ("hlssessions", vec![]),
    ]);
    let server = paging(kinds);
    let url = server.url();
    let listed = rows(&ask("mediamtx", &url, &["active", "-o", "json"], &[]));
    assert_eq!(listed.len(), 2501);
    let rtmp: HashSet<&str> = listed
        .iter()
        .filter(|s| s["collector"] == "rtmp")
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(rtmp.len(), 2500);
    let mut lines: Vec<String> = server
        .lines()
        .into_iter()
        .filter(|l| l.contains("/v3/rtmp"))
        .collect();
    lines.sort();
    assert_eq!(
        lines,
        [
            "GET /v3/rtmpconns/list?page=0&itemsPerPage=1000",
            "GET /v3/rtmpconns/list?page=1&itemsPerPage=1000",
            "GET /v3/rtmpconns/list?page=2&itemsPerPage=1000",
            "GET /v3/rtmpsconns/list?page=0&itemsPerPage=1000",
        ]
    );
    let webrtc = by_id(&listed, "webrtc-00000");
    assert_eq!(webrtc["collector"], "webrtc");
    assert_eq!(webrtc["reference"], "live/cam");
    assert_eq!(webrtc["created_at"], "2026-11-30T11:00:01Z");
    assert_eq!(
        (
            &webrtc["rx_bytes"],
            &webrtc["tx_bytes"],
            &webrtc["rx_bit_s"]
        ),
        (&json!(10), &json!(2000), &Value::Null)
    );

    let summary = ask("mediamtx", &url, &["summary", "-o", "json"], &[]);
    summary.assert_success();
    let got: Vec<(Value, Value)> = summary.json()["collectors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["collector"].clone(), r["active_sessions"].clone()))
        .collect();
    let row = |c: &str, n: u64| (json!(c), json!(n));
    assert_eq!(
        got,
        [
            row("hls", 0),
            row("rtmp", 2500),
            row("rtsp", 0),
            row("srt", 0),
            row("webrtc", 1),
        ],
        "no rows for the switched-off rtmps and rtsps"
    );

    // The counters did not move between two looks: a rate of 0, no longer unknown.
    let args = ["watch", "--collectors", "webrtc", "--rounds", "2"];
    let watch = ask(
        "mediamtx",
        &url,
        &[&args[..], &["--interval", "100ms"]].concat(),
        &[],
    );
    watch.assert_success();
    let events: Vec<(Value, Value, Value)> = watch
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .map(|e| {
            (
                e["event"].clone(),
                e["session"]["id"].clone(),
                e["session"]["rx_bit_s"].clone(),
            )
        })
        .collect();
    assert_eq!(
        events,
        [
            (json!("added"), json!("webrtc-00000"), Value::Null),
            (json!("updated"), json!("webrtc-00000"), json!(0.0)),
        ]
    );
}

#[test]
fn pages_follow_page_count_and_ids_count_once() {
    let server = Server::start(|req| {
        let page = |n: u32| {
            let name = format!("mediamtx/v3-rtmpconns-list-itemsPerPage2-page{n}.json");
            Reply::json(200, fixture(&name))
        };
        match (req.path(), req.query("page").as_deref()) {
            ("/v3/rtmpconns/list", Some("0") | Some("1")) => page(0),
            ("/v3/rtmpconns/list", Some("2")) => page(1),
            _ => Reply::text(404, fixture("mediamtx/v3-disabled-server-404.txt")),
        }
    });
    let args = ["active", "--collectors", "rtmp", "-o", "json"];
    let listed = rows(&ask("mediamtx", &server.url(), &args, &[]));
    // pageCount 2: page 2 is never asked for; page 1 repeats page 0's ids.
    assert_eq!(listed.len(), 2);
    assert_eq!(
        server.lines(),
        [
            "GET /v3/rtmpconns/list?page=0&itemsPerPage=1000",
            "GET /v3/rtmpconns/list?page=1&itemsPerPage=1000",
        ]
    );

    // A server that ignores `page` and claims endless pages is not asked forever.
    let endless = fixture("mediamtx/v3-rtmpconns-list-itemsPerPage2-page0.json")
        .replace(r#""pageCount": 2"#, r#""pageCount": 999999999"#);
    assert!(endless.contains("999999999"));
    let server = Server::start(move |_| Reply::json(200, endless.clone()));
    let listed = rows(&ask("mediamtx", &server.url(), &args, &[]));
    assert_eq!((listed.len(), server.requests().len()), (2, 2));
}

#[test]
fn a_server_with_every_list_off_is_empty_and_another_server_is_an_error() {
    let server = paging(HashMap::new());
    let run = ask(
        "mediamtx",
        &server.url(),
        &["active", "--collectors", "rtmps", "-o", "json"],
        &[],
    );
    run.assert_success();
    assert_eq!(run.stdout, "[]\n");

    let other = Server::start(|_| Reply::text(404, fixture("mediamtx/v3-disabled-server-404.txt")));
    let run = ask("mediamtx", &other.url(), &["active"], &[]);
    run.assert_failure(4, "");
    assert_eq!(
        run.stderr,
        format!(
            "sessions: {} has no /v3/info: is --url MediaMTX's API (http://HOST:9997, `api: yes`)?\n",
            host(&other)
        )
    );
}

#[test]
fn basic_auth_or_a_jwt_and_refusals_are_exit_5() {
    let server = Server::start(|req| match req.header("authorization") {
        Some("Basic YXBpOnNlY3JldA==") | Some("Bearer e30.e30.x") => {
            Reply::json(200, fixture("mediamtx/v3-hlssessions-list.json"))
        }
        _ => Reply::json(401, r#"{"status":"error","error":"authentication error"}"#),
    });
    let url = server.url();
    let hls = ["active", "--collectors", "hls", "-o", "json"];
    let basic = [&["--user", "api"][..], &hls].concat();
    assert_eq!(
        rows(&ask(
            "mediamtx",
            &url,
            &basic,
            &[("SESSIONS_PASSWORD", "secret")]
        ))
        .len(),
        1
    );
    let jwt = [&["--token", "e30.e30.x"][..], &hls].concat();
    assert_eq!(rows(&ask("mediamtx", &url, &jwt, &[])).len(), 1);
    let run = ask("mediamtx", &url, &basic, &[("SESSIONS_PASSWORD", "nope")]);
    run.assert_failure(5, "");
    assert_eq!(
        run.stderr,
        format!(
            "sessions: {} refused the login as 'api' (HTTP 401 Unauthorized: authentication error): check --user and the password\n",
            host(&server)
        )
    );
}

#[test]
fn kick_posts_to_the_sessions_kind_and_a_refusal_is_exit_4() {
    let webrtc = "e0f9e038-eb8f-424f-b804-d82098418117";
    let rtmp = "ed038db4-de38-4784-a6d0-b944a2863a7f";
    let server = Server::routes(
        Routes::new()
            .at(
                "GET",
                "/v3/webrtcsessions/list",
                Reply::json(200, fixture("mediamtx/v3-webrtcsessions-list.json")),
            )
            .at(
                "GET",
                "/v3/rtmpconns/list",
                Reply::json(
                    200,
                    fixture("mediamtx/v3-rtmpconns-list-itemsPerPage2-page1.json"),
                ),
            )
            .at(
                "POST",
                &format!("/v3/webrtcsessions/kick/{webrtc}"),
                Reply::json(200, fixture("mediamtx/v3-kick-ok.json")),
            )
            .on("POST", &format!("/v3/rtmpconns/kick/{rtmp}"), |_| {
                Reply::json(404, fixture("mediamtx/v3-kick-not-found-404.json"))
            })
            .otherwise(Reply::text(
                404,
                fixture("mediamtx/v3-disabled-server-404.txt"),
            )),
    );
    let run = ask(
        "mediamtx",
        &server.url(),
        &["kick", webrtc, rtmp, "--yes", "-o", "json"],
        &[],
    );
    let refused = format!(
        "{} refused to kick rtmp session '{rtmp}' (HTTP 404 Not Found: connection not found): it may have left",
        host(&server)
    );
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert_eq!(run.stderr, format!("sessions: {refused}\n"));
    let outcomes: Vec<(Value, Value, Value, Value)> = run
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["collector"].clone(),
                o["id"].clone(),
                o["kicked"].clone(),
                o["error"].clone(),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            (json!("rtmp"), json!(rtmp), json!(false), json!(refused)),
            (json!("webrtc"), json!(webrtc), json!(true), Value::Null),
        ]
    );
    let posts: Vec<String> = server
        .lines()
        .into_iter()
        .filter(|l| l.starts_with("POST"))
        .collect();
    assert_eq!(
        posts,
        [
            format!("POST /v3/rtmpconns/kick/{rtmp}"),
            format!("POST /v3/webrtcsessions/kick/{webrtc}"),
        ]
    );
}

#[test]
fn bad_replies_are_one_line_and_exit_4() {
    let whole = fixture("mediamtx/v3-srtconns-list.json");
    let cases = [
        (
            Reply::json(200, &whole.as_bytes()[..whole.len() / 2]),
            "sent a truncated reply: the JSON ends early",
        ),
        (
            Reply::html(200, "<html><body>router login</body></html>"),
            "answered with an HTML page",
        ),
        (
            Reply::json(200, r#"{"items":{}}"#),
            "sent a reply of an unexpected shape",
        ),
        (
            Reply::json(500, r#"{"status":"error","error":"boom\nline"}"#),
            "answered HTTP 500 Internal Server Error: boom line; is --url MediaMTX's API",
        ),
    ];
    for (reply, want) in cases {
        let server = Server::start(move |_| reply.clone());
        let run = ask(
            "mediamtx",
            &server.url(),
            &["active", "--collectors", "srt"],
            &[],
        );
        run.assert_failure(4, want);
        assert_eq!(
            server.lines(),
            ["GET /v3/srtconns/list?page=0&itemsPerPage=1000"]
        );
    }
}
