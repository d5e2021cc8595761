//! The terminal as `top` holds it: raw mode, the alternate screen, the cursor hidden; given back
//! (main screen, cursor, cooked mode) however `top` ends: its end, an error, a signal, a panic.

use std::io::{self, Write};
use std::sync::Once;

use ratatui::crossterm::cursor::{Hide, Show};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

/// The terminal, taken; dropping it gives it back.
pub(super) struct Tty;

impl Tty {
    pub(super) fn take() -> io::Result<Tty> {
        restore_on_panic();
        enable_raw_mode()?;
        let tty = Tty;
        execute!(io::stdout(), EnterAlternateScreen, Hide)?;
        Ok(tty)
    }
}

impl Drop for Tty {
    fn drop(&mut self) {
        give_back();
    }
}

/// Cooked mode, the cursor, the main screen. Nothing to do about a terminal that is gone.
fn give_back() {
    let _ = disable_raw_mode();
    let mut out = io::stdout();
    let _ = execute!(out, Show, LeaveAlternateScreen).and_then(|()| out.flush());
}

/// A panic gives the terminal back before its message is printed, so the message is readable
/// on the main screen and the shell is usable after it.
fn restore_on_panic() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let earlier = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            give_back();
            earlier(info);
        }));
    });
}
