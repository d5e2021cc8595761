//! The test kit, one of each: the loopback HTTP server every stand-in runs on ([`http`]), the
//! builder that runs the binary with the user's environment cleared ([`Sessions`]), the fixture
//! loader ([`fixture`]) and the wait for something to have happened ([`wait_until`]); with the
//! stand-ins and real servers on top ([`servers`], [`ws`]), certificates made per test, a
//! terminal, and the local collector's connections.

pub(crate) mod certs;
pub(crate) mod http;
pub(crate) mod local;
pub(crate) mod pty;
pub(crate) mod servers;
pub(crate) mod ws;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// What one run of the binary did.
#[derive(Debug)]
pub(crate) struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Run {
    /// Asserts a failure the way scripts see it: the exit code, nothing on stdout, one line on
    /// stderr that contains `needle`.
    pub(crate) fn assert_failure(&self, code: i32, needle: &str) {
        assert_eq!(self.code, code, "exit code; stderr: {}", self.stderr);
        assert_eq!(self.stdout, "", "stdout must stay empty on failure");
        assert_eq!(
            self.stderr.lines().count(),
            1,
            "one line: {:?}",
            self.stderr
        );
        assert!(self.stderr.starts_with("sessions: "), "{}", self.stderr);
        assert!(
            self.stderr.contains(needle),
            "{:?} not in {:?}",
            needle,
            self.stderr
        );
    }

    pub(crate) fn assert_success(&self) {
        assert_eq!(self.code, 0, "stderr: {}", self.stderr);
    }

    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("{e}: {}", self.stdout))
    }
}

/// Whether a test can run here. Where it cannot, it says why and is skipped, unless
/// SESSIONS_TEST_REQUIRE_SERVERS=1 (set by .ci/run after installing everything), which makes the
/// missing piece a failure: CI never skips.
pub(crate) fn available(present: bool, why: &str) -> bool {
    if present {
        return true;
    }
    assert!(
        std::env::var("SESSIONS_TEST_REQUIRE_SERVERS").as_deref() != Ok("1"),
        "required here (SESSIONS_TEST_REQUIRE_SERVERS=1): {why}"
    );
    eprintln!("skipped: {why}");
    false
}

/// How long any wait may take before the test fails: far more than anything here needs on a
/// loaded 2-core machine.
pub(crate) const WAIT: Duration = Duration::from_secs(15);

/// The one wait of the tests: retries `probe` every 20 ms until it gives `Some`, and fails the
/// test naming `what` after [`WAIT`]. A test waits for what it needs to have happened (a request
/// came, a poll saw a socket), never for a fixed time that stands in for it.
pub(crate) fn wait_until<T>(what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(value) = probe() {
            return value;
        }
        assert!(start.elapsed() < WAIT, "waited {WAIT:?} for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The built binary.
pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_sessions");

/// The one way a test runs `sessions` (as just's tests build their `Test`): arguments, the only
/// environment variables it gets (the user's are cleared: no HOME, no SESSIONS_*, no proxies),
/// stdin, and a wrapper program if any; then [`run`](Sessions::run) it to its end,
/// [`start`](Sessions::start) it, or take its [`command`](Sessions::command) to spawn otherwise.
#[derive(Debug, Clone, Default)]
pub(crate) struct Sessions {
    args: Vec<String>,
    env: Vec<(String, String)>,
    stdin: Option<String>,
    /// A program (and its arguments) that runs the binary: `sh -c 'ulimit …'`, `setpriv`.
    via: Vec<String>,
}

impl Sessions {
    pub(crate) fn new() -> Sessions {
        Sessions::default()
    }

    pub(crate) fn args(mut self, args: &[&str]) -> Sessions {
        self.args.extend(args.iter().map(|a| a.to_string()));
        self
    }

    pub(crate) fn env(mut self, name: &str, value: &str) -> Sessions {
        self.env.push((name.into(), value.into()));
        self
    }

    pub(crate) fn envs(self, vars: &[(&str, &str)]) -> Sessions {
        vars.iter().fold(self, |s, (k, v)| s.env(k, v))
    }

    /// HOME is `home` and the caller's PATH is kept: the local collector's tests.
    pub(crate) fn home(self, home: &Path) -> Sessions {
        let path = std::env::var("PATH").unwrap_or_default();
        let home = home.to_string_lossy().into_owned();
        self.env("PATH", &path).env("HOME", &home)
    }

    /// Written to its standard input, which is then closed.
    pub(crate) fn stdin(mut self, text: &str) -> Sessions {
        self.stdin = Some(text.into());
        self
    }

    /// Under `ulimit -n limit` (soft and hard, so the binary cannot raise it).
    pub(crate) fn open_files(self, limit: u32) -> Sessions {
        let limit = format!("ulimit -n {limit} && exec \"$0\" \"$@\"");
        self.via("/bin/sh", &["-c", &limit])
    }

    /// Run by `program args…` with the binary and its arguments after them.
    pub(crate) fn via(mut self, program: &str, args: &[&str]) -> Sessions {
        self.via = std::iter::once(program)
            .chain(args.iter().copied())
            .map(String::from)
            .collect();
        self
    }

    /// The command: stdin closed, stdout and stderr piped.
    pub(crate) fn command(&self) -> Command {
        let mut cmd = match self.via.split_first() {
            Some((program, args)) => {
                let mut cmd = Command::new(program);
                cmd.args(args).arg(BIN);
                cmd
            }
            None => Command::new(BIN),
        };
        cmd.args(&self.args)
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    /// Starts it without waiting (stdin a pipe, given its text and closed).
    pub(crate) fn start(&self) -> Running {
        let mut cmd = self.command();
        cmd.stdin(Stdio::piped());
        let started = Instant::now();
        let mut child = cmd.spawn().expect("spawn sessions");
        let mut input = child.stdin.take().expect("stdin");
        if let Some(text) = &self.stdin {
            input.write_all(text.as_bytes()).expect("write stdin");
        }
        drop(input);
        Running { child, started }
    }

    pub(crate) fn run(&self) -> Run {
        self.start().finish()
    }

    /// Runs it, which must succeed, and parses its output as JSON.
    pub(crate) fn json(&self) -> serde_json::Value {
        let run = self.run();
        run.assert_success();
        run.json()
    }
}

/// [`Sessions`] with these arguments and variables, and stdin if given, run to its end: the
/// shorthand most tests use.
pub(crate) fn sessions(args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Run {
    let run = Sessions::new().args(args).envs(env);
    match stdin {
        Some(text) => run.stdin(text),
        None => run,
    }
    .run()
}

/// A `sessions` process still running, for tests that look at it from outside (/proc).
pub(crate) struct Running {
    pub child: Child,
    started: Instant,
}

impl Running {
    /// `/proc/<pid>/<file>` of the process, e.g. `cmdline`, read while it still runs (a
    /// finished one shows an empty `cmdline`, which would prove nothing).
    pub(crate) fn proc_file(&mut self, file: &str) -> Vec<u8> {
        let path = format!("/proc/{}/{file}", self.child.id());
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let running = self.child.try_wait().expect("try_wait").is_none();
        assert!(running, "{path} was read after the process ended");
        bytes
    }

    /// Waits for the exit, sampling the peak resident memory (VmHWM, a high-water mark the
    /// kernel keeps) every millisecond meanwhile; returns the run and the peak in KiB.
    pub(crate) fn finish_with_peak_kib(self) -> (Run, u64) {
        let (run, usage) = self.finish_with_usage();
        (run, usage.peak_kib)
    }

    /// As `finish_with_peak_kib`, and the CPU time the process used (user + system, as last
    /// seen before its exit: at most a millisecond short), which a loaded machine disturbs far
    /// less than wall time.
    pub(crate) fn finish_with_usage(mut self) -> (Run, Usage) {
        let pid = self.child.id();
        let (status, stat) = (format!("/proc/{pid}/status"), format!("/proc/{pid}/stat"));
        let mut usage = Usage::default();
        // stdout and stderr are small here (errors); the pipes cannot fill up meanwhile.
        while self.child.try_wait().expect("try_wait").is_none() {
            let read = |path: &str| std::fs::read_to_string(path).ok();
            if let Some(kib) = read(&status).as_deref().and_then(vm_hwm_kib) {
                usage.peak_kib = usage.peak_kib.max(kib);
            }
            if let Some(cpu) = read(&stat).as_deref().and_then(cpu_time) {
                usage.cpu = usage.cpu.max(cpu);
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        (self.finish(), usage)
    }

    pub(crate) fn finish(self) -> Run {
        let out = self.child.wait_with_output().expect("wait");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
            stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
            elapsed: self.started.elapsed(),
        }
    }
}

/// What a process used while it ran.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Usage {
    pub peak_kib: u64,
    pub cpu: Duration,
}

/// utime + stime of /proc/PID/stat (fields 14 and 15, in clock ticks).
fn cpu_time(stat: &str) -> Option<Duration> {
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    let per_second = rustix::param::clock_ticks_per_second();
    Some(Duration::from_secs_f64(ticks as f64 / per_second as f64))
}

fn vm_hwm_kib(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Where fixture `name` lives: `tests/fixtures/NAME`, e.g. `datarhei/login-ok.json`.
pub(crate) fn fixture_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The one fixture loader: a captured reply (or a request, or a page) under tests/fixtures,
/// byte for byte.
pub(crate) fn fixture(name: &str) -> String {
    let path = fixture_path(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// [`fixture`], parsed as JSON.
pub(crate) fn fixture_json(name: &str) -> serde_json::Value {
    serde_json::from_str(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}
