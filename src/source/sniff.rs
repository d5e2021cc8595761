//! Which kind of server a URL really is, from what it answers: a datarhei Core query that failed
//! (or a Core login refused) may have been sent to nginx-rtmp, Icecast, SRS or MediaMTX with
//! `--source` forgotten, and a reply a chosen source cannot read may name the right one: the
//! error should name the `--source` to add or use.

use std::time::Duration;

use reqwest::header::{HeaderMap, SERVER, WWW_AUTHENTICATE};
use reqwest::{Client, Url};

use super::Kind;
use crate::diag;

/// How much of a probe's reply is read: the telltale signs are in its first lines.
const PEEK: usize = 16 * 1024;

/// Where and how to ask a server what it is.
pub(super) struct Probe<'a> {
    pub http: &'a Client,
    pub base: &'a Url,
    pub timeout: Duration,
    /// Sent as Basic only where the server asked for the same password already (a refused
    /// login): an SRS with its API's auth on names itself to no one else.
    pub basic: Option<(&'a str, &'a str)>,
}

impl Probe<'_> {
    /// `; this looks like SRS: add --source srs` when the server answers as a kind other than
    /// `not`, asking at most four well-known places within the timeout; `verb` is `add` for a
    /// forgotten `--source`, `use` for a wrong one.
    pub(super) async fn hint(&self, not: Kind, verb: &str) -> Option<String> {
        let (kind, at) = tokio::time::timeout(self.timeout, self.probe_all())
            .await
            .ok()
            .flatten()?;
        (kind != not).then(|| advice(kind, verb, (at != *self.base).then_some(&at)))
    }

    async fn probe_all(&self) -> Option<(Kind, Url)> {
        let base = self.base;
        let places = [
            Some(base.clone()),
            base.join("/stat").ok(),
            base.join("/api/v1/versions").ok(),
            base.join("/v3/paths/list").ok(),
        ];
        for url in places.into_iter().flatten() {
            if let Some(kind) = self.probe(&url).await {
                diag::trace(format_args!("{url} looks like {}", kind.describe()));
                return Some((kind, url));
            }
        }
        None
    }

    /// One GET: what its headers or the start of its body say.
    async fn probe(&self, url: &Url) -> Option<Kind> {
        let mut req = self.http.get(url.clone());
        if let Some((user, password)) = self.basic {
            req = req.basic_auth(user, Some(password));
        }
        let mut resp = req.send().await.ok()?;
        let headers = resp.headers().clone();
        let mut body = Vec::new();
        while body.len() < PEEK {
            match resp.chunk().await {
                Ok(Some(chunk)) => body.extend_from_slice(&chunk),
                _ => break,
            }
        }
        kind_of(&headers, &body)
    }
}

/// `; this looks like nginx-rtmp: use --source nginx-rtmp`, naming the page where it answered
/// when that is not the URL given: nginx-rtmp's source reads the URL it is given as its stat page.
pub(super) fn advice(kind: Kind, verb: &str, at: Option<&Url>) -> String {
    let (describe, name) = (kind.describe(), kind.name());
    match at {
        Some(page) if kind == Kind::NginxRtmp => format!(
            "; this looks like {describe}: {verb} --source {name} and the stat page's path (e.g. --url {page})"
        ),
        _ => format!("; this looks like {describe}: {verb} --source {name}"),
    }
}

/// The kind a reply names in its headers (Icecast's `Server`, MediaMTX's auth realm) or at the
/// start of its body.
pub(super) fn kind_of(headers: &HeaderMap, body: &[u8]) -> Option<Kind> {
    let header = |name| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    if header(SERVER).contains("icecast") {
        return Some(Kind::Icecast);
    }
    if header(WWW_AUTHENTICATE).contains("mediamtx") {
        return Some(Kind::Mediamtx);
    }
    recognise(&String::from_utf8_lossy(&body[..body.len().min(PEEK)]))
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
