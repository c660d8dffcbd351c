#!/usr/bin/env bash
# privet redact benchmark: throughput of `privet redact` (default policy: every
# detected span replaced by a label like [EMAIL]) beside Presidio's analyzer +
# anonymizer on the same text, a million-row CSV through privet, and a check
# that the redacted output holds no validated identifier. A developer tool;
# never part of CI.
#
#   benches/redact/run.sh                  # full run: 100 MB text, 1M-row CSV
#   SIZE=5MB CSV_ROWS=20000 PEER_SAMPLE=100KB benches/redact/run.sh   # quick run
#
# Knobs (environment):
#   SIZE             text corpus size (default 100MB; MB = 10^6 bytes)
#   CSV_ROWS         rows of the customer CSV (default 1000000)
#   SEED             corpus seed (default 42)
#   PEER_SAMPLE      prefix of the text corpus given to Presidio (default 1MB;
#                    Presidio redacts at 0.005-0.03 MB/s)
#   PEER_TIME_LIMIT  seconds after which a Presidio run stops at the end of the
#                    current line and reports the lines done (default 600; 0: none)
#   PEERS            which peers to run (default "presidio-full presidio-patterns";
#                    empty to skip the virtualenv and peers entirely)
#   POLICY           a deid.toml passed to privet redact as --policy (default: none,
#                    the default policy)
#   PRIVET_TIMEOUT   seconds before a privet run is stopped and reported as timed out (default 1800)
#   OUT              work directory (default benches/out, gitignored; corpora and the
#                    virtualenv are shared with benches/scan)
#
# Output: $OUT/redact/results/*.json and one table on stdout. The corpora come
# from `privet-corpus generate` exactly as in benches/scan/run.sh, so both
# benchmarks reuse the same files.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
HERE="$ROOT/benches/redact"
SIZE="${SIZE:-100MB}"
CSV_ROWS="${CSV_ROWS:-1000000}"
SEED="${SEED:-42}"
PEER_SAMPLE="${PEER_SAMPLE:-1MB}"
PEER_TIME_LIMIT="${PEER_TIME_LIMIT:-600}"
PEERS="${PEERS-presidio-full presidio-patterns}"
POLICY="${POLICY:-}"
PRIVET_TIMEOUT="${PRIVET_TIMEOUT:-1800}"
OUT="${OUT:-$ROOT/benches/out}"
WORK="$OUT/redact"
RESULTS="$WORK/results"
CORPUS="$OUT/corpus-$SEED-$SIZE-$CSV_ROWS"
SAMPLE="$OUT/sample-$SEED-$PEER_SAMPLE"
BIN="$ROOT/target/release"

log() { printf '==> %s\n' "$*" >&2; }
now() { date +%s.%N; }
size_of() { stat -c %s "$1"; }
lines_of() { wc -l < "$1" | tr -d ' '; }

mkdir -p "$WORK" "$RESULTS"
rm -f "$RESULTS"/*.json

# 1. Build. The testkit is built without the detector feature so the corpus
#    generator works even while privet-detect is being changed; privet itself
#    may fail to build, and the run goes on without its rows.
log "building privet-testkit (release)"
cargo build --release --quiet -p privet-testkit --no-default-features
PRIVET=""
log "building privet-cli (release)"
if cargo build --release --quiet -p privet-cli && [ -x "$BIN/privet" ]; then
  PRIVET="$BIN/privet"
  if ! "$PRIVET" redact --help > /dev/null 2>&1; then
    log "WARNING: this privet has no redact command; its rows are left out"
    PRIVET=""
  fi
else
  log "WARNING: privet did not build; its rows are left out"
fi

# 2. Generate the corpus once per (seed, size, rows), and the peer sample (a
#    smaller corpus of the same seed is an exact prefix). Same directories and
#    stamp as benches/scan/run.sh, so the two benchmarks share them.
GEN_ID="$(sha256sum "$BIN/privet-corpus" | cut -c1-16)"
gen() { # dir bytes rows
  if [ "$(cat "$1/.done" 2>/dev/null)" != "$GEN_ID" ]; then
    log "generating $1 (text $2, csv $3 rows)"
    "$BIN/privet-corpus" generate --seed "$SEED" --bytes "$2" --csv-rows "$3" --out "$1"
    echo "$GEN_ID" > "$1/.done"
  fi
}
gen "$CORPUS" "$SIZE" "$CSV_ROWS"
if [ -n "$PEERS" ]; then
  gen "$SAMPLE" "$PEER_SAMPLE" 0
fi

# What privet scan still finds in a redacted file, by type. The seven
# structured types are the ones a validator confirms (Luhn, IBAN checksum, SSN
# rules, ...), so any of them left is a validated identifier in clear.
leftovers() { # redacted-file out.json
  if [ -z "$PRIVET" ]; then
    echo '{}' > "$2"
    return
  fi
  "$PRIVET" scan --quiet --format jsonl "$1" > "$2.jsonl" || log "WARNING: scanning $1 exited with status $?"
  python3 - "$2.jsonl" > "$2" <<'PY'
import json, sys
STRUCTURED = {"email", "phone", "card_number", "us_ssn", "iban", "ip_address", "url"}
types = {}
for line in open(sys.argv[1], encoding="utf-8"):
    if line.strip():
        t = json.loads(line)["type"]
        types[t] = types.get(t, 0) + 1
print(json.dumps({"left_structured": sum(n for t, n in types.items() if t in STRUCTURED),
                  "left_other": sum(n for t, n in types.items() if t not in STRUCTURED),
                  "left_types": types}))
PY
}

# A result: tool, input, bytes, time, peak memory, line counts and leftovers.
record() { # name input bytes start end rss-file lines-in lines-out leftovers.json
  python3 - "$@" <<'PY'
import json, sys
name, inp, nbytes, t0, t1, rss, lin, lout, left = sys.argv[1:10]
secs = float(t1) - float(t0)
r = {"tool": name, "input": inp, "bytes": int(nbytes), "seconds": secs,
     "mb_per_s": int(nbytes) / 1e6 / max(secs, 1e-9), "lines_in": int(lin), "lines_out": int(lout)}
try:
    r["max_rss_kb"] = int(open(rss).read().split()[-1])
except (OSError, ValueError, IndexError):
    pass
r.update(json.load(open(left)))
print(json.dumps(r))
PY
}

# 3. privet redact on the text corpus and the CSV, timed as a whole process
#    (file reading and writing included).
TIMER=()
[ -x /usr/bin/time ] && TIMER=(/usr/bin/time -f %M -o "$WORK/rss")
POLICY_ARGS=()
[ -n "$POLICY" ] && POLICY_ARGS=(--policy "$POLICY")
if [ -n "$PRIVET" ]; then
  for input in corpus.txt customers.csv; do
    redacted="$WORK/privet-${input%.*}.redacted.${input##*.}"
    name="privet-${input%.*}"
    rm -f "$redacted" "$WORK/rss"
    log "privet redact on $input"
    start=$(now)
    status=0
    timeout "$PRIVET_TIMEOUT" "${TIMER[@]}" "$PRIVET" redact "${POLICY_ARGS[@]}" "$CORPUS/$input" -o "$redacted" || status=$?
    end=$(now)
    if [ "$status" -eq 124 ]; then
      log "WARNING: privet redact on $input stopped after ${PRIVET_TIMEOUT}s"
      echo "{\"tool\": \"privet\", \"input\": \"$input\", \"timed_out\": $PRIVET_TIMEOUT, \"bytes\": $(size_of "$CORPUS/$input"), \"mb_per_s\": 0}" \
        > "$RESULTS/$name.json"
      continue
    elif [ "$status" -ne 0 ] || [ ! -f "$redacted" ]; then
      log "WARNING: privet redact exited with status $status on $input; left out"
      continue
    fi
    log "scanning the redacted $input"
    leftovers "$redacted" "$WORK/left-$name.json"
    record "privet" "$input" "$(size_of "$CORPUS/$input")" "$start" "$end" "$WORK/rss" \
      "$(lines_of "$CORPUS/$input")" "$(lines_of "$redacted")" "$WORK/left-$name.json" > "$RESULTS/$name.json"
  done
fi

# 4. Presidio, in the scan benchmark's virtualenv (same pinned versions), on the
#    prefix sample, with a time limit.
if [ -n "$PEERS" ]; then
  VENV="$OUT/venv"
  STAMP="$VENV/.requirements"
  REQS="$ROOT/benches/scan/requirements.txt"
  if [ ! -x "$VENV/bin/python" ] || ! cmp -s "$REQS" "$STAMP"; then
    log "installing peers into $VENV (pinned, from PyPI)"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --upgrade pip
    "$VENV/bin/pip" install --quiet -r "$REQS"
    cp "$REQS" "$STAMP"
  fi
  for peer in $PEERS; do
    case "$peer" in
      presidio-full) mode=full ;;
      presidio-patterns) mode=patterns ;;
      *) log "WARNING: unknown peer $peer"; continue ;;
    esac
    redacted="$WORK/$peer.redacted.txt"
    log "$peer on $(basename "$SAMPLE")/corpus.txt (time limit ${PEER_TIME_LIMIT}s)"
    if (cd "$HERE" && "$VENV/bin/python" presidio_redact.py --mode "$mode" --input "$SAMPLE/corpus.txt" \
          --out "$redacted" --stats "$WORK/$peer.stats.json" --work "$OUT" --time-limit "$PEER_TIME_LIMIT") >&2; then
      log "scanning the redacted $peer output"
      leftovers "$redacted" "$WORK/left-$peer.json"
      python3 - "$WORK/$peer.stats.json" "$WORK/left-$peer.json" "$peer" > "$RESULTS/$peer.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
limit = ", time limit" if s["stopped_at_time_limit"] else ""
r = {"tool": sys.argv[3], "input": f"corpus.txt prefix ({s['bytes']} B{limit})", "bytes": s["bytes"],
     "seconds": s["seconds"], "mb_per_s": s["mb_per_s"]}
r.update(json.load(open(sys.argv[2])))
print(json.dumps(r))
PY
    else
      log "WARNING: $peer failed; left out"
    fi
  done
fi

# 5. One table.
python3 "$HERE/table.py" "$RESULTS"
