//! privet redact's Parquet rewriter over arbitrary bytes: errors, never panics, no partial output.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| privet_redact::fuzz::fuzz_parquet(data));
