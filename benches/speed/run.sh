#!/usr/bin/env bash
# Scan speed on one and two threads, and the phone validator's comparison
# with libphonenumber (issue 13). A developer tool, never part of CI: speed
# is measured here, not asserted in tests.
#
#   benches/speed/run.sh CORPUS_FILE            # e.g. a 20 MB text prefix
#
# Knobs (environment):
#   REPEAT   runs per thread count; the fastest is kept (default 3)
#   THREADS  thread counts to run (default "1 2")
#   PHONES   1 to also run the million-number phone comparison (default 1)
#   BARE     1 to also time the bare regex alternation (privet-bare-regex) over
#            the same bytes and print the one-thread ratio to it (default 1)
#
# Prints one line per run (MB/s, findings, digest of the findings in output
# order: equal digests mean identical findings), then the best MB/s per
# thread count, the ratio to one thread and the load average before the runs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
INPUT="${1:?usage: benches/speed/run.sh CORPUS_FILE}"
REPEAT="${REPEAT:-3}"
THREADS="${THREADS:-1 2}"
PHONES="${PHONES:-1}"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"

BARE="${BARE:-1}"
cargo build --release --quiet -p privet-scan --example scan_speed
BIN="$TARGET/release/examples/scan_speed"
if [ "$BARE" = 1 ]; then
  cargo build --release --quiet -p privet-testkit --no-default-features --bin privet-bare-regex
fi

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
declare -A best
for t in $THREADS; do
  for _ in $(seq "$REPEAT"); do
    line="$(/usr/bin/time -f 'maxrss_kb=%M cpu=%P' "$BIN" "$t" "$INPUT" 2>&1)"
    echo "$line" | paste -sd' ' 
    mbs="$(sed -n 's/.*mb_s=\([0-9.]*\).*/\1/p' <<<"$line")"
    if [ -z "${best[$t]:-}" ] || awk -v a="$mbs" -v b="${best[$t]}" 'BEGIN{exit !(a>b)}'; then
      best[$t]="$mbs"
    fi
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
first="${THREADS%% *}"
for t in $THREADS; do
  ratio="$(awk -v a="${best[$t]}" -v b="${best[$first]}" 'BEGIN{printf "%.2f", a/b}')"
  echo "threads=$t best_mb_s=${best[$t]} ratio_to_${first}=$ratio"
done
if [ "$BARE" = 1 ]; then
  bare="$("$TARGET/release/privet-bare-regex" --repeat "$REPEAT" "$INPUT" |
    sed -n 's/.*"mb_per_s":\([0-9.]*\).*/\1/p')"
  echo "bare regex alternation mb_s=$bare; threads=$first is $(awk -v a="${best[$first]}" -v b="$bare" 'BEGIN{printf "%.3f", a/b}') of it"
  echo "load end: $(cut -d' ' -f1-3 /proc/loadavg)"
fi

if [ "$PHONES" = 1 ]; then
  cargo test --release --quiet -p privet-detect --lib same_verdict_as_the_crate_on_a_million \
    -- --ignored --nocapture 2>&1 | grep -E "comparisons|test result|panicked|got"
fi
