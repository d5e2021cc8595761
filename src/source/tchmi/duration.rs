//! ISO 8601 durations as TcHmi writes them (`PT0.0003121S`, `P7DT1H5M54.5987758S`): a small pure
//! parser, because the server's timespans are the only ones we read and no crate is worth it.

use std::time::Duration;

const NANOS_PER_SECOND: u128 = 1_000_000_000;

/// Parses `P[nW][nD][T[nH][nM][nS]]`, a fraction allowed on any number (to nanoseconds, further
/// digits truncated). Years and months are refused: their length depends on the calendar.
pub(crate) fn parse(text: &str) -> Option<Duration> {
    let rest = text.strip_prefix('P')?;
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) if !t.is_empty() => (d, Some(t)),
        Some(_) => return None,
        None => (rest, None),
    };
    if date.is_empty() && time.is_none() {
        return None;
    }
    let mut nanos = sum(date, &[('W', 7 * 86_400), ('D', 86_400)])?;
    if let Some(time) = time {
        nanos = nanos.checked_add(sum(time, &[('H', 3_600), ('M', 60), ('S', 1)])?)?;
    }
    let secs = u64::try_from(nanos / NANOS_PER_SECOND).ok()?;
    let sub = u32::try_from(nanos % NANOS_PER_SECOND).ok()?;
    Some(Duration::new(secs, sub))
}

/// Adds up `<number><unit>` pairs whose units appear in `units` order, each at most once.
fn sum(mut text: &str, units: &[(char, u128)]) -> Option<u128> {
    let mut total: u128 = 0;
    let mut allowed = units;
    while !text.is_empty() {
        let end = text.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))?;
        let (number, tail) = text.split_at(end);
        let unit = tail.chars().next()?;
        let at = allowed.iter().position(|&(u, _)| u == unit)?;
        total = total.checked_add(nanos(number, allowed[at].1)?)?;
        allowed = &allowed[at + 1..];
        text = &tail[unit.len_utf8()..];
    }
    Some(total)
}

/// `number` units of `unit_secs` seconds, in nanoseconds (ISO 8601 allows `,` as the decimal mark).
fn nanos(number: &str, unit_secs: u128) -> Option<u128> {
    let (whole, fraction) = match number.split_once(['.', ',']) {
        Some((w, f)) => (w, f),
        None => (number, ""),
    };
    if whole.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: u128 = whole.parse().ok()?;
    let unit = unit_secs * NANOS_PER_SECOND;
    let mut part: u128 = 0;
    let mut scale = unit;
    for digit in fraction.bytes().take(18) {
        scale /= 10;
        part += u128::from(digit - b'0') * scale;
    }
    whole.checked_mul(unit)?.checked_add(part)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_tchmi_timespans() {
        assert_eq!(parse("PT0.0003121S"), Some(Duration::from_nanos(312_100)));
        assert_eq!(parse("PT0.0011532S"), Some(Duration::from_nanos(1_153_200)));
        assert_eq!(
            parse("P7DT1H5M54.5987758S"),
            Some(Duration::new(7 * 86_400 + 3_600 + 300 + 54, 598_775_800))
        );
        assert_eq!(parse("PT40S"), Some(Duration::from_secs(40)));
        assert_eq!(parse("P30D"), Some(Duration::from_secs(30 * 86_400)));
        assert_eq!(parse("P1W"), Some(Duration::from_secs(7 * 86_400)));
        assert_eq!(parse("PT1,5M"), Some(Duration::from_secs(90)));
        assert_eq!(parse("PT0S"), Some(Duration::ZERO));
        assert_eq!(parse("PT1.0000000019S"), Some(Duration::new(1, 1)));
    }

    #[test]
    fn the_seconds_value_is_exact() {
        let d = parse("PT0.0003121S").unwrap();
        assert_eq!(d.as_secs_f64(), 0.0003121);
        let d = parse("P7DT1H5M54.5987758S").unwrap();
        assert_eq!(d.as_secs_f64(), 608_754.598_775_8);
    }

    #[test]
    fn refuses_what_is_no_duration() {
        for text in [
            "",
            "P",
            "PT",
            "T1S",
            "PT1",
            "PT1X",
            "P1Y",
            "P1M",
            "PT1S1M",
            "PT1H1H",
            "-PT1S",
            "PT.5S",
            "PT1.5.5S",
            "P1DT",
            "pt1s",
            "PT99999999999999999999999999999999999999S",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }
}
