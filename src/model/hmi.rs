//! What only a TwinCAT HMI Server lists: its clients and their symbol subscriptions.

use serde::Serialize;

/// A TwinCAT HMI client: one connected WebSocket and the session it runs in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Client {
    /// The server's key for the client, usually its IP address (opaque).
    pub client: String,
    /// Two sockets of one browser (tabs) share a session id.
    pub session_id: String,
    /// The logged-in user without its domain; `__SystemGuest` for guests.
    pub user: String,
    /// The requests this socket has registered, mostly subscriptions.
    pub commands: Vec<ClientCommand>,
}

/// One request a TwinCAT HMI client has registered: its request id and symbol.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ClientCommand {
    pub id: u64,
    pub symbol: String,
}

/// A TwinCAT HMI subscription (possibly shared by several clients) or a request in progress.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Subscription {
    /// The server's opaque key for it (a merge hash).
    pub key: String,
    pub id: u64,
    /// `Subscription`, or `ReadWrite` for a request being processed, as the server names it.
    #[serde(rename = "type")]
    pub kind: String,
    pub interval_ms: Option<u64>,
    pub client_count: u64,
    /// Size of the last value as JSON, only with `--lengths`.
    pub json_length_bytes: Option<u64>,
    /// Average processing time, only with `--durations`: in seconds, and as the server sent it
    /// (ISO 8601); the number is null when the text is no duration we can read.
    pub average_duration_s: Option<f64>,
    pub average_duration_iso8601: Option<String>,
    pub symbols: Vec<String>,
}
