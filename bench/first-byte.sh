#!/usr/bin/env bash
# A lone stream's time to first byte through each proxy, and what an event-loop design would save.
#   bench/first-byte.sh              # 4 interleaved rounds of 5 s at 200 streams/s, one at a time (~7 min)
#   ROUNDS=8 bench/first-byte.sh
# Targets, all in front of the harness's instant mock provider: direct, nginx-proxy, the gateway (default flags, its
# SQLite ledger on), stack-floor (the gateway's server and upstream client with no pipeline: StackFloorProxy),
# jetty-async (Jetty's asynchronous reverse proxy: JettyAsyncFloorProxy) and tcp-relay (a byte relay on one Netty event
# loop, no HTTP parsing: TcpRelayFloor). hey sends one stream at a time; its "response delay" (request written →
# first response byte, 0.1 ms resolution per sample) is averaged over each round's ~1,000 streams, so the means
# resolve what the per-sample percentiles cannot. Prints, per target, the mean first byte and what it adds over direct.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
ROUNDS="${ROUNDS:-4}"
UP="${UPSTREAM_PORT:-18080}"
bench_install_tools
"$HARNESS/start-upstream.sh" >&2
"$HARNESS/start-peers.sh" nginx-proxy >&2

source "$ROOT/bin/find-jdk.sh"
source "$ROOT/bin/sources-newer.sh"
source "$ROOT/bin/jvm-opts.sh"
JAR="$ROOT/switchboard-bench/target/benchmarks.jar"
if needs_build "$JAR"; then (cd "$ROOT" && ./mvnw -q -B package -DskipTests -pl switchboard-bench -am); built "$JAR"; fi

bench_start_gateway switchboard "$PORT"
pids=("$(cat "$RUN_DIR/switchboard.pid")")
start_floor() {   # start_floor CLASS ARGS...: one of switchboard-bench's floors, with the launcher's JVM flags
  # shellcheck disable=SC2086
  "$JAVA_HOME/bin/java" $SWITCHBOARD_JAVA_OPTS -cp "$JAR" "dev.switchboard.bench.$1" "${@:2}" > "$RUN_DIR/$1.log" 2>&1 &
  pids+=("$!")
}
start_floor StackFloorProxy 18201 "http://127.0.0.1:$UP/v1"
start_floor JettyAsyncFloorProxy 18203 "http://127.0.0.1:$UP/v1"
start_floor TcpRelayFloor 18204 127.0.0.1 "$UP"
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
bench_wait_healthy switchboard "$PORT"
targets=("direct:$UP" "nginx-proxy:${NGINX_PROXY_PORT:-18090}" tcp-relay:18204 jetty-async:18203 stack-floor:18201 "switchboard:$PORT")
for t in "${targets[@]:2}"; do
  for i in $(seq 100); do curl -fsS -o /dev/null "http://127.0.0.1:${t#*:}/v1/chat/completions" -H 'Content-Type: application/json' \
    -d @"$HARNESS/lib/request.json" 2>/dev/null && break; sleep 0.2; done
  bench_jit_warmup "${t#*:}"
done

results="$RUN_DIR/first-byte.tsv"; : > "$results"
for round in $(seq "$ROUNDS"); do
  for t in "${targets[@]}"; do
    echo "== round $round/$ROUNDS ${t%%:*}" >&2
    hey -z 5s -c 1 -q 200 -m POST -T application/json -D "$HARNESS/lib/request-stream.json" -H "Authorization: Bearer sk-bench" \
      -disable-compression -o csv "http://127.0.0.1:${t#*:}/v1/chat/completions" > "$RUN_DIR/first-byte.csv"
    python3 - "${t%%:*}" "$round" "$RUN_DIR/first-byte.csv" >> "$results" <<'PY'
import csv, statistics, sys
rows = [r for r in list(csv.reader(open(sys.argv[3])))[1:] if r[6] == "200"]
print("\t".join([sys.argv[1], sys.argv[2], str(len(rows)), "%.4f" % statistics.mean(float(r[4]) * 1000 for r in rows)]))
PY
  done
done
python3 - "$results" <<'PY'
import collections, statistics, sys
means = collections.defaultdict(list)
for line in open(sys.argv[1]):
    name, _, n, mean = line.split("\t")
    means[name].append(float(mean))
direct = statistics.median(means["direct"])
print("| target | first byte, mean ms (median of rounds) | added over direct | per round |")
print("|---|---|---|---|")
for name, values in means.items():
    m = statistics.median(values)
    print("| %s | %.3f | %s | %s |" % (name, m, "" if name == "direct" else "%+.3f" % (m - direct),
                                       " / ".join("%.3f" % v for v in values)))
PY
