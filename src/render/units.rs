//! Human units for tables: IEC bytes (`1.2 MiB`), SI bit rates (`513.9 kbit/s`), `3m 12s` ages.

use std::time::Duration;

use bytesize::ByteSize;

pub fn bytes(n: u64) -> String {
    ByteSize::b(n).display().iec().to_string()
}

/// Bits per second with SI prefixes, as network rates are usually quoted.
pub fn rate(bit_s: f64) -> String {
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
            return format!("{:.1} {unit}", bit_s / scale);
        }
    }
    format!("{bit_s:.0} bit/s")
}

/// A value the server may not give: `-` when it does not (never a made-up 0).
pub fn known<T>(value: Option<T>, show: fn(T) -> String) -> String {
    value.map_or_else(|| "-".into(), show)
}

pub fn age(seconds: Option<u64>) -> String {
    seconds.map_or_else(
        || "-".into(),
        |s| humantime::format_duration(Duration::from_secs(s)).to_string(),
    )
}

/// A span that may be unknown (`-`): `500ms`, `312us 100ns`.
pub fn span(d: Option<Duration>) -> String {
    d.map_or_else(|| "-".into(), |d| humantime::format_duration(d).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_units() {
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(7203023), "6.9 MiB");
        assert_eq!(rate(513935.36), "513.9 kbit/s");
        assert_eq!(rate(104857600.0), "104.9 Mbit/s");
        assert_eq!(rate(151.552), "152 bit/s");
        assert_eq!(rate(0.0), "0 bit/s");
        assert_eq!(rate(f64::NAN), "0 bit/s");
        assert_eq!(known(Some(7203023), bytes), "6.9 MiB");
        assert_eq!(known(None, rate), "-");
        assert_eq!(age(Some(192)), "3m 12s");
        assert_eq!(age(None), "-");
        assert_eq!(span(Some(Duration::from_nanos(312_100))), "312us 100ns");
        assert_eq!(span(Some(Duration::from_millis(1500))), "1s 500ms");
        assert_eq!(span(None), "-");
    }
}
