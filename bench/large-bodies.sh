#!/usr/bin/env bash
# Large request bodies through the gateway with its default JVM flags and built-in config: N chat requests at once,
# each with an inline base64 image of MB megabytes of random bytes (under the default 10 MB max-body-bytes). Prints how
# many got each status, whether the gateway is still up, and its peak RSS.
#   bench/large-bodies.sh          # N=8, MB=6.5 (an 8.7 MB body)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/burst.sh
source "$ROOT/bench/burst.sh"
N="${N:-8}"; MB="${MB:-6.5}"; PORT="${PORT:-18992}"; RUN="${RUN_DIR:-/tmp/llmgw-bench}/large-bodies"
mkdir -p "$RUN"
"$ROOT/switchboard" serve --port "$PORT" > "$RUN/gateway.log" 2>&1 & gw=$!
trap 'kill $gw 2>/dev/null || true' EXIT
for _ in $(seq 300); do curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break; sleep 0.2; done
python3 - "$MB" > "$RUN/request.json" <<'PY'
import base64, json, os, sys
image = base64.b64encode(os.urandom(int(float(sys.argv[1]) * 1_000_000))).decode()
print(json.dumps({"model": "llama3.2", "messages": [{"role": "user", "content": [
    {"type": "text", "text": "Describe this image."},
    {"type": "image_url", "image_url": {"url": "data:image/png;base64," + image}}]}]}))
PY
echo "body: $(( $(stat -c %s "$RUN/request.json") / 1000 )) KB"
burst_post "$N" "http://127.0.0.1:$PORT/v1/chat/completions" "$RUN/request.json" "$RUN" "%{http_code}\n"
sort "$RUN"/answer-*.txt | uniq -c | awk '{printf "answers with status %s: %d\n", $2, $1}'
burst_report "$PORT" "$gw" "$RUN/gateway.log"
