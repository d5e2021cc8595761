//! A real nginx with the RTMP module, an ffmpeg publisher and an ffmpeg player: `sessions` lists
//! both from the stat page, counts them, and kicks the player through the control module. Then
//! the captured stat pages and control answers served as they are: rates summed per stream, a
//! kick that drops nothing, a control module missing, `auth_basic`, and pages that cannot be
//! used.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::{Value, json};

use super::{ask, by_id, rows, table_row};
use crate::support::fixture;
use crate::support::http::{Reply, Server};
use crate::support::servers::ffmpeg;
use crate::support::servers::nginx_rtmp::{self, NginxRtmp};
use crate::support::wait_until;

#[test]
fn nginx_rtmp_lists_publisher_and_player_and_kicks_the_player() {
    let Some(ff) = ffmpeg::find() else { return };
    let Some(mut nginx) = NginxRtmp::start() else {
        return;
    };
    let stream = nginx.rtmp_url("cam1");
    let mut publisher = ff.publish_rtmp(&stream);
    nginx.wait_for_clients("cam1", 1, 0);
    let mut player = ff.play(&stream);
    let clients = nginx.wait_for_clients("cam1", 1, 1);
    let publishing = clients.iter().find(|c| c.publishing).unwrap().clone();
    let playing = clients.iter().find(|c| !c.publishing).unwrap().clone();
    let stat = nginx.stat_url();
    let run = |args: &[&str]| ask("nginx-rtmp", &stat, args, &[]);

    let listed = rows(&run(&["active", "-o", "json"]));
    assert_eq!(listed.len(), 2, "{listed:?}");
    for (client, role) in [(&publishing, "publisher"), (&playing, "player")] {
        let row = by_id(&listed, &client.id);
        assert_eq!(row["collector"], "rtmp");
        assert_eq!(row["reference"], format!("{}/cam1", nginx_rtmp::APP));
        assert_eq!(
            (&row["remote"], &row["local"]),
            (&"127.0.0.1".into(), &"".into())
        );
        // The stock module counts bytes per stream only: unknown per client, never 0.
        for field in ["rx_bytes", "tx_bytes", "rx_bit_s", "tx_bit_s"] {
            assert!(row[field].is_null(), "{field} of {row}");
        }
        // `<publishing/>` or not, in the model's own field.
        assert_eq!(row["role"], role);
        assert!(row["extra"].get("role").is_none(), "{row}");
        assert_eq!(row["extra"]["flashver"], client.flashver.as_str());
        assert_eq!(row["extra"]["app"], nginx_rtmp::APP);
        assert!(row["age_s"].as_u64().unwrap() < 60, "{row}");
        assert!(row["created_at"].as_str().unwrap().ends_with('Z'), "{row}");
    }

    let table = run(&["active"]);
    table.assert_success();
    let cells = table_row(&table.stdout, &["rtmp", &playing.id]);
    // collector, id, reference, remote, role, age: the byte and rate columns carry nothing
    // here, so the default table leaves them out; -o wide shows them as `-`.
    assert_eq!(cells.len(), 6, "{cells:?}");
    assert_eq!(
        &cells[..5],
        ["rtmp", &playing.id, "live/cam1", "127.0.0.1", "player"]
    );
    assert_eq!(
        table_row(&table.stdout, &["COLLECTOR"]),
        ["COLLECTOR", "ID", "REFERENCE", "REMOTE", "ROLE", "AGE"]
    );
    let players = rows(&run(&["active", "--filter", "role=player", "-o", "json"]));
    assert_eq!(players.len(), 1);
    assert_eq!(players[0]["id"], playing.id.as_str());
    let wide = run(&["active", "-o", "wide"]);
    let cells = table_row(&wide.stdout, &["rtmp", &playing.id]);
    assert_eq!(cells.iter().filter(|c| *c == "-").count(), 4, "{cells:?}");

    let summary = run(&["summary", "-o", "json"]);
    summary.assert_success();
    let rtmp = &summary.json()["collectors"][0];
    assert_eq!(
        (&rtmp["collector"], &rtmp["active_sessions"]),
        (&"rtmp".into(), &2.into())
    );
    // nginx's own rates over its last 10 s window, whatever they are now.
    assert!(
        rtmp["rx_bit_s"].is_number() && rtmp["tx_bit_s"].is_number(),
        "{rtmp}"
    );
    assert!(
        rtmp["limit_sessions"].is_null() && rtmp["finished"].is_null(),
        "{rtmp}"
    );
    let table = run(&["summary", "-o", "wide"]);
    let cells = table_row(&table.stdout, &["rtmp"]);
    // No limits reported and no history kept: `-`, not `unlimited` or 0.
    assert!(cells.len() >= 7, "{cells:?}");
    assert_eq!(
        &cells[cells.len() - 5..],
        ["-", "-", "-", "-", "-"],
        "{cells:?}"
    );

    // Nothing is disconnected for an unknown id, nor without --yes and without a terminal.
    run(&["kick", "987654", "--yes"]).assert_failure(2, "no session '987654'");
    run(&["kick", &playing.id]).assert_failure(2, "pass --yes");
    assert_eq!(nginx_rtmp::clients(&nginx.stat(), "cam1").len(), 2);
    player.assert_running();

    let kicked = run(&["kick", &playing.id, "--yes"]);
    kicked.assert_success();
    assert_eq!(
        kicked.stdout,
        format!("disconnected rtmp {} live/cam1\n", playing.id)
    );
    let left = nginx.wait_for_clients("cam1", 1, 0);
    assert_eq!(left[0].id, publishing.id);
    wait_until("the kicked player to end", || {
        (!player.running()).then_some(())
    });
    publisher.assert_running();
    let listed = rows(&run(&["active", "-o", "json"]));
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], publishing.id.as_str());
}

/// `host:port` of a server, as messages name it.
fn host(server: &Server) -> String {
    format!("127.0.0.1:{}", server.port)
}

/// `rtmp_stat all` at /stat with the captured page (client 6 playing, 3 and 2 publishing) and
/// the control module at /control: the first drop of client 6 drops it (the page shows it
/// gone), any other drops nothing. While `stale` is set the page still shows client 6, as a
/// listing taken just before it left would.
fn captured_nginx(stale: Arc<AtomicBool>) -> Server {
    let dropped = AtomicBool::new(false);
    Server::start(move |req| match req.path() {
        "/stat" if dropped.load(Ordering::SeqCst) && !stale.load(Ordering::SeqCst) => {
            Reply::xml(fixture("nginx_rtmp/stat-after-drop.xml"))
        }
        "/stat" => Reply::xml(fixture("nginx_rtmp/stat.xml")),
        "/control/drop/client"
            if req.query("clientid").as_deref() == Some("6")
                && !dropped.swap(true, Ordering::SeqCst) =>
        {
            Reply::text(200, fixture("nginx_rtmp/control-drop-client.txt"))
        }
        "/control/drop/client" => {
            Reply::text(200, fixture("nginx_rtmp/control-drop-client-unknown.txt"))
        }
        _ => Reply::html(404, "<html><body>404 Not Found</body></html>"),
    })
}

#[test]
fn the_captured_stat_page_lists_summarises_and_kicks_through_the_control_module() {
    let stale = Arc::new(AtomicBool::new(false));
    let server = captured_nginx(stale.clone());
    let stat = format!("{}/stat", server.url());
    let run = |args: &[&str]| ask("nginx-rtmp", &stat, args, &[]);
    let listed = rows(&run(&["active", "-o", "json"]));
    let ids: Vec<&str> = listed.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        ["2", "3", "6"],
        "in the order of `active`: by start time"
    );
    let summary = run(&["summary", "--collectors", "rtmp", "-o", "json"]);
    summary.assert_success();
    let rows_of = summary.json()["collectors"].clone();
    let rtmp: Vec<(Value, Value, Value, Value)> = rows_of
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
    assert_eq!(
        rtmp,
        [(json!("rtmp"), json!(3), json!(406352.0), json!(450472.0))]
    );

    let kicked = run(&["kick", "6", "--yes"]);
    kicked.assert_success();
    assert_eq!(kicked.stdout, "disconnected rtmp 6 live/cam1\n");
    assert_eq!(rows(&run(&["active", "-o", "json"])).len(), 2);
    // Client 6 listed once more, but gone by the time of the kick.
    stale.store(true, Ordering::SeqCst);
    let again = run(&["kick", "6", "--yes", "-o", "json"]);
    let refused = format!(
        "{} refused to kick client '6': the control module dropped nothing (it may have left, or another worker has it)",
        host(&server)
    );
    assert_eq!(again.code, 4, "{}", again.stderr);
    assert_eq!(again.stderr, format!("sessions: {refused}\n"));
    assert_eq!(again.json()[0]["error"], json!(refused));
    let kicks: Vec<String> = server
        .lines()
        .into_iter()
        .filter(|l| l.contains("control"))
        .collect();
    assert_eq!(
        kicks,
        ["GET /control/drop/client?srv=0&app=live&name=cam1&clientid=6"; 2]
    );
    run(&["active", "--collectors", "webrtc"])
        .assert_failure(2, "nginx-rtmp has no webrtc sessions");
}

#[test]
fn a_missing_control_module_and_auth_basic_refusals() {
    let server = Server::start(|req| match (req.path(), req.header("authorization")) {
        ("/stat", Some("Basic b3A6cHc=")) => Reply::xml(fixture("nginx_rtmp/stat.xml")),
        ("/control/drop/client", Some(_)) => Reply::html(
            500,
            "<html><head><title>500 Internal Server Error</title></head></html>",
        ),
        _ => Reply::html(
            401,
            "<html><head><title>401 Authorization Required</title></head></html>",
        ),
    });
    let stat = format!("{}/stat", server.url());
    let op = [("SESSIONS_PASSWORD", "pw")];
    let run = ask(
        "nginx-rtmp",
        &stat,
        &["--user", "op", "kick", "3", "--yes"],
        &op,
    );
    // The control location is the one to check, not --url.
    let refused = format!(
        "{} answered the kick with HTTP 500 Internal Server Error, not a count: is `rtmp_control all` at /control?",
        host(&server)
    );
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        format!("not disconnected rtmp 3 live/cam1: {refused}\n")
    );
    assert_eq!(run.stderr, format!("sessions: {refused}\n"));
    let run = ask(
        "nginx-rtmp",
        &stat,
        &["active", "--collectors", "rtmp"],
        &[],
    );
    run.assert_failure(5, "");
    assert_eq!(
        run.stderr,
        format!(
            "sessions: {} requires a login (HTTP 401 Unauthorized: 401 Authorization Required): pass --user NAME with SESSIONS_PASSWORD or --password-stdin\n",
            host(&server)
        )
    );
}

#[test]
fn bad_pages_are_one_line_and_exit_4() {
    let whole = fixture("nginx_rtmp/stat.xml");
    let cases = [
        (
            Reply::xml(&whole.as_bytes()[..700]),
            "sent a truncated reply: the XML ends early",
        ),
        (
            Reply::text(200, "{\"rtmp\":[]}"),
            "sent a reply that is not valid XML",
        ),
        (
            Reply::xml("<icestats><source/></icestats>"),
            "sent a reply of an unexpected shape (<icestats> where <rtmp> was expected); is --url nginx-rtmp's stat page",
        ),
        (
            Reply::html(200, "<html><body>nginx welcome</body></html>"),
            "answered with an HTML page",
        ),
        (
            Reply::xml(vec![b' '; (1 << 20) + 1]),
            "larger than --max-body-size",
        ),
    ];
    for (reply, want) in cases {
        let server = Server::start(move |_| reply.clone());
        let stat = format!("{}/stat", server.url());
        let args = ["--max-body-size", "1MiB", "active", "--collectors", "rtmp"];
        ask("nginx-rtmp", &stat, &args, &[]).assert_failure(4, want);
        assert_eq!(server.lines(), ["GET /stat"]);
    }
}
