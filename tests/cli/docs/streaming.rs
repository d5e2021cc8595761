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
use crate::support::servers::mediamtx::{Conn, Kind, MediaMtx};
use crate::support::servers::srs::{Client, Srs};
use crate::support::{servers, ws};

/// The four servers, each started once per world.
pub struct Streaming {
    pub mediamtx: MediaMtx,
    pub srs: Srs,
    pub nginx: Server,
    pub icecast: Server,
}

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn xml(status: u16, body: Vec<u8>) -> Reply {
    Reply::Full {
        status,
        headers: vec![("Content-Type".into(), "text/xml".into())],
        body,
    }
}

fn text(status: u16, content_type: &str, body: &[u8]) -> Reply {
    Reply::Full {
        status,
        headers: vec![("Content-Type".into(), content_type.into())],
        body: body.to_vec(),
    }
}

/// The captured item of every kind MediaMTX lists (three RTMP connections).
fn mediamtx_sessions() -> Vec<Conn> {
    let mut conns = Vec::new();
    for (kind, file) in [
        (Kind::Rtmp, "v3-rtmpconns-list-itemsPerPage2-page0.json"),
        (Kind::Rtmp, "v3-rtmpconns-list-itemsPerPage2-page1.json"),
        (Kind::Rtsp, "v3-rtspsessions-list.json"),
        (Kind::Srt, "v3-srtconns-list.json"),
        (Kind::Webrtc, "v3-webrtcsessions-list.json"),
        (Kind::Hls, "v3-hlssessions-list.json"),
    ] {
        let page: serde_json::Value =
            serde_json::from_slice(&fixture(&format!("mediamtx/{file}"))).unwrap();
        let items = page["items"].as_array().unwrap();
        conns.extend(items.iter().map(|item| Conn::from_item(kind, item)));
    }
    conns
}

/// `rtmp_stat all` at /stat with one publisher and two players; the control module drops the
/// clients it has (and keeps showing them: the docs' blocks run in any order).
fn nginx(req: &Request) -> Reply {
    let id = req.target.split("clientid=").nth(1).unwrap_or("");
    match req.path() {
        "/stat" => xml(200, fixture("nginx_rtmp/stat.xml")),
        "/control/drop/client" if ["2", "3", "6"].contains(&id) => text(200, "text/plain", b"1"),
        "/control/drop/client" => text(200, "text/plain", b"0"),
        _ => text(404, "text/html", b"<html><body>404 Not Found</body></html>"),
    }
}

/// Icecast's admin pages behind Basic auth as `admin` with the docs' password.
fn icecast(req: &Request) -> Reply {
    let admin = servers::basic_header("admin", ws::PASSWORD);
    if req.header("authorization") != Some(admin.as_str()) {
        return text(401, "text/plain", &fixture("icecast/admin-401-body.txt"))
            .with_header("WWW-Authenticate", "Basic realm=\"Icecast2 Server\"");
    }
    match req.path() {
        "/admin/listmounts" => xml(200, fixture("icecast/admin-listmounts-with-listeners.xml")),
        "/admin/listclients" if req.target.ends_with("mount=%2Fradio.mp3") => {
            xml(200, fixture("icecast/admin-listclients.xml"))
        }
        "/admin/killclient" if req.target.ends_with("id=2") || req.target.ends_with("id=3") => {
            xml(200, fixture("icecast/admin-killclient.xml"))
        }
        "/admin/killclient" => xml(200, fixture("icecast/admin-killclient-unknown.xml")),
        "/admin/stats" => xml(200, fixture("icecast/admin-stats.xml")),
        _ => text(
            400,
            "text/html",
            &fixture("icecast/admin-listclients-no-such-mount.html"),
        ),
    }
}

impl Streaming {
    pub fn start() -> Streaming {
        Streaming {
            mediamtx: MediaMtx::start(mediamtx_sessions()),
            srs: Srs::start(Client::captured()),
            nginx: Server::start(nginx),
            icecast: Server::start(icecast),
        }
    }

    /// The docs' host names and these servers' addresses.
    pub fn hosts(&self) -> Vec<(&'static str, String)> {
        vec![
            ("http://mediamtx:9997", self.mediamtx.url()),
            ("http://srs:1985", self.srs.url()),
            ("http://nginx:8080", self.nginx.url()),
            ("http://icecast:8000", self.icecast.url()),
        ]
    }
}
