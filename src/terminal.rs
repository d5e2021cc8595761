//! The size of the terminal stdout shows on: `COLUMNS`/`LINES` when set, else the kernel's
//! window size; 0 from either means "unknown" (some containers, `script`, CI consoles say 0).

/// Columns and lines, each `None` when unknown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Size {
    pub columns: Option<usize>,
    pub lines: Option<usize>,
}

/// The size now: an environment variable beats the window size (as clap and Python read them),
/// so `COLUMNS=100 sessions …` fits 100 columns. `var` is the environment (tests pass their own).
pub(crate) fn size(var: &dyn Fn(&str) -> Option<String>) -> Size {
    let window = rustix::termios::tcgetwinsize(std::io::stdout()).ok();
    Size {
        columns: positive(var("COLUMNS")).or(window.and_then(|w| known(w.ws_col))),
        lines: positive(var("LINES")).or(window.and_then(|w| known(w.ws_row))),
    }
}

fn positive(text: Option<String>) -> Option<usize> {
    text?.trim().parse().ok().filter(|n| *n > 0)
}

fn known(n: u16) -> Option<usize> {
    (n > 0).then_some(usize::from(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_and_nonsense_are_unknown() {
        assert_eq!(positive(Some("120".into())), Some(120));
        assert_eq!(positive(Some(" 80\n".into())), Some(80));
        assert_eq!(positive(Some("0".into())), None);
        assert_eq!(positive(Some("wide".into())), None);
        assert_eq!(positive(None), None);
        assert_eq!(known(0), None);
        assert_eq!(known(200), Some(200));
    }

    #[test]
    fn the_environment_beats_the_window() {
        let env = |name: &str| (name == "COLUMNS").then(|| "123".to_string());
        assert_eq!(size(&env).columns, Some(123));
    }
}
