//! Human units for tables: IEC bytes (`1.2 MiB`), SI bit rates (`513.9 kbit/s`, limits too),
//! `3m 12s` ages.

use std::time::Duration;

/// IEC units to one decimal: `0 B`, `1000 B`, `3.5 KiB`, `6.9 MiB`. Integer arithmetic only, as
/// in `rate`: float formatting was a quarter of the time of a 100,000-row table.
pub(crate) fn bytes(n: u64) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let (mut unit, mut scale) = (0, 1024u128);
    while unit + 1 < UNITS.len() && u128::from(n) >= scale * 1024 {
        unit += 1;
        scale *= 1024;
    }
    let t = (u128::from(n) * 10 + scale / 2) / scale;
    tenths(u64::try_from(t).unwrap_or(u64::MAX), UNITS[unit])
}

/// `12.3 unit` from 123 tenths.
fn tenths(tenths: u64, unit: &str) -> String {
    format!("{}.{} {unit}", tenths / 10, tenths % 10)
}

/// Bits per second with SI prefixes, as network rates are usually quoted.
pub(crate) fn rate(bit_s: f64) -> String {
    const STEPS: [(f64, &str); 4] = [
        (1e12, "Tbit/s"),
        (1e9, "Gbit/s"),
        (1e6, "Mbit/s"),
        (1e3, "kbit/s"),
    ];
    if !bit_s.is_finite() || bit_s <= 0.0 {
        return "0 bit/s".into();
    }
    for (scale, unit) in STEPS {
        if bit_s >= scale {
            // `as` saturates: 1.8e18 tenths of a Tbit/s is no rate.
            return tenths((bit_s / scale * 10.0).round() as u64, unit);
        }
    }
    format!("{} bit/s", bit_s.round() as u64)
}

/// A value the server may not give: `-` when it does not (never a made-up 0).
pub(crate) fn known<T>(value: Option<T>, show: fn(T) -> String) -> String {
    value.map_or_else(|| "-".into(), show)
}

/// How long ago, to its two largest units as `ps` and kubectl keep it short: `45s`, `3m 12s`,
/// `5h 03m`, `6d 10h`.
pub(crate) fn age(seconds: Option<u64>) -> String {
    let Some(s) = seconds else {
        return "-".into();
    };
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m {:02}s", s / 60, s % 60),
        3600..86400 => format!("{}h {:02}m", s / 3600, s % 3600 / 60),
        _ => format!("{}d {:02}h", s / 86400, s % 86400 / 3600),
    }
}

/// A span that may be unknown (`-`): `500ms`, `312us 100ns`.
pub(crate) fn span(d: Option<Duration>) -> String {
    d.map_or_else(|| "-".into(), |d| humantime::format_duration(d).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_units() {
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(1000), "1000 B");
        assert_eq!(bytes(1024), "1.0 KiB");
        assert_eq!(bytes(3622), "3.5 KiB");
        assert_eq!(bytes(7203023), "6.9 MiB");
        assert_eq!(bytes(1_048_575), "1024.0 KiB");
        assert_eq!(bytes(u64::MAX), "16.0 EiB");
        assert_eq!(rate(1e15), "1000.0 Tbit/s");
        assert_eq!(rate(513935.36), "513.9 kbit/s");
        assert_eq!(rate(104857600.0), "104.9 Mbit/s");
        assert_eq!(rate(151.552), "152 bit/s");
        assert_eq!(rate(0.0), "0 bit/s");
        assert_eq!(rate(f64::NAN), "0 bit/s");
        assert_eq!(known(Some(7203023), bytes), "6.9 MiB");
        assert_eq!(known(None, rate), "-");
        assert_eq!(age(Some(0)), "0s");
        assert_eq!(age(Some(59)), "59s");
        assert_eq!(age(Some(192)), "3m 12s");
        assert_eq!(age(Some(3600 * 5 + 180)), "5h 03m");
        assert_eq!(age(Some(556_723)), "6d 10h");
        assert_eq!(age(None), "-");
        // Core's `max_bitrate_mbit: 100` (its Mbit is 2^20 bit/s), in the rates' SI units.
        assert_eq!(rate(100.0 * 1024.0 * 1024.0), "104.9 Mbit/s");
        assert_eq!(span(Some(Duration::from_nanos(312_100))), "312us 100ns");
        assert_eq!(span(Some(Duration::from_millis(1500))), "1s 500ms");
        assert_eq!(span(None), "-");
    }
}
