//! Which kind of server a URL really is, from what it answers: a datarhei Core query that failed
//! may have been sent to nginx-rtmp, Icecast, SRS or MediaMTX with `--source` forgotten, and the
//! error should name the `--source` to add.

use std::time::Duration;

use reqwest::{Client, Url};

use super::Kind;
use crate::diag;

/// How much of a probe's reply is read: the telltale signs are in its first lines.
const PEEK: usize = 16 * 1024;

/// The kind the server at `base` says it is, asking at most four well-known places (no
/// credentials sent) within `timeout`; `None` when no reply names one.
pub(super) async fn identify(http: &Client, base: &Url, timeout: Duration) -> Option<Kind> {
    tokio::time::timeout(timeout, probe_all(http, base))
        .await
        .ok()
        .flatten()
}

async fn probe_all(http: &Client, base: &Url) -> Option<Kind> {
    let places = [
        Some(base.clone()),
        base.join("/stat").ok(),
        base.join("/api/v1/versions").ok(),
        base.join("/v3/paths/list").ok(),
    ];
    for url in places.into_iter().flatten() {
        if let Some(kind) = probe(http, &url).await {
            diag::trace(format_args!("{url} looks like {}", kind.describe()));
            return Some(kind);
        }
    }
    None
}

/// One GET: what its headers or the start of its body say.
async fn probe(http: &Client, url: &Url) -> Option<Kind> {
    let mut resp = http.get(url.clone()).send().await.ok()?;
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    if header("server").contains("icecast") {
        return Some(Kind::Icecast);
    }
    if header("www-authenticate").contains("mediamtx") {
        return Some(Kind::Mediamtx);
    }
    let mut body = Vec::new();
    while body.len() < PEEK {
        match resp.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            _ => break,
        }
    }
    recognise(&String::from_utf8_lossy(&body))
}

/// The kind a reply's body names: nginx-rtmp's `<rtmp>` statistics, SRS's version object,
/// MediaMTX's path list.
fn recognise(body: &str) -> Option<Kind> {
    let has = |word: &str| body.contains(word);
    if has("<rtmp>") {
        Some(Kind::NginxRtmp)
    } else if has("\"major\"") && has("\"revision\"") {
        Some(Kind::Srs)
    } else if has("\"itemCount\"") && has("\"items\"") {
        Some(Kind::Mediamtx)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_name_their_server() {
        let stat = "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n<rtmp>\n<nginx_version>1.22.1</nginx_version>";
        assert_eq!(recognise(stat), Some(Kind::NginxRtmp));
        let srs = r#"{"code":0,"server":"vid-x","data":{"major":5,"minor":0,"revision":213,"version":"5.0.213"}}"#;
        assert_eq!(recognise(srs), Some(Kind::Srs));
        let mtx = r#"{"pageCount":1,"itemCount":0,"items":[]}"#;
        assert_eq!(recognise(mtx), Some(Kind::Mediamtx));
        assert_eq!(recognise("<html><body>404 Not Found</body></html>"), None);
    }
}
