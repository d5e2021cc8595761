//! The body of a session reply as its parser reads it: received (and inflated) on the runtime's
//! thread, handed to the parser's in large pieces, at most `--max-body-size` bytes, and within
//! the memory budget (`source::budget`), looked at as the bytes come.

use std::io::{self, Read};

use futures_util::StreamExt;
use reqwest::Response;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::source::budget::{self, Budget};

/// What the runtime's thread gathers before it hands a piece of the body on: one wake-up of the
/// parser's thread per piece, not per frame (an inflated body comes in frames of 4 KiB).
const PIECE: usize = 64 * 1024;

/// Pieces received and not yet parsed: what a fast sender can put ahead of the parser.
const QUEUE: usize = 8;

/// The body of `resp`, read by the returned reader on another thread. Receiving and inflating it
/// stay on the runtime's thread, beside the parse rather than before it on the parser's: the
/// inflate of a gzip reply would otherwise cost the parser's thread a fifth of its time. The body stops being read when
/// the reader is dropped, and when the returned task is aborted.
pub(super) fn received(resp: Response) -> (Received, JoinHandle<()>) {
    let (tx, rx) = mpsc::channel(QUEUE);
    let pump = tokio::spawn(async move {
        let mut stream = resp.bytes_stream();
        let mut piece = Vec::with_capacity(PIECE);
        loop {
            let next = stream.next().await;
            let done = match next {
                Some(Ok(bytes)) => {
                    piece.extend_from_slice(&bytes);
                    if piece.len() < PIECE {
                        continue;
                    }
                    false
                }
                Some(Err(e)) => {
                    // What came before the error is parsed first, as a direct read would.
                    let ahead = std::mem::take(&mut piece);
                    if !ahead.is_empty() && tx.send(Ok(ahead)).await.is_err() {
                        return;
                    }
                    let _ = tx.send(Err(io::Error::other(e))).await;
                    return;
                }
                None => true,
            };
            let full = std::mem::replace(&mut piece, Vec::with_capacity(PIECE));
            if !full.is_empty() && tx.send(Ok(full)).await.is_err() {
                return; // The parser stopped.
            }
            if done {
                return;
            }
        }
    });
    let reader = Received {
        rx,
        piece: Vec::new(),
        at: 0,
    };
    (reader, pump)
}

/// The parser's end of `received`: blocks until the runtime's thread has the next piece.
pub(super) struct Received {
    rx: mpsc::Receiver<io::Result<Vec<u8>>>,
    piece: Vec<u8>,
    at: usize,
}

impl Read for Received {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.piece.len() {
            match self.rx.blocking_recv() {
                Some(Ok(piece)) => (self.piece, self.at) = (piece, 0),
                Some(Err(e)) => return Err(e),
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.piece.len() - self.at);
        buf[..n].copy_from_slice(&self.piece[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Raised inside the body reader when the reply passes `--max-body-size`.
#[derive(Debug, thiserror::Error)]
#[error("reply larger than the size limit")]
pub(super) struct TooLarge;

/// What one JSON object of a summary reply may become: a map entry of Core's history (key,
/// totals, share of a tree node), then its row (measured: 280 bytes for `"k":{}` entries).
pub(super) const SUMMARY_OBJECT_COST: u64 = 320;

/// How often the budget is looked at: a look reads /proc/self/statm (a few microseconds), and
/// 32 KiB of the worst reply shape (`{},` per session) build about 2.5 MiB of sessions.
const BUDGET_STEP: usize = 32 * 1024;

/// What the sessions of the next `BUDGET_STEP` bytes may add before the budget is looked at
/// again: kept free.
const STEP_HEADROOM: u64 = 4 * 1024 * 1024;

/// The body as `parse` reads it: at most `--max-body-size` bytes, and the memory budget checked
/// every `BUDGET_STEP` bytes and at the end.
pub(super) struct Capped<R> {
    inner: R,
    left: u64,
    budget: Budget,
    /// What one JSON object of the body may become (0: measured as it is built instead).
    per_object: u64,
    /// What the objects read so far may become.
    estimate: u64,
    /// Bytes read since the last look at the budget.
    unchecked: usize,
}

impl<R> Capped<R> {
    /// A body of at most `limit` bytes, whose parser builds rows as it reads (`per_object` 0)
    /// or reads it whole first (`per_object`: what one JSON object may become).
    pub(super) fn new(inner: R, limit: u64, per_object: u64) -> Self {
        Capped {
            inner,
            left: limit,
            budget: Budget::new(limit),
            per_object,
            estimate: 0,
            unchecked: 0,
        }
    }
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let step = buf.len().min(BUDGET_STEP);
        let n = self.inner.read(&mut buf[..step])?;
        let n64 = n as u64;
        if n64 > self.left {
            return Err(io::Error::other(TooLarge));
        }
        self.left -= n64;
        self.estimate = self
            .estimate
            .saturating_add(budget::estimate(&buf[..n], self.per_object));
        self.unchecked += n;
        if self.unchecked >= BUDGET_STEP || n == 0 {
            self.unchecked = 0;
            let more = self.estimate.saturating_add(STEP_HEADROOM);
            self.budget.check(more).map_err(io::Error::other)?;
        }
        Ok(n)
    }
}
