//! libFuzzer target: `sessions::fuzzing::render`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sessions::fuzzing::render(data));
