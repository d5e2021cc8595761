//! Points in time from servers: Unix seconds written as RFC 3339 UTC.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::ser::Error as _;
use serde::{Serialize, Serializer};

/// A point in time from a server, kept as Unix seconds and written as RFC 3339 UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// The last second RFC 3339 can write (9999-12-31T23:59:59Z); times before 1970 are no
    /// session's either.
    pub const LAST: i64 = 253_402_300_799;

    /// Whether it can be written as RFC 3339 UTC, as the JSON contract promises.
    pub fn in_range(self) -> bool {
        (0..=Self::LAST).contains(&self.0)
    }

    pub fn to_system_time(self) -> Option<SystemTime> {
        let secs = u64::try_from(self.0).ok()?;
        UNIX_EPOCH.checked_add(Duration::from_secs(secs))
    }

    /// Seconds from this time to `now`; `None` when the server's clock is ahead of ours.
    pub fn age_at(self, now: SystemTime) -> Option<u64> {
        now.duration_since(self.to_system_time()?)
            .ok()
            .map(|d| d.as_secs())
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`, for years 1970 to 9999 (what RFC 3339 and humantime can write).
    /// By hand rather than through humantime: a 100,000-row reply prints one per row.
    fn rfc3339(self) -> Option<[u8; 20]> {
        if !(0..253_402_300_800).contains(&self.0) {
            return None;
        }
        let (days, secs) = (self.0 / 86_400, self.0 % 86_400);
        // Days to a civil date in the proleptic Gregorian calendar (H. Hinnant's algorithm), in
        // 400-year eras from 0000-03-01, so leap days fall at the end of a year.
        let z = days + 719_468;
        let (era, doe) = (z / 146_097, z % 146_097);
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = era * 400 + yoe + i64::from(month <= 2);
        let mut out = *b"0000-00-00T00:00:00Z";
        let mut put = |at: usize, width: usize, mut n: i64| {
            for i in (at..at + width).rev() {
                out[i] = b'0' + (n % 10) as u8;
                n /= 10;
            }
        };
        put(0, 4, year);
        put(5, 2, month);
        put(8, 2, day);
        put(11, 2, secs / 3_600);
        put(14, 2, secs / 60 % 60);
        put(17, 2, secs % 60);
        Some(out)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.rfc3339() {
            Some(text) => f.write_str(std::str::from_utf8(&text).map_err(|_| fmt::Error)?),
            None => write!(f, "@{}", self.0),
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.rfc3339() {
            Some(text) => s.serialize_str(std::str::from_utf8(&text).map_err(S::Error::custom)?),
            None => s.collect_str(self),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn timestamps_are_rfc3339_utc() {
        assert_eq!(Timestamp(1795494198).to_string(), "2026-11-24T04:23:18Z");
        assert_eq!(Timestamp(0).to_string(), "1970-01-01T00:00:00Z");
        assert_eq!(Timestamp(-5).to_string(), "@-5");
        assert_eq!(Timestamp(i64::MAX).to_string(), format!("@{}", i64::MAX));
    }

    #[test]
    fn timestamps_agree_with_humantime() {
        let mut secs = 0_i64;
        while secs < 253_402_300_800 {
            let t = UNIX_EPOCH + Duration::from_secs(secs as u64);
            let want = humantime::format_rfc3339_seconds(t).to_string();
            assert_eq!(Timestamp(secs).to_string(), want, "{secs}");
            assert_eq!(serde_json::to_value(Timestamp(secs)).unwrap(), want);
            // Steps that land on every day of the year, leap days and centuries included.
            secs += 86_400 * 7 + 3_607;
        }
        assert_eq!(Timestamp(951_782_400).to_string(), "2000-02-29T00:00:00Z");
        assert_eq!(
            Timestamp(253_402_300_799).to_string(),
            "9999-12-31T23:59:59Z"
        );
        assert_eq!(Timestamp(253_402_300_800).to_string(), "@253402300800");
        assert_eq!(serde_json::to_value(Timestamp(-1)).unwrap(), "@-1");
    }
}
