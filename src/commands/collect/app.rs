//! What `collect --listen` serves from: the last poll's sessions and targets, the store, the
//! bounds on a reply; and how a reply is made (Core's error body).

use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use hyper::body::{Body, Bytes, Frame, SizeHint};
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::{Response, StatusCode};
use serde::Serialize;
use tokio::sync::Semaphore;
use tokio::sync::mpsc;

use super::hosts::Hosts;
use crate::model::{Collector, Session};
use crate::render::prometheus::Health;
use crate::source::Secret;

/// What the last poll saw: every target's live sessions, one target after another, and how
/// each target fared.
#[derive(Default)]
pub(super) struct Snapshot {
    pub active: Vec<Session>,
    pub targets: Vec<Polled>,
}

/// One target as the last poll left it.
pub(super) struct Polled {
    /// Its name in the store: the context's, or the URL.
    pub name: String,
    pub collectors: Vec<Collector>,
    /// This machine: every session is measured, so a rate not known yet is 0.
    pub measured: bool,
    /// Its kind lists its publishers: `sessions_publishers` counts them.
    pub publishers: bool,
    pub health: Health,
    /// Its sessions in `Snapshot::active`.
    pub sessions: Range<usize>,
}

/// What the server shows: the poll loop replaces `active` after every poll.
pub(super) struct App {
    pub active: Mutex<Arc<Snapshot>>,
    pub db: PathBuf,
    pub token: Option<Secret>,
    pub hosts: Hosts,
    /// `--timeout`: the bound on each reply that reads the store.
    pub timeout: Duration,
    pub readers: Arc<Semaphore>,
    pub started: SystemTime,
}

pub(super) type Reply = Response<Payload>;

impl App {
    pub(super) fn new(db: PathBuf, token: Option<Secret>, hosts: Hosts, timeout: Duration) -> App {
        App {
            active: Mutex::new(Arc::new(Snapshot::default())),
            db,
            token,
            hosts,
            timeout,
            readers: Arc::new(Semaphore::new(READERS)),
            started: SystemTime::now(),
        }
    }

    /// What the last poll saw.
    pub(super) fn publish(&self, active: Snapshot) {
        let active = Arc::new(active);
        match self.active.lock() {
            Ok(mut slot) => *slot = active,
            Err(poisoned) => *poisoned.into_inner() = active,
        }
    }

    pub(super) fn snapshot(&self) -> Arc<Snapshot> {
        match self.active.lock() {
            Ok(slot) => Arc::clone(&slot),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// When a reply that starts now must be done.
    pub(super) fn deadline(&self) -> Instant {
        let now = Instant::now();
        now.checked_add(self.timeout).unwrap_or(now)
    }
}

pub(super) fn reply(status: StatusCode, content_type: &'static str, body: String) -> Reply {
    let mut resp = Response::new(Payload::Whole(Some(Bytes::from(body))));
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

pub(super) fn error(status: StatusCode, details: &str) -> Reply {
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

/// Store reads at once: the rest wait for a slot (within their deadline).
pub(super) const READERS: usize = 2;

/// What the reading thread hands the connection.
pub(super) enum Piece {
    Data(Bytes),
    /// The listing is complete.
    End,
    /// It failed before its first byte: the reply is this error instead.
    Failed(StatusCode, String),
}

/// A reply's body: whole, or chunks as a listing is read. A listing that ends without `End`
/// ends the body with an error, so hyper closes the connection without the final chunk and no
/// client takes a cut listing for a whole one.
pub(super) enum Payload {
    Whole(Option<Bytes>),
    Streamed {
        first: Option<Bytes>,
        rx: mpsc::Receiver<Piece>,
    },
}

impl Body for Payload {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<std::result::Result<Frame<Bytes>, io::Error>>> {
        let this = self.get_mut();
        let Payload::Streamed { first, rx } = this else {
            let Payload::Whole(whole) = this else {
                return Poll::Ready(None);
            };
            return Poll::Ready(whole.take().map(|b| Ok(Frame::data(b))));
        };
        if let Some(b) = first.take() {
            return Poll::Ready(Some(Ok(Frame::data(b))));
        }
        match rx.poll_recv(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Some(Piece::Data(b))) => Poll::Ready(Some(Ok(Frame::data(b)))),
            Poll::Ready(Some(Piece::End)) => {
                *this = Payload::Whole(None);
                Poll::Ready(None)
            }
            Poll::Ready(Some(Piece::Failed(..)) | None) => {
                *this = Payload::Whole(None);
                Poll::Ready(Some(Err(io::Error::other("the listing was cut short"))))
            }
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Payload::Whole(b) => SizeHint::with_exact(
                b.as_ref()
                    .map_or(0, |b| u64::try_from(b.len()).unwrap_or(0)),
            ),
            Payload::Streamed { .. } => SizeHint::default(),
        }
    }
}
