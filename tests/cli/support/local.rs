//! Helpers for the local collector's tests: loopback connections that have moved a known number of bytes, traffic and churn made in the
//! background, and a listening port whose connections are the subject.

use std::io::{BufRead, BufReader};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use super::{Sessions, wait_until};

/// Both ends of an established loopback connection after `up` bytes went client → server and
/// `down` bytes server → client, all of them read by the other side.
pub(crate) struct Pair {
    pub client: TcpStream,
    pub server: TcpStream,
}

impl Pair {
    pub(crate) fn client_addr(&self) -> SocketAddr {
        self.client.local_addr().unwrap()
    }

    pub(crate) fn server_addr(&self) -> SocketAddr {
        self.server.local_addr().unwrap()
    }
}

pub(crate) fn pair(listener: &TcpListener, up: usize, down: usize) -> Pair {
    let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (mut server, _) = listener.accept().unwrap();
    move_bytes(&mut client, &mut server, up);
    move_bytes(&mut server, &mut client, down);
    Pair { client, server }
}

/// Writes `n` bytes on `from` and reads all of them on `to`.
pub(crate) fn move_bytes(from: &mut TcpStream, to: &mut TcpStream, n: usize) {
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
pub(crate) fn listener() -> TcpListener {
    TcpListener::bind("127.0.0.1:0").unwrap()
}

/// Writes 4 KiB on a copy of `stream` every 5 ms (some 6 Mbit/s) until dropped: traffic for the
/// rates of two samples to measure.
pub(crate) fn trickle(stream: &TcpStream) -> Background {
    let mut stream = stream.try_clone().unwrap();
    Background::run(move || {
        let _ = stream.write_all(&[1u8; 4096]);
        std::thread::sleep(Duration::from_millis(5));
    })
}

/// Opens connections to `listener` one after another (10,000 bytes up, 10 down), each held
/// 100 ms and closed, until dropped: sessions ending all the time.
pub(crate) fn churn(listener: &TcpListener) -> Background {
    let listener = listener.try_clone().unwrap();
    Background::run(move || {
        let connection = pair(&listener, 10_000, 10);
        std::thread::sleep(Duration::from_millis(100));
        drop(connection);
    })
}

/// A thread repeating one step until dropped (then stopped and joined).
pub(crate) struct Background {
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

/// A `collect` process whose stdout lines are gathered as they come.
pub(crate) struct Collector {
    pub child: std::process::Child,
    lines: Arc<Mutex<Vec<serde_json::Value>>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Collector {
    pub(crate) fn start(home: &std::path::Path, args: &[&str]) -> Collector {
        let mut child = Sessions::new()
            .home(home)
            .args(args)
            .command()
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&lines);
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let line = line.unwrap();
                sink.lock()
                    .unwrap()
                    .push(serde_json::from_str(&line).unwrap());
            }
        });
        Collector {
            child,
            lines,
            reader: Some(reader),
        }
    }

    pub(crate) fn printed(&self) -> Vec<serde_json::Value> {
        self.lines.lock().unwrap().clone()
    }

    pub(crate) fn wait_for_http(&self, port: u16) {
        wait_until("collect to listen", || {
            TcpStream::connect(("127.0.0.1", port)).ok()
        });
    }
}

impl Drop for Collector {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(r) = self.reader.take() {
            let _ = r.join();
        }
    }
}

/// A plain `GET` to a listener on this machine (`collect --listen`), the whole reply as text.
pub(crate) fn http_get(port: u16, path: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}
