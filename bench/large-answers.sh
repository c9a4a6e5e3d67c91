#!/usr/bin/env bash
# Large upstream answers through the gateway with its default JVM flags: N requests at once against a local upstream
# (bench/large_upstream.py). Prints each answer's status and size, whether the gateway is still up, and its peak RSS.
#   bench/large-answers.sh                    # embeddings: N=16 batches of INPUTS × DIMS floats (OpenAI's largest
#                                             # batch, 2,048 × 1,536: a ~35 MB JSON answer), parsed as they arrive
#   KIND=chat bench/large-answers.sh          # chat: N=4 answers of MB=14 megabytes of text each, read whole
#   KIND=chat N=1 MB=20 bench/large-answers.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/burst.sh
source "$ROOT/bench/burst.sh"
KIND="${KIND:-embeddings}"; INPUTS="${INPUTS:-2048}"; DIMS="${DIMS:-1536}"; MB="${MB:-14}"
if [ "$KIND" = chat ]; then N="${N:-4}"; else N="${N:-16}"; fi
UP_PORT="${UP_PORT:-18990}"; PORT="${PORT:-18991}"; RUN="${RUN_DIR:-/tmp/llmgw-bench}/large-answers"
mkdir -p "$RUN"
python3 "$ROOT/bench/large_upstream.py" "$UP_PORT" "$DIMS" "$MB" & up=$!
cat > "$RUN/gateway.yaml" <<YAML
model_list:
  - model_name: emb
    litellm_params: {model: openai/text-embedding-3-small, api_base: "http://127.0.0.1:$UP_PORT/v1", api_key: sk-bench}
    model_info: {mode: embedding}
  - model_name: chat
    litellm_params: {model: openai/gpt-4o, api_base: "http://127.0.0.1:$UP_PORT/v1", api_key: sk-bench}
switchboard:
  server: {port: $PORT, log-requests: false}
  ledger: {store: none}
YAML
"$ROOT/switchboard" serve --config "$RUN/gateway.yaml" > "$RUN/gateway.log" 2>&1 & gw=$!
trap 'kill $up $gw 2>/dev/null || true' EXIT
for _ in $(seq 300); do curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break; sleep 0.2; done
if [ "$KIND" = chat ]; then
  echo '{"model": "chat", "messages": [{"role": "user", "content": "Write at length."}]}' > "$RUN/request.json"
  url="http://127.0.0.1:$PORT/v1/chat/completions"
else
  python3 -c "import json; print(json.dumps({'model': 'emb', 'input': ['text number %d' % i for i in range($INPUTS)]}))" > "$RUN/request.json"
  url="http://127.0.0.1:$PORT/v1/embeddings"
fi
burst_post "$N" "$url" "$RUN/request.json" "$RUN" "%{http_code} %{size_download}\n"
cat "$RUN"/answer-*.txt | awk '{n[$1]++; if ($1 == 200) {mb = $2 / 1e6; if (!lo || mb < lo) lo = mb; if (mb > hi) hi = mb}}
  END {for (s in n) printf "answers with status %s: %d\n", s, n[s]; if (hi) printf "answer size: %.1f-%.1f MB\n", lo, hi}'
burst_report "$PORT" "$gw" "$RUN/gateway.log"
