"""An OpenAI-style embeddings endpoint that answers every batch with DIMS random floats per input (float JSON, as
OpenAI's default), for bench/embeddings-batch.sh. Usage: embeddings_upstream.py PORT DIMS"""
import http.server
import json
import random
import sys

PORT, DIMS = int(sys.argv[1]), int(sys.argv[2])


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        request = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
        inputs = request["input"] if isinstance(request["input"], list) else [request["input"]]
        vector = ",".join("%.8f" % random.uniform(-1, 1) for _ in range(DIMS))
        data = ",".join('{"object":"embedding","index":%d,"embedding":[%s]}' % (i, vector) for i in range(len(inputs)))
        body = ('{"object":"list","data":[%s],"model":"%s","usage":{"prompt_tokens":%d,"total_tokens":%d}}'
                % (data, request.get("model", ""), len(inputs), len(inputs))).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
