//! The text reader over arbitrary bytes: errors, never panics.
#![no_main]

use privet_formats::InputFormat;

libfuzzer_sys::fuzz_target!(|data: &[u8]| privet_formats::fuzz_read(InputFormat::Text, data));
