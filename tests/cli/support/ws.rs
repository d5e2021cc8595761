//! A TwinCAT HMI Server stand-in: a real WebSocket server on the kit's HTTP server, plain or TLS
//! with a certificate generated here, answering as shared/protocols/tchmi.md describes (replies
//! built from the reference's example files), with one fault switched on per test; and broken
//! WebSocket servers that write raw bytes ([`raw`]).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::Role;

use super::http::{self, Reply, Upgraded};
use super::wait_until;

pub(crate) const ADMIN: &str = "__SystemAdministrator";
/// Distinctive, so a test can prove it never shows up in any output.
pub(crate) const PASSWORD: &str = "pw-Zq81-secret";
/// A request id the client never uses: the mock sends a frame with it before every reply.
pub(crate) const STRAY_ID: u64 = 987_654;

// The reference's example replies, under tests/fixtures.
const LISTING: &str = "tchmi/listactivesessions-averageduration-response.json";
const LOGIN_OK: &str = "tchmi/login-response.json";
const LOGIN_FAILED: &str = "tchmi/login-failed-response.json";
const DENIED: &str = "tchmi/error-insufficient-access.json";
const NOT_MAPPED: &str = "tchmi/error-symbol-not-mapped.json";
const SYNTAX: &str = "tchmi/error-response-level.json";
const LOGOUT_OK: &str = "tchmi/logout-response.json";

/// Where a failed login is reported.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Level {
    Response,
    Command,
    Both,
}

/// What goes wrong when ListActiveSessions arrives (or at login).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Fault {
    None,
    NotJson,
    Binary,
    CloseBeforeReply,
    NeverAnswer,
    SymbolNotMapped,
    ResponseLevelError,
    LoginFails(Level),
}

#[derive(Clone, Debug)]
pub(crate) struct Behaviour {
    /// REQUIREAUTH: guests are refused ListActiveSessions with 4101.
    pub auth_required: bool,
    pub fault: Fault,
    /// `apiVersion` on every reply: a number on current servers, a string in the TS typing.
    pub api_version: Value,
}

impl Default for Behaviour {
    fn default() -> Self {
        Behaviour {
            auth_required: true,
            fault: Fault::None,
            api_version: json!(19),
        }
    }
}

pub(crate) struct Server {
    pub port: u16,
    /// The CA that signed the TLS certificate, PEM (TLS servers only).
    pub ca_pem: Option<String>,
    received: Arc<Mutex<Vec<Value>>>,
    // The kit's HTTP server, which hands each upgraded connection to `serve`.
    http: http::Server,
}

impl Server {
    pub(crate) fn plain(behaviour: Behaviour) -> Server {
        Self::start(behaviour, http::Server::builder(), None)
    }

    /// TLS with a certificate for 127.0.0.1 and localhost, signed by a CA made for this server.
    pub(crate) fn tls(behaviour: Behaviour) -> Server {
        let pki = super::certs::pki(&["127.0.0.1", "localhost"]);
        let builder = http::Server::builder().tls(pki.server_config);
        Self::start(behaviour, builder, Some(pki.ca_pem))
    }

    fn start(behaviour: Behaviour, builder: http::Builder, ca_pem: Option<String>) -> Server {
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        let http = builder.start(move |request| {
            let (behaviour, log) = (behaviour.clone(), log.clone());
            Reply::websocket(request, move |upgraded| {
                serve(upgraded, behaviour.clone(), log.clone())
            })
        });
        Server {
            port: http.port,
            ca_pem,
            received,
            http,
        }
    }

    pub(crate) fn url(&self, scheme: &str) -> String {
        format!("{scheme}://127.0.0.1:{}/", self.port)
    }

    /// Every request frame received, parsed, once the client has closed its WebSockets (so
    /// that no frame is still on its way).
    pub(crate) fn received(&self) -> Vec<Value> {
        wait_until("the client to close its WebSockets", || {
            (self.http.connections().0 == 0).then_some(())
        });
        self.received.lock().unwrap().clone()
    }
}

/// Parses an example file, drops its `_note`, and answers request `id` with it.
fn example(name: &str, id: &Value, behaviour: &Behaviour) -> Value {
    let mut value = super::fixture_json(name);
    let object = value.as_object_mut().unwrap();
    object.remove("_note");
    object.insert("id".into(), id.clone());
    object.insert("apiVersion".into(), behaviour.api_version.clone());
    value
}

/// The full listing, trimmed to what the request's writeValue asked for.
fn listing(request: &Value, behaviour: &Behaviour) -> Value {
    let mut reply = example(LISTING, &request["id"], behaviour);
    let asked = &request["commands"][0]["writeValue"];
    let lengths = asked["readValueJsonLength"] == json!(true);
    let durations = asked["averageDuration"] == json!(true);
    let command = &mut reply["commands"][0];
    command["commandOptions"] = request["commands"][0]["commandOptions"].clone();
    let command_object = command.as_object_mut().unwrap();
    command_object.remove("writeValue");
    let subscriptions = command["readValue"]["subscriptions"]
        .as_object_mut()
        .unwrap();
    for sub in subscriptions.values_mut() {
        let sub = sub.as_object_mut().unwrap();
        if !lengths {
            sub.remove("readValueJsonLength");
            for cmd in sub["commands"].as_array_mut().unwrap() {
                cmd.as_object_mut().unwrap().remove("readValueJsonLength");
            }
        }
        if !durations {
            sub.remove("averageDuration");
        }
    }
    reply
}

/// A function symbol's answer without a value (as `Logout`'s example), for `request`'s symbol.
fn done(request: &Value, behaviour: &Behaviour) -> Value {
    let mut reply = example(LOGOUT_OK, &request["id"], behaviour);
    let command = &mut reply["commands"][0];
    command["symbol"] = request["commands"][0]["symbol"].clone();
    command["commandOptions"] = request["commands"][0]["commandOptions"].clone();
    reply
}

fn login(request: &Value, behaviour: &Behaviour, admin: &mut bool) -> Value {
    let id = &request["id"];
    let asked = &request["commands"][0]["writeValue"];
    let name = asked["userName"].as_str().unwrap_or("");
    // `Domain::User` picks the auth extension; the user is the part after it.
    let user = name.rsplit("::").next().unwrap_or(name);
    let good = user == ADMIN && asked["password"] == json!(PASSWORD);
    match behaviour.fault {
        Fault::LoginFails(level) => {
            let mut reply = example(LOGIN_FAILED, id, behaviour);
            if level == Level::Command {
                reply.as_object_mut().unwrap().remove("error");
            }
            if level == Level::Response {
                reply["commands"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("error");
            }
            reply
        }
        _ if good => {
            *admin = true;
            example(LOGIN_OK, id, behaviour)
        }
        _ => example(LOGIN_FAILED, id, behaviour),
    }
}

async fn serve(upgraded: Upgraded, behaviour: Behaviour, log: Arc<Mutex<Vec<Value>>>) {
    let mut ws = WebSocketStream::from_partially_read(
        upgraded.stream,
        upgraded.read_ahead,
        Role::Server,
        None,
    )
    .await;
    let mut admin = !behaviour.auth_required;
    while let Some(Ok(message)) = ws.next().await {
        let Message::Text(text) = message else {
            continue;
        };
        let request: Value = serde_json::from_str(&text).unwrap();
        log.lock().unwrap().push(request.clone());
        // What a busy server interleaves: a tick of someone else's subscription, and a ping.
        let stray = json!({"requestType": "Subscription", "id": STRAY_ID,
            "commands": [{"symbol": "ADS.PLC1.MAIN.nCounter", "readValue": 7}]});
        // The client may be gone already (it closes right after its Logout).
        let ping = Message::Ping(vec![1, 2].into());
        if ws.send(Message::text(stray.to_string())).await.is_err() || ws.send(ping).await.is_err()
        {
            return;
        }
        let symbol = request["commands"][0]["symbol"].as_str().unwrap_or("");
        let reply = match (symbol, behaviour.fault) {
            ("Login", _) => login(&request, &behaviour, &mut admin),
            (_, Fault::NotJson) => {
                let _ = ws
                    .send(Message::text("<html>503 Service Unavailable</html>"))
                    .await;
                continue;
            }
            (_, Fault::Binary) => {
                let _ = ws.send(Message::binary(vec![0x7b, 0x00, 0xff])).await;
                continue;
            }
            (_, Fault::CloseBeforeReply) => {
                let _ = ws.close(None).await;
                return;
            }
            (_, Fault::NeverAnswer) => {
                // Reads on, so that the connection ends when the client goes away.
                while let Some(Ok(_)) = ws.next().await {}
                return;
            }
            (_, Fault::SymbolNotMapped) => example(NOT_MAPPED, &request["id"], &behaviour),
            (_, Fault::ResponseLevelError) => example(SYNTAX, &request["id"], &behaviour),
            ("ListActiveSessions", _) if !admin => example(DENIED, &request["id"], &behaviour),
            ("ListActiveSessions", _) => listing(&request, &behaviour),
            ("ForceLogout", _) if !admin => example(DENIED, &request["id"], &behaviour),
            ("ForceLogout", _) => done(&request, &behaviour),
            _ => example(NOT_MAPPED, &request["id"], &behaviour),
        };
        if ws.send(Message::text(reply.to_string())).await.is_err() {
            return;
        }
    }
}

/// What a broken WebSocket server does once it has read the upgrade request: raw bytes, so it
/// can break the protocol in ways a WebSocket library never would.
#[derive(Clone, Debug)]
pub(crate) enum Raw {
    /// Sends the `101 Switching Protocols` answer one byte every `interval`.
    DripHandshake(Duration),
    /// Completes the upgrade, sends these bytes (whole or broken frames), then closes its side.
    Frames(Vec<u8>),
    /// Completes the upgrade and announces one text frame of `len` bytes, whose payload it then
    /// makes as it sends, until the client goes away.
    HugeFrame(u64),
    /// Completes the upgrade and sends one text message as endless 1 MiB fragments.
    EndlessFragments,
    /// Completes the upgrade and floods pings for 10 s as fast as it can, never reading.
    PingFlood,
}

/// A server on 127.0.0.1:0 playing `script` on every connection (its `ws://` address:
/// `url_as("ws")`).
pub(crate) fn raw(script: Raw) -> http::Server {
    http::Server::start(move |request| match &script {
        Raw::DripHandshake(interval) => {
            Reply::Drip(http::switching_protocols(request).into_bytes(), *interval)
        }
        Raw::HugeFrame(len) => {
            let header = frame_header(true, 1, *len);
            Reply::Huge {
                head: http::switching_protocols(request),
                len: header.len() as u64 + len,
                start: header,
                fill: b'a',
            }
        }
        script => {
            let script = script.clone();
            Reply::websocket(request, move |upgraded| {
                play(upgraded.stream, script.clone())
            })
        }
    })
}

/// A server frame header (servers do not mask): FIN or not, the opcode, the payload length.
pub(crate) fn frame_header(fin: bool, opcode: u8, len: u64) -> Vec<u8> {
    let first = if fin { 0x80 | opcode } else { opcode };
    match len {
        0..=125 => vec![first, len as u8],
        126..=0xffff => [vec![first, 126], (len as u16).to_be_bytes().to_vec()].concat(),
        _ => [vec![first, 127], len.to_be_bytes().to_vec()].concat(),
    }
}

async fn play(mut stream: Box<dyn http::Io>, script: Raw) {
    let _ = match script {
        Raw::Frames(bytes) => frames(&mut stream, &bytes).await,
        Raw::EndlessFragments => endless(&mut stream).await,
        Raw::PingFlood => flood(&mut stream).await,
        Raw::DripHandshake(_) | Raw::HugeFrame(_) => Ok(()),
    };
}

async fn frames(stream: &mut Box<dyn http::Io>, bytes: &[u8]) -> std::io::Result<()> {
    stream.write_all(bytes).await?;
    // FIN, not a reset: the client's unread request would otherwise turn the close into an RST
    // that can overtake the bytes just sent.
    stream.shutdown().await?;
    let mut sink = [0u8; 4096];
    while stream.read(&mut sink).await? > 0 {}
    Ok(())
}

async fn endless(stream: &mut Box<dyn http::Io>) -> std::io::Result<()> {
    let block = vec![b'a'; 1 << 20];
    stream
        .write_all(&frame_header(false, 1, block.len() as u64))
        .await?;
    stream.write_all(&block).await?;
    loop {
        stream
            .write_all(&frame_header(false, 0, block.len() as u64))
            .await?;
        stream.write_all(&block).await?;
    }
}

async fn flood(stream: &mut Box<dyn http::Io>) -> std::io::Result<()> {
    let mut ping = frame_header(true, 9, 125);
    ping.extend_from_slice(&[b'p'; 125]);
    let burst = ping.repeat(512);
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(10) {
        stream.write_all(&burst).await?;
    }
    Ok(())
}
