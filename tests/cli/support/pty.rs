//! A pseudo-terminal of a set size, for what `sessions` does only on a terminal: tables fitted to
//! its width, watch's full screen. The binary's stdout is the terminal; stdin stays closed and
//! stderr piped, so a test sees what went where. Everything the terminal got is read off the
//! master as it comes (a full pty buffer would stall the binary).

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::OwnedFd;
use std::process::{Child, Stdio};
use std::thread::JoinHandle;

use rustix::fs::{Mode, OFlags};
use rustix::pty::OpenptFlags;
use rustix::termios::Winsize;

/// `sessions` running with its stdout on a terminal.
pub(crate) struct OnTerminal {
    pub child: Child,
    screen: JoinHandle<Vec<u8>>,
}

/// What a run on a terminal left: exit code, the terminal's bytes (the line discipline turned
/// each `\n` into `\r\n`), stderr.
pub(crate) struct Seen {
    pub code: i32,
    pub bytes: Vec<u8>,
    pub stderr: String,
}

impl Seen {
    /// The terminal's text as lines, `\r\n` read as a line end.
    pub(crate) fn lines(&self) -> Vec<String> {
        String::from_utf8(self.bytes.clone())
            .expect("utf-8 on the terminal")
            .split("\r\n")
            .map(str::to_string)
            .filter(|l| !l.is_empty())
            .collect()
    }
}

/// Starts `sessions args` with stdout on a `columns`×`lines` terminal (0×0: one that does not
/// know its size).
pub(crate) fn start(args: &[&str], env: &[(&str, &str)], columns: u16, lines: u16) -> OnTerminal {
    open(args, env, (columns, lines), None)
}

/// Runs `sessions args` with stdin, stdout and stderr on an 80×24 terminal, as a person at a
/// prompt has them, `typed` waiting as its input; the terminal's bytes hold stderr and the echo.
pub(crate) fn answered(args: &[&str], env: &[(&str, &str)], typed: &str) -> Seen {
    open(args, env, (80, 24), Some(typed)).finish()
}

fn open(
    args: &[&str],
    env: &[(&str, &str)],
    (columns, lines): (u16, u16),
    typed: Option<&str>,
) -> OnTerminal {
    let master = rustix::pty::openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).expect("openpt");
    rustix::pty::grantpt(&master).expect("grantpt");
    rustix::pty::unlockpt(&master).expect("unlockpt");
    let name = rustix::pty::ptsname(&master, Vec::new()).expect("ptsname");
    let slave: OwnedFd = rustix::fs::open(
        name.as_c_str(),
        OFlags::RDWR | OFlags::NOCTTY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .expect("open the terminal");
    let size = Winsize {
        ws_row: lines,
        ws_col: columns,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    rustix::termios::tcsetwinsize(&slave, size).expect("set the window size");
    let mut master = File::from(master);
    if let Some(typed) = typed {
        // The line discipline keeps it until the binary reads its terminal.
        master.write_all(typed.as_bytes()).expect("type");
    }
    let screen = std::thread::spawn(move || {
        let mut got = Vec::new();
        let mut chunk = [0u8; 64 * 1024];
        // Linux answers EIO once the last holder of the terminal's other end closed it.
        while let Ok(n) = master.read(&mut chunk) {
            if n == 0 {
                break;
            }
            got.extend_from_slice(&chunk[..n]);
        }
        got
    });
    let mut cmd = super::Sessions::new().args(args).envs(env).command();
    if typed.is_some() {
        cmd.stdin(Stdio::from(slave.try_clone().expect("dup the terminal")));
        cmd.stderr(Stdio::from(slave.try_clone().expect("dup the terminal")));
    }
    cmd.stdout(Stdio::from(slave));
    let child = cmd.spawn().expect("spawn sessions");
    // Our copy of the terminal's end goes with `cmd`: the reader then ends with the child.
    drop(cmd);
    OnTerminal { child, screen }
}

/// Runs `sessions args` on a `columns`×`lines` terminal to its end.
pub(crate) fn run(args: &[&str], env: &[(&str, &str)], columns: u16, lines: u16) -> Seen {
    start(args, env, columns, lines).finish()
}

impl OnTerminal {
    pub(crate) fn finish(mut self) -> Seen {
        let mut stderr = String::new();
        if let Some(mut pipe) = self.child.stderr.take() {
            pipe.read_to_string(&mut stderr).expect("read stderr");
        }
        let status = self.child.wait().expect("wait");
        Seen {
            code: status.code().unwrap_or(-1),
            bytes: self.screen.join().expect("terminal reader"),
            stderr,
        }
    }
}
