//! datarhei Core's session JSON, written byte for byte as Core writes it (key order, sorted map
//! keys, `%.3f` numbers), so Core's clients and our own datarhei source read `collect --listen`.

use std::collections::BTreeSet;
use std::fmt::Write;
use std::time::SystemTime;

use serde_json::Value;

use crate::error::Result;
use crate::model::{Collector, Load, MEBI, Session, Totals};
use crate::source::local::history::{self, Store};
use crate::source::local::unix_seconds;

/// Core's `toNumber`: whole numbers without decimals, anything else with three.
pub(super) fn number(x: f64) -> String {
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
pub(super) fn names(param: Option<&str>) -> BTreeSet<String> {
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
pub(super) fn active(names: &BTreeSet<String>, active: &[Session], now: SystemTime) -> String {
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

/// Where a long reply is written: `flush` takes the text whenever it passes `CHUNK` bytes, so a
/// listing of a large history is sent as it is read, never held whole.
pub(super) struct Sink<'a> {
    text: String,
    flush: &'a mut dyn FnMut(String) -> Result<()>,
}

/// About what one write to a socket takes.
const CHUNK: usize = 64 * 1024;

impl<'a> Sink<'a> {
    pub(super) fn new(flush: &'a mut dyn FnMut(String) -> Result<()>) -> Self {
        Sink {
            text: String::with_capacity(CHUNK * 2),
            flush,
        }
    }

    /// A point where the text may be handed on.
    fn mark(&mut self) -> Result<()> {
        if self.text.len() < CHUNK {
            return Ok(());
        }
        let full = std::mem::replace(&mut self.text, String::with_capacity(CHUNK * 2));
        (self.flush)(full)
    }

    /// Hands on what is left.
    pub(super) fn finish(mut self) -> Result<()> {
        if self.text.is_empty() {
            return Ok(());
        }
        (self.flush)(std::mem::take(&mut self.text))
    }
}

impl std::ops::Deref for Sink<'_> {
    type Target = String;
    fn deref(&self) -> &String {
        &self.text
    }
}

impl std::ops::DerefMut for Sink<'_> {
    fn deref_mut(&mut self) -> &mut String {
        &mut self.text
    }
}

/// Session count and exact bytes, summed.
#[derive(Default)]
struct Sum {
    sessions: u64,
    rx: u64,
    tx: u64,
}

impl Sum {
    fn add(&mut self, t: &Totals) {
        self.sessions += t.sessions;
        self.rx = self.rx.saturating_add(t.rx_bytes.unwrap_or(0));
        self.tx = self.tx.saturating_add(t.tx_bytes.unwrap_or(0));
    }

    fn totals(&self) -> Totals {
        history::totals(self.sessions, self.rx, self.tx)
    }
}

/// One remote of the `remote` map, gathered from the (remote, local) rows that follow each other.
struct Remote {
    name: String,
    locals: Vec<(String, Totals)>,
    sum: Sum,
}

impl Remote {
    fn write(&self, out: &mut Sink<'_>, first: bool) -> Result<()> {
        if !first {
            out.push(',');
        }
        string(out, &self.name);
        out.push_str(":{");
        stats(out, &self.sum.totals());
        out.push_str(",\"local\":");
        stats_map(out, &self.locals);
        out.push('}');
        out.mark()
    }
}

/// The `remote` map's entries, each with its `local` map, from one query ordered by remote and
/// local; returns the collector's totals (the sum of every row).
fn remotes(out: &mut Sink<'_>, c: Collector, store: &Store) -> Result<Totals> {
    let mut all = Sum::default();
    let mut current: Option<Remote> = None;
    let mut first = true;
    store.each(c, &["remote", "local"], &mut |mut key, t| {
        let local = key.pop().unwrap_or_default();
        let remote = key.pop().unwrap_or_default();
        all.add(&t);
        if current.as_ref().is_some_and(|r| r.name != remote)
            && let Some(done) = current.take()
        {
            done.write(out, first)?;
            first = false;
        }
        let r = current.get_or_insert_with(|| Remote {
            name: remote,
            locals: Vec::new(),
            sum: Sum::default(),
        });
        r.sum.add(&t);
        r.locals.push((local, t));
        Ok(())
    })?;
    if let Some(done) = current {
        done.write(out, first)?;
    }
    Ok(all.totals())
}

/// A `{"key":{stats},…}` map read row by row.
fn streamed_map(out: &mut Sink<'_>, c: Collector, store: &Store, column: &str) -> Result<()> {
    out.push('{');
    let mut first = true;
    store.each(c, &[column], &mut |mut key, t| {
        if !first {
            out.push(',');
        }
        first = false;
        string(out, &key.pop().unwrap_or_default());
        out.push_str(":{");
        stats(out, &t);
        out.push('}');
        out.mark()
    })?;
    out.push('}');
    Ok(())
}

/// The history part of one collector's summary, from the store (zeros without one).
fn history(out: &mut Sink<'_>, c: Option<Collector>, store: Option<&Store>) -> Result<()> {
    let (Some(c), Some(store)) = (c, store) else {
        out.push_str(
            "{\"remote\":{},\"local\":{},\"reference\":{},\"sessions\":0,\"traffic_rx_mb\":0,\"traffic_tx_mb\":0}",
        );
        return Ok(());
    };
    out.push_str("{\"remote\":{");
    let total = remotes(out, c, store)?;
    out.push_str("},\"local\":");
    streamed_map(out, c, store, "local")?;
    out.push_str(",\"reference\":");
    streamed_map(out, c, store, "reference")?;
    out.push(',');
    stats(out, &total);
    out.push('}');
    Ok(())
}

/// `GET /api/v3/session`, written into `out` as it is read.
pub(super) fn summary(
    names: &BTreeSet<String>,
    active: &[Session],
    store: Option<&Store>,
    now: SystemTime,
    out: &mut Sink<'_>,
) -> Result<()> {
    out.push('{');
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let load = name
            .parse()
            .map_or_else(|_| Load::default(), |c| Load::of(active, c));
        string(out, name);
        out.push_str(":{\"active\":{\"list\":");
        list(out, name, active, now);
        let _ = write!(
            out,
            ",\"sessions\":{},\"bandwidth_rx_mbit\":{},\"bandwidth_tx_mbit\":{},\"max_sessions\":0,\"max_bandwidth_rx_mbit\":0,\"max_bandwidth_tx_mbit\":0}},\"summary\":",
            load.sessions,
            number(load.rx_bit_s / MEBI),
            number(load.tx_bit_s / MEBI)
        );
        out.mark()?;
        history(out, name.parse().ok(), store)?;
        out.push('}');
    }
    out.push('}');
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

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
            role: None,
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

    /// The whole of a summary, in the chunks it was handed on in.
    fn written(names: &BTreeSet<String>, active: &[Session], store: Option<&Store>) -> String {
        let mut chunks = Vec::new();
        let mut flush = |chunk: String| {
            chunks.push(chunk);
            Ok(())
        };
        let mut sink = Sink::new(&mut flush);
        summary(names, active, store, SystemTime::now(), &mut sink).unwrap();
        sink.finish().unwrap();
        chunks.concat()
    }

    #[test]
    fn summaries_match_core() {
        let idle = written(&names(Some("ffmpeg")), &[], None);
        assert_eq!(
            idle,
            r#"{"ffmpeg":{"active":{"list":[],"sessions":0,"bandwidth_rx_mbit":0,"bandwidth_tx_mbit":0,"max_sessions":0,"max_bandwidth_rx_mbit":0,"max_bandwidth_tx_mbit":0},"summary":{"remote":{},"local":{},"reference":{},"sessions":0,"traffic_rx_mb":0,"traffic_tx_mb":0}}}"#
        );
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("h.sqlite3")).unwrap();
        let f = crate::source::local::history::Finished {
            target: "local".into(),
            source: "local".into(),
            rx_peak_bit_s: None,
            tx_peak_bit_s: None,
            role: None,
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
        drop(store);
        let reader = Store::open_read(&dir.path().join("h.sqlite3"), Duration::from_secs(10))
            .unwrap()
            .unwrap();
        let got = written(&names(Some("rtmp")), &[live], Some(&reader));
        assert!(
            got.ends_with(r#""sessions":1,"bandwidth_rx_mbit":0.500,"bandwidth_tx_mbit":0,"max_sessions":0,"max_bandwidth_rx_mbit":0,"max_bandwidth_tx_mbit":0},"summary":{"remote":{"127.0.0.1":{"sessions":2,"traffic_rx_mb":6,"traffic_tx_mb":0,"local":{"127.0.0.1:1935":{"sessions":2,"traffic_rx_mb":6,"traffic_tx_mb":0}}}},"local":{"127.0.0.1:1935":{"sessions":2,"traffic_rx_mb":6,"traffic_tx_mb":0}},"reference":{"short":{"sessions":2,"traffic_rx_mb":6,"traffic_tx_mb":0}},"sessions":2,"traffic_rx_mb":6,"traffic_tx_mb":0}}}"#),
            "{got}"
        );
    }

    /// A history larger than a chunk is handed on in pieces that make the same JSON.
    #[test]
    fn a_long_history_is_written_in_chunks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.sqlite3");
        let mut store = Store::open(&path).unwrap();
        let rows: Vec<_> = (0..6000u64)
            .map(|i| crate::source::local::history::Finished {
                target: "local".into(),
                source: "local".into(),
                rx_peak_bit_s: None,
                tx_peak_bit_s: None,
                role: None,
                collector: Collector::Rtmp,
                id: i.to_string().into(),
                reference: format!("ref{}", i % 7).into(),
                local: format!("127.0.0.1:{}", 1935 + i % 2).into(),
                remote: format!("10.0.{}.{}", (i / 2) / 256, (i / 2) % 256).into(),
                created_at: Timestamp(1),
                closed_at: Timestamp(2),
                rx_bytes: 1 << 20,
                tx_bytes: i,
                extra: Value::Null,
            })
            .collect();
        store.record(&rows).unwrap();
        drop(store);
        let reader = Store::open_read(&path, Duration::from_secs(10))
            .unwrap()
            .unwrap();
        let mut chunks = 0;
        let mut whole = String::new();
        let mut flush = |chunk: String| {
            chunks += 1;
            whole.push_str(&chunk);
            Ok(())
        };
        let mut sink = Sink::new(&mut flush);
        summary(
            &names(Some("rtmp")),
            &[],
            Some(&reader),
            SystemTime::now(),
            &mut sink,
        )
        .unwrap();
        sink.finish().unwrap();
        assert!(chunks > 3, "{chunks}");
        let v: Value = serde_json::from_str(&whole).unwrap();
        let h = &v["rtmp"]["summary"];
        assert_eq!(h["remote"].as_object().unwrap().len(), 3000);
        let one = &h["remote"]["10.0.0.1"];
        assert_eq!(
            (&one["sessions"], &one["traffic_rx_mb"]),
            (&2.into(), &2.into())
        );
        assert_eq!(one["local"].as_object().unwrap().len(), 2);
        assert_eq!(h["sessions"], 6000);
        assert_eq!(h["traffic_rx_mb"], 6000);
        assert_eq!(h["reference"].as_object().unwrap().len(), 7);
        assert_eq!(h["local"]["127.0.0.1:1935"]["sessions"], 3000);
    }

    #[test]
    fn extra_objects_become_text() {
        let v = serde_json::json!({"direction": "in", "pid": 7});
        assert_eq!(extra_text(&v), "direction=in pid=7");
        assert_eq!(extra_text(&Value::Null), "");
    }
}
