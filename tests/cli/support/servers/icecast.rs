//! A real Icecast 2 (Debian's icecast2), started as a child on a free loopback port with its own
//! config, logs and pid file in a temporary folder and the admin credentials the test chose.
//! Killed on Drop.

use std::path::Path;
use std::process::Command;

use super::{Daemon, Fetched, answers, get, program, unavailable};
use crate::support::http::free_port;
use crate::support::wait_until;

/// The password ffmpeg's `icecast://source:…@` uses to publish a mount.
pub(crate) const SOURCE_PASSWORD: &str = "source-pw-7Q";

pub(crate) struct Icecast {
    pub port: u16,
    pub admin_user: String,
    pub admin_password: String,
    // Declared before `dir`: the process goes before its folder.
    daemon: Daemon,
    _dir: tempfile::TempDir,
}

impl Icecast {
    /// Starts icecast2 with these admin credentials and waits until it answers; `None` (with
    /// the reason printed) when icecast2 is missing, unless SESSIONS_TEST_REQUIRE_SERVERS=1.
    pub(crate) fn start(admin_user: &str, admin_password: &str) -> Option<Icecast> {
        let Some(icecast) = program("icecast2") else {
            return unavailable("icecast2 is not installed (apt-get install icecast2)");
        };
        let mut last = String::new();
        for _ in 0..3 {
            match Icecast::try_start(&icecast, admin_user, admin_password) {
                Ok(server) => return Some(server),
                // A port taken between choosing it and icecast binding it: choose again.
                Err(log) if log.contains("Could not create listener socket") => last = log,
                Err(log) => panic!("icecast2 did not start:\n{log}"),
            }
        }
        panic!("icecast2 found no free port:\n{last}")
    }

    fn try_start(icecast: &Path, user: &str, password: &str) -> Result<Icecast, String> {
        let dir = super::workdir();
        let port = free_port();
        let root = dir.path();
        let logs = root.join("log");
        std::fs::create_dir(&logs).expect("log folder");
        if super::is_root() {
            // After binding, icecast drops to <changeowner>'s user, who then opens the logs.
            super::set_mode(&logs, 0o777);
        }
        let conf = root.join("icecast.xml");
        std::fs::write(&conf, config(root, port, user, password)).expect("write icecast.xml");
        let mut cmd = Command::new(icecast);
        cmd.arg("-c").arg(&conf);
        let mut daemon = Daemon::spawn("icecast2", cmd, &root.join("stdout.log"));
        let up = wait_until("icecast2 to answer", || {
            if daemon.exited().is_some() {
                return Some(false);
            }
            let open = std::net::TcpStream::connect(("127.0.0.1", port)).is_ok();
            (open && answers(&format!("http://127.0.0.1:{port}/status-json.xsl"))).then_some(true)
        });
        if !up {
            let log = std::fs::read_to_string(logs.join("error.log")).unwrap_or_default();
            return Err(format!("{log}{}", daemon.output()));
        }
        Ok(Icecast {
            port,
            admin_user: user.to_string(),
            admin_password: password.to_string(),
            daemon,
            _dir: dir,
        })
    }

    pub(crate) fn pid(&self) -> u32 {
        self.daemon.pid()
    }

    /// `http://127.0.0.1:PORT`, as `--url` takes it.
    pub(crate) fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Where listeners play `mount` (e.g. `/radio.mp3`).
    pub(crate) fn mount_url(&self, mount: &str) -> String {
        format!("{}{mount}", self.url())
    }

    /// Where ffmpeg publishes `mount`: `icecast://source:PASSWORD@127.0.0.1:PORT/mount`.
    pub(crate) fn source_url(&self, mount: &str) -> String {
        format!(
            "icecast://source:{SOURCE_PASSWORD}@127.0.0.1:{}{mount}",
            self.port
        )
    }

    /// `GET /admin/<command>` with the admin credentials, e.g. `listclients?mount=/radio.mp3`.
    pub(crate) fn admin(&mut self, command: &str) -> Fetched {
        self.daemon.assert_running();
        let url = format!("{}/admin/{command}", self.url());
        get(&url, Some((&self.admin_user, &self.admin_password)))
    }

    /// Waits until `mount` is up with exactly `listeners` listeners; gives its `listclients`.
    pub(crate) fn wait_for_listeners(&mut self, mount: &str, listeners: usize) -> String {
        let what = format!("{mount} with {listeners} listener(s)");
        wait_until(&what, || {
            let page = self.admin(&format!("listclients?mount={mount}"));
            let shown = super::element(&page.body, "Listeners").and_then(|n| n.parse().ok());
            (page.status == 200 && shown == Some(listeners)).then_some(page.body)
        })
    }
}

/// Icecast refuses to run as root unless told whom to become after binding.
fn change_owner() -> &'static str {
    if !super::is_root() {
        return "";
    }
    let has = |file: &str, name: &str| {
        std::fs::read_to_string(file)
            .is_ok_and(|text| text.lines().any(|l| l.starts_with(&format!("{name}:"))))
    };
    // Debian's package makes icecast2:icecast; nobody:nogroup is there on any Debian.
    if has("/etc/passwd", "icecast2") && has("/etc/group", "icecast") {
        "<changeowner><user>icecast2</user><group>icecast</group></changeowner>"
    } else {
        "<changeowner><user>nobody</user><group>nogroup</group></changeowner>"
    }
}

fn xml_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn config(root: &Path, port: u16, user: &str, password: &str) -> String {
    let dir = root.display();
    let (user, password) = (xml_text(user), xml_text(password));
    let owner = change_owner();
    format!(
        "<icecast>
  <location>test</location><admin>test@localhost</admin><hostname>127.0.0.1</hostname>
  <limits>
    <clients>50</clients><sources>4</sources><queue-size>524288</queue-size>
    <client-timeout>30</client-timeout><header-timeout>15</header-timeout>
    <source-timeout>10</source-timeout><burst-size>65535</burst-size>
  </limits>
  <authentication>
    <source-password>{SOURCE_PASSWORD}</source-password>
    <relay-password>{SOURCE_PASSWORD}</relay-password>
    <admin-user>{user}</admin-user><admin-password>{password}</admin-password>
  </authentication>
  <listen-socket><port>{port}</port><bind-address>127.0.0.1</bind-address></listen-socket>
  <fileserve>1</fileserve>
  <paths>
    <basedir>/usr/share/icecast2</basedir><logdir>{dir}/log</logdir>
    <pidfile>{dir}/log/icecast.pid</pidfile>
    <webroot>/usr/share/icecast2/web</webroot><adminroot>/usr/share/icecast2/admin</adminroot>
  </paths>
  <logging>
    <accesslog>access.log</accesslog><errorlog>error.log</errorlog><loglevel>3</loglevel>
  </logging>
  <security><chroot>0</chroot>{owner}</security>
</icecast>
"
    )
}
