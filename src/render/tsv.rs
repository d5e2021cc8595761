//! Tab-separated values with the JSON field names as header: one row per line, each field
//! escaped as jq's `@tsv` does (`\\`, `\t`, `\n`, `\r`) and every other control, bidi or
//! line-separator character as `\uXXXX`, so a reader can restore the text exactly.

use std::io::{self, BufWriter, Write};

use super::Targets;
use super::columns::{Column, Raw};

/// Rows are written cell by cell, in small pieces: buffered here, each is a copy into memory rather
/// than a call through `out`'s vtable.
const BUFFER: usize = 64 * 1024;

pub(super) fn write<T>(
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
            match col.raw_of(row) {
                Raw::Text(text) => write_escaped(out, text)?,
                Raw::Owned(text) => write_escaped(out, &text)?,
                Raw::Int(n) => out.write_all(itoa::Buffer::new().format(n).as_bytes())?,
                Raw::Float(x) => write_float(out, x)?,
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

/// `x` as `Display` writes it (the shortest digits that read back as `x`, no exponent), without
/// `Display`'s search for those digits where `x` is a whole number of thousandths, as every rate
/// of datarhei Core is: then they are the thousandths with their trailing zeros left out.
fn write_float(out: &mut impl Write, x: f64) -> io::Result<()> {
    let Some(k) = thousandths(x) else {
        return write!(out, "{x}");
    };
    out.write_all(itoa::Buffer::new().format(k / 1000).as_bytes())?;
    let frac = k % 1000;
    if frac == 0 {
        return Ok(());
    }
    let digits = [
        b'.',
        b'0' + (frac / 100) as u8,
        b'0' + (frac / 10 % 10) as u8,
        b'0' + (frac % 10) as u8,
    ];
    let len = 4 - usize::from(frac % 10 == 0) - usize::from(frac % 100 == 0);
    out.write_all(&digits[..len])
}

/// `x` in thousandths, where `x` is the double nearest to a whole number `k` of them and below
/// 2^42. There doubles lie at most 2^-11 apart, so every other decimal of at most three places is
/// further than half that from `x` and reads back as another double: `k`'s digits are the
/// shortest. (The division is exact to the nearest double, so `k / 1000.0 == x` tells.)
fn thousandths(x: f64) -> Option<u64> {
    const LIMIT: f64 = (1u64 << 42) as f64;
    // NaN is not below LIMIT either.
    if x.is_sign_negative() || x.partial_cmp(&LIMIT) != Some(std::cmp::Ordering::Less) {
        return None;
    }
    let k = (x * 1000.0).round();
    (k / 1000.0 == x).then_some(k as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::columns::Shown;
    use crate::render::fit::Fit;

    fn float(x: f64) -> String {
        let mut out = Vec::new();
        write_float(&mut out, x).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn floats_are_written_as_display_writes_them() {
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut cases = vec![
            0.0,
            -0.0,
            0.1 + 0.2,
            1e-300,
            f64::MIN_POSITIVE,
            f64::MAX,
            f64::INFINITY,
            f64::NAN,
            -1.5,
            (1u64 << 42) as f64,
            (1u64 << 42) as f64 - 0.001,
            4_398_046_511_103.999,
            9_007_199_254_740_993.0,
        ];
        cases.extend((0..200_000).map(|k| k as f64 / 1000.0));
        for _ in 0..200_000 {
            let k = next() >> (next() % 64);
            cases.push(k as f64 / 1000.0);
            cases.push(crate::model::round3((k % 1_000_000_000) as f64 * 0.731));
            cases.push(f64::from_bits(next()));
        }
        for x in cases {
            assert_eq!(float(x), format!("{x}"), "{x:?}");
        }
    }

    #[test]
    fn long_lists_written_in_pieces_are_one_pass() {
        let rows: Vec<String> = (0..3000).map(|i| format!("row\t{i}")).collect();
        let targets: Vec<String> = (0..3000).map(|i| format!("t{}", i % 7)).collect();
        let columns = [Column::<String> {
            title: "ROW",
            name: "row",
            shown: Shown::Table,
            human: |r| r.clone(),
            raw: |r| Raw::Text(r),
        }];
        let mut opts = crate::render::OutputOptions {
            format: crate::render::OutputFormat::Tsv,
            headers: true,
            color: false,
            terminal: false,
            width: None,
            file: None,
            columns: Vec::new(),
        };
        for labelled in [None, Some(&targets[..])] {
            for headers in [true, false] {
                opts.headers = headers;
                let mut whole = Vec::new();
                write(&mut whole, &columns, &rows, labelled, headers).unwrap();
                let mut pieces = Vec::new();
                let fit = Fit {
                    numbers: &[],
                    free: &[],
                    drop: &[],
                };
                super::super::rows(&mut pieces, (&columns, &fit), &rows, labelled, &opts).unwrap();
                assert_eq!(pieces, whole);
            }
        }
    }

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
