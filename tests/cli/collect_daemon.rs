//! `collect` as a daemon: it must not lose, double or stall. A busy store, a second collector,
//! the store's mode, a store that is not ours, the listener's Host check, a slow listing beside
//! the polls, and where the listener's token may come from.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::http::free_port;
use crate::support::local::pair;
use crate::support::{Run, Sessions, sessions, wait_until};

/// Lines a stream printed, each with when the test read it.
type Lines = Arc<Mutex<Vec<(Instant, String)>>>;

/// A running `collect` whose stdout and stderr are read as they come.
struct Daemon {
    child: Child,
    stdout: Lines,
    stderr: Lines,
    readers: Vec<JoinHandle<()>>,
}

fn gather(stream: impl Read + Send + 'static) -> (Lines, JoinHandle<()>) {
    let lines: Lines = Arc::default();
    let sink = Arc::clone(&lines);
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { return };
            sink.lock().unwrap().push((Instant::now(), line));
        }
    });
    (lines, reader)
}

impl Daemon {
    fn start(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Daemon {
        let mut child = command(home, args, env).spawn().unwrap();
        let (stdout, out) = gather(child.stdout.take().unwrap());
        let (stderr, err) = gather(child.stderr.take().unwrap());
        Daemon {
            child,
            stdout,
            stderr,
            readers: vec![out, err],
        }
    }

    /// The finished sessions printed so far.
    fn printed(&self) -> Vec<Value> {
        let lines = self.stdout.lock().unwrap();
        lines
            .iter()
            .map(|(_, l)| serde_json::from_str(l).unwrap())
            .collect()
    }

    fn stderr(&self) -> Vec<(Instant, String)> {
        self.stderr.lock().unwrap().clone()
    }

    fn said(&self, needle: &str) -> usize {
        self.stderr()
            .iter()
            .filter(|(_, l)| l.contains(needle))
            .count()
    }

    /// SIGTERM, then the exit code.
    fn stop(mut self) -> Option<i32> {
        let pid = rustix::process::Pid::from_raw(self.child.id() as i32).unwrap();
        rustix::process::kill_process(pid, rustix::process::Signal::TERM).unwrap();
        let status = wait_until("what the test waits for", || self.child.try_wait().unwrap());
        status.code()
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        for r in self.readers.drain(..) {
            let _ = r.join();
        }
    }
}

/// The binary with HOME set and the given variables, nothing else of the user's environment.
fn command(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Command {
    let path = std::env::var("PATH").unwrap_or_default();
    let home = home.to_str().unwrap();
    let mut all = vec![("PATH", path.as_str()), ("HOME", home)];
    all.extend_from_slice(env);
    Sessions::new().args(args).envs(&all).command()
}

fn run(home: &Path, args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Run {
    let mut all = vec![("HOME", home.to_str().unwrap())];
    all.extend_from_slice(env);
    sessions(args, &all, stdin)
}

/// Waits until `collect` has created its store.
fn wait_for_store(db: &Path) {
    wait_until("what the test waits for", || {
        let conn = rusqlite::Connection::open(db).ok()?;
        let n: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE name = 'finished'",
                [],
                |r| r.get(0),
            )
            .ok()?;
        (n == 1).then_some(())
    });
}

/// One HTTP/1.1 GET with this Host header (none when `None`): the status and the body.
fn get(port: u16, path: &str, host: Option<&str>, token: Option<&str>) -> (u16, String) {
    get_slowly(port, path, host, token, Duration::ZERO)
}

/// [`get`], pausing after each read of at most 1 MiB.
fn get_slowly(
    port: u16,
    path: &str,
    host: Option<&str>,
    token: Option<&str>,
    pause: Duration,
) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut req = format!("GET {path} HTTP/1.1\r\nConnection: close\r\n");
    if let Some(host) = host {
        req.push_str(&format!("Host: {host}\r\n"));
    }
    if let Some(token) = token {
        req.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    let mut buf = vec![0; 1 << 20];
    loop {
        let n = s.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
        std::thread::sleep(pause);
    }
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let status = raw
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = raw.split_once("\r\n\r\n").map_or("", |(_, b)| b).to_owned();
    (status, body)
}

fn wait_for_http(port: u16) {
    wait_until("what the test waits for", || {
        TcpStream::connect(("127.0.0.1", port)).ok()
    });
}

/// The `in` rows of the store whose rx_bytes is `rx`.
fn stored_with_rx(db: &Path, rx: u64) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(
        "SELECT count(*) FROM finished WHERE rx_bytes = ?1 AND extra LIKE '%\"direction\":\"in\"%'",
        [rx as i64],
        |r| r.get(0),
    )
    .unwrap()
}

/// Another process holds the store's write lock for 7 s while sessions end: `collect` keeps
/// polling, says so once on stderr (and once when the store works again), and stores every
/// session exactly once after the release.
#[test]
fn a_busy_store_loses_nothing() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("h.sqlite3");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let map = format!("rtmp={}", listener.local_addr().unwrap().port());
    let args = [
        "collect",
        "--interval",
        "100ms",
        "--port-map",
        &map,
        "--db",
        db.to_str().unwrap(),
    ];
    let collect = Daemon::start(home.path(), &args, &[]);
    wait_for_store(&db);
    let holder = rusqlite::Connection::open(&db).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let held = Instant::now();
    let rx: Vec<u64> = (0..8).map(|i| 10_000 + i).collect();
    for &n in &rx {
        let p = pair(&listener, n as usize, 0);
        std::thread::sleep(Duration::from_millis(400));
        drop(p);
    }
    std::thread::sleep(Duration::from_secs(7).saturating_sub(held.elapsed()));
    assert!(collect.printed().is_empty(), "printed before it was stored");
    holder.execute_batch("ROLLBACK").unwrap();
    for &n in &rx {
        wait_until("what the test waits for", || {
            (stored_with_rx(&db, n) >= 1).then_some(())
        });
    }
    wait_until("what the test waits for", || {
        (collect.said("works again") == 1).then_some(())
    });
    for &n in &rx {
        assert_eq!(stored_with_rx(&db, n), 1, "rx {n}");
    }
    assert_eq!(collect.said("cannot store finished sessions"), 1);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (rows, distinct): (i64, i64) = conn
        .query_row(
            "SELECT count(*), count(DISTINCT session_id || ' ' || local || ' ' || created_at) FROM finished",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(rows, distinct, "a session stored twice");
    wait_until("what the test waits for", || {
        (collect.printed().len() as i64 == rows).then_some(())
    });
    assert_eq!(collect.stop(), Some(0));
}

/// One writer per store: a second `collect` on it is refused at once, while the first goes on
/// and readers (`summary`, an operator's `sqlite3`) still read and briefly write.
#[test]
fn a_second_collector_is_refused_at_once() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("h.sqlite3");
    let db_arg = db.to_str().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let map = format!("rtmp={}", listener.local_addr().unwrap().port());
    let args = [
        "collect",
        "--interval",
        "100ms",
        "--port-map",
        &map,
        "--db",
        db_arg,
    ];
    let first = Daemon::start(home.path(), &args, &[]);
    wait_for_store(&db);
    let second = run(home.path(), &args, &[], None);
    second.assert_failure(2, "another `sessions collect` (pid ");
    assert!(
        second
            .stderr
            .contains(&format!("(pid {})", first.child.id())),
        "{}",
        second.stderr
    );
    assert!(
        second.elapsed < Duration::from_secs(3),
        "{:?}",
        second.elapsed
    );

    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "BEGIN IMMEDIATE; INSERT INTO finished (collector, session_id, reference, local, remote, \
         created_at, closed_at, rx_bytes, tx_bytes, extra) \
         VALUES ('hls', 'x', '', 'a', 'b', 1, 2, 3, 4, '{}'); COMMIT;",
    )
    .unwrap();
    let p = pair(&listener, 4242, 0);
    std::thread::sleep(Duration::from_millis(400));
    drop(p);
    wait_until("what the test waits for", || {
        (stored_with_rx(&db, 4242) == 1).then_some(())
    });
    let summary = run(
        home.path(),
        &[
            "summary",
            "--db",
            db_arg,
            "--sample",
            "0s",
            "--collectors",
            "hls",
            "-o",
            "json",
        ],
        &[],
        None,
    );
    summary.assert_success();
    assert_eq!(summary.json()["collectors"][0]["finished"]["sessions"], 1);
    assert_eq!(first.stop(), Some(0));
    // The lock died with its holder.
    let again = Daemon::start(home.path(), &args, &[]);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(again.stop(), Some(0));
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// The store holds addresses and stream names: it, its -wal and -shm files and the writer's
/// lock are 0600, in folders created 0700.
#[test]
fn the_store_is_private() {
    let home = tempfile::tempdir().unwrap();
    let collect = Daemon::start(home.path(), &["collect", "--interval", "1s"], &[]);
    let state = home.path().join(".local/state");
    let db = state.join("sessions/history.sqlite3");
    wait_for_store(&db);
    let with = |suffix: &str| PathBuf::from(format!("{}{suffix}", db.display()));
    for file in [db.clone(), with("-wal"), with("-shm"), with("-writer.lock")] {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
    for dir in [
        state.join("sessions"),
        state.clone(),
        home.path().join(".local"),
    ] {
        assert_eq!(mode(&dir), 0o700, "{}", dir.display());
    }
    assert_eq!(collect.stop(), Some(0));
}

/// A store whose `finished` is a recursive view would never answer: it is refused at once,
/// with exit 4, by `summary` and by `collect` (which adds nothing to it); a store of ours that
/// cannot be read within --timeout is exit 3.
#[test]
fn a_store_that_is_not_ours_is_refused_within_the_timeout() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("view.sqlite3");
    let db_arg = db.to_str().unwrap();
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch(
            "CREATE VIEW finished AS WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) \
             SELECT 'rtmp' AS collector, x AS session_id, '' AS reference, '' AS local, '' AS remote, \
             0 AS created_at, 0 AS closed_at, 0 AS rx_bytes, 0 AS tx_bytes, '' AS extra FROM r;
             PRAGMA user_version = 1;",
        )
        .unwrap();
    let before = std::fs::read(&db).unwrap();
    let summary = run(
        home.path(),
        &[
            "--timeout",
            "2s",
            "summary",
            "--db",
            db_arg,
            "--sample",
            "0s",
        ],
        &[],
        None,
    );
    summary.assert_failure(4, "`finished` is a view, not a table");
    assert!(
        summary.elapsed < Duration::from_secs(2),
        "{:?}",
        summary.elapsed
    );
    let collect = run(home.path(), &["collect", "--db", db_arg], &[], None);
    collect.assert_failure(4, "is not a history store of `sessions collect`");
    assert_eq!(std::fs::read(&db).unwrap(), before);
    assert!(!Path::new(&format!("{db_arg}-writer.lock")).exists());

    // Ours, but more than a millisecond of reading.
    let big = home.path().join("big.sqlite3");
    make_history(&big, 50_000);
    let slow = run(
        home.path(),
        &[
            "--timeout",
            "1ms",
            "summary",
            "--db",
            big.to_str().unwrap(),
            "--sample",
            "0s",
        ],
        &[],
        None,
    );
    slow.assert_failure(3, "no answer within --timeout 1ms");
    assert!(slow.elapsed < Duration::from_secs(2), "{:?}", slow.elapsed);
}

/// A store of ours with `rows` finished rtmp sessions, each from its own remote.
fn make_history(db: &Path, rows: u32) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute_batch(&format!(
        "PRAGMA journal_mode = WAL;
         CREATE TABLE finished (collector TEXT NOT NULL, session_id TEXT NOT NULL,
             reference TEXT NOT NULL, local TEXT NOT NULL, remote TEXT NOT NULL,
             created_at INTEGER NOT NULL, closed_at INTEGER NOT NULL, rx_bytes INTEGER NOT NULL,
             tx_bytes INTEGER NOT NULL, extra TEXT NOT NULL);
         CREATE INDEX finished_by_collector ON finished (collector, closed_at);
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows})
         INSERT INTO finished SELECT 'rtmp', i, 'live/' || (i % 100), '127.0.0.1:1935',
             '10.' || (i >> 16) || '.' || ((i >> 8) & 255) || '.' || (i & 255),
             1700000000, 1700000060, i * 1000, i, '{{\"direction\":\"in\"}}' FROM n;
         PRAGMA user_version = 1;"
    ))
    .unwrap();
}

/// Requests name the listener (its IP, localhost on loopback) or an allowed name; a rebinding
/// page's name is refused with 403 and a short body.
#[test]
fn the_listener_answers_only_its_own_host_names() {
    let home = tempfile::tempdir().unwrap();
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let db = home.path().join("h.sqlite3");
    let collect = Daemon::start(
        home.path(),
        &[
            "collect",
            "--listen",
            &listen,
            "--allow-host",
            "metrics.example.org",
            "--db",
            db.to_str().unwrap(),
        ],
        &[],
    );
    wait_for_http(port);
    for host in [
        listen.as_str(),
        "127.0.0.1",
        "localhost",
        &format!("localhost:{port}"),
        "Metrics.Example.org:443",
    ] {
        let (status, body) = get(port, "/ping", Some(host), None);
        assert_eq!((status, body.as_str()), (200, "pong"), "{host}");
    }
    for host in [
        "evil.example",
        &format!("evil.example:{port}"),
        "127.0.0.2",
        "metrics.example.org.evil.example",
    ] {
        for path in ["/metrics", "/api/v3/session", "/ping"] {
            let (status, body) = get(port, path, Some(host), None);
            assert_eq!(status, 403, "{host}{path}");
            assert!(
                body.len() < 200 && body.contains("Host not allowed"),
                "{body}"
            );
        }
    }
    assert_eq!(get(port, "/ping", None, None).0, 400);
    // This binary's own datarhei source sends the listen address.
    let url = format!("http://{listen}");
    run(home.path(), &["--url", &url, "active"], &[], None).assert_success();
    assert_eq!(collect.stop(), Some(0));
}

/// The gaps between the polls `-v` reports (one line each), among the lines read in `window`.
fn poll_gaps(lines: &[(Instant, String)], window: (Instant, Instant)) -> Vec<Duration> {
    let polls: Vec<Instant> = lines
        .iter()
        .filter(|(at, l)| l.contains(" socket owners by ") && *at >= window.0 && *at <= window.1)
        .map(|(at, _)| *at)
        .collect();
    polls.windows(2).map(|w| w[1] - w[0]).collect()
}

/// A listing of a large history takes seconds; the polls go on every interval meanwhile.
#[test]
fn a_slow_listing_does_not_delay_the_polls() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("big.sqlite3");
    make_history(&db, 300_000);
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let collect = Daemon::start(
        home.path(),
        &[
            "-v",
            "--timeout",
            "120s",
            "collect",
            "--interval",
            "200ms",
            "--listen",
            &listen,
            "--db",
            db.to_str().unwrap(),
        ],
        &[],
    );
    wait_for_http(port);
    let started = Instant::now();
    // A client that reads slowly too: the listing lasts at least a second on any machine.
    let (status, body) = get_slowly(
        port,
        "/api/v3/session?collectors=rtmp",
        Some(&listen),
        None,
        Duration::from_millis(25),
    );
    let ended = Instant::now();
    assert_eq!(status, 200);
    let body = body
        .split("\r\n")
        .filter(|l| !l.chars().all(|c| c.is_ascii_hexdigit()))
        .collect::<String>();
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["rtmp"]["summary"]["sessions"], 300_000);
    let took = ended - started;
    let gaps = poll_gaps(&collect.stderr(), (started, ended));
    eprintln!(
        "listing of 300,000 remotes: {took:?}; {} polls meanwhile, longest gap {:?}",
        gaps.len() + 1,
        gaps.iter().max()
    );
    assert!(
        took >= Duration::from_secs(1),
        "the listing took only {took:?}: too fast to show anything"
    );
    let longest = gaps.iter().max().copied().unwrap_or(took);
    assert!(
        longest < Duration::from_millis(1500),
        "a poll waited {longest:?} at a 200ms interval while a listing took {took:?}"
    );
    assert_eq!(collect.stop(), Some(0));
}

/// The listener's token never sits on the command line: refused there (exit 2, naming where it
/// goes), taken from a file, the environment or stdin.
#[test]
fn the_listeners_token_comes_from_a_file_the_environment_or_stdin() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("h.sqlite3");
    let db_arg = db.to_str().unwrap();
    let secret = "tok-9f2c-Qx7";
    let refused = run(
        home.path(),
        &[
            "--token",
            secret,
            "collect",
            "--listen",
            "127.0.0.1:1",
            "--db",
            db_arg,
        ],
        &[],
        None,
    );
    refused.assert_failure(2, "--token-file PATH");
    assert!(!refused.stderr.contains(secret));
    assert!(!db.exists(), "refused after opening the store");
    // SESSIONS_TOKEN is for the servers asked: alone, it leaves the listener with none.
    run(
        home.path(),
        &["collect", "--listen", "127.0.0.1:1", "--db", db_arg],
        &[("SESSIONS_TOKEN", secret)],
        None,
    )
    .assert_failure(2, "SESSIONS_COLLECT_TOKEN");

    let file = home.path().join("token");
    std::fs::write(&file, format!("{secret}\n")).unwrap();
    std::fs::set_permissions(&file, PermissionsExt::from_mode(0o600)).unwrap();
    let file = file.to_str().unwrap();
    type Way<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], Option<&'a str>);
    let ways: [Way<'_>; 3] = [
        (&["--token-file", file], &[], None),
        (&[], &[("SESSIONS_COLLECT_TOKEN", secret)], None),
        (&["--token-stdin"], &[], Some(secret)),
    ];
    for (flags, env, stdin) in ways {
        let port = free_port();
        let listen = format!("127.0.0.1:{port}");
        let mut args = vec!["collect", "--listen", &listen, "--db", db_arg];
        args.extend_from_slice(flags);
        let mut cmd = command(home.path(), &args, env);
        cmd.stdin(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let mut input = child.stdin.take().unwrap();
        if let Some(text) = stdin {
            writeln!(input, "{text}").unwrap();
        }
        drop(input);
        wait_for_http(port);
        let cmdline = std::fs::read(format!("/proc/{}/cmdline", child.id())).unwrap();
        assert!(!String::from_utf8_lossy(&cmdline).contains(secret));
        assert_eq!(get(port, "/ping", Some(&listen), None).0, 401, "{flags:?}");
        assert_eq!(get(port, "/ping", Some(&listen), Some("wrong")).0, 401);
        assert_eq!(
            get(port, "/ping", Some(&listen), Some(secret)).0,
            200,
            "{flags:?}"
        );
        child.kill().unwrap();
        child.wait().unwrap();
    }
    // Past loopback a token is required.
    let open = run(
        home.path(),
        &["collect", "--listen", "0.0.0.0:1", "--db", db_arg],
        &[],
        None,
    );
    open.assert_failure(2, "--token-file PATH or SESSIONS_COLLECT_TOKEN");
}
