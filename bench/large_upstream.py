"""A local OpenAI-style upstream with large answers, for bench/large-answers.sh:
POST /v1/embeddings answers every batch with DIMS random floats per input (float JSON, as OpenAI's default); POST
/v1/chat/completions answers with one choice whose content is CHAT_MB megabytes of text.
Usage: large_upstream.py PORT DIMS [CHAT_MB]"""
import http.server
import json
import random
import sys

PORT, DIMS = int(sys.argv[1]), int(sys.argv[2])
CHAT_CHARS = int(float(sys.argv[3] if len(sys.argv) > 3 else "1") * 1_000_000)
TEXT = ("lorem ipsum dolor sit amet " * (CHAT_CHARS // 27 + 1))[:CHAT_CHARS]


def embeddings(request):
    inputs = request["input"] if isinstance(request["input"], list) else [request["input"]]
    vector = ",".join("%.8f" % random.uniform(-1, 1) for _ in range(DIMS))
    data = ",".join('{"object":"embedding","index":%d,"embedding":[%s]}' % (i, vector) for i in range(len(inputs)))
    return ('{"object":"list","data":[%s],"model":"%s","usage":{"prompt_tokens":%d,"total_tokens":%d}}'
            % (data, request.get("model", ""), len(inputs), len(inputs)))


def chat(request):
    return json.dumps({"id": "chatcmpl-large", "object": "chat.completion", "created": 1, "model": request.get("model"),
                       "choices": [{"index": 0, "message": {"role": "assistant", "content": TEXT},
                                    "finish_reason": "stop"}],
                       "usage": {"prompt_tokens": 5, "completion_tokens": CHAT_CHARS // 4,
                                 "total_tokens": 5 + CHAT_CHARS // 4}})


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        request = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
        body = (embeddings(request) if self.path.endswith("/embeddings") else chat(request)).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the gateway refused an answer over its limit and dropped the connection

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
