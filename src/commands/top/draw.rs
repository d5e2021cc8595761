//! One frame of `top`: two header lines, the body (the table, the details of a session or the
//! keys), and a status line. The table's rows are the lines `active` would print, fitted by the
//! same code to the width; only the rows on the screen are laid out.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Text};
use ratatui::widgets::{Paragraph, Sparkline};

use crate::model::Session;
use crate::render::{self, Look, Mark, OutputOptions, units};
use crate::text::escape;

use super::view::Row;
use super::{Mode, Top};

/// The keys, as `?` shows them.
pub(super) const HELP: &[&str] = &[
    "q, Ctrl-C     quit",
    "↑ ↓  j k      move the selection",
    "PgUp PgDn     move a screen",
    "g G           first, last session",
    "/             filter: text any column contains, or FIELD=VALUE as --filter;",
    "              Enter applies, Esc leaves it, Ctrl-U empties the line",
    "< >           sort by the column to the left, to the right",
    "I             reverse the order",
    "t             several targets: all, then one at a time",
    "Enter         the selected session's details",
    "Ctrl-K        disconnect the selected session (asks first)",
    "Esc           close this view, clear the filter",
    "?             these keys",
];

pub(super) fn frame(frame: &mut Frame<'_>, top: &mut Top) {
    let [head, body, status] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    frame.render_widget(Paragraph::new(header(top)), head);
    match &top.mode {
        Mode::Help => frame.render_widget(Paragraph::new(help()), body),
        Mode::Details => details(frame, top, body),
        _ => table(frame, top, body),
    }
    let line = Line::from(top.status()).style(Style::new().add_modifier(Modifier::REVERSED));
    frame.render_widget(Paragraph::new(line), status);
}

/// `targets · every 2s · last answer 04:50:12 UTC` and `N sessions (M shown) · rates · order`.
fn header(top: &Top) -> Text<'static> {
    let view = &top.view;
    let live = view
        .rows
        .iter()
        .filter(|r| r.mark != Mark::Gone && view.shows_target(r));
    let (count, rx, tx) = live.fold((0usize, 0.0, 0.0), |(n, rx, tx), r| {
        let s = &r.session;
        (
            n + 1,
            rx + s.rx_bit_s.unwrap_or(0.0),
            tx + s.tx_bit_s.unwrap_or(0.0),
        )
    });
    let last = top.last_answer.as_deref().unwrap_or("none yet");
    let targets = match &view.target {
        Some(shown) => {
            let at = top.labels.iter().position(|l| l == shown).unwrap_or(0);
            format!(
                "{} (target {} of {})",
                escape(shown),
                at + 1,
                top.labels.len()
            )
        }
        None => top.targets.clone(),
    };
    let first = format!(
        "{targets} · every {} · last answer {last}",
        humantime::format_duration(top.interval)
    );
    let plural = if count == 1 { "" } else { "s" };
    let order = if view.reverse { " reversed" } else { "" };
    let mut second = format!(
        "{count} session{plural} ({} shown) · rx {} · tx {} · sort {}{order}",
        view.shown.len(),
        units::rate(rx),
        units::rate(tx),
        view.sort_name(),
    );
    if !view.typed_text.is_empty() {
        second.push_str(&format!(" · filter {}", escape(&view.typed_text)));
    }
    Text::from(vec![Line::from(first), Line::from(second)])
}

fn help() -> Text<'static> {
    let mut lines = vec![Line::from("Keys (Esc closes):"), Line::from("")];
    lines.extend(HELP.iter().map(|l| Line::from(*l)));
    Text::from(lines)
}

/// The table: `active`'s columns fitted to the width, the selection in reverse video.
fn table(frame: &mut Frame<'_>, top: &mut Top, area: Rect) {
    let height = usize::from(area.height).saturating_sub(1);
    let range = top.view.visible(height);
    top.view.remember(range.clone());
    let view = &top.view;
    let rows: Vec<&Row> = view.shown[range.clone()]
        .iter()
        .map(|&i| &view.rows[i])
        .collect();
    let sessions: Vec<Session> = rows.iter().map(|r| r.session.clone()).collect();
    let labels: Vec<String> = rows.iter().map(|r| r.target.clone()).collect();
    let marks = |i: usize| rows.get(i).map_or(Mark::Plain, |r| r.mark);
    let mut opts: OutputOptions = top.output.clone();
    opts.width = Some(usize::from(area.width));
    opts.headers = true;
    let selected = view.cursor.checked_sub(range.start);
    let mut lines = Vec::with_capacity(rows.len() + 1);
    let mut at = 0usize;
    let written = render::session_lines(
        &sessions,
        (top.several && view.target.is_none()).then_some(labels.as_slice()),
        &marks,
        &opts,
        &mut |text, look| {
            let mut style = look_style(look, opts.color);
            if look != Look::Header {
                if Some(at) == selected {
                    style = style.add_modifier(Modifier::REVERSED);
                }
                at += 1;
            }
            lines.push(Line::from(text.to_string()).style(style));
            Ok(())
        },
    );
    if written.is_err() {
        lines.clear();
    }
    if view.shown.is_empty() {
        lines.push(Line::from(top.empty_note()));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn look_style(look: Look, color: bool) -> Style {
    match look {
        Look::Header => Style::new().add_modifier(Modifier::BOLD),
        Look::Row(Mark::New) if color => Style::new()
            .fg(ratatui::style::Color::Green)
            .add_modifier(Modifier::BOLD),
        Look::Row(Mark::Gone) if color => Style::new().add_modifier(Modifier::DIM),
        Look::Row(_) => Style::new(),
    }
}

/// Every field of the selected session with its exact value, and its recent rates.
fn details(frame: &mut Frame<'_>, top: &Top, area: Rect) {
    let Some(row) = top.view.current() else {
        frame.render_widget(Paragraph::new("No session selected (Esc)"), area);
        return;
    };
    let rates = top.view.rates(&row.key());
    let [fields, spark] = Layout::vertical([Constraint::Min(0), Constraint::Length(4)]).areas(area);
    frame.render_widget(Paragraph::new(fields_of(row, top.several)), fields);
    let most = rates.iter().copied().max().unwrap_or(0);
    let title = format!(
        "rx+tx over the last {} refreshes (most {}):",
        rates.len(),
        units::rate(most as f64)
    );
    let [label, chart] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(spark);
    frame.render_widget(Paragraph::new(title), label);
    frame.render_widget(Sparkline::default().data(&rates), chart);
}

/// `field: value` lines: numbers exact (bytes as counted), text escaped, `extra` as JSON.
fn fields_of(row: &Row, several: bool) -> Text<'static> {
    let s = &row.session;
    let number = |n: Option<u64>| n.map_or_else(|| "-".into(), |n| n.to_string());
    let rate = |r: Option<f64>| {
        r.map_or_else(|| "-".into(), |r| format!("{r} bit/s ({})", units::rate(r)))
    };
    let mut pairs = vec![
        ("collector", s.collector.as_str().to_string()),
        ("id", escape(&s.id).into_owned()),
        ("reference", escape(&s.reference).into_owned()),
        ("local", escape(&s.local).into_owned()),
        ("remote", escape(&s.remote).into_owned()),
        (
            "created_at",
            s.created_at.map_or_else(|| "-".into(), |t| t.to_string()),
        ),
        ("age", units::age(s.age_s)),
        ("rx_bytes", number(s.rx_bytes)),
        ("tx_bytes", number(s.tx_bytes)),
        ("rx_rate", rate(s.rx_bit_s)),
        ("tx_rate", rate(s.tx_bit_s)),
    ];
    if several {
        pairs.insert(0, ("target", escape(&row.target).into_owned()));
    }
    let mut lines: Vec<Line<'static>> = pairs
        .into_iter()
        .map(|(k, v)| Line::from(format!("{k:<11}{v}")))
        .collect();
    lines.push(Line::from("extra"));
    let extra = serde_json::to_string_pretty(&s.extra).unwrap_or_default();
    lines.extend(
        extra
            .lines()
            .map(|l| Line::from(format!("  {}", escape(l)))),
    );
    Text::from(lines)
}
