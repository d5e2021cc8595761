//! What `top` shows, apart from the terminal: every target's last sessions, the ones the filter
//! keeps in the chosen order (as positions, so a key re-sorts 100,000 rows without copying one),
//! and the selected session, followed by target, collector and id across refreshes.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet, VecDeque};
use std::str::FromStr;

use clap::ValueEnum;
use compact_str::CompactString;

use crate::model::{Collector, Session};
use crate::query::{Filter, SessionQuery, SortKey};
use crate::render::Mark;

/// What identifies a session across refreshes: its target, collector and id.
pub(super) type Key = (String, Collector, String);

/// A session of the last answer, with its target and how it stands out this round.
pub(crate) struct Row {
    pub target: String,
    pub session: Session,
    pub mark: Mark,
}

impl Row {
    pub(crate) fn key(&self) -> Key {
        key_of(&self.target, &self.session)
    }
}

fn key_of(target: &str, s: &Session) -> Key {
    (target.to_string(), s.collector, s.id.to_string())
}

/// The orders `<` and `>` step through, in the table's column order; `None` is `active`'s.
pub(super) const SORTS: [Option<SortKey>; 12] = [
    None,
    Some(SortKey::Collector),
    Some(SortKey::Id),
    Some(SortKey::Reference),
    Some(SortKey::Local),
    Some(SortKey::Remote),
    Some(SortKey::Age),
    Some(SortKey::CreatedAt),
    Some(SortKey::RxBytes),
    Some(SortKey::TxBytes),
    Some(SortKey::RxRate),
    Some(SortKey::TxRate),
];

/// The filter typed after `/`: `field=value` as `--filter`, else text any column contains.
#[derive(Default)]
pub(super) enum Typed {
    #[default]
    None,
    Text(String),
    Query(Filter),
}

impl Typed {
    /// `Err` when it looks like `field=value` but is not one.
    pub(super) fn parse(text: &str) -> Result<Typed, String> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(Typed::None);
        }
        if text.contains('=') {
            return Filter::from_str(text).map(Typed::Query);
        }
        Ok(Typed::Text(text.to_lowercase()))
    }

    fn keeps(&self, row: &Row) -> bool {
        match self {
            Typed::None => true,
            Typed::Query(f) => f.matches(&row.session),
            Typed::Text(t) => contains(row, t),
        }
    }
}

/// Whether any column of the row contains `lower` (lowercase), ignoring case.
fn contains(row: &Row, lower: &str) -> bool {
    let s = &row.session;
    let extra = match &s.extra {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(v) => v.clone(),
        other => other.to_string(),
    };
    [
        row.target.as_str(),
        s.collector.as_str(),
        &s.id,
        &s.reference,
        &s.local,
        &s.remote,
        &extra,
    ]
    .iter()
    .any(|field| field.to_lowercase().contains(lower))
}

/// Rates kept per session for the details' sparkline: the last this many refreshes.
const HISTORY: usize = 120;

/// The view: rows, what is shown of them, the selection and the scroll.
#[derive(Default)]
pub(super) struct View {
    pub rows: Vec<Row>,
    /// Every position in `rows` in the chosen order, before any filter: a filter typed or
    /// cleared only walks it; new rows or another sort column sort it again, `I` turns it round.
    order: Vec<usize>,
    /// Positions in `rows` the filter keeps, in the chosen order.
    pub shown: Vec<usize>,
    /// The selected position in `shown`, and the session it is.
    pub cursor: usize,
    selected: Option<Key>,
    /// The first position of `shown` on the screen.
    pub top: usize,
    pub sort: usize,
    pub reverse: bool,
    pub typed: Typed,
    pub typed_text: String,
    /// `t` in a fleet: the one target shown, or every target.
    pub target: Option<String>,
    /// `--filter` and `--limit` given on the command line.
    pub base: SessionQuery,
    /// Recent total rates (bit/s) of the sessions that were on the screen.
    history: HashMap<Key, VecDeque<u64>>,
}

impl View {
    /// No rows yet; `--filter`, `--limit`, `--sort-by` and `--reverse` as given.
    pub(super) fn new(base: SessionQuery) -> View {
        View {
            sort: SORTS.iter().position(|s| *s == base.sort_by).unwrap_or(0),
            reverse: base.reverse,
            base,
            ..View::default()
        }
    }

    /// A round's rows (sessions now, then the ones gone marked for one round) replace the
    /// last; the selection stays on its session while it is there.
    pub(super) fn replace(&mut self, now: Vec<(String, Session)>) {
        let before: HashSet<Key> = self
            .rows
            .iter()
            .filter(|r| r.mark != Mark::Gone)
            .map(Row::key)
            .collect();
        let first = self.rows.is_empty();
        let mut rows: Vec<Row> = now
            .into_iter()
            .map(|(target, session)| {
                let new = !first && !before.contains(&key_of(&target, &session));
                let mark = if new { Mark::New } else { Mark::Plain };
                Row {
                    target,
                    session,
                    mark,
                }
            })
            .collect();
        let present: HashSet<Key> = rows.iter().map(Row::key).collect();
        let old = std::mem::take(&mut self.rows);
        rows.extend(
            old.into_iter()
                .filter(|r| r.mark != Mark::Gone && !present.contains(&r.key()))
                .map(|r| Row {
                    mark: Mark::Gone,
                    ..r
                }),
        );
        self.rows = rows;
        self.arrange();
    }

    /// Sorts and filters again, keeping the selected session selected.
    pub(super) fn arrange(&mut self) {
        let all: Vec<&Session> = self.rows.iter().map(|r| &r.session).collect();
        self.order = sort_on_two_threads(&self.ordering(), &all);
        self.refilter();
    }

    /// `I`: the order turned round, without sorting again.
    pub(super) fn turn_round(&mut self) {
        let rows = &self.rows;
        self.ordering()
            .turn_round(&mut self.order, |&i| &rows[i].session);
        self.reverse = !self.reverse;
        self.refilter();
    }

    /// The sort column and direction alone.
    fn ordering(&self) -> SessionQuery {
        SessionQuery {
            sort_by: SORTS[self.sort],
            reverse: self.reverse,
            ..SessionQuery::default()
        }
    }

    /// Filters the order again (no sort: typing a filter or clearing one walks the rows once),
    /// keeping the selected session selected.
    pub(super) fn refilter(&mut self) {
        let rows = &self.rows;
        let (typed, base) = (&self.typed, &self.base);
        self.shown = self
            .order
            .iter()
            .copied()
            .filter(|&i| {
                let r = &rows[i];
                self.shows_target(r)
                    && typed.keeps(r)
                    && base.filters.iter().all(|f| f.matches(&r.session))
            })
            .take(base.limit.unwrap_or(usize::MAX))
            .collect();
        let found = self.selected.as_ref().and_then(|key| {
            self.shown
                .iter()
                .position(|&i| key_of(&rows[i].target, &rows[i].session) == *key)
        });
        match found {
            Some(at) => self.cursor = at,
            None => self.select(self.cursor),
        }
    }

    /// Whether the row's target is shown (`t` chose it, or every target is).
    pub(super) fn shows_target(&self, row: &Row) -> bool {
        self.target.as_ref().is_none_or(|t| *t == row.target)
    }

    /// Moves the selection to `at` (clamped), following that session from now on.
    pub(super) fn select(&mut self, at: usize) {
        self.cursor = at.min(self.shown.len().saturating_sub(1));
        self.selected = self.current().map(Row::key);
    }

    /// Moves the selection by `by` rows, up when negative.
    pub(super) fn step(&mut self, by: isize) {
        self.select(self.cursor.saturating_add_signed(by));
    }

    pub(super) fn current(&self) -> Option<&Row> {
        self.shown.get(self.cursor).map(|&i| &self.rows[i])
    }

    /// The positions of `shown` on a body `height` rows high, scrolled so the selection is in it.
    pub(super) fn visible(&mut self, height: usize) -> std::ops::Range<usize> {
        if self.cursor < self.top {
            self.top = self.cursor;
        } else if height > 0 && self.cursor >= self.top + height {
            self.top = self.cursor + 1 - height;
        }
        self.top = self.top.min(self.shown.len().saturating_sub(height.max(1)));
        self.top..(self.top + height).min(self.shown.len())
    }

    /// `<` (-1) or `>` (+1): the sort column next to the current one.
    pub(super) fn sort_by(&mut self, step: isize) {
        self.sort = self.sort.saturating_add_signed(step).min(SORTS.len() - 1);
        self.arrange();
    }

    /// The sort column's name, as `--sort-by` spells it.
    pub(super) fn sort_name(&self) -> String {
        SORTS[self.sort]
            .and_then(|k| k.to_possible_value())
            .map_or_else(|| "default".into(), |v| v.get_name().to_string())
    }

    /// Notes the rates of the rows on the screen; forgets the sessions no longer there.
    pub(super) fn remember(&mut self, range: std::ops::Range<usize>) {
        let mut next = HashMap::with_capacity(range.len());
        for &i in &self.shown[range] {
            let row = &self.rows[i];
            let key = row.key();
            let mut rates = self.history.remove(&key).unwrap_or_default();
            let s = &row.session;
            let total = s.rx_bit_s.unwrap_or(0.0) + s.tx_bit_s.unwrap_or(0.0);
            // `as` saturates; a rate is never negative.
            rates.push_back(total.max(0.0) as u64);
            if rates.len() > HISTORY {
                rates.pop_front();
            }
            next.insert(key, rates);
        }
        self.history = next;
    }

    pub(super) fn rates(&self, key: &Key) -> Vec<u64> {
        self.history
            .get(key)
            .map(|r| r.iter().copied().collect())
            .unwrap_or_default()
    }
}

/// Below this, one thread sorts.
const TWO_THREADS: usize = 16_384;

/// A row as the sort sees it: the sort column's text copied beside its position, so that
/// sorting 100,000 rows by a text column reads one array in order instead of visiting every
/// session (a cache miss each); other columns, and ties, are decided by the sessions.
struct Probe<'a> {
    text: CompactString,
    at: usize,
    session: &'a Session,
}

/// How a text column compares, and where it is in a session.
/// The positions of `sessions` sorted as `query` orders them: a long list as two halves at
/// once, then merged, so a key re-sorting 100,000 sessions answers in about half the time.
fn sort_on_two_threads(query: &SessionQuery, sessions: &[&Session]) -> Vec<usize> {
    let column = query.sort_by.and_then(crate::query::text_key);
    let mut rows: Vec<Probe<'_>> = sessions
        .iter()
        .enumerate()
        .map(|(at, session)| Probe {
            text: column.map_or_else(CompactString::default, |(_, text)| text(session).into()),
            at,
            session,
        })
        .collect();
    let by = |a: &Probe<'_>, b: &Probe<'_>| {
        let text = column.map_or(Ordering::Equal, |(compare, _)| compare(&a.text, &b.text));
        let text = if query.reverse { text.reverse() } else { text };
        text.then_with(|| query.order(a.session, b.session))
    };
    if rows.len() < TWO_THREADS {
        rows.sort_unstable_by(by);
        return rows.iter().map(|p| p.at).collect();
    }
    let half = rows.len() / 2;
    let (left, right) = rows.split_at_mut(half);
    std::thread::scope(|scope| {
        scope.spawn(|| left.sort_unstable_by(by));
        right.sort_unstable_by(by);
    });
    let mut merged = Vec::with_capacity(left.len() + right.len());
    let (mut l, mut r) = (left.iter().peekable(), right.iter().peekable());
    while let (Some(a), Some(b)) = (l.peek(), r.peek()) {
        let next = if by(a, b).is_le() { l.next() } else { r.next() };
        merged.extend(next.map(|p| p.at));
    }
    merged.extend(l.chain(r).map(|p| p.at));
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Text;

    fn session(id: &str, rx: f64) -> Session {
        Session {
            collector: Collector::Rtmp,
            id: id.into(),
            reference: Text::default(),
            local: Text::from("live/Cam"),
            remote: Text::default(),
            role: None,
            created_at: None,
            age_s: None,
            rx_bytes: None,
            tx_bytes: None,
            rx_bit_s: Some(rx),
            tx_bit_s: None,
            extra: serde_json::Value::Null,
        }
    }

    fn round(ids: &[(&str, f64)]) -> Vec<(String, Session)> {
        ids.iter()
            .map(|(id, rx)| ("a".to_string(), session(id, *rx)))
            .collect()
    }

    fn ids(view: &View) -> Vec<String> {
        view.shown
            .iter()
            .map(|&i| view.rows[i].session.id.to_string())
            .collect()
    }

    #[test]
    fn the_selection_follows_its_session_across_refreshes_and_sorts() {
        let mut view = View::default();
        view.replace(round(&[("1", 1.0), ("2", 2.0), ("3", 3.0)]));
        view.select(1);
        assert_eq!(view.current().unwrap().session.id, "2");
        // A new session sorts before it: the selection moves with "2".
        view.replace(round(&[("0", 9.0), ("1", 1.0), ("2", 2.0), ("3", 3.0)]));
        assert_eq!(ids(&view), ["0", "1", "2", "3"]);
        assert_eq!(view.current().unwrap().session.id, "2");
        assert_eq!(view.rows[0].mark, Mark::New);
        view.sort_by(10); // rx_rate, largest first
        assert_eq!(view.sort_name(), "rx_rate");
        assert_eq!(ids(&view), ["0", "3", "2", "1"]);
        assert_eq!(view.cursor, 2);
        view.turn_round();
        assert!(view.reverse);
        assert_eq!(ids(&view), ["1", "2", "3", "0"]);
        assert_eq!(view.current().unwrap().session.id, "2");
        // "2" is gone: it stays one round, marked, then the selection stays at its place.
        view.replace(round(&[("0", 9.0), ("1", 1.0), ("3", 3.0)]));
        assert_eq!(view.current().unwrap().mark, Mark::Gone);
        view.replace(round(&[("0", 9.0), ("1", 1.0), ("3", 3.0)]));
        assert_eq!(ids(&view), ["1", "3", "0"]);
        assert_eq!(view.current().unwrap().session.id, "3");
    }

    #[test]
    fn typed_text_matches_any_column_and_field_value_is_a_filter() {
        let mut view = View::default();
        view.replace(round(&[("ab1", 1.0), ("xy2", 2.0)]));
        view.typed = Typed::parse("CAM").unwrap();
        view.refilter();
        assert_eq!(ids(&view), ["ab1", "xy2"]);
        view.typed = Typed::parse("XY").unwrap();
        view.refilter();
        assert_eq!(ids(&view), ["xy2"]);
        view.typed = Typed::parse("id=ab*").unwrap();
        view.refilter();
        assert_eq!(ids(&view), ["ab1"]);
        assert!(Typed::parse("size=1").is_err());
        view.typed = Typed::parse("").unwrap();
        view.refilter();
        assert_eq!(ids(&view).len(), 2);
    }

    #[test]
    fn two_threads_sort_as_one() {
        let rows: Vec<Session> = (0..20_000)
            .map(|i| session(&(i * 7919 % 20_011).to_string(), f64::from(i % 13)))
            .collect();
        for sort_by in SORTS {
            for reverse in [false, true] {
                let q = SessionQuery {
                    sort_by,
                    reverse,
                    ..SessionQuery::default()
                };
                let all: Vec<&Session> = rows.iter().collect();
                let two = sort_on_two_threads(&q, &all);
                let one = q.apply_by(rows.iter().enumerate().collect(), |&(_, s)| s);
                assert!(
                    two.iter().copied().eq(one.iter().map(|p| p.0)),
                    "{sort_by:?} {reverse}"
                );
            }
        }
    }

    #[test]
    fn one_target_at_a_time() {
        let mut view = View::default();
        let mut rows = round(&[("1", 0.0), ("2", 0.0)]);
        rows.push(("b".to_string(), session("3", 0.0)));
        view.replace(rows);
        view.target = Some("b".into());
        view.refilter();
        assert_eq!(ids(&view), ["3"]);
        view.target = Some("a".into());
        view.refilter();
        assert_eq!(ids(&view), ["1", "2"]);
        view.target = None;
        view.refilter();
        assert_eq!(ids(&view), ["1", "2", "3"]);
    }

    #[test]
    fn the_screen_scrolls_to_keep_the_selection_in_it() {
        let mut view = View::default();
        let many: Vec<(String, f64)> = (0..50).map(|i| (i.to_string(), 0.0)).collect();
        let many: Vec<(&str, f64)> = many.iter().map(|(s, r)| (s.as_str(), *r)).collect();
        view.replace(round(&many));
        assert_eq!(view.visible(10), 0..10);
        view.step(15);
        assert_eq!(view.visible(10), 6..16);
        view.select(usize::MAX);
        assert_eq!(view.cursor, 49);
        assert_eq!(view.visible(10), 40..50);
        view.select(0);
        assert_eq!(view.visible(10), 0..10);
        view.step(-3);
        assert_eq!(view.cursor, 0);
    }
}
