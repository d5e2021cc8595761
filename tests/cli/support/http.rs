//! The one loopback HTTP/1.1 server of the tests (plain or TLS, on one port or many): each test
//! scripts its replies, broken ones included (see [`Reply`]), and asks afterwards what it was
//! sent ([`Server::requests`]). The datarhei Core, MediaMTX, SRS, nginx-rtmp and Icecast
//! stand-ins and the TwinCAT HMI WebSocket stand-in (through [`Reply::websocket`]) all run on it.
//!
//! Each server has a thread of its own running a tokio runtime; Drop stops it, which closes its
//! ports and ends every connection it still holds (a test can then see a server go down).

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::oneshot;
use tokio_rustls::TlsAcceptor;

/// One request as the server read it.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The server's port it came to (a server may listen on several).
    pub port: u16,
}

impl Request {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    /// The first value of query parameter `name`, percent-decoded.
    pub(crate) fn query(&self, name: &str) -> Option<String> {
        let url = reqwest::Url::parse(&format!("http://x{}", self.target)).ok()?;
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }

    pub(crate) fn bearer(&self) -> Option<&str> {
        self.header("authorization")?.strip_prefix("Bearer ")
    }

    /// `METHOD target`, the form a test compares a request log in.
    pub(crate) fn line(&self) -> String {
        format!("{} {}", self.method, self.target)
    }
}

/// What the server does with a request: a proper answer, or one of the faults a hostile or
/// broken server commits.
#[derive(Clone)]
pub(crate) enum Reply {
    /// A complete response with Content-Length.
    Full {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// These bytes exactly, then the connection closes: a malformed or truncated answer, or
    /// (empty) a connection dropped without one.
    Raw(Vec<u8>),
    /// Read the request, never answer.
    Hang,
    /// These bytes, one every `interval`.
    Drip(Vec<u8>, Duration),
    /// `head` (status line and headers), then a body of `len` bytes: `start`, then `fill`
    /// repeated, made as it is sent and stopped when the client goes away.
    Huge {
        head: String,
        start: Vec<u8>,
        fill: u8,
        len: u64,
    },
    /// The reply, after this long: a slow server.
    After(Duration, Box<Reply>),
    /// `101 Switching Protocols` for this WebSocket key, then the connection is the closure's.
    Upgrade { key: String, then: Takeover },
}

/// What a [`Reply::Upgrade`] hands the connection to.
pub(crate) type Takeover =
    Arc<dyn Fn(Upgraded) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// Any stream the server speaks over: TCP, or TLS over TCP.
pub(crate) trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// A connection after the `101` answer: its stream and what the client sent past the request.
pub(crate) struct Upgraded {
    pub stream: Box<dyn Io>,
    pub read_ahead: Vec<u8>,
}

impl Reply {
    pub(crate) fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply::Full {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
        }
    }

    pub(crate) fn json(status: u16, body: impl Into<Vec<u8>>) -> Reply {
        Reply::new(status, "application/json", body)
    }

    pub(crate) fn xml(body: impl Into<Vec<u8>>) -> Reply {
        Reply::new(200, "text/xml", body)
    }

    pub(crate) fn text(status: u16, body: impl Into<Vec<u8>>) -> Reply {
        Reply::new(status, "text/plain; charset=utf-8", body)
    }

    pub(crate) fn html(status: u16, body: impl Into<Vec<u8>>) -> Reply {
        Reply::new(status, "text/html", body)
    }

    /// A redirect to `location`.
    pub(crate) fn redirect(status: u16, location: &str) -> Reply {
        Reply::Full {
            status,
            headers: vec![("Location".into(), location.into())],
            body: Vec::new(),
        }
    }

    /// A 200 whose head announces `body` but which sends only its first `sent` bytes, then
    /// closes: a reply broken off.
    pub(crate) fn broken_off(content_type: &str, body: &[u8], sent: usize) -> Reply {
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        Reply::Raw([head.as_bytes(), &body[..sent]].concat())
    }

    pub(crate) fn with_header(mut self, name: &str, value: &str) -> Reply {
        if let Reply::Full { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }

    /// This reply, `delay` after the request came.
    pub(crate) fn after(self, delay: Duration) -> Reply {
        Reply::After(delay, Box::new(self))
    }

    /// Accepts the WebSocket upgrade `request` asks for and hands the connection to `then`.
    pub(crate) fn websocket<F, Fut>(request: &Request, then: F) -> Reply
    where
        F: Fn(Upgraded) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let key = request.header("sec-websocket-key").unwrap_or("").to_owned();
        Reply::Upgrade {
            key,
            then: Arc::new(move |upgraded| Box::pin(then(upgraded))),
        }
    }
}

/// The `101` answer to a WebSocket upgrade `request` (for a test that sends it wrongly).
pub(crate) fn switching_protocols(request: &Request) -> String {
    accepting(request.header("sec-websocket-key").unwrap_or(""))
}

/// The `101` answer to the WebSocket key `key`.
fn accepting(key: &str) -> String {
    let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(key.as_bytes());
    format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
    )
}

type Handler = dyn Fn(&Request) -> Reply + Send + Sync;

/// A server's routes: a reply per method and path, and one for everything else (404).
pub(crate) struct Routes {
    routes: Vec<(String, String, Box<Handler>)>,
    otherwise: Box<Handler>,
}

impl Routes {
    pub(crate) fn new() -> Routes {
        Routes {
            routes: Vec::new(),
            otherwise: Box::new(|_| Reply::text(404, "404 page not found")),
        }
    }

    /// `method path` (path without its query) answers `reply`.
    pub(crate) fn at(self, method: &str, path: &str, reply: Reply) -> Routes {
        self.on(method, path, move |_| reply.clone())
    }

    /// `method path` is answered by `handler`.
    pub(crate) fn on(
        mut self,
        method: &str,
        path: &str,
        handler: impl Fn(&Request) -> Reply + Send + Sync + 'static,
    ) -> Routes {
        let route = (method.to_owned(), path.to_owned(), Box::new(handler) as _);
        self.routes.push(route);
        self
    }

    /// Every other request answers `reply`.
    pub(crate) fn otherwise(mut self, reply: Reply) -> Routes {
        self.otherwise = Box::new(move |_| reply.clone());
        self
    }

    fn reply(&self, request: &Request) -> Reply {
        let found = self
            .routes
            .iter()
            .find(|(method, path, _)| *method == request.method && path == request.path());
        match found {
            Some((_, _, handler)) => handler(request),
            None => (self.otherwise)(request),
        }
    }
}

/// How a server is set up before it starts.
#[derive(Default)]
pub(crate) struct Builder {
    tls: Option<Arc<rustls::ServerConfig>>,
    ports: usize,
    keep_alive: bool,
}

impl Builder {
    /// TLS with this configuration (a certificate from `certs::pki`).
    pub(crate) fn tls(mut self, config: Arc<rustls::ServerConfig>) -> Builder {
        self.tls = Some(config);
        self
    }

    /// Listens on `n` ports at once, all served alike (a fleet of servers in one).
    pub(crate) fn ports(mut self, n: usize) -> Builder {
        self.ports = n;
        self
    }

    /// Keeps a connection open for the next request, as the streaming servers do; without it
    /// every answer closes its connection.
    pub(crate) fn keep_alive(mut self) -> Builder {
        self.keep_alive = true;
        self
    }

    pub(crate) fn start(
        self,
        handler: impl Fn(&Request) -> Reply + Send + Sync + 'static,
    ) -> Server {
        Server::spawn(self, Box::new(handler))
    }

    pub(crate) fn routes(self, routes: Routes) -> Server {
        self.start(move |request| routes.reply(request))
    }
}

/// What a server saw: every request, and its connections.
#[derive(Default)]
struct Log {
    requests: Mutex<Vec<Request>>,
    /// Replies sent in full.
    served: AtomicUsize,
    /// Connections open now, and the most open at once.
    open: AtomicUsize,
    most: AtomicUsize,
}

struct Shared {
    handler: Box<Handler>,
    tls: Option<TlsAcceptor>,
    keep_alive: bool,
    log: Log,
}

/// A running server; Drop stops it.
pub(crate) struct Server {
    /// Its (first) port.
    pub port: u16,
    ports: Vec<u16>,
    tls: bool,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// A plain server on one port answering every request with `handler`.
    pub(crate) fn start(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Server {
        Server::builder().start(handler)
    }

    /// A plain server on one port answering by `routes`.
    pub(crate) fn routes(routes: Routes) -> Server {
        Server::builder().routes(routes)
    }

    pub(crate) fn builder() -> Builder {
        Builder::default()
    }

    fn spawn(builder: Builder, handler: Box<Handler>) -> Server {
        // Bound here, before the runtime runs: a client may connect as soon as this returns.
        let listeners: Vec<std::net::TcpListener> = (0..builder.ports.max(1))
            .map(|_| std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback"))
            .collect();
        let ports: Vec<u16> = listeners
            .iter()
            .map(|l| l.local_addr().expect("local address").port())
            .collect();
        let shared = Arc::new(Shared {
            handler,
            tls: builder.tls.clone().map(TlsAcceptor::from),
            keep_alive: builder.keep_alive,
            log: Log::default(),
        });
        let (stop, stopped) = oneshot::channel();
        let serving = shared.clone();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            // Dropping the runtime at the end ends every task: listeners and connections.
            runtime.block_on(async move {
                for listener in listeners {
                    tokio::spawn(accept(listener, serving.clone()));
                }
                let _ = stopped.await;
            });
        });
        Server {
            port: ports[0],
            ports,
            tls: builder.tls.is_some(),
            shared,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    pub(crate) fn url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://127.0.0.1:{}", self.port)
    }

    /// The address with another scheme, e.g. `ws://127.0.0.1:PORT/`.
    pub(crate) fn url_as(&self, scheme: &str) -> String {
        format!("{scheme}://127.0.0.1:{}/", self.port)
    }

    /// Every port it listens on, in the order made.
    pub(crate) fn ports(&self) -> &[u16] {
        &self.ports
    }

    /// Every request so far, in arrival order.
    pub(crate) fn requests(&self) -> Vec<Request> {
        self.shared
            .log
            .requests
            .lock()
            .expect("request log")
            .clone()
    }

    /// Every request so far as `METHOD target`.
    pub(crate) fn lines(&self) -> Vec<String> {
        self.requests().iter().map(Request::line).collect()
    }

    /// The replies sent in full so far (a request is logged when it arrives, before its reply).
    pub(crate) fn served(&self) -> usize {
        self.shared.log.served.load(Ordering::SeqCst)
    }

    /// Connections open now, and the most that were open at once.
    pub(crate) fn connections(&self) -> (usize, usize) {
        let log = &self.shared.log;
        (
            log.open.load(Ordering::SeqCst),
            log.most.load(Ordering::SeqCst),
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A port nothing listens on right now (it refuses connections): bound, then closed again.
pub(crate) fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    listener.local_addr().expect("local address").port()
}

async fn accept(listener: std::net::TcpListener, shared: Arc<Shared>) {
    listener.set_nonblocking(true).expect("nonblocking");
    let port = listener.local_addr().expect("local address").port();
    let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
    loop {
        let Ok((tcp, _)) = listener.accept().await else {
            continue;
        };
        let shared = shared.clone();
        tokio::spawn(async move {
            let _open = Open::count(&shared.log);
            match &shared.tls {
                // A client that rejects the certificate ends the handshake: nothing to serve.
                Some(acceptor) => {
                    if let Ok(stream) = acceptor.accept(tcp).await {
                        serve(Box::new(stream), port, &shared).await;
                    }
                }
                None => serve(Box::new(tcp), port, &shared).await,
            }
        });
    }
}

/// One open connection, counted while it lives (also when its task is cancelled).
struct Open<'a>(&'a Log);

impl<'a> Open<'a> {
    fn count(log: &'a Log) -> Open<'a> {
        let now = log.open.fetch_add(1, Ordering::SeqCst) + 1;
        log.most.fetch_max(now, Ordering::SeqCst);
        Open(log)
    }
}

impl Drop for Open<'_> {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::SeqCst);
    }
}

/// What the connection does after a reply.
enum Then {
    /// Kept alive: it reads the next request.
    Next,
    /// The reply went out whole (or the fault was played out): it closes.
    Close,
    /// The client went away before the reply was out: nothing was served.
    Gone,
}

async fn serve(mut stream: Box<dyn Io>, port: u16, shared: &Shared) {
    let mut buffer = Vec::new();
    loop {
        let Some(request) = read_request(&mut stream, &mut buffer, port).await else {
            return;
        };
        let close = request
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        shared
            .log
            .requests
            .lock()
            .expect("request log")
            .push(request.clone());
        let mut reply = (shared.handler)(&request);
        while let Reply::After(delay, later) = reply {
            tokio::time::sleep(delay).await;
            reply = *later;
        }
        if let Reply::Upgrade { key, then } = reply {
            let answer = accepting(&key);
            if stream.write_all(answer.as_bytes()).await.is_ok() {
                let read_ahead = std::mem::take(&mut buffer);
                then(Upgraded { stream, read_ahead }).await;
            }
            return;
        }
        let then = play(&mut stream, reply, shared.keep_alive && !close).await;
        if !matches!(then, Then::Gone) {
            shared.log.served.fetch_add(1, Ordering::SeqCst);
        }
        if !matches!(then, Then::Next) {
            let _ = stream.shutdown().await;
            return;
        }
    }
}

/// Sends `reply`; whether the connection may take another request.
async fn play(stream: &mut Box<dyn Io>, reply: Reply, keep_alive: bool) -> Then {
    let sent = match reply {
        Reply::Full {
            status,
            headers,
            body,
        } => {
            let reason = hyper::StatusCode::from_u16(status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("X");
            let connection = if keep_alive { "keep-alive" } else { "close" };
            let mut head = format!(
                "HTTP/1.1 {status} {reason}\r\nContent-Length: {}\r\nConnection: {connection}\r\n",
                body.len()
            );
            for (k, v) in headers {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            head.push_str("\r\n");
            let sent = write(stream, &[head.as_bytes(), &body]).await;
            return match (sent, keep_alive) {
                (false, _) => Then::Gone,
                (true, true) => Then::Next,
                (true, false) => Then::Close,
            };
        }
        Reply::Raw(bytes) => write(stream, &[&bytes]).await,
        Reply::Hang => std::future::pending().await,
        Reply::Drip(bytes, interval) => drip(stream, &bytes, interval).await,
        Reply::Huge {
            head,
            start,
            fill,
            len,
        } => huge(stream, head.as_bytes(), &start, fill, len)
            .await
            .is_ok(),
        Reply::After(..) | Reply::Upgrade { .. } => unreachable!("handled by serve"),
    };
    if sent { Then::Close } else { Then::Gone }
}

async fn write(stream: &mut Box<dyn Io>, parts: &[&[u8]]) -> bool {
    for part in parts {
        if stream.write_all(part).await.is_err() {
            return false;
        }
    }
    stream.flush().await.is_ok()
}

async fn drip(stream: &mut Box<dyn Io>, bytes: &[u8], interval: Duration) -> bool {
    for b in bytes {
        if !write(stream, &[&[*b]]).await {
            return false;
        }
        tokio::time::sleep(interval).await;
    }
    true
}

/// Writes `head`, `start`, then `fill` up to `len` body bytes, 64 KiB at a time.
async fn huge(
    stream: &mut Box<dyn Io>,
    head: &[u8],
    start: &[u8],
    fill: u8,
    len: u64,
) -> std::io::Result<()> {
    stream.write_all(head).await?;
    stream.write_all(start).await?;
    let block = vec![fill; 64 * 1024];
    let mut left = len.saturating_sub(start.len() as u64);
    while left > 0 {
        let n = left.min(block.len() as u64) as usize;
        stream.write_all(&block[..n]).await?;
        left -= n as u64;
    }
    stream.flush().await
}

/// The next request off `stream`; `buffer` keeps what was read past it (the next request on a
/// kept-alive connection, or a WebSocket's first frames).
async fn read_request(
    stream: &mut Box<dyn Io>,
    buffer: &mut Vec<u8>,
    port: u16,
) -> Option<Request> {
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        // No method starts so (a TLS handshake on the plain port, say): close, as servers do.
        if buffer.first().is_some_and(|b| !b.is_ascii_uppercase()) {
            return None;
        }
        if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_string();
    let target = first.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let body_start = head_end + 4;
    while buffer.len() < body_start + len {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    let body_end = (body_start + len).min(buffer.len());
    let body = buffer[body_start..body_end].to_vec();
    buffer.drain(..body_end);
    Some(Request {
        method,
        target,
        headers,
        body,
        port,
    })
}
