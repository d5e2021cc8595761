//! The one error type of `sessions`, and the stable exit code each kind maps to (README.md,
//! "Exit codes").

use std::fmt::Display;
use std::io;
use std::sync::Arc;

/// Every failure the tool can report. Each message is one line, says what failed and what to try,
/// and never contains a password or a token. `Clone`, so a target that failed to open can fail
/// every round of a watch with the same error.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// A bad flag, an unknown collector, a subcommand the source cannot answer.
    #[error("{0}")]
    Usage(String),
    /// Connection refused, DNS, TLS handshake or verification, or `--timeout` expired.
    #[error("{0}")]
    Unreachable(String),
    /// The server answered something we cannot use.
    #[error("{0}")]
    BadReply(String),
    /// Credentials or permissions were refused.
    #[error("{0}")]
    Auth(String),
    /// Some targets or collectors failed; what worked was printed.
    #[error("{0}")]
    Partial(String),
    /// Writing the output failed (a closed pipe is not an error: see `exit_code`).
    #[error("cannot write output: {0}")]
    Output(#[source] Arc<io::Error>),
    /// A bug or an environment problem of our own.
    #[error("{0}")]
    Internal(String),
}

impl Error {
    pub fn output(e: io::Error) -> Error {
        Error::Output(Arc::new(e))
    }

    /// The same kind of error, its message prefixed with what it is about (`context 'a': `).
    pub fn context(self, what: impl Display) -> Error {
        match self {
            Error::Usage(m) => Error::Usage(format!("{what}{m}")),
            Error::Unreachable(m) => Error::Unreachable(format!("{what}{m}")),
            Error::BadReply(m) => Error::BadReply(format!("{what}{m}")),
            Error::Auth(m) => Error::Auth(format!("{what}{m}")),
            Error::Partial(m) => Error::Partial(format!("{what}{m}")),
            Error::Internal(m) => Error::Internal(format!("{what}{m}")),
            Error::Output(e) => Error::Output(e),
        }
    }

    /// The same kind of error, with a hint appended (`; this looks like SRS: …`).
    pub fn hint(self, tail: impl Display) -> Error {
        match self {
            Error::Usage(m) => Error::Usage(format!("{m}{tail}")),
            Error::Unreachable(m) => Error::Unreachable(format!("{m}{tail}")),
            Error::BadReply(m) => Error::BadReply(format!("{m}{tail}")),
            Error::Auth(m) => Error::Auth(format!("{m}{tail}")),
            Error::Partial(m) => Error::Partial(format!("{m}{tail}")),
            Error::Internal(m) => Error::Internal(format!("{m}{tail}")),
            Error::Output(e) => Error::Output(e),
        }
    }

    /// The documented, never renumbered exit code.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Output(e) if e.kind() == io::ErrorKind::BrokenPipe => 0,
            Error::Internal(_) | Error::Output(_) => 1,
            Error::Usage(_) => 2,
            Error::Unreachable(_) => 3,
            Error::BadReply(_) => 4,
            Error::Auth(_) => 5,
            Error::Partial(_) => 7,
        }
    }

    /// Whether anything should be printed for this error (a closed pipe ends quietly).
    pub fn is_silent(&self) -> bool {
        matches!(self, Error::Output(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}

pub(crate) type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_stable() {
        let cases = [
            (Error::Internal("x".into()), 1),
            (Error::output(io::Error::other("disk full")), 1),
            (Error::Usage("x".into()), 2),
            (Error::Unreachable("x".into()), 3),
            (Error::BadReply("x".into()), 4),
            (Error::Auth("x".into()), 5),
            (Error::Partial("x".into()), 7),
            (Error::output(io::Error::from(io::ErrorKind::BrokenPipe)), 0),
        ];
        for (err, code) in cases {
            assert_eq!(err.exit_code(), code, "{err:?}");
        }
    }

    #[test]
    fn only_a_closed_pipe_is_silent() {
        assert!(Error::output(io::Error::from(io::ErrorKind::BrokenPipe)).is_silent());
        assert!(!Error::output(io::Error::other("disk full")).is_silent());
        assert!(!Error::BadReply("x".into()).is_silent());
    }

    #[test]
    fn context_keeps_the_kind_and_prefixes_the_message() {
        let e = Error::Auth("refused".into()).context("context 'a': ");
        assert_eq!(
            (e.exit_code(), e.to_string()),
            (5, "context 'a': refused".into())
        );
        let e = Error::output(io::Error::other("full")).context("x: ");
        assert_eq!(e.to_string(), "cannot write output: full");
    }
}
