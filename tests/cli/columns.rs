//! What operators reached for (issue 21, item 9): `--columns` by JSON key, `--sort-by` name or
//! `extra.KEY`; `--filter` on `extra` keys with globs and on numbers with k/M/G and durations.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::json;

use crate::support::http::{Reply, Request, Server};
use crate::support::sessions;

/// A Core with three HLS viewers: a VLC player for an hour at 6 Mbit/s, a VLC player that just
/// came at 1 Mbit/s, an ffmpeg publisher for two hours.
fn core() -> Server {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let session = |id: &str, age: u64, kbit: u64, extra: serde_json::Value| {
        json!({"id": id, "reference": "cam", "created_at": now - age, "local": "/memfs/cam.m3u8",
            "remote": format!("10.0.0.{}", id.len()), "extra": extra, "bytes_rx": 0,
            "bytes_tx": kbit * 100, "bandwidth_rx_kbit": 0, "bandwidth_tx_kbit": kbit})
    };
    let body = json!({"hls": [
        session("vlc-old", 3700, 6000, json!({"role": "player", "userAgent": "VLC/3.0.20 LibVLC/3.0.20"})),
        session("vlc-new", 30, 1000, json!({"role": "player", "userAgent": "VLC/3.0.18"})),
        session("ffmpeg-pub", 7200, 0, json!({"role": "publisher", "userAgent": "Lavf/60.3.100"})),
    ]})
    .to_string();
    Server::start(move |req: &Request| match req.path() {
        "/api/v3/session/active" => Reply::json(200, body.clone()),
        _ => Reply::json(404, "{}"),
    })
}

fn active(url: &str, args: &[&str]) -> String {
    let all = [&["--url", url, "active"][..], args].concat();
    let run = sessions(&all, &[], None);
    run.assert_success();
    run.stdout
}

#[test]
fn columns_are_chosen_by_json_key_sort_name_or_extra_key() {
    let server = core();
    let url = server.url();
    let chosen = ["--columns", "id,tx_rate,extra.userAgent,extra.none"];
    assert_eq!(
        active(&url, &[&chosen[..], &["-o", "tsv"]].concat()),
        "id\ttx_bit_s\textra.userAgent\textra.none\n\
         ffmpeg-pub\t0\tLavf/60.3.100\t\n\
         vlc-old\t6144000\tVLC/3.0.20 LibVLC/3.0.20\t\n\
         vlc-new\t1024000\tVLC/3.0.18\t\n"
    );
    // A table shows a chosen column even when no row has it; an extra key is headed by its name
    // in upper case, EXTRA.ROLE where ROLE is a header of its own (TSV keeps the keys).
    assert_eq!(
        active(
            &url,
            &[
                "--columns",
                "remote,id,extra.role,extra.none",
                "--sort-by",
                "tx"
            ]
        ),
        "REMOTE     ID          EXTRA.ROLE  NONE\n\
         10.0.0.7   vlc-old     player\n\
         10.0.0.7   vlc-new     player\n\
         10.0.0.10  ffmpeg-pub  publisher\n"
    );
    let run = sessions(
        &["--url", &url, "active", "--columns", "id,remot"],
        &[],
        None,
    );
    run.assert_failure(2, "unknown column 'remot': did you mean 'remote'?");
    // The names listed are those --sort-by takes; the JSON keys are taken too.
    assert!(
        run.stderr.contains(
            "(valid: collector, id, reference, local, remote, role, created_at, age, rx_rate, \
             tx_rate, rx_bytes, tx_bytes, extra, target, extra.KEY)"
        ),
        "{}",
        run.stderr
    );
    let run = sessions(
        &["--url", &url, "active", "--columns", "age_s,rx_bit_s"],
        &[],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn filters_on_extra_keys_globs_and_numbers() {
    let server = core();
    let url = server.url();
    let ids = |filters: &[&str]| {
        let mut args = vec!["-o", "tsv", "--no-headers", "--columns", "id"];
        for f in filters {
            args.extend(["--filter", f]);
        }
        active(&url, &args).lines().collect::<Vec<_>>().join(",")
    };
    assert_eq!(ids(&["extra.role=player"]), "vlc-old,vlc-new");
    assert_eq!(ids(&["extra.userAgent=VLC*"]), "vlc-old,vlc-new");
    assert_eq!(ids(&["extra.userAgent!=VLC*"]), "ffmpeg-pub");
    assert_eq!(ids(&["tx_rate>5M"]), "vlc-old");
    assert_eq!(ids(&["tx_rate<=1M"]), "ffmpeg-pub");
    assert_eq!(ids(&["tx_rate>=1000k"]), "vlc-old,vlc-new");
    assert_eq!(ids(&["age>1h"]), "ffmpeg-pub,vlc-old");
    assert_eq!(ids(&["age<1m"]), "vlc-new");
    assert_eq!(ids(&["age>1h", "extra.role=player"]), "vlc-old");
    let run = sessions(
        &["--url", &url, "active", "--filter", "tx_rate>fast"],
        &[],
        None,
    );
    run.assert_failure(2, "'fast' is not a number like 500, 1.5k, 5M or 2G");
}

/// `--columns target` is taken as `--sort-by target` is: a fleet's TARGET leads wherever it is
/// named (as `kubectl get -A` keeps NAMESPACE first); one target's rows have none.
#[test]
fn target_is_a_column_of_a_fleet() {
    let (a, b) = (core(), core());
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    let text = format!(
        "[contexts.a]\nurl = \"{}\"\n[contexts.b]\nurl = \"{}\"\n",
        a.url(),
        b.url()
    );
    std::fs::write(&config, text).unwrap();
    let args = [
        "--config",
        config.to_str().unwrap(),
        "--all-contexts",
        "active",
        "--columns",
        "id,target",
        "-o",
        "tsv",
    ];
    let run = sessions(&args, &[], None);
    run.assert_success();
    assert_eq!(
        run.stdout,
        "target\tid\na\tffmpeg-pub\na\tvlc-old\na\tvlc-new\nb\tffmpeg-pub\nb\tvlc-old\nb\tvlc-new\n"
    );
    assert_eq!(
        active(
            &a.url(),
            &["-o", "tsv", "--columns", "target,id", "--limit", "1"]
        ),
        "id\nffmpeg-pub\n"
    );
    let url = a.url();
    let alone = sessions(&["--url", &url, "active", "--columns", "target"], &[], None);
    alone.assert_failure(
        2,
        "--columns target: one target's rows have no TARGET column",
    );
}
