//! The fan-out every command shares: open each target once, ask them all the same question,
//! at most `--parallel` at a time (a progress bar on stderr while several are outstanding), and
//! split what came back into answers and failures; some failures among several targets mean
//! exit 7.

use std::time::Duration;

use futures_util::StreamExt;
use futures_util::stream;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::plan::{Plan, Planned};
use crate::diag;
use crate::error::{Error, Result};
use crate::source::{Answer, Ask, Connection};

/// One target: its label and its connection, or why it could not be opened.
pub(super) struct Peer {
    name: Option<String>,
    connection: Result<Connection>,
}

impl Peer {
    /// How this peer is named in rows and error lines.
    pub(super) fn label(&self) -> &str {
        self.name.as_deref().unwrap_or("")
    }

    /// The error, saying which context it is about when the peer came from one.
    pub(super) fn blame(&self, e: Error) -> Error {
        let Some(name) = &self.name else {
            return e;
        };
        let prefix = blame_prefix(name);
        // A context that could not even be resolved already says which it is.
        if e.to_string().starts_with(&prefix) {
            return e;
        }
        e.context(prefix)
    }

    pub(super) async fn ask(&mut self, ask: &Ask) -> Result<Answer> {
        match &mut self.connection {
            Ok(connection) => connection.ask(ask).await,
            Err(e) => Err(e.clone()),
        }
    }
}

/// How an error about context `name` begins.
pub(super) fn blame_prefix(name: &str) -> String {
    format!("context '{name}': ")
}

/// Opens every target (no network yet). A target that cannot be opened keeps its error and
/// fails each round like an unreachable one.
pub(super) fn open(plan: &Plan) -> Vec<Peer> {
    plan.targets.iter().map(Peer::open).collect()
}

/// Opens the targets that are servers, in plan order: `collect` looks at this machine itself.
pub(super) fn open_remote(plan: &Plan) -> Vec<Peer> {
    plan.targets
        .iter()
        .filter(|p| !matches!(p.target, Ok(crate::source::Target::Local(_))))
        .map(Peer::open)
        .collect()
}

impl Peer {
    fn open(planned: &Planned) -> Peer {
        Peer {
            name: planned.name.clone(),
            connection: planned.target.clone().and_then(Connection::open),
        }
    }
}

/// Asks every peer, `parallel` at a time; the replies come back in peer order. With several
/// peers and `progress`, a bar on stderr counts the answers.
pub(super) async fn ask_all(
    peers: &mut [Peer],
    ask: &Ask,
    parallel: usize,
    progress: bool,
) -> Vec<Result<Answer>> {
    let bar = (progress && peers.len() > 1).then(|| progress_bar(peers.len()));
    let asks = peers.iter_mut().enumerate().map(|(at, peer)| {
        let bar = bar.clone();
        async move {
            let reply = peer.ask(ask).await;
            if let Some(bar) = bar {
                bar.inc(1);
            }
            (at, reply)
        }
    });
    let replies = in_order(asks, parallel).await;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    replies
}

/// Runs the futures `parallel` at a time (a slow one holds up no other) and puts the outputs
/// back in the order of the positions they carry.
async fn in_order<T>(
    jobs: impl Iterator<Item = impl Future<Output = (usize, T)>>,
    parallel: usize,
) -> Vec<T> {
    let mut done: Vec<(usize, T)> = stream::iter(jobs)
        .buffer_unordered(parallel.max(1))
        .collect()
        .await;
    done.sort_unstable_by_key(|(at, _)| *at);
    done.into_iter().map(|(_, reply)| reply).collect()
}

fn progress_bar(total: usize) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(
        Some(u64::try_from(total).unwrap_or(u64::MAX)),
        ProgressDrawTarget::stderr(),
    );
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} asking targets: {pos}/{len} answered")
    {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(100));
    bar
}

/// What the targets that answered said, each with its label, and the errors of the others.
pub(super) struct Gathered {
    pub answers: Vec<(String, Answer)>,
    failures: Vec<Error>,
}

/// Opens each target, asks it `ask` once and gathers the replies, `--parallel` targets at a
/// time. A target is opened just before it is asked and closed once it answered, so a fleet
/// holds its answers but only `--parallel` connections (and their descriptors). With a single
/// target its error is the result; when every target failed, the last one's error is.
pub(super) async fn ask_once(plan: &Plan, ask: &Ask) -> Result<Gathered> {
    let several = plan.several();
    let bar = (plan.progress && several).then(|| progress_bar(plan.targets.len()));
    let asks = plan.targets.iter().enumerate().map(|(at, planned)| {
        let bar = bar.clone();
        async move {
            let mut peer = Peer::open(planned);
            let reply = peer.ask(ask).await;
            if let Some(bar) = bar {
                bar.inc(1);
            }
            let reply = reply
                .map(|answer| (peer.label().to_string(), trimmed(answer, several)))
                .map_err(|e| peer.blame(e));
            (at, reply)
        }
    });
    let replies = in_order(asks, plan.parallel).await;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let mut answers = Vec::with_capacity(replies.len());
    let mut failures = Vec::new();
    for reply in replies {
        match reply {
            Ok(answer) => answers.push(answer),
            Err(e) if several => failures.push(e),
            Err(e) => return Err(e),
        }
    }
    if answers.is_empty() {
        return Err(last_of(failures));
    }
    Ok(Gathered { answers, failures })
}

/// A fleet keeps every answer until it prints: each list at its length, not at the room its
/// parser made for it: a datarhei Core reply grows by 1,024 sessions at a time, which for a
/// fleet of small answers would be a third of the peak memory.
fn trimmed(answer: Answer, several: bool) -> Answer {
    if !several {
        return answer;
    }
    match answer {
        Answer::Sessions(mut rows) => {
            rows.shrink_to_fit();
            Answer::Sessions(rows)
        }
        Answer::Clients(mut rows) => {
            rows.shrink_to_fit();
            Answer::Clients(rows)
        }
        Answer::Subscriptions(mut rows) => {
            rows.shrink_to_fit();
            Answer::Subscriptions(rows)
        }
        other => other,
    }
}

impl Gathered {
    /// After the answers were written: exit 7 when some targets failed, one line each.
    pub(super) fn finish(self) -> Result<()> {
        if self.failures.is_empty() {
            return Ok(());
        }
        Err(Error::Partial(last_of(self.failures).to_string()))
    }
}

/// Every target's rows of one kind, with that target's label once per row.
pub(super) fn labelled<T>(
    answers: Vec<(String, Answer)>,
    rows_of: fn(Answer) -> Option<Vec<T>>,
) -> (Vec<String>, Vec<T>) {
    let (mut labels, mut items) = (Vec::new(), Vec::new());
    for (label, answer) in answers {
        if let Some(rows) = rows_of(answer) {
            labels.extend(std::iter::repeat_n(label, rows.len()));
            items.extend(rows);
        }
    }
    (labels, items)
}

/// Each failure but the last as a line on stderr; the last is the result.
fn last_of(mut failures: Vec<Error>) -> Error {
    let last = failures.pop();
    for e in &failures {
        diag::error(format_args!("{e}"));
    }
    last.unwrap_or_else(|| Error::Internal("no target to ask".into()))
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::time::Duration;

    use super::*;

    /// Replies come back in position order whatever order they finish in, and no more than
    /// `parallel` run at once.
    #[test]
    fn jobs_run_a_few_at_a_time_and_come_back_in_order() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let (running, most) = (Cell::new(0usize), Cell::new(0usize));
        let jobs = (0..20usize).map(|at| {
            let (running, most) = (&running, &most);
            async move {
                running.set(running.get() + 1);
                most.set(most.get().max(running.get()));
                // Later positions finish first.
                tokio::time::sleep(Duration::from_millis(20 - at as u64)).await;
                running.set(running.get() - 1);
                (at, at * 10)
            }
        });
        let out = runtime.block_on(in_order(jobs, 3));
        assert_eq!(out, (0..20).map(|at| at * 10).collect::<Vec<_>>());
        assert_eq!(most.get(), 3);
    }

    #[test]
    fn a_fleets_answers_are_kept_at_their_length() {
        let answer = || {
            let mut rows = Vec::with_capacity(1024);
            rows.push(crate::model::Session {
                collector: crate::model::Collector::Rtmp,
                id: "1".into(),
                reference: crate::model::Text::default(),
                local: crate::model::Text::default(),
                remote: crate::model::Text::default(),
                role: None,
                created_at: None,
                age_s: None,
                rx_bytes: None,
                tx_bytes: None,
                rx_bit_s: None,
                tx_bit_s: None,
                extra: serde_json::Value::Null,
            });
            Answer::Sessions(rows)
        };
        let capacity = |a: Answer| a.sessions().map(|rows| rows.capacity());
        assert_eq!(capacity(trimmed(answer(), true)), Some(1));
        assert_eq!(capacity(trimmed(answer(), false)), Some(1024));
    }
}
