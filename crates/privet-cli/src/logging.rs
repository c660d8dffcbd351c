//! Structured logs on stderr, quiet by default.

use std::io::IsTerminal;
use std::sync::OnceLock;

use privet_types::{Clock, SystemClock};
use tracing_subscriber::EnvFilter;

/// The format chosen at start, for [`notice`].
static FORMAT: OnceLock<LogFormat> = OnceLock::new();

/// Installs the log subscriber: `PRIVET_LOG` (an `EnvFilter` directive) wins,
/// otherwise `-v` raises the level from warnings to info, `-vv` to debug.
pub(crate) fn init(verbose: u8, format: LogFormat) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = EnvFilter::try_from_env("PRIVET_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colour codes only on a terminal: a log file or a collector gets plain text.
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false);
    let _ = FORMAT.set(format);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// A line for the operator (`privet: serving on ...`): plain text, or with `--log-format json`
/// one JSON object like the log lines, so a collector reading stderr gets only JSON.
pub(crate) fn notice(message: &str) {
    match FORMAT.get() {
        Some(LogFormat::Json) => {
            let line = serde_json::json!({
                "timestamp": SystemClock.now().to_string(),
                "level": "INFO",
                "message": message,
            });
            eprintln!("{line}");
        }
        _ => eprintln!("privet: {message}"),
    }
}
