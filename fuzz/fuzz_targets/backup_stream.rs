//! The backup stream reader: no panic, forged streams yield nothing, written streams read back.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    privet_crypto::fuzz::fuzz_backup_stream(data);
});
