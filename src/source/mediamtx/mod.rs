//! MediaMTX over its control API (`/v3`): every session of every kind asked for, page by page
//! (MediaMTX gives 100 unless asked for more), and kick by `POST /v3/<kind>/kick/<id>`.

pub(crate) mod wire;

use std::collections::HashSet;
use std::time::{Instant, SystemTime};

use futures_util::future::join_all;
use reqwest::{Method, StatusCode, Url};

use crate::diag;
use crate::error::{Error, Result};
use crate::model::{Breakdown, Collector, Session, SummaryAnswer};
use crate::source::computed::{self, LastCounters};
use crate::source::http::{self, Body, IdIn, Web};
use crate::source::{Credentials, Kind, NetOptions, Server, Source, served};

/// Sessions asked for per page: few round trips, pages of about 1–2 MB.
const ITEMS_PER_PAGE: u64 = 1000;

/// The sessions of one kind, or `None` when its server is switched off (no route: 404).
type KindList = Option<(Collector, Vec<Session>)>;

/// The registry's opener: a MediaMTX API at the target's URL.
impl super::Open for Mediamtx {
    fn open(server: Server) -> Result<Self> {
        Mediamtx::new(server.url, server.credentials, server.net)
    }
}

pub(crate) struct Mediamtx {
    web: Web,
    looks: LastCounters,
}

impl Mediamtx {
    /// `base` is the API's address, e.g. `http://HOST:9997`; Basic auth when a user is set,
    /// `Authorization: Bearer` with a token (`authMethod: jwt`).
    pub(crate) fn new(base: Url, credentials: Credentials, net: NetOptions) -> Result<Self> {
        Ok(Mediamtx {
            web: Web::new(
                base,
                credentials,
                net,
                (Kind::Mediamtx, "MediaMTX's API (http://HOST:9997)"),
                Body::Json,
            )?,
            looks: LastCounters::default(),
        })
    }

    /// The sessions of each kind asked for that this server has, with rates from the previous
    /// look where MediaMTX gives none.
    async fn sessions(
        &mut self,
        collectors: &[Collector],
    ) -> Result<Vec<(Collector, Vec<Session>)>> {
        let now = SystemTime::now();
        let mut kinds = self.web.within(self.every_kind(collectors, now)).await?;
        let all = kinds.iter_mut().flat_map(|(_, s)| s.iter_mut());
        self.looks.fill(all, Instant::now());
        Ok(kinds)
    }

    async fn every_kind(
        &self,
        collectors: &[Collector],
        now: SystemTime,
    ) -> Result<Vec<(Collector, Vec<Session>)>> {
        let lists = collectors
            .iter()
            .filter_map(|&c| Some((c, wire::kind(c)?)))
            .map(|(c, kind)| self.every_page(c, kind, now));
        let mut present = Vec::new();
        for list in join_all(lists).await {
            present.extend(list?);
        }
        if present.is_empty() {
            self.check_api().await?;
        }
        Ok(present)
    }

    async fn every_page(
        &self,
        collector: Collector,
        kind: &str,
        now: SystemTime,
    ) -> Result<KindList> {
        let (mut out, mut seen) = (Vec::new(), HashSet::new());
        let mut page = 0;
        loop {
            let mut url = self.web.url(&format!("/v3/{kind}/list"));
            url.query_pairs_mut()
                .append_pair("page", &page.to_string())
                .append_pair("itemsPerPage", &ITEMS_PER_PAGE.to_string());
            let reply = self.web.send(Method::GET, url).await?;
            if reply.status == StatusCode::NOT_FOUND && page == 0 {
                diag::trace(format_args!(
                    "{}: no {kind} (that server is switched off)",
                    self.web.host()
                ));
                return Ok(None);
            }
            let reply = self.web.check(reply)?;
            let p = wire::parse_page(&reply.body, collector, now)
                .map_err(|e| self.web.bad(&reply, e))?;
            let before = out.len();
            // Sessions come and go between pages: each id once.
            out.extend(p.sessions.into_iter().filter(|s| seen.insert(s.id.clone())));
            page += 1;
            // A page with nothing new ends it too: a server that ignores `page` (and so never
            // runs out of pages) is not asked forever.
            if out.len() == before || page >= p.page_count {
                return Ok(Some((collector, out)));
            }
        }
    }

    /// Every list asked for was 404: fine when this is MediaMTX with those servers switched off
    /// (`/v3/info` answers), an error when `--url` is something else.
    async fn check_api(&self) -> Result<()> {
        let reply = self.web.send(Method::GET, self.web.url("/v3/info")).await?;
        if reply.status == StatusCode::NOT_FOUND {
            return Err(Error::BadReply(format!(
                "{} has no /v3/info: is --url MediaMTX's API (http://HOST:9997, `api: yes`)?",
                self.web.host()
            )));
        }
        self.web.check(reply).map(drop)
    }

    async fn post_kick(&self, session: &Session) -> Result<()> {
        let kind = wire::kind(session.collector).ok_or_else(|| {
            Error::Usage(format!(
                "MediaMTX has no {} sessions to kick",
                session.collector
            ))
        })?;
        let url = http::session_url(
            &self.web.url("/v3"),
            &[kind, "kick"],
            &[],
            &session.id,
            IdIn::Path,
        )?;
        let reply = self.web.send(Method::POST, url).await?;
        if matches!(
            reply.status,
            StatusCode::NOT_FOUND | StatusCode::BAD_REQUEST
        ) {
            return Err(Error::BadReply(format!(
                "{} refused to kick {} session '{}' ({}){}",
                self.web.host(),
                session.collector,
                session.id,
                reply.status_line(),
                if reply.status == StatusCode::NOT_FOUND {
                    ": it may have left"
                } else {
                    ""
                }
            )));
        }
        self.web.check(reply).map(drop)
    }
}

impl Source for Mediamtx {
    const NAME: &'static str = "MediaMTX";

    async fn active(&mut self, collectors: &[Collector]) -> Result<Vec<Session>> {
        let collectors = served::<Self>(collectors, &wire::KINDS.map(|(c, _)| c))?;
        let kinds = self.sessions(&collectors).await?;
        Ok(kinds.into_iter().flat_map(|(_, s)| s).collect())
    }

    /// One row per kind the server has (a switched-off server has no row).
    async fn summary(
        &mut self,
        collectors: &[Collector],
        _: Option<Breakdown>,
    ) -> Result<SummaryAnswer> {
        let collectors = served::<Self>(collectors, &wire::KINDS.map(|(c, _)| c))?;
        let kinds = self.sessions(&collectors).await?;
        let present: Vec<Collector> = kinds.iter().map(|(c, _)| *c).collect();
        let sessions: Vec<Session> = kinds.into_iter().flat_map(|(_, s)| s).collect();
        Ok(SummaryAnswer::Collectors(computed::summaries(
            Kind::Mediamtx,
            &present,
            &sessions,
        )))
    }

    async fn kick(&mut self, sessions: &[Session]) -> Result<Vec<Result<()>>> {
        Ok(self.web.each_within(sessions, |s| self.post_kick(s)).await)
    }
}
