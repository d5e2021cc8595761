//! libFuzzer target: `sessions::fuzzing::tchmi_duration`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sessions::fuzzing::tchmi_duration(data));
