//! Many targets at once: a config file of a few hundred contexts, each a datarhei Core stand-in
//! on its own loopback port (all one server of the kit), asked with `--all-contexts` under an
//! open-file limit lower than the number of targets.

use std::time::Duration;

use crate::support::Sessions;
use crate::support::http::{Reply, Server};

/// Core stand-ins on `count` ports, all one server; each answers every request with one rtmp
/// session whose id is its port, after `delay`, and the server counts the connections it holds.
fn fleet(count: usize, delay: Duration) -> Server {
    Server::builder().ports(count).start(move |request| {
        let port = request.port;
        let body = format!(
            r#"{{"rtmp":[{{"id":"{port}","reference":"live","created_at":1795494198,"local":"publish:/live/{port}","remote":"10.0.0.9:50250","extra":"","bytes_rx":{port},"bytes_tx":0,"bandwidth_rx_kbit":1.5,"bandwidth_tx_kbit":0}}]}}"#
        );
        Reply::json(200, body).after(delay)
    })
}

/// A config file with one context per stand-in, `t0` … `tN`.
fn config(fleet: &Server, dir: &std::path::Path) -> std::path::PathBuf {
    let mut text = String::new();
    for (i, port) in fleet.ports().iter().enumerate() {
        text.push_str(&format!(
            "[contexts.t{i}]\nurl = \"http://127.0.0.1:{port}\"\ntimeout = \"20s\"\n"
        ));
    }
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// 300 targets under a limit of 256 open files, 16 at a time: every one answers (exit 0), each
/// with its own row, and the stand-ins never hold more than 16 connections at once.
#[test]
fn a_fleet_larger_than_the_open_file_limit_answers_in_full() {
    const TARGETS: usize = 300;
    let fleet = fleet(TARGETS, Duration::from_millis(20));
    let home = tempfile::tempdir().unwrap();
    let config = config(&fleet, home.path());
    let config = config.to_str().unwrap();
    let args = [
        "--config",
        config,
        "--all-contexts",
        "--parallel",
        "16",
        "active",
        "-o",
        "json",
    ];
    let run = Sessions::new().args(&args).open_files(256).run();
    run.assert_success();
    assert_eq!(run.stderr, "");
    let rows = run.json();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), TARGETS);
    for (i, port) in fleet.ports().iter().enumerate() {
        let target = format!("t{i}");
        let row = rows.iter().find(|r| r["target"] == target.as_str());
        let row = row.unwrap_or_else(|| panic!("no row of {target}"));
        assert_eq!(row["id"], port.to_string());
        assert_eq!(row["rx_bytes"], u64::from(*port));
    }
    let (open, most) = fleet.connections();
    assert!((2..=16).contains(&most), "{most} connections at once");
    assert_eq!(fleet.served(), TARGETS);
    assert_eq!(open, 0);
}

/// The default `--parallel` (64) under the same limit: all answer, at most 64 at once.
#[test]
fn the_default_parallelism_fits_a_low_open_file_limit() {
    const TARGETS: usize = 300;
    let fleet = fleet(TARGETS, Duration::from_millis(20));
    let home = tempfile::tempdir().unwrap();
    let config = config(&fleet, home.path());
    let args = [
        "--config",
        config.to_str().unwrap(),
        "--all-contexts",
        "active",
        "-o",
        "tsv",
        "--no-headers",
    ];
    let run = Sessions::new().args(&args).open_files(256).run();
    run.assert_success();
    let stdout = run.stdout;
    let targets: std::collections::BTreeSet<&str> = stdout
        .lines()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    assert_eq!(targets.len(), TARGETS, "{stdout}");
    assert_eq!(stdout.lines().count(), TARGETS);
    let (_, most) = fleet.connections();
    assert!((2..=64).contains(&most), "{most} connections at once");
}
