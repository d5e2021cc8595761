//! The full screen a watch redraws in place, as `top` and `watch(1)` do: the terminal's alternate
//! screen, each line cut to the width and never more lines than the screen has, so nothing
//! scrolls and nothing piles up in the scrollback; left again, cursor shown, however the watch
//! ends (its end, an error, Ctrl-C, a panic).

use std::io::{self, Write};

use super::Look;
use super::cell;
use crate::terminal::Size;

const ENTER: &[u8] = b"\x1b[?1049h\x1b[?25l";
const LEAVE: &[u8] = b"\x1b[?25h\x1b[?1049l";

/// The alternate screen, entered; dropping it leaves it.
pub(crate) struct Screen<W: Write> {
    out: W,
}

impl<W: Write> Screen<W> {
    pub(crate) fn enter(mut out: W) -> io::Result<Screen<W>> {
        out.write_all(ENTER)?;
        out.flush()?;
        Ok(Screen { out })
    }

    /// Draws `lines` from the top left, each cut to `size.columns` and coloured (`color`), as
    /// many as `size.lines` allows; clears what an earlier frame left below or to the right.
    pub(crate) fn draw(
        &mut self,
        lines: &[(String, Look)],
        size: Size,
        color: bool,
    ) -> io::Result<()> {
        let mut frame = String::from("\x1b[H");
        let height = size.lines.unwrap_or(usize::MAX);
        for (n, (text, look)) in lines.iter().take(height).enumerate() {
            if n > 0 {
                frame.push_str("\r\n");
            }
            let sgr = look.colour().filter(|_| color);
            frame.push_str(sgr.unwrap_or(""));
            match size.columns {
                Some(columns) => {
                    cell::push_cut(&mut frame, text, cell::width(text), columns);
                }
                None => frame.push_str(text),
            }
            if sgr.is_some() {
                frame.push_str("\x1b[0m");
            }
            frame.push_str("\x1b[K");
        }
        frame.push_str("\x1b[J");
        self.out.write_all(frame.as_bytes())?;
        self.out.flush()
    }
}

impl<W: Write> Drop for Screen<W> {
    fn drop(&mut self) {
        // Nothing to do about a terminal that is gone (SIGHUP).
        let _ = self.out.write_all(LEAVE).and_then(|()| self.out.flush());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Mark;

    #[test]
    fn a_frame_is_cut_to_the_screen_and_the_screen_is_left_on_drop() {
        let mut out = Vec::new();
        {
            let mut screen = Screen::enter(&mut out).unwrap();
            let lines = [
                ("status".to_string(), Look::Header),
                (
                    "a row much wider than ten".to_string(),
                    Look::Row(Mark::New),
                ),
                ("cut away".to_string(), Look::Row(Mark::Plain)),
            ];
            let size = Size {
                columns: Some(10),
                lines: Some(2),
            };
            screen.draw(&lines, size, false).unwrap();
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\x1b[?1049h\x1b[?25l\x1b[Hstatus\x1b[K\r\na row muc…\x1b[K\x1b[J\x1b[?25h\x1b[?1049l"
        );
    }
}
