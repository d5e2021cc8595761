//! JSON (one document) and NDJSON (one object per line): the stable, documented output.

use std::io::{self, BufWriter, Write};

use serde::Serialize;

/// serde_json writes a document in many small pieces: buffered here, each is a copy into memory
/// rather than a call through `out`'s vtable (those calls were nearly half of the rendering).
const BUFFER: usize = 64 * 1024;

pub fn document<T: Serialize + ?Sized>(
    out: &mut dyn Write,
    value: &T,
    pretty: bool,
) -> io::Result<()> {
    let mut out = BufWriter::with_capacity(BUFFER, out);
    if pretty {
        serde_json::to_writer_pretty(&mut out, value)?;
    } else {
        serde_json::to_writer(&mut out, value)?;
    }
    out.write_all(b"\n")?;
    out.flush()
}

pub fn lines<'a, T: Serialize + 'a>(
    out: &mut dyn Write,
    items: impl IntoIterator<Item = &'a T>,
) -> io::Result<()> {
    let mut out = BufWriter::with_capacity(BUFFER, out);
    for item in items {
        serde_json::to_writer(&mut out, item)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

/// A row of a multi-target result: `target` first, then the row's own fields, so the object of
/// one target is the single-target object plus one field.
#[derive(Serialize)]
pub struct Targeted<'a, T> {
    pub target: &'a str,
    #[serde(flatten)]
    pub item: &'a T,
}

/// The rows, each with its target when there are several targets.
pub fn targeted<'a, T>(items: &'a [T], targets: &'a [String]) -> Vec<Targeted<'a, T>> {
    items
        .iter()
        .zip(targets)
        .map(|(item, target)| Targeted { target, item })
        .collect()
}
