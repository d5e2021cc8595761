//! A real Icecast with an ffmpeg source on two mounts and two ffmpeg listeners on one: `sessions`
//! lists the listeners as the admin user, counts them, kicks one, and refuses wrong credentials.

use super::{ask, by_id, rows, table_row};
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
        // Icecast counts no bytes per listener: unknown, never a made-up 0.
        for field in ["rx_bytes", "tx_bytes", "rx_bit_s", "tx_bit_s"] {
            assert!(row[field].is_null(), "{field} of {row}");
        }
    }
    // The default table leaves out the columns that carry nothing here; -o wide shows them as `-`.
    let table = admin(&["active"]);
    assert!(!table.stdout.contains("RX RATE"), "{}", table.stdout);
    let table = admin(&["active", "-o", "wide"]);
    let cells = table_row(&table.stdout, &["http", &listeners[0].0]);
    assert_eq!(cells.iter().filter(|c| *c == "-").count(), 4, "{cells:?}");

    let summary = admin(&["summary", "-o", "json"]);
    summary.assert_success();
    let http = &summary.json()["collectors"][0];
    assert_eq!(
        (&http["collector"], &http["active_sessions"]),
        (&"http".into(), &2.into())
    );
    assert!(
        http["rx_bit_s"].is_null() && http["finished"].is_null(),
        "{http}"
    );
    // Both mounts say `unlimited`; Icecast has no rate limit to report.
    let table = admin(&["summary", "-o", "wide"]);
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
