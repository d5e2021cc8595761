//! The nginx-rtmp source against a loopback stand-in serving the captured stat pages and the
//! control module's counts. (The real nginx runs in the integration tests.)

use std::sync::{Arc, Mutex};

use super::*;
use crate::source::loopback::{self, Canned, fixture, kick_one, login, serve};

fn nginx(server: &loopback::Server, credentials: Credentials) -> NginxRtmp {
    let stat = server.url.join("stat").unwrap();
    NginxRtmp::new(stat, None, credentials, loopback::net(1 << 20)).unwrap()
}

fn host(server: &loopback::Server) -> String {
    format!("127.0.0.1:{}", server.url.port().unwrap())
}

#[tokio::test]
async fn lists_summarises_and_kicks_through_the_control_module() {
    let dropped = Arc::new(Mutex::new(false));
    let seen = Arc::clone(&dropped);
    let server = serve(move |req| match req.path() {
        "/stat" if *seen.lock().unwrap() => Canned::xml(fixture("nginx_rtmp/stat-after-drop.xml")),
        "/stat" => Canned::xml(fixture("nginx_rtmp/stat.xml")),
        "/control/drop/client"
            if req.query("clientid").as_deref() == Some("6") && !*seen.lock().unwrap() =>
        {
            *seen.lock().unwrap() = true;
            Canned::text(200, fixture("nginx_rtmp/control-drop-client.txt"))
        }
        "/control/drop/client" => {
            Canned::text(200, fixture("nginx_rtmp/control-drop-client-unknown.txt"))
        }
        _ => Canned::html(404, "<html><body>404 Not Found</body></html>"),
    })
    .await;
    let mut source = nginx(&server, Credentials::default());
    let sessions = source.active(&Collector::ALL).await.unwrap();
    assert_eq!(sessions.len(), 3);
    let SourceSummary::Collectors(rows) = source.summary(&[Collector::Rtmp]).await.unwrap() else {
        panic!("not a collector summary");
    };
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].active_sessions, 3);
    assert_eq!(
        (rows[0].rx_bit_s, rows[0].tx_bit_s),
        (Some(406352.0), Some(450472.0))
    );
    kick_one(&mut source, &sessions[0]).await.unwrap();
    assert_eq!(source.active(&Collector::ALL).await.unwrap().len(), 2);
    let err = kick_one(&mut source, &sessions[0]).await.unwrap_err();
    assert_eq!(err.exit_code(), 4);
    assert_eq!(
        err.to_string(),
        format!(
            "{} refused to kick client '6': the control module dropped nothing (it may have left, or another worker has it)",
            host(&server)
        )
    );
    let kicks: Vec<String> = server
        .lines()
        .into_iter()
        .filter(|l| l.contains("control"))
        .collect();
    assert_eq!(
        kicks,
        [
            "GET /control/drop/client?srv=0&app=live&name=cam1&clientid=6",
            "GET /control/drop/client?srv=0&app=live&name=cam1&clientid=6",
        ]
    );
    let err = source.active(&[Collector::Webrtc]).await.unwrap_err();
    assert_eq!(err.exit_code(), 2);
}

#[tokio::test]
async fn a_missing_control_module_and_auth_basic_refusals() {
    let server = serve(|req| match (req.path(), req.header("authorization")) {
        ("/stat", Some("Basic b3A6cHc=")) => Canned::xml(fixture("nginx_rtmp/stat.xml")),
        ("/control/drop/client", Some(_)) => Canned::html(
            500,
            "<html><head><title>500 Internal Server Error</title></head></html>",
        ),
        _ => Canned::html(
            401,
            "<html><head><title>401 Authorization Required</title></head></html>",
        ),
    })
    .await;
    let mut source = nginx(&server, login("op", "pw"));
    let sessions = source.active(&[Collector::Rtmp]).await.unwrap();
    let err = kick_one(&mut source, &sessions[1]).await.unwrap_err();
    assert_eq!(err.exit_code(), 4);
    // The control location is the one to check, not --url.
    assert_eq!(
        err.to_string(),
        format!(
            "{} answered the kick with HTTP 500 Internal Server Error: 500 Internal Server Error, not a count: is `rtmp_control all` at /control?",
            host(&server)
        )
    );
    let err = nginx(&server, Credentials::default())
        .active(&[Collector::Rtmp])
        .await
        .unwrap_err();
    assert_eq!(err.exit_code(), 5);
    assert_eq!(
        err.to_string(),
        format!(
            "{} requires a login (HTTP 401 Unauthorized: 401 Authorization Required): pass --user NAME with SESSIONS_PASSWORD or --password-stdin",
            host(&server)
        )
    );
}

#[tokio::test]
async fn bad_pages_are_one_line_and_exit_4() {
    let whole = fixture("nginx_rtmp/stat.xml");
    let cases: Vec<(Canned, &str)> = vec![
        (
            Canned::xml(whole[..700].to_vec()),
            "sent a truncated reply: the XML ends early",
        ),
        (
            Canned::text(200, "{\"rtmp\":[]}"),
            "sent a reply that is not valid XML",
        ),
        (
            Canned::xml("<icestats><source/></icestats>"),
            "sent a reply of an unexpected shape (<icestats> where <rtmp> was expected); is --url nginx-rtmp's stat page",
        ),
        (
            Canned::html(200, "<html><body>nginx welcome</body></html>"),
            "answered with an HTML page",
        ),
        (
            Canned::xml(vec![b' '; (1 << 20) + 1]),
            "larger than --max-body-size",
        ),
    ];
    for (canned, want) in cases {
        let canned = Mutex::new(Some(canned));
        let server = serve(move |_| canned.lock().unwrap().take().unwrap()).await;
        let err = nginx(&server, Credentials::default())
            .active(&[Collector::Rtmp])
            .await
            .unwrap_err();
        assert_eq!(err.exit_code(), 4, "{err}");
        let text = err.to_string();
        assert!(text.contains(want), "{text}");
        assert!(!text.contains('\n'), "{text}");
    }
}
