//! libFuzzer target: `sessions::fuzzing::config_file`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sessions::fuzzing::config_file(data));
