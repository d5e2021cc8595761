//! ffmpeg command lines read as a list of inputs and outputs (URL or file, format), the way
//! ffmpeg itself assigns options: everything before `-i X` belongs to input X, everything before
//! a bare argument belongs to that output; `-f tee` outputs split into their slaves.

/// Options that take no value. Every other `-option` takes the next argument as its value.
const FLAGS: &[&str] = &[
    "-y",
    "-n",
    "-re",
    "-nostdin",
    "-stdin",
    "-hide_banner",
    "-nostats",
    "-stats",
    "-an",
    "-vn",
    "-sn",
    "-dn",
    "-shortest",
    "-copyts",
    "-start_at_zero",
    "-ignore_unknown",
    "-copy_unknown",
    "-benchmark",
    "-benchmark_all",
    "-debug_ts",
    "-xerror",
    "-report",
    "-accurate_seek",
    "-noaccurate_seek",
    "-dump",
    "-hex",
    "-vstats",
    "-autorotate",
    "-noautorotate",
    "-fix_sub_duration",
];

/// Input or output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Input,
    Output,
}

impl Role {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Role::Input => "in",
            Role::Output => "out",
        }
    }
}

/// Where the data comes from or goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Medium {
    /// A URL with a host: `scheme://host:port/...`; the port is the scheme's default if absent.
    Network {
        scheme: String,
        host: String,
        port: Option<u16>,
    },
    /// Standard input/output or a `pipe:N`.
    Pipe,
    /// A local file or device, or a protocol without a host (`concat:` …).
    File,
    /// An input ffmpeg makes itself: a filter graph (`-f lavfi -i testsrc=…`, `sine`).
    Generated,
    /// An output that is thrown away (`-f null -`).
    Null,
}

impl Medium {
    /// `extra.kind` of its session.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Medium::Network { .. } => "network",
            Medium::Pipe => "pipe",
            Medium::File => "file",
            Medium::Generated => "lavfi",
            Medium::Null => "null",
        }
    }
}

/// One input or output of an ffmpeg process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Io {
    pub role: Role,
    /// The position among the process's inputs or outputs, from 0.
    pub index: usize,
    /// The URL or path with passwords and secret query values masked.
    pub url: String,
    /// `-f` for this input/output (`flv`, `mpegts` …), or a tee slave's `f=`.
    pub format: Option<String>,
    pub medium: Medium,
}

/// The most sessions one process's command line yields: ffmpeg jobs have a few inputs and
/// outputs (a tee of a dozen at most), and a process may name any number of them (196,000 were
/// 500 MiB of rows, and as many finished sessions in `collect`'s store each time they change).
pub(crate) const MAX_ENDPOINTS: usize = 64;

/// The inputs and outputs of one process that are sessions, the first `MAX_ENDPOINTS` of them.
#[derive(Debug, Default)]
pub(crate) struct Endpoints {
    pub list: Vec<Io>,
    /// Sessions the command line names past the first `MAX_ENDPOINTS`.
    pub left_out: usize,
}

impl Endpoints {
    /// Keeps the endpoint when it is a session (any one with `all`, else a network one) and
    /// there is room; masking its URL only then.
    fn offer(&mut self, all: bool, role: Role, index: usize, raw: &str, format: Option<String>) {
        let medium = match (role, format.as_deref()) {
            (Role::Input, Some("lavfi")) => Medium::Generated,
            (Role::Output, Some("null")) => Medium::Null,
            _ => medium_of(raw),
        };
        if !all && !matches!(medium, Medium::Network { .. }) {
            return;
        }
        if self.list.len() == MAX_ENDPOINTS {
            self.left_out += 1;
            return;
        }
        self.list.push(Io {
            role,
            index,
            url: mask_secrets(raw),
            format,
            medium,
        });
    }
}

/// Parses the arguments of one ffmpeg process (argv[0] included) into its inputs and outputs
/// that are sessions: every one with `all`, else those on the network.
pub(crate) fn parse_args<S: AsRef<str>>(args: impl IntoIterator<Item = S>, all: bool) -> Endpoints {
    let mut out = Endpoints::default();
    let mut format: Option<String> = None;
    let (mut inputs, mut outputs) = (0, 0);
    let mut it = args.into_iter().skip(1);
    while let Some(arg) = it.next() {
        let arg = arg.as_ref();
        let is_option = arg.starts_with('-') && arg.len() > 1;
        if !is_option {
            // A bare argument is an output; the options gathered so far are its own.
            for (url, fmt) in split_output(arg, format.take()) {
                out.offer(all, Role::Output, outputs, &url, fmt);
                outputs += 1;
            }
            continue;
        }
        if FLAGS.contains(&arg) {
            continue;
        }
        let Some(value) = it.next() else { break };
        match arg {
            "-i" => {
                out.offer(all, Role::Input, inputs, value.as_ref(), format.take());
                inputs += 1;
            }
            "-f" => format = Some(value.as_ref().to_owned()),
            _ => {}
        }
    }
    out
}

/// A tee output is several outputs: `[f=flv]rtmp://a|[f=mpegts:onfail=ignore]udp://b`.
pub(crate) fn split_output(arg: &str, format: Option<String>) -> Vec<(String, Option<String>)> {
    if format.as_deref() != Some("tee") {
        return vec![(arg.to_owned(), format)];
    }
    split_unescaped(arg, '|')
        .into_iter()
        .map(|slave| {
            let (opts, url) = match slave.strip_prefix('[').and_then(|s| s.split_once(']')) {
                Some((opts, url)) => (opts, url),
                None => ("", slave.as_str()),
            };
            let fmt = split_unescaped(opts, ':')
                .into_iter()
                .find_map(|o| o.strip_prefix("f=").map(str::to_owned));
            (url.to_owned(), fmt)
        })
        .collect()
}

/// Splits on `sep` except where it is escaped with a backslash (ffmpeg's tee escaping).
fn split_unescaped(s: &str, sep: char) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let (Some(next), Some(last)) = (chars.next(), parts.last_mut()) {
                    last.push(next);
                }
            }
            c if c == sep => parts.push(String::new()),
            c => {
                if let Some(last) = parts.last_mut() {
                    last.push(c);
                }
            }
        }
    }
    parts
}

fn default_port(scheme: &str) -> Option<u16> {
    Some(match scheme {
        "rtmp" => 1935,
        "rtmps" | "https" => 443,
        "http" => 80,
        "rtsp" => 554,
        "rtsps" => 322,
        _ => return None,
    })
}

pub(super) fn medium_of(raw: &str) -> Medium {
    if raw == "-" || raw.starts_with("pipe:") {
        return Medium::Pipe;
    }
    let Some((scheme, rest)) = raw.split_once("://") else {
        return Medium::File;
    };
    let scheme = scheme.to_ascii_lowercase();
    if scheme == "file" {
        return Medium::File;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = match hostport.strip_prefix('[') {
        // [v6]:port
        Some(v6) => match v6.split_once(']') {
            Some((h, p)) => (
                h.to_owned(),
                p.strip_prefix(':').and_then(|p| p.parse().ok()),
            ),
            None => (v6.to_owned(), None),
        },
        None => match hostport.rsplit_once(':') {
            Some((h, p)) => (h.to_owned(), p.parse().ok()),
            None => (hostport.to_owned(), None),
        },
    };
    if host.is_empty() {
        return Medium::File;
    }
    let port = port.or_else(|| default_port(&scheme));
    Medium::Network { scheme, host, port }
}

/// `rtmp://u:pw@h/app/s?token=x` → `rtmp://u:***@h/app/s?token=***`, `rtmp://h/app/KEY` →
/// `rtmp://h/app/***`:
/// command lines carry secrets, and our output may be shared (what counts: `source::secrets`).
pub(crate) fn mask_secrets(raw: &str) -> String {
    crate::source::secrets::url(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &[&str]) -> Vec<String> {
        line.iter().map(|s| s.to_string()).collect()
    }

    /// Every input and output.
    fn parse_args(args: &[String]) -> Vec<Io> {
        super::parse_args(args, true).list
    }

    fn summary(eps: &[Io]) -> Vec<(Role, usize, &str, Option<&str>)> {
        eps.iter()
            .map(|e| (e.role, e.index, e.url.as_str(), e.format.as_deref()))
            .collect()
    }

    #[test]
    fn a_typical_restream() {
        let eps = parse_args(&args(&[
            "ffmpeg",
            "-hide_banner",
            "-re",
            "-f",
            "flv",
            "-i",
            "rtmp://127.0.0.1:1935/live/in",
            "-c",
            "copy",
            "-f",
            "flv",
            "rtmp://ingest.example/app/key",
            "-y",
            "backup file.mp4",
        ]));
        assert_eq!(
            summary(&eps),
            [
                (
                    Role::Input,
                    0,
                    "rtmp://127.0.0.1:1935/live/***",
                    Some("flv")
                ),
                (
                    Role::Output,
                    0,
                    "rtmp://ingest.example/app/***",
                    Some("flv")
                ),
                (Role::Output, 1, "backup file.mp4", None),
            ]
        );
        assert_eq!(
            eps[0].medium,
            Medium::Network {
                scheme: "rtmp".into(),
                host: "127.0.0.1".into(),
                port: Some(1935)
            }
        );
        assert_eq!(eps[2].medium, Medium::File);
    }

    #[test]
    fn pipes_and_many_inputs() {
        let eps = parse_args(&args(&[
            "/usr/bin/ffmpeg",
            "-f",
            "rawvideo",
            "-i",
            "-",
            "-i",
            "pipe:3",
            "-i",
            "srt://[::1]:6000?mode=caller&passphrase=hunter2hunter2",
            "-map",
            "0",
            "-f",
            "mpegts",
            "pipe:1",
        ]));
        assert_eq!(eps.len(), 4);
        assert_eq!(eps[0].medium, Medium::Pipe);
        assert_eq!(eps[0].format.as_deref(), Some("rawvideo"));
        assert_eq!(eps[1].medium, Medium::Pipe);
        assert_eq!(eps[1].format, None);
        assert_eq!(eps[2].url, "srt://[::1]:6000?mode=caller&passphrase=***");
        assert_eq!(
            eps[2].medium,
            Medium::Network {
                scheme: "srt".into(),
                host: "::1".into(),
                port: Some(6000)
            }
        );
        assert_eq!(
            (eps[3].role, eps[3].medium.clone()),
            (Role::Output, Medium::Pipe)
        );
    }

    #[test]
    fn tee_outputs_are_split_into_slaves() {
        let eps = parse_args(&args(&[
            "ffmpeg",
            "-i",
            "in.mp4",
            "-f",
            "tee",
            "-map",
            "0:v",
            "[f=flv:onfail=ignore]rtmp://a.example/live/x|[f=mpegts]udp://239.0.0.1:1234|local\\|odd.ts",
        ]));
        assert_eq!(
            summary(&eps),
            [
                (Role::Input, 0, "in.mp4", None),
                (Role::Output, 0, "rtmp://a.example/live/***", Some("flv")),
                (Role::Output, 1, "udp://239.0.0.1:1234", Some("mpegts")),
                (Role::Output, 2, "local|odd.ts", None),
            ]
        );
    }

    #[test]
    fn generated_inputs_and_null_outputs() {
        let eps = parse_args(&args(&[
            "ffmpeg",
            "-re",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=1280x720:rate=25",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=1000",
            "-f",
            "null",
            "-",
            "-f",
            "flv",
            "rtmp://127.0.0.1/live/a",
        ]));
        let kinds: Vec<(Role, &str)> = eps.iter().map(|e| (e.role, e.medium.kind())).collect();
        assert_eq!(
            kinds,
            [
                (Role::Input, "lavfi"),
                (Role::Input, "lavfi"),
                (Role::Output, "null"),
                (Role::Output, "network")
            ]
        );
        assert_eq!(eps[0].url, "testsrc=size=1280x720:rate=25");
    }

    #[test]
    fn odd_command_lines_do_not_panic() {
        for line in [
            &["ffmpeg"][..],
            &["ffmpeg", "-i"],
            &["ffmpeg", "-f"],
            &["ffmpeg", "-f", "tee", "|||"],
            &["ffmpeg", "-i", "rtmp://"],
            &["ffmpeg", "-i", "http://[::1"],
            &["ffmpeg", "-i", "a:b://c@:x/"],
        ] {
            let _ = parse_args(&args(line));
        }
        assert_eq!(
            parse_args(&args(&["ffmpeg", "-i", "rtmp://"]))[0].medium,
            Medium::File
        );
    }

    /// Only sessions count, and at most `MAX_ENDPOINTS` of them: 5,000 outputs are 64
    /// sessions; files before a network output leave it its place.
    #[test]
    fn a_process_yields_a_bounded_number_of_sessions() {
        let mut line = vec!["ffmpeg".to_owned(), "-i".into(), "rtmp://h/live/in".into()];
        line.extend((0..2_000).map(|i| format!("out{i}.ts")));
        line.push("srt://h:9000".into());
        line.extend((0..5_000).map(|i| format!("rtmp://h/live/{i}")));
        let network = super::parse_args(&line, false);
        assert_eq!(network.list.len(), MAX_ENDPOINTS);
        assert_eq!(network.left_out, 2 + 5_000 - MAX_ENDPOINTS);
        let first: Vec<(Role, usize, &str)> = network.list[..3]
            .iter()
            .map(|e| (e.role, e.index, e.url.as_str()))
            .collect();
        assert_eq!(
            first,
            [
                // RTMP's stream key (the path after the application) is masked.
                (Role::Input, 0, "rtmp://h/live/***"),
                (Role::Output, 2_000, "srt://h:9000"),
                (Role::Output, 2_001, "rtmp://h/live/***"),
            ]
        );
        let all = super::parse_args(&line, true);
        assert_eq!(all.list.len(), MAX_ENDPOINTS);
        assert_eq!(all.list[63].url, "out62.ts");
        assert_eq!(all.left_out, 1 + 2_000 + 1 + 5_000 - MAX_ENDPOINTS);
        let files = super::parse_args(args(&["ffmpeg", "-i", "a.mp4", "b.mp4"]), false);
        assert!(files.list.is_empty() && files.left_out == 0);
    }

    #[test]
    fn secrets_are_masked() {
        assert_eq!(
            mask_secrets("rtmp://user:pw@host:1935/app/stream?token=abc&x=1"),
            "rtmp://user:***@host:1935/app/stream?token=***&x=1"
        );
        assert_eq!(mask_secrets("http://u@h/p"), "http://u@h/p");
        assert_eq!(mask_secrets("/tmp/a?b"), "/tmp/a?b");
    }
}
