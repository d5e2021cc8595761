//! Tab-separated values with the JSON field names as header, escaped as jq's `@tsv` does.

use std::io::{self, Write};

use super::Targets;
use super::columns::{Column, Raw};

pub fn write<T>(
    out: &mut dyn Write,
    columns: &[Column<T>],
    rows: &[T],
    targets: Targets<'_>,
    headers: bool,
) -> io::Result<()> {
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
    Ok(())
}

fn write_escaped(out: &mut dyn Write, field: &str) -> io::Result<()> {
    let bytes = field.as_bytes();
    let mut start = 0;
    for (i, b) in bytes.iter().enumerate() {
        let escaped: &[u8] = match b {
            b'\\' => b"\\\\",
            b'\t' => b"\\t",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            _ => continue,
        };
        out.write_all(&bytes[start..i])?;
        out.write_all(escaped)?;
        start = i + 1;
    }
    out.write_all(&bytes[start..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_jq() {
        let mut out = Vec::new();
        write_escaped(&mut out, "a\tb\nc\\d\re").unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "a\\tb\\nc\\\\d\\re");
    }
}
