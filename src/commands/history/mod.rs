//! `sessions history`: the finished sessions `collect` recorded for the selected targets,
//! newest first, within `--since`/`--until`, filtered, sorted and cut as `active`; with
//! `--every`, sessions over time. `summary --since` reads its window here too.

mod every;
mod window;

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, SystemTime};

use crate::cli::{EveryBy, HistoryArgs, SummaryArgs, When};
use crate::config::{self, Settings};
use crate::error::{Error, Result};
use crate::model::{Ended, Session, Timestamp};
use crate::output;
use crate::query::SessionQuery;
use crate::render;
use crate::source::local::default_db;
use crate::source::local::history::{Finished, Life, Span, Store};
use crate::source::local::unix_seconds;

use super::plan::{store_name, store_timeout};
use super::{Series, check_prometheus, nothing_to_show, refuse_prometheus};

pub(super) async fn run(settings: &Settings, args: HistoryArgs) -> Result<()> {
    refuse_prometheus(settings.output.format)?;
    let db = store_path(args.db.as_ref())?;
    let names: Vec<String> = settings.targets.iter().map(store_name).collect();
    let now = SystemTime::now();
    let span = Span {
        targets: &names,
        since: args.since.map(|w| w.unix(now)),
        until: args.until.map(|w| w.unix(now)),
    };
    let store = Store::open_read(&db, store_timeout(settings))?;
    let none = || format!("no finished sessions in {}", db.display());
    match args.every {
        Some(every) => over_time(settings, &args, (store.as_ref(), &span), every, none),
        None => listing(settings, &args, (store, &span), none),
    }
}

/// `summary --since`: per target and collector, what the store saw in the window, whatever the
/// source; no server is asked.
pub(super) fn summary_since(settings: &Settings, args: &SummaryArgs, since: When) -> Result<()> {
    check_prometheus(settings.output.format, Series::Window)?;
    let db = store_path(args.db.as_ref())?;
    let names: Vec<String> = settings.targets.iter().map(store_name).collect();
    let now = SystemTime::now();
    let from = since.unix(now);
    let to = args
        .until
        .map_or_else(|| unix_seconds(now), |w| w.unix(now));
    if to <= from {
        return Err(Error::Usage(format!(
            "--until ({}) is not after --since ({}): nothing lies between",
            Timestamp(to),
            Timestamp(from)
        )));
    }
    let span = Span {
        targets: &names,
        since: Some(from),
        until: Some(to),
    };
    let wanted = &args.collectors.collectors;
    let mut lives: Vec<Life> = Vec::new();
    if let Some(store) = Store::open_read(&db, store_timeout(settings))? {
        store.lives(&span, &mut |life| {
            if wanted.is_empty() || wanted.iter().any(|c| c.as_str() == life.collector) {
                lives.push(life);
            }
        })?;
    }
    let (labels, rows): (Vec<String>, Vec<_>) =
        window::windows(lives, (from, to)).into_iter().unzip();
    let out = &settings.output;
    let none = || format!("no sessions recorded in that window in {}", db.display());
    if !nothing_to_show(settings, rows.is_empty(), none) {
        output::emit(out.file.as_deref(), |w| {
            render::windows(w, &rows, Some(&labels), out)
        })?;
    }
    Ok(())
}

/// `--db`, else where `collect` writes by default.
fn store_path(db: Option<&PathBuf>) -> Result<PathBuf> {
    match db {
        Some(db) => Ok(db.clone()),
        None => default_db(&config::process_env_var),
    }
}

/// `--every`: one row per interval of each target (and reference).
fn over_time(
    settings: &Settings,
    args: &HistoryArgs,
    (store, span): (Option<&Store>, &Span<'_>),
    every: Duration,
    none: impl FnOnce() -> String,
) -> Result<()> {
    let by_reference = args.by == Some(EveryBy::Reference);
    let mut lives: Vec<Life> = Vec::new();
    if let Some(store) = store {
        store.lives(span, &mut |life| lives.push(life))?;
    }
    let every = i64::try_from(every.as_secs()).unwrap_or(i64::MAX);
    let bounds = (span.since, span.until, unix_seconds(SystemTime::now()));
    let rows = every::intervals(lives, every, bounds, by_reference)?;
    let (labels, rows): (Vec<String>, Vec<_>) = rows.into_iter().unzip();
    let out = &settings.output;
    let targets = (span.targets.len() > 1).then_some(&labels[..]);
    if !nothing_to_show(settings, rows.is_empty(), none) {
        output::emit(out.file.as_deref(), |w| {
            render::intervals(w, &rows, targets, by_reference, out)
        })?;
    }
    Ok(())
}

/// The finished sessions, newest first unless `--sort-by` says otherwise.
fn listing(
    settings: &Settings,
    args: &HistoryArgs,
    (store, span): (Option<Store>, &Span<'_>),
    none: impl FnOnce() -> String,
) -> Result<()> {
    let query = args.query();
    let ordered = query.sort_by.is_some() || query.reverse;
    if !ordered && render::stands_alone(settings.output.format) {
        return stream(settings, &query, (store, span));
    }
    let mut rows: Vec<(String, Ended)> = Vec::new();
    if let Some(store) = store {
        store.ended(span, &mut |f| {
            let row = ended(f);
            if query
                .filters
                .iter()
                .all(|q| q.matches_in(&row.1.session, Some(&row.0)))
            {
                rows.push(row);
            }
            Ok(true)
        })?;
    }
    if query.sort_by.is_some() || query.reverse {
        // Filters were applied as the rows were read.
        let sort = SessionQuery {
            filters: Vec::new(),
            ..query
        };
        rows = sort.apply_by(rows, |(_, e)| &e.session);
    } else if let Some(n) = query.limit {
        rows.truncate(n);
    }
    let (labels, rows): (Vec<String>, Vec<Ended>) = rows.into_iter().unzip();
    let out = &settings.output;
    if !nothing_to_show(settings, rows.is_empty(), none) {
        output::emit(out.file.as_deref(), |w| {
            render::ended(w, &rows, Some(&labels), out)
        })?;
    }
    Ok(())
}

/// Rows in a piece of a streaming history: a few MiB in flight whatever the store's size.
const PIECE: usize = 4096;

/// A piece of a streaming history: each row's target and row.
type Piece = (Vec<String>, Vec<Ended>);

/// The store's order is the output's and each TSV or NDJSON row stands alone, so the rows are
/// written a piece at a time as they are read, and a long history is never held whole. The
/// store is read on a thread of its own while this one writes the piece before.
fn stream(
    settings: &Settings,
    query: &SessionQuery,
    (store, span): (Option<Store>, &Span<'_>),
) -> Result<()> {
    let out = &settings.output;
    // Two pieces wait at most: the reader stays a little ahead of the writer, no further.
    let (tx, rx) = mpsc::sync_channel::<Piece>(2);
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || read_pieces(store, span, query, &tx));
        let written = output::emit(out.file.as_deref(), |w| {
            let mut opts = out.clone();
            let mut begun = false;
            // Taken by value: when this returns, even on an error, the reader sees nobody takes.
            for (labels, rows) in rx {
                render::ended(w, &rows, Some(&labels), &opts)?;
                // The header once, before the first piece.
                opts.headers = false;
                begun = true;
            }
            if begun {
                return Ok(());
            }
            // No rows at all: what an empty list is (TSV's header).
            render::ended(w, &[], Some(&[]), &opts)
        });
        // A writer that failed (a closed pipe) dropped `rx`, which stopped the reader.
        let read = reader
            .join()
            .unwrap_or_else(|_| Err(Error::Internal("the store's reader stopped".into())));
        written.and(read)
    })
}

/// Reads `span`'s finished sessions that pass `query`'s filters, up to its limit, and sends
/// them on in pieces; stops early when nobody takes them any more.
fn read_pieces(
    store: Option<Store>,
    span: &Span<'_>,
    query: &SessionQuery,
    tx: &mpsc::SyncSender<Piece>,
) -> Result<()> {
    let mut left = query.limit.unwrap_or(usize::MAX);
    let Some(store) = store.filter(|_| left > 0) else {
        return Ok(());
    };
    let mut piece: Piece = (Vec::with_capacity(PIECE), Vec::with_capacity(PIECE));
    let mut taken = true;
    store.ended(span, &mut |f| {
        let (label, row) = ended(f);
        if !query
            .filters
            .iter()
            .all(|q| q.matches_in(&row.session, Some(&label)))
        {
            return Ok(true);
        }
        piece.0.push(label);
        piece.1.push(row);
        left -= 1;
        if piece.1.len() == PIECE || left == 0 {
            let full = std::mem::replace(
                &mut piece,
                (Vec::with_capacity(PIECE), Vec::with_capacity(PIECE)),
            );
            taken = tx.send(full).is_ok();
        }
        Ok(taken && left > 0)
    })?;
    if taken && !piece.1.is_empty() {
        // A writer that is gone has its own error to tell.
        let _ = tx.send(piece);
    }
    Ok(())
}

/// A stored session as `history` shows it, with its target.
fn ended(f: Finished) -> (String, Ended) {
    let duration_s = u64::try_from(f.closed_at.0 - f.created_at.0).unwrap_or(0);
    let session = Session {
        collector: f.collector,
        id: f.id,
        reference: f.reference,
        local: f.local,
        remote: f.remote,
        role: f.role.as_deref().and_then(|r| r.parse().ok()),
        created_at: Some(f.created_at),
        age_s: None,
        rx_bytes: Some(f.rx_bytes),
        tx_bytes: Some(f.tx_bytes),
        rx_bit_s: None,
        tx_bit_s: None,
        extra: f.extra,
    };
    (
        f.target,
        Ended {
            session,
            closed_at: f.closed_at,
            duration_s,
            rx_peak_bit_s: f.rx_peak_bit_s,
            tx_peak_bit_s: f.tx_peak_bit_s,
        },
    )
}
