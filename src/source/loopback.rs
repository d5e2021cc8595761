//! A tiny HTTP/1.1 server on 127.0.0.1:0 for the sources' unit tests: each request is answered
//! by the test's closure and recorded, so a test can check paging, auth headers and kick calls.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::Url;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::model::Session;
use crate::source::Source;
use crate::source::{Credentials, NetOptions, Secret};

/// What the server was asked.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    /// A query parameter, percent-decoded.
    pub fn query(&self, name: &str) -> Option<String> {
        let url = Url::parse(&format!("http://x{}", self.target)).ok()?;
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }

    /// `METHOD target`, as a test compares it.
    pub fn line(&self) -> String {
        format!("{} {}", self.method, self.target)
    }
}

/// A reply: status, content type and body, or these exact bytes.
pub enum Canned {
    Full(u16, &'static str, Vec<u8>),
    Raw(Vec<u8>),
}

impl Canned {
    pub fn json(status: u16, body: impl Into<Vec<u8>>) -> Canned {
        Canned::Full(status, "application/json", body.into())
    }

    pub fn xml(body: impl Into<Vec<u8>>) -> Canned {
        Canned::Full(200, "text/xml", body.into())
    }

    pub fn text(status: u16, body: impl Into<Vec<u8>>) -> Canned {
        Canned::Full(status, "text/plain; charset=utf-8", body.into())
    }

    pub fn html(status: u16, body: impl Into<Vec<u8>>) -> Canned {
        Canned::Full(status, "text/html", body.into())
    }
}

pub struct Server {
    pub url: Url,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl Server {
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }

    pub fn lines(&self) -> Vec<String> {
        self.requests().iter().map(Request::line).collect()
    }
}

/// Starts a server answering every request with `answer`; it lives as long as the test's runtime.
pub async fn serve(answer: impl Fn(&Request) -> Canned + Send + Sync + 'static) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&requests);
    let answer = Arc::new(answer);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let (seen, answer) = (Arc::clone(&seen), Arc::clone(&answer));
            tokio::spawn(async move {
                let Some(req) = read_request(&mut stream).await else {
                    return;
                };
                seen.lock().unwrap().push(req.clone());
                let bytes = match answer(&req) {
                    Canned::Raw(bytes) => bytes,
                    Canned::Full(status, kind, body) => {
                        let mut head = format!(
                            "HTTP/1.1 {status} X\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        )
                        .into_bytes();
                        head.extend_from_slice(&body);
                        head
                    }
                };
                let _ = stream.write_all(&bytes).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    Server { url, requests }
}

async fn read_request(stream: &mut tokio::net::TcpStream) -> Option<Request> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let text = String::from_utf8_lossy(&buf);
    let mut lines = text.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, target) = (first.next()?.to_owned(), first.next()?.to_owned());
    let headers = lines
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Some(Request {
        method,
        target,
        headers,
    })
}

/// Net options for tests: a short timeout, a body limit of `max_body_size`.
pub fn net(max_body_size: u64) -> NetOptions {
    NetOptions {
        timeout: Duration::from_secs(5),
        insecure: false,
        ca_cert: None,
        max_body_size,
    }
}

pub fn login(user: &str, password: &str) -> Credentials {
    Credentials {
        user: Some(user.into()),
        password: Some(Secret::new(password)),
        token: None,
    }
}

/// One session kicked, as `sessions kick ID` asks it.
pub async fn kick_one(source: &mut impl Source, session: &Session) -> crate::error::Result<()> {
    let mut outcomes = source.kick(std::slice::from_ref(session)).await;
    assert_eq!(outcomes.len(), 1);
    outcomes.remove(0)
}

/// A fixture of tests/fixtures/.
pub fn fixture(path: &str) -> Vec<u8> {
    let full = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}
