//! The server harness (`support::servers`) proved with real traffic, apart from `sessions`:
//! nginx-rtmp and Icecast with ffmpeg publishing and playing, and the MediaMTX and SRS
//! stand-ins against the captured samples and their paging rules.

mod real;
mod standins;

use std::path::{Path, PathBuf};

fn fixture_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A captured JSON sample under tests/fixtures.
fn sample(name: &str) -> serde_json::Value {
    serde_json::from_str(&sample_text(name)).unwrap()
}

/// A captured sample under tests/fixtures, byte for byte.
fn sample_text(name: &str) -> String {
    let path = fixture_path(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
