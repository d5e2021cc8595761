//! `sessions summary`: per collector, active sessions, bandwidth, limits and finished-session
//! totals, the active (or `--finished`) sessions broken down `--by`, or a TwinCAT HMI Server's
//! counts; `--since` answers from the history instead (commands/history/window.rs).

use crate::cli::SummaryArgs;
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::model::{Breakdown, Collector, SummaryAnswer, SummaryReport};
use crate::source::Ask;
use crate::{diag, output, query, render};

use super::plan::{LocalNeeds, Needs, Plan};
use super::targets;
use super::{Series, asked_where, check_prometheus, nothing_to_show};

pub(super) async fn run(settings: &Settings, args: SummaryArgs) -> Result<()> {
    if let Some(since) = args.since {
        return super::history::summary_since(settings, &args, since);
    }
    let remote = settings.targets.iter().any(|t| !t.is_local());
    if remote && args.day.is_some() {
        return Err(Error::Usage(
            "--day reads this machine's history (no --url); a server keeps no days".into(),
        ));
    }
    let series = Series::Summary {
        by: args.by.is_some(),
    };
    check_prometheus(settings.output.format, series)?;
    let by = args.by.map(|by| (by.into(), breakdown_of(&args)));
    let needs = Needs {
        collectors: !args.collectors.collectors.is_empty(),
        by: by.map(|(_, of)| of),
        local: Some(LocalNeeds {
            args: &args.local,
            sample: args.sample,
            history: Some((args.db.clone(), args.day.clone())),
        }),
    };
    let plan = Plan::new(settings, &needs);
    let ask = Ask::Summary(
        Collector::asked_or_all(&args.collectors.collectors),
        by.map(|(_, of)| of),
    );
    let mut gathered = targets::ask_once(&plan, &ask).await?;
    let answers = std::mem::take(&mut gathered.answers);
    let (labels, summaries) = targets::labelled(answers, |a| a.summary().map(|s| vec![s]));
    let items: Vec<SummaryReport> = summaries
        .into_iter()
        .map(|summary| match summary {
            SummaryAnswer::Collectors(c) => {
                SummaryReport::Collectors(query::summarize(c, by, args.top))
            }
            SummaryAnswer::Hmi(h) => SummaryReport::Hmi(h),
        })
        .collect();
    let out = &settings.output;
    let several = settings.targets.len() > 1;
    let empty = items.iter().all(|item| match item {
        SummaryReport::Collectors(s) => s.collectors.is_empty(),
        SummaryReport::Hmi(_) => false,
    });
    let none = || format!("no collectors ({} answered none)", asked_where(settings));
    if !nothing_to_show(settings, empty, none) {
        output::emit(out.file.as_deref(), |w| {
            render::summaries(w, &items, several.then_some(labels.as_slice()), out)
        })?;
    }
    if args.finished && no_history(&items) {
        diag::note(format_args!("{}", no_history_yet(settings)));
    }
    gathered.finish()
}

/// What `--by` breaks down: the sessions open now unless `--finished`.
fn breakdown_of(args: &SummaryArgs) -> Breakdown {
    if args.finished {
        Breakdown::Finished
    } else {
        Breakdown::Active
    }
}

/// Whether `--by` found nothing to break down: every answer's history is empty.
fn no_history(items: &[SummaryReport]) -> bool {
    let mut collectors = items.iter().filter_map(|item| match item {
        SummaryReport::Collectors(s) => Some(s),
        SummaryReport::Hmi(_) => None,
    });
    collectors.all(|s| s.breakdown.is_empty())
        && items.iter().any(|i| !matches!(i, SummaryReport::Hmi(_)))
}

/// Why `--by --finished` found nothing: this machine's history is `collect`'s to write.
fn no_history_yet(settings: &Settings) -> &'static str {
    if settings.targets.iter().any(|t| t.is_local()) {
        "no finished sessions recorded yet: run `sessions collect` first"
    } else {
        "no finished sessions recorded yet"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Answer;

    #[test]
    fn a_summary_answer_is_one_row_per_target() {
        let answers = vec![
            (
                "a".to_string(),
                Answer::Summary(SummaryAnswer::Collectors(vec![])),
            ),
            ("b".to_string(), Answer::Clients(vec![])),
        ];
        let (labels, rows) = targets::labelled(answers, |a| a.summary().map(|s| vec![s]));
        assert_eq!((labels, rows.len()), (vec!["a".to_string()], 1));
    }
}
