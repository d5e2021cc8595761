//! Start times as servers give them: RFC 3339 with any offset and up to nine fractional digits
//! (MediaMTX's Go times, Icecast's `+0000`), or an age in seconds counted back from now.

use std::time::SystemTime;

use crate::model::Timestamp;

/// The start of something `age_s` seconds old at `now`, to the nearest second.
pub(super) fn started(now: SystemTime, age_s: f64) -> Option<Timestamp> {
    if !age_s.is_finite() || age_s < 0.0 {
        return None;
    }
    let now_s = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .ok()?
        .as_secs_f64();
    Some(Timestamp((now_s - age_s).round() as i64))
}

/// `2026-11-30T12:00:01.123456789Z`, `…+01:00` or `…+0000` as Unix seconds (fraction dropped).
pub(super) fn parse_rfc3339(text: &str) -> Option<Timestamp> {
    let b = text.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<i64> {
        let digits = text.get(from..to)?;
        digits
            .bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| digits.parse().ok())?
    };
    let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hour, minute, second) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    if second > 60 {
        return None;
    }
    let mut rest = &text[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = &frac[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let zone = rest[1..].replace(':', "");
            if zone.len() != 4 || !zone.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            let (h, m): (i64, i64) = (zone[..2].parse().ok()?, zone[2..].parse().ok()?);
            sign * (h * 3600 + m * 60)
        }
    };
    let days = days_from_civil(year, month, day);
    Some(Timestamp(
        days * 86_400 + hour * 3600 + minute * 60 + second - offset,
    ))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn rfc3339_with_fractions_and_offsets() {
        let utc = parse_rfc3339("2026-11-30T12:00:01.123456789Z").unwrap();
        assert_eq!(utc.to_string(), "2026-11-30T12:00:01Z");
        assert_eq!(parse_rfc3339("2026-11-30T13:00:01+01:00"), Some(utc));
        assert_eq!(
            parse_rfc3339("2026-11-30T12:51:58+0000")
                .unwrap()
                .to_string(),
            "2026-11-30T12:51:58Z"
        );
        assert_eq!(parse_rfc3339("2026-11-30T07:00:01.5-05:00"), Some(utc));
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(Timestamp(0)));
        assert_eq!(
            parse_rfc3339("2024-02-29T00:00:00Z").unwrap().to_string(),
            "2024-02-29T00:00:00Z"
        );
        for bad in [
            "",
            "2026-11-30",
            "2026-11-30T12:00:01",
            "2026-13-30T12:00:01Z",
            "2026-11-30T12:00:01.Z",
            "2026-11-30T12:00:01+1:00",
            "2026-11-30T12:00:01Zjunk",
            "2026-1a-30T12:00:01Z",
            "2026-11-30T12:00:01+01:0é",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn ages_count_back_from_now() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1000);
        assert_eq!(started(now, 10.89), Some(Timestamp(989)));
        assert_eq!(started(now, f64::NAN), None);
        assert_eq!(started(now, -1.0), None);
    }
}
