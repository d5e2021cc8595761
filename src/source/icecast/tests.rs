//! The Icecast source against a loopback stand-in serving the captured admin answers. (The real
//! icecast2 runs in the integration tests.)

use std::sync::{Arc, Mutex};

use super::*;
use crate::source::loopback::{self, Canned, Request, fixture, kick_one, login, serve};

fn icecast(server: &loopback::Server, credentials: Credentials) -> Icecast {
    Icecast::new(server.url.clone(), credentials, loopback::net(1 << 20)).unwrap()
}

fn host(server: &loopback::Server) -> String {
    format!("127.0.0.1:{}", server.url.port().unwrap())
}

/// Icecast 2.4.4 as captured: admin/ADM, one mount with two listeners, a second mount that
/// ends between `listmounts` and `listclients`.
fn admin(killed: &Arc<Mutex<bool>>) -> impl Fn(&Request) -> Canned + use<> {
    let killed = Arc::clone(killed);
    move |req| {
        if req.header("authorization") != Some("Basic YWRtaW46QURN") {
            return Canned::text(401, fixture("icecast/admin-401-body.txt"));
        }
        let mount = req.query("mount");
        match (req.path(), mount.as_deref()) {
            ("/admin/listmounts", _) => Canned::xml(
                "<icestats><source mount=\"/radio.mp3\"><listeners>2</listeners></source><source mount=\"/gone\"/></icestats>",
            ),
            ("/admin/listclients", Some("/radio.mp3")) if *killed.lock().unwrap() => {
                Canned::xml(fixture("icecast/admin-listclients-after-kill.xml"))
            }
            ("/admin/listclients", Some("/radio.mp3")) => {
                Canned::xml(fixture("icecast/admin-listclients.xml"))
            }
            ("/admin/stats", _) => Canned::xml(fixture("icecast/admin-stats.xml")),
            ("/admin/killclient", Some("/radio.mp3"))
                if req.query("id").as_deref() == Some("2") && !*killed.lock().unwrap() =>
            {
                *killed.lock().unwrap() = true;
                Canned::xml(fixture("icecast/admin-killclient.xml"))
            }
            ("/admin/killclient", Some("/radio.mp3")) => {
                Canned::xml(fixture("icecast/admin-killclient-unknown.xml"))
            }
            _ => Canned::html(400, fixture("icecast/admin-listclients-no-such-mount.html")),
        }
    }
}

#[tokio::test]
async fn lists_every_mount_summarises_and_kicks() {
    let killed = Arc::new(Mutex::new(false));
    let server = serve(admin(&killed)).await;
    let mut source = icecast(&server, login("admin", "ADM"));
    let listeners = source.active(&Collector::ALL).await.unwrap();
    let ids: Vec<&str> = listeners.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["2", "3"]);
    let SourceSummary::Collectors(rows) = source.summary(&[Collector::Http]).await.unwrap() else {
        panic!("not a collector summary");
    };
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].active_sessions, rows[0].limit_sessions),
        (2, Limit::Unlimited)
    );
    assert_eq!(
        (rows[0].rx_bit_s, rows[0].tx_bit_s),
        (None, None),
        "no bytes, no rates"
    );
    kick_one(&mut source, &listeners[0]).await.unwrap();
    assert_eq!(source.active(&Collector::ALL).await.unwrap().len(), 1);
    let err = kick_one(&mut source, &listeners[0]).await.unwrap_err();
    assert_eq!(err.exit_code(), 4);
    assert_eq!(
        err.to_string(),
        format!(
            "{} refused to kick listener '2' of \"/radio.mp3\" (Client 987654 not found): it may have left",
            host(&server)
        )
    );
    let kicks: Vec<String> = server
        .lines()
        .into_iter()
        .filter(|l| l.contains("kill"))
        .collect();
    assert_eq!(kicks, ["GET /admin/killclient?mount=%2Fradio.mp3&id=2"; 2]);
    assert_eq!(
        source
            .summary(&[Collector::Rtmp])
            .await
            .unwrap_err()
            .exit_code(),
        2
    );
}

#[tokio::test]
async fn wrong_or_missing_credentials_are_exit_5() {
    let server = serve(admin(&Arc::new(Mutex::new(false)))).await;
    let err = icecast(&server, Credentials::default())
        .active(&Collector::ALL)
        .await
        .unwrap_err();
    assert_eq!(err.exit_code(), 5);
    assert_eq!(
        err.to_string(),
        format!(
            "{} requires a login (HTTP 401 Unauthorized: You need to authenticate): pass --user NAME with SESSIONS_PASSWORD or --password-stdin",
            host(&server)
        )
    );
    let err = icecast(&server, login("admin", "x"))
        .active(&Collector::ALL)
        .await
        .unwrap_err();
    assert_eq!(err.exit_code(), 5);
    assert_eq!(server.requests().len(), 2, "nothing asked after a refusal");
}

#[tokio::test]
async fn bad_answers_are_one_line_and_exit_4() {
    let whole = fixture("icecast/admin-listclients.xml");
    let cases: Vec<(Canned, &str)> = vec![
        (
            Canned::xml(whole[..150].to_vec()),
            "sent a truncated reply: the XML ends early",
        ),
        (
            Canned::html(400, fixture("icecast/admin-listclients-json-on-2.4.html")),
            "answered HTTP 400 Bad Request: Error 400 400 - Unrecognised command; is --url Icecast",
        ),
        (
            Canned::json(200, fixture("icecast/status-json.json")),
            "not valid XML",
        ),
        (
            Canned::xml("<rtmp/>"),
            "(<rtmp> where <icestats> was expected)",
        ),
    ];
    for (canned, want) in cases {
        let canned = Mutex::new(Some(canned));
        let server = serve(move |_| canned.lock().unwrap().take().unwrap()).await;
        let err = icecast(&server, login("admin", "ADM"))
            .active(&Collector::ALL)
            .await
            .unwrap_err();
        assert_eq!(err.exit_code(), 4, "{err}");
        let text = err.to_string();
        assert!(text.contains(want), "{text}");
        assert!(!text.contains('\n'), "{text}");
    }
}
