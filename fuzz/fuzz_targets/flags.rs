//! libFuzzer target: `sessions::fuzzing::flags`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sessions::fuzzing::flags(data));
