//! Text that came from outside (servers, files, flags) made safe to print on a terminal.

use std::borrow::Cow;

/// Control characters shown escaped (`\u{1b}`, `\t`): an escape sequence in a session id or an
/// error message must not reach the terminal, nor a line break split a row or an error line.
pub fn escape_controls(s: &str) -> Cow<'_, str> {
    if !s.contains(char::is_control) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_default().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped_and_plain_text_is_borrowed() {
        assert_eq!(escape_controls("a\u{1b}[2Jb\tc\n"), "a\\u{1b}[2Jb\\tc\\n");
        assert!(matches!(
            escape_controls("plain ü"),
            Cow::Borrowed("plain ü")
        ));
    }
}
