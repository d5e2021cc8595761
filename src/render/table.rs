//! Tables for people: kubectl-style columns without borders, one line per row, numbers
//! right-aligned, fitted to the terminal's width (`fit`). Written as they go: one pass over the
//! rows measures the columns and a second writes them, so a table of 100,000 rows holds no copy
//! of the model and no cell longer than it takes to write it.

use std::borrow::Cow;
use std::io::{self, Write};

use super::Targets;
use super::cell;
use super::columns::{Column, Raw, Shown, TARGET};
use super::fit::{self, Fit, Want};
use crate::render::OutputOptions;
use crate::text::{escape, escape_owned};

/// Spaces between two columns.
const GAP: usize = 2;
/// Free text is cut here even where nothing needs fitting (a pipe, `-o wide`): a table is for
/// reading; the server's whole text is in `-o json` and `-o tsv`.
const FREE_MAX: usize = 120;
/// Free text is not shortened below this (nor below its title).
const FREE_LEAST: usize = 16;
/// No column is padded wider than this: a longer id is shown whole and pushes the rest of its
/// own row to the right, not every row.
const PAD_MAX: usize = 120;
/// The fewest characters of an id a terminal's table shows (docker shows 12).
const ID_PREFIX: usize = 12;

/// How a row stands out in a watch: new or gone (one round), in text (`+`, `-`) and in colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mark {
    Plain,
    New,
    Gone,
    /// A row of a target that did not answer this round: its last answer.
    Stale,
}

impl Mark {
    /// What a watch writes before the row: the mark and a space.
    pub(crate) fn sign(self) -> &'static str {
        match self {
            Mark::Plain => "  ",
            Mark::New => "+ ",
            Mark::Gone => "- ",
            Mark::Stale => "~ ",
        }
    }
}

/// What a line of a table is, for its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Look {
    Header,
    Row(Mark),
}

impl Look {
    /// The SGR sequence that colours such a line, if any.
    pub(crate) fn colour(self) -> Option<&'static str> {
        match self {
            Look::Header => Some("\x1b[1m"),
            Look::Row(Mark::Plain) => None,
            Look::Row(Mark::New) => Some("\x1b[1;32m"),
            Look::Row(Mark::Gone | Mark::Stale) => Some("\x1b[2m"),
        }
    }
}

/// Rows of one kind, with the target of each when several answered, and a watch's marks (their
/// colour; the signs are the watch's to write).
pub(super) struct Table<'a, T> {
    pub columns: &'a [Column<T>],
    pub fit: &'a Fit,
    pub rows: &'a [T],
    pub targets: Targets<'a>,
    pub marks: Option<&'a dyn Fn(usize) -> Mark>,
}

enum Part<'a, T> {
    Target,
    Field(&'a Column<T>),
}

struct Col<'a, T> {
    part: Part<'a, T>,
    title: &'static str,
    right: bool,
    free: bool,
    drop: Option<usize>,
    width: usize,
    /// Ids longer than this are shown as their first `prefix` characters (a terminal's table).
    prefix: Option<usize>,
    /// Every cell is empty or `-` (`measure` finds out); left out first when the table does not
    /// fit, unless `--columns` named it.
    blank: bool,
    chosen: bool,
}

/// Writes the table as lines of text, coloured when `opts.color`.
pub(super) fn write<T>(
    out: &mut dyn Write,
    table: &Table<'_, T>,
    opts: &OutputOptions,
    wide: bool,
) -> io::Result<()> {
    table.lines(
        opts,
        wide,
        &mut |text, look| match look.colour().filter(|_| opts.color) {
            Some(sgr) => writeln!(out, "{sgr}{text}\x1b[0m"),
            None => {
                out.write_all(text.as_bytes())?;
                out.write_all(b"\n")
            }
        },
    )
}

impl<T> Table<'_, T> {
    /// Hands each line to `line` (without its newline): the header unless `--no-headers`, then
    /// one per row. Fitted to `opts.width` unless `wide`.
    pub(super) fn lines(
        &self,
        opts: &OutputOptions,
        wide: bool,
        line: &mut dyn FnMut(&str, Look) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut cols = self.visible(wide);
        if opts.width.is_some() && !wide {
            self.shorten_ids(&mut cols);
        }
        self.measure(&mut cols, opts.headers);
        if let (Some(width), false) = (opts.width, wide) {
            cols = fitted(cols, width, opts.headers);
        }
        let mut text = String::new();
        if opts.headers {
            text.clear();
            let titles = cols.iter().map(|c| Cow::Borrowed(c.title));
            compose(&mut text, &cols, titles);
            line(&text, Look::Header)?;
        }
        for (i, row) in self.rows.iter().enumerate() {
            text.clear();
            let cells = cols.iter().map(|c| self.cell(c, i, row));
            compose(&mut text, &cols, cells);
            let mark = self.marks.map_or(Mark::Plain, |m| m(i));
            line(&text, Look::Row(mark))?;
        }
        Ok(())
    }

    /// The columns `-o table` (or `wide`) shows, targets first. The default table
    /// leaves out a column with nothing in any row (AGE of a one-shot local look, limits no
    /// collector has); `wide` shows every one but those only a filled one has (ROLE).
    fn visible(&self, wide: bool) -> Vec<Col<'_, T>> {
        let mut cols = Vec::new();
        if self.targets.is_some() {
            cols.push(self.col(Part::Target, TARGET));
        }
        for c in self.columns {
            let shown = match c.shown {
                Shown::Table => {
                    wide || self.rows.is_empty() || self.rows.iter().any(|r| filled(c, r))
                }
                Shown::Wide => wide,
                Shown::Filled => self.rows.iter().any(|r| filled(c, r)),
                Shown::Never => false,
                Shown::Chosen => true,
            };
            if shown {
                cols.push(self.col(Part::Field(c), c.title));
            }
        }
        cols
    }

    fn col<'c>(&self, part: Part<'c, T>, title: &'static str) -> Col<'c, T> {
        let name = match &part {
            Part::Target => "target",
            Part::Field(c) => c.name,
        };
        let chosen = matches!(&part, Part::Field(c) if c.shown == Shown::Chosen);
        Col {
            title,
            right: self.fit.is_number(name),
            free: self.fit.is_free(name),
            drop: self.fit.drop_rank(name),
            part,
            width: 0,
            prefix: None,
            blank: true,
            chosen,
        }
    }

    /// On a terminal, long ids give way to the traffic as docker's do: each is shown as its
    /// shortest prefix of at least `ID_PREFIX` characters that no other row's id shares; shorter
    /// ids are left whole, and `-o wide`, JSON and TSV show them all in full.
    fn shorten_ids(&self, cols: &mut [Col<'_, T>]) {
        for c in cols.iter_mut() {
            let Part::Field(column) = &c.part else {
                continue;
            };
            if column.name != "id" {
                continue;
            }
            let ids: Vec<&str> = self
                .rows
                .iter()
                .filter_map(|row| match column.raw_of(row) {
                    Raw::Text(text) if !is_address(text) => Some(text),
                    _ => None,
                })
                .collect();
            c.prefix = Some(unique_prefix(ids));
        }
    }

    /// Each column's natural width: its widest cell (free text up to `FREE_MAX`, the rest up
    /// to `PAD_MAX`) or title; and whether it is blank.
    fn measure(&self, cols: &mut [Col<'_, T>], headers: bool) {
        for c in cols.iter_mut() {
            c.width = if headers { cell::width(c.title) } else { 0 };
        }
        for (i, row) in self.rows.iter().enumerate() {
            for c in cols.iter_mut() {
                let most = if c.free { FREE_MAX } else { PAD_MAX };
                let text = self.cell(c, i, row);
                c.blank &= matches!(&*text, "" | "-");
                c.width = c.width.max(cell::width(&text).min(most));
            }
        }
    }

    /// A cell's text, escaped: server text can neither restyle the terminal nor split a row.
    fn cell<'r>(&'r self, col: &Col<'_, T>, i: usize, row: &'r T) -> Cow<'r, str> {
        match &col.part {
            Part::Target => escape(self.targets.and_then(|t| t.get(i)).map_or("", |t| t)),
            Part::Field(c) => match c.raw_of(row) {
                Raw::Text(text) => escape(shortened(text, col.prefix)),
                Raw::Json(value) => Cow::Owned(escape_owned(value.to_string())),
                // A key of `extra` that this row lacks (`--columns extra.KEY`).
                Raw::Empty if c.name.starts_with("extra.") => Cow::Borrowed(""),
                _ => Cow::Owned(escape_owned((c.human)(row))),
            },
        }
    }
}

/// The shortest id prefix: at least `ID_PREFIX` characters, and one more than any two different
/// ids share, so that no two rows look alike.
fn unique_prefix(mut ids: Vec<&str>) -> usize {
    ids.sort_unstable();
    ids.dedup();
    let shared = ids
        .windows(2)
        .map(|pair| {
            let same = pair[0].chars().zip(pair[1].chars());
            same.take_while(|(a, b)| a == b).count() + 1
        })
        .max()
        .unwrap_or(0);
    shared.max(ID_PREFIX)
}

/// `text` cut to its first `prefix` characters, when there is a prefix and it is shorter; an
/// address never is (`127.0.0.1:54312` cut to `127.0.0.1:54` would read as port 54).
fn shortened(text: &str, prefix: Option<usize>) -> &str {
    let prefix = prefix.filter(|_| !is_address(text));
    match prefix.and_then(|n| text.char_indices().nth(n)) {
        Some((cut, _)) => &text[..cut],
        None => text,
    }
}

/// Whether an id is an IP address, with or without its port (`[::1]:1935`).
fn is_address(id: &str) -> bool {
    id.parse::<std::net::SocketAddr>().is_ok() || id.parse::<std::net::IpAddr>().is_ok()
}

/// Whether a row has anything in this column.
fn filled<T>(c: &Column<T>, row: &T) -> bool {
    match c.raw_of(row) {
        Raw::Empty => false,
        Raw::Text(t) => !t.is_empty(),
        Raw::Owned(t) => !t.is_empty(),
        Raw::Int(_) | Raw::Float(_) | Raw::Value(_) | Raw::Json(_) => true,
    }
}

/// The columns that fit `width`, each as wide as the plan says.
fn fitted<T>(cols: Vec<Col<'_, T>>, width: usize, headers: bool) -> Vec<Col<'_, T>> {
    let wants: Vec<Want> = cols
        .iter()
        .map(|c| {
            let floor = if headers { cell::width(c.title) } else { 0 };
            Want {
                natural: c.width,
                least: if c.free {
                    c.width.min(FREE_LEAST.max(floor))
                } else {
                    c.width
                },
                drop: c.drop,
                blank: c.blank && !c.chosen,
            }
        })
        .collect();
    let widths = fit::plan(&wants, GAP, width);
    cols.into_iter()
        .zip(widths)
        .filter_map(|(c, w)| w.map(|width| Col { width, ..c }))
        .collect()
}

/// One line: each cell in its column, numbers flush right, free text cut to the column, other
/// text whole even when it overflows (the row then runs on, its next cell `GAP` after it).
fn compose<'t, T>(
    line: &mut String,
    cols: &[Col<'_, T>],
    cells: impl Iterator<Item = Cow<'t, str>>,
) {
    let (mut start, mut pos) = (0, 0);
    for (k, (col, text)) in cols.iter().zip(cells).enumerate() {
        let wide = cell::width(&text);
        let shown = if col.free { wide.min(col.width) } else { wide };
        let mut at = if col.right {
            start + col.width.saturating_sub(shown)
        } else {
            start
        };
        if k > 0 {
            at = at.max(pos + GAP);
        }
        if shown > 0 {
            cell::pad(line, at - pos);
            pos = at + cell::push_cut(line, &text, wide, shown);
        }
        start += col.width + GAP;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Collector, Session, Timestamp};
    use crate::render::OutputFormat;
    use crate::render::columns::SESSION;

    fn session(id: &str, local: &str, remote: &str, rx_bit_s: f64) -> Session {
        Session {
            collector: Collector::Rtmp,
            id: id.into(),
            reference: "stream".into(),
            local: local.into(),
            remote: remote.into(),
            role: None,
            created_at: Some(Timestamp(1_795_494_198)),
            age_s: Some(192),
            rx_bytes: Some(7_203_023),
            tx_bytes: Some(3622),
            rx_bit_s: Some(rx_bit_s),
            tx_bit_s: Some(0.0),
            extra: serde_json::Value::Null,
        }
    }

    fn opts(width: Option<usize>) -> OutputOptions {
        OutputOptions {
            format: OutputFormat::Table,
            headers: true,
            color: false,
            terminal: width.is_some(),
            width,
            file: None,
            columns: Vec::new(),
        }
    }

    fn render(rows: &[Session], opts: &OutputOptions, wide: bool) -> Vec<String> {
        let table = Table {
            columns: SESSION,
            fit: &fit::SESSION,
            rows,
            targets: None,
            marks: None,
        };
        let mut out = Vec::new();
        write(&mut out, &table, opts, wide).unwrap();
        String::from_utf8(out)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect()
    }

    fn two() -> Vec<Session> {
        vec![
            session(
                "/live/test",
                "publish:/live/test",
                "127.0.0.1:50250",
                513_935.36,
            ),
            session("SG4r6HJA2batQXQcdszVKY", "/memfs/test.m3u8", "unknown", 0.0),
        ]
    }

    /// What a table shows of a text cell is its raw text (the table borrows it, `cell`).
    fn text_cells_read_as_their_raw_text<T>(columns: &[Column<T>], rows: &[T]) {
        for row in rows {
            for c in columns {
                if let Raw::Text(text) = (c.raw)(row) {
                    assert_eq!((c.human)(row), text, "{}", c.name);
                }
            }
        }
    }

    #[test]
    fn a_text_cell_is_shown_as_its_raw_text() {
        let mut rows = two();
        rows[1].extra = serde_json::json!("[127.0.0.0] viewer/1.0");
        text_cells_read_as_their_raw_text(SESSION, &rows);
        use crate::render::columns;
        let context = crate::model::ContextRow {
            current: true,
            name: "studio".into(),
            url: Some("https://core:8080".into()),
            source: Some("datarhei"),
            user: Some("admin".into()),
        };
        text_cells_read_as_their_raw_text(columns::CONTEXT, &[context]);
    }

    #[test]
    fn columns_two_spaces_apart_numbers_flush_right() {
        let lines = render(&two(), &opts(None), false);
        assert_eq!(
            lines,
            [
                "COLLECTOR  ID                      REFERENCE  LOCAL               REMOTE              AGE       RX RATE  TX RATE       RX       TX",
                "rtmp       /live/test              stream     publish:/live/test  127.0.0.1:50250  3m 12s  513.9 kbit/s  0 bit/s  6.9 MiB  3.5 KiB",
                "rtmp       SG4r6HJA2batQXQcdszVKY  stream     /memfs/test.m3u8    unknown          3m 12s       0 bit/s  0 bit/s  6.9 MiB  3.5 KiB",
            ]
        );
    }

    #[test]
    fn at_80_columns_free_text_goes_short_then_columns_go_in_order() {
        let lines = render(&two(), &opts(Some(80)), false);
        assert_eq!(
            lines,
            [
                "COLLECTOR  ID            REMOTE                RX RATE  TX RATE",
                "rtmp       /live/test    127.0.0.1:50250  513.9 kbit/s  0 bit/s",
                "rtmp       SG4r6HJA2bat  unknown               0 bit/s  0 bit/s",
            ]
        );
        // At 90 the shortest free text (REFERENCE) is left out before LOCAL is cut; a
        // longer LOCAL is cut to what is left.
        let mut rows = two();
        rows[0].local = "publish:/live/a-rather-long-stream-name".into();
        let lines = render(&rows, &opts(Some(90)), false);
        assert_eq!(
            lines[..2],
            [
                "COLLECTOR  ID            LOCAL                      REMOTE                RX RATE  TX RATE",
                "rtmp       /live/test    publish:/live/a-rather-l…  127.0.0.1:50250  513.9 kbit/s  0 bit/s",
            ]
        );
        assert!(lines.iter().all(|l| cell::width(l) <= 100), "{lines:#?}");
    }

    #[test]
    fn wide_shows_every_column_whatever_the_width() {
        let lines = render(&two(), &opts(Some(80)), true);
        assert_eq!(
            lines[0],
            "COLLECTOR  ID                      REFERENCE  LOCAL               REMOTE           CREATED                  AGE       RX RATE  TX RATE       RX       TX  EXTRA"
        );
        assert!(lines[1].contains("2026-11-24T04:23:18Z"), "{}", lines[1]);
    }

    #[test]
    fn a_column_with_nothing_in_it_is_left_out_of_the_default_table() {
        let mut rows = two();
        for r in &mut rows {
            r.age_s = None;
            r.reference.clear();
        }
        let lines = render(&rows, &opts(None), false);
        assert!(
            !lines[0].contains("AGE") && !lines[0].contains("REFERENCE"),
            "{}",
            lines[0]
        );
        let lines = render(&rows, &opts(None), true);
        assert!(
            lines[0].contains("AGE") && lines[0].contains("REFERENCE"),
            "{}",
            lines[0]
        );
        let lines = render(&[], &opts(None), false);
        assert!(
            lines[0].contains("AGE") && lines[0].contains("REFERENCE"),
            "{}",
            lines[0]
        );
    }

    #[test]
    fn a_huge_cell_is_cut_or_overflows_and_costs_its_length() {
        let mut rows = two();
        rows[0].local = "x".repeat(6 << 20).into();
        rows[1].id = "i".repeat(6 << 20).into();
        let started = std::time::Instant::now();
        let lines = render(&rows, &opts(None), false);
        // Quadratic work on 6 MiB would take minutes here (11 s in release with comfy-table).
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
        // Free text stops at FREE_MAX; the id is whole and pads no other row.
        assert!(lines[1].contains(&format!("{}…", "x".repeat(FREE_MAX - 1))));
        assert!(lines[2].contains(rows[1].id.as_str()));
        assert!(lines[1].len() < 400, "{}", lines[1].len());
    }

    #[test]
    fn server_text_is_escaped_and_marked_rows_are_coloured() {
        let rows = vec![
            session("a\u{1b}[2J", "l", "r", 0.0),
            session("b", "l", "r", 0.0),
        ];
        let marks = |i: usize| if i == 0 { Mark::New } else { Mark::Gone };
        let table = Table {
            columns: SESSION,
            fit: &fit::SESSION,
            rows: &rows,
            targets: Some(&["one".to_string(), "two".to_string()]),
            marks: Some(&marks),
        };
        let mut o = opts(None);
        o.color = true;
        let mut out = Vec::new();
        write(&mut out, &table, &o, false).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[0].starts_with("\x1b[1mTARGET  COLLECTOR"),
            "{:?}",
            lines[0]
        );
        assert!(
            lines[1].starts_with("\x1b[1;32mone     rtmp       a\\u{1b}[2J"),
            "{:?}",
            lines[1]
        );
        assert!(lines[2].starts_with("\x1b[2mtwo "), "{:?}", lines[2]);
        assert!(lines.iter().all(|l| l.ends_with("\x1b[0m")));
    }

    #[test]
    fn long_ids_on_a_terminal_are_their_shortest_unique_prefix() {
        assert_eq!(
            unique_prefix(vec!["ed038db4-de38-4784", "7c2e0000-0000-0000"]),
            12
        );
        assert_eq!(
            unique_prefix(vec!["abcdefghijklmn-1", "abcdefghijklmn-2"]),
            16
        );
        // The same id on two targets is one id.
        assert_eq!(
            unique_prefix(vec!["abcdefghijklmnop", "abcdefghijklmnop"]),
            12
        );
        assert_eq!(unique_prefix(vec![]), 12);
        assert_eq!(
            shortened("ed038db4-de38-4784-a6d0", Some(12)),
            "ed038db4-de3"
        );
        assert_eq!(shortened("short", Some(12)), "short");
        for address in ["127.0.0.1:54312", "[2001:db8::4]:50004", "2001:db8::4:1:2"] {
            assert_eq!(shortened(address, Some(12)), address);
        }
        assert_eq!(shortened("127.0.0.1:54312x", Some(12)), "127.0.0.1:54");
        assert_eq!(
            shortened("ed038db4-de38-4784-a6d0", None),
            "ed038db4-de38-4784-a6d0"
        );
        let rows = vec![
            session(
                "ed038db4-de38-4784-a6d0-b944a2863a7f",
                "live/a",
                "10.0.0.1:1",
                1.0,
            ),
            session(
                "ed038db4-de38-9999-a6d0-b944a2863a7f",
                "live/b",
                "10.0.0.2:1",
                2.0,
            ),
            session("7", "live/c", "10.0.0.3:1", 3.0),
        ];
        let lines = render(&rows, &opts(Some(200)), false);
        assert!(
            lines[1].starts_with("rtmp       ed038db4-de38-4 "),
            "{lines:?}"
        );
        assert!(
            lines[2].starts_with("rtmp       ed038db4-de38-9 "),
            "{lines:?}"
        );
        assert!(lines[3].starts_with("rtmp       7 "), "{lines:?}");
        for (wide, width) in [(true, Some(200)), (false, None)] {
            let full = render(&rows, &opts(width), wide);
            assert!(
                full[1].contains("ed038db4-de38-4784-a6d0-b944a2863a7f"),
                "{full:?}"
            );
        }
    }
}
