//! SRS's `/api/v1/clients/` JSON as it comes off the wire (private), and its conversion into the
//! model. Every reply carries `code`: non-zero is a refusal even with HTTP 200.

use std::time::SystemTime;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::model::{Collector, Role, Session, Text};
use crate::source::decode::{self, DecodeError};
use crate::source::{clock, secrets};

/// SRS averages `kbps` over 30 s windows it recomputes every 3 s, and shows 0 until the first
/// one (seen up to about 36 s of age on 7.0.18): a 0 before then is no measurement.
const KBPS_WINDOW_S: f64 = 36.0;

/// The envelope of every reply.
#[derive(Deserialize)]
struct Envelope {
    code: i64,
    #[serde(default)]
    clients: Option<Vec<WireClient>>,
}

#[derive(Deserialize)]
struct WireClient {
    id: String,
    #[serde(default)]
    vhost: String,
    #[serde(default)]
    stream: String,
    #[serde(default)]
    ip: String,
    #[serde(default, rename = "pageUrl")]
    page_url: String,
    #[serde(default, rename = "swfUrl")]
    swf_url: String,
    #[serde(default, rename = "tcUrl")]
    tc_url: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    name: String,
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    publish: bool,
    #[serde(default)]
    alive: Option<f64>,
    send_bytes: u64,
    recv_bytes: u64,
    #[serde(default)]
    kbps: Option<Kbps>,
}

#[derive(Deserialize)]
struct Kbps {
    #[serde(default)]
    recv_30s: Option<f64>,
    #[serde(default)]
    send_30s: Option<f64>,
}

/// One page of clients, and how many the server put on it (before any were left out).
pub(crate) struct Page {
    pub sessions: Vec<Session>,
    pub listed: usize,
    /// Clients of a type we cannot place (`Unknown`), left out.
    pub unplaced: Vec<String>,
}

/// A reply with a non-zero `code`: SRS refused (2049: no such client).
#[derive(Debug, PartialEq)]
pub(crate) struct Refused(pub i64);

/// The protocol of an SRS client type (`srs_client_type_string`).
fn collector_of(kind: &str) -> Option<Collector> {
    match kind {
        "rtmp-play" | "flash-publish" | "fmle-publish" | "haivision-publish" => {
            Some(Collector::Rtmp)
        }
        "flv-play" => Some(Collector::Http),
        "hls-play" => Some(Collector::Hls),
        "rtc-play" | "rtc-publish" => Some(Collector::Webrtc),
        "srt-play" | "srt-publish" => Some(Collector::Srt),
        _ => None,
    }
}

/// `code` of any reply (a kick's, a refusal's).
pub(crate) fn parse_code(body: &[u8]) -> Result<i64, DecodeError> {
    decode::json::<Envelope>(body).map(|e| e.code)
}

/// Parses one `GET /api/v1/clients/?start=&count=` page, stamping times against `now`.
pub(crate) fn parse_page(
    body: &[u8],
    now: SystemTime,
) -> Result<Result<Page, Refused>, DecodeError> {
    let envelope: Envelope = decode::json(body)?;
    if envelope.code != 0 {
        return Ok(Err(Refused(envelope.code)));
    }
    let clients = envelope
        .clients
        .ok_or_else(|| DecodeError::Shape("no `clients` list".into()))?;
    let listed = clients.len();
    let mut sessions = Vec::with_capacity(listed);
    let mut unplaced = Vec::new();
    for c in clients {
        match collector_of(&c.kind) {
            Some(collector) => sessions.push(c.into_model(collector, now)),
            None => unplaced.push(c.kind),
        }
    }
    Ok(Ok(Page {
        sessions,
        listed,
        unplaced,
    }))
}

impl WireClient {
    fn into_model(self, collector: Collector, now: SystemTime) -> Session {
        let alive = self.alive.filter(|a| a.is_finite() && *a >= 0.0);
        // A full window has passed, or SRS has computed one (both figures are made at once, so
        // one above 0 makes the other's 0 a measurement too).
        let computed = self.kbps.as_ref().is_some_and(|k| {
            [k.recv_30s, k.send_30s]
                .into_iter()
                .any(|r| r.is_some_and(|r| r > 0.0))
        });
        let measured = computed || alive.is_some_and(|a| a >= KBPS_WINDOW_S);
        let kbps = self.kbps.filter(|_| measured);
        let bit_s = |k: Option<f64>| k.filter(|k| k.is_finite() && *k >= 0.0).map(|k| k * 1000.0);
        let mut extra = Map::new();
        extra.insert("type".into(), Value::String(self.kind));
        extra.insert("publish".into(), Value::Bool(self.publish));
        for (key, value) in [
            ("name", self.name),
            ("tcUrl", secrets::url(&self.tc_url)),
            ("vhost", self.vhost),
            ("stream", self.stream),
            ("pageUrl", secrets::url(&self.page_url)),
            ("swfUrl", secrets::url(&self.swf_url)),
        ] {
            if !value.is_empty() {
                extra.insert(key.into(), Value::String(value));
            }
        }
        Session {
            collector,
            id: self.id.into(),
            reference: self.url.trim_start_matches('/').into(),
            local: Text::default(),
            remote: self.ip.into(),
            role: Some(Role::publishing(self.publish)),
            created_at: alive.and_then(|a| clock::started(now, a)),
            age_s: alive.map(|a| a as u64),
            rx_bytes: Some(self.recv_bytes),
            tx_bytes: Some(self.send_bytes),
            rx_bit_s: bit_s(kbps.as_ref().and_then(|k| k.recv_30s)),
            tx_bit_s: bit_s(kbps.as_ref().and_then(|k| k.send_30s)),
            extra: Value::Object(extra),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Timestamp;
    use std::time::Duration;

    /// A captured reply under tests/fixtures.
    fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn page(name: &str, now: SystemTime) -> Page {
        parse_page(&fixture(&format!("srs/{name}")), now)
            .unwrap()
            .unwrap()
    }

    #[test]
    fn clients_become_sessions_with_the_servers_bytes() {
        let p = page("api-v1-clients-count100.json", at(1_796_043_450));
        assert_eq!((p.listed, p.sessions.len()), (12, 12));
        assert!(p.unplaced.is_empty());
        let publisher = p.sessions.iter().find(|s| s.id == "649z477k").unwrap();
        assert_eq!(publisher.collector, Collector::Rtmp);
        assert_eq!(publisher.reference, "live/cam1");
        assert_eq!(publisher.remote, "127.0.0.1");
        assert_eq!(
            (publisher.rx_bytes, publisher.tx_bytes),
            (Some(408041), Some(4384))
        );
        // alive 10.89 s: created 10.89 s before now, rounded to the second.
        assert_eq!(publisher.created_at, Some(Timestamp(1_796_043_439)));
        assert_eq!(publisher.age_s, Some(10));
        // Younger than SRS's 30 s window: its `kbps` of 0 is no measurement.
        assert_eq!((publisher.rx_bit_s, publisher.tx_bit_s), (None, None));
        assert_eq!(publisher.extra["type"], "fmle-publish");
        assert_eq!(publisher.extra["publish"], true);
        assert_eq!(publisher.role, Some(Role::Publisher));
        let flv = p.sessions.iter().find(|s| s.id == "a352nc8l").unwrap();
        assert_eq!(flv.collector, Collector::Http);
        assert_eq!(flv.role, Some(Role::Player));
        assert_eq!(flv.extra["name"], "cam1.flv");
        assert_eq!(flv.extra.get("pageUrl"), None, "empty strings are left out");
    }

    #[test]
    fn rates_come_from_kbps_once_the_window_is_full() {
        let p = page("api-v1-clients-count100-after35s.json", at(1_796_043_485));
        let publisher = p.sessions.iter().find(|s| s.id == "649z477k").unwrap();
        assert_eq!(publisher.rx_bit_s, Some(375_000.0));
        assert_eq!(publisher.tx_bit_s, Some(0.0));
        let player = p.sessions.iter().find(|s| s.id == "064sd658").unwrap();
        assert_eq!(
            (player.rx_bit_s, player.tx_bit_s),
            (Some(0.0), Some(376_000.0))
        );
        assert_eq!(player.age_s, Some(35));
    }

    #[test]
    fn the_default_page_holds_ten() {
        let p = page("api-v1-clients-default.json", at(1_796_043_450));
        assert_eq!(p.listed, 10);
    }

    #[test]
    fn codes_refusals_and_bad_bodies() {
        assert_eq!(parse_code(&fixture("srs/api-v1-client-delete.json")), Ok(0));
        assert!(matches!(
            parse_page(br#"{"code":2049}"#, at(0)),
            Ok(Err(Refused(2049)))
        ));
        assert!(matches!(
            parse_page(br#"{"code":0}"#, at(0)),
            Err(DecodeError::Shape(_))
        ));
        assert!(matches!(
            parse_page(br#"{"code":0,"clients":{}}"#, at(0)),
            Err(DecodeError::Shape(_))
        ));
        assert!(matches!(
            parse_page(br#"{"code":0,"clients":[{"id":"x"}]}"#, at(0)),
            Err(DecodeError::Shape(_))
        ));
        let whole = fixture("srs/api-v1-clients-default.json");
        assert_eq!(
            parse_page(&whole[..whole.len() / 2], at(0)).err(),
            Some(DecodeError::Truncated("JSON"))
        );
        assert!(matches!(
            parse_page(b"<html>502</html>", at(0)),
            Err(DecodeError::Syntax("JSON", _))
        ));
    }

    #[test]
    fn unknown_types_are_left_out_and_counted() {
        let body = br#"{"code":0,"clients":[{"id":"a","type":"Unknown","send_bytes":1,"recv_bytes":2},{"id":"b","type":"srt-publish","send_bytes":1,"recv_bytes":2,"url":"/live/x"}]}"#;
        let p = parse_page(body, at(100)).unwrap().unwrap();
        assert_eq!((p.listed, p.sessions.len()), (2, 1));
        assert_eq!(p.unplaced, ["Unknown"]);
        assert_eq!(p.sessions[0].collector, Collector::Srt);
        assert_eq!(p.sessions[0].created_at, None, "no `alive`, no start time");
    }
}
