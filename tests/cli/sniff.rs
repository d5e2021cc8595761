//! A forgotten or wrong `--source` (issue 21, item 2): a refused Core login, a bare nginx URL and
//! a reply the chosen source cannot read name the source the server really is.

use crate::support::http::{Reply, Server};
use crate::support::servers::icecast::Icecast;
use crate::support::servers::nginx_rtmp::NginxRtmp;
use crate::support::servers::srs::{Client, Srs};
use crate::support::sessions;

fn host(url: &str) -> &str {
    url.trim_start_matches("http://").trim_end_matches('/')
}

/// SRS with its API's Basic auth refuses Core's JWT login: the right password is not blamed.
#[test]
fn a_login_srs_refuses_names_srs_not_the_password() {
    let srs = Srs::start_with(Client::captured(), Some(("admin", "right-pw")));
    let url = srs.url();
    let env = [("SESSIONS_PASSWORD", "right-pw")];
    let run = sessions(&["--url", &url, "--user", "admin", "active"], &env, None);
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (
            4,
            "",
            format!(
                "sessions: {} refused datarhei Core's login (HTTP 401 Unauthorized); this looks like SRS: add --source srs\n",
                host(&url)
            )
            .as_str()
        )
    );
    // Following the hint works.
    let args = [
        "--source", "srs", "--url", &url, "--user", "admin", "active",
    ];
    sessions(&args, &env, None).assert_success();
    // `--source datarhei` said so: the refusal is Core's, as before.
    let args = [
        "--source", "datarhei", "--url", &url, "--user", "admin", "active",
    ];
    sessions(&args, &env, None).assert_failure(5, "login as 'admin' at 127.0.0.1:");
}

/// A real Icecast answers Core's login with HTTP 400: not the password's fault (not exit 5),
/// and Icecast is named; with `--source datarhei` that 400 is still no password refusal.
#[test]
fn a_login_icecast_answers_with_400_names_icecast_not_the_password() {
    let Some(icecast) = Icecast::start("admin", "hackme-7") else {
        return;
    };
    let url = icecast.url();
    let host = host(&url);
    let env = [("SESSIONS_PASSWORD", "hackme-7")];
    let run = sessions(&["--url", &url, "--user", "admin", "active"], &env, None);
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (
            4,
            "",
            format!("sessions: {host} refused datarhei Core's login (HTTP 400 Bad Request); this looks like Icecast: add --source icecast\n").as_str()
        )
    );
    let args = [
        "--source", "datarhei", "--url", &url, "--user", "admin", "active",
    ];
    let run = sessions(&args, &env, None);
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (
            4,
            "",
            format!("sessions: {host} answered datarhei Core's login with HTTP 400 Bad Request, not in Core's words: check --url; this looks like Icecast: add --source icecast\n").as_str()
        )
    );
    let args = [
        "--source", "icecast", "--url", &url, "--user", "admin", "active",
    ];
    sessions(&args, &env, None).assert_success();
}

/// A 400 no server kind can be told from is still no password refusal; Core's own 401 still is.
#[test]
fn a_login_400_not_in_cores_words_is_a_bad_reply_and_cores_401_a_refusal() {
    let odd = Server::start(|_| Reply::new(400, "text/plain", "bad request"));
    let url = odd.url();
    let env = [("SESSIONS_PASSWORD", "pw")];
    let run = sessions(&["--url", &url, "--user", "admin", "active"], &env, None);
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (
            4,
            format!(
                "sessions: {} answered datarhei Core's login with HTTP 400 Bad Request, not in Core's words: check --url\n",
                host(&url)
            )
            .as_str()
        )
    );
    // Core's own words: its refusal, and nothing asked besides the login.
    let core = Server::start(|_| {
        Reply::json(
            401,
            r#"{"code":401,"message":"Unauthorized","details":["Invalid username or password"]}"#,
        )
    });
    let url = core.url();
    let run = sessions(&["--url", &url, "--user", "admin", "active"], &env, None);
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (
            5,
            format!(
                "sessions: login as 'admin' at {} failed (HTTP 401 Unauthorized: Invalid username or password): check --user and the password\n",
                host(&url)
            )
            .as_str()
        )
    );
    assert_eq!(core.requests().len(), 1);
}

/// nginx's own page at `/`: the hint names the stat page too, and following it works. A wrong
/// `--source` whose reply is nginx-rtmp's page is told the right one, from that reply alone.
#[test]
fn a_bare_nginx_url_is_told_the_stat_page_and_a_wrong_source_the_right_one() {
    let Some(nginx) = NginxRtmp::start() else {
        return;
    };
    let port = nginx.http_port;
    let root = format!("http://127.0.0.1:{port}/");
    let run = sessions(&["--url", &root, "active"], &[], None);
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (
            4,
            "",
            format!("sessions: 127.0.0.1:{port} answered HTTP 404 Not Found; this looks like nginx-rtmp: add --source nginx-rtmp and the stat page's path (e.g. --url http://127.0.0.1:{port}/stat)\n").as_str()
        )
    );
    let stat = format!("http://127.0.0.1:{port}/stat");
    let args = ["--source", "nginx-rtmp", "--url", &stat, "active"];
    sessions(&args, &[], None).assert_success();
    let run = sessions(&["--source", "srs", "--url", &stat, "active"], &[], None);
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (
            4,
            "",
            format!("sessions: 127.0.0.1:{port} sent a reply that is not valid JSON (expected value at line 1 column 1); this looks like nginx-rtmp: use --source nginx-rtmp\n").as_str()
        )
    );
}

/// The hint for a wrong `--source` costs no request: it is read from the reply that came.
#[test]
fn a_wrong_sources_hint_asks_nothing_more() {
    let stat = "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n<rtmp>\n<nginx_version>1.22.1</nginx_version>\n</rtmp>\n";
    let nginx = Server::start(move |_| Reply::new(200, "text/xml", stat));
    let url = format!("{}/stat", nginx.url());
    let run = sessions(&["--source", "srs", "--url", &url, "active"], &[], None);
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert!(
        run.stderr
            .ends_with("; this looks like nginx-rtmp: use --source nginx-rtmp\n"),
        "{}",
        run.stderr
    );
    assert_eq!(nginx.requests().len(), 1);
}
