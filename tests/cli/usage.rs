//! Usage errors as an operator meets them: typos get clap's suggestion and the help page to read,
//! misleading inputs get a message that says what is wrong, all on one line with exit 2.

use crate::support::sessions;

#[test]
fn typos_get_a_suggestion_and_the_help_page_to_read() {
    sessions(&["activ"], &[], None)
        .assert_failure(2, "did you mean 'active'? (see 'sessions --help')");
    sessions(&["config", "lst"], &[], None)
        .assert_failure(2, "did you mean 'list'? (see 'sessions config --help')");
    sessions(&["active", "--sort-by", "rx_rat"], &[], None)
        .assert_failure(2, "did you mean 'rx_rate'?");
    sessions(&["--colr", "never", "active"], &[], None)
        .assert_failure(2, "did you mean '--color'?");
    // A hidden option is never the suggestion.
    let run = sessions(&["active", "--proc-rot", "/x"], &[], None);
    run.assert_failure(2, "'--proc-rot'");
    assert!(!run.stderr.contains("--proc-root"), "{}", run.stderr);
    // `--rounds` is shown, so it is suggested.
    sessions(&["active", "--roundz", "1"], &[], None).assert_failure(2, "did you mean '--rounds'?");
    sessions(&["config", "set"], &[], None)
        .assert_failure(2, "not provided: <NAME> (see 'sessions config set --help')");
}

#[test]
fn misleading_inputs_are_named_for_what_they_are() {
    let cases: [(&[&str], &str); 8] = [
        (
            &["--url", "localhost:8080", "active"],
            "has no scheme: write http://localhost:8080 for datarhei Core",
        ),
        (
            &["active", "--sample", "-1s"],
            "a duration cannot be negative",
        ),
        (
            &["--timeout", "abc", "active"],
            "not a duration like 500ms, 2s or 1m",
        ),
        (
            &["--max-body-size", "12XB", "active"],
            "not a size like 512KB, 64MiB or 1GiB",
        ),
        (
            &["active", "--filter", "remote=10.0.0.0/33"],
            "'10.0.0.0/33' is not a network like 10.0.0.0/8",
        ),
        (
            &["--port-map", "rtmp=1", "active"],
            "--port-map is an option of `active`, `summary`, `watch`, `top`, `collect`, `kick`: put it after the subcommand",
        ),
        (
            &["summary", "--by", "remote", "--top", "0"],
            "not a whole number of 1 or more",
        ),
        (
            &[
                "--url",
                "http://127.0.0.1:9",
                "summary",
                "--by",
                "remote",
                "-o",
                "prometheus",
            ],
            "-o prometheus exports one series per collector and leaves --by out",
        ),
    ];
    for (args, needle) in cases {
        sessions(args, &[], None).assert_failure(2, needle);
    }
}

#[test]
fn output_into_a_missing_folder_names_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("missing/out.json");
    let target = target.to_str().unwrap();
    let run = sessions(
        &[
            "--output-file",
            target,
            "active",
            "--sample",
            "0s",
            "-o",
            "json",
        ],
        &[],
        None,
    );
    run.assert_failure(1, "does not exist (create it first)");
    assert!(!run.stderr.contains(".sessions-"), "{}", run.stderr);
}

#[test]
fn subcommand_help_lists_its_own_options_first_and_shows_examples() {
    let run = sessions(&["active", "--help"], &[], None);
    run.assert_success();
    let own = run.stdout.find("--sort-by").unwrap();
    let global = run.stdout.find("Global options:").unwrap();
    assert!(own < global, "{}", run.stdout);
    assert!(run.stdout.find("--timeout").unwrap() > global);
    assert!(
        run.stdout.contains("Examples:\n  sessions active"),
        "{}",
        run.stdout
    );
}

#[test]
fn config_help_leaves_out_what_only_reaches_a_server() {
    let run = sessions(&["config", "--help"], &[], None);
    run.assert_success();
    let options: Vec<&str> = run
        .stdout
        .lines()
        .map(str::trim_start)
        .filter(|l| l.starts_with('-'))
        .collect();
    for hidden in [
        "--timeout",
        "--insecure",
        "--max-body-size",
        "--password-stdin",
    ] {
        assert!(
            !options.iter().any(|l| l.starts_with(hidden)),
            "{hidden} in {options:?}"
        );
    }
    assert!(
        options.iter().any(|l| l.starts_with("--config")),
        "{options:?}"
    );
    // `config set` stores --timeout and --insecure in the context: its help keeps them.
    let set = sessions(&["config", "set", "--help"], &[], None);
    assert!(set.stdout.contains("--timeout") && set.stdout.contains("--insecure"));
}

#[test]
fn a_forgotten_source_is_named_from_what_the_server_answers() {
    use crate::support::http::{Reply, Server};
    let stat = "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n<rtmp>\n<nginx_version>1.22.1</nginx_version>\n</rtmp>\n";
    let nginx =
        Server::start(move |_| Reply::json(200, stat).with_header("Server", "nginx/1.22.1"));
    let icecast = Server::start(|_| {
        Reply::json(404, "<html><body>not found</body></html>")
            .with_header("Server", "Icecast 2.4.4")
    });
    let srs = Server::start(|req| match req.path() {
        "/api/v1/versions" => Reply::json(
            200,
            r#"{"code":0,"server":"vid-1","data":{"major":5,"minor":0,"revision":213,"version":"5.0.213"}}"#,
        ),
        _ => Reply::json(404, r#"{"code":1002}"#),
    });
    let mediamtx = Server::start(|req| match req.path() {
        "/v3/paths/list" => Reply::json(200, r#"{"pageCount":1,"itemCount":0,"items":[]}"#),
        _ => Reply::json(404, r#"{"error":"not found"}"#),
    });
    for (server, kind, name) in [
        (&nginx, "nginx-rtmp", "nginx-rtmp"),
        (&icecast, "Icecast", "icecast"),
        (&srs, "SRS", "srs"),
        (&mediamtx, "MediaMTX", "mediamtx"),
    ] {
        let run = sessions(&["--url", &server.url(), "active"], &[], None);
        assert_eq!(run.code, 4, "{}", run.stderr);
        assert!(
            run.stderr
                .ends_with(&format!("; this looks like {kind}: add --source {name}\n")),
            "{}",
            run.stderr
        );
    }
    let run = sessions(&["--url", "rtmp://cam:1935/live", "active"], &[], None);
    run.assert_failure(
        2,
        "--url scheme 'rtmp' is not supported: use http(s):// for datarhei Core (or --source mediamtx, srs, nginx-rtmp, icecast), ws(s):// for TwinCAT HMI Server, no --url for this machine",
    );
}
