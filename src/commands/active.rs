//! `sessions active`: one row per active session of every target, filtered, sorted and cut;
//! `--watch` is `watch` (the dispatcher routes it).

use crate::cli::ActiveArgs;
use crate::config::Settings;
use crate::error::Result;
use crate::model::{Collector, Session};
use crate::source::{Answer, Ask};
use crate::{output, render};

use super::plan::{Needs, Plan};
use super::targets;
use super::{Series, asked_where, check_prometheus, nothing_to_show};

pub(super) async fn run(settings: &Settings, args: ActiveArgs) -> Result<()> {
    let settings = &super::with_columns(settings, &args)?;
    let series = Series::Sessions {
        per_session: args.per_session,
    };
    check_prometheus(settings.output.format, series)?;
    let plan = Plan::new(settings, &Needs::active(&args));
    let ask = Ask::Active(Collector::asked_or_all(&args.collectors.collectors));
    let mut gathered = targets::ask_once(&plan, &ask).await?;
    let answers = std::mem::take(&mut gathered.answers);
    let out = &settings.output;
    let query = args.query();
    if settings.targets.len() == 1 {
        // One target: no label per row, so a 100,000-session reply is held once.
        let sessions = answers
            .into_iter()
            .find_map(|(_, answer)| answer.sessions())
            .unwrap_or_default();
        let active = sessions.len();
        let sessions = query.apply(sessions);
        if !nothing_to_show(settings, sessions.is_empty(), || {
            none(settings, &args, active)
        }) {
            output::emit(out.file.as_deref(), |w| {
                render::sessions(w, &sessions, None, out)
            })?;
        }
        // The process ends next: freeing 10,000 rows one allocation at a time would only
        // delay the exit (it would be a sixth of a local run's instructions).
        std::mem::forget(sessions);
    } else {
        let (labels, sessions) = targets::labelled(answers, Answer::sessions);
        let active = sessions.len();
        let rows: Vec<(String, Session)> = labels.into_iter().zip(sessions).collect();
        let (labels, sessions): (Vec<String>, Vec<Session>) = query
            .apply_in(rows, |(_, s)| s, |(t, _)| Some(t))
            .into_iter()
            .unzip();
        if !nothing_to_show(settings, sessions.is_empty(), || {
            none(settings, &args, active)
        }) {
            output::emit(out.file.as_deref(), |w| {
                render::sessions(w, &sessions, Some(&labels), out)
            })?;
        }
    }
    gathered.finish()
}

/// `no sessions (none active on http://core:8080)`, or with `--collectors` `… for rtmp, srt`;
/// `no sessions (12 active on …, none matching --filter)` when the filter left none.
fn none(settings: &Settings, args: &ActiveArgs, active: usize) -> String {
    let on = asked_where(settings);
    let asked: Vec<&str> = args
        .collectors
        .collectors
        .iter()
        .map(|c| c.as_str())
        .collect();
    let of = if asked.is_empty() {
        String::new()
    } else {
        format!(" for {}", asked.join(", "))
    };
    match active {
        0 => format!("no sessions (none active on {on}{of})"),
        n if args.limit == Some(0) => format!("no sessions ({n} active on {on}{of}, --limit 0)"),
        n => format!("no sessions ({n} active on {on}{of}, none matching --filter)"),
    }
}
