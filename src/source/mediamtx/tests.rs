//! The MediaMTX source against a loopback stand-in that pages as `paginate.go` does, answers a
//! switched-off server's routes with gin's plain 404, and records kicks.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::*;
use crate::source::Secret;
use crate::source::loopback::{self, Canned, Request, fixture, kick_one, login, serve};

fn item(id: &str) -> String {
    format!(
        r#"{{"id":"{id}","created":"2026-11-30T12:00:01.5+01:00","remoteAddr":"198.51.100.7:5000","state":"read","path":"live/cam","query":"","user":"","userAgent":"","inboundBytes":10,"outboundBytes":2000,"bytesReceived":10,"bytesSent":2000}}"#
    )
}

/// `paginate.go` over the items of each kind that is switched on.
fn stand_in(kinds: HashMap<&'static str, Vec<String>>) -> impl Fn(&Request) -> Canned {
    move |req| {
        if req.path() == "/v3/info" {
            return Canned::json(200, fixture("mediamtx/v3-info.json"));
        }
        let Some(kind) = req
            .path()
            .strip_prefix("/v3/")
            .and_then(|p| p.strip_suffix("/list"))
        else {
            return Canned::text(404, fixture("mediamtx/v3-disabled-server-404.txt"));
        };
        let Some(ids) = kinds.get(kind) else {
            return Canned::text(404, fixture("mediamtx/v3-disabled-server-404.txt"));
        };
        let per_page: usize = req
            .query("itemsPerPage")
            .map_or(Some(100), |v| v.parse().ok())
            .unwrap_or(0);
        if per_page == 0 {
            return Canned::json(400, fixture("mediamtx/v3-list-itemsPerPage0-400.json"));
        }
        let page: usize = req.query("page").and_then(|v| v.parse().ok()).unwrap_or(0);
        let items: Vec<String> = ids
            .iter()
            .skip(page * per_page)
            .take(per_page)
            .map(|id| item(id))
            .collect();
        Canned::json(
            200,
            format!(
                r#"{{"itemCount":{},"pageCount":{},"items":[{}]}}"#,
                ids.len(),
                ids.len().div_ceil(per_page),
                items.join(",")
            ),
        )
    }
}

fn ids(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}-{i:05}")).collect()
}

fn mediamtx(server: &loopback::Server, credentials: Credentials) -> Mediamtx {
    Mediamtx::new(server.url.clone(), credentials, loopback::net(16 << 20)).unwrap()
}

fn host(server: &loopback::Server) -> String {
    format!("127.0.0.1:{}", server.url.port().unwrap())
}

#[tokio::test]
async fn every_page_of_every_kind_that_is_on() {
    let kinds = HashMap::from([
        ("rtmpconns", ids("rtmp", 2500)),
        ("webrtcsessions", ids("webrtc", 1)),
        ("rtspsessions", vec![]),
        ("srtconns", vec![]),
        ("hlssessions", vec![]),
    ]);
    let server = serve(stand_in(kinds)).await;
    let mut source = mediamtx(&server, Credentials::default());
    let sessions = source.active(&Collector::ALL).await.unwrap();
    assert_eq!(sessions.len(), 2501);
    let rtmp: HashSet<&str> = sessions
        .iter()
        .filter(|s| s.collector == Collector::Rtmp)
        .map(|s| s.id.as_str())
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
    let s = sessions
        .iter()
        .find(|s| s.collector == Collector::Webrtc)
        .unwrap();
    assert_eq!(s.reference, "live/cam");
    assert_eq!(s.created_at.unwrap().to_string(), "2026-11-30T11:00:01Z");
    assert_eq!(
        (s.rx_bytes, s.tx_bytes, s.rx_bit_s),
        (Some(10), Some(2000), None)
    );
    let SourceSummary::Collectors(rows) = source.summary(&Collector::ALL).await.unwrap() else {
        panic!("not a collector summary");
    };
    let got: Vec<(Collector, u64)> = rows
        .iter()
        .map(|r| (r.collector, r.active_sessions))
        .collect();
    assert_eq!(
        got,
        [
            (Collector::Hls, 0),
            (Collector::Rtmp, 2500),
            (Collector::Rtsp, 0),
            (Collector::Srt, 0),
            (Collector::Webrtc, 1),
        ],
        "no rows for the switched-off rtmps and rtsps"
    );
    // The counters did not move between the two looks: a rate of 0, no longer unknown.
    assert_eq!(rows[1].rx_bit_s, Some(0.0));
}

#[tokio::test]
async fn pages_follow_page_count_and_ids_count_once() {
    let server = serve(
        |req: &Request| match (req.path(), req.query("page").as_deref()) {
            ("/v3/rtmpconns/list", Some("0")) => Canned::json(
                200,
                fixture("mediamtx/v3-rtmpconns-list-itemsPerPage2-page0.json"),
            ),
            ("/v3/rtmpconns/list", Some("1")) => Canned::json(
                200,
                fixture("mediamtx/v3-rtmpconns-list-itemsPerPage2-page0.json"),
            ),
            ("/v3/rtmpconns/list", Some("2")) => Canned::json(
                200,
                fixture("mediamtx/v3-rtmpconns-list-itemsPerPage2-page1.json"),
            ),
            _ => Canned::text(404, fixture("mediamtx/v3-disabled-server-404.txt")),
        },
    )
    .await;
    let sessions = mediamtx(&server, Credentials::default())
        .active(&[Collector::Rtmp])
        .await
        .unwrap();
    // pageCount 2: page 2 is never asked for; page 1 repeats page 0's ids.
    assert_eq!(sessions.len(), 2);
    assert_eq!(server.requests().len(), 2);
    // A server that ignores `page` and claims endless pages is not asked forever.
    let endless = String::from_utf8(fixture(
        "mediamtx/v3-rtmpconns-list-itemsPerPage2-page0.json",
    ))
    .unwrap()
    .replace(r#""pageCount": 2"#, r#""pageCount": 999999999"#);
    assert!(endless.contains("999999999"));
    let server = serve(move |_| Canned::json(200, endless.clone())).await;
    let sessions = mediamtx(&server, Credentials::default())
        .active(&[Collector::Rtmp])
        .await
        .unwrap();
    assert_eq!((sessions.len(), server.requests().len()), (2, 2));
}

#[tokio::test]
async fn a_server_with_every_list_off_is_empty_and_another_server_is_an_error() {
    let server = serve(stand_in(HashMap::new())).await;
    let sessions = mediamtx(&server, Credentials::default())
        .active(&[Collector::Rtmps])
        .await
        .unwrap();
    assert!(sessions.is_empty());
    let other = serve(|_| Canned::text(404, fixture("mediamtx/v3-disabled-server-404.txt"))).await;
    let err = mediamtx(&other, Credentials::default())
        .active(&Collector::ALL)
        .await
        .unwrap_err();
    assert_eq!(err.exit_code(), 4);
    assert_eq!(
        err.to_string(),
        format!(
            "{} has no /v3/info: is --url MediaMTX's API (http://HOST:9997, `api: yes`)?",
            host(&other)
        )
    );
}

#[tokio::test]
async fn basic_auth_or_a_jwt_and_refusals_are_exit_5() {
    let server = serve(|req| match req.header("authorization") {
        Some("Basic YXBpOnNlY3JldA==") | Some("Bearer e30.e30.x") => {
            Canned::json(200, fixture("mediamtx/v3-hlssessions-list.json"))
        }
        _ => Canned::json(401, r#"{"status":"error","error":"authentication error"}"#),
    })
    .await;
    let basic = mediamtx(&server, login("api", "secret"))
        .active(&[Collector::Hls])
        .await;
    assert_eq!(basic.unwrap().len(), 1);
    let jwt = Credentials {
        token: Some(Secret::new("e30.e30.x")),
        ..Credentials::default()
    };
    assert_eq!(
        mediamtx(&server, jwt)
            .active(&[Collector::Hls])
            .await
            .unwrap()
            .len(),
        1
    );
    let err = mediamtx(&server, login("api", "nope"))
        .active(&[Collector::Hls])
        .await
        .unwrap_err();
    assert_eq!(err.exit_code(), 5);
    assert_eq!(
        err.to_string(),
        format!(
            "{} refused the login as 'api' (HTTP 401 Unauthorized: authentication error): check --user and the password",
            host(&server)
        )
    );
}

#[tokio::test]
async fn kick_posts_to_the_sessions_kind_and_a_refusal_is_exit_4() {
    let server = serve(|req| match (req.method.as_str(), req.path()) {
        ("POST", "/v3/webrtcsessions/kick/e0f9e038-eb8f-424f-b804-d82098418117") => {
            Canned::json(200, fixture("mediamtx/v3-kick-ok.json"))
        }
        _ => Canned::json(404, fixture("mediamtx/v3-kick-not-found-404.json")),
    })
    .await;
    let now = SystemTime::now();
    let body = fixture("mediamtx/v3-webrtcsessions-list.json");
    let webrtc = wire::parse_page(&body, Collector::Webrtc, now)
        .unwrap()
        .sessions;
    let mut source = mediamtx(&server, Credentials::default());
    kick_one(&mut source, &webrtc[0]).await.unwrap();
    let body = fixture("mediamtx/v3-rtmpconns-list-itemsPerPage2-page1.json");
    let rtmp = wire::parse_page(&body, Collector::Rtmp, now)
        .unwrap()
        .sessions;
    let err = kick_one(&mut source, &rtmp[0]).await.unwrap_err();
    assert_eq!(err.exit_code(), 4);
    assert_eq!(
        err.to_string(),
        format!(
            "{} refused to kick rtmp session 'ed038db4-de38-4784-a6d0-b944a2863a7f' (HTTP 404 Not Found: connection not found): it may have left",
            host(&server)
        )
    );
    assert_eq!(
        server.lines(),
        [
            "POST /v3/webrtcsessions/kick/e0f9e038-eb8f-424f-b804-d82098418117",
            "POST /v3/rtmpconns/kick/ed038db4-de38-4784-a6d0-b944a2863a7f",
        ]
    );
}

#[tokio::test]
async fn bad_replies_are_one_line_and_exit_4() {
    let whole = fixture("mediamtx/v3-srtconns-list.json");
    let cases: Vec<(Canned, &str)> = vec![
        (
            Canned::json(200, whole[..whole.len() / 2].to_vec()),
            "sent a truncated reply: the JSON ends early",
        ),
        (
            Canned::html(200, "<html><body>router login</body></html>"),
            "answered with an HTML page",
        ),
        (
            Canned::json(200, r#"{"items":{}}"#),
            "sent a reply of an unexpected shape",
        ),
        (
            Canned::json(500, r#"{"status":"error","error":"boom\nline"}"#),
            "answered HTTP 500 Internal Server Error: boom line; is --url MediaMTX's API",
        ),
    ];
    for (canned, want) in cases {
        let canned = Arc::new(Mutex::new(Some(canned)));
        let server = serve(move |_| {
            canned
                .lock()
                .unwrap()
                .take()
                .unwrap_or(Canned::text(404, ""))
        })
        .await;
        let err = mediamtx(&server, Credentials::default())
            .active(&[Collector::Srt])
            .await
            .unwrap_err();
        assert_eq!(err.exit_code(), 4, "{err}");
        let text = err.to_string();
        assert!(text.contains(want), "{text}");
        assert!(!text.contains('\n'), "{text}");
    }
}
