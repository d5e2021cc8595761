//! A real Icecast with an ffmpeg source on two mounts and two ffmpeg listeners on one: `sessions`
//! lists the listeners as the admin user, counts them, kicks one, and refuses wrong credentials.
//! Then the captured admin answers served as they are: a mount that ends between two requests, a
//! kick of a listener that has left, refusals, and answers that cannot be used.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::{Value, json};

use super::{ask, by_id, rows, table_row};
use crate::support::fixture;
use crate::support::http::{Reply, Server};
use crate::support::servers::ffmpeg::{self, Audio};
use crate::support::servers::icecast::Icecast;
use crate::support::servers::{element, elements};

const PASSWORD: &str = "adm-Secret-9";

#[test]
fn icecast_lists_two_listeners_kicks_one_and_refuses_a_wrong_password() {
    let Some(ff) = ffmpeg::find() else { return };
    let Some(mut ice) = Icecast::start("admin", PASSWORD) else {
        return;
    };
    let mut mp3 = ff.publish_icecast(&ice.source_url("/radio.mp3"), Audio::Mp3);
    let _ogg = ff.publish_icecast(&ice.source_url("/radio.ogg"), Audio::Ogg);
    ice.wait_for_listeners("/radio.mp3", 0);
    ice.wait_for_listeners("/radio.ogg", 0);
    let _vlc = ff.play_as(&ice.mount_url("/radio.mp3"), "VLC/3.0.18 LibVLC/3.0.18");
    let _other = ff.play_as(&ice.mount_url("/radio.mp3"), "TestListener/1.0");
    let listed = ice.wait_for_listeners("/radio.mp3", 2);
    let listeners: Vec<(String, String)> = elements(&listed, "listener")
        .into_iter()
        .map(|l| {
            let id = element(l, "ID").unwrap().to_string();
            (id, element(l, "UserAgent").unwrap().to_string())
        })
        .collect();
    let url = ice.url();
    let admin = |args: &[&str]| {
        let all = [&["--user", "admin"][..], args].concat();
        ask("icecast", &url, &all, &[("SESSIONS_PASSWORD", PASSWORD)])
    };

    let active = rows(&admin(&["active", "-o", "json"]));
    assert_eq!(active.len(), 2, "{active:?}");
    for (id, agent) in &listeners {
        let row = by_id(&active, id);
        assert_eq!(row["collector"], "http");
        assert_eq!(row["reference"], "/radio.mp3");
        assert_eq!(row["remote"], "127.0.0.1");
        assert_eq!(row["extra"]["userAgent"], agent.as_str());
        // `listclients` lists listeners only: each plays the mount.
        assert_eq!(row["role"], "player");
        // Icecast counts no bytes per listener: unknown, never a made-up 0.
        for field in ["rx_bytes", "tx_bytes", "rx_bit_s", "tx_bit_s"] {
            assert!(row[field].is_null(), "{field} of {row}");
        }
    }
    // The default table leaves out the columns that carry nothing here; -o wide shows them as `-`.
    let table = admin(&["active"]);
    assert!(!table.stdout.contains("RX RATE"), "{}", table.stdout);
    let cells = table_row(&table.stdout, &["http", &listeners[0].0]);
    assert_eq!(&cells[2..5], ["/radio.mp3", "127.0.0.1", "player"]);
    let table = admin(&["active", "-o", "wide"]);
    let cells = table_row(&table.stdout, &["http", &listeners[0].0]);
    assert_eq!(cells.iter().filter(|c| *c == "-").count(), 4, "{cells:?}");

    // Icecast 2.4's stats have byte totals per mount but no `incoming_bitrate` (2.5 has): two
    // looks 10 s apart give the rates. The two sources send 64 kbit/s each and the two
    // listeners take the MP3 one; each mount's totals step every 5 s (at its first data after
    // the tick), so a 10 s window sees one to three steps of each: half to 1.5 times the rate.
    let summary = admin(&[
        "summary",
        "--sample",
        "10s",
        "--timeout",
        "20s",
        "-o",
        "json",
    ]);
    summary.assert_success();
    let http = &summary.json()["collectors"][0];
    assert_eq!(
        (&http["collector"], &http["active_sessions"]),
        (&"http".into(), &2.into())
    );
    let rate = |field: &str| {
        http[field]
            .as_f64()
            .unwrap_or_else(|| panic!("{field}: {http}"))
    };
    eprintln!(
        "icecast rates: rx {} tx {} bit/s",
        rate("rx_bit_s"),
        rate("tx_bit_s")
    );
    assert!((56e3..256e3).contains(&rate("rx_bit_s")), "{http}");
    assert!((56e3..512e3).contains(&rate("tx_bit_s")), "{http}");
    assert!(http["finished"].is_null(), "{http}");
    // The default window (500ms) is shorter than Icecast's 5 s: one look, no rates.
    let once = admin(&["summary", "-o", "json"]);
    let http = &once.json()["collectors"][0];
    assert!(
        http["rx_bit_s"].is_null() && http["tx_bit_s"].is_null(),
        "{http}"
    );
    // Both mounts say `unlimited`; Icecast has no rate limit to report.
    let table = admin(&["summary", "--sample", "0s", "-o", "wide"]);
    let cells = table_row(&table.stdout, &["http", "2"]);
    let rest: Vec<&str> = cells[2..].iter().map(String::as_str).collect();
    assert_eq!(
        rest.iter().filter(|c| **c == "unlimited").count(),
        1,
        "{cells:?}"
    );
    assert!(
        rest.iter().all(|c| *c == "-" || *c == "unlimited"),
        "{cells:?}"
    );

    let (gone, kept) = (&listeners[0], &listeners[1]);
    let kicked = admin(&["kick", &gone.0, "--yes"]);
    kicked.assert_success();
    assert_eq!(
        kicked.stdout,
        format!("disconnected http {} /radio.mp3\n", gone.0)
    );
    let after = ice.wait_for_listeners("/radio.mp3", 1);
    assert_eq!(element(&after, "ID"), Some(kept.0.as_str()));
    let active = rows(&admin(&["active", "-o", "json"]));
    assert_eq!(active.len(), 1);
    assert_eq!(active[0]["id"], kept.0.as_str());
    mp3.assert_running();

    let wrong = ask(
        "icecast",
        &url,
        &["--user", "admin", "active"],
        &[("SESSIONS_PASSWORD", "not-it")],
    );
    wrong.assert_failure(5, "refused the login as 'admin'");
    assert!(!wrong.stderr.contains("not-it"), "{}", wrong.stderr);
    ask("icecast", &url, &["active"], &[]).assert_failure(5, "requires a login");
}

/// `host:port` of a server, as messages name it.
fn host(server: &Server) -> String {
    format!("127.0.0.1:{}", server.port)
}

/// Icecast 2.4.4 as captured, admin `admin`/`ADM`: one mount with listeners 2 and 3, a second
/// mount that ends between `listmounts` and `listclients`. The first kill of listener 2 kills it
/// (the listing then shows it gone), any other kills nothing. While `stale` is set the listing
/// still shows listener 2, as one taken just before it left would.
fn captured_icecast(stale: Arc<AtomicBool>) -> Server {
    let killed = AtomicBool::new(false);
    Server::start(move |req| {
        if req.header("authorization") != Some("Basic YWRtaW46QURN") {
            return Reply::text(401, fixture("icecast/admin-401-body.txt"));
        }
        let gone = killed.load(Ordering::SeqCst) && !stale.load(Ordering::SeqCst);
        match (req.path(), req.query("mount").as_deref()) {
            ("/admin/listmounts", _) => Reply::xml(
                "<icestats><source mount=\"/radio.mp3\"><listeners>2</listeners></source><source mount=\"/gone\"/></icestats>",
            ),
            ("/admin/listclients", Some("/radio.mp3")) if gone => {
                Reply::xml(fixture("icecast/admin-listclients-after-kill.xml"))
            }
            ("/admin/listclients", Some("/radio.mp3")) => {
                Reply::xml(fixture("icecast/admin-listclients.xml"))
            }
            ("/admin/stats", _) => Reply::xml(fixture("icecast/admin-stats.xml")),
            ("/admin/killclient", Some("/radio.mp3"))
                if req.query("id").as_deref() == Some("2")
                    && !killed.swap(true, Ordering::SeqCst) =>
            {
                Reply::xml(fixture("icecast/admin-killclient.xml"))
            }
            ("/admin/killclient", Some("/radio.mp3")) => {
                Reply::xml(fixture("icecast/admin-killclient-unknown.xml"))
            }
            _ => Reply::html(400, fixture("icecast/admin-listclients-no-such-mount.html")),
        }
    })
}

#[test]
fn the_captured_admin_answers_list_every_mount_summarise_and_kick() {
    let stale = Arc::new(AtomicBool::new(false));
    let server = captured_icecast(stale.clone());
    let url = server.url();
    let admin = |args: &[&str]| {
        let all = [&["--user", "admin"][..], args].concat();
        ask("icecast", &url, &all, &[("SESSIONS_PASSWORD", "ADM")])
    };
    let listed = rows(&admin(&["active", "-o", "json"]));
    let ids: Vec<&str> = listed.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["2", "3"]);
    let summary = admin(&[
        "summary",
        "--collectors",
        "http",
        "--sample",
        "0s",
        "-o",
        "json",
    ]);
    summary.assert_success();
    let summary = summary.json();
    let http = summary["collectors"].as_array().unwrap();
    assert_eq!(http.len(), 1);
    assert_eq!(http[0]["active_sessions"], 2);
    assert_eq!(
        (&http[0]["rx_bit_s"], &http[0]["tx_bit_s"]),
        (&Value::Null, &Value::Null),
        "one look at byte totals, no rates"
    );
    // The captured mounts have no listener limit: `unlimited`, where null in JSON means either.
    assert_eq!(http[0]["limit_sessions"], Value::Null);
    let table = admin(&[
        "summary",
        "--collectors",
        "http",
        "--sample",
        "0s",
        "-o",
        "wide",
    ]);
    let cells = table_row(&table.stdout, &["http", "2"]);
    assert_eq!(
        cells.iter().filter(|c| *c == "unlimited").count(),
        1,
        "{cells:?}"
    );

    let kicked = admin(&["kick", "2", "--yes"]);
    kicked.assert_success();
    assert_eq!(kicked.stdout, "disconnected http 2 /radio.mp3\n");
    assert_eq!(rows(&admin(&["active", "-o", "json"])).len(), 1);
    // Listener 2 listed once more, but gone by the time of the kick.
    stale.store(true, Ordering::SeqCst);
    let again = admin(&["kick", "2", "--yes", "-o", "json"]);
    let refused = format!(
        "{} refused to kick listener '2' of \"/radio.mp3\" (Client 987654 not found): it may have left",
        host(&server)
    );
    assert_eq!(again.code, 4, "{}", again.stderr);
    assert_eq!(again.stderr, format!("sessions: {refused}\n"));
    assert_eq!(again.json()[0]["error"], json!(refused));
    let kicks: Vec<String> = server
        .lines()
        .into_iter()
        .filter(|l| l.contains("kill"))
        .collect();
    assert_eq!(kicks, ["GET /admin/killclient?mount=%2Fradio.mp3&id=2"; 2]);
    admin(&["summary", "--collectors", "rtmp"]).assert_failure(2, "Icecast has no rtmp sessions");
}

#[test]
fn wrong_or_missing_credentials_are_exit_5() {
    let server = captured_icecast(Arc::new(AtomicBool::new(false)));
    let url = server.url();
    let run = ask("icecast", &url, &["active"], &[]);
    run.assert_failure(5, "");
    assert_eq!(
        run.stderr,
        format!(
            "sessions: {} requires a login (HTTP 401 Unauthorized: You need to authenticate): pass --user NAME with SESSIONS_PASSWORD or --password-stdin\n",
            host(&server)
        )
    );
    let wrong = [("SESSIONS_PASSWORD", "x")];
    ask("icecast", &url, &["--user", "admin", "active"], &wrong)
        .assert_failure(5, "refused the login as 'admin'");
    assert_eq!(server.requests().len(), 2, "nothing asked after a refusal");
}

#[test]
fn bad_answers_are_one_line_and_exit_4() {
    let whole = fixture("icecast/admin-listclients.xml");
    let cases = [
        (
            Reply::xml(&whole.as_bytes()[..150]),
            "sent a truncated reply: the XML ends early",
        ),
        (
            Reply::html(400, fixture("icecast/admin-listclients-json-on-2.4.html")),
            "answered HTTP 400 Bad Request: Error 400 400 - Unrecognised command; is --url Icecast",
        ),
        (
            Reply::json(200, fixture("icecast/status-json.json")),
            "not valid XML",
        ),
        (
            Reply::xml("<rtmp/>"),
            "(<rtmp> where <icestats> was expected)",
        ),
    ];
    for (reply, want) in cases {
        let server = Server::start(move |_| reply.clone());
        let args = ["--user", "admin", "--max-body-size", "1MiB", "active"];
        ask(
            "icecast",
            &server.url(),
            &args,
            &[("SESSIONS_PASSWORD", "ADM")],
        )
        .assert_failure(4, want);
        assert_eq!(server.lines(), ["GET /admin/listmounts"]);
    }
}
