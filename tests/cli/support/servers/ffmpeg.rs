//! ffmpeg as the clients of the real servers: a test-pattern publisher to RTMP or an Icecast
//! mount, and a player (RTMP or HTTP) that decodes nothing and writes to `-f null`. Each is a
//! child killed on Drop, and each stops by itself after [`LIFETIME_SECONDS`] anyway.

use std::path::PathBuf;
use std::process::Command;

use super::{Daemon, program, unavailable};

/// The longest a stream runs, so that even a lost child does not outlive the tests by much.
pub(crate) const LIFETIME_SECONDS: u32 = 120;

/// The ffmpeg program, found.
pub(crate) struct Ffmpeg {
    program: PathBuf,
}

/// The audio an Icecast source sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Audio {
    /// MP3, `audio/mpeg` (needs libmp3lame, which Debian's ffmpeg has).
    Mp3,
    /// Ogg Vorbis, `application/ogg`.
    Ogg,
}

/// One running ffmpeg.
pub(crate) struct Stream {
    // Declared before the folder with its log: the process goes first.
    daemon: Daemon,
    _dir: tempfile::TempDir,
}

/// ffmpeg, or `None` (with the reason printed) unless SESSIONS_TEST_REQUIRE_SERVERS=1.
pub(crate) fn find() -> Option<Ffmpeg> {
    match program("ffmpeg") {
        Some(program) => Some(Ffmpeg { program }),
        None => unavailable("ffmpeg is not installed (apt-get install ffmpeg)"),
    }
}

impl Ffmpeg {
    /// Publishes a 320x240 test pattern with a sine tone (H.264 + AAC in FLV, about 200 kbit/s,
    /// in real time) to an RTMP URL such as `rtmp://127.0.0.1:PORT/live/cam1`.
    pub(crate) fn publish_rtmp(&self, url: &str) -> Stream {
        let args = [
            "-re",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=320x240:rate=25",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=44100",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-tune",
            "zerolatency",
            "-g",
            "50",
            "-b:v",
            "150k",
            "-c:a",
            "aac",
            "-b:a",
            "48k",
            "-f",
            "flv",
            url,
        ];
        self.run("publisher", &args)
    }

    /// Publishes a sine tone as an Icecast source, `url` being
    /// `icecast://source:PASSWORD@127.0.0.1:PORT/mount`.
    pub(crate) fn publish_icecast(&self, url: &str, audio: Audio) -> Stream {
        let (codec, format, content_type) = match audio {
            Audio::Mp3 => ("libmp3lame", "mp3", "audio/mpeg"),
            Audio::Ogg => ("libvorbis", "ogg", "application/ogg"),
        };
        let args = [
            "-re",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=44100",
            "-c:a",
            codec,
            "-b:a",
            "64k",
            "-content_type",
            content_type,
            "-f",
            format,
            url,
        ];
        self.run("icecast source", &args)
    }

    /// Plays `url` (RTMP, or an HTTP mount) as a viewer would, decoding nothing.
    pub(crate) fn play(&self, url: &str) -> Stream {
        self.run("player", &["-i", url, "-c", "copy", "-f", "null", "-"])
    }

    /// [`Ffmpeg::play`] over HTTP with this User-Agent (Icecast shows it per listener).
    pub(crate) fn play_as(&self, url: &str, user_agent: &str) -> Stream {
        let args = [
            "-user_agent",
            user_agent,
            "-i",
            url,
            "-c",
            "copy",
            "-f",
            "null",
            "-",
        ];
        self.run("player", &args)
    }

    fn run(&self, role: &str, args: &[&str]) -> Stream {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut cmd = Command::new(&self.program);
        let lifetime = LIFETIME_SECONDS.to_string();
        // -t before the output bounds the run; the input options come first.
        let (inputs, output) = args.split_at(args.len() - 1);
        cmd.args(["-nostdin", "-hide_banner", "-loglevel", "error"])
            .args(inputs)
            .args(["-t", &lifetime])
            .args(output);
        let daemon = Daemon::spawn(
            &format!("ffmpeg {role}"),
            cmd,
            &dir.path().join("ffmpeg.log"),
        );
        Stream { daemon, _dir: dir }
    }
}

impl Stream {
    pub(crate) fn pid(&self) -> u32 {
        self.daemon.pid()
    }

    /// Whether ffmpeg still runs (a kicked player ends by itself).
    pub(crate) fn running(&mut self) -> bool {
        self.daemon.exited().is_none()
    }

    /// Panics with ffmpeg's errors if it has ended.
    pub(crate) fn assert_running(&mut self) {
        self.daemon.assert_running();
    }
}
