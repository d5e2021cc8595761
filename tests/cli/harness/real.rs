//! nginx-rtmp and Icecast, real, with ffmpeg publishing and playing.

use std::collections::BTreeSet;
use std::path::Path;

use crate::support::servers::ffmpeg::{self, Audio};
use crate::support::servers::icecast::Icecast;
use crate::support::servers::nginx_rtmp::{self, NginxRtmp};
use crate::support::servers::{element, elements, get};
use crate::support::wait_until;
use crate::support::{fixture, fixture_path};

/// The tags of an XML page in order, attribute values and text left out: what a captured
/// fixture must share with the live page.
fn skeleton(xml: &str) -> Vec<String> {
    xml.split('<')
        .skip(1)
        .filter_map(|t| t.split_once('>'))
        .map(|(tag, _)| tag.split('"').step_by(2).collect::<Vec<_>>().join("\"\""))
        .collect()
}

fn blessing() -> bool {
    std::env::var("SESSIONS_BLESS").is_ok_and(|v| v == "1")
}

/// When capturing fixtures, lets the streams run past nginx-rtmp's 10 s bandwidth window first,
/// so that the captures hold rates and ages rather than zeros.
fn settle_before_capture() {
    if blessing() {
        std::thread::sleep(std::time::Duration::from_secs(12));
    }
}

/// With SESSIONS_BLESS=1 writes `live` as the fixture; otherwise the committed fixture must
/// have the live page's shape.
fn check_fixture(name: &str, live: &str) {
    if blessing() {
        std::fs::write(fixture_path(name), live).unwrap();
    }
    let kept = fixture(name);
    assert_eq!(skeleton(&kept), skeleton(live), "{name} vs the live page");
}

fn gone(pid: u32) -> bool {
    !Path::new(&format!("/proc/{pid}")).exists()
}

#[test]
fn nginx_rtmp_stat_shows_publisher_and_player_and_control_drops_one() {
    let Some(ff) = ffmpeg::find() else { return };
    let Some(mut nginx) = NginxRtmp::start() else {
        return;
    };
    let url = nginx.rtmp_url("cam1");
    let mut publisher = ff.publish_rtmp(&url);
    nginx.wait_for_clients("cam1", 1, 0);
    let mut player = ff.play(&url);
    let clients = nginx.wait_for_clients("cam1", 1, 1);
    publisher.assert_running();
    player.assert_running();

    settle_before_capture();
    let stat = nginx.stat();
    check_fixture("captured/nginx-rtmp/stat.xml", &stat);
    assert_eq!(element(&stat, "nginx_version"), Some("1.22.1"));
    let apps = elements(&stat, "application");
    assert_eq!(apps.len(), 1);
    assert_eq!(element(apps[0], "name"), Some(nginx_rtmp::APP));
    let streams = elements(&stat, "stream");
    assert_eq!(streams.len(), 1);
    assert_eq!(element(streams[0], "name"), Some("cam1"));
    assert_eq!(element(streams[0], "nclients"), Some("2"));
    assert_eq!(elements(&stat, "client").len(), 2);
    let (pubs, players): (Vec<_>, Vec<_>) = clients.into_iter().partition(|c| c.publishing);
    let (publishing, playing) = (&pubs[0], &players[0]);
    assert!(
        publishing
            .flashver
            .starts_with("FMLE/3.0 (compatible; Lavf")
    );
    assert_eq!(playing.flashver, "LNX 9,0,124,2");
    assert_eq!(playing.address, "127.0.0.1");
    assert_ne!(publishing.id, playing.id);
    assert!(playing.id.parse::<u64>().is_ok(), "{}", playing.id);

    let unknown = nginx.drop_client("987654");
    assert_eq!((unknown.status, unknown.body.as_str()), (200, "0"));
    let dropped = nginx.drop_client(&playing.id);
    assert_eq!((dropped.status, dropped.body.as_str()), (200, "1"));
    let left = nginx.wait_for_clients("cam1", 1, 0);
    assert_eq!(left[0].id, publishing.id);
    check_fixture("captured/nginx-rtmp/stat-after-drop.xml", &nginx.stat());
    // The dropped player ends by itself: its server closed the connection.
    wait_until("the dropped player to end", || {
        (!player.running()).then_some(())
    });
    publisher.assert_running();

    let pids = [nginx.pid(), publisher.pid(), player.pid()];
    drop((nginx, publisher, player));
    assert!(
        pids.into_iter().all(gone),
        "a child outlived its owner: {pids:?}"
    );
}

#[test]
fn icecast_lists_mounts_and_listeners_behind_basic_auth() {
    let Some(ff) = ffmpeg::find() else { return };
    let Some(mut ice) = Icecast::start("admin", "adm-Secret-9") else {
        return;
    };
    let mut mp3 = ff.publish_icecast(&ice.source_url("/radio.mp3"), Audio::Mp3);
    let mut ogg = ff.publish_icecast(&ice.source_url("/radio.ogg"), Audio::Ogg);
    ice.wait_for_listeners("/radio.mp3", 0);
    let vlc = ff.play_as(&ice.mount_url("/radio.mp3"), "VLC/3.0.18 LibVLC/3.0.18");
    let test = ff.play_as(&ice.mount_url("/radio.mp3"), "TestListener/1.0");
    ice.wait_for_listeners("/radio.mp3", 2);
    ice.wait_for_listeners("/radio.ogg", 0);
    mp3.assert_running();
    ogg.assert_running();

    settle_before_capture();
    let listed = ice.wait_for_listeners("/radio.mp3", 2);

    let mounts = ice.admin("listmounts");
    assert_eq!(mounts.status, 200);
    check_fixture("captured/icecast/admin-listmounts.xml", &mounts.body);
    let sources = elements(&mounts.body, "listeners");
    assert_eq!(sources, ["2", "0"], "{}", mounts.body);
    for (mount, kind) in [
        ("/radio.mp3", "audio/mpeg"),
        ("/radio.ogg", "application/ogg"),
    ] {
        let open = format!("<source mount=\"{mount}\">");
        let at = mounts.body.find(&open).unwrap_or_else(|| panic!("{mount}"));
        assert_eq!(element(&mounts.body[at..], "content-type"), Some(kind));
    }

    check_fixture("captured/icecast/admin-listclients.xml", &listed);
    let listeners = elements(&listed, "listener");
    assert_eq!(listeners.len(), 2);
    let agents: BTreeSet<_> = listeners.iter().map(|l| element(l, "UserAgent")).collect();
    let expected = BTreeSet::from([Some("TestListener/1.0"), Some("VLC/3.0.18 LibVLC/3.0.18")]);
    assert_eq!(agents, expected);
    assert!(
        listeners
            .iter()
            .all(|l| element(l, "IP") == Some("127.0.0.1"))
    );
    let ids: Vec<u64> = listeners
        .iter()
        .map(|l| element(l, "ID").unwrap().parse().unwrap())
        .collect();
    assert_ne!(ids[0], ids[1]);

    let url = format!("{}/admin/listmounts", ice.url());
    let anonymous = get(&url, None);
    assert_eq!(anonymous.status, 401);
    assert_eq!(
        anonymous.header("www-authenticate"),
        Some("Basic realm=\"Icecast2 Server\"")
    );
    assert_eq!(get(&url, Some(("admin", "wrong"))).status, 401);

    let vlc_id = listeners
        .iter()
        .find(|l| l.contains("VLC/"))
        .and_then(|l| element(l, "ID"));
    let killed = ice.admin(&format!(
        "killclient?mount=/radio.mp3&id={}",
        vlc_id.unwrap()
    ));
    assert!(
        killed.body.contains("<return>1</return>"),
        "{}",
        killed.body
    );
    let after = ice.wait_for_listeners("/radio.mp3", 1);
    assert_eq!(element(&after, "UserAgent"), Some("TestListener/1.0"));
    check_fixture("captured/icecast/admin-listclients-after-kill.xml", &after);

    let pids = [ice.pid(), mp3.pid(), ogg.pid(), vlc.pid(), test.pid()];
    drop((ice, mp3, ogg, vlc, test));
    assert!(
        pids.into_iter().all(gone),
        "a child outlived its owner: {pids:?}"
    );
}
