//! libFuzzer target: `sessions::fuzzing::stderr_line`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sessions::fuzzing::stderr_line(data));
