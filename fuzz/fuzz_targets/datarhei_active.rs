//! libFuzzer target: `sessions::fuzzing::datarhei_active`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sessions::fuzzing::datarhei_active(data));
