//! A long list written on two threads: cut into pieces of rows, every other piece rendered into
//! memory by a second thread while this one renders its own straight to the output, and written
//! in order, so the output is the same as one pass over the list. Rendering 100,000 sessions is
//! what is left to do once their reply is in (a fifth of a TSV run, a third of a JSON run).

use std::io::{self, Write};
use std::sync::mpsc;

/// Rows per piece: a piece of JSON sessions is about 85 KiB, and at most three are in memory.
const PIECE: usize = 256;

/// Below this, one thread writes the list.
const MIN_ROWS: usize = 4 * PIECE;

/// Writes `rows` as `write(out, at, rows[at..])` writes them, piece by piece; `at` is the index
/// of a piece's first row (for what only the first piece writes, or what a row carries beside it).
pub(super) fn write<T, F>(out: &mut dyn Write, rows: &[T], write: F) -> io::Result<()>
where
    T: Sync,
    F: Fn(&mut dyn Write, usize, &[T]) -> io::Result<()> + Sync,
{
    if rows.len() < MIN_ROWS {
        return write(out, 0, rows);
    }
    let pieces: Vec<(usize, &[T])> = rows
        .chunks(PIECE)
        .enumerate()
        .map(|(i, piece)| (i * PIECE, piece))
        .collect();
    let write = &write;
    std::thread::scope(|scope| {
        // One piece waits while the next is rendered: the second thread keeps one ahead.
        let (tx, rx) = mpsc::sync_channel::<io::Result<Vec<u8>>>(1);
        let theirs = &pieces;
        scope.spawn(move || {
            let mut size = 0;
            for &(at, piece) in theirs.iter().skip(1).step_by(2) {
                // About as large as the last piece: no doubling and copying as it grows.
                let mut buf = Vec::with_capacity(size + size / 8);
                let rendered = write(&mut buf, at, piece).map(|()| buf);
                size = rendered.as_ref().map_or(0, Vec::len);
                if tx.send(rendered).is_err() {
                    return; // This thread stopped on an error: nothing more is wanted.
                }
            }
        });
        for (i, &(at, piece)) in pieces.iter().enumerate() {
            if i % 2 == 0 {
                write(out, at, piece)?;
            } else {
                let rendered = rx
                    .recv()
                    .map_err(|_| io::Error::other("the second rendering thread stopped"))??;
                out.write_all(&rendered)?;
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_come_out_in_order_and_errors_stop_both_threads() {
        let rows: Vec<usize> = (0..10 * PIECE + 7).collect();
        let line = |out: &mut dyn Write, at: usize, part: &[usize]| {
            for (i, n) in part.iter().enumerate() {
                assert_eq!(at + i, *n);
                writeln!(out, "{n}")?;
            }
            Ok(())
        };
        let mut whole = Vec::new();
        line(&mut whole, 0, &rows).unwrap();
        let mut pieces = Vec::new();
        write(&mut pieces, &rows, line).unwrap();
        assert_eq!(pieces, whole);

        for bad in [0, 3] {
            let mut out = Vec::new();
            let failing = |out: &mut dyn Write, at: usize, part: &[usize]| {
                if at == bad * PIECE {
                    return Err(io::Error::other("full"));
                }
                line(out, at, part)
            };
            let err = write(&mut out, &rows, failing).unwrap_err();
            assert_eq!(err.to_string(), "full");
        }
    }
}
