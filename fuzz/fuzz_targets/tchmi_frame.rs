//! libFuzzer target: `sessions::fuzzing::tchmi_frame`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sessions::fuzzing::tchmi_frame(data));
