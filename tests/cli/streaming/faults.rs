//! Replies each kind of streaming server could send that `sessions` cannot use: a body cut
//! short, an HTML page, a well-formed document of the wrong shape, an error status, a connection
//! closed mid-body. Each is exit 4, one line on stderr naming the server, nothing on stdout.

use std::sync::Arc;
use std::time::Duration;

use super::ask;
use crate::support::fixture;
use crate::support::http::{Reply, Request, Server};

fn reply(status: u16, content_type: &str, body: &[u8]) -> Reply {
    Reply::Full {
        status,
        headers: vec![("Content-Type".into(), content_type.into())],
        body: body.to_vec(),
    }
}

/// A server that answers every request with `make()`.
fn serving(make: impl Fn() -> Reply + Send + Sync + 'static) -> Server {
    let make = Arc::new(make);
    Server::start(move |_: &Request| make())
}

/// One kind of server: its `--source`, the path of `--url`, the type and a captured body of
/// its listing, and a well-formed body of another shape.
struct Kind {
    source: &'static str,
    path: &'static str,
    content_type: &'static str,
    good: Vec<u8>,
    wrong_shape: &'static [u8],
}

fn kinds() -> Vec<Kind> {
    vec![
        Kind {
            source: "mediamtx",
            path: "",
            content_type: "application/json; charset=utf-8",
            good: fixture("mediamtx/v3-rtspsessions-list.json").into_bytes(),
            wrong_shape: br#"{"status":"ok","items":[]}"#,
        },
        Kind {
            source: "srs",
            path: "",
            content_type: "application/json",
            good: fixture("srs/api-v1-clients-count100.json").into_bytes(),
            wrong_shape: br#"{"code":0,"server":"vid-htk9716","clients":{"id":"x"}}"#,
        },
        Kind {
            source: "nginx-rtmp",
            path: "/stat",
            content_type: "text/xml",
            good: fixture("nginx_rtmp/stat.xml").into_bytes(),
            wrong_shape: b"<?xml version=\"1.0\"?><icestats><source mount=\"/a\"/></icestats>",
        },
        Kind {
            source: "icecast",
            path: "",
            content_type: "text/xml",
            good: fixture("icecast/admin-listmounts-with-listeners.xml").into_bytes(),
            wrong_shape: b"<?xml version=\"1.0\"?><rtmp><server/></rtmp>",
        },
    ]
}

#[test]
fn unusable_replies_of_every_kind_are_exit_4_with_one_line() {
    let html = b"<!DOCTYPE html><html><body><h1>Welcome to nginx!</h1></body></html>";
    for kind in kinds() {
        let half = kind.good[..kind.good.len() / 2].to_vec();
        let (ct, shape) = (kind.content_type, kind.wrong_shape);
        let cases: Vec<(&str, Server)> = vec![
            ("a truncated reply", serving(move || reply(200, ct, &half))),
            (
                "an HTML page",
                serving(move || reply(200, "text/html", html)),
            ),
            (
                "an unexpected shape",
                serving(move || reply(200, ct, shape)),
            ),
            (
                "answered HTTP 502 Bad Gateway: 502 Bad Gateway",
                serving(|| {
                    let page = b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>";
                    reply(502, "text/html", page)
                }),
            ),
            (
                "broke off the reply",
                serving(|| {
                    let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n";
                    Reply::Raw([head.as_bytes(), b"{\"code\":0,\"clients\":["].concat())
                }),
            ),
        ];
        for (needle, server) in cases {
            let url = format!("{}{}", server.url(), kind.path);
            let run = ask(
                kind.source,
                &url,
                &["--user", "u", "active"],
                &[("SESSIONS_PASSWORD", "p")],
            );
            run.assert_failure(4, needle);
            assert!(
                run.stderr.contains(&format!("127.0.0.1:{}", server.port)),
                "{}: {}",
                kind.source,
                run.stderr
            );
        }
    }
}

#[test]
fn a_refusal_in_the_body_and_an_unknown_api_are_exit_4_too() {
    // SRS refuses with HTTP 200 and a code in the body.
    let srs = serving(|| reply(200, "application/json", br#"{"code":1073}"#));
    ask("srs", &srs.url(), &["active"], &[])
        .assert_failure(4, "refused the client list (SRS code 1073)");
    // Every MediaMTX list is 404 and so is /v3/info: not MediaMTX's API at all.
    let elsewhere = serving(|| reply(404, "text/plain", b"404 page not found"));
    ask("mediamtx", &elsewhere.url(), &["active"], &[])
        .assert_failure(4, "has no /v3/info: is --url MediaMTX's API");
    // nginx-rtmp's control module answers a count; anything else is no kick.
    let stat = fixture("nginx_rtmp/stat.xml").into_bytes();
    let nginx = Server::start(move |req: &Request| match req.path() {
        "/stat" => reply(200, "text/xml", &stat),
        _ => reply(
            500,
            "text/html",
            b"<html><body>500 Internal Server Error</body></html>",
        ),
    });
    let run = ask(
        "nginx-rtmp",
        &format!("{}/stat", nginx.url()),
        &["kick", "6", "--yes"],
        &[],
    );
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("answered the kick with HTTP 500 Internal Server Error"),
        "{}",
        run.stderr
    );
}

/// An SRS that answers every page after 400 ms, and whose pages never run out (each one holds
/// 500 new clients): only the one `--timeout` over the whole listing ends it.
#[test]
fn one_timeout_bounds_every_page_of_a_listing() {
    use crate::support::servers::srs::Client;
    let server = Server::start(|req: &Request| {
        let start: u32 = req
            .target
            .split_once("start=")
            .and_then(|(_, rest)| rest.split('&').next()?.parse().ok())
            .unwrap_or(0);
        let page: Vec<String> = (start..start + 500)
            .map(|n| Client::numbered(n).json())
            .collect();
        let body = format!(r#"{{"code":0,"clients":[{}]}}"#, page.join(","));
        reply(200, "application/json", body.as_bytes()).after(Duration::from_millis(400))
    });
    let run = ask("srs", &server.url(), &["--timeout", "1s", "active"], &[]);
    run.assert_failure(3, "did not answer within 1s (--timeout)");
    assert!(run.elapsed < Duration::from_secs(3), "{:?}", run.elapsed);
    // Each request alone was well within the second: the limit is the listing's.
    assert!(server.requests().len() >= 2, "{}", server.requests().len());
}
