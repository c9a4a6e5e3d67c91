#!/usr/bin/env bash
# Many streams at once through the gateway with its default JVM flags: C connections (default 1,000, near the default
# max-concurrent-requests of 1,024) each streaming one chat answer after another for SECONDS from a simulated model
# (200 ms to the first token, 100 tokens/s), the SQLite ledger on. Prints wrk's summary, whether the gateway is still
# up, and its peak RSS.
#   bench/concurrent-streams.sh
#   C=500 SECONDS_=60 bench/concurrent-streams.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
# shellcheck source=bench/burst.sh
source "$ROOT/bench/burst.sh"
C="${C:-1000}"; SECONDS_="${SECONDS_:-30}"; RUN="$RUN_DIR/concurrent-streams"   # PORT: bench/lib.sh's
mkdir -p "$RUN"
bench_install_tools
cat > "$RUN/gateway.yaml" <<YAML
model_list:
  - model_name: gpt-4o-mini
    litellm_params: {model: simulated/gpt-4o-mini, ttft_ms: 200, tokens_per_second: 100}
switchboard:
  server: {port: $PORT, log-requests: false}
  ledger: {store: sqlite, path: "$RUN/ledger.db"}
YAML
rm -f "$RUN/ledger.db"*
"$ROOT/switchboard" serve --config "$RUN/gateway.yaml" > "$RUN/gateway.log" 2>&1 & gw=$!
trap 'kill $gw 2>/dev/null || true' EXIT
bench_wait_healthy concurrent-streams/gateway "$PORT"
BODY_FILE="$HARNESS/lib/request-stream.json" API_KEY=sk-bench wrk -t2 -c"$C" -d"${SECONDS_}s" --timeout 30s \
  -s "$HARNESS/lib/post.lua" "http://127.0.0.1:$PORT/v1/chat/completions" | grep -v '^WRKJSON'
burst_report "$PORT" "$gw" "$RUN/gateway.log"
