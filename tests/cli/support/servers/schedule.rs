//! Stand-ins whose sessions come and go on a schedule, in datarhei Core's and SRS's shapes, with
//! an optional outage (503 while it lasts): the truth a history test holds `collect` to.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use crate::support::http::{Reply, Server};

/// One session of the schedule: listed from `from` until `to` (seconds after the start; `None`:
/// still open), with these fixed byte counts.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Planned {
    pub id: &'static str,
    pub from: f64,
    pub to: Option<f64>,
    pub rx: u64,
}

impl Planned {
    pub(crate) fn tx(&self) -> u64 {
        self.rx / 2
    }
}

#[derive(Clone, Copy)]
pub(crate) enum Shape {
    Core,
    Srs,
}

/// Seconds since the Unix epoch.
pub(crate) fn unix(t: SystemTime) -> f64 {
    t.duration_since(UNIX_EPOCH).unwrap().as_secs_f64()
}

/// Serves `plan` as `shape` lists it, counted from `start`; answers 503 during `outage`.
pub(crate) fn start(
    shape: Shape,
    plan: Vec<Planned>,
    start: SystemTime,
    outage: Option<(f64, f64)>,
) -> Server {
    Server::start(move |seen| {
        let now = SystemTime::now();
        let at = now
            .duration_since(start)
            .unwrap_or(Duration::ZERO)
            .as_secs_f64();
        if outage.is_some_and(|(a, b)| (a..b).contains(&at)) {
            return Reply::json(503, "{}");
        }
        let open = plan
            .iter()
            .filter(|p| p.from <= at && p.to.is_none_or(|to| at < to));
        match (shape, seen.path()) {
            (Shape::Core, "/api/v3/session/active") => {
                let list: Vec<Value> = open.map(|p| core(p, unix(start))).collect();
                Reply::json(200, json!({ "rtmp": list }).to_string())
            }
            (Shape::Srs, "/api/v1/clients/") => {
                let list: Vec<Value> = open.map(|p| srs(p, at)).collect();
                Reply::json(200, json!({"code": 0, "clients": list}).to_string())
            }
            _ => Reply::json(404, "{}"),
        }
    })
}

fn core(p: &Planned, start: f64) -> Value {
    json!({"id": p.id, "reference": "live", "created_at": (start + p.from) as u64,
        "local": "publish:/live/a", "remote": "10.0.0.5:1234", "extra": "",
        "bytes_rx": p.rx, "bytes_tx": p.tx(), "bandwidth_rx_kbit": 1.5, "bandwidth_tx_kbit": 0})
}

fn srs(p: &Planned, at: f64) -> Value {
    json!({"id": p.id, "vhost": "__defaultVhost__", "stream": "live", "ip": "10.0.0.6",
        "url": "/live/live", "type": "rtmp-play", "publish": false, "alive": at - p.from,
        "send_bytes": p.tx(), "recv_bytes": p.rx, "kbps": {"recv_30s": 8, "send_30s": 4}})
}
