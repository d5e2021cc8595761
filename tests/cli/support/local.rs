//! Helpers for the local collector's tests: the built binary run with a clean environment,
//! loopback connections that have moved a known number of bytes, traffic and churn made in the
//! background, and a listening port whose connections are the subject.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

/// A command for the built binary with only PATH kept and HOME set to `home`.
pub fn command(home: &Path, args: &[&str]) -> Command {
    let path = std::env::var("PATH").unwrap_or_default();
    let home = home.to_string_lossy();
    super::binary(args, &[("PATH", &path), ("HOME", &home)])
}

/// Runs the binary to completion.
pub fn run(home: &Path, args: &[&str]) -> Output {
    command(home, args).output().unwrap()
}

/// Runs the binary and parses its JSON output, failing the test on a non-zero exit.
pub fn json(home: &Path, args: &[&str]) -> serde_json::Value {
    let out = run(home, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

/// Both ends of an established loopback connection after `up` bytes went client → server and
/// `down` bytes server → client, all of them read by the other side.
pub struct Pair {
    pub client: TcpStream,
    pub server: TcpStream,
}

impl Pair {
    pub fn client_addr(&self) -> SocketAddr {
        self.client.local_addr().unwrap()
    }

    pub fn server_addr(&self) -> SocketAddr {
        self.server.local_addr().unwrap()
    }
}

pub fn pair(listener: &TcpListener, up: usize, down: usize) -> Pair {
    let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (mut server, _) = listener.accept().unwrap();
    move_bytes(&mut client, &mut server, up);
    move_bytes(&mut server, &mut client, down);
    Pair { client, server }
}

/// Writes `n` bytes on `from` and reads all of them on `to`.
pub fn move_bytes(from: &mut TcpStream, to: &mut TcpStream, n: usize) {
    let chunk = vec![7u8; 64 * 1024];
    let mut buf = vec![0u8; 64 * 1024];
    let (mut sent, mut got) = (0, 0);
    while got < n {
        if sent < n {
            let k = (n - sent).min(chunk.len());
            from.write_all(&chunk[..k]).unwrap();
            sent += k;
        }
        while got < sent {
            got += to.read(&mut buf).unwrap();
        }
    }
}

/// A listening loopback port whose connections are a test's subject: what the local collector
/// then finds on this machine.
pub fn listener() -> TcpListener {
    TcpListener::bind("127.0.0.1:0").unwrap()
}

/// Writes 4 KiB on a copy of `stream` every 5 ms (some 6 Mbit/s) until dropped: traffic for the
/// rates of two samples to measure.
pub fn trickle(stream: &TcpStream) -> Background {
    let mut stream = stream.try_clone().unwrap();
    Background::run(move || {
        let _ = stream.write_all(&[1u8; 4096]);
        std::thread::sleep(Duration::from_millis(5));
    })
}

/// Opens connections to `listener` one after another (10,000 bytes up, 10 down), each held
/// 100 ms and closed, until dropped: sessions ending all the time.
pub fn churn(listener: &TcpListener) -> Background {
    let listener = listener.try_clone().unwrap();
    Background::run(move || {
        let connection = pair(&listener, 10_000, 10);
        std::thread::sleep(Duration::from_millis(100));
        drop(connection);
    })
}

/// A thread repeating one step until dropped (then stopped and joined).
pub struct Background {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Background {
    fn run(mut step: impl FnMut() + Send + 'static) -> Background {
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let thread = std::thread::spawn(move || {
            while !stopped.load(Ordering::Relaxed) {
                step();
            }
        });
        Background {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
