//! Trust in what is local: a context's credentials go only to its own server, a config file
//! shows no password and is refused when others could have written it, and `--output-file`
//! keeps the mode of what it replaces and leaves no temporary file behind a signal.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::http::{Reply, Request, Server};
use crate::support::{Run, Sessions, sessions};

const SECRET: &str = "ctx-pw-4417";
const TOKEN: &str = "ctx-tok-9921";

/// A datarhei Core that answers anyone, and records who sent what.
fn open_core() -> Server {
    Server::start(|_: &Request| Reply::json(200, r#"{"rtmp":[{"id":"other"}]}"#))
}

/// A datarhei Core that logs `admin` in with `password` and then lists one session.
fn auth_core(password: &'static str) -> Server {
    Server::start(move |req: &Request| match req.path() {
        "/api/login" => {
            let creds: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
            if creds == json!({"username": "admin", "password": password}) {
                Reply::json(200, r#"{"access_token":"ok","refresh_token":"r"}"#)
            } else {
                Reply::json(401, r#"{"code":401,"message":"Invalid credentials"}"#)
            }
        }
        "/api/v3/session/active" if req.bearer() == Some("ok") => {
            Reply::json(200, r#"{"rtmp":[{"id":"own"}]}"#)
        }
        _ => Reply::json(
            401,
            r#"{"code":401,"message":"Missing or invalid JWT token"}"#,
        ),
    })
}

/// Every request a server got, as one text: line, headers and body.
fn seen(server: &Server) -> String {
    server
        .requests()
        .iter()
        .map(|r| {
            format!(
                "{} {} {:?} {}\n",
                r.method,
                r.target,
                r.headers,
                String::from_utf8_lossy(&r.body)
            )
        })
        .collect()
}

/// A folder holding a config file with `text`, mode 0600.
struct Config {
    dir: tempfile::TempDir,
}

impl Config {
    fn new(text: &str) -> Config {
        let config = Config {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::write(config.path(), text).unwrap();
        config.chmod(&config.path(), 0o600);
        config
    }

    fn path(&self) -> PathBuf {
        self.dir.path().join("config.toml")
    }

    fn chmod(&self, path: &Path, mode: u32) {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let path = self.path();
        let mut all = vec![("SESSIONS_CONFIG", path.to_str().unwrap())];
        all.extend_from_slice(env);
        sessions(args, &all, None)
    }
}

fn ids(run: &Run) -> Vec<String> {
    run.assert_success();
    let list = run.json();
    let list = list.as_array().unwrap();
    list.iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_contexts_credentials_never_reach_a_url_given_for_this_run() {
    let (own, other) = (auth_core(SECRET), open_core());
    let marker = tempfile::tempdir().unwrap();
    let ran = marker.path().join("ran");
    let config = Config::new(&format!(
        "[contexts.env]\nurl = \"{own}\"\nuser = \"admin\"\npassword_env = \"STUDIO_PW\"\ntoken = \"{TOKEN}\"\ninsecure = true\n\
         [contexts.cmd]\nurl = \"{own}\"\nuser = \"admin\"\npassword_command = \"touch {ran}; echo {SECRET}\"\n\
         [contexts.lit]\nurl = \"{own}\"\nuser = \"admin\"\npassword = \"{SECRET}\"\n",
        own = own.url(),
        ran = ran.display()
    ));
    let url = other.url();
    for name in ["env", "cmd", "lit"] {
        // The context exported, the URL typed; then both from the environment.
        let env = [("SESSIONS_CONTEXT", name), ("STUDIO_PW", SECRET)];
        let run = config.run(&["-v", "--url", &url, "active", "-o", "json"], &env);
        assert_eq!(ids(&run), ["other"], "{name}");
        let said = format!(
            "context '{name}': --url replaces its URL, so its user, password, token, ca_cert and insecure are not used"
        );
        assert!(run.stderr.contains(&said), "{}", run.stderr);
        let env = [("SESSIONS_URL", url.as_str()), ("STUDIO_PW", SECRET)];
        let run = config.run(&["--context", name, "active", "-o", "json"], &env);
        assert_eq!(ids(&run), ["other"], "{name}");
    }
    let got = seen(&other);
    assert!(!got.contains("/api/login"), "{got}");
    assert!(!got.contains(SECRET) && !got.contains(TOKEN), "{got}");
    assert!(
        !got.contains("Authorization") && !got.contains("authorization"),
        "{got}"
    );
    assert!(!ran.exists(), "the password_command ran for another server");
    assert!(own.requests().is_empty());
    // Its own URL is its own server, however it is given.
    let env = [("STUDIO_PW", SECRET)];
    let run = config.run(
        &[
            "--context",
            "lit",
            "--url",
            &own.url(),
            "active",
            "-o",
            "json",
        ],
        &env,
    );
    assert_eq!(ids(&run), ["own"]);
}

#[test]
fn in_a_fleet_each_context_keeps_its_own_password_source() {
    let (a, b) = (auth_core("a-pw-1871"), auth_core("exported-pw-5"));
    let config = Config::new(&format!(
        "[contexts.a]\nurl = \"{}\"\nuser = \"admin\"\npassword_env = \"A_PW\"\n\
         [contexts.b]\nurl = \"{}\"\nuser = \"admin\"\n\
         [contexts.ice]\nurl = \"{}\"\nuser = \"admin\"\npassword_env = \"ICE_PW\"\n",
        a.url(),
        b.url(),
        b.url()
    ));
    let env = [
        ("A_PW", "a-pw-1871"),
        ("SESSIONS_PASSWORD", "exported-pw-5"),
    ];
    let run = config.run(&["--context", "a,b", "active", "-o", "json"], &env);
    assert_eq!(run.json().as_array().unwrap().len(), 2, "{}", run.stderr);
    assert!(!seen(&a).contains("exported-pw-5"), "{}", seen(&a));
    assert!(seen(&b).contains("exported-pw-5"));
    // An unset password_env is named, alone (exit 2) and as one target of a fleet (exit 7).
    let said = "context 'ice': password_env ICE_PW is not set: export ICE_PW";
    config
        .run(&["--context", "ice", "active"], &[])
        .assert_failure(2, said);
    let run = config.run(&["--context", "a,ice", "active", "-o", "json"], &env);
    assert_eq!(run.code, 7, "{}", run.stderr);
    assert_eq!(run.stderr, format!("sessions: {said}\n"));
}

#[test]
fn a_password_inside_a_context_url_is_never_shown_and_never_used() {
    let server = open_core();
    let url = server
        .url()
        .replace("http://", &format!("http://admin:{SECRET}@"));
    let masked = server.url().replace("http://", "http://admin:***@");
    let config = Config::new(&format!(
        "current-context = \"a\"\n[contexts.a]\nurl = \"{url}\"\n"
    ));
    config.chmod(&config.path(), 0o644);
    let warning = "holds a secret (context 'a') and is readable by others: chmod 600 it";
    for args in [
        &["config", "list"][..],
        &["config", "list", "-o", "json"],
        &["config", "show"],
        &["config", "show", "-o", "json"],
    ] {
        let run = config.run(args, &[]);
        run.assert_success();
        assert!(run.stdout.contains(&masked), "{args:?}: {}", run.stdout);
        assert!(!run.stdout.contains(SECRET) && !run.stderr.contains(SECRET));
        assert!(run.stderr.contains(warning), "{args:?}: {}", run.stderr);
    }
    let run = config.run(&["-v", "active"], &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let refused = format!(
        "context 'a': url '{masked}' must not carry credentials: move them to user and password_env or password_command"
    );
    assert!(
        run.stderr.ends_with(&format!("sessions: {refused}\n")),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains(SECRET), "{}", run.stderr);
    assert!(server.requests().is_empty());
    config.chmod(&config.path(), 0o600);
    assert!(
        !config
            .run(&["config", "list"], &[])
            .stderr
            .contains(warning)
    );
}

#[test]
fn a_config_file_others_could_write_is_refused_before_anything_runs() {
    let server = auth_core("pw");
    let config = Config::new("");
    let ran = config.dir.path().join("ran");
    std::fs::write(
        config.path(),
        format!(
            "current-context = \"a\"\n[contexts.a]\nurl = \"{}\"\nuser = \"admin\"\npassword_command = \"touch {}; echo pw\"\n",
            server.url(),
            ran.display()
        ),
    )
    .unwrap();
    let file = config.path().display().to_string();
    let folder = config.dir.path().display().to_string();
    let refused = |mode: &str, culprit: &str| {
        format!(
            "is writable by others (mode {mode}), so it is not used (it could run commands as you); chmod go-w {culprit}"
        )
    };
    for mode in [0o666, 0o622] {
        config.chmod(&config.path(), mode);
        for args in [&["active"][..], &["config", "list"]] {
            let run = config.run(args, &[]);
            let said = format!(
                "config file {file} {}",
                refused(&format!("{mode:04o}"), &file)
            );
            run.assert_failure(2, &said);
        }
    }
    config.chmod(&config.path(), 0o600);
    config.chmod(config.dir.path(), 0o777);
    let said = format!(
        "the folder {folder} of config file {file} {}",
        refused("0777", &folder)
    );
    config.run(&["active"], &[]).assert_failure(2, &said);
    assert!(!ran.exists(), "a command ran from a file others can write");
    assert!(server.requests().is_empty());
    // A sticky folder (as /tmp) keeps others from replacing the file: it is used.
    config.chmod(config.dir.path(), 0o1777);
    assert_eq!(ids(&config.run(&["active", "-o", "json"], &[])), ["own"]);
    assert!(ran.exists());
    config.chmod(config.dir.path(), 0o700);
    // A file of another user (not root) is refused as ssh refuses it.
    let other = std::os::unix::fs::chown(config.path(), Some(4242), None).is_ok();
    if crate::support::available(other, "cannot give a file to another user (not root)") {
        config.run(&["active"], &[]).assert_failure(
            2,
            &format!("config file {file} belongs to another user (uid 4242), so it is not used"),
        );
    }
}

#[test]
fn config_set_creates_its_folders_for_the_user_alone() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().to_str().unwrap();
    let run = sessions(
        &["config", "set", "a", "--url", "http://127.0.0.1:9"],
        &[("HOME", home)],
        None,
    );
    run.assert_success();
    for folder in [".config", ".config/sessions"] {
        let mode = std::fs::metadata(dir.path().join(folder)).unwrap().mode();
        assert_eq!(mode & 0o777, 0o700, "{folder}");
    }
    let run = sessions(&["config", "list"], &[("HOME", home)], None);
    run.assert_success();
}

#[test]
fn output_file_keeps_the_mode_and_owner_of_the_file_it_replaces() {
    let server = open_core();
    let url = server.url();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sessions.json");
    let write = || {
        let path = out.to_str().unwrap();
        let run = sessions(
            &["--url", &url, "active", "-o", "json", "--output-file", path],
            &[],
            None,
        );
        run.assert_success();
        let meta = std::fs::metadata(&out).unwrap();
        (meta.mode() & 0o7777, meta.uid(), meta.gid())
    };
    let me = (write().1, write().2);
    assert_eq!(write(), (0o644, me.0, me.1), "a new file");
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert_eq!(write(), (0o600, me.0, me.1));
    let chowned = std::os::unix::fs::chown(&out, Some(4242), Some(4243)).is_ok();
    if crate::support::available(chowned, "cannot give a file to another user (not root)") {
        std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o640)).unwrap();
        assert_eq!(write(), (0o640, 4242, 4243));
    }
    assert!(std::fs::read_to_string(&out).unwrap().contains("other"));
}

/// A datarhei Core listing `n` sessions: enough that writing them takes a while.
fn big_core(n: usize) -> Server {
    let list: Vec<Value> = (0..n)
        .map(|i| {
            json!({"id": format!("session-{i:08}"), "reference": "a-fairly-long-reference-name",
                "local": "publish:/live/stream", "remote": "10.0.0.5:1234", "bytes_rx": i, "bytes_tx": i})
        })
        .collect();
    let body = json!({ "rtmp": list }).to_string();
    Server::start(move |_: &Request| Reply::json(200, body.clone()))
}

fn temporary_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".sessions-"))
        .collect()
}

#[test]
fn a_signal_during_output_file_leaves_no_temporary_file() {
    use std::os::unix::process::ExitStatusExt;
    let server = big_core(150_000);
    let url = server.url();
    for signal in [rustix::process::Signal::TERM, rustix::process::Signal::INT] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("sessions.json");
        std::fs::write(&out, "before\n").unwrap();
        let path = out.to_str().unwrap();
        let args = ["--url", &url, "active", "-o", "json", "--output-file", path];
        let mut child = Sessions::new().args(&args).command().spawn().unwrap();
        let started = Instant::now();
        // Wait for the temporary file, then stop the process while it is being written.
        while temporary_files(dir.path()).is_empty() {
            assert!(child.try_wait().unwrap().is_none(), "ended before writing");
            assert!(started.elapsed() < Duration::from_secs(60), "never wrote");
            std::thread::sleep(Duration::from_micros(200));
        }
        let pid = rustix::process::Pid::from_child(&child);
        rustix::process::kill_process(pid, signal).unwrap();
        let status = child.wait().unwrap();
        assert_eq!(
            status.signal(),
            Some(signal.as_raw()),
            "ended by the signal, as before"
        );
        assert_eq!(temporary_files(dir.path()), Vec::<String>::new());
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "before\n");
    }
}
