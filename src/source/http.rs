//! The HTTP client of the streaming servers with a plain listing API (MediaMTX, SRS, nginx-rtmp,
//! Icecast) and of datarhei Core: one client setup, Basic auth, one `--max-body-size` and one
//! memory budget and one deadline per fetch (all the pages of a listing together), JSON bodies,
//! and every failure as one line with its exit code.

use std::cell::Cell;
use std::future::Future;
use std::time::Instant;

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue};
use reqwest::{Client, Method, Response, StatusCode, Url, redirect};

use crate::error::{Error, Result};
use crate::source::budget::{self, Budget};
use crate::source::decode::DecodeError;
use crate::source::tls;
use crate::source::{Credentials, Kind, NetOptions};
use crate::source::{net, sniff, xml};
use crate::{diag, mask};

const MAX_REDIRECTS: usize = 5;
/// How much of a refusal's body goes into an error line.
const WORDS_LIMIT: usize = 160;
/// How much of a refusal's body is read: its first words are all an error line shows, and a
/// server's 256 MB error page would otherwise be read, and parsed, whole.
const REFUSAL_LIMIT: usize = 64 * 1024;

/// What one JSON object of a listing may become, all told (measured: 1.7 KB for a MediaMTX
/// connection with every field set, its strings included): serde's wire struct (up to 400
/// bytes), the session (232) with its `extra` map (a 640-byte B-tree node and up to nine keys),
/// the ids seen across pages, the previous look kept for rates, the copy into the answer.
const JSON_OBJECT: u64 = 2048;
/// What one row element of an XML listing may become: the session and its `extra` map (nginx-rtmp
/// fills up to nine keys), its strings' allocations, the copy into the answer.
const XML_ROW: u64 = 1536;
/// Each byte of a reply is copied at most twice more: into the rows (or into an unescaped text of
/// the XML tree) and once again (the ids seen across pages, the previous look).
const COPIES_PER_BYTE: u64 = 2;

/// The reqwest client every HTTP source uses: `--timeout` per request, TLS as configured. A
/// plain-HTTP client gets the same TLS set-up (for a redirect to https): left to itself, reqwest
/// would read the system's certificates again for every client of a fleet.
pub(crate) fn client(net: &NetOptions) -> Result<Client> {
    build(net, false)
}

/// The client for a login or a token refresh: it follows no redirect to another origin, so
/// neither the password nor a refresh token leaves the server `--url` names (a 307/308 would
/// re-send the body there).
pub(crate) fn login_client(net: &NetOptions) -> Result<Client> {
    build(net, true)
}

fn build(net: &NetOptions, same_origin: bool) -> Result<Client> {
    tls::install_process_provider();
    Client::builder()
        .connect_timeout(net.timeout)
        .timeout(net.timeout)
        .redirect(redirect_policy(same_origin))
        .user_agent(concat!("sessions/", env!("CARGO_PKG_VERSION")))
        .tls_backend_preconfigured(tls::client_config(net)?)
        .build()
        .map_err(|e| Error::Internal(format!("cannot set up the HTTP client: {e}")))
}

/// A redirect of a login to another origin, refused.
#[derive(Debug, thiserror::Error)]
#[error("redirect to another server ({0})")]
pub(crate) struct OtherOrigin(String);

/// Follows a few redirects (SRS sends `/api/v1/clients` to `/api/v1/clients/`), never from
/// https down to http (reqwest already drops the Authorization header when the host changes);
/// with `same_origin`, none to another scheme, host or port either.
fn redirect_policy(same_origin: bool) -> redirect::Policy {
    redirect::Policy::custom(move |attempt| {
        let downgrade = attempt.url().scheme() == "http"
            && attempt.previous().iter().any(|u| u.scheme() == "https");
        let first = attempt.previous().first().map(Url::origin);
        if same_origin && first.is_some_and(|o| o != attempt.url().origin()) {
            let to = net::host_label(attempt.url());
            attempt.error(OtherOrigin(to))
        } else if downgrade {
            attempt.error("refusing a redirect from https to http")
        } else if attempt.previous().len() > MAX_REDIRECTS {
            attempt.error("too many redirects")
        } else {
            attempt.follow()
        }
    })
}

/// A request that got no reply: timeout, connection, redirects, or a reset.
pub(crate) fn transport_error(e: &reqwest::Error, host: &str, net: &NetOptions) -> Error {
    if e.is_timeout() {
        return net::timed_out(host, net.timeout);
    }
    if e.is_connect() {
        return net::connect_failure(e, host);
    }
    if let Some(to) = net::find::<OtherOrigin>(e) {
        return Error::BadReply(format!(
            "{host} redirected the login to another server ({}); the password is sent only where --url points: point --url at the server that logs in",
            to.0
        ));
    }
    if e.is_redirect() {
        return Error::BadReply(format!(
            "{host} redirected too often or to an insecure address ({}); point --url at the final address",
            net::innermost(e)
        ));
    }
    Error::BadReply(format!(
        "{host} closed the connection before answering ({})",
        net::innermost(e)
    ))
}

/// A body past `--max-body-size` (`len` when the server announced it).
pub(crate) fn too_large(host: &str, limit: u64, len: Option<u64>) -> Error {
    let size = len.map_or_else(String::new, |l| format!(" of {l} bytes"));
    Error::BadReply(format!(
        "{host} sent a reply{size} larger than --max-body-size ({limit} bytes); raise it if that is expected"
    ))
}

/// How a server writes its listings, for what parsing one may cost.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Body {
    /// JSON: each object may become a row.
    Json,
    /// XML: each element called `row` (in any case, with or without a prefix) becomes one.
    Xml { row: &'static str },
}

impl Body {
    /// At most what parsing `body` and keeping its rows to the end of the command may cost.
    fn cost(self, body: &[u8]) -> u64 {
        let parsed = match self {
            Body::Json => budget::estimate(body, JSON_OBJECT),
            Body::Xml { row } => xml::cost(body, row, XML_ROW),
        };
        parsed.saturating_add((body.len() as u64).saturating_mul(COPIES_PER_BYTE))
    }
}

/// A reply read whole, within `--max-body-size` (a refusal: its first `REFUSAL_LIMIT` bytes).
pub(crate) struct Reply {
    pub status: StatusCode,
    pub html: bool,
    pub body: Vec<u8>,
    /// Read only when the reply is refused: they may say what the server really is.
    pub headers: HeaderMap,
}

impl Reply {
    /// What the server said, on one short line: a JSON `error`/`message`, else the text with
    /// any HTML tags left out.
    pub(crate) fn words(&self) -> String {
        if let Ok(serde_json::Value::Object(map)) = serde_json::from_slice(&self.body) {
            let said = ["error", "message", "code"]
                .iter()
                .find_map(|k| map.get(*k))
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned));
            return crate::mask::said(&said.unwrap_or_default());
        }
        let plain = page_text(&String::from_utf8_lossy(&self.body));
        // Masked before it is cut: a cut through a secret would show its start.
        let line = crate::mask::said(&plain);
        match line.char_indices().nth(WORDS_LIMIT) {
            Some((cut, _)) => format!("{}…", &line[..cut]),
            None => line,
        }
    }

    /// `HTTP 404 Not Found: 404 page not found`; words that only repeat the status are left out.
    pub(crate) fn status_line(&self) -> String {
        let reason = self.status.canonical_reason().unwrap_or("");
        let line = format!("HTTP {} {reason}", self.status.as_u16());
        match self.words() {
            w if w.is_empty() || line.ends_with(&format!(" {w}")) => line.trim_end().to_owned(),
            w => format!("{}: {w}", line.trim_end()),
        }
    }
}

/// A body's text without its HTML tags, each piece once: an error page's heading that repeats
/// its title and the server's signature under it (nginx's `404 Not Found` twice, then
/// `nginx/1.22.1`) are left out.
fn page_text(text: &str) -> String {
    let mut pieces: Vec<&str> = Vec::new();
    for (k, part) in text.split('<').enumerate() {
        // Each part after the first begins with a tag, up to its `>`.
        let words = if k == 0 {
            Some(part)
        } else {
            part.split_once('>').map(|(_, after)| after)
        };
        let words = words.map(str::trim).unwrap_or_default();
        if !words.is_empty() && !pieces.contains(&words) && !signature(words) {
            pieces.push(words);
        }
    }
    pieces.join(" ")
}

/// `nginx/1.22.1`, `Apache/2.4.57 (Debian)`: a server's name and version, nothing it said.
fn signature(words: &str) -> bool {
    let name = words.split_whitespace().next().unwrap_or_default();
    name.split_once('/').is_some_and(|(product, version)| {
        product.starts_with(|c: char| c.is_ascii_alphabetic())
            && product
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
            && version.starts_with(|c: char| c.is_ascii_digit())
    })
}

/// One server's base URL, credentials and limits.
pub(crate) struct Web {
    http: Client,
    base: Url,
    host: String,
    credentials: Credentials,
    net: NetOptions,
    /// The server's name in hints, e.g. "MediaMTX's API".
    api: &'static str,
    /// The source asking: a reply naming another kind says which `--source` to use instead.
    kind: Kind,
    /// Body bytes read since the current fetch began: every page of a listing shares one
    /// `--max-body-size`, so a server that never runs out of pages cannot fill the memory.
    spent: Cell<u64>,
    body: Body,
    budget: Budget,
    /// The process's resident memory when the current fetch began.
    start: Cell<u64>,
    /// What the replies parsed since then may cost: the rows of every page are kept to the
    /// end, so their estimates add up.
    reserved: Cell<u64>,
}

impl Web {
    pub(crate) fn new(
        base: Url,
        credentials: Credentials,
        net: NetOptions,
        (kind, api): (Kind, &'static str),
        body: Body,
    ) -> Result<Self> {
        if let (Some(user), Some(password)) = (&credentials.user, &credentials.password) {
            // A server may echo the header it got (a debugging proxy's error page).
            mask::keep_secret(&basic_credential(user, password.expose()));
        }
        Ok(Web {
            http: client(&net)?,
            host: net::host_label(&base),
            base,
            credentials,
            budget: Budget::new(net.max_body_size),
            net,
            api,
            kind,
            spent: Cell::new(0),
            body,
            start: Cell::new(0),
            reserved: Cell::new(0),
        })
    }

    pub(crate) fn host(&self) -> &str {
        &self.host
    }

    pub(crate) fn timeout(&self) -> std::time::Duration {
        self.net.timeout
    }

    pub(crate) fn base(&self) -> &Url {
        &self.base
    }

    /// `path` under the base URL's own path, without a query.
    pub(crate) fn url(&self, path: &str) -> Url {
        let mut url = self.base.clone();
        url.set_path(&format!("{}{path}", self.base.path().trim_end_matches('/')));
        url.set_query(None);
        url
    }

    /// Runs a whole fetch (every page of it) under the one `--timeout`, the one
    /// `--max-body-size` and the one memory budget.
    pub(crate) async fn within<T>(&self, fetch: impl Future<Output = Result<T>>) -> Result<T> {
        self.begin();
        tokio::time::timeout(self.net.timeout, fetch)
            .await
            .unwrap_or_else(|_| Err(net::timed_out(&self.host, self.net.timeout)))
    }

    /// Runs `each` on every item (a kick per session), all of them within the one `--timeout`
    /// and the one `--max-body-size`.
    pub(crate) async fn each_within<'a, T, F, Fut>(
        &self,
        items: &'a [T],
        each: F,
    ) -> Vec<Result<()>>
    where
        F: Fn(&'a T) -> Fut,
        Fut: Future<Output = Result<()>>,
    {
        self.begin();
        net::each_within(self.net.timeout, &self.host, items, each).await
    }

    /// A fetch begins: nothing read or reserved yet.
    fn begin(&self) {
        self.spent.set(0);
        self.start.set(budget::resident().unwrap_or(0));
        self.reserved.set(0);
    }

    /// Sends one request with the configured credentials and reads the reply whole.
    pub(crate) async fn send(&self, method: Method, url: Url) -> Result<Reply> {
        let started = Instant::now();
        let line = format!("{method} {url}");
        let mut req = self.http.request(method, url);
        let c = &self.credentials;
        if let Some(user) = &c.user {
            req = req.basic_auth(user, Some(c.password.as_ref().map_or("", |p| p.expose())));
        } else if let Some(token) = &c.token {
            req = req.header(AUTHORIZATION, bearer(token.expose())?);
        }
        let resp = req.send().await.map_err(|e| self.transport(&e))?;
        diag::trace(format_args!(
            "{line} -> {} ({} ms)",
            resp.status(),
            started.elapsed().as_millis()
        ));
        self.read(resp).await
    }

    /// GET that must succeed: 401/403 become `Auth`, HTML pages and other statuses `BadReply`.
    pub(crate) async fn get_ok(&self, url: Url) -> Result<Reply> {
        let reply = self.send(Method::GET, url).await?;
        self.check(reply)
    }

    /// The reply if it is a success that is no HTML page and its rows fit the memory budget; the
    /// error it stands for otherwise. Called right before the reply is parsed.
    pub(crate) fn check(&self, reply: Reply) -> Result<Reply> {
        if matches!(
            reply.status,
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
        ) {
            return Err(self.refused(&reply));
        }
        let (host, api) = (&self.host, self.api);
        if !reply.status.is_success() {
            let hint = self.other_kind(&reply);
            let hint = hint.unwrap_or_else(|| format!("; is --url {api}?"));
            let said = reply.status_line();
            return Err(Error::BadReply(format!("{host} answered {said}{hint}")));
        }
        if reply.html {
            let hint = self.other_kind(&reply);
            let hint = hint.unwrap_or_else(|| format!(": is --url {api}?"));
            return Err(Error::BadReply(format!(
                "{host} answered with an HTML page, not {api}{hint}"
            )));
        }
        self.afford(self.body.cost(&reply.body))
            .map_err(|e| self.bad(&reply, e))?;
        Ok(reply)
    }

    /// Whether `more` bytes of rows keep the process within the memory budget, on top of what
    /// it may hold already: what this fetch began with, its bodies and what its earlier replies
    /// may become, or what is resident now if that is more (other targets read at the same
    /// time). Parsers whose rows copy a parent's text (a stream's name into each of its
    /// clients) ask for those copies too.
    pub(crate) fn afford(&self, more: u64) -> Result<(), DecodeError> {
        let before = self.reserved.get();
        self.reserved.set(before.saturating_add(more));
        let estimated = self
            .start
            .get()
            .saturating_add(self.spent.get())
            .saturating_add(before);
        let held = estimated.max(budget::resident().unwrap_or(0));
        self.budget
            .fits(held.saturating_add(more))
            .map_err(DecodeError::Over)
    }

    /// A refusal of the credentials (exit 5), with what to try.
    pub(crate) fn refused(&self, reply: &Reply) -> Error {
        let (host, said) = (&self.host, reply.status_line());
        Error::Auth(match &self.credentials.user {
            Some(user) if reply.status == StatusCode::FORBIDDEN => {
                format!("{host} refused '{user}' ({said}): check the user's permissions")
            }
            Some(user) => {
                format!(
                    "{host} refused the login as '{user}' ({said}): check --user and the password"
                )
            }
            None if self.credentials.token.is_some() => {
                format!("{host} refused the token ({said}): it may have expired")
            }
            None => format!(
                "{host} requires a login ({said}): pass --user NAME with SESSIONS_PASSWORD or --password-stdin"
            ),
        })
    }

    /// A body that could not be parsed, as one line naming the server (and the source to use
    /// when the reply says it is another kind's).
    pub(crate) fn bad(&self, reply: &Reply, e: DecodeError) -> Error {
        let hint = match e {
            DecodeError::Over(_) => "; raise --max-body-size if that is expected".to_owned(),
            DecodeError::Shape(_) => self
                .other_kind(reply)
                .unwrap_or_else(|| format!("; is --url {}?", self.api)),
            _ => self.other_kind(reply).unwrap_or_default(),
        };
        Error::BadReply(format!("{} sent {e}{hint}", self.host))
    }

    /// `; this looks like nginx-rtmp: use --source nginx-rtmp` when a refused reply names a
    /// kind of server other than this source's: found in what came, no request more.
    fn other_kind(&self, reply: &Reply) -> Option<String> {
        sniff::kind_of(&reply.headers, &reply.body)
            .filter(|&kind| kind != self.kind)
            .map(|kind| sniff::advice(kind, "use", None))
    }

    fn transport(&self, e: &reqwest::Error) -> Error {
        transport_error(e, &self.host, &self.net)
    }

    async fn read(&self, mut resp: Response) -> Result<Reply> {
        let limit = self.net.max_body_size;
        let before = self.spent.get();
        let over = |len: Option<u64>| match before {
            0 => too_large(&self.host, limit, len),
            _ => Error::BadReply(format!(
                "{} sent more than --max-body-size ({limit} bytes) in the pages of one listing; raise it if that is expected",
                self.host
            )),
        };
        let left = limit.saturating_sub(before);
        if let Some(len) = resp.content_length().filter(|&len| len > left) {
            return Err(over(Some(len)));
        }
        let html = resp
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.to_ascii_lowercase().contains("html"));
        let status = resp.status();
        let headers = resp.headers().clone();
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.broken(&e))? {
            // Counted as it arrives: the pages of several kinds may be read at once.
            let spent = self.spent.get() + chunk.len() as u64;
            if spent > limit {
                return Err(over(None));
            }
            self.spent.set(spent);
            body.extend_from_slice(&chunk);
            if !status.is_success() && body.len() >= REFUSAL_LIMIT {
                // The rest is not read: the connection is dropped with the reply.
                body.truncate(REFUSAL_LIMIT);
                break;
            }
        }
        Ok(Reply {
            status,
            html,
            body,
            headers,
        })
    }

    fn broken(&self, e: &reqwest::Error) -> Error {
        if e.is_timeout() {
            return net::timed_out(&self.host, self.net.timeout);
        }
        Error::BadReply(format!(
            "{} broke off the reply: {} (the connection closed or reset mid-body)",
            self.host,
            net::innermost(e)
        ))
    }
}

/// Where a kick puts the id of the session it disconnects.
#[derive(Debug, Clone, Copy)]
pub(crate) enum IdIn<'a> {
    /// As the last path segment (MediaMTX, SRS).
    Path,
    /// As the value of this query key (nginx-rtmp's `clientid`, Icecast's `id`).
    Query(&'a str),
}

/// The one way a kick names a session: `url` with each of `segments` appended as a path segment,
/// then `pairs` as query pairs, then `id` where `at` says, all percent-encoded by `Url` (never by
/// formatting), so that an id is one segment or one value and cannot reach another resource.
/// An id that `Url` would not carry exactly is refused (exit 2) and nothing is sent.
pub(crate) fn session_url(
    url: &Url,
    segments: &[&str],
    pairs: &[(&str, &str)],
    id: &str,
    at: IdIn<'_>,
) -> Result<Url> {
    addressable(id)?;
    let mut url = url.clone();
    url.set_query(None);
    {
        let mut path = url
            .path_segments_mut()
            .map_err(|()| Error::Internal("the server's address cannot take a path".into()))?;
        path.pop_if_empty().extend(segments);
        if matches!(at, IdIn::Path) {
            path.push(id);
        }
    }
    if !pairs.is_empty() || matches!(at, IdIn::Query(_)) {
        let mut query = url.query_pairs_mut();
        query.extend_pairs(pairs);
        if let IdIn::Query(key) = at {
            query.append_pair(key, id);
        }
    }
    let carried = match at {
        IdIn::Path => url
            .path_segments()
            .and_then(|mut s| s.next_back())
            .and_then(percent_decoded),
        IdIn::Query(key) => url
            .query_pairs()
            .filter(|(k, _)| k == key)
            .last()
            .map(|(_, v)| v.into_owned()),
    };
    if carried.as_deref() != Some(id) {
        return Err(unaddressable(id, "a URL would not carry it exactly"));
    }
    Ok(url)
}

/// Whether `id` can name exactly one session in a URL, as a path segment or a query value: not
/// empty, not `.` or `..` (a URL resolves those to the folder above: `kick ..` would post to
/// `/v3/rtmpconns/kick`), and without the tab, line feed or carriage return a URL drops
/// (`a<TAB>b` would name `ab`, another client). The same rule for every source, so `kick`
/// refuses before it asks or sends anything.
pub(crate) fn addressable(id: &str) -> Result<()> {
    let why = match id {
        "" => "it is empty",
        "." | ".." => "a URL reads it as a folder, not a name",
        _ if id.contains(['\t', '\n', '\r']) => "a URL drops its tabs and line breaks",
        _ => return Ok(()),
    };
    Err(unaddressable(id, why))
}

fn unaddressable(id: &str, why: &str) -> Error {
    Error::Usage(format!(
        "cannot name session '{}' exactly in a request to the server ({why})",
        crate::text::escape(id)
    ))
}

/// `%XX` sequences as bytes, the text as UTF-8; `None` when it is not.
pub(crate) fn percent_decoded(s: &str) -> Option<String> {
    let hex = |b: u8| char::from(b).to_digit(16);
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let pair = bytes
            .get(i + 1..i + 3)
            .and_then(|p| Some(hex(p[0])? * 16 + hex(p[1])?));
        match (bytes[i], pair) {
            (b'%', Some(b)) => {
                out.push(u8::try_from(b).ok()?);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// `user:password` as Basic authentication sends it: in base64 (RFC 7617).
fn basic_credential(user: &str, password: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let plain = format!("{user}:{password}");
    let mut out = String::with_capacity(plain.len().div_ceil(3) * 4);
    for chunk in plain.as_bytes().chunks(3) {
        let bytes = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let bits = u32::from_be_bytes([0, bytes[0], bytes[1], bytes[2]]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(bits >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `Authorization: Bearer …` (MediaMTX's JWT), kept out of debug output.
pub(crate) fn bearer(token: &str) -> Result<HeaderValue> {
    let mut value = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
        Error::Usage("the token holds characters that cannot go in an HTTP header".into())
    })?;
    value.set_sensitive(true);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_in_base64_as_rfc_7617_writes_them() {
        assert_eq!(
            basic_credential("Aladdin", "open sesame"),
            "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
        assert_eq!(basic_credential("a", "b"), "YTpi");
        assert_eq!(basic_credential("ab", "c"), "YWI6Yw==");
        assert_eq!(basic_credential("ab", "cd"), "YWI6Y2Q=");
    }

    #[test]
    fn a_session_url_carries_the_id_exactly_or_is_refused() {
        let base = Url::parse("http://h:1/api/").unwrap();
        let url = session_url(&base, &["v3", "kick"], &[], "a/b?%2e", IdIn::Path).unwrap();
        assert_eq!(url.as_str(), "http://h:1/api/v3/kick/a%2Fb%3F%252e");
        let pairs = [("app", "live&x")];
        let url = session_url(&base, &["drop"], &pairs, "a b", IdIn::Query("clientid")).unwrap();
        assert_eq!(
            url.as_str(),
            "http://h:1/api/drop?app=live%26x&clientid=a+b"
        );
        for id in ["", ".", "..", "a\tb", "a\nb", "\r"] {
            let refused = session_url(&base, &[], &[], id, IdIn::Path).unwrap_err();
            assert_eq!(refused.exit_code(), 2, "{id:?}");
            assert!(session_url(&base, &[], &[], id, IdIn::Query("id")).is_err());
        }
        assert_eq!(
            percent_decoded("a%2Fb%25%C3%A9%zz%4"),
            Some("a/b%é%zz%4".into())
        );
        assert_eq!(percent_decoded("%FF"), None);
    }

    fn reply(status: u16, body: &str) -> Reply {
        Reply {
            status: StatusCode::from_u16(status).unwrap(),
            html: false,
            body: body.as_bytes().to_vec(),
            headers: HeaderMap::new(),
        }
    }

    #[test]
    fn server_words_come_from_json_text_or_html() {
        let icecast = "<html><head><title>Error 400</title></head><body><b>400 - Source does not exist</b></body></html>";
        assert_eq!(
            reply(400, icecast).status_line(),
            "HTTP 400 Bad Request: Error 400 400 - Source does not exist"
        );
        assert_eq!(
            reply(404, r#"{"status":"error","error":"connection not found"}"#).status_line(),
            "HTTP 404 Not Found: connection not found"
        );
        assert_eq!(reply(200, r#"{"code":2049}"#).words(), "2049");
        assert_eq!(
            reply(401, "You need to authenticate\n").status_line(),
            "HTTP 401 Unauthorized: You need to authenticate"
        );
        assert_eq!(
            reply(500, "").status_line(),
            "HTTP 500 Internal Server Error"
        );
        let nginx = "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n";
        assert_eq!(reply(404, nginx).words(), "404 Not Found");
        assert_eq!(reply(404, nginx).status_line(), "HTTP 404 Not Found");
        assert_eq!(
            reply(502, nginx).status_line(),
            "HTTP 502 Bad Gateway: 404 Not Found"
        );
        assert_eq!(
            reply(500, "see <b>page 2/3</b> here").words(),
            "see page 2/3 here"
        );
        let long = "x".repeat(500);
        assert_eq!(reply(500, &long).words().chars().count(), WORDS_LIMIT + 1);
        assert_eq!(reply(500, "a\u{1b}[31mb").words(), "a [31mb");
    }
}
