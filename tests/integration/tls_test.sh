#!/usr/bin/env bash
# TLS: the registry serves HTTPS with a given certificate; skopeo verifies it against the CA and
# pushes and pulls; plain HTTP to the TLS port gets no answer that a client would accept.
source "$(dirname "$0")/lib.sh"

mkdir -p "$WORK/certs"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj "/CN=127.0.0.1" \
  -addext "subjectAltName=IP:127.0.0.1" -keyout "$WORK/key.pem" -out "$WORK/certs/ca.crt" 2>/dev/null \
  || fail "openssl req"
PORTCULLIS_AUTH_ENABLED=false start_server "$WORK/data" --tls-cert "$WORK/certs/ca.crt" --tls-key "$WORK/key.pem"
grep -q 'tls=on' "$WORK/server.log" || fail "server did not report TLS on"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$WORK/certs/ca.crt" "https://$REG/v2/")
[ "$code" = 200 ] || fail "https /v2/ gave $code"
skopeo copy -q --dest-cert-dir "$WORK/certs" "oci:$LAYOUT:distroless" "docker://$REG/tls/distroless:1" --all \
  || fail "skopeo push over TLS"
skopeo copy -q --src-cert-dir "$WORK/certs" "docker://$REG/tls/distroless:1" "oci:$WORK/back:d" --all \
  || fail "skopeo pull over TLS"
[ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"])' "$WORK/back/index.json")" \
  = "sha256:40610d66b3b48ccd9f9fd5e17e1fd0b57ff8f39d45819b93758a49d79fc3f31c" ] || fail "index digest changed over TLS"
if curl -s -m 3 -o /dev/null "http://$REG/v2/"; then fail "plain HTTP accepted on the TLS port"; fi
# A client that does not trust the certificate is refused by its own verification.
if skopeo inspect "docker://$REG/tls/distroless:1" >/dev/null 2>&1; then fail "untrusted certificate accepted"; fi
echo "TLS push and pull with a verified certificate"
