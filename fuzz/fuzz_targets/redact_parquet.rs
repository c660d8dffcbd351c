//! privet redact's Parquet rewriter over arbitrary bytes: errors, never a panic that escapes, no
//! partial output.
#![no_main]

#[path = "contained.rs"]
mod contained;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    contained::allow_caught_panics();
    privet_redact::fuzz::fuzz_parquet(data)
});
