//! Replies of `collect --listen` that read the history store: each runs on a blocking thread
//! (never on the thread that polls, nor on the one that accepts requests), at most `READERS` at
//! once, within the listener's `--timeout`; a session listing is sent in chunks as it is read.

use std::cell::Cell;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use hyper::StatusCode;
use hyper::body::Bytes;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::timeout_at;

use super::app::Payload;
use super::app::{App, Piece, Reply, Snapshot, error, reply};
use super::core_json::{self, Sink};
use super::metrics;
use crate::diag;
use crate::error::{Error, Result};
use crate::source::local::history::Store;

/// Chunks a listing may have in flight before its reader waits for the client.
const IN_FLIGHT: usize = 4;

/// The status for a store read that failed: one past its deadline is "unavailable".
fn status_of(e: &Error) -> StatusCode {
    match e {
        Error::Unreachable(_) => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// Runs `work` on a blocking thread once a reader slot is free, with what is left of `deadline`.
async fn read_store<T: Send + 'static>(
    app: &Arc<App>,
    deadline: Instant,
    work: impl FnOnce(&App, Duration) -> T + Send + 'static,
) -> Result<JoinHandle<T>> {
    let slot = timeout_at(deadline.into(), Arc::clone(&app.readers).acquire_owned())
        .await
        .map_err(|_| too_slow(app.timeout))?
        .map_err(|_| Error::Internal("the store's reader slots are closed".into()))?;
    let app = Arc::clone(app);
    Ok(tokio::task::spawn_blocking(move || {
        let _slot = slot;
        work(&app, deadline.saturating_duration_since(Instant::now()))
    }))
}

fn too_slow(timeout: Duration) -> Error {
    Error::Unreachable(format!(
        "the history store was busy for longer than --timeout {}",
        humantime::format_duration(timeout)
    ))
}

/// `GET /metrics`: the series need the history's totals.
pub(super) async fn metrics(app: &Arc<App>, snap: Arc<Snapshot>) -> Reply {
    let deadline = app.deadline();
    let done = match read_store(app, deadline, move |app, left| {
        metrics::render(&snap, &app.db, left)
    })
    .await
    {
        Ok(job) => job.await,
        Err(e) => return error(status_of(&e), &e.to_string()),
    };
    match done {
        Ok(Ok(body)) => reply(
            StatusCode::OK,
            "text/plain; version=0.0.4; charset=utf-8",
            body,
        ),
        Ok(Err(e)) => error(status_of(&e), &e.to_string()),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

/// `GET /api/v3/session`: the active lists and the history, streamed.
pub(super) async fn sessions(
    app: &Arc<App>,
    names: BTreeSet<String>,
    active: Arc<Snapshot>,
    now: SystemTime,
) -> Reply {
    let deadline = app.deadline();
    let (tx, mut rx) = mpsc::channel(IN_FLIGHT);
    let listing = Listing {
        names,
        active,
        now,
        deadline,
        tx,
        handle: tokio::runtime::Handle::current(),
    };
    if let Err(e) = read_store(app, deadline, move |app, left| listing.write(app, left)).await {
        return error(status_of(&e), &e.to_string());
    }
    let first = match rx.recv().await {
        Some(Piece::Data(b)) => b,
        Some(Piece::End) => Bytes::new(),
        Some(Piece::Failed(status, why)) => return error(status, &why),
        None => return error(StatusCode::INTERNAL_SERVER_ERROR, "the listing failed"),
    };
    let mut resp = reply(
        StatusCode::OK,
        "application/json; charset=UTF-8",
        String::new(),
    );
    *resp.body_mut() = Payload::Streamed {
        first: Some(first),
        rx,
    };
    resp
}

/// One session listing, as its blocking thread writes it.
struct Listing {
    names: BTreeSet<String>,
    active: Arc<Snapshot>,
    now: SystemTime,
    deadline: Instant,
    tx: mpsc::Sender<Piece>,
    handle: tokio::runtime::Handle,
}

impl Listing {
    /// Hands `piece` to the connection within the deadline: a client that stops reading does
    /// not hold the store open past it.
    fn send(&self, piece: Piece, timeout: Duration) -> Result<()> {
        match self
            .handle
            .block_on(timeout_at(self.deadline.into(), self.tx.send(piece)))
        {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(Error::Internal("the client went away".into())),
            Err(_) => Err(Error::Unreachable(format!(
                "the client did not take the listing within --timeout {}",
                humantime::format_duration(timeout)
            ))),
        }
    }

    /// The listing, chunk by chunk; a failure before the first chunk becomes the reply.
    fn write(self, app: &App, left: Duration) {
        let sent = Cell::new(false);
        let mut flush = |chunk: String| {
            sent.set(true);
            self.send(Piece::Data(Bytes::from(chunk)), app.timeout)
        };
        let mut sink = Sink::new(&mut flush);
        let mut written = || -> Result<()> {
            let store = Store::open_read(&app.db, left)?;
            core_json::summary(
                &self.names,
                &self.active.active,
                store.as_ref(),
                self.now,
                &mut sink,
            )
        };
        let written = written().and_then(|()| sink.finish());
        let result = match written {
            Ok(()) => self.send(Piece::End, app.timeout),
            Err(e) if !sent.get() => {
                self.send(Piece::Failed(status_of(&e), e.to_string()), app.timeout)
            }
            Err(e) => Err(e),
        };
        if let Err(e) = result {
            diag::trace(format_args!("a listing was cut short: {e}"));
        }
    }
}
