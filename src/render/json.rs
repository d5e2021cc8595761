//! JSON (one document) and NDJSON (one object per line): the stable, documented output. Strings
//! are escaped as JSON does, and DEL, C1 controls, bidi overrides and line separators as `\uXXXX`
//! too (JSON allows any character escaped), so no raw control or reordering character reaches a
//! terminal that shows the output; the value read back is the same.

use std::io::{self, BufWriter, Write};

use serde::Serialize;

use super::pieces;

/// serde_json writes a document in many small pieces: buffered here, each is a copy into memory
/// rather than a call through `out`'s vtable (those calls were nearly half of the rendering).
const BUFFER: usize = 64 * 1024;

pub(super) fn document<T: Serialize + ?Sized>(
    out: &mut dyn Write,
    value: &T,
    pretty: bool,
) -> io::Result<()> {
    // Large writes into `Safe`, so its scan for characters to escape runs over whole buffers.
    let mut safe = Safe::new(out);
    let mut out = BufWriter::with_capacity(BUFFER, &mut safe);
    if pretty {
        serde_json::to_writer_pretty(&mut out, value)?;
    } else {
        serde_json::to_writer(&mut out, value)?;
    }
    out.write_all(b"\n")?;
    out.flush()?;
    drop(out);
    safe.finish()
}

/// A list as `document` writes it, compact ones in pieces on two threads (`pieces`).
pub(super) fn list<T: Serialize + Sync>(
    out: &mut dyn Write,
    items: &[T],
    pretty: bool,
) -> io::Result<()> {
    if pretty || items.is_empty() {
        return document(out, items, pretty);
    }
    out.write_all(b"[")?;
    pieces::write(out, items, |out, at, part| each(out, part, at, (b",", b"")))?;
    out.write_all(b"]\n")
}

/// One object per line, in pieces on two threads.
pub(super) fn lines<T: Serialize + Sync>(out: &mut dyn Write, items: &[T]) -> io::Result<()> {
    pieces::write(out, items, |out, at, part| {
        each(out, part, at, (b"", b"\n"))
    })
}

/// `items` as compact JSON, each after `before` (but the first of the whole list, `at` 0 being
/// the index of `items[0]` in it) and before `after`.
fn each<T: Serialize>(
    out: &mut dyn Write,
    items: &[T],
    at: usize,
    (before, after): (&[u8], &[u8]),
) -> io::Result<()> {
    // Large writes into `Safe`, so its scan for characters to escape runs over whole buffers.
    let mut safe = Safe::new(out);
    let mut out = BufWriter::with_capacity(BUFFER, &mut safe);
    for (i, item) in items.iter().enumerate() {
        if at + i > 0 {
            out.write_all(before)?;
        }
        serde_json::to_writer(&mut out, item)?;
        out.write_all(after)?;
    }
    out.flush()?;
    drop(out);
    safe.finish()
}

/// A row of a multi-target result: `target` first, then the row's own fields, so the object of
/// one target is the single-target object plus one field.
#[derive(Serialize)]
pub(super) struct Targeted<'a, T> {
    pub target: &'a str,
    #[serde(flatten)]
    pub item: &'a T,
}

/// The rows, each with its target when there are several targets.
pub(super) fn targeted<'a, T>(items: &'a [T], targets: &'a [String]) -> Vec<Targeted<'a, T>> {
    items
        .iter()
        .zip(targets)
        .map(|(item, target)| Targeted { target, item })
        .collect()
}

/// serde_json's output with the characters it leaves raw escaped. They can only occur inside
/// strings (JSON's structure is ASCII), where `\uXXXX` means the same character. serde_json
/// writes a few bytes at a time: they are gathered and scanned 64 KiB at once.
struct Safe<'a> {
    inner: &'a mut dyn Write,
    pending: Vec<u8>,
}

const GATHER: usize = 64 * 1024;

/// What the bytes at some position are.
enum Seq {
    /// A character to escape: its length in bytes and its code point.
    Escape(usize, u32),
    Plain,
    /// The bytes end inside a character that may need escaping.
    Cut,
}

fn classify(rest: &[u8]) -> Seq {
    match rest {
        [0x7f, ..] => Seq::Escape(1, 0x7f),
        // U+0080–U+009F: C2 80–C2 9F.
        [0xC2, b @ 0x80..=0x9F, ..] => Seq::Escape(2, u32::from(*b)),
        // U+2028–U+202E: E2 80 A8–AE; U+2066–U+2069: E2 81 A6–A9.
        [0xE2, 0x80, b @ 0xA8..=0xAE, ..] => Seq::Escape(3, 0x2000 + u32::from(*b - 0x80)),
        [0xE2, 0x81, b @ 0xA6..=0xA9, ..] => Seq::Escape(3, 0x2040 + u32::from(*b - 0x80)),
        [0xC2] | [0xE2] | [0xE2, 0x80 | 0x81] => Seq::Cut,
        _ => Seq::Plain,
    }
}

impl<'a> Safe<'a> {
    fn new(inner: &'a mut dyn Write) -> Self {
        Safe {
            inner,
            pending: Vec::with_capacity(GATHER),
        }
    }

    /// Writes what is pending, escaped; keeps the start of a character cut off at its end
    /// unless this is the `last` write.
    fn drain(&mut self, last: bool) -> io::Result<()> {
        let buf = &self.pending;
        let (mut start, mut from) = (0, 0);
        let mut keep = buf.len();
        while let Some(found) = memchr::memchr3(0x7f, 0xC2, 0xE2, &buf[from..]) {
            let at = from + found;
            match classify(&buf[at..]) {
                Seq::Escape(len, code) => {
                    self.inner.write_all(&buf[start..at])?;
                    write!(self.inner, "\\u{code:04x}")?;
                    start = at + len;
                    from = start;
                }
                Seq::Plain => from = at + 1,
                Seq::Cut if !last => {
                    keep = at;
                    break;
                }
                Seq::Cut => break,
            }
        }
        self.inner.write_all(&buf[start..keep])?;
        self.pending.drain(..keep);
        Ok(())
    }

    /// Writes the rest and flushes.
    fn finish(mut self) -> io::Result<()> {
        self.drain(true)?;
        self.inner.flush()
    }
}

impl Write for Safe<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.pending.extend_from_slice(buf);
        if self.pending.len() >= GATHER {
            self.drain(false)?;
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.drain(false)?;
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_json_leaves_raw_are_escaped_and_read_back_the_same() {
        let text = "a\u{1b}b\u{7f}c\u{85}d\u{202e}e\u{2066}f\u{2028}g ü € \u{2030}\u{a0}";
        let mut out = Vec::new();
        document(&mut out, &[text], false).unwrap();
        let json = String::from_utf8(out).unwrap();
        assert_eq!(
            json,
            "[\"a\\u001bb\\u007fc\\u0085d\\u202ee\\u2066f\\u2028g ü € \u{2030}\u{a0}\"]\n"
        );
        let back: Vec<String> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, [text]);
    }

    #[test]
    fn long_lists_written_in_pieces_are_the_one_document() {
        let items: Vec<String> = (0..3000).map(|i| format!("r{i} \u{202e}é")).collect();
        let (mut whole, mut pieces) = (Vec::new(), Vec::new());
        document(&mut whole, &items, false).unwrap();
        list(&mut pieces, &items, false).unwrap();
        assert_eq!(pieces, whole);
        let mut ndjson = Vec::new();
        lines(&mut ndjson, &items).unwrap();
        let mut each_alone = Vec::new();
        for item in &items {
            document(&mut each_alone, item, false).unwrap();
        }
        assert_eq!(ndjson, each_alone);
    }

    #[test]
    fn a_character_cut_between_two_writes_is_still_escaped() {
        for text in ["x\u{202e}y", "x\u{85}y", "x\u{2028}", "x\u{e9}y\u{2030}"] {
            let bytes = text.as_bytes();
            for cut in 0..=bytes.len() {
                let mut out = Vec::new();
                let mut safe = Safe::new(&mut out);
                safe.write_all(&bytes[..cut]).unwrap();
                safe.flush().unwrap();
                safe.write_all(&bytes[cut..]).unwrap();
                safe.finish().unwrap();
                let mut whole = Vec::new();
                let mut safe = Safe::new(&mut whole);
                safe.write_all(bytes).unwrap();
                safe.finish().unwrap();
                assert_eq!(out, whole, "{text:?} cut at {cut}");
            }
        }
    }
}
