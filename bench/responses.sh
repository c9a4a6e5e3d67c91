#!/usr/bin/env bash
# What OpenAI's Responses API costs over chat completions through the same gateway, against the harness's instant mock
# provider: the same prompt as POST /v1/chat/completions and as POST /v1/responses (stored, OpenAI's default; and with
# store: false), whole and streamed, interleaved over ROUNDS rounds. Per body: latency at 500 req/s (wrk at a fixed
# rate, 10 s), the most req/s with 64 connections (10 s) and the gateway's CPU per request in that run.
#   bench/responses.sh             # ROUNDS=3 (~6 min)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
ROUNDS="${ROUNDS:-3}"; RUN="$RUN_DIR/responses"; mkdir -p "$RUN"
bench_install_tools
"$HARNESS/start-upstream.sh" >&2
bench_start_gateway switchboard "$PORT"
trap 'kill "$(cat "$RUN_DIR/switchboard.pid")" 2>/dev/null || true' EXIT
bench_wait_healthy switchboard "$PORT"
pid="$(cat "$RUN_DIR/switchboard.pid")"

# The harness's prompt in both dialects.
python3 - "$HARNESS/lib/request.json" "$RUN" <<'PY'
import json, sys
chat = json.load(open(sys.argv[1]))
system, user = chat["messages"][0]["content"], chat["messages"][1]["content"]
responses = {"model": chat["model"], "instructions": system, "input": user, "temperature": chat["temperature"],
             "max_output_tokens": chat["max_tokens"]}
bodies = {"chat": chat, "responses": responses, "responses-unstored": dict(responses, store=False)}
for name, body in bodies.items():
    json.dump(body, open("%s/%s.json" % (sys.argv[2], name), "w"))
    json.dump(dict(body, stream=True), open("%s/%s-stream.json" % (sys.argv[2], name), "w"))
PY
path() { case $1 in chat*) echo /v1/chat/completions ;; *) echo /v1/responses ;; esac; }
bodies=(chat responses responses-unstored chat-stream responses-stream responses-unstored-stream)
for b in "${bodies[@]}"; do   # JIT warm-up, 10 s per body
  BODY_FILE="$RUN/$b.json" wrk -t2 -c64 -d10s -s "$HARNESS/lib/post.lua" "http://127.0.0.1:$PORT$(path "$b")" > /dev/null
done

: > "$RUN/results.tsv"
for round in $(seq "$ROUNDS"); do
  for b in "${bodies[@]}"; do
    echo "== round $round/$ROUNDS $b" >&2
    url="http://127.0.0.1:$PORT$(path "$b")"
    RATE=500 WRK_THREADS=2 BODY_FILE="$RUN/$b.json" wrk -t2 -c128 -d10s --timeout 10s -s "$HARNESS/lib/post.lua" "$url" > "$RUN/rate.out"
    cpu0=$(python3 "$HARNESS/lib/bench_lib.py" cpu "$pid")
    BODY_FILE="$RUN/$b.json" wrk -t2 -c64 -d10s --timeout 10s -s "$HARNESS/lib/post.lua" "$url" > "$RUN/max.out"
    cpu1=$(python3 "$HARNESS/lib/bench_lib.py" cpu "$pid")
    python3 - "$b" "$round" "$RUN/rate.out" "$RUN/max.out" "$cpu0" "$cpu1" "$HARNESS/lib" >> "$RUN/results.tsv" <<'PY'
import json, subprocess, sys
name, rnd, rate_out, max_out, cpu0, cpu1, lib = sys.argv[1:]
read = lambda f: json.loads(subprocess.check_output(["python3", lib + "/bench_lib.py", "wrk", f]))
rate, top = read(rate_out), read(max_out)
cpu_us = (float(cpu1) - float(cpu0)) * 1e6 / max(1, top["requests"])
print("\t".join([name, rnd, "%.3f" % (rate["lat_p50_us"] / 1000), "%.3f" % (rate["lat_p99_us"] / 1000),
                 str(rate["errors"] + top["errors"]), "%.0f" % top["rps"], "%.0f" % cpu_us]))
PY
  done
done
python3 - "$RUN/results.tsv" <<'PY'
import collections, statistics, sys
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    name, _, p50, p99, errors, rps, cpu = line.rstrip("\n").split("\t")
    rows[name].append((float(p50), float(p99), int(errors), float(rps), float(cpu)))
print("| body | p50 / p99 ms @500/s | errors | max req/s | CPU µs/req | p99 per round |")
print("|---|---|---|---|---|---|")
for name, rs in rows.items():
    med = lambda i: statistics.median(r[i] for r in rs)
    print("| %s | %.2f / %.2f | %d | %s | %.0f | %s |" % (name, med(0), med(1), sum(r[2] for r in rs), format(round(med(3)), ","),
                                                     med(4), " / ".join("%.2f" % r[1] for r in rs)))
PY
