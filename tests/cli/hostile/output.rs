//! Output that cannot be turned against the reader: values out of range refused, no raw control
//! or bidi character in any format, `--output-file` never replaces a device, exit codes.

use std::time::Duration;

use serde_json::json;

use super::{MIB, answering, assert_quick, ceiling_kib, core_answering, listing, run_measured};
use crate::support::http::{Reply, Request, Server};
use crate::support::sessions;
use crate::support::ws::{self, Raw, frame_header};

#[test]
fn values_out_of_range_are_refused_not_shown_wrong() {
    let cases = [
        (
            r#"{"rtmp":[{"id":"s1","bandwidth_rx_kbit":1.7e308}]}"#,
            "datarhei Core sent a value out of range: session 's1' (rtmp): rx_bit_s inf is out of range (a rate is a finite number of bit/s, at least 0)",
        ),
        (
            r#"{"rtmp":[{"id":"s2","bandwidth_tx_kbit":-2}]}"#,
            "session 's2' (rtmp): tx_bit_s -2048.0 is out of range",
        ),
        (
            r#"{"rtmp":[{"id":"s3","created_at":-5}]}"#,
            "session 's3' (rtmp): created_at -5 is out of range (a time from 1970 to 9999, in Unix seconds)",
        ),
        (
            r#"{"rtmp":[{"id":"s4","created_at":300000000000}]}"#,
            "created_at 300000000000 is out of range",
        ),
    ];
    for (body, needle) in cases {
        let core = core_answering(body.into());
        for format in ["json", "tsv", "table"] {
            let run = sessions(&["--url", &core.url(), "active", "-o", format], &[], None);
            run.assert_failure(4, needle);
            assert_quick(&run, Duration::from_secs(5));
        }
    }
    let summary = r#"{"rtmp":{"active":{"max_bandwidth_rx_mbit":1e308},"summary":{}}}"#;
    let core = core_answering(summary.into());
    let run = sessions(&["--url", &core.url(), "summary", "--json"], &[], None);
    run.assert_failure(4, "collector rtmp: limit_rx_mibit_s 1e308 is out of range");
}

/// What no output may hold raw: C0 and C1 controls, DEL, bidi overrides and isolates, line and
/// paragraph separators. Line feeds end rows; TSV separates fields with tabs.
fn unsafe_chars(text: &str, allowed: &[char]) -> Vec<char> {
    text.chars()
        .filter(|c| !allowed.contains(c))
        .filter(|&c| {
            c.is_control()
                || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
        })
        .collect()
}

const NASTY_ID: &str = "s\u{1b}[2J\u{7}\u{7f}\u{85}\u{9b}31m";

#[test]
fn no_output_holds_a_raw_control_bidi_or_separator_character() {
    let session = json!({"id": NASTY_ID, "reference": "r\u{202e}evil\u{2066}", "local": "l\tx\ny",
        "remote": "1.2.3.4:5\u{2028}6\u{2029}", "extra": "ua\\\r\u{0}", "created_at": 1_700_000_000,
        "bytes_rx": 1, "bandwidth_rx_kbit": 1});
    let body = json!({"rtmp": [session.clone(), session]}).to_string();
    let core = core_answering(body);
    let url = core.url();
    for format in ["table", "wide", "tsv", "json", "ndjson", "prometheus"] {
        let args = ["--url", &url, "active", "--per-session", "-o", format];
        let run = sessions(&args, &[], None);
        run.assert_success();
        assert_eq!(run.stderr, "");
        let allowed: &[char] = if format == "tsv" {
            &['\n', '\t']
        } else {
            &['\n']
        };
        let raw = unsafe_chars(&run.stdout, allowed);
        assert!(raw.is_empty(), "-o {format} passes {raw:?}: {}", run.stdout);
        match format {
            "table" | "wide" | "tsv" => {
                assert_eq!(
                    run.stdout.lines().count(),
                    3,
                    "-o {format}: one line per row"
                )
            }
            "json" => {
                let back = run.json();
                assert_eq!(back[0]["id"], NASTY_ID, "JSON reads back the same text");
                assert_eq!(back[1]["remote"], "1.2.3.4:5\u{2028}6\u{2029}");
            }
            _ => {}
        }
        if format == "tsv" {
            let row = run.stdout.lines().nth(1).unwrap();
            let fields: Vec<&str> = row.split('\t').collect();
            assert_eq!(fields.len(), 13, "{row}");
            assert_eq!(fields[1], "s\\u001b[2J\\u0007\\u007f\\u0085\\u009b31m");
            assert_eq!(fields[3], "l\\tx\\ny");
            assert_eq!(fields[12], "ua\\\\\\r\\u0000");
        }
        if format == "prometheus" {
            let lines = run.stdout.lines().map(|l| Ok(l.to_string()));
            let scrape = prometheus_parse::Scrape::parse(lines).unwrap();
            assert_eq!(scrape.samples.len(), 2 * 5, "{}", run.stdout);
            // prometheus-parse keeps the format's escapes: `\\` is still two backslashes.
            let id = &scrape.samples[0].labels["id"];
            assert_eq!(id, "s\\\\u001b[2J\\\\u0007\\\\u007f\\\\u0085\\\\u009b31m");
        }
    }

    // An error line quoting the server's text: escaped, one line.
    let body = json!({"rtmp": [{"id": NASTY_ID, "bandwidth_rx_kbit": 1e308}]}).to_string();
    let core = core_answering(body);
    let run = sessions(&["--url", &core.url(), "active"], &[], None);
    run.assert_failure(
        4,
        "session 's\\u{1b}[2J\\u{7}\\u{7f}\\u{85}\\u{9b}31m' (rtmp)",
    );
    assert!(
        unsafe_chars(&run.stderr, &['\n']).is_empty(),
        "{}",
        run.stderr
    );
}

#[test]
fn output_file_replaces_only_regular_files() {
    let core = core_answering(r#"{"rtmp":[{"id":"s1"}]}"#.into());
    let url = core.url();
    let write = |path: &str| {
        sessions(
            &["--url", &url, "active", "--json", "--output-file", path],
            &[],
            None,
        )
    };
    let is_char_device = |p: &str| {
        use std::os::unix::fs::FileTypeExt;
        std::fs::metadata(p).unwrap().file_type().is_char_device()
    };

    // A device is written in place, never replaced by a file (run as root, this replaced it).
    let run = write("/dev/full");
    run.assert_failure(1, "cannot write output: /dev/full: No space left on device");
    assert!(is_char_device("/dev/full"));
    write("/dev/null").assert_success();
    assert!(is_char_device("/dev/null"));

    let dir = tempfile::tempdir().unwrap();
    let shown = dir.path().to_str().unwrap();
    write(shown).assert_failure(1, "is a directory; name a file in it");

    // A FIFO is written in place: its reader gets the output.
    let fifo = dir.path().join("fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if crate::support::available(made.is_ok_and(|s| s.success()), "mkfifo is missing") {
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
        };
        write(fifo.to_str().unwrap()).assert_success();
        assert!(reader.join().unwrap().contains(r#""id":"s1""#));
        use std::os::unix::fs::FileTypeExt;
        assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    }

    // A link is followed: its target is replaced, the link stays.
    let target = dir.path().join("real.json");
    std::fs::write(&target, "old").unwrap();
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    write(link.to_str().unwrap()).assert_success();
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .contains(r#""id":"s1""#)
    );
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );

    // …unless someone else planted it in a world-writable sticky folder (as /tmp).
    use std::os::unix::fs::PermissionsExt;
    let sticky = dir.path().join("sticky");
    std::fs::create_dir(&sticky).unwrap();
    std::fs::set_permissions(&sticky, std::fs::Permissions::from_mode(0o1777)).unwrap();
    let planted = sticky.join("out.json");
    std::os::unix::fs::symlink(&target, &planted).unwrap();
    let other_user = std::os::unix::fs::lchown(&planted, Some(4242), None).is_ok();
    if crate::support::available(other_user, "cannot give a link to another user (not root)") {
        write(planted.to_str().unwrap()).assert_failure(
            1,
            "is a symbolic link of another user in a world-writable sticky folder",
        );
    }
}

#[test]
fn a_server_token_that_cannot_go_in_a_header_is_a_bad_reply() {
    let core = Server::start(|req: &Request| match req.path() {
        "/api/login" => Reply::json(200, r#"{"access_token":"a\nb","refresh_token":"r"}"#),
        _ => Reply::json(200, "{}"),
    });
    let url = core.url();
    let run = sessions(
        &["--url", &url, "--user", "admin", "active"],
        &[("SESSIONS_PASSWORD", "pw-Zq-91")],
        None,
    );
    run.assert_failure(
        4,
        "sent a login reply whose token holds characters that cannot go in an HTTP header",
    );
    // The user's own token is the user's mistake: a usage error.
    sessions(&["--url", &url, "--token", "a\u{1}b", "active"], &[], None).assert_failure(
        2,
        "the token holds characters that cannot go in an HTTP header",
    );
}

#[test]
fn a_tchmi_frame_whose_id_is_not_ours_is_skipped() {
    let mut frames = Vec::new();
    let reply = listing(json!({"clients": {"10.0.0.1": [{"sessionId": "s", "userName": "u"}]}}));
    for text in [
        r#"{"id":-1,"x":1}"#,
        r#"{"id":"x"}"#,
        r#"{"id":2.5}"#,
        r#"{"id":[2]}"#,
        &reply,
    ] {
        frames.extend(frame_header(true, 1, text.len() as u64));
        frames.extend_from_slice(text.as_bytes());
    }
    let server = ws::raw(Raw::Frames(frames));
    let url = server.url_as("ws");
    let run = sessions(
        &["--url", &url, "clients", "-o", "tsv", "--no-headers"],
        &[],
        None,
    );
    run.assert_success();
    assert_eq!(run.stdout, "10.0.0.1\ts\tu\t\n");
}

/// A server's 30 MB string, quoted whole by the JSON parser's message, reaches stderr as one
/// short line (its start and its end), and is never copied whole on the way there.
#[test]
fn a_long_string_quoted_in_an_error_is_cut_to_a_short_line() {
    let body = format!(r#"{{"pageCount":"{}","items":[]}}"#, "A".repeat(30_000_000));
    let mediamtx = answering("/v3/rtmpconns/list", "application/json", body);
    let url = mediamtx.url();
    let args = [
        "--source",
        "mediamtx",
        "--url",
        &url,
        "--max-body-size",
        "32MiB",
        "active",
        "--collectors",
        "rtmp",
    ];
    let (run, peak_kib) = run_measured(&args);
    let a = |n| "A".repeat(n);
    run.assert_failure(
        4,
        &format!(
            "sent a reply of an unexpected shape (invalid type: string \"{}…{}\", expected u64 at line 1 column 30000015); is --url MediaMTX's API (http://HOST:9997)?\n",
            a(278),
            a(59)
        ),
    );
    assert!(run.stderr.len() < 600, "{} bytes", run.stderr.len());
    assert!(peak_kib <= ceiling_kib(32 * MIB), "{peak_kib} KiB");
    assert_quick(&run, Duration::from_secs(5));
}
