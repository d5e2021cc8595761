//! The stream a client here names on its command line: a program that is not ffmpeg (curl,
//! ffplay, mpv, gst-launch-1.0, streamlink …) connected to a URL its arguments hold.

use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, SocketAddr};

use foldhash::{HashMap, HashSet};

use super::connections::stream_name;
use super::ffmpeg::{Medium, mask_secrets, medium_of};
use super::procs::{ProcTable, cmdline_args};
use super::rows::is_peer;
use super::sockets::{Proto, Sock};
use crate::model::Collector;

/// A URL of a command line that names a stream.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Named {
    /// The host when it is an address; a name is not looked up.
    ip: Option<IpAddr>,
    port: u16,
    name: String,
    /// The URL with its secrets masked.
    url: String,
}

/// The URLs kept of one command line: a client names a few; a process may name any number, and
/// each of its sockets is matched against them.
const MAX_URLS: usize = 64;

/// The named URLs of the clients' command lines, each read once a look.
pub(super) struct ClientUrls<'a> {
    procs: &'a ProcTable,
    by_pid: HashMap<u32, Vec<Named>>,
}

impl<'a> ClientUrls<'a> {
    pub(super) fn new(procs: &'a ProcTable) -> Self {
        ClientUrls {
            procs,
            by_pid: HashMap::default(),
        }
    }

    /// The stream's name and masked URL for a socket of process `pid` connected to `remote`:
    /// the first URL of its command line whose host and port are the peer's; `None` for an
    /// ffmpeg (its own rows name its streams), and when two such URLs name different streams.
    pub(super) fn stream(&mut self, pid: u32, remote: SocketAddr) -> Option<(String, String)> {
        let procs = self.procs;
        let urls = self.by_pid.entry(pid).or_insert_with(|| {
            if procs.runs_ffmpeg(pid) {
                return Vec::new();
            }
            procs
                .cmdline(pid)
                .map_or_else(Vec::new, |raw| named_urls(&raw))
        });
        let mut matching = urls
            .iter()
            .filter(|u| u.port == remote.port() && is_peer(u.ip, remote.ip()));
        let first = matching.next()?;
        if matching.any(|u| u.name != first.name) {
            return None;
        }
        Some((first.name.clone(), first.url.clone()))
    }
}

/// The URLs of a command line that have a host, a port (written or the scheme's) and a stream
/// name, the first `MAX_URLS` of them.
fn named_urls(cmdline: &[u8]) -> Vec<Named> {
    cmdline_args(cmdline)
        .filter_map(|arg| named(url_in(&arg)?))
        .take(MAX_URLS)
        .collect()
}

fn named(raw: &str) -> Option<Named> {
    let Medium::Network {
        host,
        port: Some(port),
        ..
    } = medium_of(raw)
    else {
        return None;
    };
    let url = mask_secrets(raw);
    Some(Named {
        ip: host.parse().ok(),
        port,
        name: stream_name(&url)?,
        url,
    })
}

/// The collector of each of `ports` (this machine's) that a client here names with a URL on
/// its command line while connected to it: `rtmp://` is RTMP, a `.m3u8` over HTTP(S) is HLS,
/// other `http://` and `https://` are web; a port named two ways keeps the first.
pub(super) fn kinds_of_ports(
    socks: &[Sock],
    procs: &ProcTable,
    ports: &BTreeSet<u16>,
) -> BTreeMap<u16, Collector> {
    let mut kinds = BTreeMap::new();
    let mut read = HashSet::default();
    for s in socks.iter().filter(|s| {
        s.proto == Proto::Tcp
            && !s.is_listener()
            && ports.contains(&s.remote.port())
            && (s.remote.ip().to_canonical().is_loopback() || s.remote.ip() == s.local.ip())
    }) {
        let Some(p) = procs.owner(s.inode).filter(|p| read.insert(p.pid)) else {
            continue;
        };
        let Some(raw) = procs.cmdline(p.pid) else {
            continue;
        };
        for arg in cmdline_args(&raw) {
            if let Some((port, kind)) = url_in(&arg).and_then(kind_of)
                && ports.contains(&port)
            {
                kinds.entry(port).or_insert(kind);
            }
        }
    }
    kinds
}

/// The port a URL names and the collector its scheme (and a playlist) says.
fn kind_of(url: &str) -> Option<(u16, Collector)> {
    let Medium::Network {
        scheme,
        port: Some(port),
        ..
    } = medium_of(url)
    else {
        return None;
    };
    let playlist = url
        .split(['?', '#'])
        .next()
        .is_some_and(|p| p.ends_with(".m3u8"));
    let kind = match scheme.as_str() {
        s if s.starts_with("rtmp") => Collector::Rtmp,
        "http" | "https" if playlist => Collector::Hls,
        "http" => Collector::Http,
        "https" => Collector::Https,
        _ => return None,
    };
    Some((port, kind))
}

/// The URL an argument holds: itself, or after an option's `=` (`--url=http://…`,
/// `location=rtmp://…`).
fn url_in(arg: &str) -> Option<&str> {
    let at = arg.find("://")?;
    // By bytes: the last byte of a character outside ASCII is not ASCII, so `i + 1` is a
    // character boundary.
    let start = arg.as_bytes()[..at]
        .iter()
        .rposition(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')))
        .map_or(0, |i| i + 1);
    let url = &arg[start..];
    url.starts_with(|c: char| c.is_ascii_alphabetic())
        .then_some(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_inside_arguments() {
        for (arg, url) in [
            ("http://h/live/a.m3u8", Some("http://h/live/a.m3u8")),
            ("--url=rtmp://h/live/x", Some("rtmp://h/live/x")),
            (
                "location=srt://h:9000?streamid=cam",
                Some("srt://h:9000?streamid=cam"),
            ),
            ("hls+http://h/a.m3u8", Some("hls+http://h/a.m3u8")),
            ("--referer=://nothing", None),
            ("=1://x", None),
            ("é://x", None),
            ("übertragung=http://h/a", Some("http://h/a")),
            ("x€http://h/b", Some("http://h/b")),
            ("/srv/in.mp4", None),
        ] {
            assert_eq!(url_in(arg), url, "{arg}");
        }
    }

    #[test]
    fn the_scheme_of_a_url_says_its_ports_collector() {
        for (url, kind) in [
            (
                "rtmp://127.0.0.1:21935/live/cam1",
                Some((21935, Collector::Rtmp)),
            ),
            ("rtmps://h/live/x", Some((443, Collector::Rtmp))),
            (
                "http://127.0.0.1:21080/hls/cam1.m3u8?t=1",
                Some((21080, Collector::Hls)),
            ),
            ("https://h:8443/a.m3u8", Some((8443, Collector::Hls))),
            (
                "http://127.0.0.1:21080/stat",
                Some((21080, Collector::Http)),
            ),
            ("https://h/x", Some((443, Collector::Https))),
            ("srt://h:6000?streamid=x", None),
            ("udp://239.0.0.1:1234", None),
            ("/tmp/a.m3u8", None),
        ] {
            assert_eq!(kind_of(url), kind, "{url}");
        }
    }

    fn cmdline(args: &[&str]) -> Vec<u8> {
        args.iter()
            .flat_map(|a| [a.as_bytes(), b"\0"].concat())
            .collect()
    }

    #[test]
    fn a_command_line_names_its_streams_with_secrets_masked() {
        let got = named_urls(&cmdline(&[
            "mpv",
            "--no-video",
            "rtmp://127.0.0.1/live/KEY",
            "http://u:pw@[::1]:8000/radio.mp3?token=abc",
            "srt://media.example:9000?streamid=publish:cam",
            "srt://h?streamid=no-port",
            "http://h:8080/",
            "/tmp/file.ts",
        ]));
        let seen: Vec<(Option<IpAddr>, u16, &str, &str)> = got
            .iter()
            .map(|n| (n.ip, n.port, n.name.as_str(), n.url.as_str()))
            .collect();
        assert_eq!(
            seen,
            [
                (
                    Some([127, 0, 0, 1].into()),
                    1935,
                    "live/***",
                    "rtmp://127.0.0.1/live/***"
                ),
                (
                    Some("::1".parse().unwrap()),
                    8000,
                    "radio.mp3",
                    "http://u:***@[::1]:8000/radio.mp3?token=***"
                ),
                (
                    None,
                    9000,
                    "publish:cam",
                    "srt://media.example:9000?streamid=publish:cam"
                ),
            ]
        );
    }

    #[test]
    fn at_most_max_urls_of_one_command_line() {
        let urls: Vec<String> = (0..1000).map(|i| format!("http://h/live/{i}")).collect();
        let mut args = vec!["streamlink"];
        args.extend(urls.iter().map(String::as_str));
        let got = named_urls(&cmdline(&args));
        assert_eq!(got.len(), MAX_URLS);
        assert_eq!(got[MAX_URLS - 1].name, "live/63");
    }

    /// A fake /proc of these processes (`pid`, `comm`, arguments), walked.
    fn table(root: &std::path::Path, procs: &[(u32, &str, &[&str])]) -> ProcTable {
        for (pid, comm, args) in procs {
            let dir = root.join(pid.to_string());
            std::fs::create_dir_all(dir.join("fd")).unwrap();
            std::fs::write(dir.join("comm"), format!("{comm}\n")).unwrap();
            std::fs::write(dir.join("cmdline"), cmdline(args)).unwrap();
        }
        let walk = super::super::procs::Walk::new(root);
        let found = walk.work();
        walk.finish(vec![found])
    }

    #[test]
    fn a_socket_takes_the_stream_of_the_url_it_is_connected_to() {
        let root = tempfile::tempdir().unwrap();
        let procs = table(
            root.path(),
            &[
                (
                    10,
                    "curl",
                    &[
                        "curl",
                        "http://127.0.0.1:8080/live/a.m3u8",
                        "http://127.0.0.1:8080/live/a.m3u8?token=t",
                        "rtmp://localhost/app/s?token=t",
                        "http://10.0.0.9:8080/other",
                    ],
                ),
                (11, "mpv", &["mpv", "http://h:8000/a", "http://h:8000/b"]),
                (
                    12,
                    "ffmpeg",
                    &["ffmpeg", "-i", "http://127.0.0.1:8080/live/a.m3u8"],
                ),
            ],
        );
        let mut clients = ClientUrls::new(&procs);
        let mut stream = |pid, remote: &str| clients.stream(pid, remote.parse().unwrap());
        let named = |name: &str, url: &str| Some((name.to_owned(), url.to_owned()));
        assert_eq!(
            stream(10, "127.0.0.1:8080"),
            named("live/a.m3u8", "http://127.0.0.1:8080/live/a.m3u8")
        );
        assert_eq!(
            stream(10, "127.0.0.1:1935"),
            named("app/s", "rtmp://localhost/app/s?token=***")
        );
        assert_eq!(
            stream(10, "10.0.0.9:8080"),
            named("other", "http://10.0.0.9:8080/other")
        );
        assert_eq!(stream(10, "10.0.0.8:8080"), None);
        assert_eq!(stream(10, "127.0.0.1:9999"), None);
        // Two streams on the one port: neither.
        assert_eq!(stream(11, "192.0.2.1:8000"), None);
        // An ffmpeg's streams are its own rows'.
        assert_eq!(stream(12, "127.0.0.1:8080"), None);
        // A process gone since the walk.
        assert_eq!(stream(13, "127.0.0.1:8080"), None);
    }
}
