//! `kick` addresses exactly the session it names (issue 19, item 17): a server lists sessions
//! whose ids are `..`, `.`, hold a tab or a slash, or look percent-encoded; each kicking source
//! sends each id as one path segment or one query value, percent-encoded, or refuses the id
//! (exit 2) before it sends anything.

use serde_json::json;

use crate::support::http::{Reply, Request, Server};
use crate::support::sessions;

/// How a stand-in answers a kick.
pub(super) type KickReply = fn(&Request) -> Reply;

/// A kicking source's stand-in: it lists one session per id and answers every kick with
/// `yes` (or what a test gives it).
pub(super) struct Kicking {
    pub source: &'static str,
    /// The listing's path (MediaMTX's and Icecast's answer under it too).
    pub url_path: &'static str,
    pub serve: fn(&[String], KickReply) -> Server,
    /// The server's answer to a kick that disconnected the session.
    yes: KickReply,
    /// The kick's method and request target for an id encoded as a path segment (`seg`) and as
    /// a form value (`val`).
    kick: fn(seg: &str, val: &str) -> (String, String),
}

/// Ids the server lists that a URL carries exactly, each with its path-segment and
/// form-value encodings.
const CARRIED: [(&str, &str, &str); 8] = [
    ("a/b", "a%2Fb", "a%2Fb"),
    ("%2e", "%252e", "%252e"),
    ("%2e%2e", "%252e%252e", "%252e%252e"),
    ("a b", "a%20b", "a+b"),
    ("a?b#c", "a%3Fb%23c", "a%3Fb%23c"),
    ("a\\b", "a%5Cb", "a%5Cb"),
    ("é", "%C3%A9", "%C3%A9"),
    ("...", "...", "..."),
];

/// Ids a URL would resolve or strip: `kick` refuses them before it sends anything.
const REFUSED: [&str; 5] = ["..", ".", "a\tb", "a\nb", "a\rb"];

pub(super) fn kinds() -> [Kicking; 4] {
    [
        Kicking {
            source: "mediamtx",
            url_path: "",
            serve: mediamtx,
            yes: |_| Reply::json(200, "{}"),
            kick: |seg, _| ("POST".into(), format!("/v3/rtmpconns/kick/{seg}")),
        },
        Kicking {
            source: "srs",
            url_path: "",
            serve: srs,
            yes: |_| Reply::json(200, r#"{"code":0}"#),
            kick: |seg, _| ("DELETE".into(), format!("/api/v1/clients/{seg}")),
        },
        Kicking {
            source: "nginx-rtmp",
            url_path: "/stat",
            serve: nginx,
            yes: |_| Reply::Full {
                status: 200,
                headers: vec![],
                body: b"1".to_vec(),
            },
            kick: |_, val| {
                let query = format!("srv=0&app=live&name=cam&clientid={val}");
                ("GET".into(), format!("/control/drop/client?{query}"))
            },
        },
        Kicking {
            source: "icecast",
            url_path: "",
            serve: icecast,
            yes: |_| {
                xml("<iceresponse><message>Client removed</message><return>1</return></iceresponse>".into())
            },
            kick: |_, val| {
                let query = format!("mount=%2Fstream&id={val}");
                ("GET".into(), format!("/admin/killclient?{query}"))
            },
        },
    ]
}

pub(super) fn escape_xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\r', "&#13;")
}

impl Kicking {
    /// The stand-in listing `ids` that says yes to every kick.
    pub(super) fn yes_to(&self, ids: &[String]) -> Server {
        (self.serve)(ids, self.yes)
    }
}

/// A reply of XML.
pub(super) fn xml(body: String) -> Reply {
    Reply::Full {
        status: 200,
        headers: vec![("Content-Type".into(), "text/xml".into())],
        body: body.into_bytes(),
    }
}

fn mediamtx(ids: &[String], kick: KickReply) -> Server {
    let items: Vec<_> = ids
        .iter()
        .map(|id| json!({"id": id, "remoteAddr": "127.0.0.1:5000", "state": "publish", "path": "cam"}))
        .collect();
    let page = json!({"pageCount": 1, "items": items}).to_string();
    Server::start(
        move |req: &Request| match (req.method.as_str(), req.path()) {
            ("GET", "/v3/rtmpconns/list") => Reply::json(200, page.clone()),
            ("GET", _) => Reply::json(200, r#"{"pageCount":0,"items":[]}"#),
            _ => kick(req),
        },
    )
}

fn srs(ids: &[String], kick: KickReply) -> Server {
    let clients: Vec<_> = ids
        .iter()
        .map(|id| json!({"id": id, "type": "rtmp-play", "ip": "127.0.0.1", "url": "/live/cam", "send_bytes": 1, "recv_bytes": 2}))
        .collect();
    let page = json!({"code": 0, "clients": clients}).to_string();
    Server::start(move |req: &Request| match req.method.as_str() {
        "GET" => Reply::json(200, page.clone()),
        _ => kick(req),
    })
}

fn nginx(ids: &[String], kick: KickReply) -> Server {
    let clients: Vec<String> = ids
        .iter()
        .map(|id| format!("<client><id>{}</id></client>", escape_xml(id)))
        .collect();
    let page = super::stat_page("cam", clients.len(), |i| clients[i].clone());
    Server::start(move |req: &Request| {
        if req.path() == "/stat" {
            xml(page.clone())
        } else {
            kick(req)
        }
    })
}

fn icecast(ids: &[String], kick: KickReply) -> Server {
    let listeners: String = ids
        .iter()
        .map(|id| {
            format!(
                "<listener><ID>{}</ID><IP>127.0.0.1</IP></listener>",
                escape_xml(id)
            )
        })
        .collect();
    let clients = format!("<icestats><source mount=\"/stream\">{listeners}</source></icestats>");
    Server::start(move |req: &Request| match req.path() {
        "/admin/listmounts" => {
            xml("<icestats><source mount=\"/stream\"></source></icestats>".into())
        }
        "/admin/listclients" => xml(clients.clone()),
        _ => kick(req),
    })
}

/// The requests that were kicks.
fn kicks(server: &Server) -> Vec<(String, String)> {
    server
        .requests()
        .into_iter()
        .filter(|r| {
            r.method != "GET" || r.path().contains("/drop/") || r.path() == "/admin/killclient"
        })
        .map(|r| (r.method, r.target))
        .collect()
}

fn kick(kind: &Kicking, server: &Server, ids: &[&str]) -> crate::support::Run {
    let url = format!("{}{}", server.url(), kind.url_path);
    let mut args = vec![
        "--source",
        kind.source,
        "--url",
        &url,
        "kick",
        "--yes",
        "-o",
        "json",
    ];
    args.extend(ids);
    sessions(&args, &[], None)
}

#[test]
fn each_id_is_one_path_segment_or_one_query_value_on_every_kicking_source() {
    for kind in kinds() {
        let ids: Vec<String> = CARRIED.iter().map(|(id, ..)| id.to_string()).collect();
        let server = kind.yes_to(&ids);
        for (id, seg, val) in CARRIED {
            let before = kicks(&server).len();
            let run = kick(&kind, &server, &[id]);
            assert_eq!(run.code, 0, "{} {id:?}: {}", kind.source, run.stderr);
            assert_eq!(run.json()[0]["kicked"], true, "{}", run.stdout);
            assert_eq!(run.json()[0]["id"], id, "{}", run.stdout);
            let sent = kicks(&server);
            assert_eq!(
                &sent[before..],
                [(kind.kick)(seg, val)],
                "{} kick {id:?}",
                kind.source
            );
        }
    }
}

#[test]
fn an_id_a_url_would_resolve_or_strip_is_refused_before_anything_is_sent() {
    for kind in kinds() {
        let mut ids: Vec<String> = REFUSED.iter().map(|id| id.to_string()).collect();
        ids.extend(["ab", "a"].map(String::from));
        let server = kind.yes_to(&ids);
        for id in REFUSED {
            let run = kick(&kind, &server, &[id]);
            let shown = id.escape_default().to_string();
            run.assert_failure(2, &format!("cannot name session '{shown}' exactly"));
            assert!(
                run.stderr.contains("nothing was disconnected"),
                "{}",
                run.stderr
            );
            // With another, addressable id in the same command: still nothing is sent.
            let run = kick(&kind, &server, &["a", id]);
            assert_eq!(run.code, 2, "{} {id:?}: {}", kind.source, run.stderr);
            assert_eq!(run.stdout, "");
        }
        // By --filter too: every session listed, `..` and `ab` among them.
        let url = format!("{}{}", server.url(), kind.url_path);
        let args = [
            "--source",
            kind.source,
            "--url",
            &url,
            "kick",
            "--filter",
            "id=*",
            "--yes",
        ];
        let run = sessions(&args, &[], None);
        run.assert_failure(2, "cannot name session");
        assert_eq!(kicks(&server), [], "{} sent a kick", kind.source);
    }
    // An empty id (MediaMTX and SRS list one) names no session either.
    let server = kinds()[0].yes_to(&[String::new()]);
    let run = kick(&kinds()[0], &server, &[""]);
    run.assert_failure(
        2,
        "cannot name session '' exactly in a request to the server (it is empty)",
    );
    assert!(server.requests().iter().all(|r| r.method == "GET"));
}
