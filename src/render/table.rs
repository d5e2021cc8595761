//! Tables for people: kubectl-style columns without borders, fitted to the terminal's width.

use std::io::{self, Write};

use comfy_table::{Attribute, Cell, ContentArrangement, Table, presets};

use super::columns::{Column, Shown};
use crate::config::OutputOptions;

pub fn write<T>(
    out: &mut dyn Write,
    columns: &[Column<T>],
    rows: &[T],
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
        table.set_header(visible.iter().map(|c| {
            let cell = Cell::new(c.title);
            if opts.color {
                cell.add_attribute(Attribute::Bold)
            } else {
                cell
            }
        }));
    }
    for row in rows {
        table.add_row(visible.iter().map(|c| (c.human)(row)));
    }
    for column in table.column_iter_mut() {
        column.set_padding((0, 3));
    }
    for line in table.lines() {
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}
