//! The secrets this process holds (passwords and tokens, given or handed out by a server) in
//! every form a server may echo them (JSON- or URL-escaped, in Basic's base64), and a server's or
//! a library's words with them masked as `***` where a message quotes those words (`said`):
//! stderr, stdout (a kick's outcome) and the watch screen alike. The tool's own words are never
//! masked: a password `127` leaves `127.0.0.1` alone.

use std::borrow::Cow;
use std::fmt;
use std::sync::Mutex;

use crate::text::{QUOTED, brief, one_line};

/// Every form of every secret seen, longest first.
static SECRETS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Below this length a secret is masked only where it stands alone (not inside a word or a
/// number): a password `1` must not turn `code 4101` into `code 4***0***`.
pub(crate) const MASK_ANYWHERE: usize = 8;

/// Remembers a secret, so that no line on stderr shows it (in any of its `forms`).
pub(crate) fn keep_secret(secret: &str) {
    let Ok(mut known) = SECRETS.lock() else {
        return;
    };
    // A form of stars only would be rebuilt by the mask `***` itself, for ever.
    for form in forms(secret)
        .into_iter()
        .filter(|f| f.contains(|c| c != '*'))
    {
        if !known.contains(&form) {
            known.push(form);
        }
    }
    known.sort_by_key(|s| std::cmp::Reverse(s.len()));
}

/// A secret as given, and in the forms a server echoing it would use: JSON string escapes,
/// Rust/`{:?}` escapes, our own escaping, one line, percent-encoding.
pub(crate) fn forms(secret: &str) -> Vec<String> {
    if secret.is_empty() {
        return Vec::new();
    }
    let json = serde_json::to_string(secret).unwrap_or_default();
    let debug = format!("{secret:?}");
    let mut forms = vec![
        secret.to_owned(),
        strip_quotes(&json).to_owned(),
        strip_quotes(&debug).to_owned(),
        crate::text::escape(secret).into_owned(),
        crate::text::one_line(secret),
        percent_encoded(secret),
    ];
    forms.retain(|f| !f.is_empty());
    forms.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    forms.dedup();
    forms
}

fn strip_quotes(s: &str) -> &str {
    s.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(s)
}

/// Every byte but unreserved ones (RFC 3986) as `%XX`.
fn percent_encoded(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// `line` with each of `secrets` (longest first) replaced by `***`, until none is left: masking
/// one form can leave a copy of a short one standing alone.
/// Each round removes copies and `***` makes none (no form holds a `*`), so it ends.
pub(crate) fn mask_with<'a>(line: &'a str, secrets: &[String]) -> Cow<'a, str> {
    let mut out = Cow::Borrowed(line);
    loop {
        let mut changed = false;
        for secret in secrets {
            if out.contains(secret.as_str()) {
                let replaced = replace(&out, secret);
                if replaced != out {
                    out = Cow::Owned(replaced);
                    changed = true;
                }
            }
        }
        if !changed {
            return out;
        }
    }
}

fn replace(text: &str, secret: &str) -> String {
    if secret.chars().count() >= MASK_ANYWHERE {
        return text.replace(secret, "***");
    }
    // Until none is left alone: masking one copy of a run (`xx` in `xxx!`) leaves the next one
    // beside `***`.
    let mut out = text.to_owned();
    loop {
        let next = replace_alone(&out, secret);
        if next == out {
            return out;
        }
        out = next;
    }
}

/// Each copy of `secret` that stands alone (no letter or digit right before or after it).
fn replace_alone(text: &str, secret: &str) -> String {
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (at, _) in text.match_indices(secret) {
        let end = at + secret.len();
        if at < last || word(text[..at].chars().next_back()) || word(text[end..].chars().next()) {
            continue;
        }
        out.push_str(&text[last..at]);
        out.push_str("***");
        last = end;
    }
    out.push_str(&text[last..]);
    out
}

/// A server's or a library's words with every secret the process knows replaced by `***`.
/// Only words from outside go through it, where they are quoted (`text::said`): masking a
/// whole line would rewrite the tool's own words too (`login as '***'` for a user and password
/// `admin`).
pub(crate) fn masked(words: &str) -> Cow<'_, str> {
    match SECRETS.lock() {
        Ok(known) => mask_with(words, &known),
        // A panic elsewhere poisoned the registry: the words go whole rather than unmasked.
        Err(_) => Cow::Borrowed("***"),
    }
}

/// A server's or a library's words as a message quotes them: every secret the process knows
/// masked (`masked`), then one line. The one door for words from outside into a message,
/// so that stderr, stdout (a kick's outcome) and the watch screen show the same masked words,
/// and the tool's own words around them are never masked.
pub(crate) fn said(words: &str) -> String {
    one_line(&masked(words))
}

/// A parser's message (which may quote a server's text) as `said` words, at most about
/// `QUOTED` bytes of it.
pub(crate) fn quoted(what: &dyn fmt::Display) -> String {
    said(&brief(what, QUOTED))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `line` masked with every secret the process keeps, as `emit` masks it.
    fn mask(line: &str) -> Cow<'_, str> {
        mask_with(line, &SECRETS.lock().unwrap())
    }

    #[test]
    fn secrets_are_masked_in_every_form_a_server_may_echo() {
        keep_secret("s3cr\"et/pa\u{1b}ss");
        keep_secret("1");
        let said = concat!(
            "raw s3cr\"et/pa\u{1b}ss, json s3cr\\\"et/pa\\u001bss, ",
            "debug s3cr\\\"et/pa\\u{1b}ss, url s3cr%22et%2Fpa%1Bss"
        );
        assert_eq!(mask(said), "raw ***, json ***, debug ***, url ***");
        // A short secret only where it stands alone.
        assert_eq!(
            mask("code 4101: '1' is wrong (1)"),
            "code 4101: '***' is wrong (***)"
        );
        assert!(matches!(mask("nothing here"), Cow::Borrowed(_)));
    }

    #[test]
    fn a_secret_of_stars_is_not_rebuilt_by_the_mask() {
        keep_secret("**");
        keep_secret("x**");
        assert_eq!(masked("a ** b *** x**"), "a ** b *** ***");
    }

    #[test]
    fn fuzz_regression_short_forms_are_masked_until_none_stands_alone() {
        // The one-line form of a long secret of control characters is short: `1`.
        let long = forms("1\0\0\0\0\0\0\0\0");
        assert!(long.contains(&"1".to_string()));
        assert_eq!(mask_with("c1 code 4101 '1'", &long), "c1 code 4101 '***'");
        // A run of copies: masking the last one leaves the one before it alone, and so on.
        let run = forms("r\u{fffd}");
        assert_eq!(
            mask_with("r\u{fffd}r\u{fffd}r\u{fffd}{", &run),
            "*********{"
        );
        // Across forms: masking `\0` (Rust's form of NUL) leaves `%00` (its URL form) alone.
        assert_eq!(mask_with("\\0%00!", &forms("\0")), "******!");
    }
}
