//! libFuzzer target: `sessions::fuzzing::local_ffmpeg`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sessions::fuzzing::local_ffmpeg(data));
