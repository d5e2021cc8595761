//! `sessions top` on a pseudo-terminal read through a terminal emulator (vt100), against a
//! MediaMTX stand-in that records every request: what the first screen shows, each key, resize,
//! a kick answered `n` and `y`, and the terminal given back however `top` ends.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::OwnedFd;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rustix::fs::{Mode, OFlags};
use rustix::pty::OpenptFlags;
use rustix::termios::Winsize;

use crate::support::servers::mediamtx::{Conn, Kind, MediaMtx};
use crate::support::{BIN, sessions};

/// `sessions top` with the terminal as its stdin, stdout and controlling terminal (so a resize
/// reaches it as SIGWINCH), and what the terminal shows, as an emulator keeps it.
struct Term {
    child: Child,
    master: File,
    screen: Arc<Mutex<vt100::Parser>>,
    bytes: Arc<Mutex<Vec<u8>>>,
}

impl Term {
    fn start(args: &[&str], columns: u16, lines: u16) -> Term {
        Term::open(args, columns, lines, false)
    }

    /// With `stderr` on the terminal too: what `kick` needs to ask there.
    fn open(args: &[&str], columns: u16, lines: u16, stderr: bool) -> Term {
        let master =
            rustix::pty::openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY | OpenptFlags::CLOEXEC)
                .unwrap();
        rustix::pty::grantpt(&master).unwrap();
        rustix::pty::unlockpt(&master).unwrap();
        let name = rustix::pty::ptsname(&master, Vec::new()).unwrap();
        let slave: OwnedFd = rustix::fs::open(
            name.as_c_str(),
            OFlags::RDWR | OFlags::NOCTTY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .unwrap();
        rustix::termios::tcsetwinsize(&slave, size(columns, lines)).unwrap();
        let master = File::from(master);
        let screen = Arc::new(Mutex::new(vt100::Parser::new(nz(lines), nz(columns), 0)));
        let bytes = Arc::new(Mutex::new(Vec::new()));
        let mut reader = master.try_clone().unwrap();
        let (parser, seen) = (screen.clone(), bytes.clone());
        std::thread::spawn(move || {
            let mut chunk = [0u8; 64 * 1024];
            while let Ok(n) = reader.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                parser.lock().unwrap().process(&chunk[..n]);
                seen.lock().unwrap().extend_from_slice(&chunk[..n]);
            }
        });
        // setsid -c: a session of its own with this terminal as its controlling one.
        let mut cmd = Command::new("setsid");
        cmd.arg("-c").arg(BIN).args(args).env_clear();
        cmd.stdin(Stdio::from(slave.try_clone().unwrap()))
            .stdout(Stdio::from(slave.try_clone().unwrap()))
            .stderr(if stderr {
                Stdio::from(slave)
            } else {
                Stdio::piped()
            });
        let child = cmd.spawn().expect("spawn setsid sessions");
        Term {
            child,
            master,
            screen,
            bytes,
        }
    }

    fn text(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Waits until the screen shows what `ok` wants; fails with the screen after 10 s.
    fn until(&self, what: &str, ok: impl Fn(&vt100::Screen) -> bool) {
        let end = Instant::now() + Duration::from_secs(10);
        loop {
            if ok(self.screen.lock().unwrap().screen()) {
                return;
            }
            assert!(Instant::now() < end, "no {what} on:\n{}", self.text());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn shows(&self, text: &str) {
        self.until(text, |s| s.contents().contains(text));
    }

    fn type_keys(&mut self, keys: &str) {
        self.master.write_all(keys.as_bytes()).unwrap();
        self.master.flush().unwrap();
    }

    fn resize(&mut self, columns: u16, lines: u16) {
        self.screen.lock().unwrap().set_size(nz(lines), nz(columns));
        rustix::termios::tcsetwinsize(&self.master, size(columns, lines)).unwrap();
    }

    /// The line of the screen the selection is on: the one row in reverse video above the
    /// status line.
    fn selected(&self) -> String {
        let parser = self.screen.lock().unwrap();
        let screen = parser.screen();
        let (lines, columns) = screen.size();
        let (lines, columns) = (lines.get(), columns.get());
        (2..lines - 1)
            .find(|&row| screen.cell(row, 3).is_some_and(vt100::Cell::inverse))
            .map(|row| screen.contents_between(row, 0, row, columns))
            .unwrap_or_default()
    }

    /// Tables on a terminal show an id's first 12 characters (its unique start).
    fn selected_is(&self, id: &str) {
        let id = id.get(..12).unwrap_or(id);
        let end = Instant::now() + Duration::from_secs(10);
        while !self.selected().contains(id) {
            assert!(
                Instant::now() < end,
                "{id} is not selected:\n{}",
                self.text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for the exit (10 s at most): its code and everything the terminal got.
    fn finish(mut self) -> (i32, Vec<u8>) {
        let end = Instant::now() + Duration::from_secs(10);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < end, "top did not end:\n{}", self.text());
            std::thread::sleep(Duration::from_millis(20));
        };
        std::thread::sleep(Duration::from_millis(100));
        let bytes = self.bytes.lock().unwrap().clone();
        (status.code().unwrap_or(-1), bytes)
    }
}

/// A test that failed leaves no `top` running.
impl Drop for Term {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn nz(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).unwrap()
}

fn size(columns: u16, lines: u16) -> Winsize {
    Winsize {
        ws_row: lines,
        ws_col: columns,
        ws_xpixel: 0,
        ws_ypixel: 0,
    }
}

/// Five RTMP connections: readers of cam1…cam4 and the publisher of cam0.
fn server() -> (MediaMtx, Vec<String>) {
    let conns: Vec<Conn> = (0..5).map(|n| Conn::numbered(Kind::Rtmp, n)).collect();
    let ids = conns.iter().map(|c| c.id.clone()).collect();
    (MediaMtx::start(conns), ids)
}

fn top(server: &MediaMtx, columns: u16, lines: u16) -> Term {
    top_with(server, &[], columns, lines)
}

/// `top` with these options besides.
fn top_with(server: &MediaMtx, more: &[&str], columns: u16, lines: u16) -> Term {
    let url = server.url();
    let args = [
        "--source",
        "mediamtx",
        "--url",
        &url,
        "top",
        "--interval",
        "1s",
    ];
    Term::start(&[&args[..], more].concat(), columns, lines)
}

/// The terminal was given back: the alternate screen left after it was entered, the cursor
/// shown, and the emulator on its main screen.
fn given_back(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let entered = text.find("\x1b[?1049h").expect("alternate screen entered");
    let left = text.rfind("\x1b[?1049l").expect("alternate screen left");
    assert!(entered < left);
    assert!(text.rfind("\x1b[?25h").expect("cursor shown") > entered);
    let mut parser = vt100::Parser::new(nz(24), nz(80), 0);
    parser.process(bytes);
    assert!(!parser.screen().alternate_screen());
    assert!(!parser.screen().hide_cursor());
}

#[test]
fn the_first_screen_lists_the_sessions_and_j_k_g_g_move_the_selection() {
    let (server, ids) = server();
    let mut term = top(&server, 80, 24);
    term.shows("5 sessions (5 shown)");
    term.shows("every 1s");
    for id in &ids {
        term.shows(id);
    }
    term.selected_is(&ids[0]);
    term.type_keys("j");
    term.selected_is(&ids[1]);
    term.type_keys("jj");
    term.selected_is(&ids[3]);
    term.type_keys("k");
    term.selected_is(&ids[2]);
    term.type_keys("G");
    term.selected_is(&ids[4]);
    term.type_keys("g");
    term.selected_is(&ids[0]);
    term.type_keys("\x1b[B"); // ↓
    term.selected_is(&ids[1]);
    // The selection stays on its session across refreshes.
    let asked = server.requests().len();
    term.until("another refresh", |_| server.requests().len() > asked);
    term.selected_is(&ids[1]);
    term.type_keys("?");
    term.shows("Ctrl-K        disconnect the selected session");
    term.type_keys("\x1b");
    term.shows(&ids[4]);
    term.type_keys("q");
    let (code, bytes) = term.finish();
    assert_eq!(code, 0);
    given_back(&bytes);
}

#[test]
fn slash_filters_by_text_or_field_and_esc_clears() {
    let (server, ids) = server();
    let mut term = top(&server, 120, 40);
    term.shows("5 sessions (5 shown)");
    term.type_keys("/CAM3\r");
    term.shows("5 sessions (1 shown)");
    term.shows("filter CAM3");
    assert!(!term.text().contains(&ids[2]));
    term.selected_is(&ids[3]);
    term.type_keys(&format!("/\x7f\x7f\x7f\x7f\x7fid={}\r", ids[1]));
    term.shows("5 sessions (1 shown)");
    term.selected_is(&ids[1]);
    // Not a filter: said on the status line, the last one kept.
    // `/` starts from the filter applied; Ctrl-U empties the line.
    term.type_keys("/");
    term.shows(&format!("/id={}", ids[1]));
    term.type_keys("\x15size=1\r");
    term.shows("unknown");
    term.shows("5 sessions (1 shown)");
    term.type_keys("\x1b");
    term.shows("5 sessions (5 shown)");
    term.selected_is(&ids[1]);
    term.type_keys("q");
    assert_eq!(term.finish().0, 0);
}

#[test]
fn angle_brackets_move_the_sort_column_and_i_reverses() {
    let (server, ids) = server();
    let mut term = top(&server, 120, 40);
    term.shows("sort default");
    term.type_keys(">>");
    term.shows("sort id");
    term.type_keys("I");
    term.shows("sort id reversed");
    // Reversed: the last id is first, and the selection stayed on its session.
    term.selected_is(&ids[0]);
    term.until("reversed rows", |s| {
        let text = s.contents();
        let at = |id: &String| text.find(id.as_str()).unwrap_or(0);
        at(&ids[4]) < at(&ids[3]) && at(&ids[1]) < at(&ids[0])
    });
    term.type_keys("<");
    term.shows("sort collector reversed");
    term.type_keys("q");
    assert_eq!(term.finish().0, 0);
}

#[test]
fn enter_shows_every_field_with_exact_bytes() {
    let (server, ids) = server();
    let mut term = top(&server, 80, 24);
    term.selected_is(&ids[0]);
    term.type_keys("j\r");
    term.shows(&format!("id         {}", ids[1]));
    term.shows("rx_bytes   4000000007");
    term.shows("tx_bytes   5000000011");
    term.shows("rx+tx over the last");
    term.type_keys("\x1b");
    term.shows("5 sessions (5 shown)");
    term.selected_is(&ids[1]);
    term.type_keys("q");
    assert_eq!(term.finish().0, 0);
}

#[test]
fn ctrl_k_on_a_publisher_warns_that_its_players_stop() {
    let (server, ids) = server();
    let mut term = top(&server, 160, 24);
    term.selected_is(&ids[0]);
    term.type_keys("\x0b");
    term.shows(&format!(
        "Disconnect rtmp {} (this disconnects the publisher of cam0: every player of it stops)? [y/N]",
        ids[0]
    ));
    term.type_keys("n");
    term.shows("nothing was disconnected");
    term.type_keys("q");
    assert_eq!(term.finish().0, 0);
}

#[test]
fn kick_on_a_terminal_names_the_publishers_among_the_chosen() {
    let (server, _) = server();
    let url = server.url();
    let args = [
        "--source",
        "mediamtx",
        "--url",
        &url,
        "kick",
        "--filter",
        "reference=cam*",
    ];
    let mut term = Term::open(&args, 200, 24, true);
    term.shows("Disconnect 5 session(s)? [y/N]");
    let text = term.text();
    let warnings: Vec<&str> = text
        .lines()
        .map(str::trim_end)
        .filter(|l| l.starts_with("warning:"))
        .collect();
    assert_eq!(
        warnings,
        ["warning: this disconnects the publisher of cam0: every player of it stops"]
    );
    assert!(text.contains("ROLE"), "{text}");
    term.type_keys("n\r");
    // Declining is an answer, not a usage error (issue 21, item 10).
    assert_eq!(term.finish().0, 0);
    assert!(
        server
            .requests()
            .iter()
            .all(|r| !r.path().contains("/kick/"))
    );
}

#[test]
fn ctrl_k_asks_first_and_sends_one_kick_only_on_y() {
    let (server, ids) = server();
    let mut term = top(&server, 80, 24);
    term.selected_is(&ids[0]);
    term.type_keys("jj\x0b");
    term.shows(&format!("Disconnect rtmp {}? [y/N]", ids[2]));
    term.type_keys("n");
    term.shows("nothing was disconnected");
    let kicks = |server: &MediaMtx| {
        server
            .requests()
            .into_iter()
            .filter(|r| r.path().contains("/kick/"))
            .map(|r| (r.method.clone(), r.path().to_string()))
            .collect::<Vec<_>>()
    };
    assert!(kicks(&server).is_empty());
    term.type_keys("\x0b");
    term.shows("[y/N]");
    term.type_keys("y");
    term.shows(&format!("disconnected rtmp {}", ids[2]));
    assert_eq!(
        kicks(&server),
        [("POST".to_string(), format!("/v3/rtmpconns/kick/{}", ids[2]))]
    );
    // Asked again at once: the session is gone from the list.
    term.shows("4 sessions");
    term.type_keys("\x03"); // Ctrl-C
    let (code, bytes) = term.finish();
    assert_eq!(code, 0);
    given_back(&bytes);
    assert_eq!(kicks(&server).len(), 1);
}

#[test]
fn a_resize_lays_the_table_out_again_at_once() {
    let (server, _) = server();
    let mut term = top(&server, 80, 24);
    term.shows("5 sessions");
    assert!(!term.text().contains("AGE"), "{}", term.text());
    term.resize(160, 40);
    term.shows("AGE");
    term.resize(60, 12);
    term.until("a narrow table", |s| !s.contents().contains("AGE"));
    term.type_keys("q");
    assert_eq!(term.finish().0, 0);
}

#[test]
fn sigterm_gives_the_terminal_back() {
    let (server, _) = server();
    let term = top(&server, 80, 24);
    term.shows("5 sessions");
    let pid = rustix::process::Pid::from_child(&term.child);
    rustix::process::kill_process(pid, rustix::process::Signal::TERM).unwrap();
    let (code, bytes) = term.finish();
    assert_eq!(code, 0);
    given_back(&bytes);
}

#[test]
fn without_a_terminal_top_says_what_to_use_instead() {
    let (server, _) = server();
    let url = server.url();
    let run = sessions(&["--source", "mediamtx", "--url", &url, "top"], &[], None);
    run.assert_failure(2, "top needs a terminal; use watch -o ndjson");
    assert!(server.requests().is_empty());
}

/// Two MediaMTX stand-ins as the contexts `alpha` (connections 0 and 1) and `beta` (10, 11,
/// 12): `t` shows every target, then each in turn, naming it in the header.
#[test]
fn t_shows_one_target_of_a_fleet_at_a_time() {
    let alpha = MediaMtx::start((0..2).map(|n| Conn::numbered(Kind::Rtmp, n)).collect());
    let beta = MediaMtx::start((10..13).map(|n| Conn::numbered(Kind::Rtmp, n)).collect());
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[contexts.alpha]\nsource = \"mediamtx\"\nurl = \"{}\"\n\n[contexts.beta]\nsource = \"mediamtx\"\nurl = \"{}\"\n",
            alpha.url(),
            beta.url()
        ),
    )
    .unwrap();
    let config = config.to_str().unwrap();
    let args = [
        "--config",
        config,
        "--all-contexts",
        "top",
        "--interval",
        "1s",
    ];
    let mut term = Term::start(&args, 80, 24);
    // Each connection's remote address is its own: 203.0.113.(n+1).
    let remote = |n: u32| format!("203.0.113.{}:{}", n + 1, 40000 + n);
    let shows_only = |term: &Term, ns: &[u32]| {
        term.until("the target's sessions only", |s| {
            let text = s.contents();
            [0, 1, 10, 11, 12]
                .iter()
                .all(|n| text.contains(&remote(*n)) == ns.contains(n))
        });
    };
    term.shows("alpha, beta · every 1s");
    term.shows("5 sessions (5 shown)");
    shows_only(&term, &[0, 1, 10, 11, 12]);
    term.type_keys("t");
    term.shows("alpha (target 1 of 2) · every 1s");
    term.shows("2 sessions (2 shown)");
    shows_only(&term, &[0, 1]);
    term.type_keys("t");
    term.shows("beta (target 2 of 2) · every 1s");
    term.shows("3 sessions (3 shown)");
    shows_only(&term, &[10, 11, 12]);
    // Still so after a refresh.
    let asked = beta.requests().len();
    term.until("another refresh", |_| beta.requests().len() > asked);
    term.shows("3 sessions (3 shown)");
    term.type_keys("t");
    term.shows("alpha, beta · every 1s");
    term.shows("5 sessions (5 shown)");
    term.type_keys("?");
    term.shows("t             several targets: all, then one at a time");
    term.type_keys("q");
    let (code, bytes) = term.finish();
    assert_eq!(code, 0);
    given_back(&bytes);
}

/// A key typed while the terminal is resized is not lost (crossterm's default reader dropped
/// it when both were ready in one wakeup: 1 round in about 40 failed).
#[test]
fn a_key_typed_during_a_resize_is_read() {
    let (server, _) = server();
    for round in 0..60 {
        let mut term = top(&server, 80, 24);
        term.shows("5 sessions");
        let columns = if round % 2 == 0 { 100 } else { 70 };
        rustix::termios::tcsetwinsize(&term.master, size(columns, 24)).unwrap();
        term.type_keys("q");
        assert_eq!(term.finish().0, 0, "round {round}");
    }
}

/// The lines of the screen from `first` to the status line, their trailing blanks cut.
fn lines_from(screen: &vt100::Screen, first: u16) -> Vec<String> {
    let (lines, columns) = screen.size();
    (first..lines.get() - 1)
        .map(|row| {
            screen
                .contents_between(row, 0, row, columns.get())
                .trim_end()
                .to_string()
        })
        .filter(|l| !l.is_empty())
        .collect()
}

/// `--columns` as `active` and `watch` take it (issue 21, item 9): the chosen columns only, in
/// their order, a key of `extra` among them, fitted at 80 and 120 columns; Enter still shows
/// every field. The rates are MediaMTX's counters over a refresh: 0 bit/s from the second on.
#[test]
fn columns_choose_the_tables_columns_and_enter_still_shows_every_field() {
    let conns = (0..3)
        .map(|n| Conn {
            user_agent: format!("VLC/3.0.{n}"),
            ..Conn::numbered(Kind::Rtmp, n)
        })
        .collect();
    let server = MediaMtx::start(conns);
    let url = server.url();
    let chosen = "id,remote,tx_rate,extra.userAgent";
    let row = |n: u32| {
        format!(
            "  00000002-0000-4000-8000-00000000000{n}  203.0.113.{}:4000{n}  0 bit/s  VLC/3.0.{n}",
            n + 1
        )
    };
    let table = [
        "  ID                                    REMOTE             TX RATE  USERAGENT".to_string(),
        row(0),
        row(1),
        row(2),
    ];
    // The same at 80 columns as at 120: the marks, the whole ids and these columns fit in 77.
    for (columns, lines) in [(80, 24), (120, 40)] {
        let mut term = top_with(&server, &["--columns", chosen], columns, lines);
        term.until("the chosen columns", |s| lines_from(s, 2) == table);
        term.type_keys("\r");
        term.shows("reference  cam0");
        term.shows("rx_bytes   4000000000");
        term.shows("\"state\": \"publish\"");
        term.type_keys("q");
        assert_eq!(term.finish().0, 0);
    }
    let run = sessions(&["--url", &url, "top", "--columns", "id,remot"], &[], None);
    run.assert_failure(2, "unknown column 'remot': did you mean 'remote'?");
}
