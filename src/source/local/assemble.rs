//! Turns one look at the socket table and the process table into sessions: classification,
//! ffmpeg inputs and outputs, byte counters and the rates between two looks.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::{IpAddr, SocketAddr};

use serde_json::{Map, Value, json};

use super::classify::{Direction, classify, listening_ports};
use super::ffmpeg::{self, Medium};
use super::procs::{FfmpegProc, ProcTable};
use super::sockets::{Proto, Sock};
use super::{Local, Sample};
use crate::diag;
use crate::model::{Collector, Session, round3};

impl Local {
    /// Sessions of the table `now`, with rates against `before` (none without it).
    pub fn sessions(
        &self,
        before: Option<&Sample>,
        now: &Sample,
        procs: &ProcTable,
    ) -> Vec<Session> {
        let rates = Rates::new(before, now);
        let listening = listening_ports(&now.socks);
        let ff: Vec<Session> = ffmpeg_sessions(procs, now, &rates).collect();
        let hls = hls_sockets(&ff);
        let mut out = Vec::new();
        let mut unowned = 0usize;
        for sock in &now.socks {
            let Some(mut class) = classify(sock, &listening, &self.opts.port_map) else {
                continue;
            };
            if matches!(class.collector, Collector::Http | Collector::Https)
                && let Some(c) = hls.get(&sock.inode)
            {
                class.collector = *c;
            }
            let owner = procs.by_inode.get(&sock.inode);
            unowned += usize::from(owner.is_none());
            let mut extra = Map::new();
            extra.insert("direction".into(), class.direction.as_str().into());
            extra.insert(
                "proto".into(),
                match sock.proto {
                    Proto::Tcp => "tcp",
                    Proto::Udp => "udp",
                }
                .into(),
            );
            if let Some(p) = owner {
                extra.insert("pid".into(), p.pid.into());
                extra.insert("process".into(), p.name.clone().into());
            }
            if let Some(rtt) = sock.rtt_us {
                extra.insert("rtt_ms".into(), json!(f64::from(rtt) / 1000.0));
            }
            if class.direction == Direction::Listen {
                extra.insert(
                    "note".into(),
                    "listener: SRT peers share this one UDP socket, so they are not listed one by one"
                        .into(),
                );
            }
            let remote = if class.direction == Direction::Listen {
                "*".to_owned()
            } else {
                addr(sock.remote)
            };
            let row = Row {
                collector: class.collector,
                id: sock.inode.to_string(),
                reference: owner.map(|p| p.name.clone()).unwrap_or_default(),
                local: addr(sock.local),
                remote,
                extra: Value::Object(extra),
            };
            out.push(row.with(Some(sock), &rates));
        }
        out.extend(ff);
        if unowned > 0 && procs.unreadable > 0 && !self.warned_unreadable.replace(true) {
            diag::warn(format_args!(
                "{unowned} session(s) without a process: {} processes of other users cannot be read (run as root to see them)",
                procs.unreadable
            ));
        }
        out
    }
}

/// `127.0.0.1:1935` or `[::1]:1935`; IPv4-mapped IPv6 addresses are shown as IPv4.
fn addr(a: SocketAddr) -> String {
    // Written by hand for IPv4, the common case: std's `Display` for addresses was a fifth of a
    // 10,000-connection run. Sized up front for the longest `[v6]:port`.
    let mut out = String::with_capacity(48);
    match a.ip().to_canonical() {
        IpAddr::V4(ip) => {
            let [a1, a2, a3, a4] = ip.octets();
            for (i, octet) in [a1, a2, a3, a4].into_iter().enumerate() {
                if i > 0 {
                    out.push('.');
                }
                push_decimal(&mut out, u32::from(octet));
            }
            out.push(':');
            push_decimal(&mut out, u32::from(a.port()));
        }
        ip @ IpAddr::V6(_) => {
            let _ = write!(out, "{}", SocketAddr::new(ip, a.port()));
        }
    }
    out
}

fn push_decimal(out: &mut String, mut n: u32) {
    let mut digits = [0u8; 10];
    let mut len = 0;
    loop {
        digits[len] = b'0' + (n % 10) as u8;
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[..len].iter().rev().map(|&d| char::from(d)));
}

/// Bit rates per socket between two samples.
struct Rates<'a> {
    before: HashMap<(Proto, SocketAddr, SocketAddr), &'a Sock>,
    secs: f64,
}

impl<'a> Rates<'a> {
    fn new(before: Option<&'a Sample>, now: &Sample) -> Self {
        let (before, secs) = match before {
            Some(b) => (
                b.socks
                    .iter()
                    .map(|s| ((s.proto, s.local, s.remote), s))
                    .collect(),
                now.at.duration_since(b.at).as_secs_f64(),
            ),
            None => (HashMap::new(), 0.0),
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
struct Row {
    collector: Collector,
    id: String,
    reference: String,
    local: String,
    remote: String,
    extra: Value,
}

impl Row {
    /// The session, with the socket's byte counters and rates where there is a socket.
    fn with(self, sock: Option<&Sock>, rates: &Rates<'_>) -> Session {
        let (rx_bit_s, tx_bit_s) = sock.map_or((0.0, 0.0), |s| rates.of(s));
        Session {
            collector: self.collector,
            id: self.id,
            reference: self.reference,
            local: self.local,
            remote: self.remote,
            created_at: None,
            age_s: None,
            rx_bytes: Some(sock.and_then(|s| s.rx_bytes).unwrap_or(0)),
            tx_bytes: Some(sock.and_then(|s| s.tx_bytes).unwrap_or(0)),
            rx_bit_s: Some(rx_bit_s),
            tx_bit_s: Some(tx_bit_s),
            extra: self.extra,
        }
    }
}

/// The HTTP(S) sockets an ffmpeg uses for HLS (a `.m3u8` URL or `-f hls`): reading a playlist
/// makes it an `hls` viewer, writing one (`-method PUT`) an `hlsingress` upload. The URL in the
/// command line is the only place HLS shows without reading the traffic.
fn hls_sockets(ffmpeg: &[Session]) -> HashMap<u64, Collector> {
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

/// One session per input and output of every ffmpeg process. A network endpoint takes the
/// process's socket to that port (each socket once), and with it the kernel's byte counters.
fn ffmpeg_sessions<'a>(
    procs: &'a ProcTable,
    now: &'a Sample,
    rates: &'a Rates<'_>,
) -> impl Iterator<Item = Session> + 'a {
    let by_inode: HashMap<u64, &Sock> = now.socks.iter().map(|s| (s.inode, s)).collect();
    procs.ffmpeg.iter().flat_map(move |p| {
        let mut socks: Vec<&Sock> = p
            .inodes
            .iter()
            .filter_map(|i| by_inode.get(i).copied())
            .filter(|s| !s.is_listener() || s.proto == Proto::Udp)
            .collect();
        ffmpeg::parse_args(&p.args)
            .into_iter()
            .map(|io| ffmpeg_session(p, io, &mut socks, rates))
            .collect::<Vec<_>>()
    })
}

fn ffmpeg_session(
    p: &FfmpegProc,
    io: ffmpeg::Io,
    socks: &mut Vec<&Sock>,
    rates: &Rates<'_>,
) -> Session {
    let (kind, sock, fallback_remote) = match &io.medium {
        Medium::Network { host, port, .. } => {
            let wanted = host.parse::<std::net::IpAddr>().ok();
            let found = port.and_then(|port| {
                socks.iter().position(|s| {
                    let peer = s.remote.ip().to_canonical();
                    (s.remote.port() == port || s.local.port() == port)
                        && wanted.is_none_or(|ip| ip.to_canonical() == peer || ip.is_unspecified())
                })
            });
            let remote = match port {
                Some(port) if host.contains(':') => format!("[{host}]:{port}"),
                Some(port) => format!("{host}:{port}"),
                None => host.clone(),
            };
            ("network", found.map(|i| socks.remove(i)), remote)
        }
        Medium::Pipe => ("pipe", None, "unknown".to_owned()),
        Medium::File => ("file", None, "unknown".to_owned()),
    };
    let mut extra = Map::new();
    extra.insert("role".into(), io.role.as_str().into());
    extra.insert("kind".into(), kind.into());
    extra.insert("pid".into(), p.proc.pid.into());
    if let Some(f) = &io.format {
        extra.insert("format".into(), f.clone().into());
    }
    if let Some(s) = sock {
        extra.insert("socket".into(), s.inode.into());
    }
    let remote = sock.map_or(fallback_remote, |s| addr(s.remote));
    Row {
        collector: Collector::Ffmpeg,
        id: format!("{}:{}{}", p.proc.pid, io.role.as_str(), io.index),
        reference: p.proc.pid.to_string(),
        local: io.url,
        remote,
        extra: Value::Object(extra),
    }
    .with(sock, rates)
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

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
