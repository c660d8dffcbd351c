//! The gzip layer over arbitrary deflate streams: a valid member header
//! followed by fuzzer bytes, read as text. Truncation and corruption must be
//! errors, never panics.
#![no_main]

use privet_formats::InputFormat;

const GZIP_HEADER: [u8; 10] = [0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff];

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut input = GZIP_HEADER.to_vec();
    input.extend_from_slice(data);
    privet_formats::fuzz_read(InputFormat::Text, &input);
});
