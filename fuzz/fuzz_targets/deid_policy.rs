//! The deid.toml parser over arbitrary UTF-8: no panic, errors point inside the input.
#![no_main]

libfuzzer_sys::fuzz_target!(|text: &str| privet_redact::fuzz::fuzz_policy(text));
