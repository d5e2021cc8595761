//! One cell as a terminal shows it: its width in columns, and its text cut with `…` when it must
//! be narrower; both in time linear in its length, however long the server's text.

use unicode_width::UnicodeWidthChar;

/// Columns `text` takes on a terminal. The text is escaped already (no control characters);
/// a character is as wide as its own width (wide CJK 2, combining marks 0), summed.
pub(super) fn width(text: &str) -> usize {
    if text.is_ascii() {
        return text.len();
    }
    text.chars().map(char_width).sum()
}

fn char_width(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// Appends `text`, `wide` columns wide, in at most `room` columns: whole when it fits, else cut
/// and ended with `…`; returns the columns used.
pub(super) fn push_cut(line: &mut String, text: &str, wide: usize, room: usize) -> usize {
    if wide <= room {
        line.push_str(text);
        return wide;
    }
    if room == 0 {
        return 0;
    }
    let mut used = 0;
    for c in text.chars() {
        let w = char_width(c);
        if used + w > room - 1 {
            break;
        }
        line.push(c);
        used += w;
    }
    line.push('…');
    used + 1
}

/// `n` spaces.
pub(super) fn pad(line: &mut String, n: usize) {
    line.extend(std::iter::repeat_n(' ', n));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(text: &str, room: usize) -> (String, usize) {
        let mut line = String::new();
        let used = push_cut(&mut line, text, width(text), room);
        (line, used)
    }

    #[test]
    fn widths_count_columns_not_bytes() {
        assert_eq!(width("10.0.0.1:5000"), 13);
        assert_eq!(width("ü€"), 2);
        assert_eq!(width("直播"), 4);
        assert_eq!(width("e\u{301}"), 1);
    }

    #[test]
    fn text_that_fits_is_whole_and_longer_text_ends_with_an_ellipsis() {
        assert_eq!(cut("play:/live/a", 12), ("play:/live/a".into(), 12));
        assert_eq!(cut("play:/live/a", 20), ("play:/live/a".into(), 12));
        assert_eq!(cut("play:/live/stream", 10), ("play:/liv…".into(), 10));
        assert_eq!(cut("直播直播", 5), ("直播…".into(), 5));
        assert_eq!(cut("直播直播", 4), ("直…".into(), 3));
        assert_eq!(cut("ab直", 4), ("ab直".into(), 4));
        assert_eq!(cut("ab直x", 4), ("ab…".into(), 3));
        assert_eq!(cut("abc", 1), ("…".into(), 1));
        assert_eq!(cut("abc", 0), (String::new(), 0));
    }

    #[test]
    fn a_long_cell_costs_what_is_shown() {
        let huge = "x".repeat(6 << 20);
        let started = std::time::Instant::now();
        assert_eq!(width(&huge), 6 << 20);
        assert_eq!(cut(&huge, 30).1, 30);
        let multibyte = "ü".repeat(3 << 20);
        assert_eq!(width(&multibyte), 3 << 20);
        assert_eq!(cut(&multibyte, 30).1, 30);
        // Quadratic work on 6 MiB would take minutes (debug build).
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
    }
}
