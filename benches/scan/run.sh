#!/usr/bin/env bash
# privet scan benchmark: throughput and accuracy of privet beside its peers on
# the same seeded, labeled input. A developer tool; never part of CI.
#
#   benches/scan/run.sh                  # full run: 100 MB text, 1M-row CSV
#   SIZE=5MB CSV_ROWS=20000 PEER_SAMPLE=200KB benches/scan/run.sh   # quick run
#
# Knobs (environment):
#   SIZE            text corpus size (default 100MB; MB = 10^6 bytes)
#   CSV_ROWS        rows of the customer CSV (default 1000000)
#   SEED            corpus seed (default 42)
#   PEER_SAMPLE     prefix of the text corpus given to Presidio (default 1MB;
#                   Presidio runs at 0.01-0.06 MB/s)
#   DATAFOG_SAMPLE  prefix given to datafog-core (default 20MB)
#   PEERS           which peers to run (default "presidio-full presidio-patterns datafog";
#                   empty to skip the virtualenv and peers entirely)
#   PRIVET_THREADS  privet --threads settings to run (default "1 0": one core, all cores)
#   PRIVET_TIMEOUT  seconds before a privet run is stopped and reported as timed out (default 1800)
#   OUT             work directory (default benches/out, gitignored)
#
# Output: benches/out/results/*.json and one table on stdout. The text corpus,
# its labels and the peer samples come from `privet-corpus generate`; a sample
# generated with the same seed and a smaller --bytes is an exact prefix of the
# full corpus, so peers are scored against the matching labels.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
HERE="$ROOT/benches/scan"
SIZE="${SIZE:-100MB}"
CSV_ROWS="${CSV_ROWS:-1000000}"
SEED="${SEED:-42}"
PEER_SAMPLE="${PEER_SAMPLE:-1MB}"
DATAFOG_SAMPLE="${DATAFOG_SAMPLE:-20MB}"
PEERS="${PEERS-presidio-full presidio-patterns datafog}"
PRIVET_THREADS="${PRIVET_THREADS:-1 0}"
PRIVET_TIMEOUT="${PRIVET_TIMEOUT:-1800}"
OUT="${OUT:-$ROOT/benches/out}"
RESULTS="$OUT/results"
CORPUS="$OUT/corpus-$SEED-$SIZE-$CSV_ROWS"
BIN="$ROOT/target/release"

log() { printf '==> %s\n' "$*" >&2; }
now() { date +%s.%N; }

mkdir -p "$OUT" "$RESULTS"
rm -f "$RESULTS"/*.json

# 1. Build. The testkit is built without the detector feature so the harness
#    works even while privet-detect is being changed; privet itself may fail
#    to build, and the run goes on without it.
log "building privet-testkit (release)"
cargo build --release --quiet -p privet-testkit --no-default-features
PRIVET=""
log "building privet-cli (release)"
if cargo build --release --quiet -p privet-cli && [ -x "$BIN/privet" ]; then
  PRIVET="$BIN/privet"
else
  log "WARNING: privet did not build; its rows are left out"
fi

# 2. Generate the corpus once per (seed, size, rows), and the peer samples.
# The stamp names the generator build, so a changed generator regenerates.
GEN_ID="$(sha256sum "$BIN/privet-corpus" | cut -c1-16)"
gen() { # dir bytes rows
  if [ "$(cat "$1/.done" 2>/dev/null)" != "$GEN_ID" ]; then
    log "generating $1 (text $2, csv $3 rows)"
    "$BIN/privet-corpus" generate --seed "$SEED" --bytes "$2" --csv-rows "$3" --out "$1"
    echo "$GEN_ID" > "$1/.done"
  fi
}
gen "$CORPUS" "$SIZE" "$CSV_ROWS"
gen "$OUT/sample-$SEED-$PEER_SAMPLE" "$PEER_SAMPLE" 0
gen "$OUT/sample-$SEED-$DATAFOG_SAMPLE" "$DATAFOG_SAMPLE" 0

# A result: tool, input, MB/s, and an eval JSON file (or none).
record() { # name input bytes start end [eval-json]
  python3 - "$@" <<'PY'
import json, sys
name, inp, nbytes, t0, t1 = sys.argv[1:6]
secs = float(t1) - float(t0)
r = {"tool": name, "input": inp, "bytes": int(nbytes), "seconds": secs,
     "mb_per_s": int(nbytes) / 1e6 / max(secs, 1e-9)}
if len(sys.argv) > 6:
    reports = [json.loads(l) for l in open(sys.argv[6]) if l.strip()]
    if reports:
        rep = reports[-1]["report"]
        r["micro_10"] = rep["micro_10"]["f1"]
        r["micro_7"] = rep["micro_7"]["f1"]
        r["types"] = {k: v["f1"] for k, v in rep["types"].items()}
print(json.dumps(r))
PY
}
evaluate() { # labels predicted out.json
  "$BIN/privet-corpus" eval --json --labels "$1" --predicted "$2" > "$3"
}
size_of() { stat -c %s "$1"; }

# 3. privet on the text corpus and the CSV.
if [ -n "$PRIVET" ]; then
  for t in $PRIVET_THREADS; do
    label="privet (threads=$t)"; [ "$t" = 0 ] && label="privet (all cores)"
    for input in corpus.txt customers.csv; do
      pred="$OUT/privet-$t-$input.jsonl"
      log "$label on $input"
      start=$(now)
      status=0
      timeout "$PRIVET_TIMEOUT" "$PRIVET" scan --quiet --threads "$t" --format jsonl "$CORPUS/$input" > "$pred" || status=$?
      end=$(now)
      if [ "$status" -eq 124 ]; then
        log "WARNING: privet on $input stopped after ${PRIVET_TIMEOUT}s"
        echo "{\"tool\": \"$label\", \"input\": \"$input\", \"timed_out\": $PRIVET_TIMEOUT, \"bytes\": $(size_of "$CORPUS/$input"), \"mb_per_s\": 0}" \
          > "$RESULTS/privet-$t-$input.json"
        continue
      elif [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
        log "WARNING: privet exited with status $status on $input"
      fi
      labels="$CORPUS/labels.jsonl"; [ "$input" = customers.csv ] && labels="$CORPUS/customers.labels.jsonl"
      evaluate "$labels" "$pred" "$OUT/eval-privet-$t-$input.json" || log "WARNING: scoring privet on $input failed"
      record "$label" "$input" "$(size_of "$CORPUS/$input")" "$start" "$end" \
        "$OUT/eval-privet-$t-$input.json" > "$RESULTS/privet-$t-$input.json"
    done
  done
fi

# 4. The bare regex ceiling over the same bytes.
for input in corpus.txt customers.csv; do
  log "bare regex on $input"
  "$BIN/privet-bare-regex" "$CORPUS/$input" | python3 -c '
import json, sys
r = json.loads(sys.stdin.read())
print(json.dumps({"tool": "bare Rust regex", "input": sys.argv[1], "bytes": r["bytes"],
                  "seconds": r["seconds"], "mb_per_s": r["mb_per_s"]}))' "$input" > "$RESULTS/bare-$input.json"
done

# 5. Peers, in a virtualenv with the pinned versions, on prefix samples.
if [ -n "$PEERS" ]; then
  VENV="$OUT/venv"
  STAMP="$VENV/.requirements"
  if [ ! -x "$VENV/bin/python" ] || ! cmp -s "$HERE/requirements.txt" "$STAMP"; then
    log "installing peers into $VENV (pinned, from PyPI)"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --upgrade pip
    "$VENV/bin/pip" install --quiet -r "$HERE/requirements.txt"
    cp "$HERE/requirements.txt" "$STAMP"
  fi
  for peer in $PEERS; do
    case "$peer" in
      presidio-full) script=presidio_scan.py; extra=(--mode full); sample="$OUT/sample-$SEED-$PEER_SAMPLE" ;;
      presidio-patterns) script=presidio_scan.py; extra=(--mode patterns); sample="$OUT/sample-$SEED-$PEER_SAMPLE" ;;
      datafog) script=datafog_scan.py; extra=(); sample="$OUT/sample-$SEED-$DATAFOG_SAMPLE" ;;
      *) log "WARNING: unknown peer $peer"; continue ;;
    esac
    log "$peer on $(basename "$sample")/corpus.txt"
    pred="$OUT/$peer.jsonl"
    if (cd "$HERE" && "$VENV/bin/python" "$script" "${extra[@]}" --input "$sample/corpus.txt" \
          --out "$pred" --stats "$OUT/$peer.stats.json" --work "$OUT") >&2; then
      evaluate "$sample/labels.jsonl" "$pred" "$OUT/eval-$peer.json"
      python3 - "$OUT/$peer.stats.json" "$OUT/eval-$peer.json" "$peer" > "$RESULTS/$peer.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
rep = [json.loads(l) for l in open(sys.argv[2]) if l.strip()][-1]["report"]
print(json.dumps({"tool": sys.argv[3], "input": f"corpus.txt prefix ({s['bytes']} B)", "bytes": s["bytes"],
                  "seconds": s["seconds"], "mb_per_s": s["mb_per_s"],
                  "micro_10": rep["micro_10"]["f1"], "micro_7": rep["micro_7"]["f1"],
                  "types": {k: v["f1"] for k, v in rep["types"].items()}}))
PY
    else
      log "WARNING: $peer failed; left out"
    fi
  done
fi

# 6. One table.
python3 "$HERE/table.py" "$RESULTS"
