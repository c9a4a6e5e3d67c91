#!/usr/bin/env bash
# The gateway under minutes of steady load, in 10 s windows: shows the rare stalls (a full collection every few
# minutes) that one 10 s run of overhead.sh catches only by luck.
#   bench/sustained.sh                                  # launcher's JVM flags, 2,000 req/s JSON, 24 windows (~5.5 min)
#   RATE=500 MODE=stream WINDOWS=12 bench/sustained.sh
#   WINDOWS=1 WINDOW_SECONDS=120 bench/sustained.sh     # one long window: the same 128 connections throughout
#   VARIANTS=$'serial|\ng1|-XX:+UseG1GC' bench/sustained.sh   # one JVM after another, each "name|extra JVM flags"
# The extra flags go to SWITCHBOARD_EXTRA_JAVA_OPTS (a collector named there replaces the default one). Each JVM is
# warmed like overhead.sh's, then prints one line per window (p50 / p99 / p99.9 / max ms, achieved rate, errors,
# peak RSS MB, the heap after the window's first and last young collection) and, at the end, its CPU seconds and
# every collector pause over 20 ms (from -Xlog:gc). Each window is a new wrk run with 128 new connections.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
RATE="${RATE:-2000}"; MODE="${MODE:-json}"; WINDOWS="${WINDOWS:-24}"; WINDOW_SECONDS="${WINDOW_SECONDS:-10}"
VARIANTS="${VARIANTS:-default|}"
body=request.json; [ "$MODE" = stream ] && body=request-stream.json

bench_install_tools
"$HARNESS/start-upstream.sh" >&2

trap 'kill "$(cat "$RUN_DIR/sustained.pid" 2>/dev/null)" 2>/dev/null || true' EXIT
while IFS='|' read -r name opts; do
  [ -n "$name" ] || continue
  gclog="$RUN_DIR/sustained-$name.gc"
  SWITCHBOARD_EXTRA_JAVA_OPTS="-Xlog:gc:file=$gclog $opts" bench_start_gateway sustained "$PORT"
  pid="$(cat "$RUN_DIR/sustained.pid")"
  bench_wait_healthy sustained "$PORT"
  bench_jit_warmup "$PORT"
  echo "== $name: $WINDOWS × $WINDOW_SECONDS s of $MODE at $RATE req/s (extra flags: ${opts:-none})"
  for w in $(seq "$WINDOWS"); do
    logged="$(wc -l < "$gclog")"
    RATE="$RATE" WRK_THREADS=2 BODY_FILE="$HARNESS/lib/$body" API_KEY=sk-bench wrk -t2 -c128 -d"${WINDOW_SECONDS}s" --timeout 10s \
      -s "$HARNESS/lib/post.lua" "http://127.0.0.1:$PORT/v1/chat/completions" > "$RUN_DIR/sustained.out"
    rss="$(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$pid/status")"
    heap="$(tail -n +"$((logged + 1))" "$gclog" | grep 'Pause Young' | grep -oE -- '->[0-9]+M' | sed -n '1p;$p' | tr -d '>M-' \
      | paste -sd' ' | awk '{print ($1 == "" ? "-" : $1 " -> " $NF)}')"
    python3 "$HARNESS/lib/bench_lib.py" wrk "$RUN_DIR/sustained.out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print("%s window %s: p50 %.2f  p99 %.2f  p99.9 %.2f  max %.1f ms  %.0f req/s  errors %d  rss %s MB  heap after young GC %s MB" % (
      sys.argv[1], sys.argv[2], d["lat_p50_us"] / 1e3, d["lat_p99_us"] / 1e3, d["lat_p999_us"] / 1e3, d["lat_max_us"] / 1e3,
      d["rps"], d["errors"], sys.argv[3], sys.argv[4]))
' "$name" "$w" "$rss" "$heap"
  done
  echo "$name: $(awk '{printf "%.1f", ($14 + $15) / 100}' "/proc/$pid/stat") s CPU; pauses over 20 ms:"
  awk '/Pause/ { for (i = 1; i <= NF; i++) if ($i ~ /ms$/ && $i + 0 > 20) print "  " $0 }' "$gclog"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done <<< "$VARIANTS"
