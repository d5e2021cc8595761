//! Tables for people: kubectl-style columns without borders, fitted to the terminal's width.

use std::io::{self, Write};

use comfy_table::{Attribute, Cell, Color, ContentArrangement, Table, presets};

use super::Targets;
use super::columns::{Column, Shown};
use crate::config::OutputOptions;

/// How a row stands out in a watch: new (highlighted) or gone (dimmed, one round).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Plain,
    New,
    Gone,
}

pub fn write<T>(
    out: &mut dyn Write,
    columns: &[Column<T>],
    rows: &[T],
    targets: Targets<'_>,
    opts: &OutputOptions,
    wide: bool,
) -> io::Result<()> {
    write_marked(out, columns, rows, targets, &|_| Mark::Plain, opts, wide)
}

/// A table whose rows may be marked; marks show only in colour (no decoration otherwise).
pub fn write_marked<T>(
    out: &mut dyn Write,
    columns: &[Column<T>],
    rows: &[T],
    targets: Targets<'_>,
    mark: &dyn Fn(usize) -> Mark,
    opts: &OutputOptions,
    wide: bool,
) -> io::Result<()> {
    let visible: Vec<&Column<T>> = columns
        .iter()
        .filter(|c| match c.shown {
            Shown::Table => true,
            Shown::Wide => wide,
            Shown::Never => false,
        })
        .collect();
    let mut table = Table::new();
    table.load_preset(presets::NOTHING);
    if opts.terminal {
        table.set_content_arrangement(ContentArrangement::Dynamic);
    } else {
        table.force_no_tty();
    }
    if opts.color {
        table.enforce_styling();
    }
    if opts.headers {
        let titles = targets.map(|_| "TARGET").into_iter();
        table.set_header(titles.chain(visible.iter().map(|c| c.title)).map(|title| {
            let cell = Cell::new(title);
            if opts.color {
                cell.add_attribute(Attribute::Bold)
            } else {
                cell
            }
        }));
    }
    for (i, row) in rows.iter().enumerate() {
        let target = targets.and_then(|t| t.get(i)).cloned();
        let texts = target
            .into_iter()
            .chain(visible.iter().map(|c| (c.human)(row)))
            // Cells hold the server's text: shown escaped, it can neither restyle or clear the
            // terminal nor split a row over lines.
            .map(crate::text::escape_owned);
        let style = if opts.color { mark(i) } else { Mark::Plain };
        table.add_row(texts.map(|text| {
            match style {
                Mark::Plain => Cell::new(text),
                Mark::New => Cell::new(text)
                    .fg(Color::Green)
                    .add_attribute(Attribute::Bold),
                Mark::Gone => Cell::new(text).add_attribute(Attribute::Dim),
            }
        }));
    }
    for column in table.column_iter_mut() {
        column.set_padding((0, 3));
    }
    for line in table.lines() {
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}
