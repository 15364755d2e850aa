#!/usr/bin/env bash
# Admission webhook benchmark: wrk posts one AdmissionReview (a Deployment whose image is signed
# and attested in a local portcullis registry) to `portcullis admit serve` over HTTPS.
# Warm: the attestation check is cached (the decision is pattern matching, rule selection,
# JSON and the audit line); cold: --cache-ttl 0, so every review fetches the image's signatures
# from the registry and verifies them. Prints decisions/s and p50/p99 latency at 1 and 16
# connections. Usage: bench/admit.sh   (env: DURATION=10s)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(readlink -f "${BIN:-build/release/src/cli/portcullis}")
LAYOUT=${LAYOUT:-$(cd .. && pwd)/shared/images/oci-layout}
DURATION=${DURATION:-10s}
WORK=$(mktemp -d /tmp/portcullis-bench-XXXXXX)
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
RPORT=$(free_port)
PORTCULLIS_AUTH_ENABLED=false "$BIN" serve --data "$WORK/data" --listen 127.0.0.1:$RPORT >"$WORK/registry.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$RPORT/healthz" >/dev/null && break; sleep 0.1; done
REG=127.0.0.1:$RPORT
skopeo copy -q --dest-tls-verify=false "oci:$LAYOUT:debian-base" "docker://$REG/verified/app:1"
cd "$WORK"
"$BIN" key generate --type ecdsa-p256 --out ci >/dev/null
"$BIN" sign "$REG/verified/app:1" --key ci.key --type binauthz --tls-verify=false >/dev/null
digest=$(skopeo inspect --raw --tls-verify=false "docker://$REG/verified/app:1" | sha256sum | cut -d' ' -f1)
{ echo "name: built-by-ci"; echo "userOwnedGrafeasNote:"; echo "  publicKeys:"; echo "  - pkixPublicKey:";
  echo "      publicKeyPem: |"; sed 's/^/        /' ci.pub; } >attestors.yaml
cat >policy.yaml <<YML
defaultAdmissionRule:
  evaluationMode: REQUIRE_ATTESTATION
  enforcementMode: ENFORCED_BLOCK_AND_AUDIT_LOG
  requireAttestationsBy: [built-by-ci]
YML
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=webhook \
  -addext "subjectAltName=IP:127.0.0.1" -keyout tls.key -out tls.crt 2>/dev/null
kubectl create deployment web --image="$REG/verified/app@sha256:$digest" --dry-run=client -o json >dep.json
python3 - >review.lua <<'PY'
import json
obj = json.load(open("dep.json"))
body = json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {
  "uid": "bench", "kind": {"group": "apps", "version": "v1", "kind": "Deployment"},
  "namespace": "prod", "operation": "CREATE", "object": obj}})
print('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = ' + json.dumps(body))
print('''function response(status, headers, body)
  if status ~= 200 or not string.find(body, '"allowed":true', 1, true) then
    io.stderr:write("unexpected answer: " .. status .. " " .. body .. "\\n"); os.exit(1)
  end
end''')
PY
run_webhook() {  # CACHE_TTL -> sets WPORT
  WPORT=$(free_port)
  "$BIN" admit serve --policy policy.yaml --attestors attestors.yaml --tls-verify=false \
    --tls-cert tls.crt --tls-key tls.key --listen 127.0.0.1:$WPORT --cache-ttl "$1" \
    --audit-log "$WORK/audit.jsonl" >"$WORK/webhook.log" 2>&1 &
  WPID=$!
  PIDS+=($WPID)
  for _ in $(seq 1 100); do curl -sfk "https://127.0.0.1:$WPORT/healthz" >/dev/null && break; sleep 0.1; done
}
measure() {  # LABEL CONNECTIONS THREADS
  local out
  out=$(wrk -t"$3" -c"$2" -d"$DURATION" --latency -s review.lua "https://127.0.0.1:$WPORT/validate")
  local rps p50 p99
  rps=$(echo "$out" | awk '/Requests\/sec/{print $2}')
  p50=$(echo "$out" | awk '$1=="50%"{print $2}')
  p99=$(echo "$out" | awk '$1=="99%"{print $2}')
  printf "%-34s %4s conn  %10s decisions/s  p50 %8s  p99 %8s\n" "$1" "$2" "$rps" "$p50" "$p99"
}
echo "portcullis admit serve, HTTPS, one Deployment review (REQUIRE_ATTESTATION, allowed); wrk $DURATION each"
run_webhook 300
measure "warm (attestation check cached)" 1 1
measure "warm (attestation check cached)" 16 2
kill "$WPID"; wait "$WPID" 2>/dev/null || true
run_webhook 0
measure "cold (signatures fetched+verified)" 1 1
measure "cold (signatures fetched+verified)" 16 2
echo "audit lines written (rotated at 100 MiB): $(cat "$WORK"/audit.jsonl* | wc -l)"
