//! Integration tests of privet-redact: the one test binary of this crate, a module per concern.

mod redact {
    mod corpus;
    mod reveal;
    mod shapes;
}

use std::path::{Path, PathBuf};

use privet_crypto::SecretKey;
use privet_redact::engine::{Engine, Mode, Secrets};
use privet_redact::files::{FileStats, redact_file};
use privet_redact::policy::Policy;

/// The fixed test key.
pub fn key() -> SecretKey {
    SecretKey::from_bytes([7; 32])
}

/// An engine for a policy text, with the test key.
pub fn engine(policy: &str, mode: Mode) -> Engine {
    let secrets = Secrets {
        key: Some(key()),
        vault: None,
    };
    let policy = Policy::parse(policy).expect("test policy parses");
    Engine::new(policy, secrets, mode).expect("engine builds")
}

/// Writes `content` to `dir/name`, redacts it to `dir/out-name`, returns the output and stats.
pub fn run(dir: &Path, name: &str, content: &[u8], engine: &Engine) -> (Vec<u8>, FileStats) {
    let input = dir.join(name);
    std::fs::write(&input, content).expect("input written");
    let output: PathBuf = dir.join(format!("out-{name}"));
    let stats = redact_file(&input, &output, engine).expect("redaction succeeds");
    (std::fs::read(&output).expect("output readable"), stats)
}
