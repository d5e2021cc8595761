//! Which collector a socket belongs to: the port map (defaults and `--port-map`), and the rule
//! that tells a local server's client from this machine's own outgoing connection.

use std::collections::{HashMap, HashSet};

use super::sockets::{Proto, Sock};
use crate::model::{Collector, PortMapping};

/// Service port → collector, for TCP and for UDP. SRT is the one UDP protocol; every other
/// collector is TCP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortMap {
    tcp: HashMap<u16, Collector>,
    udp: HashMap<u16, Collector>,
}

/// The defaults: the ports these protocols are served on out of the box (nginx-rtmp, SRS,
/// MediaMTX, datarhei Core). RTMPS (1936) counts as rtmp: Core has no rtmps collector.
pub const DEFAULTS: &[(Collector, &[u16])] = &[
    (Collector::Rtmp, &[1935, 1936]),
    (Collector::Http, &[80, 8080]),
    (Collector::Https, &[443, 8443]),
    (Collector::Hls, &[8888]),
    (Collector::Srt, &[6000, 8890]),
];

impl PortMap {
    /// The defaults, with each collector named in `overrides` taking exactly the ports given.
    pub fn new(overrides: &[PortMapping]) -> Self {
        let mut chosen: Vec<(Collector, Vec<u16>)> = DEFAULTS
            .iter()
            .filter(|(c, _)| !overrides.iter().any(|o| o.collector == *c))
            .map(|(c, p)| (*c, p.to_vec()))
            .collect();
        chosen.extend(overrides.iter().map(|o| (o.collector, o.ports.clone())));
        let mut map = PortMap {
            tcp: HashMap::new(),
            udp: HashMap::new(),
        };
        for (collector, ports) in chosen {
            let table = if collector == Collector::Srt {
                &mut map.udp
            } else {
                &mut map.tcp
            };
            for port in ports {
                // A later flag wins a port another collector also claims.
                table.insert(port, collector);
            }
        }
        map
    }

    pub fn lookup(&self, proto: Proto, port: u16) -> Option<Collector> {
        match proto {
            Proto::Tcp => self.tcp.get(&port),
            Proto::Udp => self.udp.get(&port),
        }
        .copied()
    }
}

/// Which end of a connection this machine is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// A local server's client: the local port is one this machine listens on.
    In,
    /// This machine connected out (pushing to or pulling from a remote server).
    Out,
    /// A UDP socket bound to a service port with no fixed peer (an SRT listener).
    Listen,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
            Direction::Listen => "listen",
        }
    }
}

/// A socket that belongs to a collector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Classified {
    pub collector: Collector,
    pub direction: Direction,
}

/// The listening ports of the table, per protocol: what tells "in" from "out".
pub fn listening_ports(socks: &[Sock]) -> HashSet<(Proto, u16)> {
    socks
        .iter()
        .filter(|s| s.is_listener())
        .map(|s| (s.proto, s.local.port()))
        .collect()
}

/// Classifies one socket. A TCP connection is "in" when its local port is listening here, and
/// then the local port is the service port; otherwise it is "out" and the remote port is.
/// TCP listeners themselves are not sessions; unmapped ports are not either.
pub fn classify(
    sock: &Sock,
    listening: &HashSet<(Proto, u16)>,
    map: &PortMap,
) -> Option<Classified> {
    let (direction, port) = match (sock.proto, sock.is_listener()) {
        (Proto::Tcp, true) => return None,
        (Proto::Udp, true) => (Direction::Listen, sock.local.port()),
        (proto, false) if listening.contains(&(proto, sock.local.port())) => {
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
        assert_eq!(
            "webrtc=8189".parse::<PortMapping>().err().as_deref(),
            Some(
                "unknown collector 'webrtc' (valid: hls, hlsingress, http, https, rtmp, srt, ffmpeg)"
            )
        );
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
        let listening = listening_ports(&socks);
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
