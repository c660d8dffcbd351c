//! The detector engine over arbitrary bytes: no panic, spans in bounds.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| privet_detect::fuzz_detect(data));
