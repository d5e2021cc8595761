//! Icecast's admin XML (private reading of it) into the model: mounts from `listmounts`,
//! listeners from `listclients`, kick answers, and the limits in `stats`. Tag names are read in
//! any case and the listener id also as an attribute, as Icecast 2.5 writes them.

use std::time::SystemTime;

use serde_json::{Map, Value};

use crate::model::{Collector, Limit, Role, Session, Text};
use crate::source::decode::DecodeError;
use crate::source::xml;
use crate::source::{clock, secrets};

/// The mounts of `GET /admin/listmounts`.
pub(crate) fn parse_mounts(body: &[u8]) -> Result<Vec<String>, DecodeError> {
    let doc = xml::parse(body)?;
    let root = xml::root(&doc, "icestats")?;
    xml::children(root, "source")
        .map(|s| {
            s.attribute("mount")
                .map(str::to_owned)
                .ok_or_else(|| DecodeError::Shape("a <source> without a mount".into()))
        })
        .collect()
}

/// The listeners of `GET /admin/listclients?mount=…`: no bytes or rates per listener in any
/// version, so those stay unknown. Each listener's row copies its mount: `afford` is asked for
/// those copies before any is made.
pub(crate) fn parse_listeners(
    body: &[u8],
    now: SystemTime,
    afford: &dyn Fn(u64) -> Result<(), DecodeError>,
) -> Result<Vec<Session>, DecodeError> {
    let doc = xml::parse(body)?;
    let root = xml::root(&doc, "icestats")?;
    let copied = xml::children(root, "source")
        .map(|source| {
            let mount = source.attribute("mount").unwrap_or("");
            (mount.len() as u64).saturating_mul(xml::children(source, "listener").count() as u64)
        })
        .fold(0u64, u64::saturating_add);
    afford(copied)?;
    let mut out = Vec::new();
    for source in xml::children(root, "source") {
        let mount = source.attribute("mount").unwrap_or("");
        for listener in xml::children(source, "listener") {
            let id = xml::text(listener, "id")
                .or_else(|| listener.attribute("id"))
                .filter(|id| !id.is_empty())
                .ok_or_else(|| DecodeError::Shape("a <listener> without an id".into()))?;
            let connected: Option<f64> = xml::number(listener, "connected")?;
            let mut extra = Map::new();
            if let Some(v) = xml::text(listener, "useragent").filter(|v| !v.is_empty()) {
                extra.insert("userAgent".into(), Value::from(v));
            }
            if let Some(v) = xml::text(listener, "referer").filter(|v| !v.is_empty()) {
                extra.insert("referer".into(), Value::from(secrets::url(v)));
            }
            out.push(Session {
                collector: Collector::Http,
                id: id.into(),
                reference: mount.into(),
                local: Text::default(),
                remote: xml::text(listener, "ip").unwrap_or("").into(),
                // `listclients` lists a mount's listeners; its source is not among them.
                role: Some(Role::Player),
                created_at: connected.and_then(|s| clock::started(now, s)),
                age_s: connected.filter(|s| *s >= 0.0).map(|s| s as u64),
                rx_bytes: None,
                tx_bytes: None,
                rx_bit_s: None,
                tx_bit_s: None,
                extra: Value::Object(extra),
            });
        }
    }
    Ok(out)
}

/// `killclient`'s `<iceresponse>`: whether it did it, and what it said.
pub(crate) fn parse_response(body: &[u8]) -> Result<(bool, String), DecodeError> {
    let doc = xml::parse(body)?;
    let root = xml::root(&doc, "iceresponse")?;
    let done = xml::number::<i64>(root, "return")?
        .ok_or_else(|| DecodeError::Shape("an <iceresponse> without <return>".into()))?;
    let message = xml::text(root, "message").unwrap_or("").to_owned();
    Ok((done == 1, message))
}

/// What `GET /admin/stats` says of all mounts together.
#[derive(Debug, PartialEq)]
pub(crate) struct Stats {
    /// The sum of their `max_listeners`, `Unlimited` when one mount has none, and `Unknown`
    /// when a mount does not say or there is no mount (Icecast's own limit on all clients is
    /// not in its stats).
    pub limit: Limit<u64>,
    /// The sum of the mounts' `incoming_bitrate` (from the sources) and `outgoing_bitrate` (to
    /// the listeners), bit/s over Icecast's last 5 s; unknown when a mount does not say (2.4
    /// writes neither, only its byte totals).
    pub rx_bit_s: Option<f64>,
    pub tx_bit_s: Option<f64>,
}

pub(crate) fn parse_stats(body: &[u8]) -> Result<Stats, DecodeError> {
    let doc = xml::parse(body)?;
    let root = xml::root(&doc, "icestats")?;
    let rate = |name: &str| -> Result<Option<f64>, DecodeError> {
        let mut sum = Some(0.0);
        for source in xml::children(root, "source") {
            let mount: Option<f64> = xml::number(source, name)?;
            sum = sum
                .zip(mount.filter(|r| r.is_finite() && *r >= 0.0))
                .map(|(a, b)| a + b);
        }
        Ok(sum)
    };
    Ok(Stats {
        limit: limit(root),
        rx_bit_s: rate("incoming_bitrate")?,
        tx_bit_s: rate("outgoing_bitrate")?,
    })
}

fn limit(root: roxmltree::Node<'_, '_>) -> Limit<u64> {
    let mut total: Limit<u64> = Limit::Unknown;
    for source in xml::children(root, "source") {
        let mount = match xml::text(source, "max_listeners") {
            Some("unlimited") => Limit::Unlimited,
            Some(text) => text.parse::<u64>().map_or(Limit::Unknown, Limit::Max),
            None => Limit::Unknown,
        };
        total = match (total, mount) {
            (_, Limit::Unknown) => return Limit::Unknown,
            (Limit::Unlimited, _) | (_, Limit::Unlimited) => Limit::Unlimited,
            (Limit::Max(sum), Limit::Max(n)) => Limit::Max(sum.saturating_add(n)),
            (Limit::Unknown, Limit::Max(n)) => Limit::Max(n),
        };
    }
    total
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

    const NOW: u64 = 1_796_040_000;

    fn now() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(NOW)
    }

    #[test]
    fn mounts_and_their_listeners_without_made_up_bytes() {
        let mounts = parse_mounts(&fixture("icecast/admin-listmounts-with-listeners.xml"));
        assert_eq!(mounts, Ok(vec!["/radio.mp3".to_owned()]));
        let listeners =
            parse_listeners(
                &fixture("icecast/admin-listclients.xml"),
                now(),
                &|_| Ok(()),
            )
            .unwrap();
        let ids: Vec<&str> = listeners.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["2", "3"]);
        let vlc = &listeners[0];
        assert_eq!(vlc.collector, Collector::Http);
        assert_eq!(vlc.role, Some(Role::Player));
        assert_eq!(vlc.reference, "/radio.mp3");
        assert_eq!(vlc.remote, "127.0.0.1");
        assert_eq!(vlc.created_at, Some(Timestamp(NOW as i64 - 6)));
        assert_eq!(vlc.age_s, Some(6));
        assert_eq!(
            (vlc.rx_bytes, vlc.tx_bytes, vlc.rx_bit_s, vlc.tx_bit_s),
            (None, None, None, None)
        );
        assert_eq!(vlc.extra["userAgent"], "VLC/3.0.18 LibVLC/3.0.18");
        let after = parse_listeners(
            &fixture("icecast/admin-listclients-after-kill.xml"),
            now(),
            &|_| Ok(()),
        );
        assert_eq!(after.unwrap().len(), 1);
    }

    #[test]
    fn icecast_2_5_writes_lower_case_tags_and_id_attributes() {
        let body = br#"<icestats><source mount="/live"><listeners>1</listeners><listener id="41"><ip>::1</ip><useragent>mpv</useragent><connected>3</connected><referer>http://x/</referer></listener></source></icestats>"#;
        let got = parse_listeners(body, now(), &|_| Ok(())).unwrap();
        assert_eq!((got[0].id.as_str(), got[0].remote.as_str()), ("41", "::1"));
        assert_eq!(got[0].extra["userAgent"], "mpv");
        assert_eq!(got[0].extra["referer"], "http://x/");
    }

    #[test]
    fn the_mount_each_listener_copies_is_asked_for_before_any_row() {
        let body = br#"<icestats><source mount="/radio"><listener id="1"/><listener id="2"/></source></icestats>"#;
        let asked = std::cell::Cell::new(0);
        let afford = |n| {
            asked.set(n);
            Ok(())
        };
        assert_eq!(parse_listeners(body, now(), &afford).unwrap().len(), 2);
        assert_eq!(asked.get(), 2 * "/radio".len() as u64);
        let over = DecodeError::Over(crate::source::budget::OverBudget { ceiling: 1 });
        assert_eq!(
            parse_listeners(body, now(), &|_| Err(over.clone())).err(),
            Some(over)
        );
    }

    #[test]
    fn kick_answers_and_limits() {
        assert_eq!(
            parse_response(&fixture("icecast/admin-killclient.xml")),
            Ok((true, "Client 2 removed".into()))
        );
        assert_eq!(
            parse_response(&fixture("icecast/admin-killclient-unknown.xml")),
            Ok((false, "Client 987654 not found".into()))
        );
        let stats = fixture("icecast/admin-stats.xml");
        // 2.4.4 writes no rates, only byte totals: unknown, not 0.
        assert_eq!(
            parse_stats(&stats),
            Ok(Stats {
                limit: Limit::Unlimited,
                rx_bit_s: None,
                tx_bit_s: None
            })
        );
        let mounts = |limits: &[&str]| {
            let sources: String = limits
                .iter()
                .map(|l| {
                    format!("<source mount=\"/m\"><max_listeners>{l}</max_listeners></source>")
                })
                .collect();
            parse_stats(format!("<icestats>{sources}</icestats>").as_bytes()).map(|s| s.limit)
        };
        assert_eq!(mounts(&["100", "5"]), Ok(Limit::Max(105)));
        assert_eq!(mounts(&["100", "unlimited"]), Ok(Limit::Unlimited));
        assert_eq!(mounts(&["unlimited", "lots"]), Ok(Limit::Unknown));
        assert_eq!(mounts(&[]), Ok(Limit::Unknown), "no mount, no telling");
    }

    #[test]
    fn the_mounts_rates_are_added_up() {
        let body = b"<icestats><source mount=\"/a\"><incoming_bitrate>64000</incoming_bitrate>\
            <outgoing_bitrate>128000</outgoing_bitrate></source><source mount=\"/b\">\
            <incoming_bitrate>32000</incoming_bitrate><outgoing_bitrate>0</outgoing_bitrate>\
            </source></icestats>";
        let stats = parse_stats(body).unwrap();
        assert_eq!(
            (stats.rx_bit_s, stats.tx_bit_s),
            (Some(96_000.0), Some(128_000.0))
        );
        let one_silent = b"<icestats><source mount=\"/a\"><incoming_bitrate>1</incoming_bitrate>\
            </source><source mount=\"/b\"/></icestats>";
        assert_eq!(parse_stats(one_silent).unwrap().rx_bit_s, None);
        assert!(matches!(
            parse_stats(b"<icestats><source mount=\"/a\"><incoming_bitrate>x</incoming_bitrate></source></icestats>"),
            Err(DecodeError::Shape(_))
        ));
    }

    #[test]
    fn bad_bodies_say_why() {
        let whole = fixture("icecast/admin-listclients.xml");
        assert_eq!(
            parse_listeners(&whole[..200], now(), &|_| Ok(())).err(),
            Some(DecodeError::Truncated("XML"))
        );
        let html = fixture("icecast/admin-listclients-no-such-mount.html");
        assert!(matches!(
            parse_listeners(&html, now(), &|_| Ok(())).err(),
            Some(DecodeError::Shape(_))
        ));
        assert!(matches!(
            parse_mounts(b"<icestats><source/></icestats>"),
            Err(DecodeError::Shape(_))
        ));
        let no_id =
            b"<icestats><source mount=\"/a\"><listener><IP>x</IP></listener></source></icestats>";
        assert!(matches!(
            parse_listeners(no_id, now(), &|_| Ok(())),
            Err(DecodeError::Shape(_))
        ));
        assert!(matches!(
            parse_response(b"<iceresponse/>"),
            Err(DecodeError::Shape(_))
        ));
    }
}
