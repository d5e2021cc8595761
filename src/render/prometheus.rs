//! Prometheus text exposition format 0.0.4 over the model: the aggregate series of `summary`,
//! the opt-in per-session series of `active`, reusable by anything that serves /metrics.

use std::io::{self, Write};

use std::borrow::Cow;

use super::Targets;
use crate::model::{CollectorSummary, HmiSummary, MEBI, Session, SummaryReport};
use crate::text::is_unsafe;

/// A sample value: integers stay exact (no float rounding of byte counters).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Num {
    Int(u64),
    Float(f64),
}

/// A row and its target label (`None` with a single target: no `target` label at all).
pub(crate) type Labelled<'a, T> = (Option<&'a str>, &'a T);

/// Label names and values of a row, in order.
type Labels<'a> = Vec<(&'static str, &'a str)>;

struct Family<T> {
    name: &'static str,
    help: &'static str,
    kind: &'static str,
    value: fn(&T) -> Option<Num>,
}

const COLLECTOR: &[Family<CollectorSummary>] = &[
    Family {
        name: "sessions_active",
        help: "Active sessions.",
        kind: "gauge",
        value: |s| Some(Num::Int(s.active_sessions)),
    },
    Family {
        name: "sessions_publishers",
        help: "Active sessions that publish a stream, where the server says which do (no series elsewhere).",
        kind: "gauge",
        value: |s| s.publishers.map(Num::Int),
    },
    Family {
        name: "sessions_rx_bytes_per_second",
        help: "Current receive rate of the active sessions in bytes per second (no series when unknown).",
        kind: "gauge",
        value: |s| s.rx_bit_s.map(per_byte),
    },
    Family {
        name: "sessions_tx_bytes_per_second",
        help: "Current transmit rate of the active sessions in bytes per second (no series when unknown).",
        kind: "gauge",
        value: |s| s.tx_bit_s.map(per_byte),
    },
    Family {
        name: "sessions_limit_sessions",
        help: "Configured maximum of active sessions (no series when unlimited or not reported).",
        kind: "gauge",
        value: |s| s.limit_sessions.max().map(Num::Int),
    },
    Family {
        name: "sessions_limit_rx_bytes_per_second",
        help: "Configured maximum receive rate in bytes per second (no series when unlimited or not reported).",
        kind: "gauge",
        value: |s| s.limit_rx_mibit_s.max().map(|m| per_byte(m * MEBI)),
    },
    Family {
        name: "sessions_limit_tx_bytes_per_second",
        help: "Configured maximum transmit rate in bytes per second (no series when unlimited or not reported).",
        kind: "gauge",
        value: |s| s.limit_tx_mibit_s.max().map(|m| per_byte(m * MEBI)),
    },
    Family {
        name: "sessions_finished_total",
        help: "Finished sessions kept in the server's history (no series where it keeps none).",
        kind: "counter",
        value: |s| s.finished.as_ref().map(|f| Num::Int(f.sessions)),
    },
    Family {
        name: "sessions_finished_rx_bytes_total",
        help: "Bytes received by finished sessions: exact where the source reports bytes, else its whole MiB times 1048576 (datarhei Core).",
        kind: "counter",
        value: |s| {
            s.finished
                .as_ref()
                .map(|f| Num::Int(bytes(f.rx_bytes, f.rx_mib)))
        },
    },
    Family {
        name: "sessions_finished_tx_bytes_total",
        help: "Bytes sent by finished sessions: exact where the source reports bytes, else its whole MiB times 1048576 (datarhei Core).",
        kind: "counter",
        value: |s| {
            s.finished
                .as_ref()
                .map(|f| Num::Int(bytes(f.tx_bytes, f.tx_mib)))
        },
    },
];

/// A rate in bits per second as Prometheus's base unit, bytes per second (`promtool check
/// metrics` refuses bits).
fn per_byte(bit_s: f64) -> Num {
    Num::Float(bit_s / 8.0)
}

fn bytes(exact: Option<u64>, mib: u64) -> u64 {
    exact.unwrap_or_else(|| mib.saturating_mul(1024 * 1024))
}

const HMI: &[Family<HmiSummary>] = &[
    Family {
        name: "sessions_hmi_connections",
        help: "TwinCAT HMI Server: connected WebSockets.",
        kind: "gauge",
        value: |h| Some(Num::Int(h.connections)),
    },
    Family {
        name: "sessions_hmi_sessions",
        help: "TwinCAT HMI Server: distinct session ids.",
        kind: "gauge",
        value: |h| Some(Num::Int(h.sessions)),
    },
    Family {
        name: "sessions_hmi_users",
        help: "TwinCAT HMI Server: distinct user names.",
        kind: "gauge",
        value: |h| Some(Num::Int(h.users)),
    },
    Family {
        name: "sessions_hmi_clients",
        help: "TwinCAT HMI Server: distinct client keys.",
        kind: "gauge",
        value: |h| Some(Num::Int(h.clients)),
    },
    Family {
        name: "sessions_hmi_subscriptions",
        help: "TwinCAT HMI Server: symbol subscriptions.",
        kind: "gauge",
        value: |h| Some(Num::Int(h.subscriptions)),
    },
    Family {
        name: "sessions_hmi_requests_in_progress",
        help: "TwinCAT HMI Server: requests being processed.",
        kind: "gauge",
        value: |h| Some(Num::Int(h.requests_in_progress)),
    },
];

/// Whether a polled target answered, and when it last did.
pub(crate) struct Health {
    pub up: bool,
    /// Unix seconds of its last good answer; `None` if it never gave one.
    pub last_success: Option<i64>,
}

const HEALTH: &[Family<Health>] = &[
    Family {
        name: "sessions_target_up",
        help: "Whether the target answered the last poll (1) or not (0).",
        kind: "gauge",
        value: |h| Some(Num::Int(u64::from(h.up))),
    },
    Family {
        name: "sessions_target_last_success_timestamp_seconds",
        help: "Unix time of the target's last good answer (no series before its first).",
        kind: "gauge",
        value: |h| {
            h.last_success
                .and_then(|t| u64::try_from(t).ok())
                .map(Num::Int)
        },
    },
];

const SESSION: &[Family<Session>] = &[
    Family {
        name: "sessions_session_rx_bytes_total",
        help: "Bytes received by this active session (no series where the server does not count them).",
        kind: "counter",
        value: |s| s.rx_bytes.map(Num::Int),
    },
    Family {
        name: "sessions_session_tx_bytes_total",
        help: "Bytes sent by this active session (no series where the server does not count them).",
        kind: "counter",
        value: |s| s.tx_bytes.map(Num::Int),
    },
    Family {
        name: "sessions_session_rx_bytes_per_second",
        help: "Current receive rate of this session in bytes per second (no series when unknown).",
        kind: "gauge",
        value: |s| s.rx_bit_s.map(per_byte),
    },
    Family {
        name: "sessions_session_tx_bytes_per_second",
        help: "Current transmit rate of this session in bytes per second (no series when unknown).",
        kind: "gauge",
        value: |s| s.tx_bit_s.map(per_byte),
    },
    Family {
        name: "sessions_session_age_seconds",
        help: "Age of this session in seconds (no series when the server's clock is ahead).",
        kind: "gauge",
        value: |s| s.age_s.map(Num::Int),
    },
];

/// `summary`: the per-collector series of every datarhei-like target, then the counts of every
/// TwinCAT HMI target.
pub(crate) fn summaries(
    out: &mut dyn Write,
    items: &[SummaryReport],
    targets: Targets<'_>,
) -> io::Result<()> {
    let target = |i: usize| targets.and_then(|t| t.get(i)).map(String::as_str);
    let mut collectors = Vec::new();
    let mut hmis = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item {
            SummaryReport::Collectors(s) => {
                collectors.extend(s.collectors.iter().map(|c| (target(i), c)));
            }
            SummaryReport::Hmi(h) => hmis.push((target(i), h)),
        }
    }
    self::collectors(out, &collectors)?;
    hmi(out, &hmis)
}

/// One series per collector (and target) for each aggregate family.
pub(crate) fn collectors(
    out: &mut dyn Write,
    rows: &[Labelled<'_, CollectorSummary>],
) -> io::Result<()> {
    families(out, COLLECTOR, rows, |s| {
        vec![("collector", s.collector.as_str())]
    })
}

/// A TwinCAT HMI Server's counts as gauges, labelled `collector="tchmi"`.
pub(crate) fn hmi(out: &mut dyn Write, rows: &[Labelled<'_, HmiSummary>]) -> io::Result<()> {
    families(out, HMI, rows, |h| {
        vec![("collector", h.collector.as_str())]
    })
}

/// Each polled target's up and last-success gauges, labelled by `target` alone.
pub(crate) fn health(out: &mut dyn Write, rows: &[Labelled<'_, Health>]) -> io::Result<()> {
    families(out, HEALTH, rows, |_| Vec::new())
}

/// `active --per-session`: one series per session, labelled with what identifies it.
pub(crate) fn sessions(
    out: &mut dyn Write,
    items: &[Session],
    targets: Targets<'_>,
) -> io::Result<()> {
    let rows: Vec<Labelled<'_, Session>> = items
        .iter()
        .enumerate()
        .map(|(i, s)| (targets.and_then(|t| t.get(i)).map(String::as_str), s))
        .collect();
    families(out, SESSION, &rows, |s| {
        vec![
            ("collector", s.collector.as_str()),
            ("id", &s.id),
            ("reference", &s.reference),
            ("local", &s.local),
            ("remote", &s.remote),
        ]
    })
}

/// Each family once (HELP, TYPE, then all its samples, as the format requires); a family with no
/// sample at all is left out.
fn families<T>(
    out: &mut dyn Write,
    families: &[Family<T>],
    rows: &[Labelled<'_, T>],
    labels: impl for<'r> Fn(&'r T) -> Labels<'r>,
) -> io::Result<()> {
    for family in families {
        let mut samples = rows
            .iter()
            .filter_map(|(target, row)| (family.value)(row).map(|v| (*target, *row, v)))
            .peekable();
        if samples.peek().is_none() {
            continue;
        }
        writeln!(out, "# HELP {} {}", family.name, escape_help(family.help))?;
        writeln!(out, "# TYPE {} {}", family.name, family.kind)?;
        for (target, row, value) in samples {
            out.write_all(family.name.as_bytes())?;
            let all = target.map(|t| ("target", t)).into_iter().chain(labels(row));
            let mut open = false;
            for (name, value) in all {
                let sep = if open { "," } else { "{" };
                open = true;
                write!(out, "{sep}{name}=\"{}\"", escape_label(value))?;
            }
            if open {
                out.write_all(b"}")?;
            }
            writeln!(out, " {}", number(value))?;
        }
    }
    Ok(())
}

/// Label values escape backslash, double quote and line feed as the format defines; every other
/// control, bidi or line-separator character is written as the text `\uXXXX` (its backslash
/// escaped: the value reads `\u001b`), since the format has no escape for it and it must not
/// reach a reader raw.
fn escape_label(value: &str) -> Cow<'_, str> {
    let special = |c: char| matches!(c, '\\' | '"') || is_unsafe(c);
    if !value.contains(special) {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c if is_unsafe(c) => out.push_str(&format!("\\\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// HELP text escapes backslash and line feed.
fn escape_help(text: &str) -> String {
    text.replace('\\', "\\\\").replace('\n', "\\n")
}

fn number(n: Num) -> String {
    match n {
        Num::Int(i) => i.to_string(),
        Num::Float(f) if f.is_nan() => "NaN".into(),
        Num::Float(f) if f == f64::INFINITY => "+Inf".into(),
        Num::Float(f) if f == f64::NEG_INFINITY => "-Inf".into(),
        Num::Float(f) => f.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Collector, Limit, Totals};

    #[test]
    fn labels_and_numbers_are_escaped_and_exact() {
        assert_eq!(escape_label("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
        assert_eq!(
            escape_label("x\u{1b}[2J\ty\u{202e}"),
            "x\\\\u001b[2J\\\\u0009y\\\\u202e"
        );
        assert_eq!(escape_help("x\\y\nz"), "x\\\\y\\nz");
        assert_eq!(number(Num::Float(f64::INFINITY)), "+Inf");
        assert_eq!(number(Num::Float(0.5)), "0.5");
        assert_eq!(number(Num::Int(u64::MAX)), "18446744073709551615");
    }

    #[test]
    fn unlimited_limits_have_no_series_and_mib_become_bytes() {
        let s = CollectorSummary {
            collector: Collector::Rtmp,
            active_sessions: 2,
            rx_bit_s: Some(1.5),
            tx_bit_s: None,
            rx_mibit_s: Some(0.0),
            tx_mibit_s: None,
            limit_sessions: Limit::Unlimited,
            limit_rx_mibit_s: Limit::Unknown,
            limit_tx_mibit_s: Limit::Max(1.0),
            finished: Some(Totals {
                sessions: 3,
                rx_mib: 2,
                tx_mib: 0,
                rx_bytes: None,
                tx_bytes: Some(7),
                ..Totals::default()
            }),
            publishers: None,
            history: Default::default(),
        };
        let mut out = Vec::new();
        collectors(&mut out, &[(Some("a\"b"), &s)]).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains("sessions_limit_sessions"), "{text}");
        // An unknown rate has no series, never a made-up 0.
        assert!(!text.contains("sessions_tx_bytes_per_second{"), "{text}");
        assert!(
            text.contains(
                "sessions_rx_bytes_per_second{target=\"a\\\"b\",collector=\"rtmp\"} 0.1875\n"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "sessions_limit_tx_bytes_per_second{target=\"a\\\"b\",collector=\"rtmp\"} 131072\n"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "sessions_finished_rx_bytes_total{target=\"a\\\"b\",collector=\"rtmp\"} 2097152\n"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "sessions_finished_tx_bytes_total{target=\"a\\\"b\",collector=\"rtmp\"} 7\n"
            ),
            "{text}"
        );

        // A server without history: no finished series at all, never a made-up 0.
        let s = CollectorSummary {
            finished: None,
            ..s
        };
        let mut out = Vec::new();
        collectors(&mut out, &[(None, &s)]).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains("sessions_finished_total{"), "{text}");
        assert!(
            text.contains("sessions_active{collector=\"rtmp\"} 2\n"),
            "{text}"
        );
    }

    #[test]
    fn publishers_have_a_series_only_where_the_server_says_which_publish() {
        let row = |collector, active_sessions, publishers| CollectorSummary {
            collector,
            active_sessions,
            rx_bit_s: None,
            tx_bit_s: None,
            rx_mibit_s: None,
            tx_mibit_s: None,
            limit_sessions: Limit::Unknown,
            limit_rx_mibit_s: Limit::Unknown,
            limit_tx_mibit_s: Limit::Unknown,
            finished: None,
            publishers,
            history: Default::default(),
        };
        let (rtmp, hls) = (
            row(Collector::Rtmp, 2, Some(1)),
            row(Collector::Hls, 4, Some(0)),
        );
        let http = row(Collector::Http, 3, None);
        let mut out = Vec::new();
        collectors(
            &mut out,
            &[(Some("a"), &rtmp), (Some("a"), &hls), (Some("b"), &http)],
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "# HELP sessions_active Active sessions.\n\
             # TYPE sessions_active gauge\n\
             sessions_active{target=\"a\",collector=\"rtmp\"} 2\n\
             sessions_active{target=\"a\",collector=\"hls\"} 4\n\
             sessions_active{target=\"b\",collector=\"http\"} 3\n\
             # HELP sessions_publishers Active sessions that publish a stream, where the server says which do (no series elsewhere).\n\
             # TYPE sessions_publishers gauge\n\
             sessions_publishers{target=\"a\",collector=\"rtmp\"} 1\n\
             sessions_publishers{target=\"a\",collector=\"hls\"} 0\n"
        );

        // No server that says: no family at all, not even its HELP.
        let mut out = Vec::new();
        collectors(&mut out, &[(None, &http)]).unwrap();
        assert!(!String::from_utf8(out).unwrap().contains("publishers"));
    }
}
