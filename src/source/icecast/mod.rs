//! Icecast 2 over its admin interface (Basic auth as the admin user): the mounts of
//! `/admin/listmounts`, then each mount's listeners, and `/admin/killclient` to kick. Icecast
//! counts no bytes per listener: those stay unknown.

pub(crate) mod wire;

use std::time::{Duration, Instant, SystemTime};

use futures_util::{StreamExt, stream};
use reqwest::{Method, StatusCode, Url};

use crate::diag;
use crate::error::{Error, Result};
use crate::model::{Breakdown, Collector, Session, SummaryAnswer};
use crate::source::http::{self, Body, IdIn, Web};
use crate::source::{Credentials, Kind, NetOptions, Server};
use crate::source::{Source, computed, served};

/// Every Icecast listener is an HTTP client.
pub(super) const COLLECTORS: [Collector; 1] = [Collector::Http];

/// Mounts asked for at once: a server has a handful, and a list of a million would otherwise be
/// a million requests in flight.
const MOUNTS_AT_ONCE: usize = 16;

/// How often Icecast 2.4 refreshes a mount's byte totals on its stats page: a window between two
/// looks is a whole number of these, or it would see one refresh or none by chance.
const STATS_PERIOD: Duration = Duration::from_secs(5);

/// The registry's opener: an Icecast server at the target's URL.
impl super::Open for Icecast {
    fn open(server: Server) -> Result<Self> {
        let mut icecast = Icecast::new(server.url, server.credentials, server.net)?;
        icecast.sample = server.sample;
        Ok(icecast)
    }
}

pub(crate) struct Icecast {
    web: Web,
    /// `--sample`: the window between the two looks at the stats that give `summary` its rates
    /// (zero: one look).
    sample: Duration,
}

impl Icecast {
    /// `base` is the server, e.g. `http://HOST:8000`; `--user admin` with the admin password.
    pub(crate) fn new(base: Url, credentials: Credentials, net: NetOptions) -> Result<Self> {
        Ok(Icecast {
            web: Web::new(
                base,
                credentials,
                net,
                (Kind::Icecast, "Icecast (http://HOST:8000)"),
                Body::Xml { row: "listener" },
            )?,
            sample: Duration::ZERO,
        })
    }

    /// Every listener of every mount, `MOUNTS_AT_ONCE` mounts at a time.
    async fn listeners(&self, now: SystemTime) -> Result<Vec<Session>> {
        let reply = self.web.get_ok(self.web.url("/admin/listmounts")).await?;
        let mounts = wire::parse_mounts(&reply.body).map_err(|e| self.web.bad(&reply, e))?;
        let mut lists =
            stream::iter(mounts.iter().map(|m| self.mount(m, now))).buffered(MOUNTS_AT_ONCE);
        let mut out = Vec::new();
        while let Some(list) = lists.next().await {
            out.extend(list?);
        }
        Ok(out)
    }

    async fn mount(&self, mount: &str, now: SystemTime) -> Result<Vec<Session>> {
        let mut url = self.web.url("/admin/listclients");
        url.query_pairs_mut().append_pair("mount", mount);
        let reply = self.web.send(Method::GET, url).await?;
        // The mount ended between the two requests (`400 - Source does not exist`).
        if reply.status == StatusCode::BAD_REQUEST {
            diag::trace(format_args!(
                "{}: mount {mount:?} is gone ({})",
                self.web.host(),
                reply.status_line()
            ));
            return Ok(Vec::new());
        }
        let reply = self.web.check(reply)?;
        wire::parse_listeners(&reply.body, now, &|copied| self.web.afford(copied))
            .map_err(|e| self.web.bad(&reply, e))
    }

    /// The stats, and when they came.
    async fn stats(&self) -> Result<(wire::Stats, Instant)> {
        let reply = self.web.get_ok(self.web.url("/admin/stats")).await?;
        let stats = wire::parse_stats(&reply.body).map_err(|e| self.web.bad(&reply, e))?;
        Ok((stats, Instant::now()))
    }

    /// `--sample` rounded down to whole `STATS_PERIOD`s; `None` for one look: a window shorter
    /// than Icecast's period (the default `500ms` among them: a plain `summary` stays instant),
    /// or one that would not leave the second look time within `--timeout`.
    fn window(&self) -> Option<Duration> {
        let periods = self.sample.as_nanos() / STATS_PERIOD.as_nanos();
        if periods == 0 {
            return None;
        }
        let window = STATS_PERIOD.saturating_mul(u32::try_from(periods).unwrap_or(u32::MAX));
        if window >= self.web.timeout() {
            diag::note(format_args!(
                "{}: Icecast counts bytes every {}s: a --timeout over {}s measures its rates",
                self.web.host(),
                STATS_PERIOD.as_secs(),
                window.as_secs()
            ));
            return None;
        }
        Some(window)
    }

    /// The listeners and the stats; with a window, an earlier look at the stats that long
    /// before, for the rates Icecast does not write itself.
    async fn looks(&self) -> Result<(Vec<Session>, wire::Stats, Option<(wire::Stats, Duration)>)> {
        let earlier = match self.window() {
            None => None,
            Some(window) => {
                let (stats, at) = self.stats().await?;
                if stats.has_rates() {
                    None
                } else {
                    tokio::time::sleep(window).await;
                    Some((stats, at))
                }
            }
        };
        let (sessions, stats) =
            futures_util::future::join(self.listeners(SystemTime::now()), self.stats()).await;
        let (stats, at) = stats?;
        let earlier = earlier.map(|(then, was)| (then, at.duration_since(was)));
        Ok((sessions?, stats, earlier))
    }

    /// `killclient` needs the mount: the listing's `reference`.
    async fn kill(&self, session: &Session) -> Result<()> {
        let mount = [("mount", session.reference.as_str())];
        let kill = self.web.url("/admin/killclient");
        let url = http::session_url(&kill, &[], &mount, &session.id, IdIn::Query("id"))?;
        let reply = self.web.send(Method::GET, url).await?;
        if reply.status == StatusCode::BAD_REQUEST {
            return Err(self.refused(session, &reply.status_line()));
        }
        let reply = self.web.check(reply)?;
        match wire::parse_response(&reply.body).map_err(|e| self.web.bad(&reply, e))? {
            (true, _) => Ok(()),
            (false, said) => Err(self.refused(session, &crate::mask::said(&said))),
        }
    }

    fn refused(&self, session: &Session, said: &str) -> Error {
        Error::BadReply(format!(
            "{} refused to kick listener '{}' of {:?} ({said}): it may have left",
            self.web.host(),
            session.id,
            session.reference
        ))
    }
}

impl Source for Icecast {
    const NAME: &'static str = "Icecast";

    async fn active(&mut self, collectors: &[Collector]) -> Result<Vec<Session>> {
        served::<Self>(collectors, &COLLECTORS)?;
        self.web.within(self.listeners(SystemTime::now())).await
    }

    /// The listeners counted, and the mounts' configured limit and rates from the stats page
    /// (the listeners have none of their own), all within the one `--timeout`.
    async fn summary(
        &mut self,
        collectors: &[Collector],
        _: Option<Breakdown>,
    ) -> Result<SummaryAnswer> {
        served::<Self>(collectors, &COLLECTORS)?;
        let (sessions, stats, earlier) = self.web.within(self.looks()).await?;
        let (rx, tx) = stats.rates(earlier.as_ref().map(|(then, e)| (then, *e)));
        let mut rows = computed::summaries(Kind::Icecast, &COLLECTORS, &sessions);
        for row in &mut rows {
            row.limit_sessions = stats.limit;
            row.set_rates(rx, tx);
        }
        Ok(SummaryAnswer::Collectors(rows))
    }

    async fn kick(&mut self, sessions: &[Session]) -> Result<Vec<Result<()>>> {
        Ok(self.web.each_within(sessions, |s| self.kill(s)).await)
    }
}
