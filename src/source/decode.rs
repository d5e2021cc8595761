//! Why a reply's body could not be read, for every source whose parsers are pure functions of
//! the bytes: the parsers return a `DecodeError`, and the source words it with the server's name.

use std::fmt;

use crate::mask::quoted;
use crate::source::budget::OverBudget;

/// Why a body could not be read; the pure parsers return it, `Web::bad` words it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum DecodeError {
    /// The body ended before the document did (`JSON` or `XML`).
    Truncated(&'static str),
    /// Not that format at all.
    Syntax(&'static str, String),
    /// Well-formed, but not what this server sends.
    Shape(String),
    /// Its rows would take the process past the memory budget.
    Over(OverBudget),
}

impl DecodeError {
    pub(crate) fn json(e: &serde_json::Error) -> DecodeError {
        if e.is_eof() {
            DecodeError::Truncated("JSON")
        } else if e.is_syntax() {
            DecodeError::Syntax("JSON", quoted(e))
        } else {
            DecodeError::Shape(quoted(e))
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Truncated(format) => {
                write!(f, "a truncated reply: the {format} ends early")
            }
            DecodeError::Syntax(format, what) => {
                write!(f, "a reply that is not valid {format} ({what})")
            }
            DecodeError::Shape(what) => write!(f, "a reply of an unexpected shape ({what})"),
            DecodeError::Over(over) => write!(f, "a reply too large to hold: {over}"),
        }
    }
}

/// Parses `body` as JSON into a private wire type.
pub(crate) fn json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, DecodeError> {
    serde_json::from_slice(body).map_err(|e| DecodeError::json(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_json_or_say_why_not() {
        assert_eq!(
            json::<Vec<u8>>(b"[1,2"),
            Err(DecodeError::Truncated("JSON"))
        );
        assert!(matches!(
            json::<Vec<u8>>(b"<html>"),
            Err(DecodeError::Syntax("JSON", _))
        ));
        assert!(matches!(json::<Vec<u8>>(b"{}"), Err(DecodeError::Shape(_))));
    }
}
