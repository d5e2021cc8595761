//! The default local view: one row per connection, as its server sees it. A loopback connection
//! between two programs here is two sockets, and an ffmpeg input or output is a row beside its
//! socket's: they fold into one row, named after the stream where a command line says it.
//! `--all` keeps every socket and every ffmpeg row; `collect` records what is listed.

use foldhash::HashMap;
use serde_json::Value;

use crate::model::{Collector, Role, Session};

/// What a row folded away hands on to the row that stays.
#[derive(Default, Clone)]
struct Handed {
    /// The stream's name and the (masked) URL it was read from.
    stream: Option<(String, String)>,
    /// The client end's process (`pid`, `process`), for a server row.
    peer: Option<(Value, Value)>,
    /// What the command line says the connection does (an ffmpeg output publishes).
    role: Option<Role>,
}

fn extra_str<'a>(s: &'a Session, key: &str) -> &'a str {
    s.extra.get(key).and_then(Value::as_str).unwrap_or("")
}

/// Folds the rows of one look: an ffmpeg row into the row of the socket it is tied to, and a
/// client's socket into the server's socket of the same loopback connection. The rows that stay
/// keep their order; their reference becomes the stream's name where one is known.
pub(super) fn one_per_connection(rows: Vec<Session>) -> Vec<Session> {
    let sockets: HashMap<&str, usize> = rows
        .iter()
        .enumerate()
        .filter(|(_, s)| s.collector != Collector::Ffmpeg)
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let servers: HashMap<(&str, &str, &str), usize> = rows
        .iter()
        .enumerate()
        .filter(|(_, s)| extra_str(s, "direction") == "in")
        .map(|(i, s)| {
            (
                (extra_str(s, "proto"), s.local.as_str(), s.remote.as_str()),
                i,
            )
        })
        .collect();
    let mut into: Vec<Option<usize>> = vec![None; rows.len()];
    let mut handed: Vec<Handed> = vec![Handed::default(); rows.len()];
    for (i, s) in rows.iter().enumerate() {
        let tied = s.extra.get("socket").and_then(Value::as_u64);
        let Some(&at) = tied.and_then(|inode| sockets.get(itoa::Buffer::new().format(inode)))
        else {
            continue;
        };
        into[i] = Some(at);
        if handed[at].stream.is_none() {
            handed[at].stream = stream_name(&s.local).map(|name| (name, s.local.to_string()));
        }
        handed[at].role = handed[at].role.or(s.role);
    }
    for (i, s) in rows.iter().enumerate() {
        if extra_str(s, "direction") != "out" {
            continue;
        }
        let key = (extra_str(s, "proto"), s.remote.as_str(), s.local.as_str());
        let Some(&at) = servers.get(&key) else {
            continue;
        };
        into[i] = Some(at);
        if handed[at].stream.is_none() {
            handed[at].stream = handed[i].stream.clone().or_else(|| named(s));
        }
        handed[at].role = handed[at].role.or(handed[i].role).or(s.role);
        if let (Some(pid), Some(process)) = (s.extra.get("pid"), s.extra.get("process")) {
            handed[at].peer = Some((pid.clone(), process.clone()));
        }
    }
    rows.into_iter()
        .zip(into)
        .zip(handed)
        .filter(|((_, into), _)| into.is_none())
        .map(|((s, _), handed)| with_handed(s, handed))
        .collect()
}

/// The stream a client's socket row names from its command line (`extra.url` beside it).
fn named(s: &Session) -> Option<(String, String)> {
    let url = s.extra.get("url")?.as_str()?;
    Some((s.reference.to_string(), url.to_owned()))
}

fn with_handed(mut s: Session, handed: Handed) -> Session {
    s.role = s.role.or(handed.role);
    if let Value::Object(extra) = &mut s.extra {
        if let Some((pid, process)) = handed.peer {
            extra.insert("peer_pid".into(), pid);
            extra.insert("peer_process".into(), process);
        }
        if let Some((name, url)) = handed.stream {
            extra.insert("url".into(), url.into());
            s.reference = name.into();
        }
    }
    s
}

/// The stream a (masked) URL names: an SRT `streamid`, else the path (`live/cam`, masked where
/// the path is a stream key); `None` for a URL without either.
pub(super) fn stream_name(url: &str) -> Option<String> {
    let (_, rest) = url.split_once("://")?;
    let rest = rest.split('#').next().unwrap_or(rest);
    let (before, query) = rest.split_once('?').unwrap_or((rest, ""));
    let stream_id = query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key.eq_ignore_ascii_case("streamid") && !value.is_empty()).then_some(value)
    });
    if let Some(id) = stream_id {
        return Some(id.to_owned());
    }
    let (_, path) = before.split_once('/')?;
    let path = path.trim_end_matches('/');
    (!path.is_empty()).then(|| path.to_owned())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn stream_names_of_urls() {
        for (url, name) in [
            ("rtmp://127.0.0.1:1935/live/***", Some("live/***")),
            ("rtmp://h/live/cam?token=***", Some("live/cam")),
            ("http://h:8080/memfs/a.m3u8", Some("memfs/a.m3u8")),
            (
                "srt://h:6000?mode=caller&streamid=publish:live/x",
                Some("publish:live/x"),
            ),
            ("srt://h:6000?mode=caller", None),
            ("udp://239.0.0.1:1234", None),
            ("rtmp://h/", None),
            ("/srv/in.mp4", None),
        ] {
            assert_eq!(stream_name(url).as_deref(), name, "{url}");
        }
    }

    fn row(collector: Collector, id: &str, local: &str, remote: &str, extra: Value) -> Session {
        Session {
            collector,
            id: id.into(),
            reference: "proc".into(),
            local: local.into(),
            remote: remote.into(),
            created_at: None,
            age_s: None,
            rx_bytes: Some(0),
            tx_bytes: Some(0),
            rx_bit_s: None,
            tx_bit_s: None,
            role: None,
            extra,
        }
    }

    /// An ffmpeg publishing to a local server, a python client of it, an ffmpeg pushing to
    /// another machine and one whose socket is not listed: four connections, four rows.
    #[test]
    fn each_connection_is_one_row_from_the_servers_side() {
        let (srv, cli, py) = ("127.0.0.1:1935", "127.0.0.1:40000", "127.0.0.1:40001");
        let rows = vec![
            row(
                Collector::Ffmpeg,
                "7:out0",
                "rtmp://127.0.0.1:1935/live/***",
                srv,
                json!({"socket": 11}),
            ),
            row(
                Collector::Ffmpeg,
                "8:out0",
                "rtmp://far/app/x?key=***",
                "1.2.3.4:1935",
                json!({"socket": 14}),
            ),
            row(
                Collector::Ffmpeg,
                "9:out0",
                "udp://239.0.0.1:1234",
                "239.0.0.1:1234",
                json!({"socket": 99}),
            ),
            row(
                Collector::Rtmp,
                "11",
                cli,
                srv,
                json!({"direction": "out", "proto": "tcp", "pid": 7, "process": "ffmpeg"}),
            ),
            row(
                Collector::Rtmp,
                "12",
                srv,
                cli,
                json!({"direction": "in", "proto": "tcp", "pid": 1, "process": "nginx"}),
            ),
            row(
                Collector::Rtmp,
                "13",
                srv,
                py,
                json!({"direction": "in", "proto": "tcp", "pid": 1, "process": "nginx"}),
            ),
            row(
                Collector::Rtmp,
                "14",
                "10.0.0.1:40002",
                "1.2.3.4:1935",
                json!({"direction": "out", "proto": "tcp", "pid": 8, "process": "ffmpeg"}),
            ),
            row(
                Collector::Rtmp,
                "15",
                py,
                srv,
                json!({"direction": "out", "proto": "tcp", "pid": 5, "process": "python3"}),
            ),
        ];
        let got = one_per_connection(rows);
        assert_eq!(got.len(), 4);
        let seen: Vec<(&str, &str, &Value, &Value)> = got
            .iter()
            .map(|s| {
                (
                    s.id.as_str(),
                    s.reference.as_str(),
                    &s.extra["peer_process"],
                    &s.extra["url"],
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                ("9:out0", "proc", &Value::Null, &Value::Null),
                (
                    "12",
                    "live/***",
                    &json!("ffmpeg"),
                    &json!("rtmp://127.0.0.1:1935/live/***")
                ),
                ("13", "proc", &json!("python3"), &Value::Null),
                (
                    "14",
                    "app/x",
                    &Value::Null,
                    &json!("rtmp://far/app/x?key=***")
                ),
            ]
        );
    }

    /// An ffmpeg serving (`-listen 1`) names the stream of the sockets it accepted, before any
    /// name its client's command line gives.
    #[test]
    fn a_serving_ffmpegs_own_url_names_its_connection() {
        let (srv, cli) = ("127.0.0.1:1936", "127.0.0.1:40003");
        let rows = vec![
            row(
                Collector::Ffmpeg,
                "20:in0",
                "rtmp://0.0.0.0:1936/app/served?token=***",
                cli,
                json!({"socket": 21}),
            ),
            row(
                Collector::Ffmpeg,
                "30:out0",
                "rtmp://127.0.0.1:1936/app/***",
                srv,
                json!({"socket": 22}),
            ),
            row(
                Collector::Rtmp,
                "21",
                srv,
                cli,
                json!({"direction": "in", "proto": "tcp", "pid": 20, "process": "ffmpeg"}),
            ),
            row(
                Collector::Rtmp,
                "22",
                cli,
                srv,
                json!({"direction": "out", "proto": "tcp", "pid": 30, "process": "ffmpeg"}),
            ),
        ];
        let got = one_per_connection(rows);
        let seen: Vec<(&str, &str, &Value)> = got
            .iter()
            .map(|s| (s.id.as_str(), s.reference.as_str(), &s.extra["peer_pid"]))
            .collect();
        assert_eq!(seen, [("21", "app/served", &json!(30))]);
    }

    /// A client that is not ffmpeg (a curl) names the stream on its socket row: the server's
    /// row takes the name and URL when the client's socket folds into it.
    #[test]
    fn a_clients_own_command_line_names_the_servers_row() {
        let (srv, cli) = ("127.0.0.1:8080", "127.0.0.1:40004");
        let mut curl = row(
            Collector::Hls,
            "41",
            cli,
            srv,
            json!({"direction": "out", "proto": "tcp", "pid": 40, "process": "curl",
                   "url": "http://127.0.0.1:8080/live/a.m3u8?token=***"}),
        );
        curl.reference = "live/a.m3u8".into();
        let rows = vec![
            row(
                Collector::Hls,
                "42",
                srv,
                cli,
                json!({"direction": "in", "proto": "tcp", "pid": 1, "process": "nginx"}),
            ),
            curl,
        ];
        let got = one_per_connection(rows);
        let seen: Vec<(&str, &str, &Value, &Value)> = got
            .iter()
            .map(|s| {
                (
                    s.id.as_str(),
                    s.reference.as_str(),
                    &s.extra["url"],
                    &s.extra["peer_process"],
                )
            })
            .collect();
        assert_eq!(
            seen,
            [(
                "42",
                "live/a.m3u8",
                &json!("http://127.0.0.1:8080/live/a.m3u8?token=***"),
                &json!("curl")
            )]
        );
    }
}
