//! datarhei Core's session JSON, written byte for byte as Core writes it (key order, sorted map
//! keys, `%.3f` numbers), so Core's clients and our own datarhei source read `collect --listen`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::time::SystemTime;

use serde_json::Value;

use crate::error::Result;
use crate::model::{Collector, Load, MEBI, Session, Totals};
use crate::source::local::history::Store;
use crate::source::local::unix_seconds;

/// Core's `toNumber`: whole numbers without decimals, anything else with three.
pub fn number(x: f64) -> String {
    if !x.is_finite() {
        return "0".into();
    }
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x:.3}")
    }
}

fn string(out: &mut String, s: &str) {
    // Serializing a str cannot fail; an empty string is the harmless fallback regardless.
    out.push_str(&serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into()));
}

/// Core 16.x has a string `extra`: our object becomes `key=value` pairs.
fn extra_text(extra: &Value) -> String {
    match extra {
        Value::String(s) => s.clone(),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => format!("{k}={s}"),
                other => format!("{k}={other}"),
            })
            .collect::<Vec<_>>()
            .join(" "),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn or_unknown(s: &str) -> &str {
    if s.is_empty() { "unknown" } else { s }
}

/// Core always has a creation time; a one-shot look has none, so "now" stands in.
fn unix(s: &Session, now: SystemTime) -> i64 {
    s.created_at.map_or_else(|| unix_seconds(now), |t| t.0)
}

fn session(out: &mut String, s: &Session, now: SystemTime) {
    out.push_str("{\"id\":");
    string(out, &s.id);
    out.push_str(",\"reference\":");
    string(out, &s.reference);
    let _ = write!(out, ",\"created_at\":{},\"local\":", unix(s, now));
    string(out, or_unknown(&s.local));
    out.push_str(",\"remote\":");
    string(out, or_unknown(&s.remote));
    out.push_str(",\"extra\":");
    string(out, &extra_text(&s.extra));
    let _ = write!(
        out,
        ",\"bytes_rx\":{},\"bytes_tx\":{},\"bandwidth_rx_kbit\":{},\"bandwidth_tx_kbit\":{}}}",
        // The local collector's sessions always carry bytes and rates.
        s.rx_bytes.unwrap_or(0),
        s.tx_bytes.unwrap_or(0),
        number(s.rx_kibit_s().unwrap_or(0.0)),
        number(s.tx_kibit_s().unwrap_or(0.0))
    );
}

/// The names a `collectors=` value asks for, as Core reads them: split on commas, neither
/// trimmed nor validated; a missing parameter is the one name `""`. Sorted and unique, as Go
/// marshals map keys.
pub fn names(param: Option<&str>) -> BTreeSet<String> {
    param.unwrap_or("").split(',').map(str::to_owned).collect()
}

fn list(out: &mut String, name: &str, active: &[Session], now: SystemTime) {
    let mut mine: Vec<&Session> = active
        .iter()
        .filter(|s| s.collector.as_str() == name)
        .collect();
    mine.sort_by_key(|s| unix(s, now));
    out.push('[');
    for (i, s) in mine.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        session(out, s, now);
    }
    out.push(']');
}

/// `GET /api/v3/session/active`.
pub fn active(names: &BTreeSet<String>, active: &[Session], now: SystemTime) -> String {
    let mut out = String::from("{");
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        string(&mut out, name);
        out.push(':');
        list(&mut out, name, active, now);
    }
    out.push('}');
    out
}

fn stats(out: &mut String, t: &Totals) {
    let _ = write!(
        out,
        "\"sessions\":{},\"traffic_rx_mb\":{},\"traffic_tx_mb\":{}",
        t.sessions, t.rx_mib, t.tx_mib
    );
}

fn stats_map(out: &mut String, rows: &[(String, Totals)]) {
    out.push('{');
    for (i, (k, t)) in rows.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        string(out, k);
        out.push_str(":{");
        stats(out, t);
        out.push('}');
    }
    out.push('}');
}

/// The history part of one collector's summary, from the store (zeros without one).
fn history(out: &mut String, c: Option<Collector>, store: Option<&Store>) -> Result<()> {
    let (Some(c), Some(store)) = (c, store) else {
        out.push_str(
            "{\"remote\":{},\"local\":{},\"reference\":{},\"sessions\":0,\"traffic_rx_mb\":0,\"traffic_tx_mb\":0}",
        );
        return Ok(());
    };
    let (total, h) = store.history(c)?;
    let mut peers: BTreeMap<String, Vec<(String, Totals)>> = BTreeMap::new();
    for (mut key, t) in store.grouped(c, &["remote", "local"])? {
        let local = key.pop().unwrap_or_default();
        let remote = key.pop().unwrap_or_default();
        peers.entry(remote).or_default().push((local, t));
    }
    out.push_str("{\"remote\":{");
    for (i, (remote, t)) in h.by_remote.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        string(out, remote);
        out.push_str(":{");
        stats(out, t);
        out.push_str(",\"local\":");
        stats_map(out, peers.get(remote).map_or(&[][..], Vec::as_slice));
        out.push('}');
    }
    out.push_str("},\"local\":");
    stats_map(out, &h.by_local);
    out.push_str(",\"reference\":");
    stats_map(out, &h.by_reference);
    out.push(',');
    stats(out, &total);
    out.push('}');
    Ok(())
}

/// `GET /api/v3/session`.
pub fn summary(
    names: &BTreeSet<String>,
    active: &[Session],
    store: Option<&Store>,
    now: SystemTime,
) -> Result<String> {
    let mut out = String::from("{");
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let load = name
            .parse()
            .map_or_else(|_| Load::default(), |c| Load::of(active, c));
        string(&mut out, name);
        out.push_str(":{\"active\":{\"list\":");
        list(&mut out, name, active, now);
        let _ = write!(
            out,
            ",\"sessions\":{},\"bandwidth_rx_mbit\":{},\"bandwidth_tx_mbit\":{},\"max_sessions\":0,\"max_bandwidth_rx_mbit\":0,\"max_bandwidth_tx_mbit\":0}},\"summary\":",
            load.sessions,
            number(load.rx_bit_s / MEBI),
            number(load.tx_bit_s / MEBI)
        );
        history(&mut out, name.parse().ok(), store)?;
        out.push('}');
    }
    out.push('}');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Timestamp;

    const SAMPLES: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/protocols/datarhei-samples"
    );

    fn rtmp(id: &str, created: i64, rx: u64, kbit: f64) -> Session {
        Session {
            collector: Collector::Rtmp,
            id: id.into(),
            reference: "test".into(),
            local: "publish:/live/test".into(),
            remote: "127.0.0.1:50250".into(),
            created_at: Some(Timestamp(created)),
            age_s: None,
            rx_bytes: Some(rx),
            tx_bytes: Some(3622),
            rx_bit_s: Some(kbit * 1024.0),
            tx_bit_s: Some(0.0),
            extra: Value::String(String::new()),
        }
    }

    #[test]
    fn numbers_are_formatted_like_core() {
        assert_eq!(number(0.0), "0");
        assert_eq!(number(100.0), "100");
        assert_eq!(number(501.89), "501.890");
        assert_eq!(number(0.0001), "0.000");
        assert_eq!(number(f64::NAN), "0");
    }

    #[test]
    fn active_matches_a_captured_reply() {
        let now = SystemTime::now();
        let got = active(
            &names(Some("bogus,rtmp")),
            &[rtmp("/live/test", 1795494198, 7203023, 501.89)],
            now,
        );
        assert_eq!(
            got,
            r#"{"bogus":[],"rtmp":[{"id":"/live/test","reference":"test","created_at":1795494198,"local":"publish:/live/test","remote":"127.0.0.1:50250","extra":"","bytes_rx":7203023,"bytes_tx":3622,"bandwidth_rx_kbit":501.890,"bandwidth_tx_kbit":0}]}"#
        );
        assert_eq!(active(&names(None), &[], now), r#"{"":[]}"#);
        // Where the captured samples are at hand (the shared folder beside the repo), compare.
        if let Ok(sample) =
            std::fs::read_to_string(format!("{SAMPLES}/session-active-unknown-collector.json"))
        {
            assert_eq!(
                active(&names(Some("bogus,rtmp")), &[], now),
                sample.trim_end()
            );
        }
    }

    #[test]
    fn summaries_match_core() {
        let idle = summary(&names(Some("ffmpeg")), &[], None, SystemTime::now()).unwrap();
        assert_eq!(
            idle,
            r#"{"ffmpeg":{"active":{"list":[],"sessions":0,"bandwidth_rx_mbit":0,"bandwidth_tx_mbit":0,"max_sessions":0,"max_bandwidth_rx_mbit":0,"max_bandwidth_tx_mbit":0},"summary":{"remote":{},"local":{},"reference":{},"sessions":0,"traffic_rx_mb":0,"traffic_tx_mb":0}}}"#
        );
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("h.sqlite3")).unwrap();
        let f = crate::source::local::history::Finished {
            collector: Collector::Rtmp,
            id: "1".into(),
            reference: "short".into(),
            local: "127.0.0.1:1935".into(),
            remote: "127.0.0.1".into(),
            created_at: Timestamp(1),
            closed_at: Timestamp(2),
            rx_bytes: 3 << 20,
            tx_bytes: 3526,
            extra: Value::Null,
        };
        store.record(&[f.clone(), f]).unwrap();
        let live = rtmp("/live/test", 1795494198, 7203023, 512.0);
        let got = summary(
            &names(Some("rtmp")),
            &[live],
            Some(&store),
            SystemTime::now(),
        )
        .unwrap();
        assert!(
            got.ends_with(r#""sessions":1,"bandwidth_rx_mbit":0.500,"bandwidth_tx_mbit":0,"max_sessions":0,"max_bandwidth_rx_mbit":0,"max_bandwidth_tx_mbit":0},"summary":{"remote":{"127.0.0.1":{"sessions":2,"traffic_rx_mb":6,"traffic_tx_mb":0,"local":{"127.0.0.1:1935":{"sessions":2,"traffic_rx_mb":6,"traffic_tx_mb":0}}}},"local":{"127.0.0.1:1935":{"sessions":2,"traffic_rx_mb":6,"traffic_tx_mb":0}},"reference":{"short":{"sessions":2,"traffic_rx_mb":6,"traffic_tx_mb":0}},"sessions":2,"traffic_rx_mb":6,"traffic_tx_mb":0}}}"#),
            "{got}"
        );
    }

    #[test]
    fn extra_objects_become_text() {
        let v = serde_json::json!({"direction": "in", "pid": 7});
        assert_eq!(extra_text(&v), "direction=in pid=7");
        assert_eq!(extra_text(&Value::Null), "");
    }
}
