//! nginx-rtmp's `rtmp_stat all` XML (private reading of it) into the model: one session per
//! `<client>`, found under `server > application > live|play > stream`.

use std::time::SystemTime;

use roxmltree::Node;
use serde_json::{Map, Value};

use crate::model::{Collector, Role, Session, Text};
use crate::source::decode::DecodeError;
use crate::source::xml;
use crate::source::{clock, secrets};

/// What one look at the stat page says.
pub(crate) struct Stat {
    pub sessions: Vec<Session>,
    /// The worker that answered: with several workers each shows only its own sessions.
    pub pid: Option<u64>,
    /// The server's own bit rates over its last 10 s window, all streams together.
    pub bw_in: Option<f64>,
    pub bw_out: Option<f64>,
}

/// Parses a stat page, stamping start times against `now`. Each client's row copies its
/// application's and stream's names: `afford` is asked for those copies before any is made.
pub(crate) fn parse_stat(
    body: &[u8],
    now: SystemTime,
    afford: &dyn Fn(u64) -> Result<(), DecodeError>,
) -> Result<Stat, DecodeError> {
    let doc = xml::parse(body)?;
    let rtmp = xml::root(&doc, "rtmp")?;
    let copied = streams(rtmp)
        .map(|(place, stream)| {
            place
                .copied()
                .saturating_mul(xml::children(stream, "client").count() as u64)
        })
        .fold(0u64, u64::saturating_add);
    afford(copied)?;
    let mut sessions = Vec::new();
    for (place, stream) in streams(rtmp) {
        for client in xml::children(stream, "client") {
            sessions.push(client_session(client, &place, now)?);
        }
    }
    Ok(Stat {
        sessions,
        pid: xml::number(rtmp, "pid")?,
        bw_in: xml::number(rtmp, "bw_in")?,
        bw_out: xml::number(rtmp, "bw_out")?,
    })
}

/// Every stream, with where it is: `server > application > live|play > stream`.
fn streams<'a, 'input: 'a>(
    rtmp: Node<'a, 'input>,
) -> impl Iterator<Item = (Place<'a>, Node<'a, 'input>)> + 'a {
    xml::children(rtmp, "server")
        .enumerate()
        .flat_map(|(index, server)| {
            xml::children(server, "application").flat_map(move |app| {
                let app_name = xml::text(app, "name").unwrap_or("");
                app.children()
                    .filter(|n| xml::is(*n, "live") || xml::is(*n, "play"))
                    .flat_map(|mode| xml::children(mode, "stream"))
                    .map(move |stream| {
                        let place = Place {
                            server: index,
                            app: app_name,
                            stream: xml::text(stream, "name").unwrap_or(""),
                        };
                        (place, stream)
                    })
            })
        })
}

/// Where a client is: the control module's `srv`, `app` and `name` filters.
struct Place<'a> {
    server: usize,
    app: &'a str,
    stream: &'a str,
}

impl Place<'_> {
    /// The bytes each client's row copies: `reference` and `extra`'s `app` and `name`.
    fn copied(&self) -> u64 {
        2 * (self.app.len() + self.stream.len()) as u64 + 1
    }
}

fn client_session(
    client: Node<'_, '_>,
    place: &Place<'_>,
    now: SystemTime,
) -> Result<Session, DecodeError> {
    let id = xml::text(client, "id")
        .filter(|id| !id.is_empty())
        .ok_or_else(|| DecodeError::Shape("a <client> without an <id>".into()))?;
    let time_ms: Option<f64> = xml::number(client, "time")?;
    let created_at = time_ms.and_then(|ms| clock::started(now, ms / 1000.0));
    let publishing = xml::child(client, "publishing").is_some();
    let mut extra = Map::new();
    if let Some(v) = xml::text(client, "flashver").filter(|v| !v.is_empty()) {
        extra.insert("flashver".into(), Value::from(v));
    }
    for key in ["pageurl", "swfurl"] {
        if let Some(v) = xml::text(client, key).filter(|v| !v.is_empty()) {
            extra.insert(key.into(), Value::from(secrets::url(v)));
        }
    }
    for key in ["dropped", "avsync"] {
        if let Some(n) = xml::number::<i64>(client, key)? {
            extra.insert(key.into(), Value::from(n));
        }
    }
    extra.insert("app".into(), Value::from(place.app));
    extra.insert("name".into(), Value::from(place.stream));
    extra.insert("server".into(), Value::from(place.server));
    Ok(Session {
        collector: Collector::Rtmp,
        id: id.into(),
        reference: format!("{}/{}", place.app, place.stream).into(),
        local: Text::default(),
        remote: xml::text(client, "address").unwrap_or("").into(),
        role: Some(Role::publishing(publishing)),
        created_at,
        age_s: time_ms
            .filter(|ms| *ms >= 0.0)
            .map(|ms| (ms / 1000.0) as u64),
        // The stock module counts bytes per stream only; a fork adds them per client.
        rx_bytes: xml::number(client, "bytes_in")?,
        tx_bytes: xml::number(client, "bytes_out")?,
        rx_bit_s: None,
        tx_bit_s: None,
        extra: Value::Object(extra),
    })
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

    fn stat(body: &[u8]) -> Result<Stat, DecodeError> {
        parse_stat(
            body,
            SystemTime::UNIX_EPOCH + Duration::from_secs(NOW),
            &|_| Ok(()),
        )
    }

    #[test]
    fn each_client_is_a_session_without_made_up_bytes() {
        let s = stat(&fixture("nginx_rtmp/stat.xml")).unwrap();
        assert_eq!(s.pid, Some(24489));
        assert_eq!((s.bw_in, s.bw_out), (Some(406352.0), Some(450472.0)));
        let ids: Vec<&str> = s.sessions.iter().map(|x| x.id.as_str()).collect();
        assert_eq!(ids, ["6", "3", "2"]);
        let player = &s.sessions[0];
        assert_eq!(player.collector, Collector::Rtmp);
        assert_eq!(player.reference, "live/cam1");
        assert_eq!(player.remote, "127.0.0.1");
        // <time>3910</time>: milliseconds.
        assert_eq!(player.created_at, Some(Timestamp(NOW as i64 - 4)));
        assert_eq!(player.age_s, Some(3));
        assert_eq!((player.rx_bytes, player.tx_bytes), (None, None));
        assert_eq!((player.rx_bit_s, player.tx_bit_s), (None, None));
        assert_eq!(player.role, Some(Role::Player));
        assert_eq!(player.extra.get("role"), None);
        assert_eq!(player.extra["flashver"], "LNX 9,0,124,2");
        assert_eq!(player.extra["avsync"], -9);
        assert_eq!(
            (&player.extra["app"], &player.extra["server"]),
            (&Value::from("live"), &Value::from(0))
        );
        let publisher = &s.sessions[2];
        assert_eq!(publisher.role, Some(Role::Publisher));
        assert_eq!(publisher.age_s, Some(20));
        let after = stat(&fixture("nginx_rtmp/stat-after-drop.xml")).unwrap();
        assert_eq!(after.sessions.len(), 2);
    }

    #[test]
    fn a_forks_per_client_bytes_are_read() {
        let body = b"<rtmp><server><application><name>app</name><live><stream><name>s</name>\
            <client><id>9</id><address>::1</address><time>1000</time><bytes_in>5</bytes_in><bytes_out>7</bytes_out></client>\
            </stream></live></application></server><server><application><name>b</name><play><stream><name>v.mp4</name>\
            <client><id>10</id></client></stream></play></application></server></rtmp>";
        let s = stat(body).unwrap();
        assert_eq!(
            (s.sessions[0].rx_bytes, s.sessions[0].tx_bytes),
            (Some(5), Some(7))
        );
        assert_eq!(s.sessions[1].reference, "b/v.mp4");
        assert_eq!(s.sessions[1].extra["server"], 1);
        assert_eq!(s.sessions[1].created_at, None);
        assert_eq!(s.pid, None);
    }

    #[test]
    fn bad_pages_say_why() {
        let whole = fixture("nginx_rtmp/stat.xml");
        assert_eq!(
            stat(&whole[..whole.len() / 2]).err(),
            Some(DecodeError::Truncated("XML"))
        );
        assert!(matches!(
            stat(b"<html><body>403</body></html>").err(),
            Some(DecodeError::Shape(_))
        ));
        assert!(matches!(
            stat(b"{\"rtmp\":1}").err(),
            Some(DecodeError::Syntax("XML", _))
        ));
        let no_id = b"<rtmp><server><application><live><stream><client><address>x</address></client></stream></live></application></server></rtmp>";
        assert!(matches!(stat(no_id).err(), Some(DecodeError::Shape(_))));
        let bad_time = b"<rtmp><server><application><live><stream><client><id>1</id><time>soon</time></client></stream></live></application></server></rtmp>";
        assert!(matches!(stat(bad_time).err(), Some(DecodeError::Shape(_))));
    }

    #[test]
    fn the_names_each_client_copies_are_asked_for_before_any_row() {
        let body = b"<rtmp><server><application><name>app</name><live><stream><name>stream</name>\
            <client><id>1</id></client><client><id>2</id></client></stream></live></application></server></rtmp>";
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(NOW);
        let asked = std::cell::Cell::new(0);
        let afford = |n| {
            asked.set(n);
            Ok(())
        };
        assert_eq!(parse_stat(body, now, &afford).unwrap().sessions.len(), 2);
        // "app/stream", "app" and "stream", for each of the two clients.
        assert_eq!(asked.get(), 2 * 19);
        let over = DecodeError::Over(crate::source::budget::OverBudget { ceiling: 1 });
        assert_eq!(
            parse_stat(body, now, &|_| Err(over.clone())).err(),
            Some(over)
        );
    }
}
