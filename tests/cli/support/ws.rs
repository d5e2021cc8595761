//! A TwinCAT HMI Server stand-in: a real WebSocket server on 127.0.0.1:0, plain or TLS with a
//! certificate generated here, answering as shared/protocols/tchmi.md describes (replies built
//! from the reference's example files), with one fault switched on per test.

use std::net::TcpListener as StdListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_tungstenite::tungstenite::Message;

pub const ADMIN: &str = "__SystemAdministrator";
/// Distinctive, so a test can prove it never shows up in any output.
pub const PASSWORD: &str = "pw-Zq81-secret";
/// A request id the client never uses: the mock sends a frame with it before every reply.
pub const STRAY_ID: u64 = 987_654;

const LISTING: &str =
    include_str!("../../fixtures/tchmi/listactivesessions-averageduration-response.json");
const LOGIN_OK: &str = include_str!("../../fixtures/tchmi/login-response.json");
const LOGIN_FAILED: &str = include_str!("../../fixtures/tchmi/login-failed-response.json");
const DENIED: &str = include_str!("../../fixtures/tchmi/error-insufficient-access.json");
const NOT_MAPPED: &str = include_str!("../../fixtures/tchmi/error-symbol-not-mapped.json");
const SYNTAX: &str = include_str!("../../fixtures/tchmi/error-response-level.json");
const LOGOUT_OK: &str = include_str!("../../fixtures/tchmi/logout-response.json");

/// Where a failed login is reported.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Level {
    Response,
    Command,
    Both,
}

/// What goes wrong when ListActiveSessions arrives (or at login).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Fault {
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
pub struct Behaviour {
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

pub struct Server {
    pub port: u16,
    /// The CA that signed the TLS certificate, PEM (TLS servers only).
    pub ca_pem: Option<String>,
    received: Arc<Mutex<Vec<Value>>>,
}

impl Server {
    pub fn plain(behaviour: Behaviour) -> Server {
        Self::start(behaviour, None)
    }

    /// TLS with a certificate for 127.0.0.1 and localhost, signed by a CA made for this server.
    pub fn tls(behaviour: Behaviour) -> Server {
        let pki = super::certs::pki(&["127.0.0.1", "localhost"]);
        let mut server = Self::start(behaviour, Some(TlsAcceptor::from(pki.server_config)));
        server.ca_pem = Some(pki.ca_pem);
        server
    }

    fn start(behaviour: Behaviour, tls: Option<TlsAcceptor>) -> Server {
        let listener = StdListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(accept_loop(listener, tls, behaviour, log));
        });
        Server {
            port,
            ca_pem: None,
            received,
        }
    }

    pub fn url(&self, scheme: &str) -> String {
        format!("{scheme}://127.0.0.1:{}/", self.port)
    }

    /// Every request frame received, parsed, once there are at least `n` (or after 2 s: frames
    /// sent just before the client exits may still be on their way).
    pub fn received_at_least(&self, n: usize) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(2);
        loop {
            let seen = self.received.lock().unwrap().clone();
            if seen.len() >= n || Instant::now() > deadline {
                return seen;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

async fn accept_loop(
    listener: StdListener,
    tls: Option<TlsAcceptor>,
    behaviour: Behaviour,
    log: Arc<Mutex<Vec<Value>>>,
) {
    let listener = TcpListener::from_std(listener).unwrap();
    loop {
        let Ok((tcp, _)) = listener.accept().await else {
            continue;
        };
        let behaviour = behaviour.clone();
        let log = log.clone();
        let tls = tls.clone();
        tokio::spawn(async move {
            match tls {
                // A client that rejects our certificate ends the handshake: nothing to serve.
                Some(acceptor) => {
                    if let Ok(stream) = acceptor.accept(tcp).await {
                        serve(stream, behaviour, log).await;
                    }
                }
                None => serve(tcp, behaviour, log).await,
            }
        });
    }
}

/// Parses an example file, drops its `_note`, and answers request `id` with it.
fn example(text: &str, id: &Value, behaviour: &Behaviour) -> Value {
    let mut value: Value = serde_json::from_str(text).unwrap();
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

async fn serve<S>(stream: S, behaviour: Behaviour, log: Arc<Mutex<Vec<Value>>>)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let Ok(mut ws) = tokio_tungstenite::accept_async(stream).await else {
        return;
    };
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
                std::future::pending::<()>().await;
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

/// What a broken WebSocket server does once it has read the upgrade request; raw bytes on a
/// plain socket, so it can break the protocol in ways a WebSocket library never would.
#[derive(Clone, Debug)]
pub enum Raw {
    /// Sends the `101 Switching Protocols` answer one byte every `interval`.
    DripHandshake(Duration),
    /// Completes the upgrade, sends these bytes (whole or broken frames), then closes its side.
    Frames(Vec<u8>),
    /// Completes the upgrade and announces one text frame of `len` bytes, whose payload it then
    /// makes as it sends, until the client goes away.
    HugeFrame(u64),
    /// Completes the upgrade and sends one text message as endless 1 MiB fragments.
    EndlessFragments,
}

/// A server on 127.0.0.1:0 playing `script` on every connection; returns its ws:// URL.
pub fn raw(script: Raw) -> String {
    let listener = StdListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let script = script.clone();
            std::thread::spawn(move || {
                let _ = play(stream, &script);
            });
        }
    });
    format!("ws://127.0.0.1:{port}/")
}

/// A server frame header (servers do not mask): FIN or not, the opcode, the payload length.
pub fn frame_header(fin: bool, opcode: u8, len: u64) -> Vec<u8> {
    let first = if fin { 0x80 | opcode } else { opcode };
    match len {
        0..=125 => vec![first, len as u8],
        126..=0xffff => [vec![first, 126], (len as u16).to_be_bytes().to_vec()].concat(),
        _ => [vec![first, 127], len.to_be_bytes().to_vec()].concat(),
    }
}

fn play(mut stream: std::net::TcpStream, script: &Raw) -> std::io::Result<()> {
    use std::io::{Read, Write};
    let mut request = Vec::new();
    let mut byte = [0u8; 1];
    while !request.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte)? == 0 {
            return Ok(());
        }
        request.push(byte[0]);
    }
    let request = String::from_utf8_lossy(&request).to_string();
    let key = request
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("sec-websocket-key")
                .then(|| value.trim().to_owned())
        })
        .unwrap_or_default();
    let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(key.as_bytes());
    let answer = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
    );
    if let Raw::DripHandshake(interval) = script {
        for b in answer.bytes() {
            stream.write_all(&[b])?;
            std::thread::sleep(*interval);
        }
        return Ok(());
    }
    stream.write_all(answer.as_bytes())?;
    let block = vec![b'a'; 1 << 20];
    match script {
        Raw::DripHandshake(_) => Ok(()),
        Raw::Frames(bytes) => {
            stream.write_all(bytes)?;
            // FIN, not a reset: the client's unread request would otherwise turn the close
            // into an RST that can overtake the bytes just sent.
            stream.shutdown(std::net::Shutdown::Write)?;
            while stream.read(&mut byte)? > 0 {}
            Ok(())
        }
        Raw::HugeFrame(len) => {
            stream.write_all(&frame_header(true, 1, *len))?;
            let mut left = *len;
            while left > 0 {
                let n = left.min(block.len() as u64) as usize;
                stream.write_all(&block[..n])?;
                left -= n as u64;
            }
            Ok(())
        }
        Raw::EndlessFragments => {
            stream.write_all(&frame_header(false, 1, block.len() as u64))?;
            stream.write_all(&block)?;
            loop {
                stream.write_all(&frame_header(false, 0, block.len() as u64))?;
                stream.write_all(&block)?;
            }
        }
    }
}
