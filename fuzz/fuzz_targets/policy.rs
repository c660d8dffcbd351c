//! The privet.toml policy parser over arbitrary UTF-8: no panic, errors point inside the input.
#![no_main]

libfuzzer_sys::fuzz_target!(|text: &str| {
    if let Err(errors) = privet_types::policy::Policy::parse(text) {
        assert!(!errors.is_empty());
        for e in errors {
            assert!(e.line >= 1 && e.column >= 1);
            assert!(e.line <= text.lines().count() + 1);
        }
    }
});
