//! nginx with the RTMP module: its `rtmp_stat all` page (one XML document, no paging) and the
//! control module's `drop/client` to kick. It counts no bytes per client: those stay unknown.

pub(crate) mod wire;

use std::time::SystemTime;

use reqwest::{Method, StatusCode, Url};

use crate::diag;
use crate::error::{Error, Result};
use crate::model::{Breakdown, Collector, Session, SummaryAnswer};
use crate::source::http::{self, Body, IdIn, Web};
use crate::source::{Credentials, Kind, NetOptions, Server};
use crate::source::{Source, computed, served};

/// The registry's opener: nginx-rtmp's stat page at the target's URL (its control module beside it).
impl super::Open for NginxRtmp {
    fn open(server: Server) -> Result<Self> {
        NginxRtmp::new(server.url, None, server.credentials, server.net)
    }
}

pub(crate) struct NginxRtmp {
    web: Web,
    control: Url,
    /// The worker that answered the last look.
    pid: Option<u64>,
}

impl NginxRtmp {
    /// `stat` is the page of `rtmp_stat all`, e.g. `http://HOST:8080/stat`; `control` the
    /// `rtmp_control all` location, by default `/control` on the same host. nginx has no auth of
    /// its own: a user is sent as Basic for an `auth_basic` in front of both.
    pub(crate) fn new(
        stat: Url,
        control: Option<Url>,
        credentials: Credentials,
        net: NetOptions,
    ) -> Result<Self> {
        let control = control.unwrap_or_else(|| {
            let mut url = stat.clone();
            url.set_path("/control");
            url.set_query(None);
            url
        });
        Ok(NginxRtmp {
            web: Web::new(
                stat,
                credentials,
                net,
                (
                    Kind::NginxRtmp,
                    "nginx-rtmp's stat page (http://HOST:PORT/stat, `rtmp_stat all`)",
                ),
                Body::Xml { row: "client" },
            )?,
            control,
            pid: None,
        })
    }

    async fn stat(&mut self) -> Result<wire::Stat> {
        let now = SystemTime::now();
        let url = self.web.base().clone();
        let reply = self.web.within(self.web.get_ok(url)).await?;
        let stat = wire::parse_stat(&reply.body, now, &|copied| self.web.afford(copied))
            .map_err(|e| self.web.bad(&reply, e))?;
        if let (Some(before), Some(now)) = (self.pid, stat.pid)
            && before != now
        {
            diag::warn(format_args!(
                "{}: the stat page came from another nginx worker (pid {before}, now {now}); each worker shows only its own sessions: set `worker_processes 1`",
                self.web.host()
            ));
        }
        self.pid = stat.pid.or(self.pid);
        Ok(stat)
    }

    /// `GET /control/drop/client?clientid=ID`, narrowed to the client's server, application
    /// and stream where the listing gave them. The answer is the number of sessions dropped.
    async fn drop_client(&self, session: &Session) -> Result<()> {
        let srv = session
            .extra
            .get("server")
            .and_then(|v| v.as_u64())
            .map(|s| s.to_string());
        let mut pairs: Vec<(&str, &str)> = srv.iter().map(|s| ("srv", s.as_str())).collect();
        for key in ["app", "name"] {
            if let Some(v) = session.extra.get(key).and_then(|v| v.as_str()) {
                pairs.push((key, v));
            }
        }
        let at = IdIn::Query("clientid");
        let url = http::session_url(&self.control, &["drop", "client"], &pairs, &session.id, at)?;
        let reply = self.web.send(Method::GET, url).await?;
        let dropped = match reply.status {
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                return Err(self.web.refused(&reply));
            }
            status if status.is_success() => String::from_utf8_lossy(&reply.body)
                .trim()
                .parse::<u64>()
                .ok(),
            _ => None,
        };
        match dropped {
            Some(0) => Err(Error::BadReply(format!(
                "{} refused to kick client '{}': the control module dropped nothing (it may have left, or another worker has it)",
                self.web.host(),
                session.id
            ))),
            Some(_) => Ok(()),
            // Most often no `rtmp_control all` location at all: nginx's 404 page.
            None => Err(Error::BadReply(format!(
                "{} answered the kick with {}, not a count: is `rtmp_control all` at {}?",
                self.web.host(),
                reply.status_line(),
                self.control.path()
            ))),
        }
    }
}

impl Source for NginxRtmp {
    const NAME: &'static str = "nginx-rtmp";

    async fn active(&mut self, collectors: &[Collector]) -> Result<Vec<Session>> {
        served::<Self>(collectors, &[Collector::Rtmp])?;
        Ok(self.stat().await?.sessions)
    }

    /// The sessions counted, and the server's own rates (all streams, last 10 s window).
    async fn summary(
        &mut self,
        collectors: &[Collector],
        _: Option<Breakdown>,
    ) -> Result<SummaryAnswer> {
        served::<Self>(collectors, &[Collector::Rtmp])?;
        let stat = self.stat().await?;
        let mut rows = computed::summaries(Kind::NginxRtmp, &[Collector::Rtmp], &stat.sessions);
        for row in &mut rows {
            row.set_rates(stat.bw_in, stat.bw_out);
        }
        Ok(SummaryAnswer::Collectors(rows))
    }

    async fn kick(&mut self, sessions: &[Session]) -> Result<Vec<Result<()>>> {
        Ok(self
            .web
            .each_within(sessions, |s| self.drop_client(s))
            .await)
    }
}
