//! The streaming servers of docs/mediamtx.md, docs/srs.md, docs/nginx-rtmp.md and docs/icecast.md
//! in the docs' world: the MediaMTX and SRS stand-ins with the captured sessions, and nginx-rtmp
//! and Icecast answering their captured pages. The docs' commands are checked for flags, exit
//! codes and output here; how each server really behaves is proven against the real ones in
//! tests/cli/streaming.
//!
//! The blocks run at once and in any order: their kicks go to MediaMTX (whose listings the docs
//! show without output) and to nginx-rtmp and Icecast (which keep showing what they dropped), so
//! the SRS sessions the docs show exactly never change.

use crate::support::http::{Reply, Request, Server};
use crate::support::servers::mediamtx::{Conn, MediaMtx};
use crate::support::servers::srs::{Client, Srs};
use crate::support::{fixture, servers, ws};

/// The four servers, each started once per world.
pub(super) struct Streaming {
    pub mediamtx: MediaMtx,
    pub srs: Srs,
    pub nginx: Server,
    pub icecast: Server,
}

/// `rtmp_stat all` at /stat with one publisher and two players; the control module drops the
/// clients it has (and keeps showing them: the docs' blocks run in any order).
fn nginx(req: &Request) -> Reply {
    let id = req.target.split("clientid=").nth(1).unwrap_or("");
    match req.path() {
        "/stat" => Reply::xml(fixture("nginx_rtmp/stat.xml")),
        "/control/drop/client" if ["2", "3", "6"].contains(&id) => {
            Reply::new(200, "text/plain", "1")
        }
        "/control/drop/client" => Reply::new(200, "text/plain", "0"),
        _ => Reply::html(404, "<html><body>404 Not Found</body></html>"),
    }
}

/// Icecast's admin pages behind Basic auth as `admin` with the docs' password.
fn icecast(req: &Request) -> Reply {
    let admin = servers::basic_header("admin", ws::PASSWORD);
    if req.header("authorization") != Some(admin.as_str()) {
        return Reply::new(401, "text/plain", fixture("icecast/admin-401-body.txt"))
            .with_header("WWW-Authenticate", "Basic realm=\"Icecast2 Server\"");
    }
    match req.path() {
        "/admin/listmounts" => Reply::xml(fixture("icecast/admin-listmounts-with-listeners.xml")),
        "/admin/listclients" if req.target.ends_with("mount=%2Fradio.mp3") => {
            Reply::xml(fixture("icecast/admin-listclients.xml"))
        }
        "/admin/killclient" if req.target.ends_with("id=2") || req.target.ends_with("id=3") => {
            Reply::xml(fixture("icecast/admin-killclient.xml"))
        }
        "/admin/killclient" => Reply::xml(fixture("icecast/admin-killclient-unknown.xml")),
        "/admin/stats" => Reply::xml(fixture("icecast/admin-stats.xml")),
        _ => Reply::html(400, fixture("icecast/admin-listclients-no-such-mount.html")),
    }
}

impl Streaming {
    pub(super) fn start() -> Streaming {
        Streaming {
            mediamtx: MediaMtx::start(Conn::captured()),
            srs: Srs::start(Client::captured()),
            nginx: Server::start(nginx),
            icecast: Server::start(icecast),
        }
    }

    /// The docs' host names and these servers' addresses.
    pub(super) fn hosts(&self) -> Vec<(&'static str, String)> {
        vec![
            ("http://mediamtx:9997", self.mediamtx.url()),
            ("http://srs:1985", self.srs.url()),
            ("http://nginx:8080", self.nginx.url()),
            ("http://icecast:8000", self.icecast.url()),
        ]
    }
}
