//! What a watch shows each round: a status line, the targets that failed, then the table (new
//! rows marked `+`, gone ones `-` for one round), cut to the screen's height with a last line
//! saying how many rows did not fit. Sessions the source does not date (this machine's) are aged
//! from the round that first saw them, as `collect` dates them.

use std::collections::{HashMap, HashSet};
use std::io::Stdout;
use std::time::Instant;

use crate::cli::ActiveArgs;
use crate::config::{self, Settings};
use crate::error::{Error, Result};
use crate::model::Session;
use crate::render::screen::Screen;
use crate::render::{self, Look, Mark};
use crate::terminal;

use super::{Change, Key, Outage, Seen};

/// When the watch first saw each session still there.
#[derive(Default)]
pub(super) struct FirstSeen {
    since: HashMap<Key, Instant>,
}

impl FirstSeen {
    /// Notes this round's sessions and forgets the ones gone.
    pub(super) fn update(&mut self, now: &[Seen]) {
        let mut next = HashMap::with_capacity(now.len());
        for seen in now {
            let key = seen.key();
            let since = self.since.remove(&key).unwrap_or_else(Instant::now);
            next.insert(key, since);
        }
        self.since = next;
    }

    fn age(&self, seen: &Seen) -> Option<u64> {
        seen.session
            .age_s
            .or_else(|| Some(self.since.get(&seen.key())?.elapsed().as_secs()))
    }
}

/// No screen has more lines: a frame keeps at most this many rows of a round, however many
/// sessions there are.
const MOST_ROWS: usize = 1000;

/// One round, ready to be drawn (and drawn again when the window changes size).
pub(super) struct Frame {
    /// The first rows of the round (`MOST_ROWS` at most), aged.
    sessions: Vec<Session>,
    labels: Option<Vec<String>>,
    marks: Vec<Mark>,
    failed: Vec<String>,
    /// All rows: the sessions now and the ones gone.
    total: usize,
    count: usize,
    new: usize,
    gone: usize,
}

impl Frame {
    /// This round's sessions in their order, then the ones gone since the last round; in a
    /// fleet, the rows of a target that is `down` are its last answer, marked stale (one
    /// server's status line says so for all its rows).
    pub(super) fn new(
        now: &[Seen],
        (changes, down): (&[(Change, &Seen)], &HashSet<String>),
        first: &FirstSeen,
        failed: Vec<String>,
        several: bool,
    ) -> Frame {
        let added: HashSet<Key> = changes
            .iter()
            .filter(|(c, _)| *c == Change::Added)
            .map(|(_, s)| s.key())
            .collect();
        let gone: Vec<&Seen> = changes
            .iter()
            .filter(|(c, _)| *c == Change::Removed)
            .map(|(_, s)| *s)
            .collect();
        let mark = |s: &Seen| {
            if several && down.contains(&s.target) {
                Mark::Stale
            } else if added.contains(&s.key()) {
                Mark::New
            } else {
                Mark::Plain
            }
        };
        let rows: Vec<(&Seen, Mark)> = now
            .iter()
            .map(|s| (s, mark(s)))
            .chain(gone.iter().map(|s| (*s, Mark::Gone)))
            .take(MOST_ROWS)
            .collect();
        Frame {
            sessions: rows
                .iter()
                .map(|(seen, _)| Session {
                    age_s: first.age(seen),
                    ..seen.session.clone()
                })
                .collect(),
            labels: several.then(|| rows.iter().map(|(s, _)| s.target.clone()).collect()),
            marks: rows.iter().map(|(_, m)| *m).collect(),
            failed,
            total: now.len() + gone.len(),
            count: now.len(),
            new: added.len(),
            gone: gone.len(),
        }
    }

    /// Draws the frame at the terminal's size now: status, failures, a blank line, the table
    /// with as many rows as fit.
    pub(super) fn draw(
        &self,
        screen: &mut Screen<Stdout>,
        status: &str,
        settings: &Settings,
    ) -> Result<()> {
        let size = terminal::size(&config::process_env_var);
        let mut opts = settings.output.clone();
        opts.width = size.columns;
        let plain = Look::Row(Mark::Plain);
        let mut lines = vec![(status.to_string(), plain)];
        lines.extend(self.failed.iter().map(|f| (f.clone(), plain)));
        lines.push((String::new(), plain));
        let total = self.total;
        let shown = match size.lines {
            Some(height) => rows_that_fit(total, height, lines.len() + usize::from(opts.headers)),
            None => total,
        }
        .min(self.sessions.len());
        let labels = self.labels.as_deref().map(|l| &l[..shown]);
        let marks = |i: usize| self.marks.get(i).copied().unwrap_or(Mark::Plain);
        render::session_lines(
            &self.sessions[..shown],
            labels,
            &marks,
            &opts,
            &mut |text, look| {
                lines.push((text.to_string(), look));
                Ok(())
            },
        )
        .map_err(Error::output)?;
        if shown < total {
            let more = total - shown;
            lines.push((
                format!("… {more} more (use --limit, --filter or -o ndjson)"),
                plain,
            ));
        }
        screen.draw(&lines, size, opts.color).map_err(Error::output)
    }
}

/// How many of `total` rows fit under `above` lines on a screen `height` lines high, keeping
/// one line for "… N more" when not all do.
fn rows_that_fit(total: usize, height: usize, above: usize) -> usize {
    let room = height.saturating_sub(above);
    if total <= room {
        total
    } else {
        room.saturating_sub(1)
    }
}

/// `every 2s: 12 sessions, 1 new, 1 gone (2026-11-24T04:23:18Z; Ctrl-C to stop)`, or while the
/// one target watched does not answer, `unreachable since 03:18:15, retrying every 2s: 12
/// sessions as of 03:18:13` (what matters first: it fits 80 columns).
pub(super) fn status(
    args: &ActiveArgs,
    frame: &Frame,
    at: &str,
    outage: Option<&Outage>,
) -> String {
    let plural = if frame.count == 1 { "" } else { "s" };
    let every = humantime::format_duration(args.interval);
    match outage {
        None => format!(
            "every {every}: {} session{plural}, {} new, {} gone ({at}; Ctrl-C to stop)",
            frame.count, frame.new, frame.gone
        ),
        Some(outage) => {
            let seen = match &outage.last_seen {
                Some(time) => format!(" as of {time}"),
                None => String::new(),
            };
            format!(
                "unreachable since {}, retrying every {every}: {} session{plural}{seen}",
                outage.since, frame.count
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_cut_to_the_screen_with_a_line_for_the_rest() {
        // 24 lines: status, blank, header above the rows.
        assert_eq!(rows_that_fit(5, 24, 3), 5);
        assert_eq!(rows_that_fit(21, 24, 3), 21);
        assert_eq!(rows_that_fit(22, 24, 3), 20);
        assert_eq!(rows_that_fit(100, 2, 3), 0);
    }
}
