//! The output oracles: every renderer, and the gate every stderr line passes, checked on the
//! fuzzer's text. No raw control, bidi or separator character in any format; one row per line;
//! what the machine formats write reads back as the text (TSV unescaped, JSON parsed,
//! Prometheus parsed by the format's own grammar); no secret left on an error line.

use super::{FORMATS, fuzz_session, options, separators};
use crate::model::Session;
use crate::render;
use crate::render::OutputFormat;

/// What no output may hold raw: `text::is_unsafe` (C0, C1, DEL, bidi, separators), but for the
/// line feeds that end rows and the characters in `allowed` (TSV's tabs).
pub(super) fn assert_safe(what: &str, out: &[u8], allowed: &[char]) {
    let text = String::from_utf8_lossy(out);
    let raw = text
        .chars()
        .find(|&c| c != '\n' && !allowed.contains(&c) && crate::text::is_unsafe(c));
    assert!(raw.is_none(), "{what} passes {raw:?} raw: {text:?}");
}

/// A TSV field back to its text: the reverse of `text::write_reversible`.
fn tsv_unescape(field: &str) -> Option<String> {
    let mut out = String::with_capacity(field.len());
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            '\\' => out.push('\\'),
            't' => out.push('\t'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            'u' => {
                let hex: String = chars.by_ref().take(4).collect();
                let code = u32::from_str_radix(&hex, 16)
                    .ok()
                    .filter(|_| hex.len() == 4)?;
                out.push(char::from_u32(code)?);
            }
            _ => return None,
        }
    }
    Some(out)
}

/// A sample: its metric name and label values.
type Sample = (String, Vec<String>);

/// One Prometheus sample line: its name and label values, unescaped by the format's own rules
/// (`\\`, `\"`, `\n`); `None` when the line is not a well-formed sample with a number.
fn prometheus_sample(line: &str) -> Option<Sample> {
    let name_end = line.find(['{', ' '])?;
    let (name, mut rest) = line.split_at(name_end);
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let mut values = Vec::new();
    if let Some(labels) = rest.strip_prefix('{') {
        let mut chars = labels.char_indices();
        loop {
            let (eq, _) = chars.by_ref().find(|&(_, c)| c == '=')?;
            let label = &labels[..eq];
            let label = label.rsplit(',').next()?;
            if label.is_empty() || !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return None;
            }
            if chars.next()?.1 != '"' {
                return None;
            }
            let mut value = String::new();
            loop {
                match chars.next()?.1 {
                    '"' => break,
                    '\\' => match chars.next()?.1 {
                        '\\' => value.push('\\'),
                        '"' => value.push('"'),
                        'n' => value.push('\n'),
                        _ => return None,
                    },
                    c => value.push(c),
                }
            }
            values.push(value);
            match chars.next()? {
                (_, ',') => {}
                (at, '}') => {
                    rest = &labels[at + 1..];
                    break;
                }
                _ => return None,
            }
        }
    }
    let number = rest.strip_prefix(' ')?;
    let ok = matches!(number, "+Inf" | "-Inf" | "NaN") || number.parse::<f64>().is_ok();
    ok.then(|| (name.to_owned(), values))
}

/// A Prometheus exposition: each line a comment or a well-formed sample; the samples, in order.
pub(super) fn prometheus_lines(out: &[u8]) -> Vec<Sample> {
    let text = String::from_utf8_lossy(out);
    let mut samples = Vec::new();
    for line in text.lines() {
        if line.starts_with("# HELP ") || line.starts_with("# TYPE ") {
            continue;
        }
        match prometheus_sample(line) {
            Some(sample) => samples.push(sample),
            None => panic!("not a comment or a sample: {line:?}"),
        }
    }
    samples
}

/// A label value as `-o prometheus` shows a server's text: unsafe characters but the line feed
/// as the text `\uXXXX`, the rest as it is.
fn prometheus_text(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\n' => "\n".to_string(),
            c if crate::text::is_unsafe(c) => format!("\\u{:04x}", u32::from(c)),
            c => c.to_string(),
        })
        .collect()
}

/// The text fields of a session, as every format must carry them.
fn session_texts(s: &Session) -> [&str; 4] {
    [&s.id, &s.reference, &s.local, &s.remote]
}

/// Renders sessions every way: no raw unsafe character anywhere; tables, TSV and NDJSON keep one
/// line per session; TSV fields, JSON strings and Prometheus labels read back as the sessions'
/// text.
pub(super) fn render_sessions(sessions: &[Session]) {
    for format in FORMATS {
        let mut out = Vec::new();
        if let Err(e) = render::sessions(&mut out, sessions, None, &options(format)) {
            panic!("rendering failed: {e}");
        }
        let what = format!("{format:?}");
        let allowed = separators(format);
        assert_safe(&what, &out, allowed);
        let text = String::from_utf8_lossy(&out);
        let lines: Vec<&str> = text.lines().collect();
        match format {
            OutputFormat::Tsv => {
                assert_eq!(lines.len(), sessions.len() + 1, "tsv rows");
                for (line, s) in lines[1..].iter().zip(sessions) {
                    let fields: Vec<Option<String>> = line.split('\t').map(tsv_unescape).collect();
                    assert_eq!(fields.len(), 12, "tsv fields: {line:?}");
                    for (i, want) in session_texts(s).iter().enumerate() {
                        assert_eq!(fields[i + 1].as_deref(), Some(*want), "tsv field {i}");
                    }
                }
            }
            OutputFormat::Ndjson => {
                assert_eq!(lines.len(), sessions.len(), "ndjson rows");
                for (line, s) in lines.iter().zip(sessions) {
                    let back: serde_json::Value = match serde_json::from_str(line) {
                        Ok(v) => v,
                        Err(e) => panic!("ndjson line does not read back: {e}"),
                    };
                    assert_eq!(back["id"].as_str(), Some(s.id.as_str()), "ndjson id");
                }
            }
            OutputFormat::Json => {
                let back: Vec<serde_json::Value> = match serde_json::from_slice(&out) {
                    Ok(v) => v,
                    Err(e) => panic!("json does not read back: {e}"),
                };
                assert_eq!(back.len(), sessions.len(), "json");
                for (b, s) in back.iter().zip(sessions) {
                    for (key, want) in ["id", "reference", "local", "remote"]
                        .into_iter()
                        .zip(session_texts(s))
                    {
                        assert_eq!(b[key].as_str(), Some(want), "json {key}");
                    }
                    // Through the same text both ways: serde_json reads some floats a unit in
                    // the last place off (9.9999e268), whoever wrote them (found by `streaming`).
                    let written: serde_json::Value =
                        match serde_json::from_str(&s.extra.to_string()) {
                            Ok(v) => v,
                            Err(e) => panic!("extra does not read back: {e}"),
                        };
                    assert_eq!(b["extra"], written, "json extra");
                }
            }
            OutputFormat::Prometheus => {
                // Each family: a sample per session whose value is known, in order.
                let samples = prometheus_lines(&out);
                let known: usize = SESSION_FAMILIES
                    .iter()
                    .map(|f| sessions.iter().filter(|s| has_sample(f, s)).count())
                    .sum();
                assert_eq!(samples.len(), known, "samples");
                for family in samples.chunk_by(|a, b| a.0 == b.0) {
                    let name = family[0].0.as_str();
                    let rows: Vec<&Session> =
                        sessions.iter().filter(|s| has_sample(name, s)).collect();
                    assert_eq!(family.len(), rows.len(), "samples of {name}");
                    for ((_, labels), s) in family.iter().zip(rows) {
                        let want: Vec<String> = session_texts(s).map(prometheus_text).to_vec();
                        assert_eq!(labels[1..], want[..], "prometheus labels");
                    }
                }
            }
            OutputFormat::Table | OutputFormat::Wide => {
                assert_eq!(lines.len(), sessions.len() + 1, "table rows");
            }
        }
    }
}

/// The per-session families of `-o prometheus`, in the order they are written.
const SESSION_FAMILIES: [&str; 5] = [
    "sessions_session_rx_bytes_total",
    "sessions_session_tx_bytes_total",
    "sessions_session_rx_bytes_per_second",
    "sessions_session_tx_bytes_per_second",
    "sessions_session_age_seconds",
];

/// Whether a session has a sample in the family `name`: only where its value is known (the
/// streaming servers count no bytes per client, say, and a server's clock may be ahead).
fn has_sample(name: &str, s: &Session) -> bool {
    match name {
        "sessions_session_rx_bytes_total" => s.rx_bytes.is_some(),
        "sessions_session_tx_bytes_total" => s.tx_bytes.is_some(),
        "sessions_session_rx_bytes_per_second" => s.rx_bit_s.is_some(),
        "sessions_session_tx_bytes_per_second" => s.tx_bit_s.is_some(),
        "sessions_session_age_seconds" => s.age_s.is_some(),
        other => panic!("a family that is not a session's: {other}"),
    }
}

/// Text fields of the fuzzer's choosing: the input split at 0xFF bytes (never part of UTF-8),
/// each piece read as UTF-8 with replacement characters.
fn texts(data: &[u8]) -> Vec<String> {
    data.split(|&b| b == 0xFF)
        .map(|piece| String::from_utf8_lossy(piece).into_owned())
        .collect()
}

/// Every renderer on rows made of the fuzzer's text: sessions (every format, alone and labelled
/// with targets) and TwinCAT clients; no raw unsafe character, one row per line, and what the
/// machine formats write reads back as the text.
pub fn render(data: &[u8]) {
    let texts = texts(data);
    let mut next = texts.iter().cycle();
    let mut field = || next.next().cloned().unwrap_or_default();
    let rows = texts.len().div_ceil(5).clamp(1, 64);
    let sessions: Vec<Session> = (0..rows).map(|_| fuzz_session(&mut field)).collect();
    render_sessions(&sessions);

    let targets: Vec<String> = (0..sessions.len()).map(|_| field()).collect();
    for format in [OutputFormat::Tsv, OutputFormat::Table, OutputFormat::Ndjson] {
        let mut out = Vec::new();
        if let Err(e) = render::sessions(&mut out, &sessions, Some(&targets), &options(format)) {
            panic!("rendering failed: {e}");
        }
        let allowed = separators(format);
        assert_safe("labelled rows", &out, allowed);
        let text = String::from_utf8_lossy(&out);
        let header = usize::from(format != OutputFormat::Ndjson);
        assert_eq!(
            text.lines().count(),
            sessions.len() + header,
            "{format:?} rows"
        );
        if format == OutputFormat::Tsv {
            for (line, target) in text.lines().skip(1).zip(&targets) {
                let first = line.split('\t').next().and_then(tsv_unescape);
                assert_eq!(first.as_deref(), Some(target.as_str()), "tsv target");
            }
        }
    }

    let clients: Vec<crate::model::Client> = (0..rows)
        .map(|i| crate::model::Client {
            client: field(),
            session_id: field(),
            user: field(),
            commands: vec![crate::model::ClientCommand {
                id: i as u64,
                symbol: field(),
            }],
        })
        .collect();
    for format in FORMATS
        .into_iter()
        .filter(|f| *f != OutputFormat::Prometheus)
    {
        let mut out = Vec::new();
        if let Err(e) = render::clients(&mut out, &clients, None, &options(format)) {
            panic!("rendering failed: {e}");
        }
        let allowed = separators(format);
        assert_safe("clients", &out, allowed);
        if format == OutputFormat::Tsv {
            let text = String::from_utf8_lossy(&out);
            for (line, c) in text.lines().skip(1).zip(&clients) {
                let fields: Vec<Option<String>> = line.split('\t').map(tsv_unescape).collect();
                assert_eq!(fields[0].as_deref(), Some(c.client.as_str()), "tsv client");
                assert_eq!(fields[2].as_deref(), Some(c.user.as_str()), "tsv user");
            }
        }
    }
}

/// A server's words quoted in an error line: a secret (the first piece) is remembered, the text
/// (the rest) is masked as `text::said` masks it and goes through the gate every stderr line
/// passes. No unsafe character passes, no line is longer than the limit; no form of the secret
/// of 8 characters or more is left, and a shorter one nowhere it stands alone (a password `1`
/// must not garble `code 4101`; found by this target: the one-line form of a long secret can be
/// that short).
pub fn stderr_line(data: &[u8]) {
    let texts = texts(data);
    let [secret, rest @ ..] = texts.as_slice() else {
        return;
    };
    // The mask is `***`: a secret made of stars could be rebuilt by the masking itself.
    if secret.contains('*') {
        return;
    }
    let forms = crate::mask::forms(secret);
    let text = rest.join(secret);
    let line = crate::diag::gate(&crate::mask::mask_with(&text, &forms));
    assert_safe("stderr line", line.as_bytes(), &[]);
    assert!(!line.contains('\n'), "stderr line breaks: {line:?}");
    assert!(
        line.len() <= crate::diag::LINE_LIMIT + '…'.len_utf8(),
        "stderr line of {} bytes",
        line.len()
    );
    // Before the cut, which may leave a short form beside its `…`.
    let masked = crate::mask::mask_with(&text, &forms);
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    for form in &forms {
        let left = if form.chars().count() >= crate::mask::MASK_ANYWHERE {
            masked.contains(form.as_str())
        } else {
            masked.match_indices(form.as_str()).any(|(at, _)| {
                let end = at + form.len();
                !word(masked[..at].chars().next_back()) && !word(masked[end..].chars().next())
            })
        };
        assert!(!left, "{form:?} left in {masked:?}");
    }
}
