//! Request bodies of the vault API: every body type is parsed from arbitrary bytes; errors must
//! not panic and must not repeat a digit run from the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    privet_server::fuzz::fuzz_request_body(data);
});
