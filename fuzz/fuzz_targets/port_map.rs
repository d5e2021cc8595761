//! libFuzzer target: `sessions::fuzzing::port_map`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sessions::fuzzing::port_map(data));
