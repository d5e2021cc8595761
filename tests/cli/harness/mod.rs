//! The server harness (`support::servers`) proved with real traffic, apart from `sessions`:
//! nginx-rtmp and Icecast with ffmpeg publishing and playing, and the MediaMTX and SRS
//! stand-ins against the captured samples and their paging rules.

mod real;
mod standins;
