//! The rows of the local collector: addresses as text, bit rates between two looks, and one
//! session per input and output of every ffmpeg process.

use std::net::{IpAddr, SocketAddr};

use foldhash::{HashMap, HashSet};
use serde_json::{Map, Value};

use super::Sample;
use super::connections::stream_name;
use super::ffmpeg::{self, Medium};
use super::procs::{FfmpegProc, ProcTable};
use super::sockets::{Proto, Sock};
use crate::diag;
use crate::model::{Collector, Role, Session, round3};

/// `127.0.0.1:1935` or `[::1]:1935`; IPv4-mapped IPv6 addresses are shown as IPv4.
pub(super) fn addr(a: SocketAddr) -> String {
    // By hand for IPv4, the common case: std's `Display` for addresses would be a fifth of a
    // 10,000-connection run.
    match a.ip().to_canonical() {
        IpAddr::V4(ip) => {
            let mut out = String::with_capacity(21);
            let mut n = itoa::Buffer::new();
            for (i, octet) in ip.octets().into_iter().enumerate() {
                if i > 0 {
                    out.push('.');
                }
                out.push_str(n.format(octet));
            }
            out.push(':');
            out.push_str(n.format(a.port()));
            out
        }
        ip @ IpAddr::V6(_) => SocketAddr::new(ip, a.port()).to_string(),
    }
}

/// Whether a URL's host can be this socket's peer: the same address, any one for `0.0.0.0` or
/// `::`, and any one for a name, which is not looked up (the local view reads only the kernel
/// and /proc).
pub(super) fn is_peer(host: Option<IpAddr>, peer: IpAddr) -> bool {
    host.is_none_or(|ip| ip.to_canonical() == peer.to_canonical() || ip.is_unspecified())
}

/// Bit rates per socket between two samples.
pub(super) struct Rates<'a> {
    before: HashMap<(Proto, SocketAddr, SocketAddr), &'a Sock>,
    secs: f64,
}

impl<'a> Rates<'a> {
    pub(super) fn new(before: Option<&'a Sample>, now: &Sample) -> Self {
        let (before, secs) = match before {
            Some(b) => (
                b.socks
                    .iter()
                    .map(|s| ((s.proto, s.local, s.remote), s))
                    .collect(),
                now.at.duration_since(b.at).as_secs_f64(),
            ),
            None => (HashMap::default(), 0.0),
        };
        Rates { before, secs }
    }

    /// (rx, tx) in bit/s. A socket missing from the first sample was opened within the window,
    /// so all its bytes count.
    fn of(&self, sock: &Sock) -> (f64, f64) {
        if self.secs <= 0.0 {
            return (0.0, 0.0);
        }
        let prev = self.before.get(&(sock.proto, sock.local, sock.remote));
        let delta = |now: Option<u64>, then: Option<u64>| {
            now.unwrap_or(0).saturating_sub(then.unwrap_or(0)) as f64 * 8.0 / self.secs
        };
        (
            round3(delta(sock.rx_bytes, prev.and_then(|p| p.rx_bytes))),
            round3(delta(sock.tx_bytes, prev.and_then(|p| p.tx_bytes))),
        )
    }
}

/// The parts of a session that do not come from the socket.
pub(super) struct Row {
    pub collector: Collector,
    pub id: String,
    pub reference: String,
    pub local: String,
    pub remote: String,
    pub extra: Map<String, Value>,
}

impl Row {
    /// The session, with the socket's byte counters and rates where there is a socket.
    pub(super) fn with(self, sock: Option<&Sock>, rates: &Rates<'_>) -> Session {
        let (rx_bit_s, tx_bit_s) = sock.map_or((0.0, 0.0), |s| rates.of(s));
        Session {
            collector: self.collector,
            id: self.id.into(),
            reference: self.reference.into(),
            local: self.local.into(),
            remote: self.remote.into(),
            role: None,
            created_at: None,
            age_s: None,
            rx_bytes: Some(sock.and_then(|s| s.rx_bytes).unwrap_or(0)),
            tx_bytes: Some(sock.and_then(|s| s.tx_bytes).unwrap_or(0)),
            rx_bit_s: Some(rx_bit_s),
            tx_bit_s: Some(tx_bit_s),
            extra: Value::Object(self.extra),
        }
    }
}

/// The HTTP(S) sockets an ffmpeg uses for HLS (a `.m3u8` URL or `-f hls`): reading a playlist
/// makes it an `hls` viewer, writing one (`-method PUT`) an `hlsingress` upload. The URL in the
/// command line is the only place HLS shows without reading the traffic.
pub(super) fn hls_sockets(ffmpeg: &[Session]) -> HashMap<u64, Collector> {
    ffmpeg
        .iter()
        .filter_map(|s| {
            let inode = s.extra.get("socket")?.as_u64()?;
            let path = s.local.split(['?', '#']).next().unwrap_or("");
            let hls_format = s.extra.get("format").and_then(Value::as_str) == Some("hls");
            if !(path.ends_with(".m3u8") || hls_format) {
                return None;
            }
            let role = s.extra.get("role")?.as_str()?;
            Some((
                inode,
                if role == "in" {
                    Collector::Hls
                } else {
                    Collector::Hlsingress
                },
            ))
        })
        .collect()
}

/// One session per input and output of every ffmpeg process (with `all`), or per network
/// input and output: generated inputs (`-f lavfi`), files, pipes and `-f null` are no one's
/// connection. At most `ffmpeg::MAX_ENDPOINTS` a process. A network endpoint takes the process's socket to that port (each socket once),
/// and with it the kernel's byte counters.
pub(super) fn ffmpeg_sessions(
    procs: &ProcTable,
    now: &Sample,
    rates: &Rates<'_>,
    all: bool,
) -> Vec<Session> {
    if procs.ffmpeg.is_empty() {
        return Vec::new();
    }
    let wanted: HashSet<u64> = procs
        .ffmpeg
        .iter()
        .flat_map(|p| p.inodes.iter().copied())
        .collect();
    let by_inode: HashMap<u64, &Sock> = now
        .socks
        .iter()
        .filter(|s| wanted.contains(&s.inode))
        .map(|s| (s.inode, s))
        .collect();
    let mut out = Vec::new();
    for p in &procs.ffmpeg {
        let mut socks: Vec<&Sock> = p
            .inodes
            .iter()
            .filter_map(|i| by_inode.get(i).copied())
            .filter(|s| !s.is_listener() || s.proto == Proto::Udp)
            .collect();
        let endpoints = ffmpeg::parse_args(p.args(), all);
        if endpoints.left_out > 0 {
            diag::trace(format_args!(
                "ffmpeg {}: {} more inputs and outputs left out (at most {} sessions a process)",
                p.proc.pid,
                endpoints.left_out,
                ffmpeg::MAX_ENDPOINTS
            ));
        }
        out.extend(
            endpoints
                .list
                .into_iter()
                .map(|io| ffmpeg_session(p, io, &mut socks, rates)),
        );
    }
    out
}

fn ffmpeg_session(
    p: &FfmpegProc,
    io: ffmpeg::Io,
    socks: &mut Vec<&Sock>,
    rates: &Rates<'_>,
) -> Session {
    let (sock, fallback_remote) = match &io.medium {
        Medium::Network { host, port, .. } => {
            let wanted = host.parse::<IpAddr>().ok();
            let found = port.and_then(|port| {
                socks.iter().position(|s| {
                    (s.remote.port() == port || s.local.port() == port)
                        && is_peer(wanted, s.remote.ip())
                })
            });
            let remote = match port {
                Some(port) if host.contains(':') => format!("[{host}]:{port}"),
                Some(port) => format!("{host}:{port}"),
                None => host.clone(),
            };
            (found.map(|i| socks.remove(i)), remote)
        }
        Medium::Pipe | Medium::File | Medium::Generated | Medium::Null => {
            (None, "unknown".to_owned())
        }
    };
    let mut extra = Map::new();
    extra.insert("role".into(), io.role.as_str().into());
    extra.insert("kind".into(), io.medium.kind().into());
    extra.insert("pid".into(), p.proc.pid.into());
    if let Some(f) = &io.format {
        extra.insert("format".into(), f.clone().into());
    }
    if let Some(s) = sock {
        extra.insert("socket".into(), s.inode.into());
    }
    let remote = sock.map_or(fallback_remote, |s| addr(s.remote));
    // Over the network an ffmpeg output publishes to a server and an input plays from one; a
    // file, a pipe or a generated input is nobody's stream.
    let role = matches!(io.medium, Medium::Network { .. }).then(|| match io.role {
        ffmpeg::Role::Output => Role::Publisher,
        ffmpeg::Role::Input => Role::Player,
    });
    // The command line names the stream whatever the port map says; a file or a pipe names
    // none, and the process does.
    let reference = stream_name(&io.url).unwrap_or_else(|| p.proc.pid.to_string());
    let mut session = Row {
        collector: Collector::Ffmpeg,
        id: format!("{}:{}{}", p.proc.pid, io.role.as_str(), io.index),
        reference,
        local: io.url,
        remote,
        extra,
    }
    .with(sock, rates);
    session.role = role;
    session
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use serde_json::json;

    use super::*;

    #[test]
    fn addresses_read_as_std_writes_them() {
        for text in [
            "127.0.0.1:1935",
            "0.0.0.0:0",
            "255.255.255.255:65535",
            "10.0.7.90:80",
            "[2001:db8::1]:443",
        ] {
            let a: SocketAddr = text.parse().unwrap();
            assert_eq!(addr(a), text);
        }
        let mapped: SocketAddr = "[::ffff:192.168.0.9]:5000".parse().unwrap();
        assert_eq!(addr(mapped), "192.168.0.9:5000");
    }

    fn ff(local: &str, role: &str, format: Option<&str>, socket: Option<u64>) -> Session {
        let mut extra = json!({"role": role, "kind": "network"});
        if let Some(f) = format {
            extra["format"] = f.into();
        }
        if let Some(s) = socket {
            extra["socket"] = s.into();
        }
        let Value::Object(extra) = extra else {
            unreachable!()
        };
        Row {
            collector: Collector::Ffmpeg,
            id: "1:in0".into(),
            reference: "1".into(),
            local: local.into(),
            remote: "unknown".into(),
            extra,
        }
        .with(
            None,
            &Rates::new(
                None,
                &Sample {
                    socks: Vec::new(),
                    at: Instant::now(),
                },
            ),
        )
    }

    #[test]
    fn hls_urls_of_ffmpeg_mark_their_sockets() {
        let got = hls_sockets(&[
            ff("http://cdn/live/a.m3u8?token=***", "in", None, Some(1)),
            ff("http://core/memfs/b.m3u8", "out", Some("hls"), Some(2)),
            ff("http://core/upload", "out", Some("hls"), Some(3)),
            ff("http://core/live/a.m3u8", "in", None, None),
            ff("http://core/api", "in", None, Some(5)),
        ]);
        let mut got: Vec<_> = got.into_iter().collect();
        got.sort_by_key(|(i, _)| *i);
        assert_eq!(
            got,
            [
                (1, Collector::Hls),
                (2, Collector::Hlsingress),
                (3, Collector::Hlsingress)
            ]
        );
    }
}
