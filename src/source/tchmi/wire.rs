//! TcHmi's JSON frames as they come off the wire (private): the requests we send, the replies and
//! error objects we read, and the `ListActiveSessions` value converted into the model.
//!
//! Parsing is tolerant where the protocol reference is unsure: unknown fields are skipped, every
//! field but the ones we key on may be missing or null, and numbers may arrive as strings (the
//! server's `USEINT64STRING` setting).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, Visitor};
use serde::{Deserialize, de::DeserializeOwned};
use serde_json::json;

use super::duration;
use crate::model::{Client, ClientCommand, Collector, HmiSummary, Session, Subscription};
use crate::source::SubscriptionDetails;

pub const LOGIN: &str = "Login";
pub const LOGOUT: &str = "Logout";
pub const LIST_ACTIVE_SESSIONS: &str = "ListActiveSessions";
pub const FORCE_LOGOUT: &str = "ForceLogout";

/// A ReadWrite request of one command. Only `SendErrorMessage`, for readable errors; never
/// `SendWriteValue`, so the server has no reason to echo a password back.
fn request(id: u64, symbol: &str, write_value: Option<serde_json::Value>) -> String {
    let mut command = json!({"symbol": symbol, "commandOptions": ["SendErrorMessage"]});
    if let Some(value) = write_value {
        command["writeValue"] = value;
    }
    json!({"requestType": "ReadWrite", "id": id, "commands": [command]}).to_string()
}

/// `Login` for this socket only (`persistent: false`): no cookie is wanted.
pub fn login_request(id: u64, user: &str, password: &str) -> String {
    let value = json!({"userName": user, "password": password, "persistent": false});
    request(id, LOGIN, Some(value))
}

pub fn logout_request(id: u64) -> String {
    request(id, LOGOUT, None)
}

/// `ForceLogout` of the one session with this id: the administrator's way to end another
/// session (its `writeValue` may also name a user, a client address or a group; we never do).
pub fn force_logout_request(id: u64, session_id: &str) -> String {
    request(id, FORCE_LOGOUT, Some(json!({ "sessionId": session_id })))
}

/// `ListActiveSessions`; `writeValue` only names what was asked for, so a plain call stays VOID
/// as the symbol's schema prefers.
pub fn list_request(id: u64, details: SubscriptionDetails) -> String {
    let mut ask = serde_json::Map::new();
    if details.lengths {
        ask.insert("readValueJsonLength".into(), true.into());
    }
    if details.durations {
        ask.insert("averageDuration".into(), true.into());
    }
    let value = (!ask.is_empty()).then(|| ask.into());
    request(id, LIST_ACTIVE_SESSIONS, value)
}

/// A null where a value is expected reads as its default.
fn nullable<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A non-negative integer sent as a number or as a numeric string.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Count(u64);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct CountVisitor;
        impl Visitor<'_> for CountVisitor {
            type Value = Count;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a non-negative integer")
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Count, E> {
                Ok(Count(v))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Count, E> {
                u64::try_from(v)
                    .map(Count)
                    .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Count, E> {
                v.trim()
                    .parse()
                    .map(Count)
                    .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
            }
        }
        d.deserialize_any(CountVisitor)
    }
}

fn count<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    Ok(Option::<Count>::deserialize(d)?.unwrap_or_default().0)
}

fn maybe_count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(Option::<Count>::deserialize(d)?.map(|c| c.0))
}

/// A frame's `id` as one of ours could be (a non-negative integer, maybe as a string), or `None`
/// for anything else: a negative, fractional or non-numeric id answers no request of ours, so
/// the frame is skipped like any other request's, not refused as unreadable.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct LooseId(Option<u64>);

impl<'de> Deserialize<'de> for LooseId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct IdVisitor;
        impl<'de> Visitor<'de> for IdVisitor {
            type Value = LooseId;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<LooseId, E> {
                Ok(LooseId(Some(v)))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<LooseId, E> {
                Ok(LooseId(u64::try_from(v).ok()))
            }

            fn visit_f64<E: de::Error>(self, _: f64) -> Result<LooseId, E> {
                Ok(LooseId(None))
            }

            fn visit_bool<E: de::Error>(self, _: bool) -> Result<LooseId, E> {
                Ok(LooseId(None))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<LooseId, E> {
                Ok(LooseId(v.trim().parse().ok()))
            }

            fn visit_unit<E: de::Error>(self) -> Result<LooseId, E> {
                Ok(LooseId(None))
            }

            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<LooseId, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(LooseId(None))
            }

            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<LooseId, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(LooseId(None))
            }
        }
        d.deserialize_any(IdVisitor)
    }
}

fn loose_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(LooseId::deserialize(d)?.0)
}

/// The request id a text frame answers; `Ok(None)` for a JSON object without one of ours. An
/// error means the frame is no JSON object at all. Only `id` is kept, the rest is skimmed, to
/// route a frame before reading it.
pub fn reply_id(text: &str) -> serde_json::Result<Option<u64>> {
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
pub struct ServerError {
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
            write!(f, " {}", crate::text::said(&self.message))?;
        }
        if !self.domain.is_empty() {
            write!(f, " ({})", crate::text::said(&self.domain))?;
        }
        if !self.reason.is_empty() {
            write!(f, ": {}", crate::text::said(&self.reason))?;
        }
        Ok(())
    }
}

/// A reply to one of our single-command requests, with `readValue` read as `T`.
#[derive(Deserialize)]
#[serde(bound(deserialize = "T: DeserializeOwned"))]
pub struct Reply<T> {
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
pub enum Routed<T> {
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
pub fn route<T: DeserializeOwned>(text: &str, want: u64) -> Routed<T> {
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
pub type LoginReply = Reply<IgnoredAny>;

impl<T> Reply<T> {
    /// Response level first (it stands for the whole request, as Beckhoff's own client reads
    /// it), then the command's.
    fn errors(&self) -> impl Iterator<Item = &ServerError> {
        let command = self.commands.first().and_then(|c| c.error.as_ref());
        [self.error.as_ref(), command].into_iter().flatten()
    }

    /// The failure the server reported at either level; code 0 is success.
    pub fn failure(&self) -> Option<&ServerError> {
        self.errors().find(|e| e.code != 0)
    }

    /// Whether either level reported a code `wanted` accepts.
    pub fn has_code(&self, wanted: impl Fn(i64) -> bool) -> bool {
        self.errors().any(|e| wanted(e.code))
    }

    pub fn into_value(self) -> Option<T> {
        self.commands.into_iter().next()?.read_value
    }
}

/// The `readValue` of `ListActiveSessions`.
#[derive(Deserialize, Default)]
pub struct Listing {
    /// Keyed by client (usually its IP); one element per WebSocket.
    #[serde(default, deserialize_with = "nullable")]
    clients: BTreeMap<String, Option<Vec<WireClient>>>,
    #[serde(default, deserialize_with = "nullable")]
    subscriptions: BTreeMap<String, WireSubscription>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireClient {
    #[serde(default, deserialize_with = "nullable")]
    session_id: String,
    #[serde(default, deserialize_with = "nullable")]
    user_name: String,
    #[serde(default, deserialize_with = "nullable")]
    commands: Vec<WireClientCommand>,
}

#[derive(Deserialize)]
struct WireClientCommand {
    #[serde(default, deserialize_with = "count")]
    id: u64,
    #[serde(default, deserialize_with = "nullable")]
    symbol: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireSubscription {
    #[serde(default, deserialize_with = "count")]
    id: u64,
    #[serde(default, rename = "type", deserialize_with = "nullable")]
    kind: String,
    #[serde(default, deserialize_with = "count")]
    client_count: u64,
    #[serde(default, deserialize_with = "maybe_count")]
    interval_time: Option<u64>,
    #[serde(default, deserialize_with = "maybe_count")]
    read_value_json_length: Option<u64>,
    #[serde(default)]
    average_duration: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    commands: Vec<WireSubscriptionCommand>,
}

#[derive(Deserialize)]
struct WireSubscriptionCommand {
    #[serde(default, deserialize_with = "nullable")]
    symbol: String,
}

impl Listing {
    /// The bytes of client keys that rows will copy: each key once per socket of its client.
    pub fn copied_key_bytes(&self) -> u64 {
        self.clients
            .iter()
            .map(|(key, list)| {
                let sockets = list.as_ref().map_or(0, Vec::len) as u64;
                (key.len() as u64).saturating_mul(sockets)
            })
            .fold(0, u64::saturating_add)
    }

    /// Every WebSocket, ordered by client key, then as the server listed them.
    fn sockets(self) -> impl Iterator<Item = (String, WireClient)> {
        self.clients.into_iter().flat_map(|(key, list)| {
            list.unwrap_or_default()
                .into_iter()
                .map(move |c| (key.clone(), c))
        })
    }

    pub fn clients(self) -> Vec<Client> {
        self.sockets()
            .map(|(key, c)| Client {
                client: key,
                session_id: c.session_id,
                user: c.user_name,
                commands: c
                    .commands
                    .into_iter()
                    .map(|cmd| ClientCommand {
                        id: cmd.id,
                        symbol: cmd.symbol,
                    })
                    .collect(),
            })
            .collect()
    }

    pub fn subscriptions(self) -> Vec<Subscription> {
        self.subscriptions
            .into_iter()
            .map(|(key, s)| Subscription {
                key,
                id: s.id,
                kind: s.kind,
                interval_ms: s.interval_time,
                client_count: s.client_count,
                json_length_bytes: s.read_value_json_length,
                average_duration_s: s
                    .average_duration
                    .as_deref()
                    .and_then(duration::parse)
                    .map(|d| d.as_secs_f64()),
                average_duration_iso8601: s.average_duration,
                symbols: s.commands.into_iter().map(|c| c.symbol).collect(),
            })
            .collect()
    }

    /// One session per WebSocket (see docs/tchmi.md): the server reports no traffic and no start
    /// time, so those stay unknown (null, `-`) rather than a made-up 0.
    pub fn sessions(self, server: &str) -> Vec<Session> {
        self.clients()
            .into_iter()
            .map(|c| Session {
                collector: Collector::Tchmi,
                // The registered commands, as `clients` shows them.
                extra: json!({ "commands": &c.commands }),
                id: c.session_id.into(),
                reference: c.user.into(),
                local: server.into(),
                remote: c.client.into(),
                created_at: None,
                age_s: None,
                rx_bytes: None,
                tx_bytes: None,
                rx_bit_s: None,
                tx_bit_s: None,
            })
            .collect()
    }

    /// The counts `summary` shows.
    pub fn summary(self) -> HmiSummary {
        let sockets: Vec<&WireClient> = self.clients.values().flatten().flatten().collect();
        let distinct = |field: fn(&WireClient) -> &str| {
            sockets
                .iter()
                .map(|c| field(c))
                .collect::<BTreeSet<_>>()
                .len() as u64
        };
        let subscriptions = self
            .subscriptions
            .values()
            .filter(|s| s.kind == "Subscription")
            .count() as u64;
        HmiSummary {
            collector: Collector::Tchmi,
            connections: sockets.len() as u64,
            sessions: distinct(|c| &c.session_id),
            users: distinct(|c| &c.user_name),
            clients: self
                .clients
                .values()
                .filter(|l| l.as_ref().is_some_and(|l| !l.is_empty()))
                .count() as u64,
            subscriptions,
            requests_in_progress: self.subscriptions.len() as u64 - subscriptions,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    type ListReply = Reply<Listing>;

    macro_rules! fixture {
        ($name:literal) => {
            include_str!(concat!("../../../tests/fixtures/tchmi/", $name))
        };
    }

    #[test]
    fn force_logout_names_one_session() {
        let request: Value = serde_json::from_str(&force_logout_request(2, "7c2e")).unwrap();
        assert_eq!(
            request,
            json!({"requestType": "ReadWrite", "id": 2, "commands": [{"symbol": "ForceLogout",
                "commandOptions": ["SendErrorMessage"], "writeValue": {"sessionId": "7c2e"}}]})
        );
    }

    fn list(text: &str) -> Listing {
        serde_json::from_str::<ListReply>(text)
            .unwrap()
            .into_value()
            .unwrap()
    }

    #[test]
    fn requests_carry_only_what_was_asked() {
        let plain: Value =
            serde_json::from_str(&list_request(43, SubscriptionDetails::default())).unwrap();
        let example: Value =
            serde_json::from_str(fixture!("listactivesessions-plain-request.json")).unwrap();
        assert_eq!(plain, example);

        let both = SubscriptionDetails {
            lengths: true,
            durations: true,
        };
        let asked: Value = serde_json::from_str(&list_request(44, both)).unwrap();
        let example: Value =
            serde_json::from_str(fixture!("listactivesessions-averageduration-request.json"))
                .unwrap();
        assert_eq!(
            asked["commands"][0]["writeValue"],
            example["commands"][0]["writeValue"]
        );
        assert_eq!(asked["id"], 44);

        let lengths = SubscriptionDetails {
            lengths: true,
            durations: false,
        };
        let asked: Value = serde_json::from_str(&list_request(2, lengths)).unwrap();
        let example: Value =
            serde_json::from_str(fixture!("listactivesessions-request.json")).unwrap();
        assert_eq!(
            asked["commands"][0]["writeValue"],
            example["commands"][0]["writeValue"]
        );
    }

    #[test]
    fn lengths_come_without_durations() {
        let subs = list(fixture!("listactivesessions-response.json")).subscriptions();
        let lengths: Vec<Option<u64>> = subs.iter().map(|s| s.json_length_bytes).collect();
        assert_eq!(lengths, [Some(4), Some(30), Some(0)]);
        assert!(subs.iter().all(|s| s.average_duration_s.is_none()));
        assert!(subs.iter().all(|s| s.average_duration_iso8601.is_none()));
    }

    #[test]
    fn login_passes_the_domain_through_and_asks_for_no_echo() {
        let sent: Value = serde_json::from_str(&login_request(
            1,
            "TcHmiUserManagement::__SystemAdministrator",
            "1",
        ))
        .unwrap();
        let mut example: Value = serde_json::from_str(fixture!("login-request.json")).unwrap();
        example["commands"][0]["commandOptions"] = json!(["SendErrorMessage"]);
        assert_eq!(sent, example);
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
    fn converts_clients_in_key_order() {
        let clients = list(fixture!("listactivesessions-plain-response.json")).clients();
        assert_eq!(clients.len(), 4);
        assert_eq!(
            clients[1],
            Client {
                client: "192.168.10.21".into(),
                session_id: "7c2e9d14f0a84b3e9c5d6e7f8a9b0c1d".into(),
                user: "Operator".into(),
                commands: vec![
                    ClientCommand {
                        id: 5,
                        symbol: "ADS.PLC1.MAIN.nCounter".into()
                    },
                    ClientCommand {
                        id: 6,
                        symbol: "Diagnostics::SERVERTIME".into()
                    },
                ],
            }
        );
        assert_eq!(clients[3].user, "__SystemGuest");
        assert!(clients[3].commands.is_empty());
    }

    #[test]
    fn converts_subscriptions_with_lengths_and_durations() {
        let subs =
            list(fixture!("listactivesessions-averageduration-response.json")).subscriptions();
        assert_eq!(
            subs[0],
            Subscription {
                key: "4f2a91c7".into(),
                id: 3,
                kind: "Subscription".into(),
                interval_ms: Some(500),
                client_count: 2,
                json_length_bytes: Some(4),
                average_duration_s: Some(0.0003121),
                average_duration_iso8601: Some("PT0.0003121S".into()),
                symbols: vec!["ADS.PLC1.MAIN.nCounter".into()],
            }
        );
        assert_eq!(subs[2].kind, "ReadWrite");
        assert_eq!(subs[2].interval_ms, None);
        assert_eq!(subs[2].json_length_bytes, Some(0));

        let plain = list(fixture!("listactivesessions-plain-response.json")).subscriptions();
        assert_eq!(plain.len(), 3);
        assert!(
            plain
                .iter()
                .all(|s| s.json_length_bytes.is_none() && s.average_duration_s.is_none())
        );
    }

    #[test]
    fn tolerates_strings_nulls_and_missing_fields() {
        let text = r#"{"id":2,"apiVersion":"1.12","commands":[{"readValue":{
            "clients":{"10.0.0.1":[{"sessionId":null,"commands":[{"id":"7","symbol":"X"}],"new":1}],"10.0.0.2":null},
            "subscriptions":{"k":{"id":"9","clientCount":"3","intervalTime":null,"averageDuration":"soon","commands":null}}}}]}"#;
        let reply: ListReply = serde_json::from_str(text).unwrap();
        assert!(reply.failure().is_none());
        let listing = reply.into_value().unwrap();
        let subs = Listing {
            clients: BTreeMap::new(),
            ..listing
        }
        .subscriptions();
        assert_eq!(
            (subs[0].id, subs[0].client_count, subs[0].interval_ms),
            (9, 3, None)
        );
        assert_eq!(subs[0].average_duration_s, None);
        assert_eq!(subs[0].average_duration_iso8601.as_deref(), Some("soon"));

        let clients = list(text).clients();
        assert_eq!(clients.len(), 1);
        assert_eq!(
            (clients[0].session_id.as_str(), clients[0].user.as_str()),
            ("", "")
        );
        assert_eq!(clients[0].commands[0].id, 7);
        assert!(
            serde_json::from_str::<ListReply>(
                r#"{"commands":[{"readValue":{"clients":{"a":[{"commands":[{"id":-1}]}]}}}]}"#
            )
            .is_err()
        );
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
    fn sessions_and_summary_count_websockets() {
        let sessions =
            list(fixture!("listactivesessions-plain-response.json")).sessions("hmi:2020");
        assert_eq!(sessions.len(), 4);
        assert_eq!(sessions[0].collector, Collector::Tchmi);
        assert_eq!(sessions[0].id, "a3f5c2e19b7d4086c1e2f3a4b5c6d7e8");
        assert_eq!(sessions[0].reference, "__SystemAdministrator");
        assert_eq!(
            (sessions[0].local.as_str(), sessions[0].remote.as_str()),
            ("hmi:2020", "127.0.0.1")
        );
        assert_eq!(
            sessions[0].extra,
            json!({"commands": [{"id": 42, "symbol": "ListActiveSessions"}]})
        );
        let s = &sessions[0];
        assert_eq!(
            (s.rx_bytes, s.tx_bytes, s.rx_bit_s, s.tx_bit_s),
            (None, None, None, None),
            "no traffic figures: unknown, not 0"
        );
        let summary = list(fixture!("listactivesessions-plain-response.json")).summary();
        assert_eq!(
            summary,
            HmiSummary {
                collector: Collector::Tchmi,
                connections: 4,
                sessions: 3,
                users: 3,
                clients: 3,
                subscriptions: 2,
                requests_in_progress: 1,
            }
        );
    }

    #[test]
    fn server_texts_become_one_line_of_plain_text() {
        let said = "Access\r\n denied\u{1b}[2J\u{85}to\u{7}\tyou";
        assert_eq!(crate::text::one_line(said), "Access denied [2J to you");
    }
}
