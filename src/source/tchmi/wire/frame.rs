//! The frames we read: which request a frame answers, a reply's `readValue`, and the server's
//! error objects at either level.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeOwned, IgnoredAny, Visitor};

use super::lenient::{LooseId, loose_id, nullable};

/// The request id a text frame answers; `Ok(None)` for a JSON object without one of ours. An
/// error means the frame is no JSON object at all. Only `id` is kept, the rest is skimmed, to
/// route a frame before reading it.
pub(crate) fn reply_id(text: &str) -> serde_json::Result<Option<u64>> {
    struct IdVisitor;
    impl<'de> Visitor<'de> for IdVisitor {
        type Value = Option<u64>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }

        fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Option<u64>, A::Error> {
            let mut id = None;
            while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                if key == "id" {
                    id = map.next_value::<LooseId>()?.0;
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(id)
        }
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let id = de::Deserializer::deserialize_map(&mut de, IdVisitor)?;
    de.end()?;
    Ok(id)
}

/// A server error object: `{"code":4101,"domain":"TcHmiSrv","message":…,"reason":…}`.
#[derive(Debug, Deserialize, Default)]
pub(crate) struct ServerError {
    #[serde(default, deserialize_with = "nullable")]
    pub code: i64,
    #[serde(default, deserialize_with = "nullable")]
    pub domain: String,
    #[serde(default, deserialize_with = "nullable")]
    pub message: String,
    #[serde(default, deserialize_with = "nullable")]
    pub reason: String,
}

impl fmt::Display for ServerError {
    /// "code 4101 INSUFFICIENT_ACCESS (TcHmiSrv): Access … denied", on one line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "code {}", self.code)?;
        if !self.message.is_empty() {
            write!(f, " {}", crate::mask::said(&self.message))?;
        }
        if !self.domain.is_empty() {
            write!(f, " ({})", crate::mask::said(&self.domain))?;
        }
        if !self.reason.is_empty() {
            write!(f, ": {}", crate::mask::said(&self.reason))?;
        }
        Ok(())
    }
}

/// A reply to one of our single-command requests, with `readValue` read as `T`.
#[derive(Deserialize)]
#[serde(bound(deserialize = "T: DeserializeOwned"))]
pub(crate) struct Reply<T> {
    #[serde(default, deserialize_with = "loose_id")]
    id: Option<u64>,
    #[serde(default)]
    error: Option<ServerError>,
    #[serde(default, deserialize_with = "nullable")]
    commands: Vec<CommandResult<T>>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "T: DeserializeOwned"))]
struct CommandResult<T> {
    #[serde(default)]
    error: Option<ServerError>,
    #[serde(default = "Option::default", rename = "readValue")]
    read_value: Option<T>,
}

/// What a text frame is to a client waiting for the reply to request `want`.
pub(crate) enum Routed<T> {
    Answer(Reply<T>),
    /// Another request's reply or a subscription tick (id), or an object without an id.
    Other(Option<u64>),
    /// Our reply, in a shape we cannot read.
    Unreadable(serde_json::Error),
    /// No JSON object at all.
    NotJson(serde_json::Error),
}

/// Reads a frame in one pass when it is the answer (replies can be megabytes); only a frame that
/// does not fit is looked at again, for its id.
pub(crate) fn route<T: DeserializeOwned>(text: &str, want: u64) -> Routed<T> {
    match serde_json::from_str::<Reply<T>>(text) {
        Ok(reply) if reply.id == Some(want) => Routed::Answer(reply),
        Ok(reply) => Routed::Other(reply.id),
        Err(shape) => match reply_id(text) {
            Ok(Some(id)) if id == want => Routed::Unreadable(shape),
            Ok(other) => Routed::Other(other),
            Err(e) => Routed::NotJson(e),
        },
    }
}

/// Login answers with the new session id, which this socket already carries: skipped unread.
pub(crate) type LoginReply = Reply<IgnoredAny>;

impl<T> Reply<T> {
    /// Response level first (it stands for the whole request, as Beckhoff's own client reads
    /// it), then the command's.
    fn errors(&self) -> impl Iterator<Item = &ServerError> {
        let command = self.commands.first().and_then(|c| c.error.as_ref());
        [self.error.as_ref(), command].into_iter().flatten()
    }

    /// The failure the server reported at either level; code 0 is success.
    pub(crate) fn failure(&self) -> Option<&ServerError> {
        self.errors().find(|e| e.code != 0)
    }

    /// Whether either level reported a code `wanted` accepts.
    pub(crate) fn has_code(&self, wanted: impl Fn(i64) -> bool) -> bool {
        self.errors().any(|e| wanted(e.code))
    }

    pub(crate) fn into_value(self) -> Option<T> {
        self.commands.into_iter().next()?.read_value
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::super::Listing;
    use super::*;

    type ListReply = Reply<Listing>;

    macro_rules! fixture {
        ($name:literal) => {
            include_str!(concat!("../../../../tests/fixtures/tchmi/", $name))
        };
    }

    #[test]
    fn routes_frames_by_id() {
        assert_eq!(reply_id(fixture!("login-response.json")).unwrap(), Some(1));
        assert_eq!(reply_id(r#"{"id":"42","x":[1,2]}"#).unwrap(), Some(42));
        assert_eq!(reply_id(r#"{"requestType":"Subscription"}"#).unwrap(), None);
        for foreign in [
            r#"{"id":-1}"#,
            r#"{"id":2.5}"#,
            r#"{"id":"x"}"#,
            r#"{"id":[2]}"#,
        ] {
            assert_eq!(reply_id(foreign).unwrap(), None, "{foreign}");
            assert!(
                matches!(route::<Listing>(foreign, 2), Routed::Other(None)),
                "{foreign}"
            );
        }
        assert!(reply_id("<html>").is_err());
        assert!(reply_id("[1]").is_err());
    }

    #[test]
    fn a_frame_is_our_answer_another_one_or_garbage() {
        let tick =
            r#"{"requestType":"Subscription","id":5,"commands":[{"symbol":"X","readValue":7}]}"#;
        assert!(matches!(route::<Listing>(tick, 2), Routed::Other(Some(5))));
        assert!(matches!(
            route::<IgnoredAny>(tick, 2),
            Routed::Other(Some(5))
        ));
        assert!(matches!(
            route::<Listing>(r#"{"commands":[]}"#, 2),
            Routed::Other(None)
        ));
        let ours_but_odd = r#"{"id":2,"commands":[{"readValue":{"clients":[]}}]}"#;
        assert!(matches!(
            route::<Listing>(ours_but_odd, 2),
            Routed::Unreadable(_)
        ));
        assert!(matches!(route::<Listing>("<html>", 2), Routed::NotJson(_)));
        let text = fixture!("listactivesessions-plain-response.json");
        assert!(matches!(route::<Listing>(text, 43), Routed::Answer(_)));
    }

    #[test]
    fn finds_errors_at_either_level() {
        let denied: ListReply =
            serde_json::from_str(fixture!("error-insufficient-access.json")).unwrap();
        let failure = denied.failure().unwrap();
        assert_eq!(
            failure.to_string(),
            "code 4101 INSUFFICIENT_ACCESS (TcHmiSrv): Access to symbol 'ListActiveSessions' denied for user '__SystemGuest'."
        );
        assert!(denied.has_code(|c| c == 4101));
        assert!(denied.into_value().is_none());

        let syntax: ListReply =
            serde_json::from_str(fixture!("error-response-level.json")).unwrap();
        assert_eq!(syntax.failure().unwrap().code, 263);

        let login: LoginReply =
            serde_json::from_str(fixture!("login-failed-response.json")).unwrap();
        assert_eq!(
            login.failure().unwrap().to_string(),
            "code 4097 AUTH_FAILED (TcHmiSrv): Authentication failed for user '__SystemAdministrator'."
        );
        let mut value: Value =
            serde_json::from_str(fixture!("login-failed-response.json")).unwrap();
        value.as_object_mut().unwrap().remove("error");
        let login: LoginReply = serde_json::from_value(value).unwrap();
        assert_eq!(login.failure().unwrap().domain, "TcHmiUserManagement");

        let ok: LoginReply = serde_json::from_str(fixture!("login-response.json")).unwrap();
        assert!(ok.failure().is_none());
        let zero: LoginReply =
            serde_json::from_str(r#"{"error":{"code":0},"commands":[]}"#).unwrap();
        assert!(zero.failure().is_none());
    }

    #[test]
    fn server_texts_become_one_line_of_plain_text() {
        let said = "Access\r\n denied\u{1b}[2J\u{85}to\u{7}\tyou";
        assert_eq!(crate::text::one_line(said), "Access denied [2J to you");
    }
}
