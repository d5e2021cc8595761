//! The MediaMTX and SRS stand-ins against the captured samples and their paging rules.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::support::servers::mediamtx::{self, Conn, Kind, MediaMtx};
use crate::support::servers::srs::{Client, Srs};
use crate::support::servers::{fetch, get};
use crate::support::{fixture, fixture_json};

#[test]
fn mediamtx_stand_in_pages_every_item_in_exactly_page_count_requests() {
    let rtmp: Vec<Conn> = (0..250).map(|n| Conn::numbered(Kind::Rtmp, n)).collect();
    let webrtc: Vec<Conn> = (0..3).map(|n| Conn::numbered(Kind::Webrtc, n)).collect();
    let server = MediaMtx::start([rtmp.clone(), webrtc].concat());
    let base = format!("{}/v3/rtmpconns/list", server.url());

    let first = get(&base, None).json();
    assert_eq!(
        (first["itemCount"].as_u64(), first["pageCount"].as_u64()),
        (Some(250), Some(3))
    );
    assert_eq!(
        first["items"].as_array().unwrap().len(),
        100,
        "100 per page by default"
    );

    let mut seen = Vec::new();
    let mut page = 0;
    loop {
        let body = get(&format!("{base}?itemsPerPage=100&page={page}"), None).json();
        seen.extend(
            body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].clone()),
        );
        page += 1;
        if page >= body["pageCount"].as_u64().unwrap() {
            break;
        }
    }
    let expected: Vec<Value> = rtmp.iter().map(|c| Value::from(c.id.clone())).collect();
    assert_eq!(seen, expected);
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(
        targets,
        [
            "/v3/rtmpconns/list",
            "/v3/rtmpconns/list?itemsPerPage=100&page=0",
            "/v3/rtmpconns/list?itemsPerPage=100&page=1",
            "/v3/rtmpconns/list?itemsPerPage=100&page=2",
        ]
    );
}

#[test]
fn mediamtx_stand_in_answers_as_the_samples() {
    let page0 = fixture_json("mediamtx/v3-rtmpconns-list-itemsPerPage2-page0.json");
    let page1 = fixture_json("mediamtx/v3-rtmpconns-list-itemsPerPage2-page1.json");
    let items = [
        page0["items"].as_array().unwrap().clone(),
        page1["items"].as_array().unwrap().clone(),
    ]
    .concat();
    let mut conns: Vec<Conn> = items
        .iter()
        .map(|i| Conn::from_item(Kind::Rtmp, i))
        .collect();
    for (kind, file) in [
        (Kind::Rtsp, "v3-rtspsessions-list.json"),
        (Kind::Srt, "v3-srtconns-list.json"),
        (Kind::Webrtc, "v3-webrtcsessions-list.json"),
        (Kind::Hls, "v3-hlssessions-list.json"),
    ] {
        conns.push(Conn::from_item(
            kind,
            &fixture_json(&format!("mediamtx/{file}"))["items"][0],
        ));
    }
    let options = mediamtx::Options {
        basic: Some(("api".into(), "api-pw".into())),
        ..Default::default()
    };
    let server = MediaMtx::start_with(conns, options);
    let auth = Some(("api", "api-pw"));
    let call = |method: &str, path: &str| fetch(method, &format!("{}{path}", server.url()), auth);

    assert_eq!(
        call("GET", "/v3/rtmpconns/list?itemsPerPage=2&page=0").json(),
        page0
    );
    assert_eq!(
        call("GET", "/v3/rtmpconns/list?itemsPerPage=2&page=1").json(),
        page1
    );
    for (kind, file) in [
        ("rtspsessions", "v3-rtspsessions-list.json"),
        ("srtconns", "v3-srtconns-list.json"),
        ("webrtcsessions", "v3-webrtcsessions-list.json"),
        ("hlssessions", "v3-hlssessions-list.json"),
        ("moqsessions", "v3-moqsessions-list-empty.json"),
    ] {
        let listed = call("GET", &format!("/v3/{kind}/list"));
        assert_eq!(
            listed.json(),
            fixture_json(&format!("mediamtx/{file}")),
            "{kind}"
        );
    }
    let zero = call("GET", "/v3/rtmpconns/list?itemsPerPage=0");
    assert_eq!(
        (zero.status, zero.json()),
        (400, fixture_json("mediamtx/v3-list-itemsPerPage0-400.json"))
    );
    let off = call("GET", "/v3/rtmpsconns/list");
    assert_eq!(
        (off.status, off.body),
        (404, fixture("mediamtx/v3-disabled-server-404.txt"))
    );
    let refused = fetch("GET", &format!("{}/v3/rtmpconns/list", server.url()), None);
    assert_eq!(refused.status, 401);
    assert_eq!(refused.json()["error"], "authentication error");
    assert_eq!(
        refused.header("www-authenticate"),
        Some("Basic realm=\"mediamtx\"")
    );

    let id = "ed038db4-de38-4784-a6d0-b944a2863a7f";
    let kicked = call("POST", &format!("/v3/rtmpconns/kick/{id}"));
    assert_eq!(
        (kicked.status, kicked.json()),
        (200, fixture_json("mediamtx/v3-kick-ok.json"))
    );
    let again = call("POST", &format!("/v3/rtmpconns/kick/{id}"));
    assert_eq!(
        (again.status, again.json()),
        (404, fixture_json("mediamtx/v3-kick-not-found-404.json"))
    );
    assert_eq!(call("POST", "/v3/rtmpconns/kick/nope").status, 400);
    assert_eq!(call("GET", "/v3/rtmpconns/list").json()["itemCount"], 2);

    let legacy = fixture_json("mediamtx/v1.16-rtmpconns-list.json");
    let old = MediaMtx::start_with(
        vec![Conn::from_item(Kind::Rtmp, &legacy["items"][0])],
        mediamtx::Options {
            v1_16: true,
            ..Default::default()
        },
    );
    assert_eq!(
        get(&format!("{}/v3/rtmpconns/list", old.url()), None).json(),
        legacy
    );
    assert_eq!(
        get(&format!("{}/v3/hlssessions/list", old.url()), None).status,
        404
    );
}

#[test]
fn srs_stand_in_truncates_like_srs_and_pages_completely() {
    let clients: Vec<Client> = (0..25).map(Client::numbered).collect();
    let server = Srs::start(clients.clone());
    let base = format!("{}/api/v1/clients/", server.url());
    let ids = |body: &Value| -> Vec<String> {
        let list = body["clients"].as_array().unwrap();
        list.iter()
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(&get(&base, None).json()).len(), 10, "10 without count");
    assert_eq!(
        ids(&get(&format!("{base}?count=3"), None).json()).len(),
        10,
        "count < 10 is 10"
    );

    let mut seen = Vec::new();
    for start in (0..).step_by(10) {
        let page = ids(&get(&format!("{base}?start={start}&count=10"), None).json());
        let last = page.len() < 10;
        seen.extend(page);
        if last {
            break;
        }
    }
    let expected: Vec<String> = clients.iter().map(|c| c.id.clone()).collect();
    assert_eq!(seen, expected);
    let paged: Vec<_> = server
        .requests()
        .into_iter()
        .skip(2)
        .map(|r| r.target)
        .collect();
    assert_eq!(
        paged,
        [
            "/api/v1/clients/?start=0&count=10",
            "/api/v1/clients/?start=10&count=10",
            "/api/v1/clients/?start=20&count=10",
        ]
    );
}

#[test]
fn srs_stand_in_answers_byte_for_byte_as_the_captures() {
    // The capture without `count` was taken a moment before the one with it (other `alive`s):
    // its 10 clients plus the 2 it left out make the server it came from.
    let default = fixture_json("srs/api-v1-clients-default.json");
    let mut earlier: Vec<Client> = default["clients"]
        .as_array()
        .unwrap()
        .iter()
        .map(Client::from_json)
        .collect();
    let shown: BTreeSet<String> = earlier.iter().map(|c| c.id.clone()).collect();
    earlier.extend(
        Client::captured()
            .into_iter()
            .filter(|c| !shown.contains(&c.id)),
    );
    assert_eq!(earlier.len(), 12);
    let before = Srs::start(earlier);
    let first = get(&format!("{}/api/v1/clients/", before.url()), None);
    assert_eq!(first.body, fixture("srs/api-v1-clients-default.json"));

    let server = Srs::start_with(Client::captured(), Some(("admin", "srs-pw")));
    let auth = Some(("admin", "srs-pw"));
    let call = |method: &str, path: &str| fetch(method, &format!("{}{path}", server.url()), auth);
    assert_eq!(
        call("GET", "/api/v1/clients/?count=100").body,
        fixture("srs/api-v1-clients-count100.json")
    );
    let moved = call("GET", "/api/v1/clients?count=100");
    assert_eq!(
        (moved.status, moved.header("location")),
        (302, Some("/api/v1/clients/?count=100"))
    );

    let streams = call("GET", "/api/v1/streams/").json();
    let captured = fixture_json("srs/api-v1-streams.json");
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&streams["streams"][0]), keys(&captured["streams"][0]));
    assert_eq!(streams["streams"][0]["clients"], 12);
    assert_eq!(
        streams["streams"][0]["publish"],
        captured["streams"][0]["publish"]
    );

    let deleted = call("DELETE", "/api/v1/clients/a352nc8l");
    assert_eq!(deleted.body, fixture("srs/api-v1-client-delete.json"));
    assert_eq!(
        call("DELETE", "/api/v1/clients/a352nc8l").body,
        r#"{"code":2049}"#
    );
    assert_eq!(
        call("GET", "/api/v1/clients/a352nc8l").body,
        r#"{"code":2049}"#
    );
    assert_eq!(server.clients().len(), 11);

    let url = format!("{}/api/v1/clients/", server.url());
    let anonymous = fetch("GET", &url, None);
    assert_eq!(
        (anonymous.status, anonymous.header("www-authenticate")),
        (401, Some("Basic"))
    );
    let wrong = fetch("GET", &url, Some(("admin", "nope")));
    assert_eq!(
        (wrong.status, wrong.header("www-authenticate")),
        (401, None)
    );

    let one = fixture_json("srs/api-v1-client-get-flv.json");
    let single = Srs::start(vec![Client::from_json(&one["client"])]);
    let got = get(&format!("{}/api/v1/clients/a352nc8l", single.url()), None);
    assert_eq!(got.body, fixture("srs/api-v1-client-get-flv.json"));
}

/// What makes de-duplication and complete paging necessary: between two page requests a client
/// leaves (the next page skips one) or comes back (the next page repeats one).
#[test]
fn stand_ins_shift_pages_when_sessions_come_and_go_between_requests() {
    let clients: Vec<Client> = (0..25).map(Client::numbered).collect();
    let srs = Srs::start(clients.clone());
    let page = |start: usize| -> Vec<String> {
        let url = format!("{}/api/v1/clients/?start={start}&count=10", srs.url());
        let body = get(&url, None).json();
        let list = body["clients"].as_array().unwrap();
        list.iter()
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect()
    };
    let id = |n: usize| clients[n].id.clone();
    assert_eq!(page(0), (0..10).map(id).collect::<Vec<_>>());
    srs.update(|c| {
        c.remove(0);
    });
    assert_eq!(
        page(10),
        (11..21).map(id).collect::<Vec<_>>(),
        "client 10 skipped"
    );
    srs.update(|c| c.push(clients[0].clone()));
    assert_eq!(
        page(20),
        (20..25).map(id).collect::<Vec<_>>(),
        "client 20 again"
    );
    assert_eq!(srs.clients().len(), 25);

    let conns: Vec<Conn> = (0..25).map(|n| Conn::numbered(Kind::Srt, n)).collect();
    let mtx = MediaMtx::start(conns.clone());
    let page = |page: usize| -> Vec<String> {
        let url = format!("{}/v3/srtconns/list?itemsPerPage=10&page={page}", mtx.url());
        let body = get(&url, None).json();
        let items = body["items"].as_array().unwrap();
        items
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect()
    };
    let id = |n: usize| conns[n].id.clone();
    assert_eq!(page(0), (0..10).map(id).collect::<Vec<_>>());
    mtx.update(|c| {
        c.remove(0);
    });
    assert_eq!(
        page(1),
        (11..21).map(id).collect::<Vec<_>>(),
        "connection 10 skipped"
    );
    assert_eq!(mtx.conns().len(), 24);
}
