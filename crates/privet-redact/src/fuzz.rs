//! Entry points for the fuzz targets (`fuzz/fuzz_targets/deid_policy.rs`, `redact_parquet.rs`):
//! the deid.toml parser and the Parquet rewriter over outside input, checked for panics and for
//! what must hold on any input.

use std::sync::OnceLock;

use crate::engine::{Engine, Mode, Secrets};
use crate::parquet::redact_parquet;
use crate::policy::Policy;

/// The deid.toml parser over arbitrary text: no panic, and every error points inside the input.
pub fn fuzz_policy(text: &str) {
    if let Err(errors) = Policy::parse(text) {
        assert!(!errors.0.is_empty(), "a refusal names at least one problem");
        let lines = text.lines().count() + 1;
        for e in &errors.0 {
            assert!(e.line >= 1 && e.line <= lines && e.column >= 1, "{e:?}");
        }
    }
}

/// Redact's Parquet path over arbitrary bytes with the default policy: an error or an output,
/// never a panic, and on error no output file.
pub fn fuzz_parquet(data: &[u8]) {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    let engine = ENGINE.get_or_init(|| {
        Engine::new(
            Policy::default(),
            Secrets {
                key: None,
                vault: None,
            },
            Mode::Redact,
        )
        .expect("the default policy needs no key")
    });
    let dir = tempfile::tempdir().expect("a temporary directory");
    let input = dir.path().join("in.parquet");
    let output = dir.path().join("out.parquet");
    std::fs::write(&input, data).expect("write the input");
    if redact_parquet(&input, &output, engine).is_err() {
        assert!(!output.exists(), "a failed redaction left an output");
    }
}
