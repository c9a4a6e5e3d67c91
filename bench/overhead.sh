#!/usr/bin/env bash
# Gateway overhead versus a plain reverse proxy, in one run on this machine.
#   bench/overhead.sh            # 1 round, JSON + SSE, direct vs nginx-proxy vs switchboard (~7 min)
#   ROUNDS=3 bench/overhead.sh   # medians of 3 interleaved rounds
#   JIT_WARMUP=0 bench/overhead.sh   # measure a cold JVM (default: 30 s of JSON + 30 s of SSE load first)
# Uses the shared harness in ../shared/bench (nginx mock provider, nginx proxy, wrk at fixed rates).
# Prints the summary table (added p50/p99 over direct at 500 and 2,000 req/s, ratio to nginx's added
# latency, max req/s, gateway CPU µs/request, peak RSS) and writes bench/results/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HARNESS="${HARNESS:-$ROOT/../shared/bench}"
[ -x "$HARNESS/bench.sh" ] || { echo "overhead.sh: the shared harness is not at $HARNESS (set HARNESS=...)" >&2; exit 1; }
export RUN_DIR="${RUN_DIR:-/tmp/llmgw-bench}"
mkdir -p "$RUN_DIR"
PORT="${SWITCHBOARD_BENCH_PORT:-18200}"
ROUNDS="${ROUNDS:-1}"; MODES="${MODES:-json stream}"
OUT="$ROOT/bench/results"; mkdir -p "$OUT"

# Tools from Debian (the harness's own setup.sh also installs Portkey, which this comparison leaves out).
need=(); for p in nginx libnginx-mod-http-echo wrk hey curl; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p"); done
if [ "${#need[@]}" -gt 0 ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d   # don't start distro nginx on :80
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
  rm -f /usr/sbin/policy-rc.d
fi

"$HARNESS/start-upstream.sh" >&2
"$HARNESS/start-peers.sh" nginx-proxy >&2

# The gateway, in front of the instant mock provider, with its default JVM flags.
cat > "$RUN_DIR/switchboard-bench.yaml" <<YAML
model_list:
  - model_name: gpt-4o-mini
    litellm_params: {model: openai/gpt-4o-mini, api_base: "http://127.0.0.1:${UPSTREAM_PORT:-18080}/v1", api_key: sk-bench}
switchboard:
  server: {port: $PORT, log-requests: false}
YAML
"$ROOT/switchboard" serve --config "$RUN_DIR/switchboard-bench.yaml" > "$RUN_DIR/switchboard.log" 2>&1 &
echo $! > "$RUN_DIR/switchboard.pid"
trap 'kill "$(cat "$RUN_DIR/switchboard.pid")" 2>/dev/null || true' EXIT
for i in $(seq 300); do curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null || { cat "$RUN_DIR/switchboard.log" >&2; exit 1; }

# A fresh JVM compiles its hot paths during its first 20-40 s under load (longer on a slow or busy machine), and the
# harness's 5 s warm-up is sized for nginx: warm the gateway with both request kinds first, outside every measurement.
JIT_WARMUP="${JIT_WARMUP:-30}"
if [ "$JIT_WARMUP" -gt 0 ]; then
  for body in request.json request-stream.json; do
    echo "== JIT warm-up: ${JIT_WARMUP}s of $body" >&2
    BODY_FILE="$HARNESS/lib/$body" API_KEY=sk-bench wrk -t2 -c64 -d"${JIT_WARMUP}s" -s "$HARNESS/lib/post.lua" \
      "http://127.0.0.1:$PORT/v1/chat/completions" > /dev/null
  done
fi

# java runs as a child of the launcher's exec: the pid is the JVM itself.
: > "$OUT/all.jsonl"
for round in $(seq "$ROUNDS"); do
  for mode in $MODES; do
    stream=""; [ "$mode" = stream ] && stream=stream
    for target in direct nginx-proxy switchboard; do
      case $target in
        direct) url="http://127.0.0.1:${UPSTREAM_PORT:-18080}/v1"; pids="" ;;
        nginx-proxy) url="http://127.0.0.1:${NGINX_PROXY_PORT:-18090}/v1"; pids="$(cat "$RUN_DIR/nginx-proxy.pid")" ;;
        switchboard) url="http://127.0.0.1:$PORT/v1"; pids="$(cat "$RUN_DIR/switchboard.pid")" ;;
      esac
      echo "== round $round/$ROUNDS $mode $target" >&2
      TARGET_PIDS="$pids" "$HARNESS/bench.sh" "$target" "$url" $stream \
        | python3 -c "import json,sys; d=json.load(sys.stdin); d['round']=$round; print(json.dumps(d))" >> "$OUT/all.jsonl"
    done
  done
done
{ echo "# $(date -u +%FT%TZ) $(uname -r) nproc=$(nproc) ROUNDS=$ROUNDS"; "$JAVA_HOME/bin/java" -version 2>&1 | head -1 || true; } > "$OUT/env.txt" 2>/dev/null || true
python3 "$HARNESS/lib/summarize.py" "$OUT/all.jsonl" "$OUT/summary.json" "$OUT/summary.md" > /dev/null
python3 "$ROOT/bench/ratio.py" "$OUT/summary.json" | tee "$OUT/overhead.md"
