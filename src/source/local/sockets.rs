//! The kernel's socket table: TCP and UDP, IPv4 and IPv6, through netlink sock_diag (with
//! `tcp_info` byte counters and RTT), or parsed from /proc/net when netlink is unavailable.
//!
//! Message layouts are the kernel's UAPI (`linux/inet_diag.h`, `linux/tcp.h`); they are parsed
//! here as plain bytes so the parsers stay pure and testable, and no `unsafe` is needed.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::Path;

use rustix::net::{AddressFamily, RecvFlags, SendFlags, SocketType, netlink};

/// TCP or UDP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Proto {
    Tcp,
    Udp,
}

/// The kernel's TCP states we care about (`include/net/tcp_states.h`).
pub(crate) const TCP_ESTABLISHED: u8 = 1;
pub(crate) const TCP_LISTEN: u8 = 10;

/// One socket as the kernel reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sock {
    pub proto: Proto,
    pub state: u8,
    pub local: SocketAddr,
    pub remote: SocketAddr,
    pub inode: u64,
    pub uid: u32,
    /// Payload bytes received (`tcpi_bytes_received`); `None` without tcp_info.
    pub rx_bytes: Option<u64>,
    /// Payload bytes sent and acknowledged (`tcpi_bytes_acked`).
    pub tx_bytes: Option<u64>,
    /// Smoothed round-trip time in microseconds (`tcpi_rtt`).
    pub rtt_us: Option<u32>,
}

impl Sock {
    pub(crate) fn is_listener(&self) -> bool {
        match self.proto {
            Proto::Tcp => self.state == TCP_LISTEN,
            Proto::Udp => self.remote.port() == 0,
        }
    }
}

const NLMSG_HDRLEN: usize = 16;
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;
const SOCK_DIAG_BY_FAMILY: u16 = 20;
const NLM_F_REQUEST: u16 = 1;
const NLM_F_DUMP: u16 = 0x300;
const INET_DIAG_INFO: u16 = 2;
const AF_INET: u8 = 2;
const AF_INET6: u8 = 10;
const IPPROTO_TCP: u8 = 6;
const IPPROTO_UDP: u8 = 17;
/// `sizeof(struct inet_diag_msg)`.
const DIAG_MSG_LEN: usize = 72;

/// A `SOCK_DIAG_BY_FAMILY` dump request for one family and protocol, asking for `tcp_info`.
pub(crate) fn dump_request(family: u8, protocol: u8, states: u32, seq: u32) -> Vec<u8> {
    let len: u32 = 16 + 56;
    let mut b = Vec::with_capacity(len as usize);
    b.extend_from_slice(&len.to_ne_bytes());
    b.extend_from_slice(&SOCK_DIAG_BY_FAMILY.to_ne_bytes());
    b.extend_from_slice(&(NLM_F_REQUEST | NLM_F_DUMP).to_ne_bytes());
    b.extend_from_slice(&seq.to_ne_bytes());
    b.extend_from_slice(&0u32.to_ne_bytes());
    // struct inet_diag_req_v2: family, protocol, ext (bit INET_DIAG_INFO-1), pad, states, id.
    b.extend_from_slice(&[family, protocol, 1 << (INET_DIAG_INFO - 1), 0]);
    b.extend_from_slice(&states.to_ne_bytes());
    b.resize(len as usize, 0);
    b
}

/// Whether a datagram ended the dump, and with which kernel error (a negative errno).
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Batch {
    pub done: bool,
    pub error: Option<i32>,
}

fn u16_ne(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_ne_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_ne(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_ne_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn u64_ne(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_ne_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// Parses one datagram of a sock_diag dump, appending the sockets it describes.
/// Truncated or foreign messages are skipped, never trusted.
pub(crate) fn parse_datagram(proto: Proto, mut buf: &[u8], out: &mut Vec<Sock>) -> Batch {
    let mut batch = Batch::default();
    while buf.len() >= NLMSG_HDRLEN {
        let Some(len) = u32_ne(buf, 0).map(|l| l as usize) else {
            break;
        };
        if len < NLMSG_HDRLEN || len > buf.len() {
            break;
        }
        match u16_ne(buf, 4) {
            Some(NLMSG_DONE) => batch.done = true,
            Some(NLMSG_ERROR) => {
                batch.done = true;
                batch.error = u32_ne(buf, NLMSG_HDRLEN).map(|e| e as i32);
            }
            Some(SOCK_DIAG_BY_FAMILY) => {
                if let Some(sock) = parse_diag_msg(proto, &buf[NLMSG_HDRLEN..len]) {
                    out.push(sock);
                }
            }
            _ => {}
        }
        buf = &buf[align4(len).min(buf.len())..];
    }
    batch
}

fn align4(n: usize) -> usize {
    (n + 3) & !3
}

/// `struct inet_diag_msg` followed by its attributes.
fn parse_diag_msg(proto: Proto, m: &[u8]) -> Option<Sock> {
    if m.len() < DIAG_MSG_LEN {
        return None;
    }
    let family = m[0];
    let state = m[1];
    // Ports and addresses are in network byte order.
    let sport = u16::from_be_bytes([m[4], m[5]]);
    let dport = u16::from_be_bytes([m[6], m[7]]);
    let (src, dst) = match family {
        AF_INET => (
            IpAddr::V4(Ipv4Addr::new(m[8], m[9], m[10], m[11])),
            IpAddr::V4(Ipv4Addr::new(m[24], m[25], m[26], m[27])),
        ),
        AF_INET6 => (
            IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(&m[8..24]).ok()?)),
            IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(&m[24..40]).ok()?)),
        ),
        _ => return None,
    };
    let mut sock = Sock {
        proto,
        state,
        local: SocketAddr::new(src, sport),
        remote: SocketAddr::new(dst, dport),
        uid: u32_ne(m, 64)?,
        inode: u64::from(u32_ne(m, 68)?),
        rx_bytes: None,
        tx_bytes: None,
        rtt_us: None,
    };
    let mut attrs = &m[DIAG_MSG_LEN..];
    while attrs.len() >= 4 {
        let alen = usize::from(u16_ne(attrs, 0)?);
        if alen < 4 || alen > attrs.len() {
            break;
        }
        if u16_ne(attrs, 2)? == INET_DIAG_INFO && proto == Proto::Tcp {
            apply_tcp_info(&attrs[4..alen], &mut sock);
        }
        attrs = &attrs[align4(alen).min(attrs.len())..];
    }
    Some(sock)
}

/// Reads the fields of `struct tcp_info` we need; an older kernel's shorter struct leaves the
/// missing ones `None` instead of inventing zeros.
fn apply_tcp_info(info: &[u8], sock: &mut Sock) {
    sock.rtt_us = u32_ne(info, 68);
    sock.tx_bytes = u64_ne(info, 120);
    sock.rx_bytes = u64_ne(info, 128);
}

/// One netlink dump of one family and protocol, appended to `out`.
fn dump(family: u8, protocol: u8, states: u32, out: &mut Vec<Sock>) -> io::Result<()> {
    let proto = if protocol == IPPROTO_TCP {
        Proto::Tcp
    } else {
        Proto::Udp
    };
    let fd = rustix::net::socket(
        AddressFamily::NETLINK,
        SocketType::DGRAM,
        Some(netlink::SOCK_DIAG),
    )?;
    let req = dump_request(family, protocol, states, 1);
    rustix::net::send(&fd, &req, SendFlags::empty())?;
    // Large buffers mean fewer syscalls: with 10,000 sockets this loop is most of the cost.
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let (n, _) = rustix::net::recv(&fd, &mut buf[..], RecvFlags::empty())?;
        if n == 0 {
            return Ok(());
        }
        let batch = parse_datagram(proto, &buf[..n], out);
        if let Some(errno) = batch.error.filter(|e| *e != 0) {
            return Err(io::Error::from_raw_os_error(-errno));
        }
        if batch.done {
            return Ok(());
        }
    }
}

/// All TCP sockets established or listening, and all UDP sockets, from netlink.
pub(crate) fn from_netlink() -> io::Result<Vec<Sock>> {
    let tcp_states = (1u32 << TCP_ESTABLISHED) | (1u32 << TCP_LISTEN);
    let mut out = Vec::new();
    for family in [AF_INET, AF_INET6] {
        dump(family, IPPROTO_TCP, tcp_states, &mut out)?;
        dump(family, IPPROTO_UDP, u32::MAX, &mut out)?;
    }
    payload_only(&mut out);
    Ok(out)
}

/// `tcpi_bytes_acked` of a connection this machine opened counts the acknowledged SYN as one
/// byte; the accepting side's does not. Taking it off leaves payload bytes on both ends.
/// (An established socket has sent no FIN yet, so nothing else is counted.)
pub(crate) fn payload_only(socks: &mut [Sock]) {
    let listening: std::collections::HashSet<u16> = socks
        .iter()
        .filter(|s| s.proto == Proto::Tcp && s.state == TCP_LISTEN)
        .map(|s| s.local.port())
        .collect();
    for s in socks.iter_mut() {
        if s.proto == Proto::Tcp
            && s.state == TCP_ESTABLISHED
            && !listening.contains(&s.local.port())
        {
            s.tx_bytes = s.tx_bytes.map(|n| n.saturating_sub(1));
        }
    }
}

/// The same table from /proc/net/{tcp,tcp6,udp,udp6}: no byte counters, no RTT.
pub(crate) fn from_proc(proc_root: &Path) -> io::Result<Vec<Sock>> {
    let mut out = Vec::new();
    let mut any = false;
    for (file, proto) in [
        ("tcp", Proto::Tcp),
        ("tcp6", Proto::Tcp),
        ("udp", Proto::Udp),
        ("udp6", Proto::Udp),
    ] {
        // A kernel without IPv6 has no tcp6: that is not an error.
        let Ok(text) = std::fs::read_to_string(proc_root.join("net").join(file)) else {
            continue;
        };
        any = true;
        out.extend(parse_proc_net(proto, &text).filter(|s| {
            proto == Proto::Udp || s.state == TCP_ESTABLISHED || s.state == TCP_LISTEN
        }));
    }
    if any {
        Ok(out)
    } else {
        Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("no socket table under {}", proc_root.join("net").display()),
        ))
    }
}

/// Parses the text of /proc/net/tcp, tcp6, udp or udp6; lines that do not parse are skipped.
pub(crate) fn parse_proc_net(proto: Proto, text: &str) -> impl Iterator<Item = Sock> + '_ {
    text.lines().skip(1).filter_map(move |line| {
        let mut f = line.split_whitespace();
        let _slot = f.next()?;
        let local = parse_hex_addr(f.next()?)?;
        let remote = parse_hex_addr(f.next()?)?;
        // The kernel writes both ends in one family; a line mixing them is not a socket.
        if local.is_ipv4() != remote.is_ipv4() {
            return None;
        }
        let state = u8::from_str_radix(f.next()?, 16).ok()?;
        let _queues = f.next()?;
        let _timer = f.next()?;
        let _retrans = f.next()?;
        let uid = f.next()?.parse().ok()?;
        let _timeout = f.next()?;
        let inode = f.next()?.parse().ok()?;
        Some(Sock {
            proto,
            state,
            local,
            remote,
            inode,
            uid,
            rx_bytes: None,
            tx_bytes: None,
            rtt_us: None,
        })
    })
}

/// `0100007F:0050` (IPv4) or 32 hex digits `:PORT` (IPv6): each 32-bit word in host byte order.
fn parse_hex_addr(s: &str) -> Option<SocketAddr> {
    let (addr, port) = s.split_once(':')?;
    let port = u16::from_str_radix(port, 16).ok()?;
    let word = |i: usize| -> Option<[u8; 4]> {
        let w = u32::from_str_radix(addr.get(i * 8..i * 8 + 8)?, 16).ok()?;
        Some(w.to_ne_bytes())
    };
    let ip = match addr.len() {
        8 => IpAddr::V4(Ipv4Addr::from(word(0)?)),
        32 => {
            let mut b = [0u8; 16];
            for i in 0..4 {
                b[i * 4..i * 4 + 4].copy_from_slice(&word(i)?);
            }
            IpAddr::V6(Ipv6Addr::from(b))
        }
        _ => return None,
    };
    Some(SocketAddr::new(ip, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROC_TCP: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:078F 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 31337 1 0000000000000000 100 0 0 10 0
   1: 0100007F:078F 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000  1000        0 31338 1 0000000000000000 20 4 30 10 -1
   2: garbage line
";

    #[test]
    fn proc_net_tcp_lines_become_sockets() {
        let socks: Vec<Sock> = parse_proc_net(Proto::Tcp, PROC_TCP).collect();
        assert_eq!(socks.len(), 2);
        assert_eq!(socks[0].local, "127.0.0.1:1935".parse().unwrap());
        assert_eq!(socks[0].state, TCP_LISTEN);
        assert!(socks[0].is_listener());
        assert_eq!(socks[1].remote, "127.0.0.1:54000".parse().unwrap());
        assert_eq!(socks[1].uid, 1000);
        assert_eq!(socks[1].inode, 31338);
        assert_eq!(socks[1].rx_bytes, None);
    }

    #[test]
    fn proc_net_tcp6_addresses() {
        let text = "header\n   0: 00000000000000000000000001000000:1F90 00000000000000000000000001000000:C350 01 0:0 0:0 0 0 0 42 1\n";
        let s: Vec<Sock> = parse_proc_net(Proto::Tcp, text).collect();
        assert_eq!(s[0].local, "[::1]:8080".parse().unwrap());
        assert_eq!(s[0].remote, "[::1]:50000".parse().unwrap());
        assert_eq!(s[0].inode, 42);
    }

    fn nlmsg(kind: u16, payload: &[u8]) -> Vec<u8> {
        let len = (NLMSG_HDRLEN + payload.len()) as u32;
        let mut b = Vec::new();
        b.extend_from_slice(&len.to_ne_bytes());
        b.extend_from_slice(&kind.to_ne_bytes());
        b.extend_from_slice(&[0; 10]);
        b.extend_from_slice(payload);
        b.resize(align4(b.len()), 0);
        b
    }

    fn diag_v4(sport: u16, dport: u16, inode: u32, info: Option<&[u8]>) -> Vec<u8> {
        let mut m = vec![0u8; DIAG_MSG_LEN];
        m[0] = AF_INET;
        m[1] = TCP_ESTABLISHED;
        m[4..6].copy_from_slice(&sport.to_be_bytes());
        m[6..8].copy_from_slice(&dport.to_be_bytes());
        m[8..12].copy_from_slice(&[127, 0, 0, 1]);
        m[24..28].copy_from_slice(&[10, 1, 2, 3]);
        m[64..68].copy_from_slice(&1000u32.to_ne_bytes());
        m[68..72].copy_from_slice(&inode.to_ne_bytes());
        if let Some(info) = info {
            m.extend_from_slice(&((4 + info.len()) as u16).to_ne_bytes());
            m.extend_from_slice(&INET_DIAG_INFO.to_ne_bytes());
            m.extend_from_slice(info);
        }
        m
    }

    #[test]
    fn netlink_messages_with_tcp_info() {
        let mut info = vec![0u8; 232];
        info[68..72].copy_from_slice(&250u32.to_ne_bytes());
        info[120..128].copy_from_slice(&1_000_000u64.to_ne_bytes());
        info[128..136].copy_from_slice(&4096u64.to_ne_bytes());
        let mut dgram = nlmsg(SOCK_DIAG_BY_FAMILY, &diag_v4(1935, 50000, 7, Some(&info)));
        // A kernel older than 4.2 sends a shorter tcp_info: no byte counters, RTT still there.
        dgram.extend(nlmsg(
            SOCK_DIAG_BY_FAMILY,
            &diag_v4(1935, 50001, 8, Some(&info[..104])),
        ));
        dgram.extend(nlmsg(SOCK_DIAG_BY_FAMILY, &[1, 2, 3]));
        dgram.extend(nlmsg(NLMSG_DONE, &[0; 4]));
        let mut out = Vec::new();
        let batch = parse_datagram(Proto::Tcp, &dgram, &mut out);
        assert!(batch.done);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].local, "127.0.0.1:1935".parse().unwrap());
        assert_eq!(out[0].remote, "10.1.2.3:50000".parse().unwrap());
        assert_eq!(
            (out[0].tx_bytes, out[0].rx_bytes, out[0].rtt_us),
            (Some(1_000_000), Some(4096), Some(250))
        );
        assert_eq!((out[1].tx_bytes, out[1].rtt_us), (None, Some(250)));
    }

    #[test]
    fn truncated_datagrams_are_not_trusted() {
        let dgram = nlmsg(SOCK_DIAG_BY_FAMILY, &diag_v4(1, 2, 3, None));
        let mut out = Vec::new();
        for cut in 0..dgram.len() {
            out.clear();
            let _ = parse_datagram(Proto::Tcp, &dgram[..cut], &mut out);
            assert!(out.is_empty(), "cut at {cut}");
        }
        let mut err = nlmsg(NLMSG_ERROR, &(-13i32).to_ne_bytes());
        err.truncate(NLMSG_HDRLEN + 4);
        let batch = parse_datagram(Proto::Tcp, &err, &mut out);
        assert_eq!(batch.error, Some(-13));
    }

    #[test]
    fn fuzz_regression_a_line_mixing_families_is_skipped() {
        let text = "header\n   0: 00000000000000000000000001000002:8F 0100007F:D2F0 01 00000000:00000: 0 1 0 4000002 1\n";
        assert_eq!(parse_proc_net(Proto::Udp, text).count(), 0);
    }

    #[test]
    fn the_request_matches_the_kernel_layout() {
        let r = dump_request(AF_INET6, IPPROTO_TCP, 0x402, 9);
        assert_eq!(r.len(), 72);
        assert_eq!(u32_ne(&r, 0), Some(72));
        assert_eq!(u16_ne(&r, 4), Some(SOCK_DIAG_BY_FAMILY));
        assert_eq!(&r[16..20], &[AF_INET6, IPPROTO_TCP, 2, 0]);
        assert_eq!(u32_ne(&r, 20), Some(0x402));
    }
}
