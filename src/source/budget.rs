//! The memory a reply may cost once read: the process stays under 2 × `--max-body-size` +
//! 64 MiB of resident memory, whatever the reply's shape (two million `{}` sessions in 6 MB
//! would otherwise take 400 MB). Measured, not guessed, where parsing goes along with reading
//! (the process's resident set, from /proc/self/statm); estimated beforehand where a parser
//! takes the whole text at once (a bound on what each JSON object may become).

use std::fmt;

const MIB: u64 = 1024 * 1024;
/// The runtime, TLS, buffers and the output: what the process needs besides the reply.
const BASE: u64 = 64 * MIB;

/// A ceiling on resident memory, from `--max-body-size`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Budget {
    ceiling: u64,
}

/// The reply would take the process past its ceiling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) struct OverBudget {
    pub ceiling: u64,
}

impl fmt::Display for OverBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "reading it would take more than 2 × --max-body-size + 64 MiB of memory ({} MiB)",
            self.ceiling / MIB
        )
    }
}

impl Budget {
    pub(crate) fn new(max_body_size: u64) -> Budget {
        Budget {
            ceiling: max_body_size.saturating_mul(2).saturating_add(BASE),
        }
    }

    /// Fails when resident memory plus `more` (what is about to be built) passes the ceiling.
    /// Where /proc cannot be read, only `more` is counted.
    pub(crate) fn check(&self, more: u64) -> Result<(), OverBudget> {
        self.fits(resident().unwrap_or(0).saturating_add(more))
    }

    /// Fails when `total` bytes of memory pass the ceiling.
    pub(crate) fn fits(&self, total: u64) -> Result<(), OverBudget> {
        if total > self.ceiling {
            return Err(OverBudget {
                ceiling: self.ceiling,
            });
        }
        Ok(())
    }
}

/// At most what parsing `text` builds, when each JSON object or array may become `per_object`
/// bytes of rows: serde reads a struct from an array as well (`[]` is a row of defaults), so
/// every `{` and `[` counts, also one inside a string (an estimate errs on the safe side).
pub(crate) fn estimate(text: &[u8], per_object: u64) -> u64 {
    if per_object == 0 {
        return 0;
    }
    let containers = memchr::memchr2_iter(b'{', b'[', text).count() as u64;
    containers.saturating_mul(per_object)
}

/// What a `serde_json::Value` read from `raw` may take: a value (32 bytes, twice that in a
/// growing list) or a map entry (its key, its value and its share of a B-tree node) for each
/// `,`, `:`, `[` and `{`, and the text of its strings. Counting is linear and allocates nothing,
/// so a value is weighed before it is built (a list of `0` takes 16 times its text).
pub(crate) fn value_cost(raw: &[u8]) -> u64 {
    let marks = memchr::memchr3_iter(b',', b':', b'[', raw).count()
        + memchr::memchr_iter(b'{', raw).count();
    (marks as u64)
        .saturating_add(1)
        .saturating_mul(VALUE_COST)
        .saturating_add(raw.len() as u64)
}

/// What one mark of `value_cost` may become.
const VALUE_COST: u64 = 128;

/// What parsing builds between two looks at resident memory.
const METER_STEP: u64 = 2 * MIB;

/// Counts what a parse builds as it goes and looks at resident memory every `METER_STEP` bytes
/// of it, and before anything larger is built: rows made from text already read are not yet
/// resident when the reader looks.
#[derive(Debug)]
pub(crate) struct Meter {
    budget: Budget,
    /// Counted since the last look.
    unchecked: u64,
}

impl Meter {
    pub(crate) fn new(budget: Budget) -> Meter {
        Meter {
            budget,
            unchecked: 0,
        }
    }

    /// `bytes` are about to be built: fails when they and the next step would pass the ceiling.
    pub(crate) fn add(&mut self, bytes: u64) -> Result<(), OverBudget> {
        self.unchecked = self.unchecked.saturating_add(bytes);
        if self.unchecked >= METER_STEP {
            self.budget
                .check(self.unchecked.saturating_add(METER_STEP))?;
            self.unchecked = 0;
        }
        Ok(())
    }
}

/// The process's resident memory in bytes.
pub(crate) fn resident() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages.saturating_mul(rustix::param::page_size() as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ceiling_is_twice_the_body_limit_plus_the_base() {
        let budget = Budget::new(8 * MIB);
        assert_eq!(budget.ceiling, 80 * MIB);
        assert!(
            budget.check(0).is_ok(),
            "a test process is far below 80 MiB"
        );
        let over = budget.check(80 * MIB).unwrap_err();
        assert_eq!(
            over.to_string(),
            "reading it would take more than 2 × --max-body-size + 64 MiB of memory (80 MiB)"
        );
        assert!(resident().is_some_and(|r| r > MIB));
        assert_eq!(Budget::new(u64::MAX).ceiling, u64::MAX);
    }

    #[test]
    fn every_brace_and_bracket_counts_in_the_estimate() {
        assert_eq!(estimate(br#"{"a":[{},{}],"b":"{"}"#, 100), 500);
        assert_eq!(estimate(b"[1,2]", 100), 100);
        assert_eq!(estimate(b"1", 100), 0);
    }

    /// What malloc takes for `n` bytes (glibc: 8 bytes of header, 16-byte steps, 32 at least).
    fn chunk(n: usize) -> u64 {
        if n == 0 {
            0
        } else {
            ((n as u64 + 8 + 15) & !15).max(32)
        }
    }

    /// What a value holds on the heap: its lists' room, its strings, and for a map entry its
    /// key, its value and a B-tree node half full (nodes split in two as sorted keys arrive).
    fn heap(v: &serde_json::Value) -> u64 {
        use serde_json::Value;
        const VALUE: usize = std::mem::size_of::<Value>();
        match v {
            Value::String(s) => chunk(s.capacity()),
            Value::Array(list) => {
                chunk(list.capacity() * VALUE) + list.iter().map(heap).sum::<u64>()
            }
            Value::Object(map) => map
                .iter()
                .map(|(k, v)| 2 * (24 + VALUE as u64) + chunk(k.capacity()) + heap(v))
                .sum(),
            _ => 0,
        }
    }

    /// The weight is at least what serde_json builds, for the shapes that cost the most per
    /// byte of text.
    #[test]
    fn a_value_costs_no_more_than_weighed() {
        let cases = [
            format!("[{}]", vec!["0"; 20_000].join(",")),
            format!("[{}]", vec!["[]"; 20_000].join(",")),
            format!("[{}]", vec!["{}"; 20_000].join(",")),
            format!("[{}]", vec![r#""a""#; 20_000].join(",")),
            format!(
                "{{{}}}",
                (0..20_000)
                    .map(|i| format!(r#""{i:x}":0"#))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        ];
        for raw in &cases {
            let value: serde_json::Value = serde_json::from_str(raw).unwrap();
            let (built, weighed) = (heap(&value), value_cost(raw.as_bytes()));
            assert!(built <= weighed, "{}: {built} > {weighed}", &raw[..8]);
        }
        assert_eq!(value_cost(br#""ok""#), 132);
    }

    #[test]
    fn the_meter_looks_every_step_and_before_a_large_build() {
        let mut meter = Meter::new(Budget::new(8 * MIB));
        for _ in 0..100 {
            meter.add(64 * 1024).unwrap();
        }
        assert!(meter.unchecked < METER_STEP);
        let over = meter.add(80 * MIB).unwrap_err();
        assert_eq!(over.ceiling, 80 * MIB);
    }
}
