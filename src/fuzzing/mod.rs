//! Entry points for the cargo-fuzz targets in `fuzz/` (compiled only with `--cfg fuzzing`, which
//! cargo-fuzz sets): each takes raw bytes, drives one decoder of untrusted input the way the
//! program does, and panics only when an invariant breaks, so libFuzzer reports it as a crash.
//!
//! Beyond "never panics", each checks what a wrong answer would look like: a streamed parse that
//! depends on how the body was chunked, malformed JSON accepted, an error of more than one line,
//! output rows that do not match the items, a glob that disagrees with a naive matcher, a raw
//! control or bidi character in any output, a machine format that does not read back, a secret
//! left on an error line.

mod output;

use std::borrow::Cow;
use std::io::{self, Read};
use std::str::FromStr;
use std::time::{Duration, UNIX_EPOCH};

use clap::Parser;
use serde::de::IgnoredAny;

use crate::cli::Cli;
use crate::model::{Collector, Session};
use crate::query::{self, Filter};
use crate::render;
use crate::render::OutputFormat;
use crate::render::OutputOptions;
use crate::source::budget::Budget;
use crate::source::datarhei::wire as core_wire;
use crate::source::decode::DecodeError;
use crate::source::icecast::wire as icecast_wire;
use crate::source::mediamtx::wire as mediamtx_wire;
use crate::source::nginx_rtmp::wire as nginx_wire;
use crate::source::srs::wire as srs_wire;
use crate::source::tchmi::{duration, wire as hmi_wire};
use crate::source::xml;

use output::{assert_safe, prometheus_lines, render_sessions};
pub use output::{render, stderr_line};

const FORMATS: [OutputFormat; 6] = [
    OutputFormat::Table,
    OutputFormat::Wide,
    OutputFormat::Tsv,
    OutputFormat::Json,
    OutputFormat::Ndjson,
    OutputFormat::Prometheus,
];

/// Hands out `data` at most `step` bytes per read, as a slow network would.
struct Chunked<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Chunked<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// An error line is one line of plain text: no line breaks, no terminal escape sequences.
fn one_line(what: &str, text: &str) {
    assert!(
        !text.chars().any(char::is_control),
        "{what} holds control characters: {text:?}"
    );
}

/// `GET /api/v3/session/active`: the same sessions or the same error whatever the chunking, only
/// valid JSON accepted, and every output format renders them.
pub fn datarhei_active(data: &[u8]) {
    let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let parse = |reader: &mut dyn Read| {
        format!(
            "{:?}",
            core_wire::parse_active(reader, now, Budget::new(u64::MAX))
        )
    };
    let whole = parse(&mut Chunked {
        data,
        step: usize::MAX,
    });
    for step in [1, 2, 3, 7, 61, 1024] {
        let chunked = parse(&mut Chunked { data, step });
        assert_eq!(chunked, whole, "chunks of {step} bytes");
    }
    match core_wire::parse_active(&mut Chunked { data, step: 5 }, now, Budget::new(u64::MAX)) {
        Ok(sessions) => {
            assert!(
                serde_json::from_slice::<IgnoredAny>(data).is_ok(),
                "accepted a body that is not JSON"
            );
            render_sessions(&sessions);
        }
        Err(e) => one_line("error", &reply_error_text(&e)),
    }
}

/// `GET /api/v3/session`, then `--by`/`--top` and every output format.
pub fn datarhei_summary(data: &[u8]) {
    let Ok(collectors) =
        core_wire::parse_summary(&mut Chunked { data, step: 4096 }, Budget::new(u64::MAX))
    else {
        return;
    };
    let finished_by_remote = (
        crate::model::GroupBy::Remote,
        crate::model::Breakdown::Finished,
    );
    for by in [None, Some(finished_by_remote)] {
        let summary = query::summarize(collectors.clone(), by, Some(3));
        for format in FORMATS {
            let mut out = Vec::new();
            let items = [crate::model::SummaryReport::Collectors(summary.clone())];
            if let Err(e) = render::summaries(&mut out, &items, None, &options(format)) {
                panic!("rendering failed: {e}");
            }
            let allowed = separators(format);
            assert_safe("summary", &out, allowed);
            if format == OutputFormat::Prometheus {
                prometheus_lines(&out);
            }
        }
    }
}

/// The streaming servers' replies, the first byte picking the parser: MediaMTX's and SRS's JSON
/// pages, nginx-rtmp's stat page, Icecast's listeners, mounts, kick answer and limits. What
/// parses renders in every format. For XML that parses, the memory estimate (`xml::cost`) is at
/// least what roxmltree built (a node per element, text and comment, an entry per attribute),
/// and counts at least as many row elements as the parser made rows.
pub fn streaming(data: &[u8]) {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let now = UNIX_EPOCH + Duration::from_secs(1_796_040_000);
    let afford = |_| Ok(());
    let (rows, row): (Result<Vec<Session>, DecodeError>, _) = match pick % 7 {
        0 => (
            mediamtx_wire::parse_page(body, Collector::Rtmp, now).map(|p| p.sessions),
            None,
        ),
        1 => (
            srs_wire::parse_page(body, now)
                .map(|page| page.map(|p| p.sessions).unwrap_or_default()),
            None,
        ),
        2 => (
            nginx_wire::parse_stat(body, now, &afford).map(|s| s.sessions),
            Some("client"),
        ),
        3 => (
            icecast_wire::parse_listeners(body, now, &afford),
            Some("listener"),
        ),
        4 => (icecast_wire::parse_mounts(body).map(|_| Vec::new()), None),
        5 => (icecast_wire::parse_response(body).map(|_| Vec::new()), None),
        _ => (icecast_wire::parse_stats(body).map(|_| Vec::new()), None),
    };
    if let Ok(sessions) = &rows {
        render_sessions(sessions);
    }
    let Ok(doc) = xml::parse(body) else {
        return;
    };
    let nodes = doc.descendants().count() as u64 - 1;
    let attributes: u64 = doc.descendants().map(|n| n.attributes().len() as u64).sum();
    let row = row.unwrap_or("client");
    let cost = xml::cost(body, row, 0);
    let built = nodes * xml::NODE + attributes * xml::ATTRIBUTE;
    assert!(
        cost >= built,
        "estimated {cost} bytes for {nodes} nodes and {attributes} attributes"
    );
    if let Ok(sessions) = &rows {
        let counted = xml::cost(body, row, 1) - cost;
        assert!(
            counted >= sessions.len() as u64,
            "{counted} <{row}> counted, {} rows made",
            sessions.len()
        );
    }
}

/// Login and refresh replies and Core's error bodies: read, and described on one line.
pub fn datarhei_small(data: &[u8]) {
    if let Ok(tokens) = core_wire::parse_small::<core_wire::Tokens>(data) {
        let _ = (tokens.access_token, tokens.refresh_token);
    }
    if let Ok(error) = core_wire::parse_small::<core_wire::WireError>(data) {
        for reason in ["Unauthorized", "", "Not Found"] {
            let said = crate::text::one_line(&error.describe(reason));
            one_line("error description", &said);
        }
    }
}

/// Every TcHmi text frame: routed as the reply to the login and to `ListActiveSessions`, its
/// error described on one line, its value turned into clients, subscriptions, sessions and the
/// summary, all rendered.
pub fn tchmi_frame(data: &[u8]) {
    // tungstenite hands us only valid UTF-8 text frames.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = hmi_wire::reply_id(text);
    if let hmi_wire::Routed::Answer(reply) = hmi_wire::route::<IgnoredAny>(text, 1)
        && let Some(failure) = reply.failure()
    {
        one_line("login error", &failure.to_string());
    }
    let listing = || match hmi_wire::route::<hmi_wire::Listing>(text, 2) {
        hmi_wire::Routed::Answer(reply) => {
            if let Some(failure) = reply.failure() {
                one_line("error", &failure.to_string());
            }
            reply.into_value()
        }
        hmi_wire::Routed::Unreadable(e) | hmi_wire::Routed::NotJson(e) => {
            one_line("error", &e.to_string());
            None
        }
        hmi_wire::Routed::Other(_) => None,
    };
    let Some(first) = listing() else { return };
    let clients = first.clients();
    let subscriptions = listing().map(|l| l.subscriptions()).unwrap_or_default();
    let sessions = listing()
        .map(|l| l.sessions("hmi:1010"))
        .unwrap_or_default();
    let summary = listing().map(|l| l.summary());
    assert!(sessions.len() == clients.len(), "one session per client");
    // `-o prometheus` is refused for clients and subscriptions before anything is asked.
    for format in FORMATS
        .into_iter()
        .filter(|f| *f != OutputFormat::Prometheus)
    {
        let opts = options(format);
        let mut out = Vec::new();
        let rendered = render::clients(&mut out, &clients, None, &opts)
            .and_then(|()| render::subscriptions(&mut out, &subscriptions, None, &opts))
            .and_then(|()| match &summary {
                Some(summary) => render::summaries(
                    &mut out,
                    &[crate::model::SummaryReport::Hmi(summary.clone())],
                    None,
                    &opts,
                ),
                None => Ok(()),
            });
        if let Err(e) = rendered {
            panic!("rendering failed: {e}");
        }
        let allowed = separators(format);
        assert_safe("clients and subscriptions", &out, allowed);
    }
    render_sessions(&sessions);
}

/// ISO 8601 durations: never a panic, and whole seconds read back exactly.
pub fn tchmi_duration(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = duration::parse(text);
    if let Some(secs) = text
        .strip_prefix("digits:")
        .and_then(|s| s.parse::<u32>().ok())
    {
        let parsed = duration::parse(&format!("PT{secs}S"));
        assert_eq!(parsed, Some(Duration::from_secs(secs.into())));
    }
}

/// `--filter`: the first line is the filter, the next ones a session's fields; a glob agrees
/// with a naive matcher.
pub fn filter(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.split('\n');
    let Some(Ok(filter)) = lines.next().map(Filter::from_str) else {
        return;
    };
    let mut field = || lines.next().unwrap_or_default().to_owned();
    let session = fuzz_session(&mut field);
    let _ = filter.matches(&session);
    if let Some((pattern, subject)) = text.split_once('\u{0}') {
        assert_eq!(
            query::glob_match(pattern, subject),
            naive_glob(pattern.as_bytes(), subject.as_bytes()),
            "glob {pattern:?} on {subject:?}"
        );
    }
}

/// `*` as any run of bytes (it is ASCII, so bytes and characters agree), by the textbook table:
/// `hit[i][j]` is whether the first `i` pattern bytes match the first `j` text bytes.
fn naive_glob(pattern: &[u8], text: &[u8]) -> bool {
    let mut hit = vec![vec![false; text.len() + 1]; pattern.len() + 1];
    hit[0][0] = true;
    for (i, &p) in pattern.iter().enumerate() {
        for j in 0..=text.len() {
            hit[i + 1][j] = if p == b'*' {
                hit[i][j] || (j > 0 && hit[i + 1][j - 1])
            } else {
                j > 0 && text[j - 1] == p && hit[i][j - 1]
            };
        }
    }
    hit[pattern.len()][text.len()]
}

/// `--timeout` and `--max-body-size` as clap reads them: the first line and the rest.
pub fn flags(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (timeout, size) = text.split_once('\n').unwrap_or((&text, "1KiB"));
    let args = [
        "sessions",
        "--timeout",
        timeout,
        "--max-body-size",
        size,
        "active",
    ];
    if let Err(e) = Cli::try_parse_from(args) {
        let _ = e.to_string();
    }
}

/// The text an error carries into the one-line message (`Datarhei::reply_error` adds the host).
fn reply_error_text(e: &core_wire::ReplyError) -> String {
    match e {
        core_wire::ReplyError::Io(e) => e.to_string(),
        core_wire::ReplyError::Json(e) => e.to_string(),
        core_wire::ReplyError::Split(e) => e.to_string(),
    }
}

fn options(format: OutputFormat) -> OutputOptions {
    OutputOptions {
        format,
        headers: true,
        color: false,
        terminal: false,
        width: None,
        file: None,
        columns: Vec::new(),
    }
}

/// A session whose text fields are the fuzzer's.
/// The control characters a format may hold as separators: TSV's tab, nothing elsewhere.
fn separators(format: OutputFormat) -> &'static [char] {
    if format == OutputFormat::Tsv {
        &['\t']
    } else {
        &[]
    }
}

fn fuzz_session(fields: &mut dyn FnMut() -> String) -> Session {
    Session {
        collector: Collector::Rtmp,
        id: fields().into(),
        reference: fields().into(),
        local: fields().into(),
        remote: fields().into(),
        role: None,
        extra: serde_json::Value::String(fields()),
        created_at: None,
        age_s: None,
        rx_bytes: Some(0),
        tx_bytes: Some(0),
        rx_bit_s: Some(0.0),
        tx_bit_s: Some(0.0),
    }
}

/// The local collector's socket table, from untrusted bytes: the first byte picks TCP or UDP,
/// the rest is one netlink sock_diag datagram and, read as text, a /proc/net/tcp-style table.
/// Never a panic; every socket holds two addresses of one family, the protocol asked for, no
/// byte counters for UDP or from /proc; every /proc socket written back as a line reads back.
pub fn local_sockets(data: &[u8]) {
    use crate::source::local::sockets::{self, Proto, Sock};
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let proto = if first & 1 == 0 {
        Proto::Tcp
    } else {
        Proto::Udp
    };
    let same_family = |s: &Sock| s.local.is_ipv4() == s.remote.is_ipv4();
    let mut out = Vec::new();
    let _ = sockets::parse_datagram(proto, rest, &mut out);
    // A socket needs a 16-byte netlink header and a 72-byte inet_diag_msg.
    assert!(out.len() <= rest.len() / 88, "more sockets than messages");
    for s in &out {
        assert!(same_family(s), "mixed families from netlink: {s:?}");
        assert_eq!(s.proto, proto);
        if proto == Proto::Udp {
            assert!(s.rx_bytes.is_none() && s.tx_bytes.is_none() && s.rtt_us.is_none());
        }
    }
    let text = String::from_utf8_lossy(rest);
    let lines = text.lines().count();
    let socks: Vec<Sock> = sockets::parse_proc_net(proto, &text).collect();
    assert!(
        socks.len() <= lines.saturating_sub(1),
        "more sockets than lines"
    );
    for s in &socks {
        assert!(same_family(s), "mixed families from /proc: {s:?}");
        assert_eq!(s.proto, proto);
        assert!(s.rx_bytes.is_none() && s.tx_bytes.is_none() && s.rtt_us.is_none());
        let line = format!(
            "header\n 0: {} {} {:02X} 0:0 0:0 0 {} 0 {}\n",
            proc_addr(s.local),
            proc_addr(s.remote),
            s.state,
            s.uid,
            s.inode
        );
        let back: Vec<Sock> = sockets::parse_proc_net(proto, &line).collect();
        assert_eq!(back, std::slice::from_ref(s), "written back as {line:?}");
    }
}

/// An address the way /proc/net writes it: each 32-bit word in host byte order, in hex.
fn proc_addr(addr: std::net::SocketAddr) -> String {
    let octets = match addr.ip() {
        std::net::IpAddr::V4(ip) => ip.octets().to_vec(),
        std::net::IpAddr::V6(ip) => ip.octets().to_vec(),
    };
    let words: String = octets
        .chunks(4)
        .map(|w| format!("{:08X}", u32::from_ne_bytes([w[0], w[1], w[2], w[3]])))
        .collect();
    format!("{words}:{:04X}", addr.port())
}

/// ffmpeg processes: /proc/PID/cmdline (the input) split into arguments, which join back into
/// the same bytes; its inputs and outputs come only from those arguments (or tee slaves), with
/// consecutive indices, and never show a password or secret query value; `socket:[N]` links.
pub fn local_ffmpeg(data: &[u8]) {
    use crate::source::local::ffmpeg::{self, Medium};
    use crate::source::local::procs;
    let args: Vec<String> = procs::cmdline_args(data).map(Cow::into_owned).collect();
    let joined = args.join("\0");
    if let Ok(text) = std::str::from_utf8(data) {
        assert_eq!(joined, text.strip_suffix('\0').unwrap_or(text), "cmdline");
    }
    let again = format!("{joined}\0");
    assert!(procs::cmdline_args(again.as_bytes()).eq(args.iter().map(Cow::from)));
    let link = String::from_utf8_lossy(data);
    if let Some(inode) = procs::parse_socket_link(&link) {
        assert_eq!(
            procs::parse_socket_link(&format!("socket:[{inode}]")),
            Some(inode)
        );
    }
    let endpoints = ffmpeg::parse_args(&args, true).list;
    // What an endpoint may be made of: an argument, or one slave of a tee output.
    let mut raws: Vec<String> = args.clone();
    for arg in &args {
        raws.extend(
            ffmpeg::split_output(arg, Some("tee".into()))
                .into_iter()
                .map(|(url, _)| url),
        );
    }
    let masked: Vec<String> = raws.iter().map(|r| ffmpeg::mask_secrets(r)).collect();
    let mut next = [0, 0];
    for e in &endpoints {
        let counter = &mut next[usize::from(e.role == ffmpeg::Role::Output)];
        assert_eq!(e.index, *counter, "indices of {:?}", e.role);
        *counter += 1;
        assert!(
            masked.contains(&e.url),
            "endpoint {:?} is in no argument",
            e.url
        );
        if let Medium::Network { host, .. } = &e.medium {
            assert!(
                raws.iter().any(|r| r.contains(host.as_str())),
                "host {host:?} is in no argument"
            );
        }
        if let Some(pw) = url_password(&e.url) {
            assert_eq!(pw, "***", "password shown in {:?}", e.url);
        }
        if let Some((_, query)) = e.url.split_once("://").and_then(|(_, r)| r.split_once('?')) {
            for (key, value) in query.split('&').filter_map(|p| p.split_once('=')) {
                let k = key.to_ascii_lowercase();
                let secret = ["pass", "token", "secret", "key", "auth", "sig"]
                    .iter()
                    .any(|s| k.contains(s));
                assert!(
                    !secret || value == "***",
                    "secret {key} shown in {:?}",
                    e.url
                );
            }
        }
    }
}

/// The password of a URL as ffmpeg reads it (`av_url_split`): the authority ends at the first
/// `/`, `?` or `#`, the user info before its last `@`, the password after the first `:`.
fn url_password(url: &str) -> Option<&str> {
    let (_, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let (userinfo, _) = authority.rsplit_once('@')?;
    let (_, pw) = userinfo.split_once(':')?;
    (!pw.is_empty()).then_some(pw)
}

/// `--port-map COLLECTOR=PORT[,PORT…]` (or `+=`): errors are one line of plain text; a mapping
/// written back as `collector=p1,p2` (`+=` when adding) reads back the same.
pub fn port_map(data: &[u8]) {
    use crate::model::PortMapping;
    let text = String::from_utf8_lossy(data);
    match PortMapping::from_str(&text) {
        Ok(m) => {
            assert!(!m.ports.contains(&0), "port 0");
            assert_ne!(m.collector, Collector::Ffmpeg);
            let back = m.to_string();
            assert_eq!(PortMapping::from_str(&back).as_ref(), Ok(&m), "{back:?}");
        }
        Err(e) => one_line("port map error", &e),
    }
}

/// The config file: an error is one line of plain text starting `FILE:LINE:COL: ` with a line
/// inside the file; a file that parses, written by `config set`'s writer, parses back equal.
pub fn config_file(data: &[u8]) {
    // The file is read with `read_to_string`: only UTF-8 reaches the parser.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match crate::config_file::parse(text, "c.toml") {
        Ok(file) => {
            let written = match toml::to_string(&file) {
                Ok(written) => written,
                Err(e) => panic!("cannot write back {file:?}: {e}"),
            };
            match crate::config_file::parse(&written, "c.toml") {
                Ok(back) => assert_eq!(back, file, "written back as {written:?}"),
                Err(e) => panic!("written back as {written:?}, refused: {e}"),
            }
        }
        Err(e) => {
            let msg = e.to_string();
            one_line("config error", &msg);
            let mut parts = msg.splitn(4, ':');
            assert_eq!(parts.next(), Some("c.toml"), "{msg}");
            let mut number = || parts.next().and_then(|n| n.parse::<usize>().ok());
            let (Some(line), Some(col)) = (number(), number()) else {
                panic!("no line:col in {msg}");
            };
            assert!(line >= 1 && col >= 1, "{msg}");
            assert!(
                line <= text.split('\n').count(),
                "line {line} past the end: {msg}"
            );
        }
    }
}
