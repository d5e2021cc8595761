//! Turns one look at the socket table and the process table into sessions: which sockets are
//! sessions, their classification, ffmpeg inputs and outputs, and the order they are listed in.

use foldhash::HashSet;
use serde_json::{Map, json};

use super::classify::{Classified, Direction, Listening, PortMap, classify, is_session, is_web};
use super::clients::ClientUrls;
use super::procs::ProcTable;
use super::rows::{Rates, Row, addr, ffmpeg_sessions, hls_sockets};
use super::sockets::{Proto, Sock};
use super::{Local, Sample};
use crate::diag;
use crate::model::{Collector, Session};
use crate::query::id_order;

impl Local {
    /// Sessions of the table `now`, with rates against `before` (none without it), in the
    /// default order (collector, then id as a number), so that sorting them again costs one pass.
    pub(super) fn sessions(
        &self,
        before: Option<&Sample>,
        now: &Sample,
        procs: &ProcTable,
    ) -> Vec<Session> {
        let rates = Rates::new(before, now);
        let listening = Listening::of(&now.socks);
        let map = &self.opts.port_map;
        let mut ff = ffmpeg_sessions(procs, now, &rates, self.opts.all);
        ff.sort_by(|a, b| id_order(&a.id, &b.id));
        let hls = hls_sockets(&ff);
        let media = media_processes(procs, &now.socks, map);
        let mut chosen: Vec<(Collector, u64, &Sock, Direction)> = Vec::new();
        for sock in &now.socks {
            let Some(mut class) = classify(sock, &listening, map) else {
                continue;
            };
            if is_web(class.collector)
                && let Some(c) = hls.get(&sock.inode)
            {
                class.collector = *c;
            }
            let media_owner = || {
                procs
                    .owner(sock.inode)
                    .is_some_and(|p| media.contains(&p.pid))
            };
            if self.opts.all || is_session(class, sock, &listening, media_owner) {
                chosen.push((class.collector, sock.inode, sock, class.direction));
            }
        }
        chosen.sort_unstable_by_key(|(c, inode, _, _)| (*c, *inode));
        let mut out = Vec::with_capacity(ff.len() + chosen.len());
        out.extend(ff);
        let mut unowned = 0usize;
        let mut clients = ClientUrls::new(procs);
        for (collector, _, sock, direction) in chosen {
            let class = Classified {
                collector,
                direction,
            };
            unowned += usize::from(procs.owner(sock.inode).is_none());
            let row = socket_row(sock, class, procs, &mut clients);
            out.push(row.with(Some(sock), &rates));
        }
        if unowned > 0 && procs.unreadable > 0 && !self.warned_unreadable.replace(true) {
            diag::warn(format_args!(
                "{unowned} session(s) without a process: {} processes of other users cannot be read (run as root to see them)",
                procs.unreadable
            ));
        }
        out
    }
}

/// The processes whose connections out to web ports are sessions: ffmpeg, and the servers
/// listening on a media port here (a relay of nginx-rtmp, MediaMTX or SRS pulling a source).
fn media_processes(procs: &ProcTable, socks: &[Sock], map: &PortMap) -> HashSet<u32> {
    let servers = socks.iter().filter(|s| {
        s.is_listener()
            && map
                .lookup(s.proto, s.local.port())
                .is_some_and(|c| !is_web(c))
    });
    procs
        .ffmpeg
        .iter()
        .map(|f| f.proc.pid)
        .chain(servers.filter_map(|s| procs.owner(s.inode).map(|p| p.pid)))
        .collect()
}

/// The row of one socket: its inode as id, its process as reference; a client's, the stream
/// its command line names for this peer, with the masked URL.
fn socket_row(
    sock: &Sock,
    class: Classified,
    procs: &ProcTable,
    clients: &mut ClientUrls<'_>,
) -> Row {
    let owner = procs.owner(sock.inode);
    let stream = owner
        .filter(|_| class.direction == Direction::Out)
        .and_then(|p| clients.stream(p.pid, sock.remote));
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
    let remote = if class.direction == Direction::Listen {
        extra.insert(
            "note".into(),
            "listener: SRT peers share this one UDP socket, so they are not listed one by one"
                .into(),
        );
        "*".to_owned()
    } else {
        addr(sock.remote)
    };
    let reference = match stream {
        Some((name, url)) => {
            extra.insert("url".into(), url.into());
            name
        }
        None => owner.map(|p| p.name.clone()).unwrap_or_default(),
    };
    Row {
        collector: class.collector,
        id: itoa::Buffer::new().format(sock.inode).to_owned(),
        reference,
        local: addr(sock.local),
        remote,
        extra,
    }
}
