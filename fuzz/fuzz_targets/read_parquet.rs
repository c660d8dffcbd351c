//! The parquet reader over arbitrary bytes: errors, never a panic that escapes.
#![no_main]

use privet_formats::InputFormat;

#[path = "contained.rs"]
mod contained;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    contained::allow_caught_panics();
    privet_formats::fuzz_read(InputFormat::Parquet, data)
});
