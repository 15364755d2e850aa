#!/usr/bin/env python3
"""Receives portcullis webhooks: checks X-Portcullis-Signature (HMAC-SHA256 of the body with the
secret given as argv[2]) and appends one JSON line per delivery to argv[1]; the first
`--fail N` requests are answered 503 (to see retries). Prints its port on stdout."""
import hashlib
import hmac
import http.server
import json
import sys

out, secret = sys.argv[1], sys.argv[2].encode()
fail_left = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--fail" else 0


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        global fail_left
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if fail_left > 0:
            fail_left -= 1
            self.send_response(503)
            self.end_headers()
            return
        want = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
        record = {
            "event": self.headers.get("X-Portcullis-Event"),
            "delivery": self.headers.get("X-Portcullis-Delivery"),
            "signature_ok": hmac.compare_digest(want, self.headers.get("X-Portcullis-Signature", "")),
            "body": json.loads(body),
        }
        with open(out, "a") as f:
            f.write(json.dumps(record) + "\n")
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
