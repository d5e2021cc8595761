//! Which `Host` a request to `collect --listen` may name. A web page that rebinds its own DNS
//! name to this machine's address reaches the listener from the user's browser, but its requests
//! carry that name: answering only the names of this listener (and those the operator lists)
//! closes that door, as exporters and development servers do.

use std::net::{IpAddr, SocketAddr};

/// The names a request may give as its `Host` (ports are not compared: a port forward or a
/// container's port map changes the port, and a rebinding page cannot choose its host name).
pub(super) struct Hosts {
    listen: IpAddr,
    /// Lowercase, without a trailing dot or a port: `--allow-host` and this machine's hostname.
    names: Vec<String>,
}

impl Hosts {
    pub(super) fn new(listen: SocketAddr, allowed: &[String], hostname: Option<&str>) -> Hosts {
        let names = allowed
            .iter()
            .map(String::as_str)
            .chain(hostname)
            .map(|n| normal(host_part(n)))
            .filter(|n| !n.is_empty())
            .collect();
        Hosts {
            listen: listen.ip(),
            names,
        }
    }

    /// Whether `authority` (a Host header's value, or the authority of an absolute URI) names
    /// this listener: its IP (any IP literal when it listens on all addresses), `localhost`
    /// when it listens on loopback or on all addresses, or one of the allowed names.
    pub(super) fn allows(&self, authority: &str) -> bool {
        let host = host_part(authority);
        if let Ok(ip) = host.parse::<IpAddr>() {
            return self.listen.is_unspecified() || ip == self.listen;
        }
        let name = normal(host);
        if name == "localhost" && (self.listen.is_loopback() || self.listen.is_unspecified()) {
            return true;
        }
        self.names.contains(&name)
    }
}

/// This machine's hostname, as the kernel has it.
pub(super) fn hostname() -> Option<String> {
    let name = std::fs::read_to_string("/proc/sys/kernel/hostname").ok()?;
    Some(name.trim().to_owned()).filter(|n| !n.is_empty())
}

/// The host of `host[:port]`, `[v6][:port]` or a bare IPv6 literal.
fn host_part(authority: &str) -> &str {
    let a = authority.trim();
    if let Some(rest) = a.strip_prefix('[') {
        return rest.split_once(']').map_or(rest, |(ip, _)| ip);
    }
    if a.parse::<IpAddr>().is_ok() {
        return a;
    }
    match a.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => a,
    }
}

fn normal(name: &str) -> String {
    name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(listen: &str) -> Hosts {
        Hosts::new(
            listen.parse().unwrap(),
            &["Metrics.Example.org".into(), "proxy:443".into()],
            Some("encoder-01"),
        )
    }

    #[test]
    fn only_names_of_the_listener_are_answered() {
        let lo = hosts("127.0.0.1:8787");
        for ok in [
            "127.0.0.1",
            "127.0.0.1:8787",
            "127.0.0.1:9000",
            "localhost",
            "LOCALHOST:8787",
            "localhost.",
            "metrics.example.org:80",
            "proxy",
            "encoder-01:8787",
        ] {
            assert!(lo.allows(ok), "{ok}");
        }
        for refused in [
            "evil.example",
            "evil.example:8787",
            "127.0.0.2",
            "10.0.0.5:8787",
            "localhost.evil.example",
            "encoder-01.evil.example",
            "",
            "[::1]:8787",
        ] {
            assert!(!lo.allows(refused), "{refused}");
        }
        let v6 = hosts("[::1]:8787");
        assert!(v6.allows("[::1]:8787") && v6.allows("[::1]") && v6.allows("::1"));
        assert!(v6.allows("localhost") && !v6.allows("127.0.0.1"));
        let any = hosts("0.0.0.0:8787");
        assert!(any.allows("192.0.2.7:8787") && any.allows("[2001:db8::1]:80"));
        assert!(any.allows("localhost") && !any.allows("evil.example"));
        let lan = hosts("192.0.2.7:8787");
        assert!(lan.allows("192.0.2.7") && !lan.allows("localhost") && !lan.allows("127.0.0.1"));
    }
}
