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
pub struct Budget {
    ceiling: u64,
}

/// The reply would take the process past its ceiling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub struct OverBudget {
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
    pub fn new(max_body_size: u64) -> Budget {
        Budget {
            ceiling: max_body_size.saturating_mul(2).saturating_add(BASE),
        }
    }

    /// Fails when resident memory plus `more` (what is about to be built) passes the ceiling.
    /// Where /proc cannot be read, only `more` is counted.
    pub fn check(&self, more: u64) -> Result<(), OverBudget> {
        self.fits(resident().unwrap_or(0).saturating_add(more))
    }

    /// Fails when `total` bytes of memory pass the ceiling.
    pub fn fits(&self, total: u64) -> Result<(), OverBudget> {
        if total > self.ceiling {
            return Err(OverBudget {
                ceiling: self.ceiling,
            });
        }
        Ok(())
    }
}

/// At most what parsing `text` builds, when each JSON object may become `per_object` bytes of
/// rows (every `{` counts, also one inside a string: an estimate errs on the safe side).
pub fn estimate(text: &[u8], per_object: u64) -> u64 {
    if per_object == 0 {
        return 0;
    }
    let objects = memchr::memchr_iter(b'{', text).count() as u64;
    objects.saturating_mul(per_object)
}

/// The process's resident memory in bytes.
pub fn resident() -> Option<u64> {
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
    fn every_brace_counts_in_the_estimate() {
        assert_eq!(estimate(br#"{"a":[{},{}],"b":"{"}"#, 100), 400);
        assert_eq!(estimate(b"[1,2]", 100), 0);
    }
}
