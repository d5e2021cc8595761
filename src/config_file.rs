//! The config file: where it lives, its TOML schema (named contexts and `current-context`), and
//! reading and rewriting it; `config::resolve` merges a context under flags and environment.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml_edit::{DocumentMut, Item, Table};

use crate::error::{Error, Result};
use crate::model::{ContextField, ContextRow};
use crate::output;
use crate::source::Kind;
use crate::source::Secret;

/// The whole file. Unknown keys are refused so a typo is an error, not a silent default.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConfigFile {
    #[serde(
        rename = "current-context",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub current_context: Option<String>,
    #[serde(default)]
    pub contexts: BTreeMap<String, Context>,
}

/// One named target. Field names are the TOML keys (see docs/contexts.md).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Context {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Kind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Run with `sh -c` only when a password is needed; its first output line is the password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_command: Option<String>,
    /// The name of an environment variable, not the password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_env: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_env: Option<String>,
    /// Literal secrets are accepted for hosts without a password manager, with a warning when
    /// the file is readable by others; `config set` never writes them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<Secret>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<Secret>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_cert: Option<PathBuf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insecure: Option<bool>,
    /// A humantime duration such as `5s`, checked when the context is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
    /// For the local collector (`rtmp=1935,1936`), passed on unchecked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub port_map: Vec<String>,
}

impl Context {
    /// Removes one key (`config unset`); an unknown key is a usage error listing the keys.
    pub(crate) fn unset(&mut self, key: &str) -> Result<()> {
        match key {
            "url" => self.url = None,
            "source" => self.source = None,
            "user" => self.user = None,
            "password_command" => self.password_command = None,
            "password_env" => self.password_env = None,
            "token_env" => self.token_env = None,
            "password" => self.password = None,
            "token" => self.token = None,
            "ca_cert" => self.ca_cert = None,
            "insecure" => self.insecure = None,
            "timeout" => self.timeout = None,
            "port_map" => self.port_map.clear(),
            other => {
                return Err(Error::Usage(format!(
                    "unknown key '{}' (keys: url, source, user, password_command, password_env, token_env, password, token, ca_cert, insecure, timeout, port_map)",
                    crate::text::escape(other)
                )));
            }
        }
        Ok(())
    }

    /// A password or token written into the file itself, or a password inside its `url`.
    pub(crate) fn holds_literal_secret(&self) -> bool {
        self.password.is_some()
            || self.token.is_some()
            || self.url.as_deref().is_some_and(|u| url_masked(u) != u)
    }

    /// The `url` as it may be shown: a password in it as `***`.
    fn shown_url(&self) -> Option<String> {
        self.url.as_deref().map(|u| url_masked(u).into_owned())
    }
}

/// `raw` with the password of its user information (`http://user:PASSWORD@host`) shown as
/// `***`, for every place a URL from the config file is printed. The user information ends at
/// the last `@` before the host's end, as a URL parser sees it; a text that is not a URL is
/// cut at its last `@` instead, so that an error about a bad URL never shows a password.
pub(crate) fn url_masked(raw: &str) -> Cow<'_, str> {
    let start = raw.find("://").map_or(0, |i| i + 3);
    let rest = &raw[start..];
    let parsed = reqwest::Url::parse(raw).ok().filter(|_| start > 0);
    if parsed.as_ref().is_some_and(|u| u.password().is_none()) {
        return Cow::Borrowed(raw);
    }
    let searched = match parsed {
        Some(_) => &rest[..rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len())],
        None => rest,
    };
    let Some(at) = searched.rfind('@') else {
        return Cow::Borrowed(raw);
    };
    match rest[..at].find(':') {
        Some(colon) => Cow::Owned(format!("{}***{}", &raw[..start + colon + 1], &rest[at..])),
        None => Cow::Borrowed(raw),
    }
}

/// What `config show` prints for a secret that is set.
pub(crate) const HIDDEN: &str = "(hidden)";

impl Context {
    /// Every key that is set, in file order; a literal password or token shows as `(hidden)`.
    pub(crate) fn fields(&self, name: &str) -> Vec<ContextField> {
        use serde_json::Value;
        let text = |v: &Option<String>| v.clone().map(Value::String);
        let hidden = |v: &Option<Secret>| v.as_ref().map(|_| Value::String(HIDDEN.into()));
        let hidden_text = |v: &Option<String>| v.as_ref().map(|_| Value::String(HIDDEN.into()));
        let source = self.source.and_then(|s| serde_json::to_value(s).ok());
        let entries = [
            ("name", Some(Value::String(name.to_string()))),
            ("url", text(&self.shown_url())),
            ("source", source),
            ("user", text(&self.user)),
            // A command line may hold a secret of its own (`curl -u admin:…`).
            ("password_command", hidden_text(&self.password_command)),
            ("password_env", text(&self.password_env)),
            ("password", hidden(&self.password)),
            ("token_env", text(&self.token_env)),
            ("token", hidden(&self.token)),
            (
                "ca_cert",
                self.ca_cert
                    .as_ref()
                    .map(|p| Value::String(p.display().to_string())),
            ),
            ("insecure", self.insecure.map(Value::Bool)),
            ("timeout", text(&self.timeout)),
            (
                "port_map",
                (!self.port_map.is_empty()).then(|| {
                    Value::Array(self.port_map.iter().cloned().map(Value::String).collect())
                }),
            ),
        ];
        entries
            .into_iter()
            .filter_map(|(key, value)| value.map(|value| ContextField { key, value }))
            .collect()
    }
}

/// A config file as loaded: its path (for messages and relative paths) and its content.
#[derive(Debug, Clone)]
pub(crate) struct Loaded {
    pub path: PathBuf,
    pub file: ConfigFile,
    /// The file's text as read: `save` edits it in place, so comments and layout survive.
    text: String,
    /// Whether the file exists; a missing default file is an empty config.
    pub exists: bool,
    /// Group or others may read it (mode & 0o044).
    pub readable_by_others: bool,
}

impl Loaded {
    /// `config list`: every context, sorted by name, the current one marked.
    pub(crate) fn rows(&self) -> Vec<ContextRow> {
        self.file
            .contexts
            .iter()
            .map(|(name, c)| ContextRow {
                current: self.file.current_context.as_deref() == Some(name.as_str()),
                name: name.clone(),
                url: c.shown_url(),
                source: c.source.map(Kind::name),
                user: c.user.clone(),
            })
            .collect()
    }

    /// The context of this name, or a usage error listing the known ones.
    pub(crate) fn context(&self, name: &str) -> Result<&Context> {
        self.file.contexts.get(name).ok_or_else(|| {
            Error::Usage(format!(
                "no context '{name}' in {}{}",
                self.path.display(),
                self.known()
            ))
        })
    }

    /// `" (known: a, b)"` or a hint how to create the first one.
    pub(crate) fn known(&self) -> String {
        if self.file.contexts.is_empty() {
            " (no contexts yet: add one with `sessions config set NAME --url URL`)".into()
        } else {
            let names: Vec<&str> = self.file.contexts.keys().map(String::as_str).collect();
            format!(" (known: {})", names.join(", "))
        }
    }

    /// A relative `ca_cert` is relative to the config file's folder, not to where cron runs.
    pub(crate) fn relative_to_file(&self, path: &Path) -> PathBuf {
        match self.path.parent() {
            Some(dir) if path.is_relative() => dir.join(path),
            _ => path.to_path_buf(),
        }
    }

    /// Writes the file atomically, mode 0600 (it may name password commands), creating its
    /// folder when needed with mode 0700, as the XDG base directory spec asks (a folder others
    /// can write makes the file refused).
    pub(crate) fn save(&self) -> Result<()> {
        use std::os::unix::fs::DirBuilderExt;
        let text = self.edited()?;
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .map_err(|e| Error::Usage(format!("cannot create {}: {e}", dir.display())))?;
        }
        output::write_file(&self.path, output::Kind::Private, |w| {
            w.write_all(text.as_bytes())
        })
    }
}

impl Loaded {
    /// The file's text with `file`'s values written into it: keys and contexts that changed are
    /// replaced, removed ones removed, and every comment, blank line and untouched key stays.
    fn edited(&self) -> Result<String> {
        let broken = |e: &dyn std::fmt::Display| {
            Error::Internal(format!("cannot write the config as TOML: {e}"))
        };
        let mut doc: DocumentMut = self.text.parse().map_err(|e| broken(&e))?;
        let fresh: DocumentMut = toml::to_string(&self.file)
            .map_err(|e| broken(&e))?
            .parse()
            .map_err(|e| broken(&e))?;
        match fresh.get("current-context") {
            Some(current) => {
                if doc.get("current-context").map(Item::to_string) != Some(current.to_string()) {
                    doc["current-context"] = current.clone();
                }
            }
            None => {
                doc.remove("current-context");
            }
        }
        let empty = Table::new();
        let wanted = fresh
            .get("contexts")
            .and_then(Item::as_table)
            .unwrap_or(&empty);
        let contexts = doc
            .entry("contexts")
            .or_insert_with(|| {
                let mut t = Table::new();
                t.set_implicit(true);
                Item::Table(t)
            })
            .as_table_mut()
            .ok_or_else(|| broken(&"`contexts` is not a table"))?;
        let gone: Vec<String> = contexts
            .iter()
            .map(|(name, _)| name.to_owned())
            .filter(|name| !wanted.contains_key(name))
            .collect();
        for name in gone {
            contexts.remove(&name);
        }
        for (name, new) in wanted.iter() {
            let Some(new) = new.as_table() else { continue };
            let old = contexts
                .entry(name)
                .or_insert_with(|| Item::Table(Table::new()))
                .as_table_mut()
                .ok_or_else(|| broken(&format_args!("context '{name}' is not a table")))?;
            edit_context(old, new);
        }
        Ok(doc.to_string())
    }
}

/// Writes `new`'s keys into `old`, leaving the comments and layout of unchanged values alone.
fn edit_context(old: &mut Table, new: &Table) {
    let removed: Vec<String> = old
        .iter()
        .map(|(k, _)| k.to_owned())
        .filter(|k| !new.contains_key(k))
        .collect();
    for key in removed {
        old.remove(&key);
    }
    for (key, value) in new.iter() {
        let same = old.get(key).is_some_and(|v| bare(v) == bare(value));
        if !same {
            old[key] = value.clone();
        }
    }
}

/// An item as text without its comments and spacing, to tell a changed value from a kept one.
fn bare(item: &Item) -> String {
    match item.as_value() {
        Some(value) => {
            let mut value = value.clone();
            value.decor_mut().clear();
            value.to_string()
        }
        None => item.to_string(),
    }
}

/// Where the config file is: `--config`/`SESSIONS_CONFIG` (must exist), else the XDG default.
/// `None` when there is no explicit file and neither XDG_CONFIG_HOME nor HOME is set.
pub(crate) fn locate(
    explicit: Option<&Path>,
    var: &dyn Fn(&str) -> Option<String>,
) -> Option<(PathBuf, bool)> {
    if let Some(path) = explicit {
        return Some((path.to_path_buf(), true));
    }
    let nonempty = |name: &str| var(name).filter(|v| !v.is_empty());
    let base = nonempty("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| nonempty("HOME").map(|h| Path::new(&h).join(".config")))?;
    Some((base.join("sessions").join("config.toml"), false))
}

/// Reads and parses the file. A missing file is an empty config unless it `must_exist` (an
/// explicit `--config` to read); an unreadable one or bad TOML is a usage error naming
/// file:line and what to fix.
pub(crate) fn load(path: PathBuf, must_exist: bool) -> Result<Loaded> {
    let shown = path.display().to_string();
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !must_exist => {
            return Ok(Loaded {
                path,
                file: ConfigFile::default(),
                text: String::new(),
                exists: false,
                readable_by_others: false,
            });
        }
        Err(e) => {
            return Err(Error::Usage(format!(
                "cannot read config file {shown}: {e}"
            )));
        }
    };
    let file = parse(&text, &shown)?;
    let readable_by_others = std::fs::metadata(&path)
        .map(|m| m.permissions().mode() & 0o044 != 0)
        .unwrap_or(false);
    Ok(Loaded {
        path,
        file,
        exists: true,
        text,
        readable_by_others,
    })
}

/// Parses the text of the config file; `shown` is its path for the message. Bad TOML or an
/// unknown key is a one-line usage error starting `FILE:LINE:COL: `.
pub(crate) fn parse(text: &str, shown: &str) -> Result<ConfigFile> {
    toml::from_str(text).map_err(|e| {
        let (line, col) = e.span().map_or((1, 1), |span| line_col(text, span.start));
        Error::Usage(format!(
            "{shown}:{line}:{col}: {}; fix the file (keys: current-context, [contexts.NAME] with url, source, user, password_command, password_env, token_env, ca_cert, insecure, timeout, port_map)",
            printable(e.message().trim_end())
        ))
    })
}

/// toml's message on one line of plain text: line breaks become spaces, other control
/// characters are escaped: a tab or ESC inside a quoted value or key would otherwise reach the
/// terminal through toml's "unknown variant" message.
fn printable(message: &str) -> String {
    crate::text::escape(&message.replace('\n', " ")).into_owned()
}

/// 1-based line and column of a byte offset, for error messages.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_contexts_and_refuses_typos_with_a_line_number() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(
            &path,
            "current-context = \"a\"\n[contexts.a]\nurl = \"http://h:1\"\nsource = \"datarhei\"\nport_map = [\"rtmp=1935,1936\"]\n",
        )
        .unwrap();
        let loaded = load(path.clone(), true).unwrap();
        assert_eq!(loaded.file.current_context.as_deref(), Some("a"));
        let a = loaded.context("a").unwrap();
        assert_eq!(a.url.as_deref(), Some("http://h:1"));
        assert_eq!(a.source, Some(Kind::Datarhei));
        assert_eq!(a.port_map, ["rtmp=1935,1936"]);
        let err = loaded.context("b").unwrap_err();
        assert!(err.to_string().ends_with("(known: a)"), "{err}");

        std::fs::write(&path, "[contexts.a]\nurl = \"x\"\nurll = \"y\"\n").unwrap();
        let err = load(path.clone(), true).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        let msg = err.to_string();
        assert!(
            msg.contains("config.toml:3:1: unknown field `urll`"),
            "{msg}"
        );
        assert_eq!(msg.lines().count(), 1);
    }

    #[test]
    fn fuzz_regression_errors_escape_control_characters() {
        let text = "[contexts.\"b c\"]\nsource = \"t[}\ti\"\nuser = \"u\"\npassword_env = \"P\"\ntoeen_env = \"T\"\nca_cert = \"ca.pem\"\ninsecure = true\ntimeout = \"5]\"\n";
        let msg = parse(text, "c.toml").unwrap_err().to_string();
        assert!(!msg.chars().any(char::is_control), "{msg:?}");
        assert!(
            msg.starts_with("c.toml:2:10: unknown source 't[}\\ti'"),
            "{msg}"
        );
    }

    #[test]
    fn literal_secrets_do_not_debug_print() {
        let file: ConfigFile =
            toml::from_str("[contexts.a]\npassword = \"hunter2\"\ntoken = \"tok-9\"\n").unwrap();
        let dump = format!("{file:?}");
        assert!(
            !dump.contains("hunter2") && !dump.contains("tok-9"),
            "{dump}"
        );
        assert!(file.contexts["a"].holds_literal_secret());
        assert_eq!(
            toml::to_string(&file).unwrap(),
            "[contexts.a]\npassword = \"hunter2\"\ntoken = \"tok-9\"\n"
        );
    }

    #[test]
    fn a_missing_default_file_is_empty_but_a_missing_explicit_one_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("none.toml");
        assert!(load(path.clone(), false).unwrap().file.contexts.is_empty());
        assert_eq!(load(path, true).unwrap_err().exit_code(), 2);
    }

    #[test]
    fn xdg_config_home_wins_over_home() {
        let vars = |name: &str| match name {
            "XDG_CONFIG_HOME" => Some("/x".to_string()),
            "HOME" => Some("/h".to_string()),
            _ => None,
        };
        assert_eq!(
            locate(None, &vars).unwrap().0,
            PathBuf::from("/x/sessions/config.toml")
        );
        let home_only = |name: &str| (name == "HOME").then(|| "/h".to_string());
        assert_eq!(
            locate(None, &home_only).unwrap().0,
            PathBuf::from("/h/.config/sessions/config.toml")
        );
        assert!(locate(None, &|_| None).is_none());
    }

    #[test]
    fn saving_round_trips_with_mode_0600() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("config.toml");
        let mut loaded = load(path.clone(), false).unwrap();
        loaded.file.current_context = Some("a".into());
        loaded.file.contexts.insert(
            "a".into(),
            Context {
                url: Some("ws://h:1/".into()),
                password_command: Some("pass show x".into()),
                ..Context::default()
            },
        );
        loaded.save().unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(load(path, true).unwrap().file, loaded.file);
    }

    #[test]
    fn a_password_in_a_url_is_masked_wherever_it_is_shown() {
        for (raw, shown) in [
            (
                "http://admin:s3cret@core:8080/x?a=b",
                "http://admin:***@core:8080/x?a=b",
            ),
            ("https://:s3cret@core", "https://:***@core"),
            ("ws://admin@hmi:1010/", "ws://admin@hmi:1010/"),
            ("http://core:8080/a@b:c", "http://core:8080/a@b:c"),
            ("http://core:8080/", "http://core:8080/"),
            // Not URLs: everything between the user and the last `@` is hidden.
            ("admin:s3cret@core", "admin:***@core"),
            ("http://admin:se/cr@et@", "http://admin:***@"),
        ] {
            assert_eq!(url_masked(raw), shown, "{raw}");
        }
        let file: ConfigFile = toml::from_str(
            "current-context = \"a\"\n[contexts.a]\nurl = \"http://admin:s3cret@core:8080\"\n",
        )
        .unwrap();
        let a = &file.contexts["a"];
        assert!(a.holds_literal_secret());
        assert_eq!(a.fields("a")[1].value, "http://admin:***@core:8080");
        let loaded = Loaded {
            path: PathBuf::from("c.toml"),
            file: file.clone(),
            text: String::new(),
            exists: true,
            readable_by_others: false,
        };
        assert_eq!(
            loaded.rows()[0].url.as_deref(),
            Some("http://admin:***@core:8080")
        );
    }
}
