//! What `active` keeps and in which order: `--filter`, `--sort-by`, `--reverse`, `--limit`.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::net::IpAddr;
use std::str::FromStr;

use clap::ValueEnum;
use ipnet::IpNet;

use crate::model::{
    Breakdown, BreakdownRow, CollectorSummary, CollectorsReport, GroupBy, Role, Session,
};

/// A field of a session that `--sort-by` can order by. Each also answers to its table header
/// (`tx` is the TX column, `created` CREATED) and its JSON key (`tx_bit_s`), so a name read off
/// the screen or a script sorts what it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum SortKey {
    // The context a row came from: a fleet's rows are grouped by it anyway.
    Target,
    Collector,
    Id,
    Reference,
    Local,
    Remote,
    #[value(alias = "age_s")]
    Age,
    #[value(alias = "created")]
    CreatedAt,
    #[value(alias = "rx")]
    RxBytes,
    #[value(alias = "tx")]
    TxBytes,
    #[value(aliases = ["rx_bit_s", "rx-rate"])]
    RxRate,
    #[value(aliases = ["tx_bit_s", "tx-rate"])]
    TxRate,
}

/// One `--filter` condition: `FIELD=VALUE`, `FIELD!=VALUE`, or on a number `FIELD>N` (also
/// `>=`, `<`, `<=`).
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    field: Field,
    test: Test,
    negate: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum Field {
    Collector,
    Id,
    Reference,
    Local,
    Remote,
    Role,
    Extra,
    /// `extra.KEY`: one key of an `extra` object.
    ExtraKey(String),
    /// The context a row came from (`--context a,b`, `--all-contexts`).
    Target,
    Age,
    RxRate,
    TxRate,
    RxBytes,
    TxBytes,
}

/// The fields `--filter` knows, for errors and help.
const FIELDS: &str = "collector, id, reference, local, remote, role, extra, extra.KEY, target, age, rx_rate, tx_rate, rx_bytes, tx_bytes";

impl Field {
    fn named(name: &str) -> Option<Field> {
        Some(match name {
            "collector" => Field::Collector,
            "id" => Field::Id,
            "reference" => Field::Reference,
            "local" => Field::Local,
            "remote" => Field::Remote,
            "role" => Field::Role,
            "extra" => Field::Extra,
            "target" => Field::Target,
            "age" | "age_s" => Field::Age,
            "rx_rate" | "rx_bit_s" => Field::RxRate,
            "tx_rate" | "tx_bit_s" => Field::TxRate,
            "rx_bytes" | "rx" => Field::RxBytes,
            "tx_bytes" | "tx" => Field::TxBytes,
            other => Field::ExtraKey(other.strip_prefix("extra.")?.to_owned()),
        })
    }

    /// Whether the field is a number (compared as one, `5M`, `1h`), not text.
    fn numeric(&self) -> bool {
        matches!(
            self,
            Field::Age | Field::RxRate | Field::TxRate | Field::RxBytes | Field::TxBytes
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Test {
    Text(Pattern),
    /// The field's number against this one.
    Compare(Ordering, bool, f64),
}

#[derive(Debug, Clone, PartialEq)]
enum Pattern {
    Exact(String),
    Glob(String),
    Net(IpNet),
}

/// The comparisons, longest first so `>=` is not read as `>`.
const OPERATORS: [(&str, Ordering, bool, bool); 6] = [
    ("!=", Ordering::Equal, false, true),
    (">=", Ordering::Greater, true, false),
    ("<=", Ordering::Less, true, false),
    ("=", Ordering::Equal, false, false),
    (">", Ordering::Greater, false, false),
    ("<", Ordering::Less, false, false),
];

impl FromStr for Filter {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // The field's name ends at the first operator character: values may hold any.
        let at = s.find(['!', '=', '<', '>']);
        let operator = at.and_then(|at| {
            OPERATORS
                .iter()
                .find(|(op, ..)| s[at..].starts_with(op))
                .map(|o| (at, o))
        });
        let Some((at, &(op, order, or_equal, negate))) = operator else {
            return Err(format!(
                "'{}' is not FIELD=VALUE, FIELD!=VALUE or FIELD>NUMBER",
                crate::text::escape(s)
            ));
        };
        let (name, value) = (s[..at].trim(), &s[at + op.len()..]);
        let field = Field::named(name).ok_or_else(|| {
            format!(
                "unknown filter field '{}' (valid: {FIELDS})",
                crate::text::escape(name)
            )
        })?;
        let text = order == Ordering::Equal && !or_equal;
        let test = if field.numeric() || !text {
            Test::Compare(order, or_equal, number(&field, value)?)
        } else {
            Test::Text(pattern(&field, value)?)
        };
        Ok(Filter {
            field,
            test,
            negate,
        })
    }
}

/// A text filter's value: exact, a glob with `*`, or for local/remote an address or network.
fn pattern(field: &Field, value: &str) -> Result<Pattern, String> {
    if !matches!(field, Field::Local | Field::Remote) {
        return Ok(text_pattern(value));
    }
    if let Some((ip, _)) = value.split_once('/')
        && ip.parse::<std::net::IpAddr>().is_ok()
        && parse_net(value).is_none()
    {
        // An address with a slash is meant as a network: a bad prefix must not quietly
        // become a text match that matches nothing.
        return Err(format!(
            "'{}' is not a network like 10.0.0.0/8 or fd00::/8 (prefix too long?)",
            crate::text::escape(value)
        ));
    }
    Ok(parse_net(value).map_or_else(|| text_pattern(value), Pattern::Net))
}

/// A number to compare with: `age` takes a duration (`1h`, `90s`, or seconds), the others a
/// number with an SI suffix (`5M` is 5,000,000: 5 Mbit/s of a rate, 5 MB of bytes).
fn number(field: &Field, value: &str) -> Result<f64, String> {
    let value = value.trim();
    let bad = |what: &str| format!("'{}' is not {what}", crate::text::escape(value));
    if *field == Field::Age {
        if let Ok(secs) = value.parse::<f64>() {
            return Ok(secs);
        }
        return humantime::parse_duration(value)
            .map(|d| d.as_secs_f64())
            .map_err(|_| bad("a duration like 90s, 30m or 1h"));
    }
    let (digits, scale) = match value.char_indices().next_back() {
        Some((at, 'k' | 'K')) => (&value[..at], 1e3),
        Some((at, 'M')) => (&value[..at], 1e6),
        Some((at, 'G')) => (&value[..at], 1e9),
        Some((at, 'T')) => (&value[..at], 1e12),
        _ => (value, 1.0),
    };
    match digits.parse::<f64>() {
        Ok(n) if n.is_finite() => Ok(n * scale),
        _ => Err(bad("a number like 500, 1.5k, 5M or 2G")),
    }
}

fn text_pattern(value: &str) -> Pattern {
    if value.contains('*') {
        Pattern::Glob(value.to_owned())
    } else {
        Pattern::Exact(value.to_owned())
    }
}

/// `10.0.0.0/8` as given, or a bare address as a single-host network.
fn parse_net(value: &str) -> Option<IpNet> {
    value
        .parse::<IpNet>()
        .ok()
        .or_else(|| value.parse::<IpAddr>().ok().map(IpNet::from))
}

/// The address part of `1.2.3.4:5678`, `[::1]:5678`, `::1` or `1.2.3.4`.
fn address_of(endpoint: &str) -> Option<IpAddr> {
    if let Ok(ip) = endpoint.parse::<IpAddr>() {
        return Some(ip);
    }
    endpoint
        .parse::<std::net::SocketAddr>()
        .ok()
        .map(|s| s.ip())
}

/// `extra` (or one of its keys) as text: a string as is, null as nothing, the rest as JSON.
fn json_text(v: Option<&serde_json::Value>) -> Cow<'_, str> {
    match v {
        Some(serde_json::Value::String(v)) => Cow::Borrowed(v),
        None | Some(serde_json::Value::Null) => Cow::Borrowed(""),
        Some(other) => Cow::Owned(other.to_string()),
    }
}

impl Filter {
    /// Whether a session passes (`target=` matches nothing without a target).
    pub fn matches(&self, s: &Session) -> bool {
        self.matches_in(s, None)
    }

    /// Whether a session of one target (a fleet's row names its target) passes.
    pub fn matches_in(&self, s: &Session, target: Option<&str>) -> bool {
        let hit = match &self.test {
            Test::Text(pattern) => {
                let text = self.text(s, target);
                match pattern {
                    Pattern::Exact(v) => text == v.as_str(),
                    Pattern::Glob(g) => glob_match(g, &text),
                    Pattern::Net(net) => address_of(&text).is_some_and(|ip| net.contains(&ip)),
                }
            }
            Test::Compare(order, or_equal, n) => self.number(s).is_some_and(|x| {
                let got = x.total_cmp(n);
                got == *order || (*or_equal && got == Ordering::Equal)
            }),
        };
        hit != self.negate
    }

    fn text<'s>(&self, s: &'s Session, target: Option<&'s str>) -> Cow<'s, str> {
        Cow::Borrowed(match &self.field {
            Field::Collector => s.collector.as_str(),
            Field::Id => &s.id,
            Field::Reference => &s.reference,
            Field::Local => &s.local,
            Field::Remote => &s.remote,
            Field::Target => target.unwrap_or_default(),
            // A session whose role is unknown matches no role (and every `role!=`).
            Field::Role => s.role.map_or("", Role::as_str),
            Field::Extra => return json_text(Some(&s.extra)),
            Field::ExtraKey(key) => return json_text(s.extra.get(key)),
            Field::Age | Field::RxRate | Field::TxRate | Field::RxBytes | Field::TxBytes => "",
        })
    }

    /// The field as a number; `None` where the server does not say it.
    fn number(&self, s: &Session) -> Option<f64> {
        match &self.field {
            Field::Age => s.age_s.map(|n| n as f64),
            Field::RxRate => s.rx_bit_s,
            Field::TxRate => s.tx_bit_s,
            Field::RxBytes => s.rx_bytes.map(|n| n as f64),
            Field::TxBytes => s.tx_bytes.map(|n| n as f64),
            Field::ExtraKey(key) => match s.extra.get(key)? {
                serde_json::Value::Number(n) => n.as_f64(),
                serde_json::Value::String(t) => number(&self.field, t).ok(),
                _ => None,
            },
            _ => None,
        }
    }
}

/// `*` matches any run of characters; everything else matches itself.
pub(crate) fn glob_match(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let mut parts: Vec<&str> = parts.collect();
    let last = parts.pop();
    for part in parts {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    // Without a `*` there is no last part, and the whole text must have been the pattern (so
    // "ab" does not match "abc"; `text_pattern` never passes such a pattern here).
    last.map_or(rest.is_empty(), |l| rest.ends_with(l))
}

/// The options of `active` that shape its list.
#[derive(Debug, Clone, Default)]
pub struct SessionQuery {
    pub filters: Vec<Filter>,
    pub sort_by: Option<SortKey>,
    pub reverse: bool,
    pub limit: Option<usize>,
}

impl SessionQuery {
    /// Why a `--filter target=NAME` (or a glob) can match no row: it names none of `targets`
    /// (a typo would otherwise be an empty, successful answer).
    pub fn unknown_target(&self, targets: &[&str]) -> Option<String> {
        let listed = || targets.join(", ");
        self.filters.iter().find_map(|f| match (&f.field, &f.test) {
            (Field::Target, Test::Text(Pattern::Exact(name)))
                if !targets.contains(&name.as_str()) =>
            {
                Some(format!(
                    "no target named '{}': the targets are {}",
                    crate::text::escape(name),
                    listed()
                ))
            }
            (Field::Target, Test::Text(Pattern::Glob(glob)))
                if !targets.iter().any(|t| glob_match(glob, t)) =>
            {
                Some(format!(
                    "no target matches '{}': the targets are {}",
                    crate::text::escape(glob),
                    listed()
                ))
            }
            _ => None,
        })
    }

    /// Filter, sort (`--sort-by`, ties in the default order: collector, start time, id),
    /// reverse, and cut. Sessions whose sort value the server does not give come last either way.
    pub fn apply(&self, sessions: Vec<Session>) -> Vec<Session> {
        self.apply_by(sessions, |s| s)
    }

    /// The same over rows that carry a session.
    pub fn apply_by<T>(&self, sessions: Vec<T>, session: impl Fn(&T) -> &Session) -> Vec<T> {
        self.apply_in(sessions, session, |_| None)
    }

    /// The same over a fleet's rows, each with the target it came from: `target=` filters
    /// them, and they are grouped by target (as `kubectl get -A` groups by namespace) unless
    /// `--sort-by` orders them otherwise.
    pub fn apply_in<T>(
        &self,
        mut sessions: Vec<T>,
        session: impl Fn(&T) -> &Session,
        target: impl Fn(&T) -> Option<&str>,
    ) -> Vec<T> {
        sessions.retain(|s| {
            let (row, at) = (session(s), target(s));
            self.filters.iter().all(|f| f.matches_in(row, at))
        });
        // In place: a stable sort's scratch buffer would be the largest allocation of a
        // 100,000-session run. The tie-break makes the order total, so stability is not needed.
        sessions.sort_unstable_by(|a, b| {
            let targets = target(a).cmp(&target(b));
            self.order_in(session(a), session(b), targets)
        });
        if let Some(n) = self.limit {
            sessions.truncate(n);
        }
        sessions
    }
}

impl SessionQuery {
    /// The order `--sort-by` and `--reverse` ask for (filters and limit aside).
    pub fn order(&self, a: &Session, b: &Session) -> Ordering {
        self.order_in(a, b, Ordering::Equal)
    }

    /// `order` with the order of the rows' targets (a fleet's) before the default order.
    fn order_in(&self, a: &Session, b: &Session, targets: Ordering) -> Ordering {
        let key = self.sort_by;
        let order = match key {
            Some(SortKey::Target) | None => Ordering::Equal,
            Some(k) => compare(k, a, b),
        }
        .then(targets)
        .then_with(|| default_order(a, b));
        let order = if self.reverse { order.reverse() } else { order };
        key.map_or(Ordering::Equal, |k| unknown(k, a).cmp(&unknown(k, b)))
            .then(order)
    }

    /// Turns `rows`, in this query's order, into the order with `reverse` flipped, in linear
    /// time: the sessions with a sort value reversed, and those without it (last either way)
    /// reversed among themselves, as the sort would have put them.
    pub fn turn_round<'a, T>(&self, rows: &mut [T], session: impl Fn(&T) -> &'a Session) {
        let known = match self.sort_by {
            Some(key) => rows.partition_point(|r| !unknown(key, session(r))),
            None => rows.len(),
        };
        let (with, without) = rows.split_at_mut(known);
        with.reverse();
        without.reverse();
    }
}

/// The order `active` prints without `--sort-by`: collector, start time, id.
pub(crate) fn default_order(a: &Session, b: &Session) -> Ordering {
    (a.collector, a.created_at)
        .cmp(&(b.collector, b.created_at))
        .then_with(|| id_order(&a.id, &b.id))
}

/// Ids in the order a person reads them: runs of digits compare as numbers, so the inode `76952`
/// comes before `168347` and the ffmpeg input `4269:in0` before `26099:out0`; the rest compares
/// as text. A run followed by a letter is part of a word, not a number: SRS's base-36 ids
/// (`0000000a`, `00000001`) keep their text order, which is their order as numbers. Ids equal as
/// numbers but written differently (`007`, `7`) fall back to the text.
pub(crate) fn id_order(a: &str, b: &str) -> Ordering {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    // Most pairs differ first where the text alone decides: at two characters that are not
    // digits (what comes before is the same on both sides), or at two digits whose runs are
    // equally long (a number's digits then order as its text). The walk below is for the rest.
    let same = x.iter().zip(y).take_while(|(p, q)| p == q).count();
    if let (Some(&p), Some(&q)) = (x.get(same), y.get(same)) {
        let run = |s: &[u8]| digits(&s[same..]);
        let (pd, qd) = (p.is_ascii_digit(), q.is_ascii_digit());
        if (!pd && !qd) || (pd && qd && run(x) == run(y)) {
            return p.cmp(&q);
        }
    }
    id_walk(x, y)
}

/// `id_order` run by run.
fn id_walk(x: &[u8], y: &[u8]) -> Ordering {
    let (mut i, mut j) = (0, 0);
    while i < x.len() && j < y.len() {
        if let (Some(xs), Some(ys)) = (number_at(x, i), number_at(y, j)) {
            let (xn, yn) = (trim_zeros(&x[i..i + xs]), trim_zeros(&y[j..j + ys]));
            let order = xn.len().cmp(&yn.len()).then_with(|| xn.cmp(yn));
            if order != Ordering::Equal {
                return order;
            }
            (i, j) = (i + xs, j + ys);
        } else if x[i] != y[j] {
            return x[i].cmp(&y[j]);
        } else {
            (i, j) = (i + 1, j + 1);
        }
    }
    (x.len() - i).cmp(&(y.len() - j)).then_with(|| x.cmp(y))
}

/// The length of the number at `i`: a whole run of digits that no letter follows.
fn number_at(s: &[u8], i: usize) -> Option<usize> {
    let starts = s[i].is_ascii_digit() && (i == 0 || !s[i - 1].is_ascii_digit());
    let run = digits(&s[i..]);
    let word = s.get(i + run).is_some_and(u8::is_ascii_alphabetic);
    (starts && !word).then_some(run)
}

/// How many ASCII digits `b` starts with.
fn digits(b: &[u8]) -> usize {
    b.iter().take_while(|c| c.is_ascii_digit()).count()
}

fn trim_zeros(b: &[u8]) -> &[u8] {
    let zeros = b.iter().take_while(|c| **c == b'0').count();
    &b[zeros..]
}

/// Whether the server left this sort value out (nginx-rtmp and Icecast count no bytes per client).
fn unknown(key: SortKey, s: &Session) -> bool {
    match key {
        SortKey::RxBytes => s.rx_bytes.is_none(),
        SortKey::TxBytes => s.tx_bytes.is_none(),
        SortKey::RxRate => s.rx_bit_s.is_none(),
        SortKey::TxRate => s.tx_bit_s.is_none(),
        SortKey::Age | SortKey::CreatedAt => s.created_at.is_none(),
        SortKey::Target
        | SortKey::Collector
        | SortKey::Id
        | SortKey::Reference
        | SortKey::Local
        | SortKey::Remote => false,
    }
}

/// A sort column that is a session's text: how two texts order, and the session's text.
pub(crate) type TextKey = (fn(&str, &str) -> Ordering, fn(&Session) -> &str);

/// The sort column's text, where it is one (`top` sorts copies of it).
pub(crate) fn text_key(key: SortKey) -> Option<TextKey> {
    let plain: fn(&str, &str) -> Ordering = |a, b| a.cmp(b);
    match key {
        SortKey::Id => Some((id_order, |s| &s.id)),
        SortKey::Reference => Some((plain, |s| &s.reference)),
        SortKey::Local => Some((plain, |s| &s.local)),
        SortKey::Remote => Some((plain, |s| &s.remote)),
        _ => None,
    }
}

fn compare(key: SortKey, a: &Session, b: &Session) -> Ordering {
    if let Some((order, text)) = text_key(key) {
        return order(text(a), text(b));
    }
    match key {
        // Targets are compared by `apply_in`, which knows them; text keys above.
        SortKey::Target | SortKey::Id | SortKey::Reference | SortKey::Local | SortKey::Remote => {
            Ordering::Equal
        }
        SortKey::Collector => a.collector.cmp(&b.collector),
        // Oldest first: the largest age.
        SortKey::Age | SortKey::CreatedAt => a.created_at.cmp(&b.created_at),
        SortKey::RxBytes => b.rx_bytes.cmp(&a.rx_bytes),
        SortKey::TxBytes => b.tx_bytes.cmp(&a.tx_bytes),
        SortKey::RxRate => rate(b.rx_bit_s).total_cmp(&rate(a.rx_bit_s)),
        SortKey::TxRate => rate(b.tx_bit_s).total_cmp(&rate(a.tx_bit_s)),
    }
}

/// Unknown rates are ordered by `unknown` before this is asked.
fn rate(r: Option<f64>) -> f64 {
    r.unwrap_or(f64::NEG_INFINITY)
}

/// Builds what `summary` prints: the collectors and, with `by`, their active or finished
/// sessions (as the source grouped them) broken down with the most traffic first, at most `top`
/// rows per collector.
pub(crate) fn summarize(
    mut collectors: Vec<CollectorSummary>,
    by: Option<(GroupBy, Breakdown)>,
    top: Option<usize>,
) -> CollectorsReport {
    // Every source lists collectors in one order: the enum's, alphabetical as Core sorts them.
    collectors.sort_by_key(|c| c.collector);
    let mut breakdown = Vec::new();
    if let Some((by, _)) = by {
        // The history moves into the rows (a copy would double what a large reply costs); keys
        // are unique per collector, so an unstable sort (no scratch buffer) orders them fully.
        for c in &mut collectors {
            let mut rows: Vec<BreakdownRow> = c
                .history
                .take(by)
                .into_iter()
                .map(|(key, totals)| BreakdownRow {
                    collector: c.collector,
                    key,
                    totals,
                })
                .collect();
            rows.sort_unstable_by(|a, b| {
                b.totals
                    .traffic_key()
                    .cmp(&a.totals.traffic_key())
                    .then(b.totals.sessions.cmp(&a.totals.sessions))
                    .then_with(|| a.key.cmp(&b.key))
            });
            rows.truncate(top.unwrap_or(usize::MAX));
            breakdown.extend(rows);
        }
    }
    CollectorsReport {
        collectors,
        by: by.map(|(by, _)| by),
        breakdown_of: by.map(|(_, of)| of),
        breakdown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Collector, Timestamp};
    use serde_json::json;

    fn session(collector: Collector, id: &str, remote: &str, rx: u64) -> Session {
        Session {
            collector,
            id: id.into(),
            reference: "test".into(),
            local: "play:/live/test".into(),
            remote: remote.into(),
            role: None,
            created_at: Some(Timestamp(1000 + rx as i64)),
            age_s: None,
            rx_bytes: Some(rx),
            tx_bytes: Some(0),
            rx_bit_s: Some(rx as f64),
            tx_bit_s: Some(0.0),
            extra: serde_json::Value::String("Lavf/59".into()),
        }
    }

    fn ids(v: &[Session]) -> Vec<&str> {
        v.iter().map(|s| s.id.as_str()).collect()
    }

    fn sample() -> Vec<Session> {
        vec![
            session(Collector::Rtmp, "a", "10.1.2.3:5000", 30),
            session(Collector::Hls, "b", "viewer.example", 10),
            session(Collector::Rtmp, "c", "[2001:db8::1]:7000", 20),
            session(Collector::Srt, "d", "192.168.0.9:9", 40),
        ]
    }

    fn query(filters: &[&str]) -> SessionQuery {
        SessionQuery {
            filters: filters.iter().map(|f| f.parse().unwrap()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn default_order_is_collector_then_start() {
        let out = SessionQuery::default().apply(sample());
        assert_eq!(ids(&out), ["b", "c", "a", "d"]);
    }

    #[test]
    fn ids_that_are_numbers_sort_as_numbers() {
        let mut order = vec![
            "168347",
            "76952",
            "26099:out0",
            "4269:in0",
            "4269:in10",
            "4269:in2",
            "b",
            "a10",
            "a9",
            "007",
            "7",
            "",
        ];
        order.sort_by(|a, b| id_order(a, b));
        assert_eq!(
            order,
            [
                "",
                "007",
                "7",
                "4269:in0",
                "4269:in2",
                "4269:in10",
                "26099:out0",
                "76952",
                "168347",
                "a9",
                "a10",
                "b"
            ]
        );
        // Base-36 ids (SRS) are words, not numbers: their text order is their order.
        let mut srs = vec!["0000000a", "00000001", "0000000z", "00000010", "064sd658"];
        srs.sort_by(|a, b| id_order(a, b));
        assert_eq!(
            srs,
            ["00000001", "0000000a", "0000000z", "00000010", "064sd658"]
        );
        // The shortcut agrees with the walk.
        let mut seed = 0x853c_49e6_748f_ea9b_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut id = || -> String {
            let len = next() % 7;
            (0..len)
                .map(|_| b"0019ab:."[(next() % 8) as usize] as char)
                .collect()
        };
        for _ in 0..100_000 {
            let (a, b) = (id(), id());
            assert_eq!(
                id_order(&a, &b),
                id_walk(a.as_bytes(), b.as_bytes()),
                "{a} {b}"
            );
        }
        // A total order: equal only when the same text.
        assert_eq!(id_order("7", "7"), Ordering::Equal);
        assert_eq!(id_order("007", "7"), Ordering::Less);
        assert_eq!(id_order("7", "007"), Ordering::Greater);
        let mut rows = vec![
            session(Collector::Rtmp, "168347", "x", 0),
            session(Collector::Rtmp, "76952", "x", 0),
        ];
        for r in &mut rows {
            r.created_at = None;
        }
        assert_eq!(
            ids(&SessionQuery::default().apply(rows.clone())),
            ["76952", "168347"]
        );
        let by_id = SessionQuery {
            sort_by: Some(SortKey::Id),
            reverse: true,
            ..Default::default()
        };
        assert_eq!(ids(&by_id.apply(rows)), ["168347", "76952"]);
    }

    #[test]
    fn cidr_and_address_filters_match_the_host_part() {
        assert_eq!(ids(&query(&["remote=10.0.0.0/8"]).apply(sample())), ["a"]);
        assert_eq!(
            ids(&query(&["remote=2001:db8::/32"]).apply(sample())),
            ["c"]
        );
        assert_eq!(ids(&query(&["remote=192.168.0.9"]).apply(sample())), ["d"]);
        assert_eq!(
            ids(&query(&["remote!=10.0.0.0/8"]).apply(sample())),
            ["b", "c", "d"]
        );
        let err = "remote=10.0.0.0/33".parse::<Filter>().unwrap_err();
        assert!(err.contains("is not a network like 10.0.0.0/8"), "{err}");
        assert!("local=::1/129".parse::<Filter>().is_err());
    }

    #[test]
    fn text_filters_are_exact_or_glob_and_combine() {
        assert_eq!(ids(&query(&["collector=rtmp"]).apply(sample())), ["c", "a"]);
        assert_eq!(ids(&query(&["remote=viewer.*"]).apply(sample())), ["b"]);
        assert_eq!(ids(&query(&["remote=*example"]).apply(sample())), ["b"]);
        assert_eq!(
            ids(&query(&["collector=rtmp", "id!=a"]).apply(sample())),
            ["c"]
        );
        assert_eq!(ids(&query(&["extra=Lavf*"]).apply(sample())).len(), 4);
        assert!(query(&["id=zzz"]).apply(sample()).is_empty());
    }

    #[test]
    fn role_filters_match_what_the_server_said_and_unknown_matches_no_role() {
        let mut list = sample();
        list[0].role = Some(Role::Publisher);
        list[1].role = Some(Role::Player);
        list[2].role = Some(Role::Player);
        assert_eq!(
            ids(&query(&["role=player"]).apply(list.clone())),
            ["b", "c"]
        );
        assert_eq!(ids(&query(&["role=publisher"]).apply(list.clone())), ["a"]);
        assert_eq!(
            ids(&query(&["role!=publisher"]).apply(list)),
            ["b", "c", "d"]
        );
    }

    #[test]
    fn sort_reverse_and_limit() {
        let q = SessionQuery {
            sort_by: Some(SortKey::RxBytes),
            limit: Some(2),
            ..Default::default()
        };
        assert_eq!(ids(&q.apply(sample())), ["d", "a"]);
        let q = SessionQuery {
            sort_by: Some(SortKey::RxBytes),
            reverse: true,
            ..Default::default()
        };
        assert_eq!(ids(&q.apply(sample())), ["b", "c", "a", "d"]);
    }

    #[test]
    fn turning_round_is_sorting_the_other_way() {
        let mut rows = sample();
        rows[1].rx_bytes = None;
        rows[2].created_at = None;
        let keys = [
            None,
            Some(SortKey::RxBytes),
            Some(SortKey::Age),
            Some(SortKey::Id),
        ];
        for (sort_by, reverse) in keys.into_iter().flat_map(|k| [(k, false), (k, true)]) {
            let q = |reverse| SessionQuery {
                sort_by,
                reverse,
                ..SessionQuery::default()
            };
            let sorted = q(reverse).apply(rows.clone());
            let mut turned: Vec<usize> = (0..sorted.len()).collect();
            q(reverse).turn_round(&mut turned, |&i| &sorted[i]);
            let turned: Vec<Session> = turned.iter().map(|&i| sorted[i].clone()).collect();
            assert_eq!(
                ids(&turned),
                ids(&q(!reverse).apply(rows.clone())),
                "{sort_by:?} {reverse}"
            );
        }
    }

    #[test]
    fn unknown_values_sort_last_in_both_directions() {
        let mut rows = sample();
        rows[1].rx_bytes = None;
        rows[1].rx_bit_s = None;
        rows[2].created_at = None;
        for (key, reverse, want) in [
            (SortKey::RxBytes, false, ["d", "a", "c", "b"]),
            (SortKey::RxBytes, true, ["c", "a", "d", "b"]),
            (SortKey::RxRate, false, ["d", "a", "c", "b"]),
            (SortKey::RxRate, true, ["c", "a", "d", "b"]),
            (SortKey::Age, false, ["b", "a", "d", "c"]),
            (SortKey::Age, true, ["d", "a", "b", "c"]),
        ] {
            let q = SessionQuery {
                sort_by: Some(key),
                reverse,
                ..Default::default()
            };
            assert_eq!(
                ids(&q.apply(rows.clone())),
                want,
                "{key:?} reverse={reverse}"
            );
        }
    }

    #[test]
    fn bad_filters_say_what_is_valid() {
        assert_eq!(
            "bogus=1".parse::<Filter>().unwrap_err(),
            "unknown filter field 'bogus' (valid: collector, id, reference, local, remote, role, extra, extra.KEY, target, age, rx_rate, tx_rate, rx_bytes, tx_bytes)"
        );
        assert_eq!(
            "remote".parse::<Filter>().unwrap_err(),
            "'remote' is not FIELD=VALUE, FIELD!=VALUE or FIELD>NUMBER"
        );
        assert_eq!(
            "tx_rate>fast".parse::<Filter>().unwrap_err(),
            "'fast' is not a number like 500, 1.5k, 5M or 2G"
        );
        assert_eq!(
            "age>soon".parse::<Filter>().unwrap_err(),
            "'soon' is not a duration like 90s, 30m or 1h"
        );
        // Text has no order.
        assert!("remote>a".parse::<Filter>().is_err());
    }

    /// Rows with an `extra` object, rates in bit/s, bytes and ages.
    fn rich() -> Vec<Session> {
        let mut rows = sample();
        let extras = [
            json!({"role": "player", "userAgent": "VLC/3.0.20 LibVLC/3.0.20", "bitrate": 800}),
            json!({"role": "publisher", "userAgent": "Lavf/60.3.100", "bitrate": "2.5M"}),
            json!({"role": "player", "userAgent": "VLC/3.0.18"}),
            json!(null),
        ];
        let rates = [6e6, 5e6, 120_000.0, 4_999_999.0];
        let ages = [3600, 7200, 59, 3599];
        for (i, row) in rows.iter_mut().enumerate() {
            row.extra = extras[i].clone();
            row.tx_bit_s = Some(rates[i]);
            row.age_s = Some(ages[i]);
            row.tx_bytes = Some(rates[i] as u64 / 8);
        }
        rows
    }

    #[test]
    fn extra_keys_are_fields_with_globs() {
        let ids = |f: &[&str]| ids(&query(f).apply(rich())).join(",");
        assert_eq!(ids(&["extra.role=player"]), "c,a");
        assert_eq!(ids(&["extra.role!=player"]), "b,d");
        assert_eq!(ids(&["extra.userAgent=VLC*"]), "c,a");
        assert_eq!(ids(&["extra.userAgent=VLC/3.0.18"]), "c");
        assert_eq!(ids(&["extra.missing=x"]), "");
        assert_eq!(ids(&["extra.bitrate>1M"]), "b");
        assert_eq!(ids(&["extra.bitrate<=800"]), "a");
        // A value may hold `=`, `>` and `<`: the field ends at the first of them.
        assert_eq!(ids(&["extra.role=a=b>c"]), "");
    }

    #[test]
    fn numbers_compare_with_si_suffixes_and_durations() {
        let ids = |f: &[&str]| ids(&query(f).apply(rich())).join(",");
        assert_eq!(ids(&["tx_rate>5M"]), "a");
        assert_eq!(ids(&["tx_rate>=5M"]), "b,a");
        assert_eq!(ids(&["tx_rate<5M"]), "c,d");
        assert_eq!(ids(&["tx_rate<=120k"]), "c");
        assert_eq!(ids(&["tx_rate=5000000"]), "b");
        assert_eq!(ids(&["tx_bit_s!=5M"]), "c,a,d");
        assert_eq!(ids(&["tx_bytes>=625k"]), "b,a");
        assert_eq!(ids(&["age>1h"]), "b");
        assert_eq!(ids(&["age>=1h"]), "b,a");
        assert_eq!(ids(&["age<1m"]), "c");
        assert_eq!(ids(&["age>3599"]), "b,a");
        assert_eq!(ids(&["age>=1h", "tx_rate>5M"]), "a");
        // A value the server does not give matches no comparison.
        let mut rows = rich();
        rows[0].tx_bit_s = None;
        assert_eq!(ids_of(query(&["tx_rate>0"]).apply(rows)), "b,c,d");
    }

    fn ids_of(rows: Vec<Session>) -> String {
        ids(&rows).join(",")
    }

    #[test]
    fn a_target_filter_that_names_no_target_says_so() {
        let targets = ["core", "mtx", "ngx"];
        assert_eq!(
            query(&["target=mtx", "target!=ngx"]).unknown_target(&targets),
            None
        );
        assert_eq!(query(&["target=m*"]).unknown_target(&targets), None);
        assert_eq!(
            query(&["id=x", "target=nope"]).unknown_target(&targets),
            Some("no target named 'nope': the targets are core, mtx, ngx".into())
        );
        assert_eq!(
            query(&["target=st*"]).unknown_target(&targets),
            Some("no target matches 'st*': the targets are core, mtx, ngx".into())
        );
    }

    #[test]
    fn a_fleets_rows_group_by_target_and_filter_by_it() {
        let rows: Vec<(String, Session)> = ["b", "a", "b", "a"]
            .into_iter()
            .map(String::from)
            .zip(sample())
            .collect();
        let order = |q: &SessionQuery| {
            let got = q.apply_in(rows.clone(), |(_, s)| s, |(t, _)| Some(t));
            let got: Vec<String> = got.iter().map(|(t, s)| format!("{t}:{}", s.id)).collect();
            got.join(",")
        };
        assert_eq!(order(&SessionQuery::default()), "a:b,a:d,b:c,b:a");
        assert_eq!(order(&query(&["target=b"])), "b:c,b:a");
        let by_rx = SessionQuery {
            sort_by: Some(SortKey::RxBytes),
            ..Default::default()
        };
        assert_eq!(order(&by_rx), "a:d,b:a,b:c,a:b");
        let by_target = SessionQuery {
            sort_by: Some(SortKey::Target),
            reverse: true,
            ..Default::default()
        };
        assert_eq!(order(&by_target), "b:a,b:c,a:d,a:b");
    }

    #[test]
    fn glob_corner_cases() {
        assert!(glob_match("*", ""));
        assert!(glob_match("a*b*c", "aXbYc"));
        assert!(!glob_match("a*b*c", "aXcYb"));
        assert!(glob_match("ab", "ab"));
        assert!(!glob_match("a*a", "a"));
    }

    /// Fuzz crash (fuzz/ target `filter`): a pattern without `*` matched every longer text.
    #[test]
    fn fuzz_regression_glob_without_star_is_exact() {
        assert!(!glob_match("id!=\u{2}", "id!=\u{2}\0"));
        assert!(!glob_match("ab", "abc"));
        assert!(glob_match("ab*", "abc"));
    }
}
