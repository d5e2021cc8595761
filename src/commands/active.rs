//! `sessions active`: one row per active session of every target, filtered, sorted and cut;
//! `--watch` hands over to `watch`.

use crate::cli::{ActiveArgs, OutputFormat};
use crate::config::{Settings, Target};
use crate::error::{Error, Result};
use crate::model::{Collector, Session};
use crate::query::SessionQuery;
use crate::source::local::LocalOptions;
use crate::source::{Answer, Ask, Kind};
use crate::{output, render};

use super::targets::{self, Opening};
use super::{local_options, refuse_collector_options, watch};

pub async fn run(settings: &Settings, args: ActiveArgs) -> Result<()> {
    if args.watch {
        return watch::run(settings, args).await;
    }
    if settings.output.format == OutputFormat::Prometheus && !args.per_session {
        return Err(Error::Usage(
            "-o prometheus with active needs --per-session (one series per session; mind the cardinality), or use `summary -o prometheus` for the aggregates".into(),
        ));
    }
    let (refuse, local) = (refuse(&args), local(&args));
    let how = Opening {
        refuse: &refuse,
        local: &local,
    };
    let ask = Ask::Active(Collector::asked_or_all(&args.collectors.collectors));
    let mut gathered = targets::ask_once(settings, &how, &ask).await?;
    let answers = std::mem::take(&mut gathered.answers);
    let out = &settings.output;
    let query = query(&args);
    if settings.targets.len() == 1 {
        // One target: no label per row, so a 100,000-session reply is held once.
        let sessions = answers
            .into_iter()
            .find_map(|(_, answer)| answer.sessions())
            .unwrap_or_default();
        let sessions = query.apply(sessions);
        output::emit(out.file.as_deref(), |w| {
            render::sessions(w, &sessions, None, out)
        })?;
        // The process ends next: freeing 10,000 rows one allocation at a time would only
        // delay the exit (a sixth of a local run's instructions).
        std::mem::forget(sessions);
    } else {
        let (labels, sessions) = targets::labelled(answers, Answer::sessions);
        let rows: Vec<(String, Session)> = labels.into_iter().zip(sessions).collect();
        let (labels, sessions): (Vec<String>, Vec<Session>) =
            query.apply_by(rows, |(_, s)| s).into_iter().unzip();
        output::emit(out.file.as_deref(), |w| {
            render::sessions(w, &sessions, Some(&labels), out)
        })?;
    }
    gathered.finish()
}

/// `--filter`, `--sort-by`, `--reverse` and `--limit` as one query.
pub(super) fn query(args: &ActiveArgs) -> SessionQuery {
    SessionQuery {
        filters: args.filter.clone(),
        sort_by: args.sort_by,
        reverse: args.reverse,
        limit: args.limit,
    }
}

/// `--collectors` means nothing to a source without collectors.
pub(super) fn refuse(args: &ActiveArgs) -> impl Fn(Kind) -> Result<()> + '_ {
    |kind| refuse_collector_options(kind, !args.collectors.collectors.is_empty(), false)
}

/// The local collector looks for `--sample` and keeps no history for `active`.
pub(super) fn local(args: &ActiveArgs) -> impl Fn(&Target) -> Result<LocalOptions> + '_ {
    |target| local_options(&args.local, target, args.sample, None)
}
