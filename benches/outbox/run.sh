#!/usr/bin/env bash
# Erasure propagation: N subjects (default 10,000), each holding categories that three vendors
# receive, are erased over HTTP; privet serve's outbox posts a signed notice to each vendor's
# webhook (a local receiver). Prints erasures/s, deliveries/s and the time until the outbox is
# empty. A developer tool (release build), never part of CI.
#   benches/outbox/run.sh            N=2000 benches/outbox/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
N="${N:-10000}"
PORT="${PORT:-8791}"
HOOK_PORT="${HOOK_PORT:-8792}"
cargo build --release -p privet-cli --quiet
bin="${CARGO_TARGET_DIR:-target}/release/privet"
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
python3 benches/outbox/receiver.py "$HOOK_PORT" &
"$bin" init "$work/privet.toml" >/dev/null
for v in mailer payments analytics; do
    case $v in mailer) cat="contact.*" ;; payments) cat="financial.*" ;; analytics) cat="online.*" ;; esac
    cat >>"$work/privet.toml" <<TOML

[vendors.$v]
contact = "dpo@$v.example"
country = "IE"
categories = ["$cat"]
erasure_webhook = "http://127.0.0.1:$HOOK_PORT/$v"
secret_env = "BENCH_HOOK_SECRET"
TOML
done
# The analytics vendor's category must be used and kept by the policy, or its writes are refused.
cat >>"$work/privet.toml" <<TOML

[[rules]]
role = "admin"
purpose = "fraud_prevention"
categories = ["online.*"]
decision = "mask"

[retention.online]
categories = ["online.*"]
keep_for = "90d"
owner = "Bench <bench@example.org>"
every = "1d"
TOML
sed -i 's/^max_batch = .*/max_batch = 1000/' "$work/privet.toml"
export PRIVET_DATA_DIR="$work/data" BENCH_HOOK_SECRET=bench-secret
key=$("$bin" keys create-api-key --role admin --label bench --policy "$work/privet.toml" 2>/dev/null | tail -n 1)
"$bin" serve --policy "$work/privet.toml" --listen "127.0.0.1:$PORT" >"$work/serve.log" 2>&1 &
for _ in $(seq 1 100); do curl -sf "127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.3; done
python3 benches/outbox/drive.py "$PORT" "$key" "$N"
echo "receiver counted $(curl -s "127.0.0.1:$HOOK_PORT/") notices"
