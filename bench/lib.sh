# Shared by bench/overhead.sh and bench/sustained.sh: the harness's tools, the gateway in front of the mock
# provider, its health wait and its JIT warm-up. Expects ROOT (the checkout); sets HARNESS, RUN_DIR and PORT.
HARNESS="${HARNESS:-$ROOT/../shared/bench}"
[ -x "$HARNESS/bench.sh" ] || { echo "$(basename "$0"): the shared harness is not at $HARNESS (set HARNESS=...)" >&2; exit 1; }
export RUN_DIR="${RUN_DIR:-/tmp/llmgw-bench}"
mkdir -p "$RUN_DIR"
PORT="${SWITCHBOARD_BENCH_PORT:-18200}"

# Tools from Debian (the harness's own setup.sh also installs Portkey, which these scripts leave out).
bench_install_tools() {
  local need=() p
  for p in nginx libnginx-mod-http-echo wrk hey curl; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p"); done
  if [ "${#need[@]}" -gt 0 ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d   # don't start distro nginx on :80
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
    rm -f /usr/sbin/policy-rc.d
  fi
}

# bench_start_gateway NAME PORT: ./switchboard serve in front of the instant mock provider, the ledger on (in its own
# SQLite file under RUN_DIR, not the data/switchboard.db that ./switchboard serve keeps), request logs off; the JVM's
# pid goes to $RUN_DIR/NAME.pid (the launcher execs java). Its JVM flags are the launcher's, plus
# SWITCHBOARD_EXTRA_JAVA_OPTS if set.
bench_start_gateway() {
  local name="$1" port="$2"
  cat > "$RUN_DIR/$name.yaml" <<YAML
model_list:
  - model_name: gpt-4o-mini
    litellm_params: {model: openai/gpt-4o-mini, api_base: "http://127.0.0.1:${UPSTREAM_PORT:-18080}/v1", api_key: sk-bench}
switchboard:
  server: {port: $port, log-requests: false}
  ledger: {store: sqlite, path: "$RUN_DIR/$name-ledger.db"}
YAML
  rm -f "$RUN_DIR/$name-ledger.db"*   # each run starts on an empty ledger
  "$ROOT/switchboard" serve --config "$RUN_DIR/$name.yaml" > "$RUN_DIR/$name.log" 2>&1 &
  echo $! > "$RUN_DIR/$name.pid"
}

# bench_wait_healthy NAME PORT: up to 60 s for /health; prints the target's log and fails if it never answers.
bench_wait_healthy() {
  local name="$1" port="$2" i
  for i in $(seq 300); do curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && return 0; sleep 0.2; done
  cat "$RUN_DIR/$name.log" >&2
  return 1
}

# A fresh JVM compiles its hot paths during its first 20-40 s under load (longer on a slow or busy machine), and the
# harness's 5 s warm-up is sized for nginx: bench_jit_warmup PORT warms a JVM with both request kinds first,
# JIT_WARMUP seconds each (default 30), outside every measurement.
bench_jit_warmup() {
  local port="$1" body
  [ "${JIT_WARMUP:-30}" -gt 0 ] || return 0
  for body in request.json request-stream.json; do
    echo "== JIT warm-up: ${JIT_WARMUP:-30}s of $body on :$port" >&2
    BODY_FILE="$HARNESS/lib/$body" API_KEY=sk-bench wrk -t2 -c64 -d"${JIT_WARMUP:-30}s" -s "$HARNESS/lib/post.lua" \
      "http://127.0.0.1:$port/v1/chat/completions" > /dev/null
  done
}
