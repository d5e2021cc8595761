//! A real nginx with Debian's RTMP module, started as a child on free loopback ports with its own
//! prefix, config, logs and pid file in a temporary folder: RTMP application `live`, `rtmp_stat
//! all` at `/stat` and the control module at `/control` on the HTTP port. Killed on Drop.

use std::path::Path;
use std::process::Command;

use super::{Daemon, Fetched, answers, get, program, unavailable};
use crate::support::http::free_port;
use crate::support::wait_until;

/// Where Debian's libnginx-mod-rtmp puts the module.
pub(crate) const MODULE: &str = "/usr/lib/nginx/modules/ngx_rtmp_module.so";

/// The RTMP application every stream goes to.
pub(crate) const APP: &str = "live";

pub(crate) struct NginxRtmp {
    pub rtmp_port: u16,
    pub http_port: u16,
    // Declared before `dir`: the process goes before its folder.
    daemon: Daemon,
    _dir: tempfile::TempDir,
}

impl NginxRtmp {
    /// Starts nginx and waits until `/stat` answers; `None` (with the reason printed) when
    /// nginx or the module is missing, unless SESSIONS_TEST_REQUIRE_SERVERS=1.
    pub(crate) fn start() -> Option<NginxRtmp> {
        let Some(nginx) = program("nginx") else {
            return unavailable("nginx is not installed (apt-get install nginx libnginx-mod-rtmp)");
        };
        if !Path::new(MODULE).is_file() {
            return unavailable(&format!(
                "{MODULE} is missing (apt-get install libnginx-mod-rtmp)"
            ));
        }
        // A port taken between choosing it and nginx binding it: choose again.
        let mut last = String::new();
        for _ in 0..3 {
            match NginxRtmp::try_start(&nginx) {
                Ok(server) => return Some(server),
                Err(log) if log.contains("Address already in use") => last = log,
                Err(log) => panic!("nginx did not start:\n{log}"),
            }
        }
        panic!("nginx found no free ports:\n{last}")
    }

    fn try_start(nginx: &Path) -> Result<NginxRtmp, String> {
        let dir = super::workdir();
        // Equal ports, or a port taken meanwhile, fail the bind: start() chooses again.
        let (rtmp_port, http_port) = (free_port(), free_port());
        let root = dir.path();
        std::fs::create_dir(root.join("tmp")).expect("temp folder");
        let conf = root.join("nginx.conf");
        std::fs::write(&conf, config(root, rtmp_port, http_port)).expect("write nginx.conf");
        let mut cmd = Command::new(nginx);
        // -e: nginx opens its error log before reading the config; keep it off /var/log.
        cmd.arg("-p")
            .arg(root)
            .arg("-c")
            .arg(&conf)
            .arg("-e")
            .arg(root.join("error.log"))
            .args(["-g", "daemon off;"]);
        let mut daemon = Daemon::spawn("nginx", cmd, &root.join("stdout.log"));
        let stat = format!("http://127.0.0.1:{http_port}/stat");
        let up = wait_until("nginx to answer /stat", || {
            if daemon.exited().is_some() {
                return Some(false);
            }
            let answered =
                std::net::TcpStream::connect(("127.0.0.1", http_port)).is_ok() && answers(&stat);
            answered.then_some(true)
        });
        if !up {
            let log = std::fs::read_to_string(root.join("error.log")).unwrap_or_default();
            return Err(format!("{log}{}", daemon.output()));
        }
        Ok(NginxRtmp {
            rtmp_port,
            http_port,
            daemon,
            _dir: dir,
        })
    }

    pub(crate) fn pid(&self) -> u32 {
        self.daemon.pid()
    }

    /// `rtmp://127.0.0.1:PORT/live/NAME`, to publish or play `name`.
    pub(crate) fn rtmp_url(&self, name: &str) -> String {
        format!("rtmp://127.0.0.1:{}/{APP}/{name}", self.rtmp_port)
    }

    /// The `rtmp_stat all` page, as `--url` takes it.
    pub(crate) fn stat_url(&self) -> String {
        format!("http://127.0.0.1:{}/stat", self.http_port)
    }

    /// The control module's base (`…/control/drop/client?clientid=ID`).
    pub(crate) fn control_url(&self) -> String {
        format!("http://127.0.0.1:{}/control", self.http_port)
    }

    /// The `/stat` XML now.
    pub(crate) fn stat(&mut self) -> String {
        self.daemon.assert_running();
        let page = get(&self.stat_url(), None);
        assert_eq!(page.status, 200, "{}", page.body);
        page.body
    }

    /// `GET /control/drop/client?clientid=ID`: the body is the number of sessions dropped.
    pub(crate) fn drop_client(&self, id: &str) -> Fetched {
        get(
            &format!("{}/drop/client?clientid={id}", self.control_url()),
            None,
        )
    }

    /// Waits until `/stat` shows `stream` with this many publishers and players, and gives
    /// its clients.
    pub(crate) fn wait_for_clients(
        &mut self,
        stream: &str,
        publishers: usize,
        players: usize,
    ) -> Vec<StatClient> {
        let what = format!("{stream} with {publishers} publisher(s), {players} player(s)");
        wait_until(&what, || {
            let clients = clients(&self.stat(), stream);
            let publishing = clients.iter().filter(|c| c.publishing).count();
            (publishing == publishers && clients.len() - publishing == players).then_some(clients)
        })
    }
}

/// One `<client>` of a stream on the stat page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StatClient {
    pub id: String,
    pub address: String,
    pub flashver: String,
    pub publishing: bool,
}

/// The clients of stream `name` (any application) on a stat page.
pub(crate) fn clients(stat: &str, name: &str) -> Vec<StatClient> {
    let Some(stream) = super::elements(stat, "stream")
        .into_iter()
        .find(|s| super::element(s, "name") == Some(name))
    else {
        return Vec::new();
    };
    super::elements(stream, "client")
        .into_iter()
        .map(|c| StatClient {
            id: super::element(c, "id").unwrap_or_default().to_string(),
            address: super::element(c, "address").unwrap_or_default().to_string(),
            flashver: super::element(c, "flashver")
                .unwrap_or_default()
                .to_string(),
            publishing: c.contains("<publishing/>"),
        })
        .collect()
}

/// One process (`master_process off`): nothing forks, so killing the child ends nginx
/// entirely, and as root no worker switches to another user who could not read the folder.
/// Every log is named, since the defaults under /var/log/nginx are root's.
fn config(root: &Path, rtmp_port: u16, http_port: u16) -> String {
    let dir = root.display();
    format!(
        "load_module {MODULE};
master_process off;
worker_processes 1;
error_log {dir}/error.log info;
pid {dir}/nginx.pid;
events {{ worker_connections 64; }}
rtmp {{
    access_log {dir}/rtmp-access.log;
    server {{
        listen 127.0.0.1:{rtmp_port};
        application {APP} {{ live on; }}
    }}
}}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/tmp;
    proxy_temp_path {dir}/tmp;
    fastcgi_temp_path {dir}/tmp;
    uwsgi_temp_path {dir}/tmp;
    scgi_temp_path {dir}/tmp;
    server {{
        listen 127.0.0.1:{http_port};
        location /stat {{ rtmp_stat all; }}
        location /control {{ rtmp_control all; }}
    }}
}}
"
    )
}
