//! Structured logs on stderr, quiet by default.

use tracing_subscriber::EnvFilter;

/// Installs the log subscriber: `PRIVET_LOG` (an `EnvFilter` directive) wins,
/// otherwise `-v` raises the level from warnings to info, `-vv` to debug.
pub(crate) fn init(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = EnvFilter::try_from_env("PRIVET_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
