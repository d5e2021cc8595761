//! An SRS 7.0 HTTP API stand-in (Debian has no SRS): `/api/v1/clients/` with its silent paging
//! (`count` below 10 counts as 10), one client, its DELETE kick, `/api/v1/streams/`, `/api/v1/versions`, the 302 for
//! the slash-less path, errors as `{"code":N}` with HTTP 200, Basic auth when configured. Bodies
//! are written field for field as SRS 7.0.18 wrote the captures in `tests/fixtures/srs/`.

use std::sync::{Arc, Mutex};

use serde_json::Value;

use super::{allowed, json};
use crate::support::fixture_json;
use crate::support::http::{Reply, Request, Server};

/// The envelope's server, service and pid, as captured.
const ENVELOPE: &str = r#""server":"vid-htk9716","service":"q6x90jdl","pid":"17538""#;
/// `ERROR_RTMP_CLIENT_NOT_FOUND`.
const NOT_FOUND: u32 = 2049;

/// One client as the test wants SRS to report it (field names as SRS writes them).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Client {
    /// 8 characters of `[0-9a-z]`.
    pub id: String,
    pub vhost: String,
    /// The stream object's id (`vid-…`), not its name.
    pub stream: String,
    pub ip: String,
    pub page_url: String,
    pub swf_url: String,
    pub tc_url: String,
    pub url: String,
    pub name: String,
    /// `type`: `rtmp-play`, `fmle-publish`, `flv-play`, `hls-play`, `rtc-play`, `srt-publish`, …
    pub kind: String,
    pub publish: bool,
    /// Seconds since the client came, shown with two decimals.
    pub alive: f64,
    pub send_bytes: u64,
    pub recv_bytes: u64,
    pub recv_30s: u64,
    pub send_30s: u64,
}

impl Client {
    /// Client number `n`: an id that sorts as `n` does, an RTMP player of `live/cam1` (client
    /// 0 publishes it), distinct counters.
    pub(crate) fn numbered(n: u32) -> Client {
        let publish = n == 0;
        Client {
            id: format!("{:0>8}", base36(n)),
            vhost: "vid-971j771".into(),
            stream: "vid-102pz29".into(),
            ip: format!("198.51.100.{}", n % 250 + 1),
            page_url: String::new(),
            swf_url: String::new(),
            tc_url: "rtmp://127.0.0.1:1935/live".into(),
            url: "/live/cam1".into(),
            name: "cam1".into(),
            kind: if publish { "fmle-publish" } else { "rtmp-play" }.into(),
            publish,
            alive: 10.0 + f64::from(n % 1000) / 100.0,
            send_bytes: 5_000_000_000 + u64::from(n) * 13,
            recv_bytes: 3471 + u64::from(n),
            recv_30s: if publish { 375 } else { 0 },
            send_30s: if publish { 0 } else { 376 },
        }
    }

    /// The 12 clients of the capture `api-v1-clients-count100.json`.
    pub(crate) fn captured() -> Vec<Client> {
        let page = fixture_json("srs/api-v1-clients-count100.json");
        let clients = page["clients"].as_array().expect("clients");
        clients.iter().map(Client::from_json).collect()
    }

    /// A client from one of SRS's client objects.
    pub(crate) fn from_json(v: &Value) -> Client {
        let s = |k: &str| v[k].as_str().expect(k).to_string();
        let n = |v: &Value| v.as_u64().expect("integer");
        Client {
            id: s("id"),
            vhost: s("vhost"),
            stream: s("stream"),
            ip: s("ip"),
            page_url: s("pageUrl"),
            swf_url: s("swfUrl"),
            tc_url: s("tcUrl"),
            url: s("url"),
            name: s("name"),
            kind: s("type"),
            publish: v["publish"].as_bool().expect("publish"),
            alive: v["alive"].as_f64().expect("alive"),
            send_bytes: n(&v["send_bytes"]),
            recv_bytes: n(&v["recv_bytes"]),
            recv_30s: n(&v["kbps"]["recv_30s"]),
            send_30s: n(&v["kbps"]["send_30s"]),
        }
    }

    /// The client object, byte for byte as SRS writes it.
    pub(crate) fn json(&self) -> String {
        let q = |s: &str| serde_json::to_string(s).expect("string");
        format!(
            concat!(
                r#"{{"id":{},"vhost":{},"stream":{},"ip":{},"pageUrl":{},"swfUrl":{},"tcUrl":{},"#,
                r#""url":{},"name":{},"type":{},"publish":{},"alive":{:.2},"send_bytes":{},"#,
                r#""recv_bytes":{},"kbps":{{"recv_30s":{},"send_30s":{}}}}}"#
            ),
            q(&self.id),
            q(&self.vhost),
            q(&self.stream),
            q(&self.ip),
            q(&self.page_url),
            q(&self.swf_url),
            q(&self.tc_url),
            q(&self.url),
            q(&self.name),
            q(&self.kind),
            self.publish,
            self.alive,
            self.send_bytes,
            self.recv_bytes,
            self.recv_30s,
            self.send_30s,
        )
    }
}

fn base36(mut n: u32) -> String {
    let mut digits = Vec::new();
    loop {
        digits.push(b"0123456789abcdefghijklmnopqrstuvwxyz"[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    digits.reverse();
    String::from_utf8(digits).expect("ascii")
}

/// What happens to the clients just before a listing request is answered: the request's
/// number (0 for the first) and the clients, to change as clients come and go between pages.
type Churn = Box<dyn FnMut(usize, &mut Vec<Client>) + Send>;

struct State {
    clients: Vec<Client>,
    expected: Option<String>,
    listings: usize,
    churn: Option<Churn>,
    /// Ids whose kick SRS refuses, with the code it answers.
    refused: Vec<(String, u32)>,
}

/// A running stand-in; stops on Drop.
pub(crate) struct Srs {
    server: Server,
    state: Arc<Mutex<State>>,
}

impl Srs {
    /// Auth off, as SRS ships.
    pub(crate) fn start(clients: Vec<Client>) -> Srs {
        Srs::start_with(clients, None)
    }

    /// With `http_api { auth { enabled on; username U; password P; } }` when `basic` is given.
    pub(crate) fn start_with(mut clients: Vec<Client>, basic: Option<(&str, &str)>) -> Srs {
        // SRS keeps clients in a std::map keyed by id: listings come sorted by the id string.
        clients.sort_by(|a, b| a.id.cmp(&b.id));
        let state = Arc::new(Mutex::new(State {
            clients,
            expected: basic.map(|(u, p)| super::basic_header(u, p)),
            listings: 0,
            churn: None,
            refused: Vec::new(),
        }));
        let shared = state.clone();
        let server = Server::builder()
            .keep_alive()
            .start(move |request| answer(&mut shared.lock().expect("state"), request));
        Srs { server, state }
    }

    /// The API base, as `--url` takes it.
    pub(crate) fn url(&self) -> String {
        self.server.url()
    }

    pub(crate) fn requests(&self) -> Vec<Request> {
        self.server.requests()
    }

    /// The clients left (kicks remove them).
    pub(crate) fn clients(&self) -> Vec<Client> {
        self.state.lock().expect("state").clients.clone()
    }

    /// Changes the clients while the server runs (clients coming and going between pages).
    pub(crate) fn update(&self, change: impl FnOnce(&mut Vec<Client>)) {
        let clients = &mut self.state.lock().expect("state").clients;
        change(clients);
        clients.sort_by(|a, b| a.id.cmp(&b.id));
    }

    /// Answers a kick of `id` with `code` and keeps the client (as SRS 6 did for HLS viewers,
    /// with 400).
    pub(crate) fn refuse_kick(&self, id: &str, code: u32) {
        let refused = &mut self.state.lock().expect("state").refused;
        refused.push((id.to_string(), code));
    }

    /// Changes the clients right before each listing request is answered, so that a client
    /// program's paging meets clients coming and going between its pages.
    pub(crate) fn between_pages(
        &self,
        churn: impl FnMut(usize, &mut Vec<Client>) + Send + 'static,
    ) {
        self.state.lock().expect("state").churn = Some(Box::new(churn));
    }
}

fn answer(state: &mut State, request: &Request) -> Reply {
    let path = request.path();
    if path.contains("/api/") && !allowed(request, state.expected.as_deref()) {
        // SRS sends the challenge only when no Authorization came at all; the body is empty.
        let refusal = Reply::new(401, "text/plain; charset=utf-8", "");
        return match request.header("authorization") {
            None => refusal.with_header("www-authenticate", "Basic"),
            Some(_) => refusal,
        };
    }
    if path == "/api/v1/clients" || path == "/api/v1/streams" {
        let query = request.target.split_once('?').map_or("", |(_, q)| q);
        let location = format!("{path}/{}{query}", if query.is_empty() { "" } else { "?" });
        return Reply::new(302, "text/plain; charset=utf-8", "").with_header("location", &location);
    }
    if let Some(id) = path.strip_prefix("/api/v1/clients/") {
        return match request.method.as_str() {
            "GET" if id.is_empty() => {
                churn(state);
                list(state, request)
            }
            "GET" => show(state, id),
            "DELETE" => kick(state, id),
            _ => Reply::new(405, "text/plain; charset=utf-8", "Method Not Allowed"),
        };
    }
    if path == "/api/v1/streams/" && request.method == "GET" {
        return streams(state, request);
    }
    if path == "/api/v1/versions" {
        let data = r#""data":{"major":7,"minor":0,"revision":18,"version":"7.0.18"}"#;
        return json(200, format!("{{\"code\":0,{ENVELOPE},{data}}}"));
    }
    Reply::new(404, "text/plain; charset=utf-8", "Not Found")
}

fn churn(state: &mut State) {
    let n = state.listings;
    state.listings += 1;
    if let Some(churn) = state.churn.as_mut() {
        churn(n, &mut state.clients);
        state.clients.sort_by(|a, b| a.id.cmp(&b.id));
    }
}

fn code(code: u32) -> Reply {
    json(200, format!(r#"{{"code":{code}}}"#))
}

/// SRS's `start = max(0, atoi(start))`, `count = max(10, atoi(count))`.
fn window(request: &Request) -> (usize, usize) {
    let start = atoi(request.query("start").as_deref().unwrap_or("")).max(0);
    let count = atoi(request.query("count").as_deref().unwrap_or("")).max(10);
    (start as usize, count as usize)
}

/// C's `atoi`: optional sign, leading digits, anything else ends the number (0 if none).
fn atoi(text: &str) -> i64 {
    let text = text.trim_start();
    let (sign, digits) = match text.as_bytes().first() {
        Some(b'-') => (-1, &text[1..]),
        Some(b'+') => (1, &text[1..]),
        _ => (1, text),
    };
    let value = digits
        .bytes()
        .take_while(u8::is_ascii_digit)
        .fold(0i64, |n, d| {
            (n * 10 + i64::from(d - b'0')).min(i64::from(i32::MAX))
        });
    sign * value
}

fn list(state: &State, request: &Request) -> Reply {
    let (start, count) = window(request);
    let shown: Vec<String> = state
        .clients
        .iter()
        .skip(start)
        .take(count)
        .map(Client::json)
        .collect();
    let body = format!(r#"{{"code":0,{ENVELOPE},"clients":[{}]}}"#, shown.join(","));
    json(200, body)
}

fn show(state: &State, id: &str) -> Reply {
    match state.clients.iter().find(|c| c.id == id) {
        Some(c) => json(
            200,
            format!(r#"{{"code":0,{ENVELOPE},"client":{}}}"#, c.json()),
        ),
        None => code(NOT_FOUND),
    }
}

fn kick(state: &mut State, id: &str) -> Reply {
    let Some(i) = state.clients.iter().position(|c| c.id == id) else {
        return code(NOT_FOUND);
    };
    if let Some((_, refusal)) = state.refused.iter().find(|(r, _)| r == id) {
        return code(*refusal);
    }
    // An HLS "client" has no connection behind it, yet 7.0.18 removes it and answers 0 as for
    // any other.
    state.clients.remove(i);
    json(200, format!(r#"{{"code":0,{ENVELOPE}}}"#))
}

/// Streams made from the clients: one per `stream` id, counters summed over its clients.
fn streams(state: &State, request: &Request) -> Reply {
    let mut ids: Vec<&str> = state.clients.iter().map(|c| c.stream.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let (start, count) = window(request);
    let shown: Vec<String> = ids
        .into_iter()
        .skip(start)
        .take(count)
        .map(|id| stream(state, id))
        .collect();
    let body = format!(r#"{{"code":0,{ENVELOPE},"streams":[{}]}}"#, shown.join(","));
    json(200, body)
}

fn stream(state: &State, id: &str) -> String {
    let members: Vec<&Client> = state.clients.iter().filter(|c| c.stream == id).collect();
    let first = members[0];
    let publisher = members.iter().find(|c| c.publish);
    let sum = |f: fn(&Client) -> u64| members.iter().map(|c| f(c)).sum::<u64>();
    let app = first.url.rsplit_once('/').map_or("", |(a, _)| a);
    let name = first.url.rsplit('/').next().unwrap_or("");
    let q = |s: &str| serde_json::to_string(s).expect("string");
    let (publish, media) = match publisher {
        Some(p) => (
            format!(r#"{{"active":true,"cid":{}}}"#, q(&p.id)),
            concat!(
                r#""video":{"codec":"H264","profile":"Baseline","level":"1.3","width":320,"#,
                r#""height":240},"audio":{"codec":"AAC","sample_rate":44100,"channel":2,"#,
                r#""profile":"LC"}"#
            ),
        ),
        None => (
            r#"{"active":false}"#.to_string(),
            r#""video":null,"audio":null"#,
        ),
    };
    format!(
        concat!(
            r#"{{"id":{},"name":{},"vhost":{},"app":{},"tcUrl":{},"url":{},"#,
            r#""live_ms":1796043441984,"clients":{},"frames":0,"send_bytes":{},"recv_bytes":{},"#,
            r#""kbps":{{"recv_30s":{},"send_30s":{}}},"publish":{},{}}}"#
        ),
        q(id),
        q(name),
        q(&first.vhost),
        q(app.trim_start_matches('/')),
        q(&publisher.unwrap_or(&first).tc_url),
        q(&first.url),
        members.len(),
        sum(|c| c.send_bytes),
        sum(|c| c.recv_bytes),
        sum(|c| c.recv_30s),
        sum(|c| c.send_30s),
        publish,
        media,
    )
}
