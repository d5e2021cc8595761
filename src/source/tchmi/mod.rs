//! TwinCAT HMI Server over its WebSocket JSON protocol: connect (ws or wss with our rustls
//! config), log in on the same socket, call `ListActiveSessions` (or `ForceLogout` to kick), and
//! map every way that can fail onto one-line errors with the documented exit codes.

pub(crate) mod duration;
pub(crate) mod wire;

use std::sync::Arc;
use std::time::Instant;

use futures_util::{SinkExt, StreamExt};
use reqwest::Url;
use serde::de::DeserializeOwned;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::error::{CapacityError, Error as WsError, ProtocolError};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{Connector, MaybeTlsStream, WebSocketStream};

use crate::diag;
use crate::error::{Error, Result};
use crate::mask::quoted;
use crate::model::{Breakdown, Client, Collector, Session, Subscription, SummaryAnswer};
use crate::source::budget::{self, Budget, OverBudget};
use crate::source::tls;
use crate::source::{Credentials, NetOptions, Server};
use crate::source::{Source, SubscriptionDetails, net};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Request ids on our socket: the login, the one call, the logout.
const LOGIN_ID: u64 = 1;
const CALL_ID: u64 = 2;
const LOGOUT_ID: u64 = 3;

/// The code ListActiveSessions answers a guest or a non-administrator with.
const INSUFFICIENT_ACCESS: i64 = 4101;
/// HMI_E_PASSWORD_CHANGE_REQUIRED (4096) up to HMI_E_INSUFFICIENT_ACCESS: the server's
/// authentication codes, all of which mean "not with these credentials" (exit 5).
const AUTH_CODES: std::ops::RangeInclusive<i64> = 4096..=INSUFFICIENT_ACCESS;
const SYMBOL_NOT_MAPPED: i64 = 513;
/// What one JSON object of a reply may become: a registered command turns into a row's entry
/// (`clients`, `subscriptions`, `summary`), or for `active` into a JSON map in its session's
/// `extra` (a tree node of some 600 bytes).
const OBJECT_COST: u64 = 256;
const SESSION_OBJECT_COST: u64 = 1024;
/// What may wait to be sent: our requests are a few hundred bytes; tungstenite's own write
/// buffer is 128 KiB.
const WRITE_BUFFER_LIMIT: usize = 1024 * 1024;

/// The registry's opener: an HMI server at the target's URL.
impl super::Open for Tchmi {
    fn open(server: Server) -> Result<Self> {
        Tchmi::new(server.url, server.credentials, server.net)
    }
}

pub(crate) struct Tchmi {
    url: Url,
    host: String,
    credentials: Credentials,
    net: NetOptions,
    connector: Connector,
    budget: Budget,
}

impl Tchmi {
    pub(crate) fn new(url: Url, credentials: Credentials, net: NetOptions) -> Result<Self> {
        let connector = if url.scheme() == "wss" {
            Connector::Rustls(Arc::new(tls::client_config(&net)?))
        } else {
            Connector::Plain
        };
        Ok(Tchmi {
            host: net::host_label(&url),
            url,
            credentials,
            budget: Budget::new(net.max_body_size),
            net,
            connector,
        })
    }

    /// One `ListActiveSessions` call on a fresh socket, all of it within `--timeout`.
    /// `per_object`: what one JSON object of the reply may become (see `OBJECT_COST`).
    async fn list(&self, details: SubscriptionDetails, per_object: u64) -> Result<wire::Listing> {
        let started = Instant::now();
        let request = wire::list_request(CALL_ID, details);
        let call = self.call::<wire::Listing>(wire::LIST_ACTIVE_SESSIONS, request, per_object);
        let result = tokio::time::timeout(self.net.timeout, call).await;
        diag::trace(format_args!(
            "{}: ListActiveSessions took {} ms",
            self.host,
            started.elapsed().as_millis()
        ));
        let reply = result.unwrap_or_else(|_| Err(net::timed_out(&self.host, self.net.timeout)))?;
        let listing = reply.into_value().ok_or_else(|| {
            Error::BadReply(format!(
                "{} answered ListActiveSessions without a readValue",
                self.host
            ))
        })?;
        // Each of a client's sockets becomes a row with the client's key: a long key listed
        // with many sockets is copied that many times.
        self.budget
            .check(listing.copied_key_bytes())
            .map_err(|over| self.over(over))?;
        Ok(listing)
    }

    /// `ForceLogout` of one session (an administrator's call).
    async fn force_logout(&self, session_id: &str) -> Result<()> {
        let request = wire::force_logout_request(CALL_ID, session_id);
        self.call::<serde::de::IgnoredAny>(wire::FORCE_LOGOUT, request, OBJECT_COST)
            .await
            .map(drop)
    }

    /// Sends `request` (a `symbol` call) on a fresh socket, logged in when credentials were
    /// given, and gives the reply unless the server reported a failure.
    async fn call<T: DeserializeOwned>(
        &self,
        symbol: &str,
        request: String,
        per_object: u64,
    ) -> Result<wire::Reply<T>> {
        let mut ws = self.connect().await?;
        let logged_in = self.login(&mut ws).await?;
        self.send(&mut ws, request).await?;
        let reply: Result<wire::Reply<T>> = self.reply(&mut ws, CALL_ID, symbol, per_object).await;
        // Best effort, unanswered: a tool run from cron must not leave an administrator session
        // behind each time; closing ends the socket's subscriptions, a logout ends the session.
        if logged_in {
            let _ = ws
                .send(Message::text(wire::logout_request(LOGOUT_ID)))
                .await;
        }
        let _ = ws.close(None).await;
        let reply = reply?;
        if let Some(failure) = reply.failure() {
            return Err(self.refused(symbol, &reply, failure));
        }
        Ok(reply)
    }

    /// Logs this socket in when credentials were given; `false` means it stays a guest.
    async fn login(&self, ws: &mut Socket) -> Result<bool> {
        let (Some(user), Some(password)) = (&self.credentials.user, &self.credentials.password)
        else {
            return Ok(false);
        };
        let request = wire::login_request(LOGIN_ID, user, password.expose());
        self.send(ws, request).await?;
        let reply: wire::LoginReply = self.reply(ws, LOGIN_ID, wire::LOGIN, 0).await?;
        let Some(failure) = reply.failure() else {
            diag::trace(format_args!("{}: logged in as '{user}'", self.host));
            return Ok(true);
        };
        // A server may quote what it was sent: its words are masked (`text::said`).
        let said = failure.to_string();
        Err(Error::Auth(format!(
            "login as '{user}' at {} failed: {said}; check --user (DOMAIN::NAME picks the authentication extension) and the password",
            self.host
        )))
    }

    fn refused<T>(
        &self,
        symbol: &str,
        reply: &wire::Reply<T>,
        failure: &wire::ServerError,
    ) -> Error {
        let host = &self.host;
        if reply.has_code(|c| AUTH_CODES.contains(&c)) {
            let hint = if self.credentials.user.is_some() {
                "log in as a member of __SystemAdministrators"
            } else {
                "pass --user NAME (e.g. __SystemAdministrator) with SESSIONS_PASSWORD or --password-stdin"
            };
            return Error::Auth(format!(
                "{host} refused {symbol}: {failure}; {symbol} needs an administrator: {hint}"
            ));
        }
        if reply.has_code(|c| c == SYMBOL_NOT_MAPPED) {
            return Error::BadReply(format!(
                "{host} refused {symbol}: {failure}; the server does not know the symbol: is --url a TwinCAT HMI Server?"
            ));
        }
        Error::BadReply(format!("{host} refused {symbol}: {failure}"))
    }

    /// TCP, then TLS for wss, then the WebSocket upgrade, with frames capped at --max-body-size.
    async fn connect(&self) -> Result<Socket> {
        let tcp = self.tcp().await?;
        // Requests are one small frame each: send them at once.
        let _ = tcp.set_nodelay(true);
        let limit = usize::try_from(self.net.max_body_size).unwrap_or(usize::MAX);
        // A server that floods pings and never reads would grow the queue of pongs without
        // end: past this, tungstenite keeps only the newest pong (and refuses our own frames).
        let config = WebSocketConfig::default()
            .max_message_size(Some(limit))
            .max_frame_size(Some(limit))
            .max_write_buffer_size(WRITE_BUFFER_LIMIT);
        let (ws, _) = tokio_tungstenite::client_async_tls_with_config(
            self.url.as_str(),
            tcp,
            Some(config),
            Some(self.connector.clone()),
        )
        .await
        .map_err(|e| self.handshake_error(e))?;
        diag::trace(format_args!("{}: WebSocket open", self.url));
        Ok(ws)
    }

    /// The first address of the host that accepts a TCP connection.
    async fn tcp(&self) -> Result<TcpStream> {
        let host = self.url.host_str().unwrap_or_default();
        let port = self.url.port_or_known_default().unwrap_or(80);
        let addrs = tokio::net::lookup_host((host.trim_matches(['[', ']']), port))
            .await
            .map_err(|e| {
                diag::trace(format_args!("{}: lookup failed: {e}", self.host));
                Error::Unreachable(format!(
                    "cannot resolve host '{host}': check the name in --url"
                ))
            })?;
        let mut last = None;
        for addr in addrs {
            match TcpStream::connect(addr).await {
                Ok(tcp) => return Ok(tcp),
                Err(e) => last = Some(e),
            }
        }
        Err(match last {
            Some(e) => net::connect_failure(&e, &self.host),
            None => Error::Unreachable(format!("cannot resolve host '{host}': it has no address")),
        })
    }

    fn handshake_error(&self, e: WsError) -> Error {
        let host = &self.host;
        match e {
            WsError::Http(resp) => Error::BadReply(format!(
                "{host} answered the WebSocket upgrade with HTTP {}: is --url the TwinCAT HMI Server's address (ws(s)://HOST:PORT/)?",
                resp.status()
            )),
            WsError::HttpFormat(_) | WsError::Protocol(_) => {
                let hint = if self.url.scheme() == "ws" {
                    "does that port speak TLS? Try wss://"
                } else {
                    "is --url the TwinCAT HMI Server's address?"
                };
                let e = crate::mask::said(&e.to_string());
                Error::BadReply(format!(
                    "{host} did not answer the WebSocket upgrade ({e}): {hint}"
                ))
            }
            // A server that speaks no TLS drops our ClientHello: rustls sees only an early EOF.
            WsError::Io(io)
                if self.url.scheme() == "wss" && io.kind() == std::io::ErrorKind::UnexpectedEof =>
            {
                Error::Unreachable(format!(
                    "TLS handshake with {host} failed (the server closed the connection): does that port speak TLS? Try ws://"
                ))
            }
            other => net::connect_failure(&other, host),
        }
    }

    async fn send(&self, ws: &mut Socket, text: String) -> Result<()> {
        ws.send(Message::text(text))
            .await
            .map_err(|e| self.read_error(e))
    }

    /// The reply to request `id` (a `what` call); other ids, pings and pongs are skipped. Each
    /// frame must fit the memory budget when each of its objects becomes `per_object` bytes.
    async fn reply<T: DeserializeOwned>(
        &self,
        ws: &mut Socket,
        id: u64,
        what: &str,
        per_object: u64,
    ) -> Result<wire::Reply<T>> {
        let host = &self.host;
        loop {
            let message = match ws.next().await {
                Some(Ok(m)) => m,
                Some(Err(e)) => return Err(self.read_error(e)),
                None => return Err(self.closed(None)),
            };
            match message {
                Message::Text(text) => match self
                    .affordable(&text, per_object)
                    .map(|()| wire::route(&text, id))?
                {
                    wire::Routed::Answer(reply) => return Ok(reply),
                    wire::Routed::Other(got) => diag::trace(format_args!(
                        "{host}: skipping a frame for request {got:?} while waiting for {id}"
                    )),
                    wire::Routed::Unreadable(e) => {
                        return Err(Error::BadReply(format!(
                            "{host} sent a {what} reply of an unexpected shape ({})",
                            quoted(&e)
                        )));
                    }
                    wire::Routed::NotJson(e) => {
                        return Err(Error::BadReply(format!(
                            "{host} sent a frame that is not a JSON object ({})",
                            quoted(&e)
                        )));
                    }
                },
                Message::Binary(bytes) => {
                    return Err(Error::BadReply(format!(
                        "{host} sent a binary frame ({} bytes) where TcHmi sends JSON text: is --url a TwinCAT HMI Server?",
                        bytes.len()
                    )));
                }
                Message::Close(frame) => return Err(self.closed(frame.map(|f| f.to_string()))),
                Message::Ping(_) | Message::Pong(_) | Message::Frame(_) => {}
            }
        }
    }

    /// Whether the rows a frame can become fit the memory budget: it is parsed whole, so this is
    /// estimated before.
    fn affordable(&self, text: &str, per_object: u64) -> Result<()> {
        let estimate = budget::estimate(text.as_bytes(), per_object);
        self.budget.check(estimate).map_err(|over| self.over(over))
    }

    fn over(&self, over: OverBudget) -> Error {
        Error::BadReply(format!(
            "{} sent a reply too large to hold: {over}; raise --max-body-size if that is expected",
            self.host
        ))
    }

    fn closed(&self, why: Option<String>) -> Error {
        // The close reason is the server's text: one line, no escape sequences.
        let why = why
            .map(|w| crate::mask::said(&w))
            .filter(|w| !w.is_empty())
            .map_or_else(String::new, |w| format!(" ({w})"));
        Error::BadReply(format!(
            "{} closed the WebSocket before answering{why}",
            self.host
        ))
    }

    fn read_error(&self, e: WsError) -> Error {
        match e {
            WsError::Capacity(CapacityError::MessageTooLong { size, .. }) => {
                Error::BadReply(format!(
                    "{} sent a reply of {size} bytes, larger than --max-body-size ({} bytes); raise it if that is expected",
                    self.host, self.net.max_body_size
                ))
            }
            WsError::WriteBufferFull(_) => Error::BadReply(format!(
                "{} does not read what we send (more than {} KiB are waiting); is --url a TwinCAT HMI Server?",
                self.host,
                WRITE_BUFFER_LIMIT / 1024
            )),
            WsError::ConnectionClosed
            | WsError::AlreadyClosed
            | WsError::Protocol(ProtocolError::ResetWithoutClosingHandshake) => self.closed(None),
            other => Error::BadReply(format!(
                "{} broke off the WebSocket: {}",
                self.host,
                net::innermost(&other)
            )),
        }
    }
}

impl Source for Tchmi {
    const NAME: &'static str = "a TwinCAT HMI Server";

    /// Every session is a `tchmi` one; `execute` refuses an explicit `--collectors`.
    async fn active(&mut self, _collectors: &[Collector]) -> Result<Vec<Session>> {
        let plain = SubscriptionDetails::default();
        let listing = self.list(plain, SESSION_OBJECT_COST).await?;
        Ok(listing.sessions(&self.host))
    }

    async fn summary(&mut self, _: &[Collector], _: Option<Breakdown>) -> Result<SummaryAnswer> {
        Ok(SummaryAnswer::Hmi(
            self.list(SubscriptionDetails::default(), OBJECT_COST)
                .await?
                .summary(),
        ))
    }

    async fn clients(&mut self) -> Result<Vec<Client>> {
        let plain = SubscriptionDetails::default();
        Ok(self.list(plain, OBJECT_COST).await?.clients())
    }

    async fn subscriptions(&mut self, details: SubscriptionDetails) -> Result<Vec<Subscription>> {
        Ok(self.list(details, OBJECT_COST).await?.subscriptions())
    }

    /// Logs the session out (`ForceLogout` by session id): its WebSockets stay open as guests,
    /// so the browser shows its login page again.
    async fn kick(&mut self, sessions: &[Session]) -> Result<Vec<Result<()>>> {
        let (timeout, host) = (self.net.timeout, &self.host);
        Ok(net::each_within(timeout, host, sessions, |s| self.force_logout(&s.id)).await)
    }
}
