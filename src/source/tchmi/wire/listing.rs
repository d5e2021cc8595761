//! The `readValue` of `ListActiveSessions`, converted into the model: clients, subscriptions,
//! sessions and the server's counts.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::json;

use super::lenient::{count, maybe_count, nullable};
use crate::model::{Client, ClientCommand, Collector, HmiSummary, Session, Subscription};
use crate::source::tchmi::duration;

/// The `readValue` of `ListActiveSessions`.
#[derive(Deserialize, Default)]
pub(crate) struct Listing {
    /// Keyed by client (usually its IP); one element per WebSocket. Only clients with sockets.
    #[serde(default, deserialize_with = "with_sockets")]
    clients: BTreeMap<String, Vec<WireClient>>,
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

/// The clients map without its entries that list no socket (`"k":[]`, `"k":null`): they are
/// no row, and kept they would cost a tree entry each for 7 bytes of text, which no estimate of
/// objects sees.
fn with_sockets<'de, D>(d: D) -> Result<BTreeMap<String, Vec<WireClient>>, D::Error>
where
    D: Deserializer<'de>,
{
    struct Sockets;
    impl<'de> Visitor<'de> for Sockets {
        type Value = BTreeMap<String, Vec<WireClient>>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a map of clients to their sockets")
        }

        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(BTreeMap::new())
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_map(self)
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some((key, list)) = map.next_entry::<String, Option<Vec<WireClient>>>()? {
                match list {
                    Some(list) if !list.is_empty() => out.insert(key, list),
                    // A key listed again without sockets leaves none, as the last value wins.
                    _ => out.remove(&key),
                };
            }
            Ok(out)
        }
    }
    d.deserialize_option(Sockets)
}

impl Listing {
    /// The bytes of client keys that rows will copy: each key once per socket of its client.
    pub(crate) fn copied_key_bytes(&self) -> u64 {
        self.clients
            .iter()
            .map(|(key, list)| (key.len() as u64).saturating_mul(list.len() as u64))
            .fold(0, u64::saturating_add)
    }

    /// Every WebSocket, ordered by client key, then as the server listed them.
    fn sockets(self) -> impl Iterator<Item = (String, WireClient)> {
        self.clients
            .into_iter()
            .flat_map(|(key, list)| list.into_iter().map(move |c| (key.clone(), c)))
    }

    pub(crate) fn clients(self) -> Vec<Client> {
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

    pub(crate) fn subscriptions(self) -> Vec<Subscription> {
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
    pub(crate) fn sessions(self, server: &str) -> Vec<Session> {
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
                role: None,
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
    pub(crate) fn summary(self) -> HmiSummary {
        let sockets: Vec<&WireClient> = self.clients.values().flatten().collect();
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
            clients: self.clients.len() as u64,
            subscriptions,
            requests_in_progress: self.subscriptions.len() as u64 - subscriptions,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Reply;
    use super::*;

    type ListReply = Reply<Listing>;

    macro_rules! fixture {
        ($name:literal) => {
            include_str!(concat!("../../../../tests/fixtures/tchmi/", $name))
        };
    }

    fn list(text: &str) -> Listing {
        serde_json::from_str::<ListReply>(text)
            .unwrap()
            .into_value()
            .unwrap()
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
    fn clients_without_sockets_are_not_kept() {
        let text = r#"{"commands":[{"readValue":{"clients":{"a":[],"b":null,"c":[{"sessionId":"s"}],"c":[],"d":[{}],"e":[]}}}]}"#;
        let listing = list(text);
        assert_eq!(listing.clients.keys().collect::<Vec<_>>(), ["d"]);
        let none = list(r#"{"commands":[{"readValue":{"clients":null}}]}"#);
        assert!(none.clients.is_empty());
        assert!(
            serde_json::from_str::<ListReply>(r#"{"commands":[{"readValue":{"clients":[]}}]}"#)
                .is_err()
        );
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
}
