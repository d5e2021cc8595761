//! MediaMTX's `/v3/<kind>/list` JSON as it comes off the wire (private), and its conversion into
//! the model. One shape serves every kind: the fields a kind lacks are absent.

use std::time::SystemTime;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::model::{Collector, Role, Session, Text};
use crate::source::decode::{self, DecodeError};
use crate::source::{clock, secrets};

/// SRT reports its rates in Mbit/s (10^6 bit/s).
const MEGA: f64 = 1e6;

/// The kinds of session MediaMTX lists, each one collector. `rtspconns` are the TCP connections
/// *of* RTSP sessions, not sessions of their own; MoQ has no collector name yet.
pub(crate) const KINDS: [(Collector, &str); 7] = [
    (Collector::Hls, "hlssessions"),
    (Collector::Rtmp, "rtmpconns"),
    (Collector::Rtmps, "rtmpsconns"),
    (Collector::Rtsp, "rtspsessions"),
    (Collector::Rtsps, "rtspssessions"),
    (Collector::Srt, "srtconns"),
    (Collector::Webrtc, "webrtcsessions"),
];

/// The kind of a collector's sessions.
pub(crate) fn kind(collector: Collector) -> Option<&'static str> {
    KINDS.iter().find(|(c, _)| *c == collector).map(|(_, k)| *k)
}

/// What a session does with its path: an HLS session only reads; the others say so in
/// `state` (`publish`, `read`, or `idle` before they have chosen).
fn role(collector: Collector, state: &str) -> Option<Role> {
    match (collector, state) {
        (Collector::Hls, _) | (_, "read") => Some(Role::Player),
        (_, "publish") => Some(Role::Publisher),
        _ => None,
    }
}

/// One page (`paginate.go`): the total before paging, the number of pages, and this page.
#[derive(Deserialize)]
struct WirePage {
    #[serde(rename = "pageCount")]
    page_count: u64,
    items: Vec<WireItem>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireItem {
    id: String,
    #[serde(default)]
    created: Option<String>,
    #[serde(default)]
    remote_addr: String,
    #[serde(default)]
    path: String,
    #[serde(default)]
    query: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    user: String,
    #[serde(default)]
    user_agent: String,
    #[serde(default)]
    transport: String,
    /// Since v1.17.0; `bytes_received`/`bytes_sent` before (and still, as aliases; SRT only).
    #[serde(default)]
    inbound_bytes: Option<u64>,
    #[serde(default)]
    outbound_bytes: Option<u64>,
    #[serde(default)]
    bytes_received: Option<u64>,
    #[serde(default)]
    bytes_sent: Option<u64>,
    #[serde(default)]
    mbps_receive_rate: Option<f64>,
    #[serde(default)]
    mbps_send_rate: Option<f64>,
    #[serde(default, rename = "msRTT")]
    ms_rtt: Option<f64>,
    #[serde(default)]
    packets_received_loss: Option<u64>,
    #[serde(default, rename = "inboundRTPPacketsLost")]
    inbound_rtp_packets_lost: Option<u64>,
}

/// One page of one kind, converted.
pub(crate) struct Page {
    pub sessions: Vec<Session>,
    pub page_count: u64,
}

/// Parses one `GET /v3/<kind>/list?page=&itemsPerPage=` reply, stamping ages against `now`.
pub(crate) fn parse_page(
    body: &[u8],
    collector: Collector,
    now: SystemTime,
) -> Result<Page, DecodeError> {
    let page: WirePage = decode::json(body)?;
    Ok(Page {
        page_count: page.page_count,
        sessions: page
            .items
            .into_iter()
            .map(|item| item.into_model(collector, now))
            .collect(),
    })
}

impl WireItem {
    fn into_model(self, collector: Collector, now: SystemTime) -> Session {
        let created_at = self.created.as_deref().and_then(clock::parse_rfc3339);
        let role = role(collector, &self.state);
        let mut extra = Map::new();
        for (key, value) in [
            ("state", self.state),
            ("user", self.user),
            ("userAgent", self.user_agent),
            ("transport", self.transport),
            // A publisher's or reader's credentials may be in it (`?user=u&pass=p`).
            ("query", secrets::query(&self.query)),
        ] {
            if !value.is_empty() {
                extra.insert(key.into(), Value::String(value));
            }
        }
        for (key, value) in [
            ("packetsReceivedLoss", self.packets_received_loss),
            ("inboundRTPPacketsLost", self.inbound_rtp_packets_lost),
        ] {
            if let Some(n) = value {
                extra.insert(key.into(), Value::from(n));
            }
        }
        if let Some(rtt) = self.ms_rtt {
            extra.insert("msRTT".into(), Value::from(rtt));
        }
        let mbps = |r: Option<f64>| r.filter(|r| r.is_finite() && *r >= 0.0).map(|r| r * MEGA);
        Session {
            collector,
            id: self.id.into(),
            reference: self.path.trim_start_matches('/').into(),
            local: Text::default(),
            remote: self.remote_addr.into(),
            role,
            created_at,
            age_s: created_at.and_then(|t| t.age_at(now)),
            rx_bytes: self.inbound_bytes.or(self.bytes_received),
            tx_bytes: self.outbound_bytes.or(self.bytes_sent),
            rx_bit_s: mbps(self.mbps_receive_rate),
            tx_bit_s: mbps(self.mbps_send_rate),
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

    fn parse(name: &str, collector: Collector) -> Page {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_040_600);
        parse_page(&fixture(&format!("mediamtx/{name}")), collector, now).unwrap()
    }

    #[test]
    fn rtmp_connections_with_current_and_old_byte_fields() {
        let p = parse(
            "v3-rtmpconns-list-itemsPerPage2-page0.json",
            Collector::Rtmp,
        );
        assert_eq!((p.page_count, p.sessions.len()), (2, 2));
        let reader = &p.sessions[1];
        assert_eq!(reader.id, "8a7d43b5-7863-4074-b797-0386fee29476");
        assert_eq!(reader.reference, "cam4");
        assert_eq!(reader.remote, "203.0.113.2:40001");
        assert_eq!(
            reader.created_at.unwrap().to_string(),
            "2026-11-30T12:03:10Z"
        );
        assert_eq!(reader.created_at, Some(Timestamp(1_796_040_190)));
        // `now` is 12:10:00 in these tests.
        assert_eq!(reader.age_s, Some(410));
        assert_eq!(
            (reader.rx_bytes, reader.tx_bytes),
            (Some(61703), Some(1006543827))
        );
        assert_eq!((reader.rx_bit_s, reader.tx_bit_s), (None, None));
        assert_eq!(reader.extra["state"], "read");
        assert_eq!(reader.role, Some(Role::Player));
        assert_eq!(p.sessions[0].extra["state"], "publish");
        assert_eq!(p.sessions[0].role, Some(Role::Publisher));
        // The reader's token is a secret: masked where the session is built.
        assert_eq!(reader.extra["query"], "token=***");
        let old = parse("v1.16-rtmpconns-list.json", Collector::Rtmp);
        assert_eq!(
            (old.sessions[0].rx_bytes, old.sessions[0].tx_bytes),
            (Some(4856128937), Some(79657))
        );
    }

    #[test]
    fn every_kind_maps_its_bytes() {
        let rtsp = &parse("v3-rtspsessions-list.json", Collector::Rtsp).sessions[0];
        assert_eq!(
            (rtsp.rx_bytes, rtsp.tx_bytes),
            (Some(8655989331), Some(8892))
        );
        assert_eq!(rtsp.extra["transport"], "TCP");
        assert_eq!(
            rtsp.extra["userAgent"],
            "LIVE555 Streaming Media v2013.01.25"
        );
        assert_eq!(rtsp.extra["inboundRTPPacketsLost"], 0);
        let srt = &parse("v3-srtconns-list.json", Collector::Srt).sessions[0];
        assert_eq!(
            (srt.rx_bytes, srt.tx_bytes),
            (Some(8252055966), Some(52268))
        );
        assert_eq!((srt.rx_bit_s, srt.tx_bit_s), (Some(0.0), Some(0.0)));
        assert_eq!(srt.extra["msRTT"], 0.25);
        let webrtc = &parse("v3-webrtcsessions-list.json", Collector::Webrtc).sessions[0];
        assert_eq!(
            (webrtc.rx_bytes, webrtc.tx_bytes),
            (Some(8013378464), Some(62464))
        );
        let hls = &parse("v3-hlssessions-list.json", Collector::Hls).sessions[0];
        assert_eq!((hls.rx_bytes, hls.tx_bytes), (None, Some(13273)));
        assert_eq!(hls.reference, "cam8");
        let empty = parse("v3-moqsessions-list-empty.json", Collector::Rtmp);
        assert_eq!((empty.page_count, empty.sessions.len()), (0, 0));
    }

    #[test]
    fn bad_bodies_say_why() {
        let whole = fixture("mediamtx/v3-rtspsessions-list.json");
        let now = SystemTime::UNIX_EPOCH;
        let parse = |b: &[u8]| parse_page(b, Collector::Rtsp, now).err();
        assert_eq!(
            parse(&whole[..whole.len() - 3]),
            Some(DecodeError::Truncated("JSON"))
        );
        assert!(matches!(
            parse(b"<html>"),
            Some(DecodeError::Syntax("JSON", _))
        ));
        // gin's 404 text starts like a number: JSON, but no page.
        assert!(matches!(
            parse(b"404 page not found"),
            Some(DecodeError::Shape(_))
        ));
        assert!(matches!(
            parse(br#"{"items":[]}"#),
            Some(DecodeError::Shape(_))
        ));
        assert!(matches!(
            parse(br#"{"pageCount":1,"items":[{"id":"x","inboundBytes":-1}]}"#),
            Some(DecodeError::Shape(_))
        ));
    }
}
