//! The SRS source against a loopback stand-in that pages as SRS does (`start`, `count` of at
//! least 10, clients sorted by id) and answers kicks and refusals with SRS's codes.

use super::*;
use crate::source::loopback::{self, Canned, Request, fixture, kick_one, login, serve};

fn client(id: &str, kind: &str) -> String {
    format!(
        r#"{{"id":"{id}","vhost":"vid-1","stream":"vid-2","ip":"10.0.0.1","pageUrl":"","swfUrl":"","tcUrl":"rtmp://h/live","url":"/live/cam1","name":"cam1","type":"{kind}","publish":false,"alive":40.5,"send_bytes":1000,"recv_bytes":20,"kbps":{{"recv_30s":1,"send_30s":300}}}}"#
    )
}

/// SRS's paging over `ids`: `start = max(0, start)`, `count = max(10, count)`.
fn page(ids: &[String], req: &Request) -> Canned {
    let number = |k: &str| {
        req.query(k)
            .and_then(|v| v.parse::<usize>().ok())
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
    Canned::json(
        200,
        format!(
            r#"{{"code":0,"server":"s","clients":[{}]}}"#,
            items.join(",")
        ),
    )
}

fn srs(server: &loopback::Server, credentials: Credentials, max_body: u64) -> Srs {
    Srs::new(server.url.clone(), credentials, loopback::net(max_body)).unwrap()
}

#[tokio::test]
async fn every_page_is_fetched_and_every_client_listed_once() {
    let ids: Vec<String> = (0..1234).map(|i| format!("c{i:05}")).collect();
    let all = ids.clone();
    let server = serve(move |req| page(&all, req)).await;
    let mut source = srs(&server, Credentials::default(), 1 << 20);
    let sessions = source.active(&Collector::ALL).await.unwrap();
    let mut got: Vec<&str> = sessions.iter().map(|s| s.id.as_str()).collect();
    got.sort_unstable();
    assert_eq!(got, ids);
    assert_eq!(
        server.lines(),
        [
            "GET /api/v1/clients/?start=0&count=500",
            "GET /api/v1/clients/?start=484&count=500",
            "GET /api/v1/clients/?start=968&count=500",
        ]
    );
    let flv = sessions.iter().find(|s| s.id == "c00001").unwrap();
    assert_eq!(flv.collector, Collector::Http);
    assert_eq!((flv.rx_bytes, flv.tx_bytes), (Some(20), Some(1000)));
    assert_eq!(flv.tx_bit_s, Some(300_000.0));
    let webrtc = source.active(&[Collector::Webrtc]).await.unwrap();
    assert_eq!(webrtc.len(), 1234 / 5 + 1);
}

#[tokio::test]
async fn a_server_that_ignores_start_does_not_loop_forever() {
    let ids: Vec<String> = (0..600).map(|i| format!("c{i:05}")).collect();
    let server = serve(move |_| {
        page(
            &ids,
            &Request {
                method: "GET".into(),
                target: "/?count=500".into(),
                headers: vec![],
            },
        )
    })
    .await;
    let sessions = srs(&server, Credentials::default(), 1 << 20)
        .active(&Collector::ALL)
        .await
        .unwrap();
    assert_eq!(sessions.len(), 500);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn credentials_go_as_basic_auth_and_a_refusal_is_exit_5() {
    let server = serve(|req| match req.header("authorization") {
        Some("Basic YWRtaW46QURN") => Canned::json(200, fixture("srs/api-v1-clients-default.json")),
        _ => Canned::text(401, "Unauthorized"),
    })
    .await;
    let sessions = srs(&server, login("admin", "ADM"), 1 << 20)
        .active(&Collector::ALL)
        .await
        .unwrap();
    assert_eq!(sessions.len(), 10);
    let err = srs(&server, Credentials::default(), 1 << 20)
        .active(&Collector::ALL)
        .await
        .unwrap_err();
    assert_eq!(err.exit_code(), 5);
    let host = loopback_host(&server);
    assert_eq!(
        err.to_string(),
        format!(
            "{host} requires a login (HTTP 401 Unauthorized: Unauthorized): pass --user NAME with SESSIONS_PASSWORD or --password-stdin"
        )
    );
    let err = srs(&server, login("admin", "wrong"), 1 << 20)
        .summary(&Collector::ALL)
        .await
        .unwrap_err();
    assert_eq!(err.exit_code(), 5);
    assert!(
        err.to_string().contains("refused the login as 'admin'"),
        "{err}"
    );
}

fn loopback_host(server: &loopback::Server) -> String {
    format!("127.0.0.1:{}", server.url.port().unwrap())
}

#[tokio::test]
async fn kick_deletes_the_client_and_a_refusal_is_exit_4() {
    let server = serve(|req| match req.path() {
        "/api/v1/clients/a352nc8l" => Canned::json(200, fixture("srs/api-v1-client-delete.json")),
        _ => Canned::json(200, r#"{"code":2049}"#),
    })
    .await;
    let mut source = srs(&server, Credentials::default(), 1 << 20);
    let flv = wire::parse_page(
        &fixture("srs/api-v1-clients-default.json"),
        SystemTime::now(),
    )
    .unwrap()
    .unwrap()
    .sessions
    .into_iter()
    .find(|s| s.id == "a352nc8l")
    .unwrap();
    kick_one(&mut source, &flv).await.unwrap();
    let mut gone = flv.clone();
    gone.id = "zzz/../x".into();
    let err = kick_one(&mut source, &gone).await.unwrap_err();
    assert_eq!(err.exit_code(), 4);
    assert_eq!(
        err.to_string(),
        format!(
            "{} refused to kick client 'zzz/../x': SRS code 2049 (no such client: it may have left)",
            loopback_host(&server)
        )
    );
    assert_eq!(
        server.lines(),
        [
            "DELETE /api/v1/clients/a352nc8l",
            "DELETE /api/v1/clients/zzz%2F..%2Fx"
        ]
    );
}

#[tokio::test]
async fn bad_replies_are_one_line_and_exit_4() {
    let whole = fixture("srs/api-v1-clients-default.json");
    let cases: Vec<(Canned, &str)> = vec![
        (
            Canned::json(200, whole[..100].to_vec()),
            "sent a truncated reply: the JSON ends early",
        ),
        (
            Canned::html(502, "<html><body><h1>502 Bad Gateway</h1></body></html>"),
            "answered HTTP 502 Bad Gateway: 502 Bad Gateway; is --url SRS's HTTP API",
        ),
        (
            Canned::html(200, "<html>welcome</html>"),
            "answered with an HTML page",
        ),
        (
            Canned::json(200, r#"{"code":0,"clients":[{"id":1}]}"#),
            "sent a reply of an unexpected shape",
        ),
        (
            Canned::json(200, r#"{"code":1001}"#),
            "refused the client list (SRS code 1001)",
        ),
        (
            Canned::json(200, vec![b' '; 5000]),
            "larger than --max-body-size (4096 bytes)",
        ),
        (
            Canned::Raw(b"HTTP/1.1 200 OK\r\nContent-Length: 900\r\n\r\n{\"code\":0,".to_vec()),
            "broke off the reply",
        ),
    ];
    for (canned, want) in cases {
        let canned = std::sync::Mutex::new(Some(canned));
        let server = serve(move |_| canned.lock().unwrap().take().unwrap()).await;
        let err = srs(&server, Credentials::default(), 4096)
            .active(&Collector::ALL)
            .await
            .unwrap_err();
        assert_eq!(err.exit_code(), 4, "{err}");
        let text = err.to_string();
        assert!(text.contains(want), "{text}");
        assert!(!text.contains('\n'), "{text}");
    }
}

#[tokio::test]
async fn summary_counts_each_collector_and_collectors_srs_lacks_are_refused() {
    let server =
        serve(|_| Canned::json(200, fixture("srs/api-v1-clients-count100-after35s.json"))).await;
    let mut source = srs(&server, Credentials::default(), 1 << 20);
    let SourceSummary::Collectors(rows) = source.summary(&Collector::ALL).await.unwrap() else {
        panic!("not a collector summary");
    };
    let rtmp = rows
        .iter()
        .find(|r| r.collector == Collector::Rtmp)
        .unwrap();
    assert_eq!(rtmp.active_sessions, 11);
    assert_eq!(rtmp.rx_bit_s, Some(375_000.0));
    assert_eq!(rtmp.tx_bit_s, Some(3_751_000.0));
    let http = rows
        .iter()
        .find(|r| r.collector == Collector::Http)
        .unwrap();
    assert_eq!((http.active_sessions, http.tx_bit_s), (1, Some(377_000.0)));
    assert_eq!(rows.len(), 5);
    let err = source.active(&[Collector::Ffmpeg]).await.unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert_eq!(
        err.to_string(),
        "SRS has no ffmpeg sessions (its collectors: hls, http, rtmp, srt, webrtc)"
    );
}
