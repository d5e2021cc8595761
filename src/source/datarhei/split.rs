//! Splits a streamed `{"collector": [session, …], …}` reply into one byte slice per session as the
//! body arrives, so each session is parsed by serde_json's fast slice parser and the body is never
//! held whole (serde_json's reader API goes byte by byte and was 60% of the run time).
//!
//! The scanner only finds where values end (strings, nesting); every byte it hands on is then
//! checked by serde_json, and values it skips are checked as `IgnoredAny`, so malformed JSON is
//! still refused.

use std::fmt;

use serde::de::IgnoredAny;

/// Why a reply could not be split.
#[derive(Debug)]
pub enum SplitError {
    /// The body ended before the JSON did.
    Truncated,
    /// Not JSON at this byte offset.
    Syntax { offset: u64, what: String },
    /// JSON, but not an object of session lists.
    Shape(String),
    /// One value inside is wrong; `key` is its collector.
    Value {
        key: String,
        index: usize,
        error: serde_json::Error,
    },
}

impl fmt::Display for SplitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SplitError::Truncated => f.write_str("the JSON ends early"),
            SplitError::Syntax { offset, what } => write!(f, "{what} at byte {offset}"),
            SplitError::Shape(what) => f.write_str(what),
            SplitError::Value { key, index, error } => {
                // `{key:?}`: the key is the server's text and may hold line breaks or escape
                // sequences; quoted and escaped, the error stays one line (found by fuzzing).
                write!(f, "session {index} of {key:?}: {error}")
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Top,
    FirstKey,
    Key,
    Colon,
    Value,
    FirstElement,
    Element,
    AfterElement,
    AfterValue,
    End,
}

/// Where the scan of one value stands, so a value split across chunks is not scanned twice.
#[derive(Debug, Clone, Copy, Default)]
struct Scan {
    at: usize,
    depth: u32,
    in_string: bool,
    escaped: bool,
    started: bool,
}

pub struct Splitter<W, E> {
    buf: Vec<u8>,
    pos: usize,
    /// Bytes dropped from the front of `buf`, for error offsets.
    dropped: u64,
    stage: Stage,
    scan: Scan,
    key: String,
    wanted: bool,
    index: usize,
    wants: W,
    on_element: E,
}

/// Outcome of scanning for the end of a value.
enum End {
    At(usize),
    NeedMore,
}

impl<W, E> Splitter<W, E>
where
    W: FnMut(&str) -> bool,
    E: FnMut(&str, &[u8]) -> Result<(), serde_json::Error>,
{
    /// `wants(key)`: whether a key's list is handed to `on_element(key, session_bytes)`; other
    /// keys' values are checked and skipped.
    pub fn new(wants: W, on_element: E) -> Self {
        Splitter {
            buf: Vec::with_capacity(128 * 1024),
            pos: 0,
            dropped: 0,
            stage: Stage::Top,
            scan: Scan::default(),
            key: String::new(),
            wanted: false,
            index: 0,
            wants,
            on_element,
        }
    }

    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), SplitError> {
        self.compact();
        self.buf.extend_from_slice(chunk);
        self.advance(false)
    }

    /// The body is complete.
    pub fn finish(mut self) -> Result<(), SplitError> {
        self.advance(true)?;
        if self.stage == Stage::End {
            Ok(())
        } else {
            Err(SplitError::Truncated)
        }
    }

    /// Drops what is consumed. A value still being scanned starts at `pos`, so it is kept.
    fn compact(&mut self) {
        let keep_from = self.pos;
        if keep_from > 0 && keep_from * 2 >= self.buf.len() {
            self.buf.drain(..keep_from);
            self.dropped += keep_from as u64;
            self.pos -= keep_from;
            if self.scan.started {
                self.scan.at -= keep_from;
            }
        }
    }

    fn syntax(&self, at: usize, what: &str) -> SplitError {
        SplitError::Syntax {
            offset: self.dropped + at as u64,
            what: what.to_owned(),
        }
    }

    fn skip_ws(&mut self) -> Option<u8> {
        while let Some(&b) = self.buf.get(self.pos) {
            if !matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                return Some(b);
            }
            self.pos += 1;
        }
        None
    }

    fn advance(&mut self, at_eof: bool) -> Result<(), SplitError> {
        loop {
            let Some(b) = self.skip_ws() else {
                return Ok(());
            };
            let here = self.pos;
            match self.stage {
                Stage::Top => {
                    let json_start =
                        matches!(b, b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n');
                    if b != b'{' && !json_start {
                        return Err(self.syntax(here, "expected a JSON value"));
                    }
                    if b != b'{' {
                        return Err(SplitError::Shape(
                            "expected an object of session lists keyed by collector name".into(),
                        ));
                    }
                    self.pos += 1;
                    self.stage = Stage::FirstKey;
                }
                Stage::FirstKey | Stage::Key => {
                    if b == b'}' && self.stage == Stage::FirstKey {
                        self.pos += 1;
                        self.stage = Stage::End;
                        continue;
                    }
                    if b != b'"' {
                        return Err(self.syntax(here, "expected a key"));
                    }
                    let End::At(end) = self.value_end(at_eof)? else {
                        return Ok(());
                    };
                    let key: String = serde_json::from_slice(&self.buf[here..end])
                        .map_err(|_| self.syntax(here, "invalid key"))?;
                    self.wanted = (self.wants)(&key);
                    self.key = key;
                    self.index = 0;
                    self.pos = end;
                    self.stage = Stage::Colon;
                }
                Stage::Colon => {
                    if b != b':' {
                        return Err(self.syntax(here, "expected ':'"));
                    }
                    self.pos += 1;
                    self.stage = Stage::Value;
                }
                Stage::Value if self.wanted && b == b'[' => {
                    self.pos += 1;
                    self.stage = Stage::FirstElement;
                }
                Stage::Value => {
                    let End::At(end) = self.value_end(at_eof)? else {
                        return Ok(());
                    };
                    let value = &self.buf[here..end];
                    if self.wanted && value != b"null" {
                        return Err(SplitError::Shape(format!(
                            "the value of {:?} is not a list of sessions",
                            self.key
                        )));
                    }
                    serde_json::from_slice::<IgnoredAny>(value).map_err(|error| {
                        SplitError::Value {
                            key: self.key.clone(),
                            index: 0,
                            error,
                        }
                    })?;
                    self.pos = end;
                    self.stage = Stage::AfterValue;
                }
                Stage::FirstElement if b == b']' => {
                    self.pos += 1;
                    self.stage = Stage::AfterValue;
                }
                Stage::FirstElement | Stage::Element => {
                    let End::At(end) = self.value_end(at_eof)? else {
                        return Ok(());
                    };
                    (self.on_element)(&self.key, &self.buf[here..end]).map_err(|error| {
                        SplitError::Value {
                            key: self.key.clone(),
                            index: self.index,
                            error,
                        }
                    })?;
                    self.index += 1;
                    self.pos = end;
                    self.stage = Stage::AfterElement;
                }
                Stage::AfterElement => {
                    self.pos += 1;
                    match b {
                        b',' => self.stage = Stage::Element,
                        b']' => self.stage = Stage::AfterValue,
                        _ => return Err(self.syntax(here, "expected ',' or ']' in a list")),
                    }
                }
                Stage::AfterValue => {
                    self.pos += 1;
                    match b {
                        b',' => self.stage = Stage::Key,
                        b'}' => self.stage = Stage::End,
                        _ => return Err(self.syntax(here, "expected ',' or '}'")),
                    }
                }
                Stage::End => return Err(self.syntax(here, "trailing characters after the JSON")),
            }
        }
    }

    /// Finds the end of the value starting at `pos`: past its closing quote or bracket, or
    /// before the delimiter that ends a number or literal.
    fn value_end(&mut self, at_eof: bool) -> Result<End, SplitError> {
        let mut s = if self.scan.started {
            self.scan
        } else {
            Scan {
                at: self.pos,
                started: true,
                ..Scan::default()
            }
        };
        let scalar = !matches!(self.buf[self.pos], b'"' | b'{' | b'[');
        let mut end = None;
        while let Some(&b) = self.buf.get(s.at) {
            if scalar {
                if matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r') {
                    end = Some(s.at);
                    break;
                }
                s.at += 1;
                continue;
            }
            if s.in_string && !s.escaped {
                // Most bytes are inside strings: jump to the next quote or backslash.
                match memchr::memchr2(b'"', b'\\', &self.buf[s.at..]) {
                    Some(skip) => s.at += skip,
                    None => {
                        s.at = self.buf.len();
                        break;
                    }
                }
                let special = self.buf[s.at];
                s.at += 1;
                if special == b'\\' {
                    s.escaped = true;
                    continue;
                }
                s.in_string = false;
                if s.depth == 0 {
                    end = Some(s.at);
                    break;
                }
                continue;
            }
            s.at += 1;
            if s.in_string {
                // The character after a backslash: never the end of the string.
                s.escaped = false;
                continue;
            }
            match b {
                b'"' => s.in_string = true,
                b'{' | b'[' => s.depth += 1,
                b'}' | b']' => {
                    s.depth = s.depth.saturating_sub(1);
                    if s.depth == 0 {
                        end = Some(s.at);
                        break;
                    }
                }
                _ => {}
            }
        }
        match end {
            Some(at) => {
                self.scan.started = false;
                Ok(End::At(at))
            }
            // The document is an object: it cannot end inside any value.
            None if at_eof => Err(SplitError::Truncated),
            None => {
                self.scan = s;
                Ok(End::NeedMore)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Splits `body` fed in chunks of `step` bytes; returns `key=element` strings.
    fn split(body: &str, step: usize) -> Result<Vec<String>, SplitError> {
        let mut got = Vec::new();
        let mut splitter = Splitter::new(
            |k: &str| k != "skip",
            |k: &str, v: &[u8]| {
                serde_json::from_slice::<IgnoredAny>(v)?;
                got.push(format!("{k}={}", String::from_utf8_lossy(v)));
                Ok(())
            },
        );
        for chunk in body.as_bytes().chunks(step.max(1)) {
            splitter.feed(chunk)?;
        }
        splitter.finish()?;
        Ok(got)
    }

    const BODY: &str = r#" {"rtmp": [ {"id":"a]}\"","n":[1,{"x":2}]} , {"id":"b"}],
        "skip": {"deep": [1, 2, {"s": "}]"}]}, "hls":[], "srt": null, "x\u0041": [7]} "#;

    #[test]
    fn splits_at_every_chunk_size() {
        let want = [
            r#"rtmp={"id":"a]}\"","n":[1,{"x":2}]}"#,
            r#"rtmp={"id":"b"}"#,
            "xA=7",
        ];
        for step in [1, 2, 3, 7, 64, 4096] {
            assert_eq!(split(BODY, step).unwrap(), want, "chunks of {step}");
        }
    }

    #[test]
    fn empty_object_and_whitespace() {
        assert!(split("{}", 1).unwrap().is_empty());
        assert!(split(" \n{ }\n", 1).unwrap().is_empty());
    }

    #[test]
    fn truncation_anywhere_is_reported() {
        for cut in 1..BODY.trim_end().len() {
            let err = split(&BODY[..cut], 5).unwrap_err();
            assert!(
                matches!(err, SplitError::Truncated | SplitError::Value { .. }),
                "cut at {cut}: {err}"
            );
        }
        assert!(matches!(split("", 1), Err(SplitError::Truncated)));
    }

    #[test]
    fn malformed_json_is_refused() {
        for bad in [
            "[]",
            r#"{"rtmp": {"id": 1}}"#,
            r#"{"rtmp": "x"}"#,
            r#"{"rtmp": [1,,2]}"#,
            r#"{"rtmp": [{"a":1}} "#,
            r#"{"skip": [1,,2]}"#,
            r#"{"rtmp": []} x"#,
            r#"{"rtmp" []}"#,
            r#"{rtmp: []}"#,
            r#"{"rtmp": [] "hls": []}"#,
            r#"{"rtmp": [{"a":1} {"b":2}]}"#,
            r#"{"rtmp": [tru]}"#,
        ] {
            assert!(split(bad, 3).is_err(), "{bad}");
        }
    }

    /// Fuzz crash (fuzz/ target `datarhei_active`): a key with an escaped CR put a line break
    /// into the one-line error.
    #[test]
    fn fuzz_regression_keys_are_escaped_in_errors() {
        let body = b"{\"cod\\referenc\":4gd\xab\x8b\x00\x11\x00\x00\"}\x1a";
        let mut splitter = Splitter::new(|_: &str| false, |_: &str, _: &[u8]| Ok(()));
        let err = splitter.feed(body).unwrap_err().to_string();
        assert!(err.starts_with(r#"session 0 of "cod\referenc": "#), "{err}");
        assert!(!err.contains(['\r', '\n']), "{err}");
    }

    #[test]
    fn errors_name_the_place() {
        let err = split(r#"{"rtmp": [{"id":"a"}, {"id":}]}"#, 4).unwrap_err();
        assert!(
            err.to_string().starts_with("session 1 of \"rtmp\": "),
            "{err}"
        );
        let err = split("pong", 2).unwrap_err();
        assert_eq!(err.to_string(), "expected a JSON value at byte 0");
        let err = split("{\"rtmp\": [] x", 2).unwrap_err();
        assert_eq!(err.to_string(), "expected ',' or '}' at byte 12");
    }
}
