#!/usr/bin/env bash
# Retention purge benchmark: `privet purge` deletes 1,000,000 expired fields across 100,000
# subjects while privet-load reads other subjects through `privet serve` on the same store, on
# SQLite and, when given a database, on PostgreSQL. Prints fields purged per second and the
# reads' p50/p99 during the purge (privet-load's window ends when the purge does).
# A developer tool; never part of CI.
#
#   benches/purge/run.sh
#   SUBJECTS=10000 benches/purge/run.sh                                   # a quick run
#   PRIVET_BENCH_POSTGRES_URL=postgres://bench@localhost/bench benches/purge/run.sh
#
# Knobs (environment):
#   SUBJECTS      subjects with expired fields (default 100000)
#   FIELDS        expired fields per subject (default 10; each also keeps one field)
#   READERS       privet-load connections reading other subjects (default 16)
#   READ_SUBJECTS subjects privet-load stores and reads (default 10000)
#   VIA           "server" (POST /v1/purges: the purge runs inside privet serve and shares its
#                 group commits, as the scheduler's does) or "cli" (privet purge, a second
#                 process on the same store); default "server cli", each on a fresh population
#   PORT          port to listen on (default 8790)
#   PRIVET_BENCH_POSTGRES_URL  also run against this PostgreSQL database (emptied first)
#   OUT           where results go (default benches/out/purge, gitignored)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
SUBJECTS="${SUBJECTS:-100000}"
FIELDS="${FIELDS:-10}"
READERS="${READERS:-16}"
READ_SUBJECTS="${READ_SUBJECTS:-10000}"
VIA="${VIA:-server cli}"
PORT="${PORT:-8790}"
OUT="${OUT:-$ROOT/benches/out/purge}"
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release"
mkdir -p "$OUT"
log() { printf '==> %s\n' "$*" >&2; }

log "building privet and privet-load (release)"
${SKIP_BUILD:+:} cargo build --release --quiet -p privet-cli -p privet-load

WORK="$(mktemp -d -t privet-bench-purge.XXXXXX)"
SERVER_PID=""
stop_server() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}
trap 'stop_server; rm -rf "$WORK"' EXIT

# privet init's policy with the bench's rules in place of the default ones: e-mail addresses go
# a year after collection (one day of grace), names and the rest stay ten years.
"$BIN/privet" init "$WORK/privet.toml" 2>/dev/null
python3 - "$WORK/privet.toml" <<'PY'
import sys
path = sys.argv[1]
out, cutting = [], False
for line in open(path):
    if line.startswith("["):
        cutting = line.startswith("[retention.")
    if not cutting:
        out.append(line)
out.append("""
[retention.bench_email]
categories = ["contact.*"]
keep_for = "365d"
grace = "1d"
owner = "Bench <bench@example.org>"
every = "1d"

[retention.bench_rest]
categories = ["identity.*", "financial.*"]
keep_for = "10y"
owner = "Bench <bench@example.org>"
every = "1d"
""")
open(path, "w").write("".join(out))
PY
sed -i 's/^max_batch = .*/max_batch = 1000/' "$WORK/privet.toml"
# A purge over HTTP answers when it is done.
printf '\nrequest_timeout_secs = 3600\n' > "$WORK/limits"
sed -i '/^max_batch = 1000/r '"$WORK/limits" "$WORK/privet.toml"

run_backend() { # name via [database-url]
  local name="$1" via="$2" db=("${@:3}") dir="$WORK/$1-$2" args
  mkdir -p "$dir"
  args=(--policy "$WORK/privet.toml" --data-dir "$dir")
  if [ "${#db[@]}" -gt 0 ]; then args+=(--database "${db[0]}"); fi
  local key
  key="$("$BIN/privet" keys create-api-key --role admin "${args[@]}")"
  "$BIN/privet" serve "${args[@]}" --listen "127.0.0.1:$PORT" > "$dir/serve.log" 2>&1 &
  SERVER_PID=$!
  until curl -fsS -o /dev/null "http://127.0.0.1:$PORT/readyz" 2>/dev/null; do
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 20 "$dir/serve.log" >&2; return 1; }
    sleep 0.2
  done
  log "$name: storing $SUBJECTS subjects with $FIELDS expired fields each"
  python3 benches/purge/populate.py --url "http://127.0.0.1:$PORT" --key "$key" \
    --subjects "$SUBJECTS" --fields "$FIELDS" > "$dir/populate.json"
  log "$name: $(cat "$dir/populate.json")"
  log "$name: dry run"
  local d0 d1
  d0=$(date +%s.%N)
  "$BIN/privet" purge --dry-run --format json "${args[@]}" > "$dir/dry.json"
  d1=$(date +%s.%N)
  log "$name: dry run took $(python3 -c "print(round($d1 - $d0, 2))") s"
  log "$name: readers start ($READERS connections over $READ_SUBJECTS other subjects)"
  rm -f "$dir/purged"
  PRIVET_API_KEY="$key" "$BIN/privet-load" --url "http://127.0.0.1:$PORT" --scenario read \
    --connections "$READERS" --subjects "$READ_SUBJECTS" --warmup 2s --duration 3600s \
    --until-exists "$dir/purged" --json > "$dir/load.json" 2> "$dir/load.err" &
  local load_pid=$!
  until grep -q "set up" "$dir/load.err" 2>/dev/null; do
    kill -0 "$load_pid" 2>/dev/null || { cat "$dir/load.err" >&2; return 1; }
    sleep 0.2
  done
  sleep 2.5
  log "$name: purging ($via)"
  local t0 t1
  t0=$(date +%s.%N)
  if [ "$via" = server ]; then
    curl -fsS -X POST "http://127.0.0.1:$PORT/v1/purges" -H "Authorization: Bearer $key" \
      -H 'content-type: application/json' -d '{}' > "$dir/purge.json"
  else
    "$BIN/privet" purge --format json "${args[@]}" > "$dir/purge.json"
  fi
  t1=$(date +%s.%N)
  touch "$dir/purged"
  wait "$load_pid" || true
  stop_server
  python3 - "$name" "$t0" "$t1" "$dir" "$via" <<'PY' | tee -a "$OUT/results.jsonl"
import json, sys
name, t0, t1, d, via = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5]
purge = json.load(open(f"{d}/purge.json"))
dry = json.load(open(f"{d}/dry.json"))
load = json.loads(open(f"{d}/load.json").read().strip().splitlines()[-1])
fields = sum(r["fields"] for r in purge["rules"])
print(json.dumps({
    "backend": name, "via": via, "fields_purged": fields,
    "dry_run_equal": [r["fields"] for r in dry["rules"]] == [r["fields"] for r in purge["rules"]],
    "seconds": round(t1 - t0, 2), "fields_per_s": round(fields / (t1 - t0)),
    "reads": load["requests"], "read_errors": load["errors"], "reads_per_s": round(load["ops_per_sec"]),
    "read_p50_ms": load["p50_ms"], "read_p99_ms": load["p99_ms"], "read_max_ms": load["max_ms"],
}))
PY
}

: > "$OUT/results.jsonl"
for via in $VIA; do
  run_backend sqlite "$via"
  if [ -n "${PRIVET_BENCH_POSTGRES_URL:-}" ]; then
    psql "$PRIVET_BENCH_POSTGRES_URL" -qc 'DROP SCHEMA public CASCADE; CREATE SCHEMA public;' >/dev/null
    run_backend postgres "$via" "$PRIVET_BENCH_POSTGRES_URL"
  fi
done
python3 - "$OUT/results.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(f"{'backend':<10} {'via':<7} {'fields':>9} {'seconds':>8} {'fields/s':>9} {'reads':>7} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7}  dry run equal")
for r in rows:
    print(f"{r['backend']:<10} {r['via']:<7} {r['fields_purged']:>9} {r['seconds']:>8} {r['fields_per_s']:>9} {r['reads']:>7} "
          f"{r['read_p50_ms']:>7.2f} {r['read_p99_ms']:>7.2f} {r['read_max_ms']:>7.2f}  {r['dry_run_equal']}")
PY
