//! The streaming servers tests run against: real nginx-rtmp, Icecast and ffmpeg children where
//! Debian has them, stand-ins for MediaMTX and SRS, and what they share (the skip rule, free
//! ports, children killed on Drop, a plain HTTP client).

pub(crate) mod ffmpeg;
pub(crate) mod icecast;
pub(crate) mod mediamtx;
pub(crate) mod nginx_rtmp;
pub(crate) mod schedule;
pub(crate) mod srs;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::http::{Reply, Request};

/// The one skip rule for a harness that cannot start here: says why and gives `None`, or fails
/// the test under SESSIONS_TEST_REQUIRE_SERVERS=1 (see [`super::available`]).
fn unavailable<T>(why: &str) -> Option<T> {
    super::available(false, why);
    None
}

/// A program on PATH or in the sbin folders (nginx lives in /usr/sbin, which a non-root PATH
/// often lacks).
pub(crate) fn program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/usr/local/sbin", "/sbin"].map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// A child process with its output in a log file, killed and reaped on Drop so that no test
/// leaves one behind.
pub(crate) struct Daemon {
    child: Child,
    name: String,
    log: PathBuf,
}

impl Daemon {
    /// Starts `cmd` with stdin closed and stdout and stderr appended to `log`.
    pub(crate) fn spawn(name: &str, mut cmd: Command, log: &Path) -> Daemon {
        let out = File::create(log).unwrap_or_else(|e| panic!("{}: {e}", log.display()));
        let err = out.try_clone().expect("clone log handle");
        let child = cmd
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .unwrap_or_else(|e| panic!("start {name}: {e}"));
        Daemon {
            child,
            name: name.to_string(),
            log: log.to_path_buf(),
        }
    }

    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The exit status if the process has ended (and was reaped).
    pub(crate) fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().expect("try_wait")
    }

    /// What the process wrote so far.
    pub(crate) fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Panics with the process's output if it has ended.
    pub(crate) fn assert_running(&mut self) {
        if let Some(status) = self.exited() {
            panic!("{} ended ({status}):\n{}", self.name, self.output());
        }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        // SIGKILL: the servers keep nothing worth a clean shutdown, and it cannot be ignored.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A private folder for one server. As root the server may run as another user (icecast2),
/// which must be able to enter it.
pub(crate) fn workdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    if is_root() {
        set_mode(dir.path(), 0o755);
    }
    dir
}

pub(crate) fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

pub(crate) fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .unwrap_or_else(|e| panic!("chmod {}: {e}", path.display()));
}

/// One HTTP answer, as [`fetch`] saw it.
#[derive(Debug)]
pub(crate) struct Fetched {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Fetched {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// One request with reqwest (5 s timeout, redirects not followed, Basic auth when given).
pub(crate) fn fetch(method: &str, url: &str, basic: Option<(&str, &str)>) -> Fetched {
    try_fetch(method, url, basic).unwrap_or_else(|e| panic!("{method} {url}: {e}"))
}

/// [`fetch`], with a failed request as an error: a server still starting up drops connections.
fn try_fetch(method: &str, url: &str, basic: Option<(&str, &str)>) -> Result<Fetched, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let response = request(method, url, basic)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        let body = response.text().await.map_err(|e| e.to_string())?;
        Ok(Fetched {
            status,
            headers,
            body,
        })
    })
}

/// `GET url`, see [`fetch`].
pub(crate) fn get(url: &str, basic: Option<(&str, &str)>) -> Fetched {
    fetch("GET", url, basic)
}

/// Whether `GET url` answers 200 now: a starting server's readiness.
pub(crate) fn answers(url: &str) -> bool {
    try_fetch("GET", url, None).is_ok_and(|f| f.status == 200)
}

fn request(method: &str, url: &str, basic: Option<(&str, &str)>) -> reqwest::RequestBuilder {
    // reqwest is built without a rustls provider of its own; the binary installs ring too.
    let _ = rustls::crypto::ring::default_provider().install_default();
    // Plain HTTP to loopback only: no roots to load (loading the system's costs ~100 ms a call).
    let client = reqwest::Client::builder()
        .tls_certs_only([])
        .timeout(Duration::from_secs(5))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let builder = client.request(method, url);
    match basic {
        Some((user, password)) => builder.basic_auth(user, Some(password)),
        None => builder,
    }
}

/// A JSON answer as MediaMTX's gin and SRS label it.
pub(crate) fn json(status: u16, body: impl Into<Vec<u8>>) -> Reply {
    Reply::new(status, "application/json; charset=utf-8", body)
}

/// Whether `request` carries exactly the `Authorization` value expected (always, when none is).
pub(crate) fn allowed(request: &Request, expected: Option<&str>) -> bool {
    expected.is_none_or(|e| request.header("authorization") == Some(e))
}

/// The `Authorization` value a client sends for these credentials, as reqwest encodes it.
pub(crate) fn basic_header(user: &str, password: &str) -> String {
    let built = request("GET", "http://127.0.0.1/", Some((user, password)))
        .build()
        .expect("request");
    let value = built.headers().get("authorization").expect("authorization");
    value.to_str().expect("ascii").to_string()
}

/// The text of every `<tag>…</tag>` in `xml`, in order (servers' own XML: no attributes on
/// these tags, no nesting of the same tag).
pub(crate) fn elements<'a>(xml: &'a str, tag: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    let mut found = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find(&open) {
        let body = &rest[start + open.len()..];
        let Some(end) = body.find(&close) else { break };
        found.push(&body[..end]);
        rest = &body[end + close.len()..];
    }
    found
}

/// The text of the first `<tag>…</tag>` in `xml`.
pub(crate) fn element<'a>(xml: &'a str, tag: &str) -> Option<&'a str> {
    elements(xml, tag).into_iter().next()
}
