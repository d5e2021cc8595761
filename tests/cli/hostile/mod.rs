//! Hostile servers, written here and bound to 127.0.0.1, one test per class of attack (issue 10):
//! replies that would take unbounded time or memory once read, secrets a server echoes or
//! redirects away, values and text that would break the output, and answers that are not ours.
//! Each test asserts the exit code, the one line on stderr, an empty stdout, the wall time and,
//! where memory is the point, the peak resident memory of the `sessions` process.

mod addresses;
mod leaks;
mod memory;
mod output;
mod secrets;
mod time;
mod trust;

use std::time::Duration;

use serde_json::json;

use crate::support::http::{Reply, Server};
use crate::support::ws::{self, Raw, frame_header};
use crate::support::{Run, Sessions, Usage};

pub(crate) const MIB: u64 = 1024 * 1024;

/// The ceiling `sessions` promises for a `--max-body-size`, in KiB: 2 × the cap + 64 MiB.
pub(crate) fn ceiling_kib(max_body: u64) -> u64 {
    (2 * max_body + 64 * MIB) / 1024
}

/// Runs to the end, measuring the peak resident memory (VmHWM) and the CPU time of the process.
pub(crate) fn run_measured(args: &[&str]) -> (Run, u64) {
    let (run, usage) = run_used(args);
    (run, usage.peak_kib)
}

pub(crate) fn run_used(args: &[&str]) -> (Run, Usage) {
    let (run, usage) = Sessions::new().args(args).start().finish_with_usage();
    assert!(usage.peak_kib > 0, "VmHWM was never read");
    // Shown with --nocapture: the figures docs/robustness.md quotes.
    eprintln!(
        "{:?}: exit {}, peak RSS {} KiB, CPU {:?}, wall {:?}",
        &args[2..],
        run.code,
        usage.peak_kib,
        usage.cpu,
        run.elapsed
    );
    (run, usage)
}

pub(crate) fn assert_quick(run: &Run, limit: Duration) {
    assert!(
        run.elapsed < limit,
        "took {:?} (limit {limit:?})",
        run.elapsed
    );
}

/// A TwinCAT HMI stand-in that answers every connection at once with `reply` as one text frame
/// (a client without credentials sends only ListActiveSessions, request 2).
pub(crate) fn hmi_answering(reply: &str) -> Server {
    let mut frame = frame_header(true, 1, reply.len() as u64);
    frame.extend_from_slice(reply.as_bytes());
    ws::raw(Raw::Frames(frame))
}

/// A ListActiveSessions reply (request 2) with this `readValue`.
pub(crate) fn listing(read_value: serde_json::Value) -> String {
    json!({"id": 2, "commands": [{"symbol": "ListActiveSessions", "readValue": read_value}]})
        .to_string()
}

/// A datarhei Core stand-in whose `/api/v3/session/active` answers with `body`.
pub(crate) fn core_answering(body: String) -> Server {
    Server::start(move |_| Reply::json(200, body.clone()))
}

/// One client with many registered commands, as one long list.
pub(crate) fn one_client(commands: usize) -> String {
    let list: Vec<_> = (0..commands)
        .map(|i| json!({"id": i, "symbol": "ADS.PLC1.MAIN.x"}))
        .collect();
    listing(json!({"clients": {"10.0.0.1": [
        {"sessionId": "s", "userName": "u", "commands": list}]}}))
}

/// A streaming server's API that answers `body` on every path starting with `path` (the same
/// page again, however often asked), and 404 elsewhere.
pub(crate) fn answering(path: &'static str, content_type: &'static str, body: String) -> Server {
    Server::start(move |req| {
        if req.path().starts_with(path) {
            Reply::Full {
                status: 200,
                headers: vec![("Content-Type".into(), content_type.into())],
                body: body.clone().into_bytes(),
            }
        } else {
            Reply::json(404, "404 page not found")
        }
    })
}

/// An nginx-rtmp stat page: one stream called `name`, `clients` clients of it as `client`
/// writes them.
pub(crate) fn stat_page(name: &str, clients: usize, client: impl Fn(usize) -> String) -> String {
    let list: String = (0..clients).map(client).collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n<rtmp>\n<server>\n<application>\n<name>live</name>\n<live>\n<stream>\n<name>{name}</name>\n{list}</stream>\n</live>\n</application>\n</server>\n</rtmp>\n"
    )
}

/// A client with an id and nothing else: 27 bytes of reply, 1.3 KB of rows.
pub(crate) fn bare_client(i: usize) -> String {
    format!("<client><id>{i:x}</id></client>")
}
