//! How a table meets the terminal's width, as gh does: free text (LOCAL, REFERENCE, EXTRA…) is
//! shortened with `…` first; when that is not enough, whole columns are left out, least important
//! first, in the fixed order below (docs/tables.md). Ids, addresses and numbers are never cut.

/// What the table knows about one kind of row, by column `name` (the JSON field name).
pub(super) struct Fit {
    /// Right-aligned.
    pub numbers: &'static [&'static str],
    /// Free text: shortened before any column is left out.
    pub free: &'static [&'static str],
    /// Left out in this order while the rest does not fit; a column not named here always stays.
    pub drop: &'static [&'static str],
}

impl Fit {
    pub(super) fn is_number(&self, name: &str) -> bool {
        self.numbers.contains(&family(name))
    }

    pub(super) fn is_free(&self, name: &str) -> bool {
        self.free.contains(&family(name))
    }

    pub(super) fn drop_rank(&self, name: &str) -> Option<usize> {
        self.drop.iter().position(|d| *d == family(name))
    }
}

/// The name a column fits by: a key of `extra` (`--columns extra.KEY`) as `extra` itself, free
/// text shortened and left out first, so that a long user agent cannot push a row off the screen.
fn family(name: &str) -> &str {
    if name.starts_with("extra.") {
        "extra"
    } else {
        name
    }
}

/// At 80 columns a datarhei Core table keeps COLLECTOR, ID, REMOTE and both rates.
pub(super) const SESSION: Fit = Fit {
    numbers: &["age_s", "rx_bit_s", "tx_bit_s", "rx_bytes", "tx_bytes"],
    free: &["reference", "local", "extra"],
    drop: &[
        "extra",
        "created_at",
        "tx_bytes",
        "rx_bytes",
        "age_s",
        "reference",
        "local",
        "role",
        // Viewers outnumber publishers: what they are sent is the rate to keep longest.
        "rx_bit_s",
        "tx_bit_s",
        "remote",
    ],
};

/// At 80 columns a finished session keeps COLLECTOR, ID, REMOTE, CLOSED and DURATION.
pub(super) const ENDED: Fit = Fit {
    numbers: &[
        "duration_s",
        "rx_bytes",
        "tx_bytes",
        "rx_peak_bit_s",
        "tx_peak_bit_s",
    ],
    free: &["reference", "local", "extra"],
    drop: &[
        "extra",
        "created_at",
        "rx_peak_bit_s",
        "tx_peak_bit_s",
        "local",
        "role",
        "rx_bytes",
        "reference",
        "tx_bytes",
        "remote",
    ],
};

pub(super) const INTERVAL: Fit = Fit {
    numbers: &["peak", "started", "ended", "rx_bytes", "tx_bytes"],
    free: &["reference"],
    drop: &[
        "to",
        "tx_bytes",
        "rx_bytes",
        "ended",
        "started",
        "bar",
        "reference",
    ],
};

pub(super) const WINDOW: Fit = Fit {
    numbers: &[
        "finished",
        "unique_remotes",
        "viewer_hours",
        "peak",
        "rx_bytes",
        "tx_bytes",
    ],
    free: &["collector"],
    drop: &["to", "from", "rx_bytes", "unique_remotes", "viewer_hours"],
};

pub(super) const SUMMARY: Fit = Fit {
    numbers: &[
        "active_sessions",
        "rx_bit_s",
        "tx_bit_s",
        "limit_sessions",
        "limit_rx_mibit_s",
        "limit_tx_mibit_s",
        "finished_sessions",
        "finished_rx_mib",
        "finished_tx_mib",
    ],
    free: &[],
    // History before the limits: a limit is what the current rates are read against.
    drop: &[
        "limit_rx_mibit_s",
        "finished_tx_mib",
        "finished_rx_mib",
        "finished_sessions",
        "limit_sessions",
        "limit_tx_mibit_s",
        "tx_bit_s",
        "rx_bit_s",
    ],
};

pub(super) const BREAKDOWN: Fit = Fit {
    numbers: &["sessions", "rx_mib", "tx_mib", "rx_bit_s", "tx_bit_s"],
    free: &[],
    // What has moved goes before what moves now.
    drop: &["tx_mib", "rx_mib", "rx_bit_s", "tx_bit_s"],
};

pub(super) const HMI_SUMMARY: Fit = Fit {
    numbers: &[
        "connections",
        "sessions",
        "users",
        "clients",
        "subscriptions",
        "requests_in_progress",
    ],
    free: &[],
    drop: &[
        "requests_in_progress",
        "subscriptions",
        "clients",
        "users",
        "sessions",
    ],
};

pub(super) const CLIENT: Fit = Fit {
    numbers: &[],
    free: &["commands"],
    drop: &["commands", "user"],
};

pub(super) const SUBSCRIPTION: Fit = Fit {
    numbers: &[
        "id",
        "interval_ms",
        "client_count",
        "json_length_bytes",
        "average_duration_s",
    ],
    free: &["symbols"],
    drop: &[
        "average_duration_s",
        "json_length_bytes",
        "type",
        "interval_ms",
        "client_count",
    ],
};

pub(super) const CONTEXT: Fit = Fit {
    numbers: &[],
    free: &[],
    drop: &["user", "source"],
};

pub(super) const CONTEXT_FIELD: Fit = Fit {
    numbers: &[],
    free: &["value"],
    drop: &[],
};

/// One column as the plan sees it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Want {
    /// Its widest cell or title.
    pub natural: usize,
    /// The narrowest it may become: `natural` unless it is free text.
    pub least: usize,
    /// Its place in the order columns are left out; `None`: it always stays.
    pub drop: Option<usize>,
    /// Every cell empty or `-`: it carries nothing, so it goes before any other.
    pub blank: bool,
}

/// Each column's width, `None` for one left out, so that a row with `gap` between columns fits
/// `width`: natural widths when they fit; else free text shortened, then columns left out in
/// their order until the least widths fit, the room left shared among the shortened columns.
/// When even the columns that always stay are wider than `width`, they run past it.
pub(super) fn plan(wants: &[Want], gap: usize, width: usize) -> Vec<Option<usize>> {
    let line = |widths: &mut dyn Iterator<Item = usize>| {
        let (sum, count) = widths.fold((0, 0usize), |(s, c), w| (s + w, c + 1));
        sum + gap * count.saturating_sub(1)
    };
    if line(&mut wants.iter().map(|w| w.natural)) <= width {
        return wants.iter().map(|w| Some(w.natural)).collect();
    }
    let mut order: Vec<usize> = (0..wants.len())
        .filter(|&i| wants[i].drop.is_some() || wants[i].blank)
        .collect();
    order.sort_by_key(|&i| (!wants[i].blank, wants[i].drop));
    for left_out in 0..=order.len() {
        let gone = &order[..left_out];
        let mut widths: Vec<Option<usize>> = (0..wants.len())
            .map(|i| (!gone.contains(&i)).then_some(wants[i].least))
            .collect();
        let least = line(&mut widths.iter().flatten().copied());
        if least <= width || left_out == order.len() {
            share(&mut widths, wants, width.saturating_sub(least));
            return widths;
        }
    }
    wants.iter().map(|w| Some(w.natural)).collect()
}

/// Gives `spare` columns to the shortened columns, fairly: each gets an equal part, up to its
/// natural width, what one does not need goes to the others.
fn share(widths: &mut [Option<usize>], wants: &[Want], mut spare: usize) {
    let mut short: Vec<usize> = (0..wants.len())
        .filter(|&i| widths[i].is_some() && wants[i].natural > wants[i].least)
        .collect();
    short.sort_by_key(|&i| wants[i].natural - wants[i].least);
    for (done, &i) in short.iter().enumerate() {
        let part = spare / (short.len() - done);
        let add = part.min(wants[i].natural - wants[i].least);
        if let Some(w) = widths[i].as_mut() {
            *w += add;
        }
        spare -= add;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(natural: usize, drop: Option<usize>) -> Want {
        Want {
            natural,
            least: natural,
            drop,
            blank: false,
        }
    }

    fn free(natural: usize, least: usize, drop: Option<usize>) -> Want {
        Want {
            natural,
            least,
            drop,
            blank: false,
        }
    }

    #[test]
    fn natural_widths_when_they_fit() {
        let wants = [fixed(10, None), free(20, 10, Some(0))];
        assert_eq!(plan(&wants, 2, 32), [Some(10), Some(20)]);
        assert_eq!(plan(&wants, 2, 500), [Some(10), Some(20)]);
    }

    #[test]
    fn free_text_is_shortened_before_anything_is_left_out() {
        let wants = [fixed(10, None), free(20, 10, Some(1)), fixed(5, Some(0))];
        // 10 + 2 + 20 + 2 + 5 = 39; at 35 the free column gives 4.
        assert_eq!(plan(&wants, 2, 35), [Some(10), Some(16), Some(5)]);
        // At 28 it is at its least (10): 29 is still too wide, so the first in order goes.
        assert_eq!(plan(&wants, 2, 28), [Some(10), Some(16), None]);
    }

    #[test]
    fn columns_go_in_their_order_and_the_room_left_is_shared_fairly() {
        let wants = [
            fixed(9, None),
            free(30, 10, Some(2)),
            free(12, 10, Some(3)),
            fixed(12, Some(1)),
            fixed(8, Some(0)),
        ];
        // Least: 9 + 10 + 10 + 12 + 8 + 8 gaps = 57; without rank 0: 49.
        // 9 spare: the short one takes the 2 it lacks, the long one the other 7.
        assert_eq!(
            plan(&wants, 2, 56),
            [Some(9), Some(17), Some(12), Some(12), None]
        );
        // Without ranks 0 and 1: 9 + 10 + 10 + 4 = 33, 7 spare.
        assert_eq!(
            plan(&wants, 2, 40),
            [Some(9), Some(15), Some(12), None, None]
        );
        assert_eq!(plan(&wants, 2, 21), [Some(9), None, Some(10), None, None]);
    }

    #[test]
    fn blank_columns_go_first_even_those_that_would_stay() {
        let blank = |natural, drop| Want {
            blank: true,
            ..fixed(natural, drop)
        };
        let wants = [
            fixed(9, None),
            blank(7, None),
            fixed(8, Some(0)),
            blank(7, Some(1)),
        ];
        assert_eq!(plan(&wants, 2, 40), [Some(9), Some(7), Some(8), Some(7)]);
        // 37 wide: the blank columns go in their places, the rest stays.
        assert_eq!(plan(&wants, 2, 30), [Some(9), None, Some(8), Some(7)]);
        assert_eq!(plan(&wants, 2, 20), [Some(9), None, Some(8), None]);
        assert_eq!(plan(&wants, 2, 10), [Some(9), None, None, None]);
    }

    #[test]
    fn what_always_stays_runs_past_a_narrow_terminal() {
        let wants = [fixed(9, None), fixed(22, None), free(30, 10, Some(0))];
        assert_eq!(plan(&wants, 2, 20), [Some(9), Some(22), None]);
    }
}
