#!/usr/bin/env bash
# Throughput per core of the README's PySpark job (privet.spark over a Parquet dataset), PySpark
# in local mode with two workers, against `privet scan` over the same files. A developer tool;
# never part of CI. Run it on a quiet machine:
#
#   flock -x /work/locks/gate flock -x /work/locks/cpu benches/python/run-spark.sh
#
# Knobs (environment): ROWS customer rows (default 500000, about 90 MB of strings), FILES Parquet
# files = partitions (default 8), WORKERS (default 2), SEED (default 42), OUT (default benches/out).
# Needs Java (Debian's openjdk-17-jre-headless). The extension is the release build run.sh makes
# (`maturin develop --release` into benches/out/python-venv); PySpark is added to that venv.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
ROWS="${ROWS:-500000}"
FILES="${FILES:-8}"
WORKERS="${WORKERS:-2}"
SEED="${SEED:-42}"
OUT="${OUT:-$ROOT/benches/out}"
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release"
VENV="$OUT/python-venv"
log() { printf '==> %s\n' "$*" >&2; }

log "building privet and privet-corpus (release)"
cargo build --release --quiet -p privet-cli -p privet-testkit --bins
source "$ROOT/benches/python/extension.sh"
build_extension "$VENV"
"$VENV/bin/python" -c 'import pyspark, pyarrow, pandas' 2>/dev/null \
  || "$VENV/bin/pip" install --quiet 'pyspark>=3.5' 'pyarrow>=14' 'pandas>=1.5'

CSV="$OUT/customers-$SEED-$ROWS"
if [ ! -s "$CSV/customers.csv" ]; then
  log "generating $ROWS customer rows"
  "$BIN/privet-corpus" generate --seed "$SEED" --records 1 --csv-rows "$ROWS" --out "$CSV" >/dev/null
fi
log "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$VENV/bin/python" benches/python/spark_scan.py --csv "$CSV/customers.csv" --work "$OUT" \
  --files "$FILES" --workers "$WORKERS" --privet "$BIN/privet" | tee "$OUT/spark-results.jsonl"
log "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$OUT/spark-results.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
r0 = rows[0]
print(f"{r0['rows']} rows in {r0['files']} Parquet files, {r0['text_bytes'] / 1e6:.1f} MB of strings "
      f"({r0['parquet_bytes'] / 1e6:.1f} MB on disk)")
print(f"{'job':<32} {'cores':>5} {'seconds':>8} {'MB/s':>7} {'MB/s per core':>14}")
for r in rows:
    print(f"{r['tool']:<32} {r['cores']:>5} {r['seconds']:>8.1f} {r['mb_per_s']:>7.1f} {r['mb_per_s_per_core']:>14.1f}")
PY
