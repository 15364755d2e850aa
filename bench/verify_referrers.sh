#!/usr/bin/env bash
# `portcullis verify` of an image with 100 referrers (99 signatures by other keys, ours pushed
# last, plus the same 100 in cosign's .sig tag), against the floor measured in the same run: the
# HTTP reads any verifier must do (the referrers list, each referrer manifest and its payload
# blob) made by a Python client over one keep-alive connection, without any crypto.
# Usage: bench/verify_referrers.sh   (env: RUNS=5, N=100)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(readlink -f "${BIN:-build/release/src/cli/portcullis}")
LAYOUT=${LAYOUT:-$(cd .. && pwd)/shared/images/oci-layout}
RUNS=${RUNS:-5}
N=${N:-100}
WORK=$(mktemp -d /tmp/portcullis-bench-XXXXXX)
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
PORTCULLIS_AUTH_ENABLED=false "$BIN" serve --data "$WORK/data" --listen 127.0.0.1:0 >"$WORK/log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do
  PORT=$(grep -o 'port=[0-9]*' "$WORK/log" | head -1 | cut -d= -f2 || true)
  [ -n "$PORT" ] && break
  sleep 0.1
done
REG=127.0.0.1:$PORT
skopeo copy -q --dest-tls-verify=false "oci:$LAYOUT:debian-base" "docker://$REG/bench/app:1"
cd "$WORK"
"$BIN" key generate --type ecdsa-p256 --out other >/dev/null
"$BIN" key generate --type ecdsa-p256 --out ours >/dev/null
for i in $(seq 2 "$N"); do
  "$BIN" sign "$REG/bench/app:1" --key other.key --tls-verify=false --annotation n=$i >/dev/null
done
"$BIN" sign "$REG/bench/app:1" --key ours.key --tls-verify=false >/dev/null
digest=$(curl -sf -o /dev/null -w '%header{docker-content-digest}' \
  -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://$REG/v2/bench/app/manifests/1")
count=$(curl -sf "http://$REG/v2/bench/app/referrers/$digest" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["manifests"]))')
best() { sort -n | head -1; }
ours=$(for _ in $(seq "$RUNS"); do
  s=$(date +%s.%N); "$BIN" verify "$REG/bench/app:1" --key ours.pub --tls-verify=false >/dev/null; e=$(date +%s.%N)
  echo "$e - $s" | bc; done | best)
cat >floor.py <<'PY'
import http.client, json, sys, time
port, digest = int(sys.argv[1]), sys.argv[2]
t = time.monotonic()
c = http.client.HTTPConnection("127.0.0.1", port)
def get(path, accept="application/vnd.oci.image.manifest.v1+json"):
    c.request("GET", path, headers={"Accept": accept})
    r = c.getresponse()
    return r.read()
get("/v2/bench/app/manifests/1")
for m in json.loads(get(f"/v2/bench/app/referrers/{digest}"))["manifests"]:
    man = json.loads(get(f"/v2/bench/app/manifests/{m['digest']}"))
    get(f"/v2/bench/app/blobs/{man['layers'][0]['digest']}")
print(f"{time.monotonic() - t:.4f}")
PY
floor=$(for _ in $(seq "$RUNS"); do python3 floor.py "$PORT" "$digest"; done | best)
floor_cmd=$(for _ in $(seq "$RUNS"); do
  s=$(date +%s.%N); python3 floor.py "$PORT" "$digest" >/dev/null; e=$(date +%s.%N)
  echo "$e - $s" | bc; done | best)
echo "image with $count referrers (+ the same $N signatures under the .sig tag), best of $RUNS:"
printf "portcullis verify (both layouts, %d candidates checked): %.3f s\n" "$N" "$ours"
printf "floor, whole command (python3 http.client: referrer reads only, no crypto): %.3f s\n" "$floor_cmd"
printf "floor, the reads alone (inside that process): %.3f s\n" "$floor"
printf "ratio to the whole-command floor: %.2fx; to the reads alone: %.2fx\n" \
  "$(echo "$ours / $floor_cmd" | bc -l)" "$(echo "$ours / $floor" | bc -l)"
