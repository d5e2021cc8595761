//! A real nginx with the RTMP module, an ffmpeg publisher and an ffmpeg player: `sessions` lists
//! both from the stat page, counts them, and kicks the player through the control module.

use super::{ask, by_id, rows, table_row};
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
        assert_eq!(row["extra"]["role"], role);
        assert_eq!(row["extra"]["flashver"], client.flashver.as_str());
        assert_eq!(row["extra"]["app"], nginx_rtmp::APP);
        assert!(row["age_s"].as_u64().unwrap() < 60, "{row}");
        assert!(row["created_at"].as_str().unwrap().ends_with('Z'), "{row}");
    }

    let table = run(&["active"]);
    table.assert_success();
    let cells = table_row(&table.stdout, &["rtmp", &playing.id]);
    // collector, id, reference, remote, age: the byte and rate columns carry nothing here, so
    // the default table leaves them out; -o wide shows them as `-`.
    assert_eq!(cells.len(), 5, "{cells:?}");
    assert_eq!(&cells[..4], ["rtmp", &playing.id, "live/cam1", "127.0.0.1"]);
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
