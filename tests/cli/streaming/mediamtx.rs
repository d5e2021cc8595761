//! The MediaMTX stand-in with thousands of sessions of five kinds (two kinds switched off):
//! `sessions` fetches every page of every kind, no more, gives the captured values exactly,
//! summarises, kicks by kind, and answers a refused login with exit 5.

use serde_json::{Value, json};

use super::{ask, by_id, rows, tsv_row};
use crate::support::fixture_json;
use crate::support::servers::mediamtx::{self, Conn, Kind, MediaMtx};

/// The captured items (one per kind, three RTMP connections) and numbered ones: 2,348 RTMP
/// connections (three pages of 1,000), exactly one full page of SRT, 121 HLS, 151 WebRTC.
fn many() -> Vec<Conn> {
    let mut conns = Vec::new();
    for (kind, file) in [
        (Kind::Rtmp, "v3-rtmpconns-list-itemsPerPage2-page0.json"),
        (Kind::Rtmp, "v3-rtmpconns-list-itemsPerPage2-page1.json"),
        (Kind::Rtsp, "v3-rtspsessions-list.json"),
        (Kind::Srt, "v3-srtconns-list.json"),
        (Kind::Webrtc, "v3-webrtcsessions-list.json"),
        (Kind::Hls, "v3-hlssessions-list.json"),
    ] {
        let page = fixture_json(&format!("mediamtx/{file}"));
        let items = page["items"].as_array().unwrap();
        conns.extend(items.iter().map(|item| Conn::from_item(kind, item)));
    }
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
    // Every cell but age_s (it grows): collector, id, reference, local, remote, created_at,
    // rx and tx rate, rx and tx bytes, extra.
    let cells = |start: &[&str]| {
        let mut row = tsv_row(&tsv.stdout, start);
        row.remove(6);
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
            "reference": "cam4", "local": "", "remote": "203.0.113.2:40001",
            "created_at": "2026-11-30T12:03:10Z", "rx_bytes": 61703, "tx_bytes": 1006543827,
            "rx_bit_s": null, "tx_bit_s": null, "rx_kibit_s": null, "tx_kibit_s": null,
            "extra": {"query": "token=abc", "state": "read"}})
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
