//! A MediaMTX control API stand-in (no Debian package, no Go proxy here): `/v3/<kind>/list`
//! paged as `internal/api/paginate.go` pages, `get`, `kick`, `/v3/info`, gin's plain 404 for
//! kinds that are switched off, Basic auth when configured. Items are the captured samples
//! with the test's values put in, so every kind keeps its own field names.

use std::sync::{Arc, Mutex, OnceLock};

use serde_json::{Value, json};

use super::{allowed, json};
use crate::support::http::{Reply, Request, Server};
use crate::support::{fixture, fixture_json};

/// A session kind: the `K` of `/v3/K/list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Rtsp,
    Rtsps,
    Rtmp,
    Rtmps,
    Srt,
    Webrtc,
    Hls,
    Moq,
}

pub(crate) const ALL_KINDS: [Kind; 8] = [
    Kind::Rtsp,
    Kind::Rtsps,
    Kind::Rtmp,
    Kind::Rtmps,
    Kind::Srt,
    Kind::Webrtc,
    Kind::Hls,
    Kind::Moq,
];

impl Kind {
    pub(crate) fn route(self) -> &'static str {
        match self {
            Kind::Rtsp => "rtspsessions",
            Kind::Rtsps => "rtspssessions",
            Kind::Rtmp => "rtmpconns",
            Kind::Rtmps => "rtmpsconns",
            Kind::Srt => "srtconns",
            Kind::Webrtc => "webrtcsessions",
            Kind::Hls => "hlssessions",
            Kind::Moq => "moqsessions",
        }
    }

    fn not_found(self) -> &'static str {
        match self {
            Kind::Rtmp | Kind::Rtmps | Kind::Srt => "connection not found",
            _ => "session not found",
        }
    }

    /// The captured listing whose first item this kind's items are made from (none for MoQ).
    fn sample(self) -> Option<&'static str> {
        Some(match self {
            Kind::Rtsp | Kind::Rtsps => "mediamtx/v3-rtspsessions-list.json",
            Kind::Rtmp | Kind::Rtmps => "mediamtx/v3-rtmpconns-list-itemsPerPage2-page0.json",
            Kind::Srt => "mediamtx/v3-srtconns-list.json",
            Kind::Webrtc => "mediamtx/v3-webrtcsessions-list.json",
            Kind::Hls => "mediamtx/v3-hlssessions-list.json",
            Kind::Moq => return None,
        })
    }

    /// That item, parsed once: a listing of thousands renders it for every item.
    fn template(self) -> &'static Value {
        static TEMPLATES: OnceLock<Vec<(Kind, Value)>> = OnceLock::new();
        let templates = TEMPLATES.get_or_init(|| {
            let kinds = ALL_KINDS.into_iter();
            kinds
                .filter_map(|k| Some((k, fixture_json(k.sample()?)["items"][0].clone())))
                .collect()
        });
        let found = templates.iter().find(|(k, _)| *k == self);
        &found
            .unwrap_or_else(|| panic!("no captured {self:?} item"))
            .1
    }
}

/// One session or connection as the test wants the server to report it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Conn {
    pub kind: Kind,
    pub id: String,
    /// As MediaMTX writes it: RFC 3339 with up to 9 fractional digits.
    pub created: String,
    pub remote_addr: String,
    /// `idle`, `read` or `publish` (not shown for HLS).
    pub state: String,
    pub path: String,
    pub query: String,
    pub user: String,
    pub user_agent: String,
    /// `inboundBytes` (and `bytesReceived`).
    pub rx_bytes: u64,
    /// `outboundBytes` (and `bytesSent`).
    pub tx_bytes: u64,
}

impl Conn {
    /// Connection number `n` of `kind` (up to 43,199): a distinct uuid, address and counters,
    /// readers on `cam{n % 10}`, every tenth one a publisher.
    pub(crate) fn numbered(kind: Kind, n: u32) -> Conn {
        Conn {
            kind,
            id: format!("{:08x}-0000-4000-8000-{:012x}", kind as u32, n),
            // One second apart from 12:00:00, so that the order given is MediaMTX's order.
            created: format!(
                "2026-11-30T{:02}:{:02}:{:02}.{:09}Z",
                (12 + n / 3600) % 24,
                n / 60 % 60,
                n % 60,
                n
            ),
            remote_addr: format!("203.0.113.{}:{}", n % 250 + 1, 40000 + n % 20000),
            state: if n.is_multiple_of(10) {
                "publish"
            } else {
                "read"
            }
            .to_string(),
            path: format!("cam{}", n % 10),
            query: String::new(),
            user: String::new(),
            user_agent: String::new(),
            rx_bytes: 4_000_000_000 + u64::from(n) * 7,
            tx_bytes: 5_000_000_000 + u64::from(n) * 11,
        }
    }

    /// The captured item of every kind MediaMTX lists (three RTMP connections), as they were.
    pub(crate) fn captured() -> Vec<Conn> {
        let mut conns = Vec::new();
        for (kind, file) in [
            (Kind::Rtmp, "v3-rtmpconns-list-itemsPerPage2-page0.json"),
            (Kind::Rtmp, "v3-rtmpconns-list-itemsPerPage2-page1.json"),
            (Kind::Rtsp, "v3-rtspsessions-list.json"),
            (Kind::Srt, "v3-srtconns-list.json"),
            (Kind::Webrtc, "v3-webrtcsessions-list.json"),
            (Kind::Hls, "v3-hlssessions-list.json"),
        ] {
            let page = fixture_json(&format!("mediamtx/{file}"));
            let items = page["items"].as_array().expect("items");
            conns.extend(items.iter().map(|item| Conn::from_item(kind, item)));
        }
        conns
    }

    /// A session with the values of a listed item (a captured sample, say); fields the item
    /// lacks are empty or 0.
    pub(crate) fn from_item(kind: Kind, item: &Value) -> Conn {
        let s = |k: &str| item[k].as_str().unwrap_or_default().to_string();
        let n = |a: &str, b: &str| item[a].as_u64().or(item[b].as_u64()).unwrap_or(0);
        Conn {
            kind,
            id: s("id"),
            created: s("created"),
            remote_addr: s("remoteAddr"),
            state: s("state"),
            path: s("path"),
            query: s("query"),
            user: s("user"),
            user_agent: s("userAgent"),
            rx_bytes: n("inboundBytes", "bytesReceived"),
            tx_bytes: n("outboundBytes", "bytesSent"),
        }
    }

    /// The JSON item, shaped as the captured one of its kind; `legacy` drops what v1.17+ added.
    pub(crate) fn item(&self, legacy: bool) -> Value {
        let mut item = self.kind.template().clone();
        let map = item.as_object_mut().expect("item object");
        let values = [
            ("id", json!(self.id)),
            ("created", json!(self.created)),
            ("remoteAddr", json!(self.remote_addr)),
            ("state", json!(self.state)),
            ("path", json!(self.path)),
            ("query", json!(self.query)),
            ("user", json!(self.user)),
            ("userAgent", json!(self.user_agent)),
            ("inboundBytes", json!(self.rx_bytes)),
            ("bytesReceived", json!(self.rx_bytes)),
            ("outboundBytes", json!(self.tx_bytes)),
            ("bytesSent", json!(self.tx_bytes)),
        ];
        for (key, value) in values {
            if let Some(slot) = map.get_mut(key) {
                *slot = value;
            }
        }
        if legacy {
            // v1.16: only bytesReceived/bytesSent, no user or userAgent, no newer counters.
            map.retain(|k, _| {
                !(k.starts_with("inbound") || k.starts_with("outbound") || k.starts_with("user"))
            });
        }
        item
    }
}

/// How the stand-in is configured.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    /// Kinds with routes; the others answer gin's plain 404.
    pub kinds: Vec<Kind>,
    /// Basic credentials required on every route (401 otherwise).
    pub basic: Option<(String, String)>,
    /// Answer as v1.16 did (no `inboundBytes`/`outboundBytes`, no HLS or MoQ routes).
    pub v1_16: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            // A default-config v1.20 server: the encrypted variants are off (404).
            kinds: ALL_KINDS
                .into_iter()
                .filter(|k| !matches!(k, Kind::Rtsps | Kind::Rtmps))
                .collect(),
            basic: None,
            v1_16: false,
        }
    }
}

struct State {
    conns: Vec<Conn>,
    kinds: Vec<Kind>,
    expected: Option<String>,
    legacy: bool,
}

/// A running stand-in; stops on Drop.
pub(crate) struct MediaMtx {
    server: Server,
    state: Arc<Mutex<State>>,
}

impl MediaMtx {
    /// A default-config server with these sessions (listed in the order given: MediaMTX sorts
    /// by creation time).
    pub(crate) fn start(conns: Vec<Conn>) -> MediaMtx {
        MediaMtx::start_with(conns, Options::default())
    }

    pub(crate) fn start_with(conns: Vec<Conn>, options: Options) -> MediaMtx {
        let mut kinds = options.kinds;
        if options.v1_16 {
            kinds.retain(|k| !matches!(k, Kind::Hls | Kind::Moq));
        }
        for conn in &conns {
            assert!(
                kinds.contains(&conn.kind),
                "{:?} is switched off",
                conn.kind
            );
        }
        let state = Arc::new(Mutex::new(State {
            conns,
            kinds,
            expected: options.basic.map(|(u, p)| super::basic_header(&u, &p)),
            legacy: options.v1_16,
        }));
        let shared = state.clone();
        let server = Server::builder()
            .keep_alive()
            .start(move |request| answer(&mut shared.lock().expect("state"), request));
        MediaMtx { server, state }
    }

    /// The API base, as `--url` takes it.
    pub(crate) fn url(&self) -> String {
        self.server.url()
    }

    pub(crate) fn requests(&self) -> Vec<Request> {
        self.server.requests()
    }

    /// The answers sent in full so far.
    pub(crate) fn served(&self) -> usize {
        self.server.served()
    }

    /// The sessions left (kicks remove them).
    pub(crate) fn conns(&self) -> Vec<Conn> {
        self.state.lock().expect("state").conns.clone()
    }

    /// Changes the sessions while the server runs (clients coming and going between pages).
    pub(crate) fn update(&self, change: impl FnOnce(&mut Vec<Conn>)) {
        change(&mut self.state.lock().expect("state").conns);
    }
}

enum Call<'a> {
    Info,
    List(Kind),
    Get(Kind, &'a str),
    Kick(Kind, &'a str),
}

fn answer(state: &mut State, request: &Request) -> Reply {
    let route: Vec<&str> = request
        .path()
        .strip_prefix("/v3/")
        .unwrap_or("")
        .split('/')
        .collect();
    let kind = ALL_KINDS
        .into_iter()
        .find(|k| state.kinds.contains(k) && Some(&k.route()) == route.first());
    let call = match (request.method.as_str(), kind, route.as_slice()) {
        ("GET", _, ["info"]) => Call::Info,
        ("GET", Some(k), [_, "list"]) => Call::List(k),
        ("GET", Some(k), [_, "get", id]) => Call::Get(k, id),
        ("POST", Some(k), [_, "kick", id]) => Call::Kick(k, id),
        _ => return Reply::new(404, "text/plain", "404 page not found"),
    };
    if !allowed(request, state.expected.as_deref()) {
        return error(401, "authentication error")
            .with_header("www-authenticate", "Basic realm=\"mediamtx\"");
    }
    match call {
        Call::Info => json(200, fixture("mediamtx/v3-info.json")),
        Call::List(kind) => list(state, kind, request),
        Call::Get(kind, id) => one(state, kind, id, false),
        Call::Kick(kind, id) => one(state, kind, id, true),
    }
}

fn error(status: u16, message: &str) -> Reply {
    json(
        status,
        json!({"status": "error", "error": message}).to_string(),
    )
}

fn list(state: &State, kind: Kind, request: &Request) -> Reply {
    let (per_page, page) = match (
        number(request.query("itemsPerPage").as_deref(), 100),
        number(request.query("page").as_deref(), 0),
    ) {
        (Ok(0), _) => return error(400, "invalid items per page"),
        (Ok(per_page), Ok(page)) => (per_page, page),
        (Err(e), _) | (_, Err(e)) => return error(400, &e),
    };
    let matching: Vec<&Conn> = state.conns.iter().filter(|c| c.kind == kind).collect();
    let count = matching.len();
    let shown: Vec<Value> = matching
        .into_iter()
        .skip(page.saturating_mul(per_page))
        .take(per_page)
        .map(|c| c.item(state.legacy))
        .collect();
    let body = json!({"itemCount": count, "pageCount": count.div_ceil(per_page), "items": shown});
    json(200, body.to_string())
}

/// Go's `strconv.ParseUint(s, 10, 31)`, empty meaning `default`.
fn number(raw: Option<&str>, default: usize) -> Result<usize, String> {
    let raw = raw.unwrap_or("");
    if raw.is_empty() {
        return Ok(default);
    }
    if !raw.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "strconv.ParseUint: parsing {raw:?}: invalid syntax"
        ));
    }
    match raw.parse::<u64>() {
        Ok(n) if n < 1 << 31 => Ok(n as usize),
        _ => Err(format!(
            "strconv.ParseUint: parsing {raw:?}: value out of range"
        )),
    }
}

fn one(state: &mut State, kind: Kind, id: &str, kick: bool) -> Reply {
    if let Err(e) = check_uuid(id) {
        return error(400, &e);
    }
    let found = state
        .conns
        .iter()
        .position(|c| c.kind == kind && c.id.eq_ignore_ascii_case(id));
    match (found, kick) {
        (None, _) => error(404, kind.not_found()),
        (Some(i), false) => json(200, state.conns[i].item(state.legacy).to_string()),
        (Some(i), true) => {
            state.conns.remove(i);
            json(200, json!({"status": "ok"}).to_string())
        }
    }
}

/// The errors of google/uuid's `Parse` for the two forms it takes without braces or a prefix.
fn check_uuid(id: &str) -> Result<(), String> {
    let hex = |s: &str| s.bytes().all(|b| b.is_ascii_hexdigit());
    let ok = match id.len() {
        36 => id.split('-').map(str::len).eq([8, 4, 4, 4, 12]) && hex(&id.replace('-', "")),
        32 => hex(id),
        n => return Err(format!("invalid UUID length: {n}")),
    };
    if ok {
        Ok(())
    } else {
        Err("invalid UUID format".to_string())
    }
}
