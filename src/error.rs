//! The one error type of `sessions`, and the stable exit code each kind maps to (see README).

use std::io;

/// Every failure the tool can report. Each message is one line, says what failed and what to try,
/// and never contains a password or a token.
#[derive(Debug, thiserror::Error)]
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
    Output(#[source] io::Error),
    /// A bug or an environment problem of our own.
    #[error("{0}")]
    Internal(String),
}

impl Error {
    /// The documented, never renumbered exit code.
    pub fn exit_code(&self) -> i32 {
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

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_stable() {
        let cases = [
            (Error::Internal("x".into()), 1),
            (Error::Output(io::Error::other("disk full")), 1),
            (Error::Usage("x".into()), 2),
            (Error::Unreachable("x".into()), 3),
            (Error::BadReply("x".into()), 4),
            (Error::Auth("x".into()), 5),
            (Error::Partial("x".into()), 7),
            (Error::Output(io::Error::from(io::ErrorKind::BrokenPipe)), 0),
        ];
        for (err, code) in cases {
            assert_eq!(err.exit_code(), code, "{err:?}");
        }
    }

    #[test]
    fn only_a_closed_pipe_is_silent() {
        assert!(Error::Output(io::Error::from(io::ErrorKind::BrokenPipe)).is_silent());
        assert!(!Error::Output(io::Error::other("disk full")).is_silent());
        assert!(!Error::BadReply("x".into()).is_silent());
    }
}
