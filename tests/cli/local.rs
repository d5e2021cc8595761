//! The local collector against real loopback sockets, the real /proc and its own datarhei source.

use std::io::Read;
use std::net::{TcpListener, UdpSocket};
use std::os::fd::AsRawFd;

use crate::support::http::free_port;
use crate::support::local::{Collector, churn, http_get, pair, trickle};
use crate::support::{Sessions, wait_until};
use serde_json::Value;

/// `sessions ARGS` with HOME at `home` (PATH kept), which must succeed: its JSON.
fn json(home: &std::path::Path, args: &[&str]) -> Value {
    Sessions::new().home(home).args(args).json()
}

fn find<'a>(sessions: &'a Value, local: &str, remote: &str) -> Option<&'a Value> {
    sessions
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["local"] == local && s["remote"] == remote)
}

/// The sessions once `check` holds: both ends report the byte counts the test moved (an ACK
/// may trail a read), or a collector's poll has seen what the test did.
fn settled(home: &std::path::Path, args: &[&str], check: impl Fn(&Value) -> bool) -> Value {
    wait_until("the sessions the test expects", || {
        let v = json(home, args);
        check(&v).then_some(v)
    })
}

#[test]
fn all_shows_both_ends_of_each_connection_with_exact_bytes() {
    let home = tempfile::tempdir().unwrap();
    let rtmp = TcpListener::bind("127.0.0.1:0").unwrap();
    let hls = TcpListener::bind("127.0.0.1:0").unwrap();
    let unmapped = TcpListener::bind("127.0.0.1:0").unwrap();
    let a = pair(&rtmp, 123_456, 789);
    let b = pair(&hls, 1000, 250_000);
    let c = pair(&unmapped, 10, 10);
    let rtmp_map = format!("rtmp={}", rtmp.local_addr().unwrap().port());
    let hls_map = format!("hls={}", hls.local_addr().unwrap().port());
    let args = [
        "active",
        "--port-map",
        &rtmp_map,
        "--port-map",
        &hls_map,
        "--sample",
        "100ms",
        "-o",
        "json",
        "--all",
    ];
    let (a_srv, a_cli) = (a.server_addr().to_string(), a.client_addr().to_string());
    let (b_srv, b_cli) = (b.server_addr().to_string(), b.client_addr().to_string());
    let v = settled(home.path(), &args, |v| {
        find(v, &a_srv, &a_cli).is_some_and(|s| s["tx_bytes"] == 789)
            && find(v, &a_cli, &a_srv).is_some_and(|s| s["tx_bytes"] == 123_456)
            && find(v, &b_srv, &b_cli).is_some_and(|s| s["tx_bytes"] == 250_000)
            && find(v, &b_cli, &b_srv).is_some_and(|s| s["tx_bytes"] == 1000)
    });

    // The server end: a client of a local server.
    let s = find(&v, &a_srv, &a_cli).unwrap();
    assert_eq!(s["collector"], "rtmp");
    assert_eq!(
        (s["rx_bytes"].as_u64(), s["tx_bytes"].as_u64()),
        (Some(123_456), Some(789))
    );
    assert_eq!(s["extra"]["direction"], "in");
    assert_eq!(s["extra"]["proto"], "tcp");
    assert_eq!(s["extra"]["pid"], std::process::id());
    assert!(s["extra"]["rtt_ms"].as_f64().is_some());
    assert_eq!(s["id"], inode_of(&a.server).to_string());
    // The client end: this machine pushing to an ingest.
    let s = find(&v, &a_cli, &a_srv).unwrap();
    assert_eq!(s["collector"], "rtmp");
    assert_eq!(
        (s["rx_bytes"].as_u64(), s["tx_bytes"].as_u64()),
        (Some(789), Some(123_456))
    );
    assert_eq!(s["extra"]["direction"], "out");
    let s = find(&v, &b_srv, &b_cli).unwrap();
    assert_eq!(s["collector"], "hls");
    assert_eq!(s["rx_bytes"], 1000);
    // Nothing on unmapped ports, and no rows for the listeners themselves.
    let c_srv = c.server_addr().to_string();
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .all(|s| s["local"] != c_srv && s["remote"] != c_srv)
    );
    let ours: Vec<&Value> = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["extra"]["pid"] == std::process::id())
        .collect();
    assert_eq!(ours.len(), 4, "{ours:#?}");

    // By default each connection is one row, its server's, naming the client's process.
    let v = json(home.path(), &args[..args.len() - 1]);
    let mut ours: Vec<(&str, &str)> = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["extra"]["pid"] == std::process::id())
        .map(|s| (s["local"].as_str().unwrap(), s["remote"].as_str().unwrap()))
        .collect();
    ours.sort_unstable();
    let mut expected = [
        (a_srv.as_str(), a_cli.as_str()),
        (b_srv.as_str(), b_cli.as_str()),
    ];
    expected.sort_unstable();
    assert_eq!(ours, expected);
    let s = find(&v, &a_srv, &a_cli).unwrap();
    assert_eq!(s["extra"]["peer_pid"], std::process::id());
    assert_eq!(s["extra"]["peer_process"], s["extra"]["process"]);
    assert_eq!(s["rx_bytes"], 123_456);

    // --collectors keeps only the ones asked for.
    let only_hls = json(
        home.path(),
        &[
            "active",
            "--port-map",
            &rtmp_map,
            "--port-map",
            &hls_map,
            "--sample",
            "0s",
            "--collectors",
            "hls",
            "-o",
            "json",
        ],
    );
    assert!(
        only_hls
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["collector"] == "hls")
    );
    assert!(find(&only_hls, &b_srv, &b_cli).is_some());
}

fn inode_of(stream: &impl AsRawFd) -> u64 {
    let link = std::fs::read_link(format!("/proc/self/fd/{}", stream.as_raw_fd())).unwrap();
    let link = link.to_str().unwrap();
    link.trim_start_matches("socket:[")
        .trim_end_matches(']')
        .parse()
        .unwrap()
}

#[test]
fn bit_rates_come_from_two_samples() {
    let home = tempfile::tempdir().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let p = pair(&listener, 1, 0);
    let feeder = trickle(&p.client);
    let drain = {
        let mut server = p.server.try_clone().unwrap();
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            while server.read(&mut buf).is_ok_and(|n| n > 0) {}
        })
    };
    let map = format!("http={port}");
    let v = json(
        home.path(),
        &[
            "active",
            "--port-map",
            &map,
            "--sample",
            "400ms",
            "-o",
            "json",
        ],
    );
    drop(feeder);
    let srv = p.server_addr().to_string();
    let s = v
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["local"] == srv)
        .unwrap();
    // About 4 KiB every 5 ms is some 6 Mbit/s; the window is short, so only sanity is exact.
    let rate = s["rx_bit_s"].as_f64().unwrap();
    assert!(rate > 100_000.0 && rate < 1e9, "{rate}");
    assert_eq!(
        s["rx_kibit_s"].as_f64().unwrap(),
        (rate / 1024.0 * 1000.0).round() / 1000.0
    );
    assert_eq!(s["tx_bit_s"], 0.0);
    p.server.shutdown(std::net::Shutdown::Both).unwrap();
    drain.join().unwrap();
}

#[test]
fn udp_listeners_are_listener_rows() {
    let home = tempfile::tempdir().unwrap();
    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    let local = udp.local_addr().unwrap().to_string();
    let map = format!("srt={}/udp", udp.local_addr().unwrap().port());
    let v = json(
        home.path(),
        &[
            "active",
            "--port-map",
            &map,
            "--sample",
            "0s",
            "--collectors",
            "srt",
            "-o",
            "json",
        ],
    );
    let s = find(&v, &local, "*").unwrap();
    assert_eq!(s["collector"], "srt");
    assert_eq!(s["extra"]["direction"], "listen");
    assert_eq!(s["extra"]["proto"], "udp");
    assert!(
        s["extra"]["note"]
            .as_str()
            .unwrap()
            .contains("share this one UDP socket")
    );
}

/// A process table of one ffmpeg (pid 4242) with these arguments, owning `inodes`.
fn fake_ffmpeg(args: &[&str], inodes: &[u64]) -> tempfile::TempDir {
    let proc_root = tempfile::tempdir().unwrap();
    let dir = proc_root.path().join("4242");
    std::fs::create_dir_all(dir.join("fd")).unwrap();
    std::fs::write(dir.join("comm"), "ffmpeg\n").unwrap();
    std::fs::write(dir.join("cmdline"), format!("{}\0", args.join("\0"))).unwrap();
    for (fd, inode) in inodes.iter().enumerate() {
        std::os::unix::fs::symlink(
            format!("socket:[{inode}]"),
            dir.join(format!("fd/{}", fd + 7)),
        )
        .unwrap();
    }
    proc_root
}

#[test]
fn ffmpeg_processes_become_one_session_per_network_input_and_output() {
    let home = tempfile::tempdir().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let p = pair(&listener, 5000, 0);
    let url = format!("rtmp://127.0.0.1:{port}/live/cam?token=s3cret");
    let inode = inode_of(&p.client);
    let proc_root = fake_ffmpeg(
        &[
            "/usr/bin/ffmpeg",
            "-re",
            "-i",
            "/srv/in put.mp4",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=1000",
            "-c",
            "copy",
            "-f",
            "flv",
            &url,
            "-f",
            "mpegts",
            "pipe:1",
            "-f",
            "null",
            "-",
        ],
        &[inode],
    );
    let root = proc_root.path().to_str().unwrap();
    let map = format!("rtmp={port}");
    let args = [
        "active",
        "--proc-root",
        root,
        "--port-map",
        &map,
        "--sample",
        "0s",
        "-o",
        "json",
    ];
    let ffmpeg_rows = |v: &Value| -> Vec<Value> {
        v.as_array()
            .unwrap()
            .iter()
            .filter(|s| s["collector"] == "ffmpeg")
            .cloned()
            .collect()
    };
    let (server, client) = (p.server_addr().to_string(), p.client_addr().to_string());
    // By default the connection is one row, the server's, named after the stream the
    // command line publishes (its key is no secret here: the token is).
    let v = settled(home.path(), &args, |v| {
        find(v, &server, &client).is_some_and(|s| s["rx_bytes"] == 5000)
    });
    assert_eq!(ffmpeg_rows(&v), Vec::<Value>::new());
    assert!(find(&v, &client, &server).is_none());
    let s = find(&v, &server, &client).unwrap();
    assert_eq!(
        (s["collector"].as_str(), s["reference"].as_str()),
        (Some("rtmp"), Some("live/cam"))
    );
    assert_eq!(
        s["extra"]["url"],
        format!("rtmp://127.0.0.1:{port}/live/cam?token=***")
    );
    assert_eq!(
        (&s["extra"]["peer_pid"], &s["extra"]["peer_process"]),
        (&4242.into(), &"ffmpeg".into())
    );
    // The client's command line publishes: so does the connection.
    assert_eq!(s["role"], "publisher");

    // --all: every input and output, in id order, and both ends of the connection.
    let mut all = args.to_vec();
    all.push("--all");
    let v = json(home.path(), &all);
    let ff = ffmpeg_rows(&v);
    let rows: Vec<(&str, &str, &str)> = ff
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap(),
                s["extra"]["kind"].as_str().unwrap(),
                s["remote"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("4242:in0", "file", "unknown"),
            ("4242:in1", "lavfi", "unknown"),
            ("4242:out0", "network", server.as_str()),
            ("4242:out1", "pipe", "unknown"),
            ("4242:out2", "null", "unknown"),
        ]
    );
    assert_eq!(
        ff[2]["local"],
        format!("rtmp://127.0.0.1:{port}/live/cam?token=***")
    );
    assert_eq!(ff[2]["extra"]["format"], "flv");
    assert_eq!(ff[2]["extra"]["socket"], inode);
    // Named after the stream its command line gives, not its pid (`extra.pid`).
    assert_eq!(ff[2]["reference"], "live/cam");
    assert_eq!(ff[2]["tx_bytes"], 5000);
    // The socket itself is an rtmp session owned by that ffmpeg.
    let out = find(&v, &client, &server).unwrap();
    assert_eq!(out["reference"], "ffmpeg");
    assert_eq!(out["extra"]["pid"], 4242);
    assert_eq!(out["role"], Value::Null, "a socket does not say");
    assert_eq!(ff[0]["local"], "/srv/in put.mp4");
    assert_eq!(ff[1]["local"], "sine=frequency=1000");
    assert_eq!(ff[3]["extra"]["format"], "mpegts");
    // A file, a generated input, a pipe or null output is nobody's stream.
    let roles: Vec<&Value> = ff.iter().map(|s| &s["role"]).collect();
    let (null, publisher) = (Value::Null, Value::from("publisher"));
    assert_eq!(roles, [&null, &null, &publisher, &null, &null]);
}

/// A connection out to a web port whose server is not (or no longer) listening here is this
/// machine's own web traffic: a session only with --all, or when a media process makes it.
#[test]
fn this_machines_own_web_traffic_shows_only_with_all() {
    let home = tempfile::tempdir().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let p = pair(&listener, 300, 200);
    drop(listener);
    let (cli, srv) = (p.client_addr().to_string(), p.server_addr().to_string());
    let ask = |map: &str, extra: &[&str]| {
        let mut args = vec!["active", "--port-map", map, "--sample", "0s", "-o", "json"];
        args.extend_from_slice(extra);
        json(home.path(), &args)
    };
    let https = format!("https={port}");
    assert!(find(&ask(&https, &[]), &cli, &srv).is_none());
    let all = ask(&https, &["--all"]);
    let s = find(&all, &cli, &srv).unwrap();
    assert_eq!(
        (s["collector"].as_str(), s["extra"]["direction"].as_str()),
        (Some("https"), Some("out"))
    );
    assert_eq!(
        (s["tx_bytes"].as_u64(), s["rx_bytes"].as_u64()),
        (Some(300), Some(200))
    );
    // Out to a media port is streaming, whoever dials it.
    let rtmp = format!("rtmp={port}");
    assert!(find(&ask(&rtmp, &[]), &cli, &srv).is_some());
    // An ffmpeg pulling over HTTP is a media process: its connection is a session.
    let proc_root = fake_ffmpeg(
        &[
            "ffmpeg",
            "-i",
            &format!("http://127.0.0.1:{port}/live/a.ts"),
            "-f",
            "null",
            "-",
        ],
        &[inode_of(&p.client)],
    );
    let root = proc_root.path().to_str().unwrap();
    let ffmpeg_rows = |v: &Value| -> Vec<Value> {
        v.as_array()
            .unwrap()
            .iter()
            .filter(|s| s["collector"] == "ffmpeg")
            .cloned()
            .collect()
    };
    // One row: the socket's, named after the stream the command line reads.
    let v = ask(&https, &["--proc-root", root]);
    let s = find(&v, &cli, &srv).unwrap();
    assert_eq!(
        (s["reference"].as_str(), s["rx_bytes"].as_u64()),
        (Some("live/a.ts"), Some(200))
    );
    assert_eq!(ffmpeg_rows(&v), Vec::<Value>::new());
    // --all: the process's row beside its socket's.
    let v = ask(&https, &["--proc-root", root, "--all"]);
    assert_eq!(find(&v, &cli, &srv).unwrap()["reference"], "ffmpeg");
    let ff = ffmpeg_rows(&v);
    let ids: Vec<(&str, u64)> = ff
        .iter()
        .map(|s| (s["id"].as_str().unwrap(), s["rx_bytes"].as_u64().unwrap()))
        .collect();
    assert_eq!(ids, [("4242:in0", 200), ("4242:out0", 0)]);
}

/// `COLLECTOR+=PORTS` adds to what the collector has; `COLLECTOR=PORTS` replaces it.
#[test]
fn port_map_entries_add_or_replace() {
    let home = tempfile::tempdir().unwrap();
    let a = TcpListener::bind("127.0.0.1:0").unwrap();
    let b = TcpListener::bind("127.0.0.1:0").unwrap();
    let (pa, pb) = (pair(&a, 1, 1), pair(&b, 1, 1));
    let (a_srv, b_srv) = (pa.server_addr().to_string(), pb.server_addr().to_string());
    let port = |l: &TcpListener| l.local_addr().unwrap().port();
    let collector_of = |entries: &[String], local: &str| {
        let mut args = vec!["active", "--sample", "0s", "-o", "json"];
        for e in entries {
            args.extend(["--port-map", e.as_str()]);
        }
        let v = json(home.path(), &args);
        v.as_array()
            .unwrap()
            .iter()
            .find(|s| s["local"] == local)
            .map(|s| s["collector"].as_str().unwrap().to_owned())
    };
    let add = [format!("rtmp+={}", port(&a)), format!("rtmp+={}", port(&b))];
    assert_eq!(collector_of(&add, &a_srv).as_deref(), Some("rtmp"));
    assert_eq!(collector_of(&add, &b_srv).as_deref(), Some("rtmp"));
    let replace = [format!("rtmp+={}", port(&a)), format!("rtmp={}", port(&b))];
    assert_eq!(collector_of(&replace, &a_srv), None);
    assert_eq!(collector_of(&replace, &b_srv).as_deref(), Some("rtmp"));
    let out = Sessions::new()
        .home(home.path())
        .args(&["active", "--port-map", "rtmp+=x"])
        .run();
    out.assert_failure(2, "rtmp+=x");
}

#[test]
fn bad_local_flags_are_usage_errors() {
    let home = tempfile::tempdir().unwrap();
    for args in [
        &["active", "--port-map", "ffmpeg=1"][..],
        &["active", "--port-map", "rtmp=0"],
        &["collect", "--listen", "0.0.0.0:1"],
        &["collect", "--interval", "0s", "--db", "x.sqlite3"],
        &["summary", "--day", "2026-13-01"],
        &["summary", "--day", "2026-1-01"],
        &[
            "--url",
            "http://127.0.0.1:1",
            "summary",
            "--day",
            "2026-01-01",
        ],
    ] {
        let out = Sessions::new().home(home.path()).args(args).run();
        out.assert_failure(2, "");
    }
}

#[test]
fn collect_records_serves_core_json_and_survives_sigkill() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("state/history.sqlite3");
    let db_arg = db.to_str().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let map = format!("rtmp={}", listener.local_addr().unwrap().port());
    let http = free_port();
    let listen = format!("127.0.0.1:{http}");
    let mut collect = Collector::start(
        home.path(),
        &[
            "collect",
            "--interval",
            "100ms",
            "--port-map",
            &map,
            "--listen",
            &listen,
            "--db",
            db_arg,
        ],
    );
    collect.wait_for_http(http);
    let url = format!("http://127.0.0.1:{http}");

    // A live session, seen through this binary's own datarhei source.
    let live = pair(&listener, 4321, 1234);
    let (srv, cli) = (
        live.server_addr().to_string(),
        live.client_addr().to_string(),
    );
    let active = settled(
        home.path(),
        &[
            "--url",
            &url,
            "active",
            "--collectors",
            "rtmp",
            "-o",
            "json",
        ],
        |v| find(v, &srv, &cli).is_some_and(|s| s["tx_bytes"] == 1234),
    );
    let s = find(&active, &srv, &cli).unwrap();
    assert_eq!(
        (s["rx_bytes"].as_u64(), s["collector"].as_str()),
        (Some(4321), Some("rtmp"))
    );
    assert!(s["extra"].as_str().unwrap().contains("direction=in"), "{s}");
    let raw = http_get(http, "/api/v3/session/active?collectors=bogus,rtmp");
    assert!(
        raw.contains("\r\n\r\n{\"bogus\":[],\"rtmp\":[{\"id\":"),
        "{raw}"
    );
    drop(live);

    // Sessions that end are stored, then printed: each is seen by a poll (what `--listen`
    // serves is the last poll's), then closed.
    let rtmp = [
        "--url",
        &url,
        "active",
        "--collectors",
        "rtmp",
        "-o",
        "json",
    ];
    let mut expected = Vec::new();
    for i in 0..3u64 {
        let p = pair(&listener, 1000 + i as usize, 0);
        expected.push((p.server_addr().ip().to_string(), 1000 + i));
        let (srv, cli) = (p.server_addr().to_string(), p.client_addr().to_string());
        settled(home.path(), &rtmp, |v| find(v, &srv, &cli).is_some());
    }
    // Other tests' ffmpeg jobs on this machine may end meanwhile: only rtmp rows count here.
    // Four connections, each one row (its server's socket), as `active` lists them.
    let printed = wait_until("four finished rtmp sessions printed", || {
        let lines = collect.printed();
        let rtmp = lines.iter().filter(|l| l["collector"] == "rtmp").count();
        (rtmp >= 4).then_some(lines)
    });
    for (_, rx) in &expected {
        assert!(
            printed.iter().any(|l| l["rx_bytes"] == *rx
                && l["extra"]["direction"] == "in"
                && l["remote"] == "127.0.0.1"),
            "{rx} in {printed:#?}"
        );
    }
    let summary = json(
        home.path(),
        &[
            "--url",
            &url,
            "summary",
            "--collectors",
            "rtmp",
            "-o",
            "json",
        ],
    );
    let finished = &summary["collectors"][0]["finished"];
    assert!(finished["sessions"].as_u64().unwrap() >= 4, "{summary}");
    // The same series as `summary -o prometheus`, from the same store.
    let metrics = http_get(http, "/metrics");
    assert!(
        metrics.contains("# TYPE sessions_finished_total counter"),
        "{metrics}"
    );
    let line = format!(
        "sessions_finished_total{{collector=\"rtmp\"}} {}",
        finished["sessions"]
    );
    assert!(metrics.lines().any(|l| l == line), "{line} in {metrics}");
    assert!(
        metrics.contains("sessions_active{collector=\"rtmp\"}"),
        "{metrics}"
    );

    // Churn, and a SIGKILL in the middle of it.
    let churning = churn(&listener);
    let before = collect.printed().len();
    wait_until("ten more finished sessions printed", || {
        (collect.printed().len() > before + 10).then_some(())
    });
    collect.child.kill().unwrap();
    collect.child.wait().unwrap();
    drop(churning);
    let printed = collect.printed();
    drop(collect);

    let conn = rusqlite::Connection::open(&db).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let stored: i64 = conn
        .query_row("SELECT count(*) FROM finished", [], |r| r.get(0))
        .unwrap();
    let stored_rtmp: i64 = conn
        .query_row(
            "SELECT count(*) FROM finished WHERE collector = 'rtmp'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        stored as usize >= printed.len(),
        "{stored} < {}",
        printed.len()
    );
    for line in &printed {
        let n: i64 = conn
            .query_row(
                "SELECT count(*) FROM finished WHERE session_id = ?1 AND rx_bytes = ?2 AND closed_at = unixepoch(?3)",
                rusqlite::params![
                    line["id"].as_str().unwrap(),
                    line["rx_bytes"].as_i64().unwrap(),
                    line["closed_at"].as_str().unwrap()
                ],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1, "printed but not stored: {line}");
    }

    // Local `summary` reads the same store.
    let local = json(
        home.path(),
        &[
            "summary",
            "--db",
            db_arg,
            "--port-map",
            &map,
            "--sample",
            "0s",
            "--collectors",
            "rtmp",
            "-o",
            "json",
        ],
    );
    assert_eq!(local["collectors"][0]["finished"]["sessions"], stored_rtmp);
    // … and per UTC day.
    let today = &printed[0]["closed_at"].as_str().unwrap()[..10];
    for (day, expected) in [(today, stored_rtmp), ("2000-01-01", 0)] {
        let v = json(
            home.path(),
            &[
                "summary",
                "--db",
                db_arg,
                "--day",
                day,
                "--sample",
                "0s",
                "--collectors",
                "rtmp",
                "-o",
                "json",
            ],
        );
        assert_eq!(
            v["collectors"][0]["finished"]["sessions"], expected,
            "{day}"
        );
    }
}

/// An ffmpeg job's socket closes a poll before the process ends: `collect --all` stores the
/// ffmpeg row with the bytes its socket had moved, not 0.
#[test]
fn collect_keeps_the_bytes_of_an_ffmpeg_row_whose_socket_closed_first() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("h.sqlite3");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let p = pair(&listener, 5000, 0);
    let url = format!("rtmp://127.0.0.1:{port}/live/x");
    let proc_root = fake_ffmpeg(
        &["ffmpeg", "-re", "-i", "/in.mp4", "-f", "flv", &url],
        &[inode_of(&p.client)],
    );
    let map = format!("rtmp={port}");
    let http = free_port();
    let listen = format!("127.0.0.1:{http}");
    let collect = Collector::start(
        home.path(),
        &[
            "collect",
            "--interval",
            "100ms",
            "--proc-root",
            proc_root.path().to_str().unwrap(),
            "--port-map",
            &map,
            "--all",
            "--listen",
            &listen,
            "--db",
            db.to_str().unwrap(),
        ],
    );
    collect.wait_for_http(http);
    // What `--listen` serves is the last poll's view.
    let api = format!("http://127.0.0.1:{http}");
    let polled = [
        "--url",
        &api,
        "active",
        "--collectors",
        "rtmp,ffmpeg",
        "-o",
        "json",
    ];
    let rows = |v: &Value| v.as_array().unwrap().clone();
    let job = |v: &Value| rows(v).into_iter().find(|s| s["id"] == "4242:out0");
    // A poll sees the job with its socket's bytes; then the socket closes: its rtmp rows end.
    settled(home.path(), &polled, |v| {
        job(v).is_some_and(|s| s["tx_bytes"] == 5000)
    });
    let server = p.server_addr().to_string();
    drop(p);
    wait_until("the rtmp row printed with its bytes", || {
        collect
            .printed()
            .iter()
            .any(|l| l["local"] == server && l["rx_bytes"] == 5000)
            .then_some(())
    });
    assert!(!collect.printed().iter().any(|l| l["collector"] == "ffmpeg"));
    // A poll sees the job without its socket; then the process ends too.
    settled(home.path(), &polled, |v| {
        job(v).is_some() && !rows(v).iter().any(|s| s["local"] == server)
    });
    std::fs::remove_dir_all(proc_root.path().join("4242")).unwrap();
    let line = wait_until("the ffmpeg row printed", || {
        collect
            .printed()
            .into_iter()
            .find(|l| l["id"] == "4242:out0")
    });
    assert_eq!(line["id"], "4242:out0");
    assert_eq!(
        (line["tx_bytes"].as_u64(), line["rx_bytes"].as_u64()),
        (Some(5000), Some(0))
    );
    // The last path segment of an RTMP URL is its stream key: masked (source::secrets).
    assert_eq!(line["local"], format!("rtmp://127.0.0.1:{port}/live/***"));
}

/// A loopback connection from an ffmpeg to a server here is one row in `collect` as in
/// `active`: recorded once when it ends, under the server socket's inode, named after the
/// stream; not its ffmpeg row nor the client's socket besides.
#[test]
fn collect_records_a_loopback_connection_once() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("h.sqlite3");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let p = pair(&listener, 5000, 0);
    let url = format!("rtmp://127.0.0.1:{port}/live/x");
    let proc_root = fake_ffmpeg(
        &["ffmpeg", "-i", "/in.mp4", "-f", "flv", &url],
        &[inode_of(&p.client)],
    );
    let (map, http) = (format!("rtmp={port}"), free_port());
    let listen = format!("127.0.0.1:{http}");
    let root = proc_root.path().to_str().unwrap();
    let collect = Collector::start(
        home.path(),
        &[
            "collect",
            "--interval",
            "100ms",
            "--proc-root",
            root,
            "--port-map",
            &map,
            "--listen",
            &listen,
            "--db",
            db.to_str().unwrap(),
        ],
    );
    collect.wait_for_http(http);
    let api = format!("http://127.0.0.1:{http}");
    let id = inode_of(&p.server).to_string();
    let server = p.server_addr().to_string();
    let polled = [
        "--url",
        &api,
        "active",
        "--collectors",
        "rtmp,ffmpeg",
        "-o",
        "json",
    ];
    let v = settled(home.path(), &polled, |v| {
        v.as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == id.as_str() && s["rx_bytes"] == 5000)
    });
    let own: Vec<&Value> = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| {
            s["local"] == server.as_str()
                || s["remote"] == server.as_str()
                || s["collector"] == "ffmpeg"
        })
        .collect();
    assert_eq!(own.len(), 1, "{own:#?}");
    assert_eq!(own[0]["reference"], "live/***");
    std::fs::remove_dir_all(proc_root.path().join("4242")).unwrap();
    drop(p);
    wait_until("the connection printed", || {
        collect
            .printed()
            .iter()
            .any(|l| l["id"] == id.as_str())
            .then_some(())
    });
    // Polls go on: nothing else of that connection is recorded.
    settled(home.path(), &polled, |v| {
        !v.as_array()
            .unwrap()
            .iter()
            .any(|s| s["local"] == server.as_str())
    });
    std::thread::sleep(std::time::Duration::from_millis(300));
    let printed: Vec<(String, String, u64)> = collect
        .printed()
        .iter()
        .filter(|l| {
            l["local"] == server.as_str()
                || l["remote"] == server.as_str()
                || l["collector"] == "ffmpeg"
        })
        .map(|l| {
            let text = |k: &str| l[k].as_str().unwrap().to_owned();
            (
                text("collector"),
                text("id"),
                l["rx_bytes"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(printed, [("rtmp".to_owned(), id, 5000)]);
}

#[test]
fn collect_listen_checks_the_token() {
    let home = tempfile::tempdir().unwrap();
    let http = free_port();
    let listen = format!("127.0.0.1:{http}");
    let db = home.path().join("h.sqlite3");
    let token = home.path().join("token");
    std::fs::write(&token, "s3cret\n").unwrap();
    std::fs::set_permissions(&token, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let collect = Collector::start(
        home.path(),
        &[
            "collect",
            "--interval",
            "1s",
            "--listen",
            &listen,
            "--token-file",
            token.to_str().unwrap(),
            "--db",
            db.to_str().unwrap(),
        ],
    );
    collect.wait_for_http(http);
    let url = format!("http://127.0.0.1:{http}");
    let out = Sessions::new()
        .home(home.path())
        .args(&["--url", &url, "active", "-o", "json"])
        .run();
    assert_eq!(out.code, 5, "{}", out.stderr);
    let ok = json(
        home.path(),
        &["--url", &url, "--token", "s3cret", "active", "-o", "json"],
    );
    assert!(ok.is_array());
    let raw = http_get(http, "/metrics");
    assert!(raw.starts_with("HTTP/1.1 401"), "{raw}");
    assert!(raw.ends_with(
        r#"{"code":401,"message":"Unauthorized","details":["Missing or invalid JWT token"]}"#
    ));

    // SIGTERM is a clean stop.
    let mut collect = collect;
    let pid = rustix::process::Pid::from_raw(collect.child.id() as i32).unwrap();
    rustix::process::kill_process(pid, rustix::process::Signal::TERM).unwrap();
    let status = wait_until("collect to stop", || collect.child.try_wait().unwrap());
    assert_eq!(status.code(), Some(0));
}

fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .is_some_and(|uids| uids.split_whitespace().next() == Some("0"))
}

#[test]
fn other_users_processes_are_one_warning_not_a_failure() {
    let setpriv = std::path::Path::new("/usr/bin/setpriv");
    if !crate::support::available(
        running_as_root() && setpriv.exists(),
        "needs root and /usr/bin/setpriv to run the binary as another user",
    ) {
        return;
    }
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let p = pair(&listener, 10, 10);
    let map = format!("rtmp={}", listener.local_addr().unwrap().port());
    // As nobody, this test process (root's) cannot be read: its sockets lose their process.
    let out = Sessions::new()
        .via(
            "/usr/bin/setpriv",
            &["--reuid=65534", "--regid=65534", "--clear-groups"],
        )
        .args(&["active", "--port-map", &map, "--sample", "0s", "-o", "json"])
        .env("PATH", &std::env::var("PATH").unwrap_or_default())
        .run();
    out.assert_success();
    let v = out.json();
    let s = find(
        &v,
        &p.server_addr().to_string(),
        &p.client_addr().to_string(),
    )
    .unwrap();
    assert_eq!(s["reference"], "");
    assert!(s["extra"].get("pid").is_none());
    // An Icecast of another test may run as nobody too: its hint is not this test's business.
    let lines: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| !l.starts_with("sessions: hint: "))
        .collect();
    assert_eq!(lines.len(), 1, "{}", out.stderr);
    let err = lines[0];
    assert!(err.starts_with("sessions: warning: "), "{err}");
    assert!(
        err.contains("processes of other users cannot be read"),
        "{err}"
    );
}

#[test]
fn ipv6_loopback_sessions() {
    let listener = TcpListener::bind("[::1]:0");
    if !crate::support::available(listener.is_ok(), "needs an IPv6 loopback (::1)") {
        return;
    }
    let listener = listener.unwrap();
    let home = tempfile::tempdir().unwrap();
    let p = pair(&listener, 2048, 64);
    let map = format!("https={}", listener.local_addr().unwrap().port());
    let (srv, cli) = (p.server_addr().to_string(), p.client_addr().to_string());
    assert!(srv.starts_with("[::1]:"), "{srv}");
    let v = settled(
        home.path(),
        &[
            "active",
            "--port-map",
            &map,
            "--sample",
            "0s",
            "-o",
            "json",
            "--all",
        ],
        |v| find(v, &srv, &cli).is_some_and(|s| s["tx_bytes"] == 64),
    );
    let s = find(&v, &srv, &cli).unwrap();
    assert_eq!(
        (s["collector"].as_str(), s["rx_bytes"].as_u64()),
        (Some("https"), Some(2048))
    );
    let s = find(&v, &cli, &srv).unwrap();
    assert_eq!(
        (s["extra"]["direction"].as_str(), s["tx_bytes"].as_u64()),
        (Some("out"), Some(2048))
    );
}

/// The rows of a real test's own servers and clients: sockets on `port`, ffmpeg rows of `pids`
/// (other tests' servers and ffmpeg jobs run beside), as (collector, local, remote, reference).
fn own_rows(v: &Value, port: u16, pids: &[u32]) -> Vec<(String, String, String, String)> {
    let on_port = format!("127.0.0.1:{port}");
    let mut rows: Vec<(String, String, String, String)> = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| {
            let pid = s["extra"]["pid"].as_u64().unwrap_or(0);
            s["local"] == on_port.as_str()
                || s["remote"] == on_port.as_str()
                || (s["collector"] == "ffmpeg" && pids.iter().any(|p| u64::from(*p) == pid))
        })
        .map(|s| {
            let text = |k: &str| s[k].as_str().unwrap().to_owned();
            (
                text("collector"),
                text("local"),
                text("remote"),
                text("reference"),
            )
        })
        .collect();
    rows.sort();
    rows
}

/// The ports a `hint:` line of stderr names for `server`, and the entries it suggests.
fn hinted(stderr: &str, server: &str) -> Option<(Vec<u16>, Vec<String>)> {
    let prefix = format!("sessions: hint: {server} listens on ");
    let line = stderr
        .lines()
        .find_map(|l| l.strip_prefix(prefix.as_str()))?;
    let (ports, rest) = line.split_once(", which the port map does not know")?;
    let ports = ports.split(", ").map(|p| p.parse().unwrap()).collect();
    let entries = rest
        .split("--port-map ")
        .skip(1)
        .filter_map(|e| e.split(' ').next().map(str::to_owned))
        .collect();
    Some((ports, entries))
}

/// A real nginx-rtmp, an ffmpeg publishing to it and one playing from it: two connections, two
/// rows, the server's, named after the stream; `--all` the ffmpeg rows and both ends of each.
/// Before its ports are mapped, nginx gets a hint.
#[test]
fn a_real_nginx_rtmp_with_ffmpeg_clients_is_one_row_per_connection() {
    let Some(ff) = crate::support::servers::ffmpeg::find() else {
        return;
    };
    let Some(mut nginx) = crate::support::servers::nginx_rtmp::NginxRtmp::start() else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let publish = nginx.rtmp_url("cam1");
    // A secret in the query leaves the path, the stream's name, unmasked.
    let play = format!("{publish}?token=t0k");
    let publisher = ff.publish_rtmp(&publish);
    nginx.wait_for_clients("cam1", 1, 0);
    let player = ff.play(&play);
    nginx.wait_for_clients("cam1", 1, 1);
    let port = nginx.rtmp_port;
    let pids = [publisher.pid(), player.pid()];

    let unmapped = Sessions::new()
        .home(home.path())
        .args(&["active", "--sample", "0s", "-o", "json"])
        .run();
    unmapped.assert_success();
    let (ports, entries) = hinted(&unmapped.stderr, "nginx").expect(&unmapped.stderr);
    assert!(
        ports.contains(&port) && ports.contains(&nginx.http_port),
        "{ports:?}"
    );
    // The ffmpeg clients' rtmp:// URLs tell the RTMP port from the HTTP one, which gets no entry.
    if ports.len() == 2 {
        let line = format!(
            "sessions: hint: nginx listens on {}, {}, which the port map does not know (its clients are not listed): --port-map rtmp+={port}",
            ports[0], ports[1]
        );
        assert!(
            unmapped.stderr.lines().any(|l| l == line),
            "{}",
            unmapped.stderr
        );
    } else {
        // Other tests' nginx beside: ours is among the RTMP ports.
        let rtmp = entries.iter().find_map(|e| e.strip_prefix("rtmp+="));
        let rtmp: Vec<&str> = rtmp.expect(&unmapped.stderr).split(',').collect();
        assert!(rtmp.contains(&port.to_string().as_str()), "{entries:?}");
        let http = nginx.http_port.to_string();
        assert!(!entries.iter().any(|e| e.ends_with(&http)), "{entries:?}");
    }
    // The port unmapped, each ffmpeg's row stays, named after the stream of its command line.
    let mut named: Vec<String> = own_rows(&unmapped.json(), port, &pids)
        .into_iter()
        .filter(|(c, _, _, _)| c == "ffmpeg")
        .map(|(_, _, _, r)| r)
        .collect();
    named.sort_unstable();
    assert_eq!(named, ["live/***", "live/cam1"]);
    assert_eq!(
        unmapped
            .stderr
            .lines()
            .filter(|l| l.contains("hint: nginx"))
            .count(),
        1
    );

    let map = format!("rtmp+={port}");
    let args = ["active", "--port-map", &map, "--sample", "0s", "-o", "json"];
    let mapped = Sessions::new().home(home.path()).args(&args).run();
    mapped.assert_success();
    // Its RTMP port mapped, nginx's other port (its stat page) is not hinted at.
    let still = hinted(&mapped.stderr, "nginx").map_or(Vec::new(), |(p, _)| p);
    assert!(
        !still.contains(&port) && !still.contains(&nginx.http_port),
        "{}",
        mapped.stderr
    );
    let server = format!("127.0.0.1:{port}");
    let rows = own_rows(&mapped.json(), port, &pids);
    let seen: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|(c, l, _, r)| (c.as_str(), l.as_str(), r.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            ("rtmp", server.as_str(), "live/***"),
            ("rtmp", server.as_str(), "live/cam1"),
        ],
        "{rows:#?}"
    );

    let mut all = args.to_vec();
    all.push("--all");
    let rows = own_rows(&json(home.path(), &all), port, &pids);
    let count = |collector: &str, local_is_server: bool| {
        rows.iter()
            .filter(|(c, l, _, _)| c == collector && (*l == server) == local_is_server)
            .count()
    };
    // ffmpeg rows: the publisher's two generated inputs and its output, the player's input and
    // its null output; sockets: each end of the two connections.
    assert_eq!(
        (
            count("ffmpeg", false),
            count("rtmp", true),
            count("rtmp", false)
        ),
        (5, 2, 2),
        "{rows:#?}"
    );
    let mut references: Vec<&str> = rows
        .iter()
        .filter(|(c, _, _, _)| c == "rtmp")
        .map(|(_, _, _, r)| r.as_str())
        .collect();
    references.sort_unstable();
    assert_eq!(references, ["ffmpeg", "ffmpeg", "nginx", "nginx"]);
}

/// A real curl, no ffmpeg, fetching a playlist from a server here that holds the request
/// unanswered: the connection's row is named after the stream its command line fetches, the
/// token masked; with `--all`, so is curl's own socket row.
#[test]
fn a_clients_command_line_names_its_connection() {
    use crate::support::servers::{Daemon, program};
    let Some(curl) = program("curl") else {
        crate::support::available(false, "curl is not installed (apt-get install curl)");
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}/live/cam9.m3u8?token=s3cret");
    let mut cmd = std::process::Command::new(curl);
    cmd.args(["-s", "-o", "/dev/null", "--max-time", "120", &url]);
    let client = Daemon::spawn("curl", cmd, &home.path().join("curl.log"));
    let (mut server, peer) = listener.accept().unwrap();
    // The request came whole: curl now waits for the answer.
    let mut request = Vec::new();
    let mut buf = [0u8; 1024];
    while !request.ends_with(b"\r\n\r\n") {
        let n = server.read(&mut buf).unwrap();
        assert!(n > 0, "curl closed early");
        request.extend_from_slice(&buf[..n]);
    }
    let (srv, cli) = (server.local_addr().unwrap().to_string(), peer.to_string());
    let map = format!("hls+={port}");
    let args = ["active", "--port-map", &map, "--sample", "0s", "-o", "json"];
    let masked = format!("http://127.0.0.1:{port}/live/cam9.m3u8?token=***");
    let v = settled(home.path(), &args, |v| {
        find(v, &srv, &cli).is_some_and(|s| s["extra"]["peer_pid"] == client.pid())
    });
    assert!(find(&v, &cli, &srv).is_none());
    let s = find(&v, &srv, &cli).unwrap();
    assert_eq!(
        (
            s["collector"].as_str(),
            s["reference"].as_str(),
            s["extra"]["url"].as_str(),
            s["extra"]["peer_process"].as_str()
        ),
        (
            Some("hls"),
            Some("live/cam9.m3u8"),
            Some(masked.as_str()),
            Some("curl")
        )
    );

    let mut all = args.to_vec();
    all.push("--all");
    let v = json(home.path(), &all);
    let s = find(&v, &cli, &srv).unwrap();
    assert_eq!(
        (
            s["reference"].as_str(),
            s["extra"]["url"].as_str(),
            &s["extra"]["pid"]
        ),
        (
            Some("live/cam9.m3u8"),
            Some(masked.as_str()),
            &client.pid().into()
        )
    );
    // The server's own socket (this test) names no stream.
    let s = find(&v, &srv, &cli).unwrap();
    assert_eq!(s["reference"], s["extra"]["process"]);
    assert_eq!(s["extra"]["url"], Value::Null);
}

/// An Icecast on a port the map does not know: its listeners would be `http`.
#[test]
fn a_real_icecast_on_an_unmapped_port_gets_a_hint() {
    let Some(icecast) = crate::support::servers::icecast::Icecast::start("admin", "pw-3x") else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = Sessions::new().home(home.path()).args(args).run();
        out.assert_success();
        out.stderr
    };
    let stderr = run(&["active", "--sample", "0s", "-o", "json"]);
    let (ports, _) = hinted(&stderr, "icecast2").expect(&stderr);
    assert!(ports.contains(&icecast.port), "{stderr}");
    // No client here names its port: which one is HTTP is left to say.
    let line = format!(
        "sessions: hint: icecast2 listens on {}, which the port map does not know (its clients are not listed): e.g. --port-map http+=PORT for its HTTP port",
        icecast.port
    );
    assert!(
        ports.len() > 1 || stderr.lines().any(|l| l == line),
        "{stderr}"
    );
    assert!(stderr.contains("--port-map http+="), "{stderr}");
    // -q silences it; a mapped port is not named.
    assert_eq!(run(&["-q", "active", "--sample", "0s", "-o", "json"]), "");
    let map = format!("http+={}", icecast.port);
    let stderr = run(&["active", "--port-map", &map, "--sample", "0s", "-o", "json"]);
    let named = hinted(&stderr, "icecast2").map_or(Vec::new(), |(p, _)| p);
    assert!(!named.contains(&icecast.port), "{stderr}");
}

/// `summary --by local` on this machine breaks down the connections open now, one per
/// connection as `active` shows them (issue 21, item 9), with no history at all.
#[test]
fn summary_by_breaks_down_this_machines_open_connections() {
    let home = tempfile::tempdir().unwrap();
    let rtmp = TcpListener::bind("127.0.0.1:0").unwrap();
    let _a = pair(&rtmp, 100_000, 300);
    let _b = pair(&rtmp, 20_000, 700);
    let server = rtmp.local_addr().unwrap().to_string();
    let map = format!("rtmp={}", rtmp.local_addr().unwrap().port());
    let args = [
        "summary",
        "--by",
        "local",
        "--port-map",
        &map,
        "--sample",
        "0s",
        "-o",
        "json",
    ];
    let v = settled(home.path(), &args, |v| {
        v["breakdown"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["key"] == server.as_str() && r["tx_bytes"] == 1000)
    });
    assert_eq!(v["breakdown_of"], "active");
    let row = v["breakdown"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == server.as_str())
        .unwrap();
    assert_eq!(
        (
            &row["collector"],
            &row["sessions"],
            &row["rx_bytes"],
            &row["tx_bytes"]
        ),
        (
            &Value::from("rtmp"),
            &Value::from(2),
            &Value::from(120_000),
            &Value::from(1000)
        )
    );
    // No history was asked for: nothing to say about `collect`.
    let run = Sessions::new().home(home.path()).args(&args).run();
    assert_eq!(run.stderr, "");
}
