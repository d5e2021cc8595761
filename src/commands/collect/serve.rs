//! `collect --listen`: a small HTTP/1 server with datarhei Core's session endpoints, `/api`,
//! `/ping` and Prometheus `/metrics`, on a thread of its own, so that no request delays a poll.
//! A request must name this listener in its `Host` and, when a token is configured, carry it.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use hyper::body::Incoming;
use hyper::header::{AUTHORIZATION, HOST};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde::Serialize;
use tokio::net::TcpListener;

use super::app::READERS;
use super::app::{App, Reply, error, reply};
use super::core_json;
use super::listing;
use crate::diag;
use crate::error::{Error, Result};
use crate::model::Timestamp;
use crate::source::Secret;
use crate::source::local::unix_seconds;

/// Binds `addr` here (so a refusal is this command's error) and serves from a thread with its
/// own runtime; returns the address bound.
pub(super) fn start(addr: SocketAddr, app: Arc<App>) -> Result<SocketAddr> {
    let cannot = |e: std::io::Error| Error::Usage(format!("cannot listen on {addr}: {e}"));
    let listener = std::net::TcpListener::bind(addr).map_err(cannot)?;
    listener.set_nonblocking(true).map_err(cannot)?;
    let bound = listener.local_addr().map_err(cannot)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .max_blocking_threads(READERS)
        .build()
        .map_err(|e| Error::Internal(format!("cannot start the listener's runtime: {e}")))?;
    std::thread::Builder::new()
        .name("listen".into())
        .spawn(move || {
            runtime.block_on(async move {
                match TcpListener::from_std(listener) {
                    Ok(listener) => serve(listener, app).await,
                    Err(e) => diag::error(format_args!("cannot listen on {bound}: {e}")),
                }
            });
        })
        .map_err(|e| Error::Internal(format!("cannot start the listener's thread: {e}")))?;
    Ok(bound)
}

/// Accepts connections for as long as the process runs.
async fn serve(listener: TcpListener, app: Arc<App>) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                diag::trace(format_args!("accept failed: {e}"));
                continue;
            }
        };
        let app = Arc::clone(&app);
        tokio::spawn(async move {
            let svc = service_fn(move |req: Request<Incoming>| {
                let app = Arc::clone(&app);
                async move { Ok::<_, Infallible>(handle(&app, &req).await) }
            });
            // A client that never finishes its request headers does not hold a task forever.
            if let Err(e) = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(Duration::from_secs(10))
                .serve_connection(TokioIo::new(stream), svc)
                .await
            {
                diag::trace(format_args!("HTTP connection ended: {e}"));
            }
        });
    }
}

/// The first `collectors` value of a query string, percent-decoded.
fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    query?.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == name).then(|| percent_decode(v))
    })
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    let hex = |c: Option<&u8>| c.and_then(|c| char::from(*c).to_digit(16));
    while i < b.len() {
        match (b[i], hex(b.get(i + 1)), hex(b.get(i + 2))) {
            // Two hex digits make at most 255.
            (b'%', Some(h), Some(l)) => {
                out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
                i += 3;
            }
            (b'+', _, _) => {
                out.push(b' ');
                i += 1;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `Authorization: Bearer TOKEN` (the scheme in any case, as Core accepts).
fn authorized(req: &Request<Incoming>, token: &Secret) -> bool {
    let Some(value) = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let Some((scheme, given)) = value.split_once(' ') else {
        return false;
    };
    // Compare every byte, so the time taken does not tell how much of a guess was right.
    let want = token.expose().as_bytes();
    let given = given.trim().as_bytes();
    scheme.eq_ignore_ascii_case("bearer")
        && want.len() == given.len()
        && want
            .iter()
            .zip(given)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// Answers one request: refused, from memory, or from the store on a blocking thread.
async fn handle(app: &Arc<App>, req: &Request<Incoming>) -> Reply {
    if let Some(refused) = app.refuse(req) {
        return refused;
    }
    let now = SystemTime::now();
    let active = app.snapshot();
    let collectors = || core_json::names(query_param(req.uri().query(), "collectors").as_deref());
    match req.uri().path() {
        "/api/v3/session/active" => json(core_json::active(&collectors(), &active.active, now)),
        "/api/v3/session" => listing::sessions(app, collectors(), active, now).await,
        "/metrics" => listing::metrics(app, active).await,
        "/api" => json(app.about(now)),
        "/ping" => reply(StatusCode::OK, "text/plain; charset=UTF-8", "pong".into()),
        _ => error(StatusCode::NOT_FOUND, "Not Found"),
    }
}

impl App {
    /// A request that does not name this listener (DNS rebinding), lacks the token, or is not a
    /// read, answered as such.
    fn refuse(&self, req: &Request<Incoming>) -> Option<Reply> {
        let host = match req.uri().authority() {
            Some(authority) => Some(authority.as_str()),
            None => req.headers().get(HOST).map(|h| h.to_str().unwrap_or("")),
        };
        match host {
            Some(host) if !self.hosts.allows(host) => {
                diag::trace(format_args!("refused a request for Host {host}"));
                return Some(error(
                    StatusCode::FORBIDDEN,
                    "Host not allowed: this server answers only to its own address (see collect --allow-host)",
                ));
            }
            // HTTP/1.0 clients may leave Host out; HTTP/1.1 requires it (RFC 9112 §3.2).
            None if req.version() != hyper::Version::HTTP_10 => {
                return Some(error(StatusCode::BAD_REQUEST, "Host header required"));
            }
            _ => {}
        }
        if let Some(token) = &self.token
            && !authorized(req, token)
        {
            return Some(error(
                StatusCode::UNAUTHORIZED,
                "Missing or invalid JWT token",
            ));
        }
        if req.method() != Method::GET && req.method() != Method::HEAD {
            return Some(error(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed"));
        }
        None
    }

    /// Core's "about", so Core's own clients (which probe `/api` first) accept this server.
    fn about(&self, now: SystemTime) -> String {
        let started = unix_seconds(self.started);
        let about = About {
            app: "datarhei-core",
            auths: [],
            name: "sessions-collect",
            id: format!("sessions-{}", std::process::id()),
            created_at: Timestamp(started).to_string(),
            uptime_seconds: now.duration_since(self.started).map_or(0, |d| d.as_secs()),
            version: Version {
                number: "16.16.0",
                repository_commit: "",
                repository_branch: "",
                build_date: "",
                arch: format!("{}/{}", std::env::consts::OS, std::env::consts::ARCH),
                compiler: concat!("sessions ", env!("CARGO_PKG_VERSION")),
            },
        };
        serde_json::to_string(&about).unwrap_or_default()
    }
}

/// Core's `/api` reply, keys in Core's order. The version is the Core release whose API this
/// server reproduces, so version checks of Core's clients pass.
#[derive(Serialize)]
struct About {
    app: &'static str,
    auths: [&'static str; 0],
    name: &'static str,
    id: String,
    created_at: String,
    uptime_seconds: u64,
    version: Version,
}

#[derive(Serialize)]
struct Version {
    number: &'static str,
    repository_commit: &'static str,
    repository_branch: &'static str,
    build_date: &'static str,
    arch: String,
    compiler: &'static str,
}

fn json(body: String) -> Reply {
    reply(StatusCode::OK, "application/json; charset=UTF-8", body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_decoded() {
        assert_eq!(
            query_param(Some("a=1&collectors=rtmp%2Chls"), "collectors").as_deref(),
            Some("rtmp,hls")
        );
        assert_eq!(
            query_param(Some("collectors=a&collectors=b"), "collectors").as_deref(),
            Some("a")
        );
        assert_eq!(query_param(Some("x=1"), "collectors"), None);
        assert_eq!(query_param(None, "collectors"), None);
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }
}
