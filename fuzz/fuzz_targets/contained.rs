//! For targets whose code catches panics of a dependency on purpose (the parquet crate panics on
//! some crafted files; privet turns that into an error for the file, see privet-formats'
//! columnar reader and privet-redact's parquet rewriter). libFuzzer's panic hook aborts at the
//! panic itself, before the catch runs, so it would report what privet already handles. This
//! hook only prints where the panic was; a panic that escapes privet's code still fails the run,
//! because the harness aborts when the target returns by unwinding.

use std::sync::Once;

static HOOK: Once = Once::new();

pub fn allow_caught_panics() {
    HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            eprintln!("panic (caught unless the run stops here) at {:?}", info.location());
        }));
    });
}
