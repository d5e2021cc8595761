//! datarhei Core over HTTP: `GET /api/v3/session[/active]`, JWT login and refresh, and every way a
//! reply can go wrong, mapped to one-line errors.

mod body;
mod login;
mod split;
mod token;
pub(crate) mod wire;

use std::io::Read;
use std::net::IpAddr;
use std::time::{Instant, SystemTime};

use reqwest::header::{ACCEPT, ACCEPT_ENCODING, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Client, RequestBuilder, Response, StatusCode, Url};
use tokio::task::JoinHandle;

use crate::diag;
use crate::error::{Error, Result};
use crate::mask::quoted;
use crate::model::{Breakdown, Collector, Session, SummaryAnswer};
use crate::source::budget::{Budget, OverBudget};
use crate::source::{Credentials, Kind, NetOptions, Server};
use crate::source::{Source, computed, http, net, served};

use body::{Capped, SUMMARY_OBJECT_COST, TooLarge};
use login::bearer;
use split::SplitError;
use token::Token;
use wire::ReplyError;

/// Error bodies and login replies are small; anything past this is not what we expect.
const SMALL_BODY_LIMIT: usize = 64 * 1024;

/// The registry's opener: a Core at the target's URL.
impl super::Open for Datarhei {
    fn open(server: Server) -> Result<Self> {
        let mut core = Datarhei::new(server.url, server.credentials, server.net)?;
        core.kind_given = server.kind_given;
        Ok(core)
    }
}

pub(crate) struct Datarhei {
    http: Client,
    /// For the login and the token refresh: follows no redirect to another origin, so neither
    /// the password nor the refresh token leaves the server `--url` names.
    login_http: Client,
    base: Url,
    host: String,
    credentials: Credentials,
    access: Option<Token>,
    refresh: Option<Token>,
    net: NetOptions,
    /// Whether to ask Core for gzip (reqwest's default) or for the body as it is.
    compressed: bool,
    /// A login is on the wire (what a timeout interrupted, for its message).
    logging_in: bool,
    /// Whether a query was answered or failed already: only a failed first one is worth asking
    /// what the server really is.
    asked: bool,
    /// `--source datarhei` (or a context's `source`): a refused login is then Core's refusal.
    kind_given: bool,
}

impl Datarhei {
    pub(crate) fn new(base: Url, credentials: Credentials, net: NetOptions) -> Result<Self> {
        let host = net::host_label(&base);
        let http = http::client(&net)?;
        let login_http = http::login_client(&net)?;
        let compressed = !is_loopback(&base);
        Ok(Datarhei {
            http,
            login_http,
            base,
            host,
            access: credentials.token.clone().map(Token::new),
            refresh: None,
            logging_in: false,
            asked: false,
            kind_given: false,
            credentials,
            net,
            compressed,
        })
    }

    fn endpoint(&self, path: &str, collectors: Option<&[Collector]>) -> Url {
        let mut url = self.base.clone();
        let joined = format!("{}{path}", self.base.path().trim_end_matches('/'));
        url.set_path(&joined);
        // Names are plain ASCII words: the comma list goes in as Core's docs write it, unescaped.
        let query = collectors.map(|list| {
            let names: Vec<&str> = list.iter().map(|c| c.as_str()).collect();
            format!("collectors={}", names.join(","))
        });
        url.set_query(query.as_deref());
        url
    }

    /// GET a session endpoint, logging in, refreshing or logging in again as Core requires.
    /// `per_object`: see `read_json`.
    async fn get<T, F>(&mut self, url: Url, per_object: u64, parse: F) -> Result<T>
    where
        T: Send + 'static,
        F: Fn(&mut dyn Read, Budget) -> Result<T, ReplyError> + Send + Sync + Copy + 'static,
    {
        let can_login = self.credentials.user.is_some() && self.credentials.password.is_some();
        let (mut refreshed, mut logged_in_again) = (false, false);
        if self.access.is_none() && can_login {
            self.login().await?;
        } else if self
            .access
            .as_ref()
            .is_some_and(|t| t.stale(SystemTime::now()))
        {
            // Renewed before Core refuses it: no failed request first, and the refresh token
            // is used while it lasts.
            refreshed = true;
            self.renew_early(can_login).await?;
        }
        loop {
            let mut req = self
                .http
                .get(url.clone())
                .header(ACCEPT, "application/json");
            if !self.compressed {
                // Our own header keeps reqwest from adding `gzip`; it still inflates a gzip body
                // that a server sends unasked.
                req = req.header(ACCEPT_ENCODING, "identity");
            }
            if let Some(token) = &self.access {
                req = req.header(AUTHORIZATION, bearer(token.secret())?);
            }
            let resp = self.send(req).await?;
            match resp.status() {
                s if s.is_success() => return self.read_json(resp, per_object, parse).await,
                StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                    let said = self.server_words(resp).await;
                    if !refreshed && self.refresh.is_some() {
                        refreshed = true;
                        if self.refresh_access().await? {
                            continue;
                        }
                    }
                    if !logged_in_again && can_login {
                        logged_in_again = true;
                        self.login().await?;
                        continue;
                    }
                    return Err(self.refused(&said));
                }
                _ => return Err(self.status_error(resp).await),
            }
        }
    }

    /// `get` with one `--timeout` for all of it: login, request, token refresh, login again and
    /// the reply (each exchange also has it as its own bound, so an error says which one hung).
    async fn within_timeout<T, F>(&mut self, url: Url, per_object: u64, parse: F) -> Result<T>
    where
        T: Send + 'static,
        F: Fn(&mut dyn Read, Budget) -> Result<T, ReplyError> + Send + Sync + Copy + 'static,
    {
        let timeout = self.net.timeout;
        match tokio::time::timeout(timeout, self.get(url, per_object, parse)).await {
            Ok(result) => result,
            Err(_) if self.logging_in => Err(self.login_timeout()),
            Err(_) => Err(self.timeout_error()),
        }
    }

    fn login_timeout(&self) -> Error {
        Error::Unreachable(format!(
            "{} did not answer the login within {} (--timeout): datarhei Core delays its answer to a wrong password by about 5 s, so check the password, or raise --timeout",
            self.host,
            humantime::format_duration(self.net.timeout)
        ))
    }

    fn refused(&self, said: &str) -> Error {
        let host = &self.host;
        Error::Auth(if self.credentials.user.is_some() {
            format!("{host} refused the login's token ({said}); check the user's permissions")
        } else if self.credentials.token.is_some() {
            let expired = self
                .access
                .as_ref()
                .and_then(|t| t.expired(SystemTime::now()));
            let why = expired.map_or_else(
                || "it may have expired".to_owned(),
                |at| format!("it expired at {}", humantime::format_rfc3339_seconds(at)),
            );
            format!(
                "{host} refused the access token ({said}): {why}; log in with --user NAME and SESSIONS_PASSWORD or --password-stdin"
            )
        } else {
            format!(
                "{host} requires a login ({said}): pass --user NAME with SESSIONS_PASSWORD or --password-stdin, or --token"
            )
        })
    }

    /// The request, on the client it was made with.
    async fn send(&self, req: RequestBuilder) -> Result<Response> {
        let started = Instant::now();
        let (client, req) = req.build_split();
        let req = req.map_err(|e| Error::Internal(format!("cannot build the request: {e}")))?;
        let line = format!("{} {}", req.method(), req.url());
        let resp = client
            .execute(req)
            .await
            .map_err(|e| self.transport_error(&e))?;
        diag::trace(format_args!(
            "{line} -> {} ({} ms)",
            resp.status(),
            started.elapsed().as_millis()
        ));
        Ok(resp)
    }

    fn transport_error(&self, e: &reqwest::Error) -> Error {
        http::transport_error(e, &self.host, &self.net)
    }

    fn timeout_error(&self) -> Error {
        net::timed_out(&self.host, self.net.timeout)
    }

    /// Streams a (possibly very large) JSON body through `parse`, within `--max-body-size` and
    /// the memory budget. A `parse` that reads the whole body before it builds anything gives the
    /// bytes of rows one JSON object may become (`per_object`), to be counted as the body comes;
    /// 0 for one that builds as it reads.
    async fn read_json<T, F>(&self, resp: Response, per_object: u64, parse: F) -> Result<T>
    where
        T: Send + 'static,
        F: Fn(&mut dyn Read, Budget) -> Result<T, ReplyError> + Send + 'static,
    {
        let limit = self.net.max_body_size;
        if let Some(len) = resp.content_length().filter(|&len| len > limit) {
            return Err(self.too_large(Some(len)));
        }
        if let Some(kind) = html_content_type(&resp) {
            return Err(Error::BadReply(format!(
                "{} answered with {kind}, not JSON: is --url the address of datarhei Core's API?",
                self.host
            )));
        }
        let (body, pump) = body::received(resp);
        // A timeout drops this future: the body is no longer read.
        let _stop = AbortOnDrop(pump);
        let mut capped = Capped::new(body, limit, per_object);
        let budget = Budget::new(limit);
        let result = tokio::task::spawn_blocking(move || parse(&mut capped, budget))
            .await
            .map_err(|e| Error::Internal(format!("the reply parser stopped: {e}")))?;
        result.map_err(|e| self.reply_error(e))
    }

    fn reply_error(&self, e: ReplyError) -> Error {
        let host = &self.host;
        let truncated = || {
            Error::BadReply(format!(
                "{host} sent a truncated reply: the JSON ends early"
            ))
        };
        // A parser's message may quote a server's string whole: only its start and end show.
        let invalid = |what: &dyn std::fmt::Display| {
            let what = quoted(what);
            Error::BadReply(format!(
                "{host} sent a reply that is not valid JSON ({what})"
            ))
        };
        let shape = |what: &dyn std::fmt::Display| {
            let what = quoted(what);
            Error::BadReply(format!(
                "{host} sent JSON of an unexpected shape ({what}); is --url datarhei Core's API?"
            ))
        };
        match e {
            ReplyError::Io(io) => {
                if net::find::<TooLarge>(&io).is_some() {
                    return self.too_large(None);
                }
                if let Some(over) = net::find::<OverBudget>(&io) {
                    return self.over(*over);
                }
                if net::find::<reqwest::Error>(&io).is_some_and(reqwest::Error::is_timeout) {
                    return self.timeout_error();
                }
                Error::BadReply(format!(
                    "{host} broke off the reply: {} (the connection closed or reset mid-body)",
                    net::innermost(&io)
                ))
            }
            ReplyError::Json(j) if j.is_eof() => truncated(),
            ReplyError::Json(j) if j.is_syntax() => invalid(&j),
            ReplyError::Json(j) => shape(&j),
            ReplyError::Split(SplitError::Over(over)) => self.over(over),
            ReplyError::Split(SplitError::Truncated) => truncated(),
            ReplyError::Split(s @ (SplitError::Syntax { .. } | SplitError::NotUtf8 { .. })) => {
                invalid(&s)
            }
            ReplyError::Split(s @ SplitError::Shape(_)) => shape(&s),
            ReplyError::Split(s @ SplitError::Value { .. }) => match &s {
                SplitError::Value { error, .. } if error.is_data() => shape(&s),
                _ => invalid(&s),
            },
        }
    }

    fn over(&self, over: OverBudget) -> Error {
        Error::BadReply(format!(
            "{} sent a reply too large to hold: {over}; raise --max-body-size if that is expected",
            self.host
        ))
    }

    fn too_large(&self, len: Option<u64>) -> Error {
        http::too_large(&self.host, self.net.max_body_size, len)
    }

    async fn read_small(&self, mut resp: Response) -> Result<Vec<u8>> {
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.transport_error(&e))? {
            body.extend_from_slice(&chunk);
            if body.len() > SMALL_BODY_LIMIT {
                body.truncate(SMALL_BODY_LIMIT);
                break;
            }
        }
        Ok(body)
    }

    async fn read_small_json<T: serde::de::DeserializeOwned>(
        &self,
        resp: Response,
        what: &str,
    ) -> Result<T> {
        let body = self.read_small(resp).await?;
        wire::parse_small(&body).map_err(|e| {
            let e = quoted(&e);
            Error::BadReply(format!("{} sent a {what} we cannot read ({e})", self.host))
        })
    }

    /// What the server said about a failure: Core's `message: details`, or the status line.
    async fn server_words(&self, resp: Response) -> String {
        self.server_said(resp).await.0
    }

    /// `server_words`, and whether they came in Core's error shape.
    async fn server_said(&self, resp: Response) -> (String, bool) {
        let status = resp.status();
        let reason = status.canonical_reason().unwrap_or("");
        let status_line = format!("HTTP {} {reason}", status.as_u16());
        let said = match self.read_small(resp).await {
            Ok(body) => wire::parse_small::<wire::WireError>(&body)
                .ok()
                .map(|e| e.describe(reason)),
            Err(_) => None,
        };
        match said.filter(|s| !s.is_empty()) {
            Some(words) => (
                format!("{}: {}", status_line.trim_end(), crate::mask::said(&words)),
                true,
            ),
            None => (status_line.trim_end().to_owned(), false),
        }
    }

    /// A reply Core would not give to the first query may come from another kind of server at a URL whose `--source` was forgotten: the error then names the one to add.
    async fn named<T>(&mut self, got: Result<T>) -> Result<T> {
        let first = !std::mem::replace(&mut self.asked, true);
        match got {
            // A refusal is probed where it is the login's (`refused_login`), not here: a real
            // Core's is common, and the probes would be noise.
            Err(e @ Error::BadReply(_)) if first => match self.probe(None).await {
                Some(hint) => Err(e.hint(hint)),
                None => Err(e),
            },
            other => other,
        }
    }

    /// `; this looks like SRS: add --source srs` when the server says it is not a Core.
    async fn probe(&self, basic: Option<(&str, &str)>) -> Option<String> {
        let probe = super::sniff::Probe {
            http: &self.login_http,
            base: &self.base,
            timeout: self.net.timeout,
            basic,
        };
        probe.hint(Kind::Datarhei, "add").await
    }

    async fn status_error(&self, resp: Response) -> Error {
        let said = self.server_words(resp).await;
        Error::BadReply(format!("{} answered {said}", self.host))
    }
}

impl Source for Datarhei {
    const NAME: &'static str = "datarhei Core";

    async fn active(&mut self, collectors: &[Collector]) -> Result<Vec<Session>> {
        let collectors = served::<Self>(collectors, &Collector::CORE)?;
        let url = self.endpoint("/api/v3/session/active", Some(&collectors));
        let now = SystemTime::now();
        // Sessions are parsed as the body streams in: resident memory tells what they cost.
        let got = self
            .within_timeout(url, 0, move |r, budget| wire::parse_active(r, now, budget))
            .await;
        self.named(got).await
    }

    /// Core's own figures and finished totals; `--by` of the active sessions asks for those too.
    async fn summary(
        &mut self,
        collectors: &[Collector],
        breakdown: Option<Breakdown>,
    ) -> Result<SummaryAnswer> {
        let collectors = served::<Self>(collectors, &Collector::CORE)?;
        let url = self.endpoint("/api/v3/session", Some(&collectors));
        let got = self
            .within_timeout(url, SUMMARY_OBJECT_COST, wire::parse_summary)
            .await;
        let mut summaries = self.named(got).await?;
        if breakdown == Some(Breakdown::Active) {
            let sessions = self.active(&collectors).await?;
            computed::break_down_active(&mut summaries, &sessions);
        }
        Ok(SummaryAnswer::Collectors(summaries))
    }
}

/// Stops a task when dropped.
struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A server on this machine: Core's gzip costs it more CPU time than the bytes it saves on the
/// loopback interface (docs/performance.md).
fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    if let Ok(ip) = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
    {
        return ip.to_canonical().is_loopback();
    }
    // RFC 6761: `localhost` and every name under it are the loopback addresses.
    let name = host.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost" || name.ends_with(".localhost")
}

fn html_content_type(resp: &Response) -> Option<String> {
    let value = resp.headers().get(CONTENT_TYPE)?.to_str().ok()?;
    value
        .to_ascii_lowercase()
        .contains("html")
        .then(|| value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_is_asked_for_unless_the_server_is_on_this_machine() {
        for local in [
            "http://127.0.0.1:8080",
            "http://127.3.2.1",
            "http://[::1]:8080",
            "http://[::ffff:127.0.0.1]",
            "http://localhost:8080/core",
            "https://LocalHost./",
            "http://core.localhost",
        ] {
            assert!(is_loopback(&Url::parse(local).unwrap()), "{local}");
        }
        for remote in [
            "http://192.0.2.7:8080",
            "http://[2001:db8::1]",
            "https://core.example.com",
            "http://localhost.example.com",
            "http://notlocalhost",
        ] {
            assert!(!is_loopback(&Url::parse(remote).unwrap()), "{remote}");
        }
    }
}
