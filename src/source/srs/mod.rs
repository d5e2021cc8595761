//! SRS (Simple Realtime Server) over its HTTP API: every client of `/api/v1/clients/`, page by
//! page (SRS gives 10 unless asked for more and says nothing of a total), and `DELETE` to kick.

pub(crate) mod wire;

use std::collections::HashSet;
use std::time::{Duration, Instant, SystemTime};

use reqwest::{Method, Url};

use crate::diag;
use crate::error::{Error, Result};
use crate::model::{Breakdown, Collector, Session, SummaryAnswer};
use crate::source::computed::{self, LastCounters};
use crate::source::http::{self, Body, IdIn, Web};
use crate::source::{Credentials, Kind, NetOptions, Server, Source, served};

/// Clients asked for per page: large enough for few round trips, small enough for any
/// `--max-body-size` (about 300 bytes a client).
const PAGE: usize = 500;
/// Each page starts this many clients before the previous one ended: clients are sorted by id,
/// so one that leaves between two requests shifts the rest down and would otherwise be missed.
const OVERLAP: usize = 16;

/// SRS moves a client's byte counters in its API every 3 s (seen on 7.0.18): rates measured from
/// them need looks at least that far apart.
const COUNTER_PERIOD: Duration = Duration::from_secs(3);

/// What SRS serves: RTMP, HTTP-FLV (`http`), HLS, WebRTC and SRT.
pub(super) const COLLECTORS: [Collector; 5] = [
    Collector::Hls,
    Collector::Http,
    Collector::Rtmp,
    Collector::Srt,
    Collector::Webrtc,
];

/// The registry's opener: an SRS HTTP API at the target's URL.
impl super::Open for Srs {
    fn open(server: Server) -> Result<Self> {
        Srs::new(server.url, server.credentials, server.net)
    }
}

pub(crate) struct Srs {
    web: Web,
    looks: LastCounters,
}

impl Srs {
    /// `base` is the API's address, e.g. `http://HOST:1985`; Basic auth when a user is set.
    pub(crate) fn new(base: Url, credentials: Credentials, net: NetOptions) -> Result<Self> {
        Ok(Srs {
            web: Web::new(
                base,
                credentials,
                net,
                (Kind::Srs, "SRS's HTTP API (http://HOST:1985)"),
                Body::Json,
            )?,
            looks: LastCounters::every(COUNTER_PERIOD),
        })
    }

    /// Every client, each once, with rates from the previous look where SRS has none yet.
    async fn sessions(&mut self) -> Result<Vec<Session>> {
        let now = SystemTime::now();
        let mut sessions = self.web.within(self.every_page(now)).await?;
        self.looks.fill(&mut sessions, Instant::now());
        Ok(sessions)
    }

    async fn every_page(&self, now: SystemTime) -> Result<Vec<Session>> {
        let (mut out, mut seen, mut unplaced) = (Vec::new(), HashSet::new(), Vec::new());
        let mut start = 0;
        loop {
            let mut url = self.web.url("/api/v1/clients/");
            url.query_pairs_mut()
                .append_pair("start", &start.to_string())
                .append_pair("count", &PAGE.to_string());
            let reply = self.web.get_ok(url).await?;
            let page = wire::parse_page(&reply.body, now)
                .map_err(|e| self.web.bad(&reply, e))?
                .map_err(|wire::Refused(code)| {
                    Error::BadReply(format!(
                        "{} refused the client list (SRS code {code})",
                        self.web.host()
                    ))
                })?;
            let before = out.len();
            out.extend(
                page.sessions
                    .into_iter()
                    .filter(|s| seen.insert(s.id.clone())),
            );
            unplaced.extend(page.unplaced);
            // A short page is the last; a page with nothing new means the server ignores
            // `start`, and asking again would never end.
            if page.listed < PAGE || out.len() == before {
                break;
            }
            start += page.listed - OVERLAP;
        }
        if !unplaced.is_empty() {
            unplaced.sort();
            unplaced.dedup();
            diag::warn(format_args!(
                "{}: SRS clients of a type we cannot place ({}) are not listed",
                self.web.host(),
                crate::mask::said(&unplaced.join(", "))
            ));
        }
        Ok(out)
    }

    async fn delete(&self, id: &str) -> Result<()> {
        let clients = self.web.url("/api/v1/clients");
        let url = http::session_url(&clients, &[], &[], id, IdIn::Path)?;
        let reply = self.web.send(Method::DELETE, url).await?;
        let reply = self.web.check(reply)?;
        match wire::parse_code(&reply.body).map_err(|e| self.web.bad(&reply, e))? {
            0 => Ok(()),
            code => Err(Error::BadReply(format!(
                "{} refused to kick client '{id}': SRS code {code}{}",
                self.web.host(),
                match code {
                    2049 => " (no such client: it may have left)",
                    400 => " (SRS found no connection to drop)",
                    _ => "",
                }
            ))),
        }
    }
}

impl Source for Srs {
    const NAME: &'static str = "SRS";

    async fn active(&mut self, collectors: &[Collector]) -> Result<Vec<Session>> {
        let collectors = served::<Self>(collectors, &COLLECTORS)?;
        let mut sessions = self.sessions().await?;
        sessions.retain(|s| collectors.contains(&s.collector));
        Ok(sessions)
    }

    async fn summary(
        &mut self,
        collectors: &[Collector],
        _: Option<Breakdown>,
    ) -> Result<SummaryAnswer> {
        let collectors = served::<Self>(collectors, &COLLECTORS)?;
        let sessions = self.sessions().await?;
        if collectors.contains(&Collector::Hls)
            && sessions.iter().any(|s| s.collector == Collector::Hls)
        {
            // SRS makes a viewer of every playlist fetch without `hls_ctx` and keeps it for
            // minutes: a player that reloads without it is counted again each time.
            diag::note(format_args!(
                "{}: SRS counts each HLS playlist fetch without hls_ctx as a viewer for minutes; hls may count players more than once",
                self.web.host()
            ));
        }
        Ok(SummaryAnswer::Collectors(computed::summaries(
            Kind::Srs,
            &collectors,
            &sessions,
        )))
    }

    async fn kick(&mut self, sessions: &[Session]) -> Result<Vec<Result<()>>> {
        Ok(self.web.each_within(sessions, |s| self.delete(&s.id)).await)
    }
}
