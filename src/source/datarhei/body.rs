//! The body of a session reply as its parser reads it: at most `--max-body-size` bytes, and
//! within the memory budget (`source::budget`), looked at as the bytes come.

use std::io::{self, Read};

use crate::source::budget::{self, Budget};

/// Raised inside the body reader when the reply passes `--max-body-size`.
#[derive(Debug, thiserror::Error)]
#[error("reply larger than the size limit")]
pub struct TooLarge;

/// What one JSON object of a summary reply may become: a map entry of Core's history (key,
/// totals, share of a tree node), then its row (measured: 280 bytes for `"k":{}` entries).
pub const SUMMARY_OBJECT_COST: u64 = 320;

/// How often the budget is looked at: a look reads /proc/self/statm (a few microseconds), and
/// 32 KiB of the worst reply shape (`{},` per session) build about 2.5 MiB of sessions.
const BUDGET_STEP: usize = 32 * 1024;

/// What the sessions of the next `BUDGET_STEP` bytes may add before the budget is looked at
/// again: kept free.
const STEP_HEADROOM: u64 = 4 * 1024 * 1024;

/// The body as `parse` reads it: at most `--max-body-size` bytes, and the memory budget checked
/// every `BUDGET_STEP` bytes and at the end.
pub struct Capped<R> {
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
    pub fn new(inner: R, limit: u64, per_object: u64) -> Self {
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
