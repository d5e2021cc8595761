//! The one sanitiser: text that came from outside (servers, processes, files, flags) made safe to
//! show on a terminal or in an error line. Every renderer and every error message goes through it;
//! a server's words quoted in a message also have their secrets masked (`mask::said`).

use std::borrow::Cow;
use std::fmt;
use std::io::{self, Write};

/// Characters that must never reach a terminal raw: C0 and C1 controls and DEL (they move the
/// cursor, clear the screen or split a row), the bidi overrides and isolates (they reorder what
/// follows, so an id can read as another), and the line and paragraph separators.
pub(crate) fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

/// Unsafe characters shown escaped (`\u{1b}`, `\t`, `\u{202e}`); plain text is borrowed.
pub(crate) fn escape(s: &str) -> Cow<'_, str> {
    // Printable ASCII, the common case, checked without a branch per byte (vectorised).
    let odd = s
        .bytes()
        .fold(false, |odd, b| odd | !(b' '..b'\x7f').contains(&b));
    if !odd || !s.contains(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `escape` for an owned string: no copy when nothing needs escaping.
pub(crate) fn escape_owned(s: String) -> String {
    match escape(&s) {
        Cow::Borrowed(_) => s,
        Cow::Owned(escaped) => escaped,
    }
}

/// The bytes that can begin a character `write_reversible` escapes: ASCII controls, DEL, the
/// backslash, and the lead bytes of C1 controls (0xC2) and of U+2028–202E, U+2066–2069 (0xE2);
/// each is at a character boundary. A table: one load per byte of a large TSV.
const MAY_NEED_CARE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = b < 0x20 || b == 0x7f || b == 0x5c || b == 0xC2 || b == 0xE2;
        b += 1;
    }
    table
};

/// Writes `s` so that a program can restore it exactly and a terminal shows it safely: the
/// backslash becomes `\\`, tab, line feed and carriage return `\t`, `\n`, `\r`, every other
/// unsafe character `\uXXXX` as JSON writes it (all of them are in the Basic Multilingual
/// Plane). TSV's escape: jq's `@tsv` plus `\uXXXX`.
pub(crate) fn write_reversible(out: &mut dyn Write, s: &str) -> io::Result<()> {
    let bytes = s.as_bytes();
    // Printable ASCII but the backslash, the common case: checked without a branch per byte
    // (vectorised) and written whole. (The table below was 6% of a 100,000-row TSV.)
    let plain = bytes.iter().fold(true, |plain, &b| {
        plain & (b' '..b'\x7f').contains(&b) & (b != b'\\')
    });
    if plain {
        return out.write_all(bytes);
    }
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !MAY_NEED_CARE[usize::from(b)] {
            continue;
        }
        let Some(c) = s[i..].chars().next() else {
            continue;
        };
        if c != '\\' && !is_unsafe(c) {
            continue;
        }
        out.write_all(&bytes[start..i])?;
        match c {
            '\\' => out.write_all(b"\\\\")?,
            '\t' => out.write_all(b"\\t")?,
            '\n' => out.write_all(b"\\n")?,
            '\r' => out.write_all(b"\\r")?,
            c => write!(out, "\\u{:04x}", u32::from(c))?,
        }
        start = i + c.len_utf8();
    }
    out.write_all(&bytes[start..])
}

/// A server's or a library's words as one line of plain text: runs of whitespace and unsafe
/// characters become one space, so an error line stays one line and cannot restyle the terminal.
pub(crate) fn one_line(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || is_unsafe(c))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// How much of a parser's message (which may quote a server's text) an error line shows.
pub(crate) const QUOTED: usize = 400;

/// At most about `limit` bytes of `what` as text: its start and its end (where a parser says
/// where it stopped), with `…` for what is left out. A parser's message can quote a server's
/// string whole (serde's `invalid type: string "…"`): it is cut as it is written, never held.
pub(crate) fn brief(what: &dyn fmt::Display, limit: usize) -> String {
    let mut kept = Brief {
        head: String::new(),
        room: limit - limit / 4,
        tail: String::new(),
        tail_room: limit / 4,
        left_out: false,
    };
    // `Brief` never fails a write; an error could only come from `what` itself.
    let _ = fmt::write(&mut kept, format_args!("{what}"));
    kept.trim();
    let gap = if kept.left_out { "…" } else { "" };
    format!("{}{gap}{}", kept.head, kept.tail)
}

/// The start of a text as it is written, and a window over its end.
struct Brief {
    head: String,
    /// What the head may still take; 0 once anything went past it.
    room: usize,
    tail: String,
    tail_room: usize,
    /// Whether anything between the head and the tail was dropped.
    left_out: bool,
}

impl Brief {
    /// Keeps the last `tail_room` bytes of the tail.
    fn trim(&mut self) {
        if self.tail.len() > self.tail_room {
            let from = self
                .tail
                .ceil_char_boundary(self.tail.len() - self.tail_room);
            self.tail.drain(..from);
            self.left_out = true;
        }
    }
}

impl fmt::Write for Brief {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let into_head = s.floor_char_boundary(self.room.min(s.len()));
        self.head.push_str(&s[..into_head]);
        let rest = &s[into_head..];
        if rest.is_empty() {
            self.room -= into_head;
            return Ok(());
        }
        self.room = 0;
        if rest.len() > self.tail_room {
            // Only its end can show: the window starts over.
            let from = rest.ceil_char_boundary(rest.len() - self.tail_room);
            self.left_out = true;
            self.tail.clear();
            self.tail.push_str(&rest[from..]);
        } else {
            self.tail.push_str(rest);
            if self.tail.len() > 2 * self.tail_room {
                self.trim();
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_bidi_and_separators_are_escaped_and_plain_text_is_borrowed() {
        assert_eq!(escape("a\u{1b}[2Jb\tc\n"), "a\\u{1b}[2Jb\\tc\\n");
        assert_eq!(
            escape("x\u{202e}y\u{2066}z\u{2028}"),
            "x\\u{202e}y\\u{2066}z\\u{2028}"
        );
        assert_eq!(escape("\u{7f}\u{85}"), "\\u{7f}\\u{85}");
        assert!(matches!(escape("plain ü €"), Cow::Borrowed("plain ü €")));
        assert_eq!(escape_owned("ok".into()), "ok");
    }

    fn reversible(s: &str) -> String {
        let mut out = Vec::new();
        write_reversible(&mut out, s).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn reversible_escapes_the_backslash_too_and_keep_plain_text() {
        assert_eq!(reversible("a\tb\nc\\d\re"), "a\\tb\\nc\\\\d\\re");
        assert_eq!(
            reversible("\u{1b}[2J\u{7f}\u{85}x\u{202e}y\u{2069}\u{2028}"),
            "\\u001b[2J\\u007f\\u0085x\\u202ey\\u2069\\u2028"
        );
        assert_eq!(
            reversible("plain ü € \u{2030} \u{a0}"),
            "plain ü € \u{2030} \u{a0}"
        );
    }

    #[test]
    fn a_brief_text_keeps_its_start_and_its_end() {
        assert_eq!(brief(&"short", 40), "short");
        let long = format!("start {} end", "x".repeat(1000));
        assert_eq!(
            brief(&long, 40),
            format!("start {}…xxxxxx end", "x".repeat(24))
        );
        // Written in many pieces (as `format_args!` does), and cut between a character's bytes.
        let pieces = format_args!("{}{}{}", "é".repeat(100), 7, "ü".repeat(100));
        let cut = brief(&pieces, 41);
        assert_eq!(cut, format!("{}…{}", "é".repeat(15), "ü".repeat(5)));
        assert_eq!(
            brief(&format_args!("{}{}", "a".repeat(30), "b".repeat(10)), 40),
            format!("{}{}", "a".repeat(30), "b".repeat(10))
        );
    }

    #[test]
    fn server_words_become_one_line_of_plain_text() {
        assert_eq!(
            one_line(" a\nb\r\u{1b}[31mc\u{2028}d\u{202e}e "),
            "a b [31mc d e"
        );
    }
}
