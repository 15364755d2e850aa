#!/usr/bin/env python3
"""A feed server for db_update_test.sh: serves a directory over HTTP with ETag/If-None-Match and
Last-Modified/If-Modified-Since (304s), logs each request's conditional headers, and has two
failure modes: /truncated/NAME announces the whole file but sends half and closes."""
import email.utils
import hashlib
import http.server
import os
import sys

ROOT, LOG = sys.argv[1], sys.argv[2]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        truncated = self.path.startswith("/truncated/")
        name = self.path[len("/truncated"):] if truncated else self.path
        path = os.path.join(ROOT, name.lstrip("/"))
        with open(LOG, "a") as log:
            log.write(f"{self.path} inm={self.headers.get('If-None-Match', '')} "
                      f"ims={self.headers.get('If-Modified-Since', '')}\n")
        if not os.path.isfile(path):
            self.send_error(404)
            return
        body = open(path, "rb").read()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        mtime = int(os.path.getmtime(path))
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", email.utils.formatdate(mtime, usegmt=True))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: len(body) // 2] if truncated else body)
        if truncated:
            self.close_connection = True

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
