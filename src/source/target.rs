//! What a source needs to connect, and nothing about where it came from: a server's kind, URL,
//! credentials and network bounds, or this machine with the local collector's options.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use reqwest::Url;

use super::Kind;
use super::local::LocalOptions;
use crate::mask;

/// One place to ask.
#[derive(Debug, Clone)]
pub(crate) enum Target {
    Server(Server),
    /// This machine, looked at as the command's options say.
    Local(LocalOptions),
}

/// A server `sessions` reaches over the network.
#[derive(Debug, Clone)]
pub(crate) struct Server {
    /// Never `Kind::Local`: the resolver builds a `Target::Local` for this machine.
    pub kind: Kind,
    /// Whether `--source` or the context's `source` named the kind, rather than the URL's
    /// scheme: only a guessed kind is worth checking against what the server answers.
    pub kind_given: bool,
    pub url: Url,
    pub credentials: Credentials,
    pub net: NetOptions,
    /// `summary --sample`: the window between two looks of a server that counts bytes but
    /// writes no rates (Icecast 2.4); zero for one look.
    pub sample: Duration,
}

/// How to reach a server safely and within bounds.
#[derive(Debug, Clone)]
pub(crate) struct NetOptions {
    pub timeout: Duration,
    pub insecure: bool,
    pub ca_cert: Option<PathBuf>,
    pub max_body_size: u64,
}

/// Who we are towards the server.
#[derive(Debug, Clone, Default)]
pub(crate) struct Credentials {
    pub user: Option<String>,
    pub password: Option<Secret>,
    pub token: Option<Secret>,
}

/// A password or token: never printed, not even by `{:?}`, and masked on stderr wherever a
/// server echoes it (`mask::keep_secret`).
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(String);

impl Secret {
    pub(crate) fn new(s: impl Into<String>) -> Self {
        let s = s.into();
        mask::keep_secret(&s);
        Secret(s)
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

/// Read from a config file's literal `password`/`token`.
impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        String::deserialize(d).map(Secret::new)
    }
}

/// Written back only so that `config set` keeps a literal secret when it rewrites the file;
/// nothing that prints serializes a `Secret`.
impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}
