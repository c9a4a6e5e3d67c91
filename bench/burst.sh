# shellcheck shell=bash
# Sourced by bench/large-answers.sh and bench/large-bodies.sh: N requests at once against a gateway, and what
# became of it.

# burst_post N URL BODY_FILE OUT_DIR CURL_FORMAT: N POSTs of BODY_FILE at once; each writes CURL_FORMAT to
# OUT_DIR/answer-I.txt. Returns when all have ended.
burst_post() {
  local n="$1" url="$2" body="$3" out="$4" format="$5" i pids=()
  rm -f "$out"/answer-*.txt
  for i in $(seq "$n"); do
    curl -s -o /dev/null -w "$format" "$url" -H 'Content-Type: application/json' -d @"$body" > "$out/answer-$i.txt" & pids+=("$!")
  done
  wait "${pids[@]}" || true
}

# burst_report PORT PID LOG: whether the gateway still answers, the out-of-memory errors in its log, its peak RSS.
burst_report() {
  echo "gateway up: $(curl -fsS "http://127.0.0.1:$1/health" 2>/dev/null || echo no) $(grep -c OutOfMemoryError "$3" || true) out-of-memory errors"
  echo "peak RSS: $(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$2/status" 2>/dev/null || echo '?') MB"
}
