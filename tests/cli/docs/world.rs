//! The world a block runs in: loopback stand-ins for the servers the docs name, the docs' host
//! names mapped to them, and a fresh home, folder and PATH with the environment cleared.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::markdown::{Block, blocks};
use super::streaming::Streaming;
use crate::support::http::{Reply, Request, Server};
use crate::support::{certs, fixture, ws};

/// The servers the docs name, played on loopback, and the world every block runs in.
pub(super) struct World {
    core: Server,
    core_tls: Server,
    hmi: ws::Server,
    streaming: Streaming,
    /// Both CAs, as `SSL_CERT_FILE`: the system roots a `sessions` without `--ca-cert` trusts.
    roots: String,
    hmi_ca: String,
    config: String,
}

fn core_stand_in(request: &Request) -> Reply {
    let token = fixture("datarhei/login-ok.json");
    let access: serde_json::Value = serde_json::from_str(&token).unwrap();
    let access = access["access_token"].as_str().unwrap().to_string();
    let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap_or_default();
    match (request.method.as_str(), request.path()) {
        ("POST", "/api/login") if body["password"] == ws::PASSWORD => Reply::json(200, token),
        ("POST", "/api/login") => {
            Reply::json(401, fixture("datarhei/error-401-login-bad-password.json"))
        }
        _ if request.bearer().is_some_and(|b| b != access) => {
            Reply::json(401, fixture("datarhei/error-401-bad-token.json"))
        }
        ("GET", "/api/v3/session/active") => {
            Reply::json(200, fixture("datarhei/session-active-rtmp-hls.json"))
        }
        ("GET", "/api/v3/session") => {
            Reply::json(200, fixture("datarhei/session-summary-rtmp-hls.json"))
        }
        _ => Reply::json(404, fixture("datarhei/error-404-unknown-route.json")),
    }
}

impl World {
    pub(super) fn start() -> World {
        let pki = certs::pki(&["127.0.0.1"]);
        let core_tls = Server::builder()
            .tls(pki.server_config)
            .start(core_stand_in);
        let hmi = ws::Server::tls(ws::Behaviour::default());
        let hmi_ca = hmi.ca_pem.clone().unwrap();
        let text = std::fs::read_to_string(repo().join("docs/contexts.md")).unwrap();
        let toml = blocks("docs/contexts.md", &text)
            .into_iter()
            .find(|b| b.tag == "toml")
            .expect("docs/contexts.md has an example config");
        let mut world = World {
            core: Server::start(core_stand_in),
            core_tls,
            roots: format!("{}{hmi_ca}", pki.ca_pem),
            hmi,
            hmi_ca,
            streaming: Streaming::start(),
            config: String::new(),
        };
        let config: String = toml.body.iter().map(|(_, l)| format!("{l}\n")).collect();
        world.config = world.substitute(&config, 0);
        world
    }

    /// The docs' host names, mapped to the stand-ins; `port` stands in for a `--listen` port.
    pub(super) fn substitute(&self, text: &str, port: u16) -> String {
        let core = self.core.url();
        let core_tls = self.core_tls.url();
        let hmi = self.hmi.url("wss");
        let streaming = self.streaming.hosts();
        let fixed = [
            ("http://core:8080", core.as_str()),
            ("https://core.studio.example:8080", core_tls.as_str()),
            ("https://edge.example", core_tls.as_str()),
            ("wss://hmi:2020/", hmi.as_str()),
            ("wss://hmi-line3:1010/", hmi.as_str()),
            ("127.0.0.1:8787", &format!("127.0.0.1:{port}")),
            ("/var/lib/node_exporter/textfile/", "$HOME/textfile/"),
            ("/var/log/", "$HOME/log/"),
        ];
        let streaming = streaming.iter().map(|(from, to)| (*from, to.as_str()));
        fixed
            .into_iter()
            .chain(streaming)
            .fold(text.to_string(), |t, (from, to)| t.replace(from, to))
    }
}

pub(super) fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn executable(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    write(path, text);
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A fresh temporary home, folder and PATH for one block, and the command running `script`.
pub(super) fn prepare(world: &World, block: &Block, dir: &Path, script: &str) -> Command {
    let (home, work, bin) = (dir.join("home"), dir.join("work"), dir.join("bin"));
    for d in [
        home.join("textfile"),
        home.join("log"),
        work.join("target/release"),
    ] {
        std::fs::create_dir_all(d).unwrap();
    }
    let exe = crate::support::BIN;
    std::os::unix::fs::symlink(exe, work.join("target/release/sessions")).unwrap();
    std::os::unix::fs::symlink(repo().join("man"), work.join("man")).unwrap();
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(exe, bin.join("sessions")).unwrap();
    // What the docs' password manager and mailer would do.
    executable(
        &bin.join("pass"),
        &format!("#!/bin/sh\necho '{}'\n", ws::PASSWORD),
    );
    executable(&bin.join("mail"), "#!/bin/sh\ncat >/dev/null\n");
    for name in ["hmi-root.pem", "line3-root.pem"] {
        write(&work.join(name), &world.hmi_ca);
    }
    write(&dir.join("roots.pem"), &world.roots);
    if block.flags.iter().any(|f| f == "contexts") {
        let config = home.join(".config/sessions");
        write(&config.join("config.toml"), &world.config);
        write(&config.join("certs/line3-root.pem"), &world.hmi_ca);
    }
    write(&dir.join("script"), script);
    let access: serde_json::Value =
        serde_json::from_str(&fixture("datarhei/login-ok.json")).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = Command::new("timeout");
    cmd.args(["120", "bash", "script"])
        .current_dir(dir)
        .env_clear()
        .env("PATH", path)
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_STATE_HOME", home.join(".local/state"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .env("SSL_CERT_FILE", dir.join("roots.pem"))
        .env("SESSIONS_PASSWORD", ws::PASSWORD)
        .env("LINE3_HMI_PASSWORD", ws::PASSWORD)
        .env("SRS_PASSWORD", ws::PASSWORD)
        .env("EDGE_CORE_TOKEN", access["access_token"].as_str().unwrap());
    cmd
}
