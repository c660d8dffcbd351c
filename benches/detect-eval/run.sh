#!/usr/bin/env bash
# The second, independent accuracy evaluation of privet's detector (see gen.py):
# generates the Faker corpora, scans each with `privet scan --format jsonl`
# and scores the predictions with `privet-corpus eval`, beside the testkit's
# own corpus for comparison. A developer tool; never part of CI.
#
#   benches/detect-eval/run.sh            # records=3000 per set, seed 7
#   RECORDS=500 SEED=11 benches/detect-eval/run.sh
#
# Held-out sets (nobody tuned on them): with ADDRESS_FORMATTING=DIR, a
# checkout of github.com/OpenCageData/address-formatting, heldout.py also
# writes its test-case addresses and libphonenumber's example numbers as
# corpora, and they are scored after the others.
#
# Knobs: RECORDS, SEED, OUT (default benches/out/detect-eval), PRIVET and
# PRIVET_CORPUS (binaries; default target/release, built if missing),
# VENV (default benches/out/detect-eval-venv; Faker is installed there).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/benches/detect-eval"
RECORDS="${RECORDS:-3000}"
SEED="${SEED:-7}"
OUT="${OUT:-$ROOT/benches/out/detect-eval}"
VENV="${VENV:-$ROOT/benches/out/detect-eval-venv}"
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release"
PRIVET="${PRIVET:-$BIN/privet}"
PRIVET_CORPUS="${PRIVET_CORPUS:-$BIN/privet-corpus}"

log() { printf '==> %s\n' "$*" >&2; }

if [ ! -x "$PRIVET" ] || [ ! -x "$PRIVET_CORPUS" ]; then
  log "building privet and privet-corpus (release)"
  (cd "$ROOT" && cargo build --release --quiet -p privet-cli -p privet-testkit)
fi
if [ ! -x "$VENV/bin/python" ] || ! cmp -s "$HERE/requirements.txt" "$VENV/.requirements"; then
  log "installing Faker into $VENV (pinned, from PyPI)"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet -r "$HERE/requirements.txt"
  cp "$HERE/requirements.txt" "$VENV/.requirements"
fi

mkdir -p "$OUT"
log "generating the Faker corpora (seed $SEED, $RECORDS records per set)"
"$VENV/bin/python" "$HERE/gen.py" --out "$OUT" --seed "$SEED" --records "$RECORDS" >&2
log "generating the testkit corpus (seed $SEED, $RECORDS records)"
"$PRIVET_CORPUS" generate --seed "$SEED" --records "$RECORDS" --csv-rows 0 --out "$OUT/testkit" 2>/dev/null

SETS="testkit support intl secrets ids"
if [ -n "${ADDRESS_FORMATTING:-}" ]; then
  log "generating the held-out sets from $ADDRESS_FORMATTING and libphonenumber's examples"
  "$VENV/bin/python" "$HERE/heldout.py" --out "$OUT" --seed "$SEED" \
    --address-formatting "$ADDRESS_FORMATTING" >&2
  SETS="$SETS addresses phones-intl phones-hinted phones-national"
fi

for set in $SETS; do
  status=0
  "$PRIVET" scan --quiet --threads 1 --format jsonl "$OUT/$set/corpus.txt" > "$OUT/$set/predicted.jsonl" || status=$?
  if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
    log "WARNING: privet scan exited with $status on $set"
  fi
  echo "### $set"
  "$PRIVET_CORPUS" eval --labels "$OUT/$set/labels.jsonl" --predicted "$OUT/$set/predicted.jsonl" "$@"
done
