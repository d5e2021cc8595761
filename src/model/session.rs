//! One active session, its JSON contract and the checks that keep it inside that contract;
//! what `kick` did to one.

use serde::{Serialize, Serializer};

use super::{Collector, Timestamp, round3};

/// A session's short text: up to 24 bytes held in place, longer text on the heap. Ids,
/// addresses and paths mostly fit, so a 100,000-session reply makes a fifth of the allocations
/// it would as `String`s (they were a third of its peak memory).
pub(crate) type Text = compact_str::CompactString;

/// One active session: a viewer, a publisher, an ingest, a process input or output.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub collector: Collector,
    pub id: Text,
    pub reference: Text,
    /// What is being accessed (a stream path, a URL path, a local address).
    pub local: Text,
    /// Who is accessing it (an address, a host name from a Referer, `unknown`).
    pub remote: Text,
    /// Whether it publishes the stream or plays it, as the server says; `None` where it does
    /// not say (null in JSON).
    pub role: Option<Role>,
    pub created_at: Option<Timestamp>,
    pub age_s: Option<u64>,
    /// Bytes as the server counts them (rx: received from the client). `None` where the server
    /// does not count them per session (nginx-rtmp, Icecast): null in JSON, `-` in tables.
    pub rx_bytes: Option<u64>,
    pub tx_bytes: Option<u64>,
    /// Bit rate in bits per second (SI, exact); `None` where neither the server nor a previous
    /// look can tell it.
    pub rx_bit_s: Option<f64>,
    pub tx_bit_s: Option<f64>,
    /// The server's free-form extra data: a string (datarhei Core 16.x), an object, or null.
    pub extra: serde_json::Value,
}

/// A session's part in its stream: the one that sends it in, or one of those it goes out to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Publisher,
    Player,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Publisher => "publisher",
            Role::Player => "player",
        }
    }

    /// The role a server's flag says: publishing or not.
    pub(crate) fn publishing(publishing: bool) -> Role {
        if publishing {
            Role::Publisher
        } else {
            Role::Player
        }
    }
}

impl std::str::FromStr for Role {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "publisher" => Ok(Role::Publisher),
            "player" => Ok(Role::Player),
            _ => Err(()),
        }
    }
}

impl Session {
    /// The rate in datarhei Core's own unit, bits per second / 1024, to Core's 3 decimals: for a
    /// Core source exactly the number the server sent (scaling by 1024 loses nothing).
    pub fn rx_kibit_s(&self) -> Option<f64> {
        self.rx_bit_s.map(|r| round3(r / 1024.0))
    }

    pub fn tx_kibit_s(&self) -> Option<f64> {
        self.tx_bit_s.map(|r| round3(r / 1024.0))
    }
}

/// The JSON contract of a session: the fields above plus the derived Core-unit rates.
impl Serialize for Session {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Json<'a> {
            collector: Collector,
            id: &'a str,
            reference: &'a str,
            local: &'a str,
            remote: &'a str,
            role: Option<Role>,
            created_at: Option<Timestamp>,
            age_s: Option<u64>,
            rx_bytes: Option<u64>,
            tx_bytes: Option<u64>,
            rx_bit_s: Option<f64>,
            tx_bit_s: Option<f64>,
            rx_kibit_s: Option<f64>,
            tx_kibit_s: Option<f64>,
            extra: &'a serde_json::Value,
        }
        Json {
            collector: self.collector,
            id: &self.id,
            reference: &self.reference,
            local: &self.local,
            remote: &self.remote,
            role: self.role,
            created_at: self.created_at,
            age_s: self.age_s,
            rx_bytes: self.rx_bytes,
            tx_bytes: self.tx_bytes,
            rx_bit_s: self.rx_bit_s,
            tx_bit_s: self.tx_bit_s,
            rx_kibit_s: self.rx_kibit_s(),
            tx_kibit_s: self.tx_kibit_s(),
            extra: &self.extra,
        }
        .serialize(s)
    }
}

/// Why a rate cannot be shown as the JSON contract's number, if it cannot: in bit/s it must be
/// finite (JSON has no infinity) and not negative. `value` is the rate as the field holds it.
fn bad_rate(name: &str, value: f64, bit_s: f64) -> Option<String> {
    (!bit_s.is_finite() || bit_s < 0.0).then(|| {
        format!("{name} {value:?} is out of range (a rate is a finite number of bit/s, at least 0)")
    })
}

/// `bad_rate` for a rate the server may not give (unknown is in range).
pub(super) fn bad_known_rate(name: &str, value: Option<f64>, per_unit: f64) -> Option<String> {
    value.and_then(|v| bad_rate(name, v, v * per_unit))
}

/// At most 60 characters of a server's name for something, for an error line.
fn quoted(s: &str) -> String {
    let mut short: String = s.chars().take(60).collect();
    if short.len() < s.len() {
        short.push('…');
    }
    format!("'{short}'")
}

impl Session {
    /// Why this session breaks the JSON contract's types, if it does (a server's value out of
    /// range): then it is refused rather than shown wrong.
    pub fn out_of_range(&self) -> Option<String> {
        let created = self.created_at.filter(|t| !t.in_range()).map(|t| {
            format!(
                "created_at {} is out of range (a time from 1970 to 9999, in Unix seconds)",
                t.0
            )
        });
        let why = created
            .or_else(|| bad_known_rate("rx_bit_s", self.rx_bit_s, 1.0))
            .or_else(|| bad_known_rate("tx_bit_s", self.tx_bit_s, 1.0))?;
        Some(format!(
            "session {} ({}): {why}",
            quoted(&self.id),
            self.collector
        ))
    }
}

/// A finished session as `history` shows it: the session as it was last seen (no rates: it
/// has none now), when it closed, how long it lasted, and the highest rates seen on it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Ended {
    #[serde(flatten)]
    pub session: Session,
    pub closed_at: Timestamp,
    pub duration_s: u64,
    pub rx_peak_bit_s: Option<f64>,
    pub tx_peak_bit_s: Option<f64>,
}

/// What `kick` did to one session: the JSON of `kick -o json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct KickOutcome {
    pub collector: Collector,
    pub id: String,
    pub reference: String,
    pub remote: String,
    pub kicked: bool,
    /// Why the server did not disconnect it; null when it did.
    pub error: Option<String>,
}

impl KickOutcome {
    pub(crate) fn of(session: &Session, error: Option<String>) -> KickOutcome {
        KickOutcome {
            collector: session.collector,
            id: session.id.to_string(),
            reference: session.reference.to_string(),
            remote: session.remote.to_string(),
            kicked: error.is_none(),
            error,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    use crate::model::{Collector, Timestamp};

    #[test]
    fn values_out_of_the_contract_s_range_are_named() {
        let mut s = Session {
            collector: Collector::Rtmp,
            id: "x".repeat(70).into(),
            reference: Text::default(),
            local: Text::default(),
            remote: Text::default(),
            role: None,
            created_at: Some(Timestamp(Timestamp::LAST)),
            age_s: None,
            rx_bytes: Some(0),
            tx_bytes: Some(0),
            rx_bit_s: Some(0.0),
            tx_bit_s: Some(1e300),
            extra: serde_json::Value::Null,
        };
        assert_eq!(s.out_of_range(), None);
        s.created_at = Some(Timestamp(-5));
        let why = s.out_of_range().unwrap();
        assert!(why.starts_with(&format!(
            "session '{}…' (rtmp): created_at -5",
            "x".repeat(60)
        )));
        s.created_at = None;
        s.rx_bit_s = Some(f64::INFINITY);
        assert!(
            s.out_of_range()
                .unwrap()
                .contains("rx_bit_s inf is out of range")
        );
        s.rx_bit_s = Some(-1.0);
        assert!(
            s.out_of_range()
                .unwrap()
                .contains("rx_bit_s -1.0 is out of range")
        );
    }

    #[test]
    fn age_is_none_when_the_server_clock_is_ahead() {
        let now = UNIX_EPOCH + Duration::from_secs(1000);
        assert_eq!(Timestamp(900).age_at(now), Some(100));
        assert_eq!(Timestamp(1100).age_at(now), None);
        assert_eq!(Timestamp(-1).age_at(now), None);
    }
}
