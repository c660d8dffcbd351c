#!/usr/bin/env bash
# privet vault benchmark: operations per second and latency of `privet serve`
# over HTTP on loopback (tokenize, detokenize, store, read with a purpose),
# with durable commits, on SQLite and, when given a database, on PostgreSQL.
# A developer tool; never part of CI.
#
#   benches/vault/run.sh
#   DURATION=3s WARMUP=1s SUBJECTS=1000 benches/vault/run.sh            # a quick run
#   PRIVET_BENCH_POSTGRES_URL=postgres://bench@localhost/bench benches/vault/run.sh
#
# Knobs (environment):
#   DURATION      measured window per scenario (default 10s)
#   WARMUP        unmeasured warm-up per scenario (default 2s)
#   CONNECTIONS   concurrent closed-loop connections (default 64)
#   SUBJECTS      subjects stored before the read scenario (default 10000)
#   SCENARIOS     which to run (default "tokenize detokenize store read")
#   LOAD_THREADS  privet-load runtime threads (default 1: the server shares the cores)
#   SEED          card-number seed (default 42)
#   PORT          first port to listen on; each backend takes the next (default 8700)
#   PRIVET_BENCH_POSTGRES_URL  also run against this PostgreSQL database
#   OUT           where results go (default benches/out/vault, gitignored)
#
# Output: $OUT/results.jsonl (one privet-load JSON object per backend and
# scenario, with "backend" added) and one table on stdout.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-2s}"
CONNECTIONS="${CONNECTIONS:-64}"
SUBJECTS="${SUBJECTS:-10000}"
SCENARIOS="${SCENARIOS:-tokenize detokenize store read}"
LOAD_THREADS="${LOAD_THREADS:-1}"
SEED="${SEED:-42}"
PORT="${PORT:-8700}"
OUT="${OUT:-$ROOT/benches/out/vault}"
RESULTS="$OUT/results.jsonl"
BIN="$ROOT/target/release"

log() { printf '==> %s\n' "$*" >&2; }

SERVER_PID=""
WORK="$(mktemp -d -t privet-bench-vault.XXXXXX)"
stop_server() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}
cleanup() {
  stop_server
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

show_log() { # dir
  log "last lines of $1/serve.log:"
  tail -n 20 "$1/serve.log" >&2 || true
}

# Waits until /readyz answers 200, for 30 seconds at most.
wait_ready() { # port dir
  local deadline=$((SECONDS + 30))
  until curl -fsS -o /dev/null "http://127.0.0.1:$1/readyz" 2>/dev/null; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      log "privet serve exited before it was ready"
      show_log "$2"
      return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "privet serve not ready after 30 s"
      show_log "$2"
      return 1
    fi
    sleep 0.2
  done
}

log "building privet and privet-load (release)"
${SKIP_BUILD:+:} cargo build --release --quiet -p privet-cli -p privet-load

mkdir -p "$OUT"
: > "$RESULTS"

backends=(sqlite)
if [ -n "${PRIVET_BENCH_POSTGRES_URL:-}" ]; then
  backends+=(postgres)
fi

port="$PORT"
for backend in "${backends[@]}"; do
  dir="$WORK/$backend"
  mkdir -p "$dir"
  db_args=()
  if [ "$backend" = postgres ]; then
    db_args=(--database "$PRIVET_BENCH_POSTGRES_URL")
  fi

  log "$backend: provisioning an admin API key"
  key="$("$BIN/privet" keys create-api-key --role admin --data-dir "$dir" "${db_args[@]}")"

  log "$backend: starting privet serve on 127.0.0.1:$port"
  "$BIN/privet" serve --data-dir "$dir" --listen "127.0.0.1:$port" "${db_args[@]}" \
    > "$dir/serve.log" 2>&1 &
  SERVER_PID=$!
  wait_ready "$port" "$dir"

  for scenario in $SCENARIOS; do
    log "$backend: $scenario ($CONNECTIONS connections, $WARMUP warm-up, $DURATION measured)"
    status=0
    line="$(PRIVET_API_KEY="$key" "$BIN/privet-load" --url "http://127.0.0.1:$port" \
      --scenario "$scenario" --connections "$CONNECTIONS" --duration "$DURATION" \
      --warmup "$WARMUP" --subjects "$SUBJECTS" --seed "$SEED" --threads "$LOAD_THREADS" \
      --json)" || status=$?
    if [ -z "$line" ]; then
      log "WARNING: $backend $scenario produced no figures (exit $status); left out"
      show_log "$dir"
      continue
    fi
    if [ "$status" -ne 0 ]; then
      log "WARNING: $backend $scenario: more than 1% of requests failed"
    fi
    printf '%s\n' "$line" | sed "s/^{/{\"backend\":\"$backend\",/" >> "$RESULTS"
  done

  stop_server
  port=$((port + 1))
done

# One table over every backend and scenario.
python3 - "$RESULTS" "$CONNECTIONS" "$DURATION" "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" <<'PY'
import json, sys
path, connections, duration, commit = sys.argv[1:5]
rows = [json.loads(l) for l in open(path) if l.strip()]
print(f"\nprivet vault over HTTP on loopback: {connections} connections, {duration} per scenario, commit {commit}\n")
head = ("backend", "scenario", "ops/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors", "requests")
print(f"{head[0]:<9} {head[1]:<11} {head[2]:>10} {head[3]:>8} {head[4]:>8} {head[5]:>8} {head[6]:>8} {head[7]:>7} {head[8]:>9}")
for r in rows:
    print(f"{r['backend']:<9} {r['scenario']:<11} {r['ops_per_sec']:>10.1f} {r['p50_ms']:>8.2f} "
          f"{r['p90_ms']:>8.2f} {r['p99_ms']:>8.2f} {r['max_ms']:>8.2f} {r['errors']:>7} {r['requests']:>9}")
PY
