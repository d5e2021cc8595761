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
        table.add_row(visible.iter().map(|c| printable((c.human)(row))));
    }
    for column in table.column_iter_mut() {
        column.set_padding((0, 3));
    }
    for line in table.lines() {
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// Cells hold the server's text, which may hold control characters: shown escaped (`\u{1b}`),
/// they can neither restyle or clear the terminal nor split a row over lines.
fn printable(text: String) -> String {
    if !text.contains(char::is_control) {
        return text;
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn control_characters_in_cells_are_shown_escaped() {
        assert_eq!(printable("a\u{1b}[2J\nb\tc".into()), "a\\u{1b}[2J\\nb\\tc");
        assert_eq!(printable("plain ü".into()), "plain ü");
    }
}
