//! Turns low-level network failures (refused, DNS, TLS, timeouts, resets) into one-line errors
//! with the right exit code and a hint; shared by every network source.

use std::error::Error as StdError;
use std::future::Future;
use std::io;
use std::time::Duration;

use reqwest::Url;
use rustls::CertificateError;

use crate::error::Error;

/// `host:port` as error messages name a server.
pub(crate) fn host_label(url: &Url) -> String {
    match (url.host_str(), url.port_or_known_default()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_owned(),
        _ => url.to_string(),
    }
}

/// Every error in `err`'s chain, including the payload of custom `io::Error`s, which
/// `io::Error::source` skips.
fn chain<'a>(err: &'a (dyn StdError + 'static)) -> Vec<&'a (dyn StdError + 'static)> {
    let mut out = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        out.push(e);
        next = match e.downcast_ref::<io::Error>().and_then(|io| io.get_ref()) {
            Some(inner) => Some(inner as &(dyn StdError + 'static)),
            None => e.source(),
        };
        if out.len() > 32 {
            break;
        }
    }
    out
}

/// The first error of type `T` in the chain.
pub(crate) fn find<'a, T: StdError + 'static>(err: &'a (dyn StdError + 'static)) -> Option<&'a T> {
    chain(err).into_iter().find_map(|e| e.downcast_ref::<T>())
}

/// The name in `host:port` (a name is what DNS did not know, not its port); an IPv6 address
/// in brackets or without a port stays whole.
fn name_of(host: &str) -> &str {
    match host.rsplit_once(':') {
        Some((name, port))
            if !name.contains(':')
                && !port.is_empty()
                && port.bytes().all(|b| b.is_ascii_digit()) =>
        {
            name
        }
        _ => host,
    }
}

/// A failure to set up the connection (before any request was sent): exit 3 with a hint.
pub(crate) fn connect_failure(err: &(dyn StdError + 'static), host: &str) -> Error {
    if let Some(tls) = find::<rustls::Error>(err) {
        return Error::Unreachable(tls_message(tls, host));
    }
    let links = chain(err);
    if links.iter().any(|e| e.to_string().starts_with("dns error")) {
        return Error::Unreachable(format!(
            "cannot resolve host '{}': check the name in --url",
            name_of(host)
        ));
    }
    if let Some(io) = find::<io::Error>(err) {
        let msg = match io.kind() {
            io::ErrorKind::ConnectionRefused => format!(
                "cannot connect to {host}: connection refused (is the server running on that port?)"
            ),
            io::ErrorKind::TimedOut => format!("cannot connect to {host}: timed out"),
            _ => format!("cannot connect to {host}: {io}"),
        };
        return Error::Unreachable(msg);
    }
    Error::Unreachable(format!("cannot connect to {host}: {}", innermost(err)))
}

fn tls_message(tls: &rustls::Error, host: &str) -> String {
    let fix =
        "pass --ca-cert FILE with the server's CA certificate, or --insecure to skip verification";
    match tls {
        rustls::Error::InvalidCertificate(cert) => match cert {
            CertificateError::UnknownIssuer => {
                format!("TLS: the certificate of {host} is not signed by a trusted CA: {fix}")
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                format!(
                    "TLS: the certificate of {host} is for another name: connect by the name on the certificate, or pass --insecure"
                )
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                format!("TLS: the certificate of {host} has expired: renew it, or pass --insecure")
            }
            other => format!("TLS: the certificate of {host} was rejected ({other:?}): {fix}"),
        },
        other => format!(
            "TLS handshake with {host} failed ({other}): does that port speak TLS? Try http:// or ws://, or {fix}"
        ),
    }
}

/// `--timeout` ran out before the server answered (exit 3).
pub(crate) fn timed_out(host: &str, timeout: Duration) -> Error {
    Error::Unreachable(format!(
        "{host} did not answer within {} (--timeout); is it overloaded, or is that the right port?",
        humantime::format_duration(timeout)
    ))
}

/// Runs `each` on every item in turn, all of them within one `timeout` (the kicks of one
/// server): once it has passed, what is left fails as timed out.
pub(crate) async fn each_within<'a, T, F, Fut>(
    timeout: Duration,
    host: &str,
    items: &'a [T],
    each: F,
) -> Vec<Result<(), Error>>
where
    F: Fn(&'a T) -> Fut,
    Fut: Future<Output = Result<(), Error>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let done = tokio::time::timeout_at(deadline, each(item)).await;
        out.push(done.unwrap_or_else(|_| Err(timed_out(host, timeout))));
    }
    out
}

/// The deepest message in the chain: usually the one that names the real cause. A library's
/// words, which may quote the server's: masked (`text::said`).
pub(crate) fn innermost(err: &(dyn StdError + 'static)) -> String {
    let words = chain(err)
        .last()
        .map_or_else(|| err.to_string(), |e| e.to_string());
    crate::mask::said(&words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_errors_hidden_inside_io_errors() {
        let tls = rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer);
        let wrapped = io::Error::new(io::ErrorKind::InvalidData, tls);
        let err = connect_failure(&wrapped, "hmi:2020");
        assert_eq!(err.exit_code(), 3);
        assert!(err.to_string().contains("--ca-cert"), "{err}");
    }

    #[derive(Debug, thiserror::Error)]
    #[error("dns error")]
    struct Dns(#[source] io::Error);

    #[test]
    fn dns_failures_point_at_the_host_name() {
        let err = Dns(io::Error::other("failed to lookup address information"));
        assert_eq!(
            connect_failure(&err, "core.invalid:8080").to_string(),
            "cannot resolve host 'core.invalid': check the name in --url"
        );
        assert_eq!(name_of("[::1]:80"), "[::1]:80");
        assert_eq!(name_of("::1"), "::1");
        assert_eq!(name_of("core"), "core");
    }

    #[test]
    fn refused_connections_say_so() {
        let io = io::Error::from(io::ErrorKind::ConnectionRefused);
        let err = connect_failure(&io, "127.0.0.1:9");
        assert_eq!(
            err.to_string(),
            "cannot connect to 127.0.0.1:9: connection refused (is the server running on that port?)"
        );
    }
}
