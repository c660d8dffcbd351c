//! Progress bars on stderr: the scan's, and one that follows a byte counter (redact).

use std::cell::Cell;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use privet_scan::Progress;

/// Scans shorter than this never show a bar, so quick runs stay clean.
const SHOW_AFTER: Duration = Duration::from_millis(400);

/// A byte-based bar that appears only when the scan takes a while and stderr
/// is a terminal.
pub(crate) struct Bar {
    bar: ProgressBar,
    started: Instant,
    shown: Cell<bool>,
    enabled: bool,
}

impl Bar {
    /// A bar that stays hidden when `enabled` is false (`--quiet`).
    pub(crate) fn new(enabled: bool) -> Self {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        let style = ProgressStyle::with_template(
            // `wide_bar` takes what the terminal has left, so the line never wraps.
            "{spinner} scanning {bytes}/{total_bytes} [{wide_bar}] {bytes_per_sec} eta {eta}",
        )
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        Bar {
            bar,
            started: Instant::now(),
            shown: Cell::new(false),
            enabled,
        }
    }

    fn maybe_show(&self) {
        if self.enabled && !self.shown.get() && self.started.elapsed() >= SHOW_AFTER {
            self.shown.set(true);
            // `stderr()` hides itself when stderr is not a terminal.
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }
}

impl Progress for Bar {
    fn start(&self, total_bytes: u64, _sources: u64) {
        self.bar.set_length(total_bytes);
    }

    fn advance(&self, bytes: u64) {
        self.bar.inc(bytes);
        self.maybe_show();
    }

    fn suspend(&self, f: &mut dyn FnMut()) {
        self.bar.suspend(f);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// Shows a byte bar for work that bumps `read` until `done`, from 0.4 s on and only on a terminal.
pub(crate) fn follow(
    verb: &str,
    total: u64,
    read: &std::sync::atomic::AtomicU64,
    done: &std::sync::atomic::AtomicBool,
) {
    use std::sync::atomic::Ordering;
    let started = Instant::now();
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
    let template = format!(
        "{{spinner}} {verb} {{bytes}}/{{total_bytes}} [{{wide_bar}}] {{bytes_per_sec}} eta {{eta}}"
    );
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style.progress_chars("=> "));
    }
    let mut shown = false;
    while !done.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(100));
        if !shown && started.elapsed() >= SHOW_AFTER {
            shown = true;
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        bar.set_position(read.load(Ordering::Relaxed).min(total));
    }
    bar.finish_and_clear();
}
