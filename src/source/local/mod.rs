//! The embedded local collector: this machine's sessions, from the kernel's socket table and the
//! process table, classified into datarhei Core's collectors; history from `collect`'s store.

pub mod classify;
pub mod collect;
pub(crate) mod ffmpeg;
pub mod history;
pub(crate) mod procs;
mod serve;
pub(crate) mod sockets;
mod wire;

use std::cell::Cell;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

use serde_json::{Map, Value, json};

use self::classify::{Direction, PortMap, classify, listening_ports};
use self::ffmpeg::Target as FfTarget;
use self::procs::FfmpegProc;
pub use self::procs::ProcTable;
use self::sockets::{Proto, Sock};
use super::{Source, served};
use crate::diag;
use crate::error::{Error, Result};
use crate::model::{Collector, CollectorSummary, Session, SourceSummary, round3};

/// How the local collector looks at this machine.
#[derive(Debug, Clone)]
pub struct LocalOptions {
    /// Where /proc is (tests point it elsewhere).
    pub proc_root: PathBuf,
    pub port_map: PortMap,
    /// The window between the two samples that give the bit rates.
    pub sample: Duration,
    /// The history store written by `collect` and read by `summary` (`active` needs none).
    pub db: Option<PathBuf>,
    /// `summary --day`: only the sessions that ended on this UTC day.
    pub day: Option<String>,
}

/// The default history store: `$XDG_STATE_HOME/sessions/history.sqlite3`, or under
/// `~/.local/state` (the XDG base directory default).
pub fn default_db(var: &dyn Fn(&str) -> Option<String>) -> Result<PathBuf> {
    let base = match var("XDG_STATE_HOME").filter(|v| v.starts_with('/')) {
        Some(state) => PathBuf::from(state),
        None => match var("HOME").filter(|v| !v.is_empty()) {
            Some(home) => PathBuf::from(home).join(".local/state"),
            None => {
                return Err(Error::Usage(
                    "cannot place the history store: HOME is not set; pass --db PATH".into(),
                ));
            }
        },
    };
    Ok(base.join("sessions").join("history.sqlite3"))
}

/// One look at the socket table.
pub struct Sample {
    socks: Vec<Sock>,
    at: Instant,
}

/// The sockets and their processes at one moment, turned into sessions.
pub struct Local {
    opts: LocalOptions,
    warned_fallback: bool,
    /// `collect` looks every few seconds: the unreadable-processes warning is said once.
    warned_unreadable: Cell<bool>,
}

impl Local {
    pub fn new(opts: LocalOptions) -> Self {
        Local {
            opts,
            warned_fallback: false,
            warned_unreadable: Cell::new(false),
        }
    }

    /// Reads the socket table: netlink first, /proc/net when netlink is refused (some containers).
    pub fn sample(&mut self) -> Result<Sample> {
        let socks = match sockets::from_netlink() {
            Ok(socks) => socks,
            Err(e) => {
                if !self.warned_fallback {
                    self.warned_fallback = true;
                    diag::warn(format_args!(
                        "netlink sock_diag is unavailable ({e}); reading /proc/net, which has no byte counters"
                    ));
                }
                sockets::from_proc(&self.opts.proc_root).map_err(|e| {
                    Error::Internal(format!("cannot read this machine's sockets: {e}"))
                })?
            }
        };
        Ok(Sample {
            socks,
            at: Instant::now(),
        })
    }

    /// One look at the machine: the socket table on this thread while another walks /proc
    /// (the two costs are of the same size with thousands of connections).
    pub fn look(&mut self) -> Result<(Sample, ProcTable)> {
        let root = self.opts.proc_root.clone();
        let (sample, procs) = std::thread::scope(|scope| {
            let procs = scope.spawn(move || {
                let started = Instant::now();
                (procs::scan(&root), started.elapsed())
            });
            let started = Instant::now();
            let sample = self.sample();
            let sockets_took = started.elapsed();
            // `scan` does not panic; were it to, the sessions would just lack their processes.
            let (procs, procs_took) = procs.join().unwrap_or_default();
            (sample.map(|s| (s, sockets_took)), (procs, procs_took))
        });
        let (sample, sockets_took) = sample?;
        let (procs, procs_took) = procs;
        diag::trace(format_args!(
            "read {} sockets in {sockets_took:.1?} and {} socket owners in {procs_took:.1?}",
            sample.socks.len(),
            procs.by_inode.len()
        ));
        Ok((sample, procs))
    }

    /// Two samples `--sample` apart, turned into sessions with rates over that window; with a
    /// zero window, one sample and no rates (the fastest look).
    pub async fn snapshot(&mut self) -> Result<Vec<Session>> {
        let before = if self.opts.sample.is_zero() {
            None
        } else {
            let before = self.sample()?;
            tokio::time::sleep(self.opts.sample).await;
            Some(before)
        };
        let (now, procs) = self.look()?;
        Ok(self.sessions(before.as_ref(), &now, &procs))
    }

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

/// Unix seconds (0 before 1970, which a clock set that wrong deserves).
pub fn unix_seconds(t: SystemTime) -> i64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Bits per second in a mebibit: datarhei Core's `*_mbit` unit.
pub const MEBI: f64 = 1024.0 * 1024.0;

/// What a set of active sessions adds up to right now.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Load {
    pub sessions: u64,
    pub rx_bit_s: f64,
    pub tx_bit_s: f64,
}

impl Load {
    pub fn of<'a>(sessions: impl Iterator<Item = &'a Session>) -> Load {
        sessions.fold(Load::default(), |l, s| Load {
            sessions: l.sessions + 1,
            // The local collector always measures (a session without a socket moves 0 bit/s).
            rx_bit_s: l.rx_bit_s + s.rx_bit_s.unwrap_or(0.0),
            tx_bit_s: l.tx_bit_s + s.tx_bit_s.unwrap_or(0.0),
        })
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
            .map(|ep| ffmpeg_session(p, ep, &mut socks, rates))
            .collect::<Vec<_>>()
    })
}

fn ffmpeg_session(
    p: &FfmpegProc,
    ep: ffmpeg::Endpoint,
    socks: &mut Vec<&Sock>,
    rates: &Rates<'_>,
) -> Session {
    let (kind, sock, fallback_remote) = match &ep.target {
        FfTarget::Network { host, port, .. } => {
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
        FfTarget::Pipe => ("pipe", None, "unknown".to_owned()),
        FfTarget::File => ("file", None, "unknown".to_owned()),
    };
    let mut extra = Map::new();
    extra.insert("role".into(), ep.role.as_str().into());
    extra.insert("kind".into(), kind.into());
    extra.insert("pid".into(), p.proc.pid.into());
    if let Some(f) = &ep.format {
        extra.insert("format".into(), f.clone().into());
    }
    if let Some(s) = sock {
        extra.insert("socket".into(), s.inode.into());
    }
    let remote = sock.map_or(fallback_remote, |s| addr(s.remote));
    Row {
        collector: Collector::Ffmpeg,
        id: format!("{}:{}{}", p.proc.pid, ep.role.as_str(), ep.index),
        reference: p.proc.pid.to_string(),
        local: ep.url,
        remote,
        extra: Value::Object(extra),
    }
    .with(sock, rates)
}

impl Source for Local {
    const NAME: &'static str = "this machine's local collector";

    async fn active(&mut self, collectors: &[Collector]) -> Result<Vec<Session>> {
        let collectors = served::<Self>(collectors, &Collector::CORE)?;
        let mut sessions = self.snapshot().await?;
        sessions.retain(|s| collectors.contains(&s.collector));
        Ok(sessions)
    }

    async fn summary(&mut self, collectors: &[Collector]) -> Result<SourceSummary> {
        let collectors = served::<Self>(collectors, &Collector::CORE)?;
        let sessions = self.snapshot().await?;
        let store = match &self.opts.db {
            Some(db) => history::Store::open_read(db)?.map(|s| s.on_day(self.opts.day.clone())),
            None => None,
        };
        collectors
            .iter()
            .map(|c| {
                let finished = match &store {
                    Some(store) => store.history(*c)?,
                    None => Default::default(),
                };
                Ok(history::collector_summary(*c, &sessions, finished))
            })
            .collect::<Result<Vec<CollectorSummary>>>()
            .map(SourceSummary::Collectors)
    }
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn the_default_store_follows_xdg() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                vars.iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            default_db(&env(&[("XDG_STATE_HOME", "/s"), ("HOME", "/h")])).unwrap(),
            PathBuf::from("/s/sessions/history.sqlite3")
        );
        assert_eq!(
            default_db(&env(&[("XDG_STATE_HOME", "relative"), ("HOME", "/h")])).unwrap(),
            PathBuf::from("/h/.local/state/sessions/history.sqlite3")
        );
        assert_eq!(default_db(&env(&[])).unwrap_err().exit_code(), 2);
    }
}
