//! What each key does in `top`, by the mode it is typed in (htop's keys where htop has one).

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::view::Typed;
use super::{Mode, Poller, Top};

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Then {
    Stay,
    Quit,
}

/// Rows PgUp and PgDn move: a screen less a line, as a pager does.
const PAGE: isize = 20;

impl Top {
    pub(crate) fn on_event(&mut self, event: &Event, poller: &mut Poller) -> Then {
        // A resize needs no more than the frame drawn after any event.
        let Event::Key(key) = event else {
            return Then::Stay;
        };
        if key.kind == KeyEventKind::Release {
            return Then::Stay;
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && key.code == KeyCode::Char('c') {
            return Then::Quit;
        }
        self.message = None;
        match std::mem::replace(&mut self.mode, Mode::Table) {
            Mode::Filter(text) => self.typing(key, text),
            Mode::Confirm(row) => {
                if matches!(key.code, KeyCode::Char('y' | 'Y')) {
                    self.message = Some("disconnecting…".into());
                    poller.kick = Some(*row);
                } else {
                    self.message = Some("nothing was disconnected".into());
                }
            }
            Mode::Help | Mode::Details if is_close(key) => {}
            mode @ (Mode::Help | Mode::Details) if key.code != KeyCode::Char('q') => {
                self.mode = mode;
                return self.moving(key);
            }
            _ => return self.table_key(key, ctrl),
        }
        Then::Stay
    }

    /// A key in the table (or `q` in a view).
    fn table_key(&mut self, key: &KeyEvent, ctrl: bool) -> Then {
        match key.code {
            KeyCode::Char('q') => return Then::Quit,
            KeyCode::Char('k') if ctrl => self.ask_kick(),
            KeyCode::Char('?') => self.mode = Mode::Help,
            KeyCode::Char('/') => self.mode = Mode::Filter(self.view.typed_text.clone()),
            KeyCode::Enter => self.mode = Mode::Details,
            KeyCode::Esc => {
                self.view.typed = Typed::None;
                self.view.typed_text.clear();
                self.view.refilter();
            }
            KeyCode::Char('<') => self.view.sort_by(-1),
            KeyCode::Char('>') => self.view.sort_by(1),
            KeyCode::Char('I') => self.view.turn_round(),
            KeyCode::Char('t') => self.next_target(),
            _ => return self.moving(key),
        }
        Then::Stay
    }

    /// The keys that move the selection, in the table and under the details.
    fn moving(&mut self, key: &KeyEvent) -> Then {
        let view = &mut self.view;
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => view.step(-1),
            KeyCode::Down | KeyCode::Char('j') => view.step(1),
            KeyCode::PageUp => view.step(-PAGE),
            KeyCode::PageDown => view.step(PAGE),
            KeyCode::Home | KeyCode::Char('g') => view.select(0),
            KeyCode::End | KeyCode::Char('G') => view.select(usize::MAX),
            _ => {}
        }
        Then::Stay
    }

    /// A key while the filter is typed: Enter applies it, Esc leaves it as it was.
    fn typing(&mut self, key: &KeyEvent, mut text: String) {
        match key.code {
            KeyCode::Enter => match Typed::parse(&text) {
                Ok(typed) => {
                    self.view.typed = typed;
                    self.view.typed_text = text.trim().to_string();
                    self.view.refilter();
                }
                Err(e) => self.message = Some(crate::text::one_line(&e)),
            },
            KeyCode::Esc => {}
            // Ctrl-U empties the line, as in a shell.
            KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.mode = Mode::Filter(String::new());
            }
            KeyCode::Backspace => {
                text.pop();
                self.mode = Mode::Filter(text);
            }
            KeyCode::Char(c) => {
                text.push(c);
                self.mode = Mode::Filter(text);
            }
            _ => self.mode = Mode::Filter(text),
        }
    }

    /// `t`: every target, then each one in turn, then every target again.
    fn next_target(&mut self) {
        if !self.several {
            self.message = Some("one target: t shows one target of several at a time".into());
            return;
        }
        let next = match &self.view.target {
            None => 0,
            Some(shown) => self
                .labels
                .iter()
                .position(|l| l == shown)
                .map_or(0, |at| at + 1),
        };
        self.view.target = self.labels.get(next).cloned();
        self.view.refilter();
    }

    /// Ctrl-K: asks before disconnecting the selected session.
    fn ask_kick(&mut self) {
        match self.view.current() {
            Some(row) if row.mark == crate::render::Mark::Gone => {
                self.message = Some("that session is gone already".into());
            }
            Some(row) => {
                self.mode = Mode::Confirm(Box::new(super::view::Row {
                    target: row.target.clone(),
                    session: row.session.clone(),
                    mark: row.mark,
                }));
            }
            None => self.message = Some("no session selected".into()),
        }
    }
}

fn is_close(key: &KeyEvent) -> bool {
    matches!(key.code, KeyCode::Esc | KeyCode::Enter | KeyCode::Char('?'))
}
