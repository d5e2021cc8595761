//! Icecast's admin XML (private reading of it) into the model: mounts from `listmounts`,
//! listeners from `listclients`, kick answers, and the limits and traffic in `stats`. Tag names are read in
//! any case and the listener id also as an attribute, as Icecast 2.5 writes them.

use std::time::{Duration, SystemTime};

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
    pub mounts: Vec<MountStats>,
}

/// One mount's traffic on the stats page, each way: from its source (rx) and to its listeners
/// (tx).
#[derive(Debug, PartialEq)]
pub(crate) struct MountStats {
    pub mount: String,
    /// `incoming_bitrate` and `outgoing_bitrate`, bit/s over Icecast's last 5 s: 2.5 writes
    /// them, 2.4 does not.
    pub bit_s: (Option<f64>, Option<f64>),
    /// `total_bytes_read` and `total_bytes_sent` since the source connected (2.4 refreshes
    /// them every 5 s).
    pub bytes: (Option<u64>, Option<u64>),
}

pub(crate) fn parse_stats(body: &[u8]) -> Result<Stats, DecodeError> {
    let doc = xml::parse(body)?;
    let root = xml::root(&doc, "icestats")?;
    let rate = |source, name| -> Result<Option<f64>, DecodeError> {
        let rate: Option<f64> = xml::number(source, name)?;
        Ok(rate.filter(|r| r.is_finite() && *r >= 0.0))
    };
    let mounts = xml::children(root, "source")
        .map(|source| {
            Ok(MountStats {
                mount: source.attribute("mount").unwrap_or("").to_owned(),
                bit_s: (
                    rate(source, "incoming_bitrate")?,
                    rate(source, "outgoing_bitrate")?,
                ),
                bytes: (
                    xml::number(source, "total_bytes_read")?,
                    xml::number(source, "total_bytes_sent")?,
                ),
            })
        })
        .collect::<Result<_, DecodeError>>()?;
    Ok(Stats {
        limit: limit(root),
        mounts,
    })
}

impl Stats {
    /// Whether every mount writes both its rates, so that a second look would add nothing.
    pub(crate) fn has_rates(&self) -> bool {
        self.mounts
            .iter()
            .all(|m| m.bit_s.0.is_some() && m.bit_s.1.is_some())
    }

    /// (rx, tx) in bit/s of all mounts together: each mount's own rate where Icecast writes
    /// one, else its bytes moved since the `earlier` look, `elapsed` before; unknown when a
    /// mount has neither.
    pub(crate) fn rates(&self, earlier: Option<(&Stats, Duration)>) -> (Option<f64>, Option<f64>) {
        (
            self.rate(earlier, |m| (m.bit_s.0, m.bytes.0)),
            self.rate(earlier, |m| (m.bit_s.1, m.bytes.1)),
        )
    }

    fn rate(
        &self,
        earlier: Option<(&Stats, Duration)>,
        way: fn(&MountStats) -> (Option<f64>, Option<u64>),
    ) -> Option<f64> {
        let mut sum = 0.0;
        for mount in &self.mounts {
            let (own, now) = way(mount);
            let measured = || {
                let (then, elapsed) = earlier.filter(|(_, e)| !e.is_zero())?;
                let now = now?;
                let before = match then.mounts.iter().find(|m| m.mount == mount.mount) {
                    Some(m) => way(m).1?,
                    // New since the first look: all its bytes were moved within the window.
                    None => 0,
                };
                // Totals that went back: the source reconnected within the window and counts
                // again from 0.
                let moved = now.checked_sub(before).unwrap_or(now);
                Some(moved as f64 * 8.0 / elapsed.as_secs_f64())
            };
            sum += own.or_else(measured)?;
        }
        Some(sum)
    }
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
        // 2.4.4 writes no rates, only byte totals: unknown from one look, not 0.
        let stats = parse_stats(&stats).unwrap();
        assert_eq!(
            stats,
            Stats {
                limit: Limit::Unlimited,
                mounts: vec![MountStats {
                    mount: "/radio.mp3".into(),
                    bit_s: (None, None),
                    bytes: (Some(74_023), Some(146_130)),
                }],
            }
        );
        assert_eq!(stats.rates(None), (None, None));
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
        assert!(stats.has_rates());
        assert_eq!(stats.rates(None), (Some(96_000.0), Some(128_000.0)));
        let one_silent = b"<icestats><source mount=\"/a\"><incoming_bitrate>1</incoming_bitrate>\
            </source><source mount=\"/b\"/></icestats>";
        let one_silent = parse_stats(one_silent).unwrap();
        assert!(!one_silent.has_rates());
        assert_eq!(one_silent.rates(None).0, None);
        assert!(matches!(
            parse_stats(b"<icestats><source mount=\"/a\"><incoming_bitrate>x</incoming_bitrate></source></icestats>"),
            Err(DecodeError::Shape(_))
        ));
    }

    /// A stats page of mounts, each `(mount, incoming_bitrate, total_bytes_read,
    /// total_bytes_sent)`.
    fn stats(mounts: &[(&str, Option<u32>, u64, u64)]) -> Stats {
        let sources: String = mounts
            .iter()
            .map(|(mount, rate, read, sent)| {
                let rate = rate.map_or(String::new(), |r| {
                    format!("<incoming_bitrate>{r}</incoming_bitrate>")
                });
                format!(
                    "<source mount=\"{mount}\">{rate}<total_bytes_read>{read}</total_bytes_read>\
                     <total_bytes_sent>{sent}</total_bytes_sent></source>"
                )
            })
            .collect();
        parse_stats(format!("<icestats>{sources}</icestats>").as_bytes()).unwrap()
    }

    #[test]
    fn two_looks_give_the_bytes_moved_between_them_as_rates() {
        let then = stats(&[("/a", None, 10_000, 50_000), ("/b", None, 1_000, 0)]);
        // /a moved 80,000 bytes in and 160,000 out; /b's source reconnected (counts from 0
        // again); /c came within the window; 5 s apart.
        let now = stats(&[
            ("/a", None, 90_000, 210_000),
            ("/b", None, 500, 0),
            ("/c", None, 2_000, 4_000),
        ]);
        let five = Duration::from_secs(5);
        assert_eq!(
            now.rates(Some((&then, five))),
            (
                Some((80_000.0 + 500.0 + 2_000.0) * 8.0 / 5.0),
                Some((160_000.0 + 4_000.0) * 8.0 / 5.0)
            )
        );
        assert_eq!(
            now.rates(Some((&then, Duration::from_millis(2_500)))).0,
            Some(264_000.0)
        );
        // A mount's own rate wins over its bytes; a window of nothing measures nothing.
        let own = stats(&[("/a", Some(64_000), 90_000, 210_000)]);
        assert_eq!(
            own.rates(Some((&then, five))),
            (Some(64_000.0), Some(256_000.0))
        );
        assert_eq!(
            own.rates(Some((&then, Duration::ZERO))),
            (Some(64_000.0), None)
        );
        assert_eq!(now.rates(None), (None, None));
        // A mount that counted no bytes on the first look cannot tell what it moved since.
        let silent = parse_stats(b"<icestats><source mount=\"/a\"/></icestats>").unwrap();
        assert_eq!(now.rates(Some((&silent, five))).0, None);
        assert_eq!(
            stats(&[]).rates(None),
            (Some(0.0), Some(0.0)),
            "no mount moves nothing"
        );
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
