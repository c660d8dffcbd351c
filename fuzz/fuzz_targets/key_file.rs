//! The master-key file and PRIVET_MASTER_KEY parsers: no panic, round trips, no key text in errors.
#![no_main]

libfuzzer_sys::fuzz_target!(|text: &str| {
    privet_crypto::fuzz::fuzz_key_text(text);
});
