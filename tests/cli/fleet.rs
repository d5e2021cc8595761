//! Many targets at once: a config file of a few hundred contexts, each a datarhei Core stand-in
//! on its own loopback port (all served by one thread), asked with `--all-contexts` under an
//! open-file limit lower than the number of targets.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::support::binary_with_open_files;

/// Core stand-ins on `count` ports, served by one thread; each answers every request with one
/// rtmp session whose id is its port, after `delay`, and counts how many connections it holds
/// at once.
struct Fleet {
    ports: Vec<u16>,
    open: Arc<AtomicUsize>,
    most: Arc<AtomicUsize>,
    served: Arc<AtomicUsize>,
}

impl Fleet {
    fn start(count: usize, delay: Duration) -> Fleet {
        let (open, most, served) = (
            Arc::new(AtomicUsize::new(0)),
            Arc::new(AtomicUsize::new(0)),
            Arc::new(AtomicUsize::new(0)),
        );
        let (tx, rx) = std::sync::mpsc::channel();
        let counters = (open.clone(), most.clone(), served.clone());
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let mut ports = Vec::new();
                for _ in 0..count {
                    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
                    let port = listener.local_addr().unwrap().port();
                    ports.push(port);
                    tokio::spawn(serve(listener, port, delay, counters.clone()));
                }
                tx.send(ports).unwrap();
                std::future::pending::<()>().await;
            });
        });
        Fleet {
            ports: rx.recv().unwrap(),
            open,
            most,
            served,
        }
    }

    /// A config file with one context per stand-in, `t0` … `tN`.
    fn config(&self, dir: &std::path::Path) -> std::path::PathBuf {
        let mut text = String::new();
        for (i, port) in self.ports.iter().enumerate() {
            text.push_str(&format!(
                "[contexts.t{i}]\nurl = \"http://127.0.0.1:{port}\"\ntimeout = \"20s\"\n"
            ));
        }
        let path = dir.join("config.toml");
        std::fs::write(&path, text).unwrap();
        path
    }
}

type Counters = (Arc<AtomicUsize>, Arc<AtomicUsize>, Arc<AtomicUsize>);

async fn serve(listener: TcpListener, port: u16, delay: Duration, counters: Counters) {
    loop {
        let Ok((mut stream, _)) = listener.accept().await else {
            return;
        };
        let (open, most, served) = counters.clone();
        tokio::spawn(async move {
            let now = open.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            tokio::time::sleep(delay).await;
            let body = format!(
                r#"{{"rtmp":[{{"id":"{port}","reference":"live","created_at":1795494198,"local":"publish:/live/{port}","remote":"10.0.0.9:50250","extra":"","bytes_rx":{port},"bytes_tx":0,"bandwidth_rx_kbit":1.5,"bandwidth_tx_kbit":0}}]}}"#
            );
            let reply = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(reply.as_bytes()).await;
            let _ = stream.shutdown().await;
            served.fetch_add(1, Ordering::SeqCst);
            open.fetch_sub(1, Ordering::SeqCst);
        });
    }
}

/// 300 targets under a limit of 256 open files, 16 at a time: every one answers (exit 0), each
/// with its own row, and the stand-ins never hold more than 16 connections at once.
#[test]
fn a_fleet_larger_than_the_open_file_limit_answers_in_full() {
    const TARGETS: usize = 300;
    let fleet = Fleet::start(TARGETS, Duration::from_millis(20));
    let home = tempfile::tempdir().unwrap();
    let config = fleet.config(home.path());
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
    let out = binary_with_open_files(256, &args, &[]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(stderr, "");
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), TARGETS);
    for (i, port) in fleet.ports.iter().enumerate() {
        let target = format!("t{i}");
        let row = rows.iter().find(|r| r["target"] == target.as_str());
        let row = row.unwrap_or_else(|| panic!("no row of {target}"));
        assert_eq!(row["id"], port.to_string());
        assert_eq!(row["rx_bytes"], u64::from(*port));
    }
    let most = fleet.most.load(Ordering::SeqCst);
    assert!((2..=16).contains(&most), "{most} connections at once");
    assert_eq!(fleet.served.load(Ordering::SeqCst), TARGETS);
    assert_eq!(fleet.open.load(Ordering::SeqCst), 0);
}

/// The default `--parallel` (64) under the same limit: all answer, at most 64 at once.
#[test]
fn the_default_parallelism_fits_a_low_open_file_limit() {
    const TARGETS: usize = 300;
    let fleet = Fleet::start(TARGETS, Duration::from_millis(20));
    let home = tempfile::tempdir().unwrap();
    let config = fleet.config(home.path());
    let args = [
        "--config",
        config.to_str().unwrap(),
        "--all-contexts",
        "active",
        "-o",
        "tsv",
        "--no-headers",
    ];
    let out = binary_with_open_files(256, &args, &[]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let targets: std::collections::BTreeSet<&str> = stdout
        .lines()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    assert_eq!(targets.len(), TARGETS, "{stdout}");
    assert_eq!(stdout.lines().count(), TARGETS);
    let most = fleet.most.load(Ordering::SeqCst);
    assert!((2..=64).contains(&most), "{most} connections at once");
}
