#!/usr/bin/env bash
# Gateway overhead versus a plain reverse proxy, in one run on this machine.
#   bench/overhead.sh            # 1 round, JSON + SSE, direct vs nginx-proxy vs stack-floor vs switchboard
#   ROUNDS=3 bench/overhead.sh   # medians of 3 interleaved rounds (21 min on the README's machine, 2026-11-24)
#   JIT_WARMUP=0 bench/overhead.sh   # measure a cold JVM (default: 30 s of JSON + 30 s of SSE load first)
#   TARGETS="direct nginx-proxy switchboard" bench/overhead.sh   # leave out stack-floor (the same server + upstream client, no pipeline)
# Uses the shared harness in ../shared/bench (nginx mock provider, nginx proxy, wrk at fixed rates).
# Prints the summary table (added p50/p99 over direct at 500 and 2,000 req/s, ratio to nginx's added
# latency, max req/s, gateway CPU µs/request, peak RSS, time to first byte in bursts of 10 and one at a time)
# and writes bench/results/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
ROUNDS="${ROUNDS:-1}"; MODES="${MODES:-json stream}"; TARGETS="${TARGETS:-direct nginx-proxy stack-floor switchboard}"
FLOOR_PORT="${SWITCHBOARD_FLOOR_PORT:-18201}"
OUT="$ROOT/bench/results"; mkdir -p "$OUT"

bench_install_tools

"$HARNESS/start-upstream.sh" >&2
"$HARNESS/start-peers.sh" nginx-proxy >&2

# The gateway, in front of the instant mock provider, with its default JVM flags.
bench_start_gateway switchboard "$PORT"
# The stack's floor: the same server, upstream client and JSON library with no pipeline between them
# (switchboard-bench's StackFloorProxy), so the table shows what the machine and stack cost apart from the gateway.
jvm_targets=("switchboard:$PORT")   # name:port of each JVM target, health-checked and JIT-warmed before measuring
if [[ " $TARGETS " == *" stack-floor "* ]]; then
  source "$ROOT/bin/find-jdk.sh"
  source "$ROOT/bin/sources-newer.sh"
  source "$ROOT/bin/jvm-opts.sh"   # the launcher's JVM flags, as the gateway gets them
  FLOOR_JAR="$ROOT/switchboard-bench/target/benchmarks.jar"
  if needs_build "$FLOOR_JAR"; then (cd "$ROOT" && ./mvnw -q -B package -DskipTests -pl switchboard-bench -am); built "$FLOOR_JAR"; fi
  # shellcheck disable=SC2086
  "$JAVA_HOME/bin/java" $SWITCHBOARD_JAVA_OPTS -cp "$FLOOR_JAR" \
    dev.switchboard.bench.StackFloorProxy "$FLOOR_PORT" "http://127.0.0.1:${UPSTREAM_PORT:-18080}/v1" > "$RUN_DIR/stack-floor.log" 2>&1 &
  echo $! > "$RUN_DIR/stack-floor.pid"
  jvm_targets+=("stack-floor:$FLOOR_PORT")
fi
trap 'kill "$(cat "$RUN_DIR/switchboard.pid")" "$(cat "$RUN_DIR/stack-floor.pid" 2>/dev/null)" 2>/dev/null || true' EXIT
for target in "${jvm_targets[@]}"; do bench_wait_healthy "${target%%:*}" "${target#*:}"; done
for target in "${jvm_targets[@]}"; do bench_jit_warmup "${target#*:}"; done

# java runs as a child of the launcher's exec: the pid is the JVM itself.
: > "$OUT/all.jsonl"
for round in $(seq "$ROUNDS"); do
  for mode in $MODES; do
    stream=""; [ "$mode" = stream ] && stream=stream
    for target in $TARGETS; do
      case $target in
        direct) url="http://127.0.0.1:${UPSTREAM_PORT:-18080}/v1"; pids="" ;;
        nginx-proxy) url="http://127.0.0.1:${NGINX_PROXY_PORT:-18090}/v1"; pids="$(cat "$RUN_DIR/nginx-proxy.pid")" ;;
        stack-floor) url="http://127.0.0.1:$FLOOR_PORT/v1"; pids="$(cat "$RUN_DIR/stack-floor.pid")" ;;
        switchboard) url="http://127.0.0.1:$PORT/v1"; pids="$(cat "$RUN_DIR/switchboard.pid")" ;;
      esac
      echo "== round $round/$ROUNDS $mode $target" >&2
      TARGET_PIDS="$pids" "$HARNESS/bench.sh" "$target" "$url" $stream > "$RUN_DIR/line.json"
      # The harness's first-byte phase runs 10 hey workers whose tickers fire together: bursts of 10 simultaneous
      # streams, so its TTFB is mostly queueing behind the burst's CPU. One worker at the same rate measures what a
      # lone stream's first chunk waits.
      : > "$RUN_DIR/ttfb1.json"
      if [ "$mode" = stream ]; then
        hey -z 5s -c 1 -q "${TTFB_RATE:-200}" -m POST -T application/json -D "$HARNESS/lib/request-stream.json" \
          -H "Authorization: Bearer sk-bench" -disable-compression -o csv "$url/chat/completions" > "$RUN_DIR/ttfb1.csv"
        python3 "$HARNESS/lib/bench_lib.py" hey "$RUN_DIR/ttfb1.csv" > "$RUN_DIR/ttfb1.json"
      fi
      python3 - "$RUN_DIR/line.json" "$RUN_DIR/ttfb1.json" "$round" >> "$OUT/all.jsonl" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); d["round"] = int(sys.argv[3])
one = open(sys.argv[2]).read().strip()
if one: d["ttfb_one"] = {k: v for k, v in json.loads(one).items() if k.startswith("ttfb_") or k == "non2xx_or_err"}
print(json.dumps(d))
PY
    done
  done
done
{ echo "# $(date -u +%FT%TZ) $(uname -r) nproc=$(nproc) ROUNDS=$ROUNDS"; "$JAVA_HOME/bin/java" -version 2>&1 | head -1 || true; } > "$OUT/env.txt" 2>/dev/null || true
python3 "$HARNESS/lib/summarize.py" "$OUT/all.jsonl" "$OUT/summary.json" "$OUT/summary.md" > /dev/null
python3 "$ROOT/bench/ratio.py" "$OUT/summary.json" "$OUT/all.jsonl" | tee "$OUT/overhead.md"
