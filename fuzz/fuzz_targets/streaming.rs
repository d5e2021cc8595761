//! libFuzzer target: `sessions::fuzzing::streaming`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sessions::fuzzing::streaming(data));
