//! Which collector a socket belongs to: the port map (defaults and `--port-map`), and the rule
//! that tells a local server's client from this machine's own outgoing connection.

use std::collections::{BTreeMap, BTreeSet};

use foldhash::HashMap;

use super::procs::ProcTable;
use super::sockets::{Proto, Sock};
use crate::model::{Collector, PortMapping};

/// Service port → collector, for TCP and for UDP. SRT is the one UDP protocol; every other
/// collector is TCP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PortMap {
    tcp: HashMap<u16, Collector>,
    udp: HashMap<u16, Collector>,
}

/// The defaults: the ports these protocols are served on out of the box (nginx-rtmp, SRS,
/// MediaMTX, datarhei Core). RTMPS (1936) counts as rtmp: Core has no rtmps collector.
pub(crate) const DEFAULTS: &[(Collector, &[u16])] = &[
    (Collector::Rtmp, &[1935, 1936]),
    (Collector::Http, &[80, 8080]),
    (Collector::Https, &[443, 8443]),
    (Collector::Hls, &[8888]),
    (Collector::Srt, &[6000, 8890]),
];

impl PortMap {
    /// The defaults, then each entry in order: `c=ports` gives `c` exactly these ports, `c+=ports`
    /// adds them to what `c` has so far. Where two collectors claim a port, the later entry wins
    /// (a default loses to any entry).
    pub(crate) fn new(entries: &[PortMapping]) -> Self {
        let mut claims: Vec<(Collector, u16)> = DEFAULTS
            .iter()
            .flat_map(|(c, ports)| ports.iter().map(move |p| (*c, *p)))
            .collect();
        for entry in entries {
            if !entry.add {
                claims.retain(|(c, _)| *c != entry.collector);
            }
            claims.extend(entry.ports.iter().map(|p| (entry.collector, *p)));
        }
        let mut map = PortMap {
            tcp: HashMap::default(),
            udp: HashMap::default(),
        };
        for (collector, port) in claims {
            let table = if collector == Collector::Srt {
                &mut map.udp
            } else {
                &mut map.tcp
            };
            table.insert(port, collector);
        }
        map
    }

    pub(crate) fn lookup(&self, proto: Proto, port: u16) -> Option<Collector> {
        match proto {
            Proto::Tcp => self.tcp.get(&port),
            Proto::Udp => self.udp.get(&port),
        }
        .copied()
    }
}

/// Which end of a connection this machine is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    /// A local server's client: the local port is one this machine listens on.
    In,
    /// This machine connected out (pushing to or pulling from a remote server).
    Out,
    /// A UDP socket bound to a service port with no fixed peer (an SRT listener).
    Listen,
}

impl Direction {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
            Direction::Listen => "listen",
        }
    }
}

/// A socket that belongs to a collector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Classified {
    pub collector: Collector,
    pub direction: Direction,
}

/// The ports this machine listens on, per protocol: what tells "in" from "out". One bit per
/// port, as every socket of the table is looked up here.
pub(crate) struct Listening {
    tcp: Vec<u64>,
    udp: Vec<u64>,
}

impl Listening {
    pub(crate) fn of(socks: &[Sock]) -> Listening {
        let mut ports = Listening {
            tcp: vec![0; 1024],
            udp: vec![0; 1024],
        };
        for s in socks.iter().filter(|s| s.is_listener()) {
            let port = usize::from(s.local.port());
            let bits = match s.proto {
                Proto::Tcp => &mut ports.tcp,
                Proto::Udp => &mut ports.udp,
            };
            bits[port / 64] |= 1 << (port % 64);
        }
        ports
    }

    pub(crate) fn contains(&self, proto: Proto, port: u16) -> bool {
        let port = usize::from(port);
        let bits = match proto {
            Proto::Tcp => &self.tcp,
            Proto::Udp => &self.udp,
        };
        bits[port / 64] & (1 << (port % 64)) != 0
    }
}

/// Classifies one socket. A TCP connection is "in" when its local port is listening here, and
/// then the local port is the service port; otherwise it is "out" and the remote port is.
/// TCP listeners themselves are not sessions; unmapped ports are not either.
pub(crate) fn classify(sock: &Sock, listening: &Listening, map: &PortMap) -> Option<Classified> {
    let (direction, port) = match (sock.proto, sock.is_listener()) {
        (Proto::Tcp, true) => return None,
        (Proto::Udp, true) => (Direction::Listen, sock.local.port()),
        (proto, false) if listening.contains(proto, sock.local.port()) => {
            (Direction::In, sock.local.port())
        }
        (_, false) => (Direction::Out, sock.remote.port()),
    };
    let collector = map.lookup(sock.proto, port)?;
    Some(Classified {
        collector,
        direction,
    })
}

/// Whether a collector's ports are the web's (`http`, `https`), which every program uses, rather
/// than a media protocol's (`rtmp`, `srt`, `hls`, `hlsingress`), which only streaming does.
pub(crate) fn is_web(collector: Collector) -> bool {
    matches!(collector, Collector::Http | Collector::Https)
}

/// Whether a classified socket is a session in the default view: a client of a service here, an
/// SRT listener, a connection out to a media port, or a connection out to a web port made by a
/// media process (`media_owner`: an ffmpeg, or a server listening on a media port here) or to a
/// service of this machine. What is left is this machine's own web traffic (a package
/// manager, a browser), shown only with `--all`.
pub(crate) fn is_session(
    class: Classified,
    sock: &Sock,
    listening: &Listening,
    media_owner: impl FnOnce() -> bool,
) -> bool {
    class.direction != Direction::Out
        || !is_web(class.collector)
        || to_this_machine(sock, listening)
        || media_owner()
}

/// A connection whose other end is a listening socket of this machine.
fn to_this_machine(sock: &Sock, listening: &Listening) -> bool {
    let peer = sock.remote.ip().to_canonical();
    (peer.is_loopback() || peer == sock.local.ip().to_canonical())
        && listening.contains(sock.proto, sock.remote.port())
}

/// The media servers whose listening ports the map should know, and the collector their
/// clients most likely belong to (nginx: its RTMP module; Icecast: HTTP listeners).
const SERVERS: &[(&str, Collector)] = &[
    ("nginx", Collector::Rtmp),
    ("icecast2", Collector::Http),
    ("icecast", Collector::Http),
];

/// A media server process: whether one of its ports is mapped, and the ports that are not.
#[derive(Default)]
struct Server {
    name: &'static str,
    mapped: bool,
    unmapped: BTreeSet<u16>,
}

/// The media server processes listening on TCP here.
fn servers(socks: &[Sock], procs: &ProcTable, map: &PortMap) -> BTreeMap<u32, Server> {
    let mut found: BTreeMap<u32, Server> = BTreeMap::new();
    for s in socks
        .iter()
        .filter(|s| s.proto == Proto::Tcp && s.is_listener())
    {
        let Some((p, name)) = procs.owner(s.inode).and_then(|p| {
            let (name, _) = SERVERS.iter().find(|(name, _)| *name == p.name)?;
            Some((p, *name))
        }) else {
            continue;
        };
        let server = found.entry(p.pid).or_default();
        server.name = name;
        let port = s.local.port();
        match map.lookup(Proto::Tcp, port) {
            Some(_) => server.mapped = true,
            None => _ = server.unmapped.insert(port),
        }
    }
    found
}

/// What a server's hint says: the ports it names, and the `--port-map` entries it suggests.
type Said = (BTreeSet<u16>, BTreeMap<Collector, Vec<String>>);

/// One line per media server listening on TCP ports the map does not know, whose clients are
/// therefore not listed. A port a client here names with a URL on its command line gets its
/// `--port-map` entry (`rtmp+=` for `rtmp://`, `hls+=` for a playlist …); the server's other
/// ports are named without one, and left out once one of its ports is mapped (its web or
/// stat page, most likely).
pub(crate) fn unmapped_servers(socks: &[Sock], procs: &ProcTable, map: &PortMap) -> Vec<String> {
    let found = servers(socks, procs, map);
    let ports: BTreeSet<u16> = found.values().flat_map(|s| s.unmapped.clone()).collect();
    if ports.is_empty() {
        return Vec::new();
    }
    let kinds = super::clients::kinds_of_ports(socks, procs, &ports);
    let mut by_name: BTreeMap<&str, Said> = BTreeMap::new();
    for server in found.values() {
        let (listed, entries) = by_name.entry(server.name).or_default();
        for port in &server.unmapped {
            match kinds.get(port) {
                Some(kind) => entries.entry(*kind).or_default().push(port.to_string()),
                None if server.mapped => continue,
                None => {}
            }
            listed.insert(*port);
        }
    }
    by_name
        .into_iter()
        .filter(|(_, (listed, _))| !listed.is_empty())
        .map(|(name, (listed, entries))| hint(name, &listed, &entries))
        .collect()
}

fn hint(name: &str, listed: &BTreeSet<u16>, entries: &BTreeMap<Collector, Vec<String>>) -> String {
    let list: Vec<String> = listed.iter().map(u16::to_string).collect();
    let advice = if entries.is_empty() {
        let c = SERVERS
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(Collector::Rtmp, |(_, c)| *c);
        let protocol = c.to_string().to_ascii_uppercase();
        format!("e.g. --port-map {c}+=PORT for its {protocol} port")
    } else {
        let flags: Vec<String> = entries
            .iter()
            .map(|(c, ports)| format!("--port-map {c}+={}", ports.join(",")))
            .collect();
        flags.join(" ")
    };
    format!(
        "hint: {name} listens on {}, which the port map does not know (its clients are not listed): {advice}",
        list.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::super::sockets::{TCP_ESTABLISHED, TCP_LISTEN};
    use super::*;

    /// An unconnected UDP socket reports TCP_CLOSE.
    const TCP_CLOSE: u8 = 7;

    fn sock(proto: Proto, state: u8, local: &str, remote: &str) -> Sock {
        Sock {
            proto,
            state,
            local: local.parse().unwrap(),
            remote: remote.parse().unwrap(),
            inode: 1,
            uid: 0,
            rx_bytes: None,
            tx_bytes: None,
            rtt_us: None,
        }
    }

    #[test]
    fn port_map_flags_replace_a_collectors_defaults() {
        let m: PortMapping = "rtmp=2935, 2936".parse().unwrap();
        assert_eq!(m.ports, [2935, 2936]);
        let map = PortMap::new(&[m, "srt=7000/udp".parse().unwrap()]);
        assert_eq!(map.lookup(Proto::Tcp, 2935), Some(Collector::Rtmp));
        assert_eq!(map.lookup(Proto::Tcp, 1935), None);
        assert_eq!(map.lookup(Proto::Udp, 7000), Some(Collector::Srt));
        assert_eq!(map.lookup(Proto::Udp, 6000), None);
        assert_eq!(map.lookup(Proto::Tcp, 8080), Some(Collector::Http));
        assert_eq!(map.lookup(Proto::Tcp, 7000), None);
        // Later entries win a port; `=` again for the same collector starts over.
        let map = PortMap::new(&[
            "hls=8080".parse().unwrap(),
            "rtmp=1".parse().unwrap(),
            "rtmp=2".parse().unwrap(),
        ]);
        assert_eq!(map.lookup(Proto::Tcp, 8080), Some(Collector::Hls));
        assert_eq!(map.lookup(Proto::Tcp, 80), Some(Collector::Http));
        assert_eq!(map.lookup(Proto::Tcp, 1), None);
        assert_eq!(map.lookup(Proto::Tcp, 2), Some(Collector::Rtmp));
        assert_eq!(
            "webrtc=8189".parse::<PortMapping>().err().as_deref(),
            Some(
                "unknown collector 'webrtc' (valid: hls, hlsingress, http, https, rtmp, srt, ffmpeg)"
            )
        );
    }

    #[test]
    fn port_map_plus_equals_adds_to_a_collectors_ports() {
        let m: PortMapping = "rtmp+=41936".parse().unwrap();
        assert_eq!((m.ports.as_slice(), m.add), (&[41936][..], true));
        assert_eq!(m.to_string(), "rtmp+=41936");
        assert_eq!(
            "srt = 7000/udp".parse::<PortMapping>().unwrap().to_string(),
            "srt=7000"
        );
        let map = PortMap::new(&[m]);
        for port in [1935, 1936, 41936] {
            assert_eq!(
                map.lookup(Proto::Tcp, port),
                Some(Collector::Rtmp),
                "{port}"
            );
        }
        // A context's `rtmp=2000`, then a flag's `rtmp+=2001`: both; then `hls+=2001` takes 2001.
        let layered = |entries: &[&str]| {
            PortMap::new(
                &entries
                    .iter()
                    .map(|e| e.parse().unwrap())
                    .collect::<Vec<_>>(),
            )
        };
        let map = layered(&["rtmp=2000", "rtmp+=2001"]);
        assert_eq!(map.lookup(Proto::Tcp, 1935), None);
        assert_eq!(map.lookup(Proto::Tcp, 2000), Some(Collector::Rtmp));
        assert_eq!(map.lookup(Proto::Tcp, 2001), Some(Collector::Rtmp));
        let map = layered(&["rtmp=2000", "rtmp+=2001", "hls+=2001"]);
        assert_eq!(map.lookup(Proto::Tcp, 2001), Some(Collector::Hls));
        assert_eq!(map.lookup(Proto::Tcp, 8888), Some(Collector::Hls));
        assert!("rtmp+x=1".parse::<PortMapping>().is_err());
        assert!("rtmp++=1".parse::<PortMapping>().is_err());
    }

    #[test]
    fn fuzz_regression_errors_escape_control_characters() {
        for (bad, quoted) in [
            ("http=80/tc\x07\0\0\0p", "'80/tc\\u{7}\\u{0}\\u{0}\\u{0}p'"),
            ("rt\x1b[2Jmp=1", "'rt\\u{1b}[2Jmp'"),
            ("rtmp\n", "'rtmp\\n'"),
        ] {
            let err = bad.parse::<PortMapping>().unwrap_err();
            assert!(!err.chars().any(char::is_control), "{err:?}");
            assert!(err.contains(quoted), "{err:?}");
        }
    }

    #[test]
    fn bad_port_maps_are_refused() {
        for bad in [
            "rtmp",
            "rtmp=x",
            "rtmp=0",
            "rtmp=70000",
            "bogus=1",
            "ffmpeg=1",
        ] {
            assert!(bad.parse::<PortMapping>().is_err(), "{bad}");
        }
    }

    #[test]
    fn this_machines_own_web_traffic_is_not_a_session() {
        let map = PortMap::new(&[]);
        let socks = [
            sock(Proto::Tcp, TCP_LISTEN, "0.0.0.0:8080", "0.0.0.0:0"),
            // apt to a registry over HTTPS; curl to this machine's Core on 8080.
            sock(
                Proto::Tcp,
                TCP_ESTABLISHED,
                "10.0.0.1:40000",
                "151.101.2.1:443",
            ),
            sock(
                Proto::Tcp,
                TCP_ESTABLISHED,
                "127.0.0.1:40001",
                "127.0.0.1:8080",
            ),
            sock(
                Proto::Tcp,
                TCP_ESTABLISHED,
                "10.0.0.1:40002",
                "10.0.0.1:8080",
            ),
            sock(
                Proto::Tcp,
                TCP_ESTABLISHED,
                "10.0.0.1:40003",
                "10.0.0.2:8080",
            ),
            // Out to a media port: streaming, whoever does it. In: a client of Core.
            sock(
                Proto::Tcp,
                TCP_ESTABLISHED,
                "10.0.0.1:40004",
                "1.2.3.4:1935",
            ),
            sock(
                Proto::Tcp,
                TCP_ESTABLISHED,
                "127.0.0.1:8080",
                "127.0.0.1:40001",
            ),
        ];
        let listening = Listening::of(&socks);
        let verdict = |media_owner: bool| -> Vec<bool> {
            socks[1..]
                .iter()
                .map(|s| {
                    let class = classify(s, &listening, &map).unwrap();
                    is_session(class, s, &listening, || media_owner)
                })
                .collect()
        };
        assert_eq!(verdict(false), [false, true, true, false, true, true]);
        assert_eq!(verdict(true), [true; 6]);
    }

    #[test]
    fn direction_follows_the_listening_port() {
        let map = PortMap::new(&[]);
        let socks = [
            sock(Proto::Tcp, TCP_LISTEN, "0.0.0.0:1935", "0.0.0.0:0"),
            sock(
                Proto::Tcp,
                TCP_ESTABLISHED,
                "10.0.0.1:1935",
                "10.0.0.9:50000",
            ),
            sock(
                Proto::Tcp,
                TCP_ESTABLISHED,
                "10.0.0.1:40000",
                "1.2.3.4:1935",
            ),
            sock(Proto::Tcp, TCP_ESTABLISHED, "10.0.0.1:40001", "1.2.3.4:22"),
            sock(Proto::Udp, TCP_CLOSE, "0.0.0.0:6000", "0.0.0.0:0"),
        ];
        let listening = Listening::of(&socks);
        let got: Vec<_> = socks
            .iter()
            .map(|s| classify(s, &listening, &map).map(|c| (c.collector, c.direction)))
            .collect();
        assert_eq!(
            got,
            [
                None,
                Some((Collector::Rtmp, Direction::In)),
                Some((Collector::Rtmp, Direction::Out)),
                None,
                Some((Collector::Srt, Direction::Listen)),
            ]
        );
    }
}
