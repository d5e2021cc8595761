//! Tab-separated values with the JSON field names as header: one row per line, each field
//! escaped as jq's `@tsv` does (`\\`, `\t`, `\n`, `\r`) and every other control, bidi or
//! line-separator character as `\uXXXX`, so a reader can restore the text exactly.

use std::io::{self, BufWriter, Write};

use super::Targets;
use super::columns::{Column, Raw};

/// Rows are written cell by cell, in small pieces: buffered here, each is a copy into memory rather
/// than a call through `out`'s vtable.
const BUFFER: usize = 64 * 1024;

pub fn write<T>(
    out: &mut dyn Write,
    columns: &[Column<T>],
    rows: &[T],
    targets: Targets<'_>,
    headers: bool,
) -> io::Result<()> {
    let out = &mut BufWriter::with_capacity(BUFFER, out);
    if headers {
        let lead = targets.map(|_| "target").into_iter();
        let names: Vec<&str> = lead.chain(columns.iter().map(|c| c.name)).collect();
        writeln!(out, "{}", names.join("\t"))?;
    }
    for (r, row) in rows.iter().enumerate() {
        if let Some(target) = targets.and_then(|t| t.get(r)) {
            write_escaped(out, target)?;
            out.write_all(b"\t")?;
        }
        for (i, col) in columns.iter().enumerate() {
            if i > 0 {
                out.write_all(b"\t")?;
            }
            match (col.raw)(row) {
                Raw::Text(text) => write_escaped(out, text)?,
                Raw::Owned(text) => write_escaped(out, &text)?,
                Raw::Value(value) => write!(out, "{value}")?,
                // serde_json's `Display` goes through `fmt` a byte at a time; its writer does not.
                Raw::Json(value) => {
                    let text = serde_json::to_string(value).map_err(std::io::Error::other)?;
                    write_escaped(out, &text)?
                }
                Raw::Empty => {}
            }
        }
        out.write_all(b"\n")?;
    }
    out.flush()
}

fn write_escaped(out: &mut dyn Write, field: &str) -> io::Result<()> {
    crate::text::write_reversible(out, field)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_jq_and_shows_other_controls_as_code_points() {
        let mut out = Vec::new();
        write_escaped(&mut out, "a\tb\nc\\d\re\u{1b}[2J\u{202e}").unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a\\tb\\nc\\\\d\\re\\u001b[2J\\u202e"
        );
    }
}
