//! What kind of session a row is (`Collector`), and the `--port-map` entries that map ports to
//! collectors on this machine.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::text::escape;

/// A kind of session: datarhei Core's collectors, the protocols of the other streaming servers
/// (`rtmps`, `rtsp`, `rtsps`, `webrtc`), and `tchmi` for a TwinCAT HMI Server's WebSocket
/// sessions. Ordered alphabetically, as Core sorts its response keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Collector {
    Ffmpeg,
    Hls,
    Hlsingress,
    Http,
    Https,
    Rtmp,
    Rtmps,
    Rtsp,
    Rtsps,
    Srt,
    /// A WebSocket session of a TwinCAT HMI Server. Not in `ALL`: a TwinCAT HMI Server has no
    /// other kind, so `--collectors` neither accepts nor defaults to it.
    Tchmi,
    Webrtc,
}

impl Collector {
    /// Every name `--collectors` accepts, in the order of the documentation (its default):
    /// datarhei Core's first, then the protocols only other servers have. Each source answers
    /// for the ones it has (`source::served`).
    pub const ALL: [Collector; 11] = [
        Collector::Hls,
        Collector::Hlsingress,
        Collector::Http,
        Collector::Https,
        Collector::Rtmp,
        Collector::Srt,
        Collector::Ffmpeg,
        Collector::Rtmps,
        Collector::Rtsp,
        Collector::Rtsps,
        Collector::Webrtc,
    ];

    /// datarhei Core's own collectors (and the local collector's, which imitates Core).
    pub const CORE: [Collector; 7] = [
        Collector::Hls,
        Collector::Hlsingress,
        Collector::Http,
        Collector::Https,
        Collector::Rtmp,
        Collector::Srt,
        Collector::Ffmpeg,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Collector::Ffmpeg => "ffmpeg",
            Collector::Hls => "hls",
            Collector::Hlsingress => "hlsingress",
            Collector::Http => "http",
            Collector::Https => "https",
            Collector::Rtmp => "rtmp",
            Collector::Rtmps => "rtmps",
            Collector::Rtsp => "rtsp",
            Collector::Rtsps => "rtsps",
            Collector::Srt => "srt",
            Collector::Tchmi => "tchmi",
            Collector::Webrtc => "webrtc",
        }
    }

    /// The collectors asked for, each once, in the order given; all of them when none were named.
    pub fn asked_or_all(asked: &[Collector]) -> Vec<Collector> {
        if asked.is_empty() {
            return Self::ALL.to_vec();
        }
        let mut out: Vec<Collector> = Vec::with_capacity(asked.len());
        for c in asked {
            if !out.contains(c) {
                out.push(*c);
            }
        }
        out
    }

    /// The comma list of valid names, for error messages and help.
    pub fn names() -> String {
        Self::ALL.map(Collector::as_str).join(", ")
    }
}

impl fmt::Display for Collector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Collector {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| format!("unknown collector '{s}' (valid: {})", Self::names()))
    }
}

/// One `--port-map` entry (or a context's `port_map` entry): `COLLECTOR=PORT[,PORT…]` gives the
/// collector exactly these ports, `COLLECTOR+=PORT[,PORT…]` adds them to the ones it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortMapping {
    pub collector: Collector,
    pub ports: Vec<u16>,
    /// `+=`: keep the collector's ports so far (its defaults, the context's) and add these.
    pub add: bool,
}

impl fmt::Display for PortMapping {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ports: Vec<String> = self.ports.iter().map(u16::to_string).collect();
        let op = if self.add { "+=" } else { "=" };
        write!(f, "{}{op}{}", self.collector.as_str(), ports.join(","))
    }
}

impl FromStr for PortMapping {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (name, ports) = s.split_once('=').ok_or_else(|| {
            let s = escape(s);
            format!(
                "'{s}' is not COLLECTOR=PORT[,PORT…] (replace) or COLLECTOR+=PORT[,PORT…] (add), e.g. rtmp=1935,1936"
            )
        })?;
        let (name, add) = match name.strip_suffix('+') {
            Some(name) => (name, true),
            None => (name, false),
        };
        // Only datarhei Core's collectors: the local collector imitates Core.
        let collector = name
            .trim()
            .parse::<Collector>()
            .ok()
            .filter(|c| Collector::CORE.contains(c))
            .ok_or_else(|| {
                let name = escape(name.trim());
                let valid = Collector::CORE.map(Collector::as_str).join(", ");
                format!("unknown collector '{name}' (valid: {valid})")
            })?;
        if collector == Collector::Ffmpeg {
            return Err("ffmpeg sessions come from ffmpeg processes, not from a port".into());
        }
        let ports = ports
            .split(',')
            .filter(|p| !p.trim().is_empty())
            .map(|p| {
                let p = p.trim();
                // `6000/udp` is accepted for readability; the protocol follows the collector.
                let bare = p
                    .strip_suffix("/udp")
                    .or_else(|| p.strip_suffix("/tcp"))
                    .unwrap_or(p);
                bare.parse::<u16>()
                    .ok()
                    .filter(|n| *n != 0)
                    .ok_or_else(|| format!("'{}' is not a port number (1-65535)", escape(p)))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(PortMapping {
            collector,
            ports,
            add,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collector_names_round_trip() {
        for c in Collector::ALL {
            assert_eq!(c.as_str().parse::<Collector>(), Ok(c));
        }
        let err = "RTMP".parse::<Collector>().unwrap_err();
        assert_eq!(
            err,
            "unknown collector 'RTMP' (valid: hls, hlsingress, http, https, rtmp, srt, ffmpeg, rtmps, rtsp, rtsps, webrtc)"
        );
        assert!("tchmi".parse::<Collector>().is_err());
        assert!(Collector::CORE.iter().all(|c| Collector::ALL.contains(c)));
    }
}
