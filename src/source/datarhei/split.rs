//! Splits a streamed `{"collector": [session, …], …}` reply into sessions as the body arrives:
//! each session is parsed by serde_json's fast slice parser straight out of the buffer, and the
//! body is never held whole (serde_json's reader API goes byte by byte and was 60% of the run time).
//!
//! Only the outer object and its lists are walked here; every value in them, kept or skipped, is
//! parsed by serde_json, so malformed JSON is still refused. A value cut off by the end of the
//! bytes so far is parsed again only once twice as many have come, so each byte is parsed a few
//! times at most, whatever the server sends. The body is checked to be UTF-8 as it is read, in
//! long runs, so serde_json parses `str`s and need not check each string it meets (that check was
//! a fifth of the parse).

use std::fmt;
use std::io::{self, Read};
use std::marker::PhantomData;

use serde::de::{DeserializeOwned, IgnoredAny};

use crate::source::budget::OverBudget;

/// How much is read from the body at a time.
const READ_SIZE: usize = 64 * 1024;

/// Why a reply could not be split.
#[derive(Debug)]
pub(crate) enum SplitError {
    /// The body ended before the JSON did.
    Truncated,
    /// Not JSON at this byte offset.
    Syntax { offset: u64, what: String },
    /// JSON, but not an object of session lists.
    Shape(String),
    /// The body stops being UTF-8 at this byte offset, inside session `index` of `key` if any.
    NotUtf8 {
        offset: u64,
        session: Option<(String, usize)>,
    },
    /// One value inside is wrong; `key` is its collector.
    Value {
        key: String,
        index: usize,
        error: serde_json::Error,
    },
    /// What the sessions would take passes the memory budget.
    Over(OverBudget),
}

impl fmt::Display for SplitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SplitError::Truncated => f.write_str("the JSON ends early"),
            SplitError::Syntax { offset, what } => write!(f, "{what} at byte {offset}"),
            SplitError::Shape(what) => f.write_str(what),
            SplitError::NotUtf8 { offset, session } => {
                if let Some((key, index)) = session {
                    write!(f, "session {index} of {key:?}: ")?;
                }
                write!(f, "bytes that are not UTF-8 at byte {offset}")
            }
            SplitError::Value { key, index, error } => {
                // `{key:?}`: the key is the server's text and may hold line breaks or escape
                // sequences; quoted and escaped, the error stays one line.
                write!(f, "session {index} of {key:?}: {error}")
            }
            SplitError::Over(over) => write!(f, "{over}"),
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

/// What parsing the value at the read position gave.
enum Parsed<V> {
    /// The value and the offset just past it.
    Done(V, usize),
    /// The bytes so far end inside it.
    NeedMore,
    Failed(serde_json::Error),
}

/// `K` is what `wants` makes of a key whose list is kept, `T` one element of such a list.
pub(super) struct Splitter<K, T, W, E> {
    /// The body read so far and not yet consumed, up to its first byte that is not UTF-8.
    text: String,
    pos: usize,
    /// Bytes dropped from the front of `text`, for error offsets.
    dropped: u64,
    /// What was read and is not in `text` yet: the start of a character cut by a read.
    raw: Vec<u8>,
    /// Where the body is read into: zeroed once (`read_to_end` zeroes the room it reads into on
    /// every call, a pass over the whole body).
    chunk: Box<[u8]>,
    /// Where the body stops being UTF-8: nothing past it is kept.
    not_utf8_at: Option<u64>,
    stage: Stage,
    key: String,
    wanted: Option<K>,
    index: usize,
    /// The value at `pos` was cut off after this many bytes (0: not tried yet).
    cut_after: usize,
    wants: W,
    on_element: E,
    element: PhantomData<fn() -> T>,
}

impl<K, T, W, E> Splitter<K, T, W, E>
where
    K: Clone,
    T: DeserializeOwned,
    W: FnMut(&str) -> Option<K>,
    E: FnMut(K, T) -> Result<(), OverBudget>,
{
    /// `wants(key)`: `Some` when a key's list is handed to `on_element` element by element;
    /// other keys' values are checked and skipped. `on_element` stops the split when what it
    /// builds would pass the memory budget.
    pub(super) fn new(wants: W, on_element: E) -> Self {
        Splitter {
            text: String::with_capacity(2 * READ_SIZE),
            pos: 0,
            dropped: 0,
            raw: Vec::new(),
            chunk: vec![0; READ_SIZE].into_boxed_slice(),
            not_utf8_at: None,
            stage: Stage::Top,
            key: String::new(),
            wanted: None,
            index: 0,
            cut_after: 0,
            wants,
            on_element,
            element: PhantomData,
        }
    }

    /// Reads the next piece of the body; 0 at its end.
    pub(super) fn read_from(&mut self, reader: &mut dyn Read) -> io::Result<usize> {
        self.compact();
        let mut n = 0;
        while n < READ_SIZE {
            match reader.read(&mut self.chunk[n..]) {
                Ok(0) => break,
                Ok(more) => n += more,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        self.take_text(n);
        Ok(n)
    }

    /// Moves the UTF-8 of `raw` and the first `n` bytes of `chunk` into `text`, keeping a
    /// character cut off at their end for the next read.
    fn take_text(&mut self, n: usize) {
        if self.not_utf8_at.is_some() {
            self.raw.clear();
            return;
        }
        let fresh = &self.chunk[..n];
        let mut joined = std::mem::take(&mut self.raw);
        let bytes = if joined.is_empty() {
            fresh
        } else {
            joined.extend_from_slice(fresh);
            &joined[..]
        };
        let (tail, bad) = match std::str::from_utf8(bytes) {
            Ok(text) => {
                self.text.push_str(text);
                (Vec::new(), false)
            }
            Err(e) => {
                let up_to = e.valid_up_to();
                if let Ok(text) = std::str::from_utf8(&bytes[..up_to]) {
                    self.text.push_str(text);
                }
                (bytes[up_to..].to_vec(), e.error_len().is_some())
            }
        };
        joined.clear();
        joined.extend_from_slice(&tail);
        self.raw = joined;
        if bad {
            self.stop_text();
        }
    }

    fn stop_text(&mut self) {
        self.not_utf8_at = Some(self.dropped + self.text.len() as u64);
        self.raw.clear();
    }

    /// Returned where more of the body is needed: there is none past bytes that are not UTF-8.
    fn wait(&self) -> Result<(), SplitError> {
        let Some(offset) = self.not_utf8_at else {
            return Ok(());
        };
        let in_session = matches!(self.stage, Stage::FirstElement | Stage::Element);
        Err(SplitError::NotUtf8 {
            offset,
            session: in_session.then(|| (self.key.clone(), self.index)),
        })
    }

    /// Hands on what the bytes read so far complete.
    pub(super) fn advance(&mut self) -> Result<(), SplitError> {
        self.step(false)
    }

    /// The body is complete.
    pub(super) fn finish(mut self) -> Result<(), SplitError> {
        if !self.raw.is_empty() {
            // The body ends inside a character.
            self.stop_text();
        }
        self.step(true)?;
        if self.stage == Stage::End {
            Ok(())
        } else {
            Err(SplitError::Truncated)
        }
    }

    /// Drops what is consumed once it is at least half the buffer, so moving the rest is cheap.
    /// (`pos` is always at a character boundary: values end at ASCII bytes.)
    fn compact(&mut self) {
        let consumed = self.pos;
        if consumed > 0 && consumed * 2 >= self.text.len() && self.text.is_char_boundary(consumed) {
            self.text.drain(..consumed);
            self.dropped += consumed as u64;
            self.pos = 0;
        }
    }

    fn syntax(&self, at: usize, what: &str) -> SplitError {
        SplitError::Syntax {
            offset: self.dropped + at as u64,
            what: what.to_owned(),
        }
    }

    fn value_error(&self, error: serde_json::Error, at_eof: bool) -> SplitError {
        if at_eof && error.is_eof() {
            return SplitError::Truncated;
        }
        SplitError::Value {
            key: self.key.clone(),
            index: self.index,
            error,
        }
    }

    fn skip_ws(&mut self) -> Option<u8> {
        while let Some(&b) = self.text.as_bytes().get(self.pos) {
            if !matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                return Some(b);
            }
            self.pos += 1;
        }
        None
    }

    /// Parses the value that starts at `pos`. A value that reaches the end of the bytes so far may
    /// go on (a number, or an error that only their end caused), so it is done only at the end of
    /// the body; until then it is tried again once the bytes after `pos` have doubled.
    fn parse<V: DeserializeOwned>(&mut self, at_eof: bool) -> Parsed<V> {
        // No more text comes after bytes that are not UTF-8.
        let last = at_eof || self.not_utf8_at.is_some();
        let slice = self.text.get(self.pos..).unwrap_or_default();
        if !last && slice.len() < 2 * self.cut_after {
            return Parsed::NeedMore;
        }
        let mut values = serde_json::Deserializer::from_str(slice).into_iter::<V>();
        let parsed = match values.next() {
            Some(Ok(v)) if last || values.byte_offset() < slice.len() => {
                Parsed::Done(v, self.pos + values.byte_offset())
            }
            Some(Err(e))
                if at_eof || (!e.is_eof() && (last || ends_before(slice.as_bytes(), &e))) =>
            {
                Parsed::Failed(e)
            }
            _ => {
                self.cut_after = slice.len();
                return Parsed::NeedMore;
            }
        };
        self.cut_after = 0;
        parsed
    }

    fn step(&mut self, at_eof: bool) -> Result<(), SplitError> {
        // Past bytes that are not UTF-8 the body is cut short, but it is no truncation.
        let at_eof = at_eof && self.not_utf8_at.is_none();
        loop {
            let Some(b) = self.skip_ws() else {
                return self.wait();
            };
            let flow = match self.stage {
                Stage::Top => self.top(b),
                Stage::FirstKey | Stage::Key => self.key(b, at_eof),
                Stage::Colon => self.colon(b),
                Stage::Value => self.value(b, at_eof),
                Stage::FirstElement | Stage::Element => self.element(b, at_eof),
                Stage::AfterElement => self.after_element(b),
                Stage::AfterValue => self.after_value(b),
                Stage::End => Err(self.syntax(self.pos, "trailing characters after the JSON")),
            }?;
            if let Flow::Wait = flow {
                return self.wait();
            }
        }
    }

    /// The body opens the object of session lists.
    fn top(&mut self, b: u8) -> Result<Flow, SplitError> {
        if b == b'{' {
            self.pos += 1;
            self.stage = Stage::FirstKey;
            return Ok(Flow::On);
        }
        if matches!(b, b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n') {
            return Err(SplitError::Shape(
                "expected an object of session lists keyed by collector name".into(),
            ));
        }
        Err(self.syntax(self.pos, "expected a JSON value"))
    }

    /// A collector's name, or the end of an empty object.
    fn key(&mut self, b: u8, at_eof: bool) -> Result<Flow, SplitError> {
        let here = self.pos;
        if b == b'}' && self.stage == Stage::FirstKey {
            self.pos += 1;
            self.stage = Stage::End;
            return Ok(Flow::On);
        }
        if b != b'"' {
            return Err(self.syntax(here, "expected a key"));
        }
        let (key, end) = match self.parse::<String>(at_eof) {
            Parsed::Done(key, end) => (key, end),
            Parsed::NeedMore => return Ok(Flow::Wait),
            Parsed::Failed(e) if e.is_eof() => return Err(SplitError::Truncated),
            Parsed::Failed(_) => return Err(self.syntax(here, "invalid key")),
        };
        self.wanted = (self.wants)(&key);
        self.key = key;
        self.index = 0;
        self.pos = end;
        self.stage = Stage::Colon;
        Ok(Flow::On)
    }

    fn colon(&mut self, b: u8) -> Result<Flow, SplitError> {
        if b != b':' {
            return Err(self.syntax(self.pos, "expected ':'"));
        }
        self.pos += 1;
        self.stage = Stage::Value;
        Ok(Flow::On)
    }

    /// A wanted collector's list is entered; any other value is skipped whole.
    fn value(&mut self, b: u8, at_eof: bool) -> Result<Flow, SplitError> {
        let here = self.pos;
        if self.wanted.is_some() && b == b'[' {
            self.pos += 1;
            self.stage = Stage::FirstElement;
            return Ok(Flow::On);
        }
        let end = match self.parse::<IgnoredAny>(at_eof) {
            Parsed::Done(_, end) => end,
            Parsed::NeedMore => return Ok(Flow::Wait),
            Parsed::Failed(e) => return Err(self.value_error(e, at_eof)),
        };
        if self.wanted.is_some() && &self.text.as_bytes()[here..end] != b"null" {
            return Err(SplitError::Shape(format!(
                "the value of {:?} is not a list of sessions",
                self.key
            )));
        }
        self.pos = end;
        self.stage = Stage::AfterValue;
        Ok(Flow::On)
    }

    /// One session of a list (handed on when its collector is wanted), or the end of an empty list.
    fn element(&mut self, b: u8, at_eof: bool) -> Result<Flow, SplitError> {
        if b == b']' && self.stage == Stage::FirstElement {
            self.pos += 1;
            self.stage = Stage::AfterValue;
            return Ok(Flow::On);
        }
        let (element, end) = match self.parse::<T>(at_eof) {
            Parsed::Done(element, end) => (element, end),
            Parsed::NeedMore => return Ok(Flow::Wait),
            Parsed::Failed(e) => return Err(self.value_error(e, at_eof)),
        };
        if let Some(key) = &self.wanted {
            (self.on_element)(key.clone(), element).map_err(SplitError::Over)?;
        }
        self.index += 1;
        self.pos = end;
        self.stage = Stage::AfterElement;
        Ok(Flow::On)
    }

    fn after_element(&mut self, b: u8) -> Result<Flow, SplitError> {
        let here = self.pos;
        self.pos += 1;
        self.stage = match b {
            b',' => Stage::Element,
            b']' => Stage::AfterValue,
            _ => return Err(self.syntax(here, "expected ',' or ']' in a list")),
        };
        Ok(Flow::On)
    }

    fn after_value(&mut self, b: u8) -> Result<Flow, SplitError> {
        let here = self.pos;
        self.pos += 1;
        self.stage = match b {
            b',' => Stage::Key,
            b'}' => Stage::End,
            _ => return Err(self.syntax(here, "expected ',' or '}'")),
        };
        Ok(Flow::On)
    }
}

/// What a stage of the splitter did: moved on, or needs more of the body.
enum Flow {
    On,
    Wait,
}

/// Whether serde_json's error lies before the end of `slice`, so more bytes cannot change it.
/// Its place is a line and a 1-based column.
fn ends_before(slice: &[u8], e: &serde_json::Error) -> bool {
    let line_start = match e.line().checked_sub(2) {
        None => 0,
        Some(newlines) => match memchr::memchr_iter(b'\n', slice).nth(newlines) {
            Some(at) => at + 1,
            None => return false,
        },
    };
    line_start + e.column() < slice.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    impl<K: Clone, T: DeserializeOwned, W, E> Splitter<K, T, W, E>
    where
        W: FnMut(&str) -> Option<K>,
        E: FnMut(K, T) -> Result<(), OverBudget>,
    {
        /// As `read_from` does, a chunk at a time.
        fn feed(&mut self, chunk: &[u8]) -> Result<(), SplitError> {
            self.compact();
            self.chunk[..chunk.len()].copy_from_slice(chunk);
            self.take_text(chunk.len());
            self.advance()
        }
    }

    /// Splits `body` fed in chunks of `step` bytes; returns `key=element` strings.
    fn split(body: &str, step: usize) -> Result<Vec<String>, SplitError> {
        split_bytes(body.as_bytes(), step)
    }

    fn split_bytes(body: &[u8], step: usize) -> Result<Vec<String>, SplitError> {
        let mut got = Vec::new();
        let mut splitter = Splitter::new(
            |k: &str| (k != "skip").then(|| k.to_owned()),
            |k: String, v: serde_json::Value| {
                got.push(format!("{k}={v}"));
                Ok(())
            },
        );
        for chunk in body.chunks(step.max(1)) {
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
    fn characters_cut_by_a_read_are_joined_and_bytes_not_utf8_refused() {
        let body = r#"{"hls": [{"extra": "Zoë 🎥"}, {"extra": "ok"}]}"#;
        for step in 1..8 {
            let got = split(body, step).unwrap();
            assert_eq!(got, [r#"hls={"extra":"Zoë 🎥"}"#, r#"hls={"extra":"ok"}"#]);
        }
        let mut bad = body.as_bytes().to_vec();
        bad[22] = 0xff; // the first byte of the first session's ë
        let cut_short = [&body.as_bytes()[..24], &[0xf0, 0x9f][..]].concat(); // half a 🎥 at the end
        for step in [1, 2, 5, 4096] {
            let err = split_bytes(&bad, step).unwrap_err().to_string();
            let want = r#"session 0 of "hls": bytes that are not UTF-8 at byte 22"#;
            assert_eq!(err, want, "chunks of {step}");
            let err = split_bytes(&cut_short, step).unwrap_err().to_string();
            let want = r#"session 0 of "hls": bytes that are not UTF-8 at byte 24"#;
            assert_eq!(err, want, "chunks of {step}");
        }
        // A JSON error before them is the one reported.
        let early = [br#"{"hls": [1,,"#.as_slice(), &[0xff], b"]}"].concat();
        for step in [1, 3, 4096] {
            let err = split_bytes(&early, step).unwrap_err().to_string();
            assert!(err.starts_with("session 1 of \"hls\": "), "{err}");
        }
    }

    /// What the fuzz target `datarhei_active` checks, over bodies mangled here: the same elements
    /// or the same error whatever the chunking.
    #[test]
    fn chunking_never_changes_the_outcome() {
        let open = BODY.trim_end().trim_end_matches('}');
        let body =
            format!(r#"{open}, "hls": [{{"extra": "é", "n": 1.5e3}}, 12, "x"]}}"#).into_bytes();
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for round in 0..600 {
            let mut case = body.clone();
            if round < body.len() {
                case.truncate(round);
            } else {
                for _ in 0..1 + next() % 3 {
                    let at = (next() % case.len() as u64) as usize;
                    let pool = b"{}[],:\"\\ 0e-nx\xc3\xff";
                    case[at] = pool[(next() % pool.len() as u64) as usize];
                }
            }
            let outcome = |step| format!("{:?}", split_bytes(&case, step));
            let whole = outcome(4096);
            for step in [1, 2, 3, 7, 61] {
                assert_eq!(outcome(step), whole, "case {round}, chunks of {step}");
            }
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
        let mut splitter = Splitter::new(|_: &str| None::<()>, |(), _: IgnoredAny| Ok(()));
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
