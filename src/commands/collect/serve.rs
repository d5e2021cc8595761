//! `collect --listen`: a small HTTP/1 server with datarhei Core's session endpoints, `/api`,
//! `/ping` and Prometheus `/metrics`, guarded by a bearer token when one is configured.

use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde::Serialize;
use tokio::net::TcpListener;

use super::core_json;
use crate::diag;
use crate::model::{Collector, CollectorSummary, History, Session, Timestamp, Totals};
use crate::render::prometheus;
use crate::source::Secret;
use crate::source::local::history::{self, Store};
use crate::source::local::unix_seconds;

/// What the server shows: the collector loop replaces `active` after every poll.
pub struct App {
    pub active: Mutex<Vec<Session>>,
    pub db: PathBuf,
    pub token: Option<Secret>,
    pub started: SystemTime,
}

type Reply = Response<Full<Bytes>>;

/// Accepts connections until the task is dropped.
pub async fn serve(listener: TcpListener, app: Arc<App>) {
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
                async move { Ok::<_, Infallible>(app.handle(&req)) }
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

fn reply(status: StatusCode, content_type: &'static str, body: String) -> Reply {
    let mut resp = Response::new(Full::new(Bytes::from(body)));
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    resp
}

/// Core's error body, its keys in Core's order.
#[derive(Serialize)]
struct ErrorBody<'a> {
    code: u16,
    message: &'a str,
    details: [&'a str; 1],
}

fn error(status: StatusCode, details: &str) -> Reply {
    let body = ErrorBody {
        code: status.as_u16(),
        message: status.canonical_reason().unwrap_or(""),
        details: [details],
    };
    reply(
        status,
        "application/json; charset=UTF-8",
        serde_json::to_string(&body).unwrap_or_default(),
    )
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

impl App {
    fn handle(&self, req: &Request<Incoming>) -> Reply {
        if let Some(token) = &self.token
            && !authorized(req, token)
        {
            return error(StatusCode::UNAUTHORIZED, "Missing or invalid JWT token");
        }
        if req.method() != Method::GET && req.method() != Method::HEAD {
            return error(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed");
        }
        let now = SystemTime::now();
        let active = self
            .active
            .lock()
            .map(|a| a.clone())
            .unwrap_or_else(|poisoned| poisoned.into_inner().clone());
        let collectors =
            || core_json::names(query_param(req.uri().query(), "collectors").as_deref());
        match req.uri().path() {
            "/api/v3/session/active" => json(core_json::active(&collectors(), &active, now)),
            "/api/v3/session" => match Store::open_read(&self.db)
                .and_then(|store| core_json::summary(&collectors(), &active, store.as_ref(), now))
            {
                Ok(body) => json(body),
                Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
            },
            "/metrics" => match self.metrics(&active) {
                Ok(body) => reply(
                    StatusCode::OK,
                    "text/plain; version=0.0.4; charset=utf-8",
                    body,
                ),
                Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
            },
            "/api" => json(self.about(now)),
            "/ping" => reply(StatusCode::OK, "text/plain; charset=UTF-8", "pong".into()),
            _ => error(StatusCode::NOT_FOUND, "Not Found"),
        }
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

    /// The same series as `sessions summary -o prometheus` (one naming scheme everywhere), from
    /// the sessions of the last look and the history's totals.
    fn metrics(&self, active: &[Session]) -> crate::error::Result<String> {
        let store = Store::open_read(&self.db)?;
        let mut rows = Vec::new();
        for c in Collector::CORE {
            let total = match &store {
                Some(s) => s.total(c)?,
                None => Totals::default(),
            };
            rows.push(history::collector_summary(
                c,
                active,
                (total, History::default()),
            ));
        }
        let labelled: Vec<prometheus::Labelled<'_, CollectorSummary>> =
            rows.iter().map(|r| (None, r)).collect();
        let mut out = Vec::new();
        prometheus::collectors(&mut out, &labelled)
            .map_err(|e| crate::error::Error::Internal(format!("cannot write /metrics: {e}")))?;
        String::from_utf8(out)
            .map_err(|e| crate::error::Error::Internal(format!("cannot write /metrics: {e}")))
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
