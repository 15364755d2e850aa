#!/usr/bin/env python3
"""A stand-in for the Kubernetes API server's pod listing, over HTTPS: GET /api/v1/pods answers
the PodList in FILE to a caller with the bearer token, or (with --client-ca) with a client
certificate signed by that CA; others get 401. Prints the port it listens on.
Usage: fake_apiserver.py CERT KEY PODS.json (--token T | --client-ca CA.crt)"""
import argparse, http.server, ssl, sys

p = argparse.ArgumentParser()
p.add_argument("cert"); p.add_argument("key"); p.add_argument("pods")
p.add_argument("--token"); p.add_argument("--client-ca")
a = p.parse_args()
body = open(a.pods, "rb").read()

class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args): pass
    def do_GET(self):
        ok = self.path == "/api/v1/pods"
        if a.token is not None:
            ok = ok and self.headers.get("Authorization") == "Bearer " + a.token
        if ok:
            self.send_response(200); self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
        else:
            msg = b'{"kind":"Status","status":"Failure","reason":"Unauthorized","code":401}'
            self.send_response(401); self.send_header("Content-Length", str(len(msg))); self.end_headers(); self.wfile.write(msg)

srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(a.cert, a.key)
if a.client_ca:
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(a.client_ca)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
print(srv.server_address[1], flush=True)
srv.serve_forever()
