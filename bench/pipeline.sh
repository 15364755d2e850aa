#!/usr/bin/env bash
# Scan on push: throughput and latency. Twenty distinct images (polyglot from ../shared with a
# per-image config label: the same layers, twenty manifest digests) are pushed with skopeo into a
# scan-on-push repository of `portcullis serve` (2 workers), and measured:
#   - throughput: all twenty pushed back to back; scans completed per minute, from the first
#     push to the last stored result;
#   - latency: one image at a time; from skopeo's return (the manifest PUT answered 201) to the
#     scan result being readable over the API (polled every 20 ms);
# each with the layer cache on (shared layers analysed once, the usual case for a registry) and
# off (every scan reads every layer). The floor is `portcullis scan` of the same image from an
# OCI layout on the command line (same DB, no cache), measured in the same run.
# Usage: make build && bench/pipeline.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$ROOT/build/release/src/cli/portcullis}
SHARED=${PORTCULLIS_SHARED:-$ROOT/../shared}
N=${N:-20}
WORK=$(mktemp -d /tmp/portcullis-bench-XXXXXX)
PID=""
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; rm -rf "$WORK"' EXIT
cd "$WORK"
export PORTCULLIS_ADMIN_PASSWORD=admin-pw
"$BIN" db build --out vuln.db --feeds "$SHARED/vulndata/osv/pypi" "$SHARED/vulndata/osv/maven" \
  "$SHARED/vulndata/osv/go" "$SHARED/vulndata/osv/npm" \
  debian="$SHARED/vulndata/debian-changelogs/bookworm-fixed.json" >/dev/null 2>&1
skopeo copy -q "oci:$SHARED/images/oci-layout:polyglot" "dir:$WORK/base"
python3 "$ROOT/tests/integration/derive_images.py" "$WORK/base" "$WORK/img" "$N"
ms() { date +%s%3N; }

# The floor: the CLI scanner on the same image, no cache, median of 5.
floor=()
for _ in 1 2 3 4 5; do
  t0=$(ms)
  "$BIN" scan "oci:$SHARED/images/oci-layout:polyglot" --no-cache --db vuln.db --format json -o /dev/null 2>/dev/null || true
  floor+=($(( $(ms) - t0 )))
done
FLOOR=$(printf '%s\n' "${floor[@]}" | sort -n | sed -n 3p)

run() {  # run CACHE(true|false)
  local cache=$1 data="$WORK/data-$1"
  cat >serve.yaml <<YML
repositories: [{pattern: stage/**, scan_on_push: true}]
scanning: {db: vuln.db, workers: 2, layer_cache: $cache}
YML
  : >server.log
  "$BIN" serve --data "$data" --listen 127.0.0.1:0 --config serve.yaml >server.log 2>&1 &
  PID=$!
  local port=""
  for _ in $(seq 1 100); do
    port=$(grep -o 'msg="listening".* port=[0-9]*' server.log | grep -o 'port=[0-9]*' | cut -d= -f2 || true)
    [ -n "$port" ] && break
    sleep 0.1
  done
  local reg=127.0.0.1:$port
  local D=(--dest-tls-verify=false --dest-creds admin:admin-pw)
  skopeo copy -q "${D[@]}" "dir:$WORK/base" "docker://$reg/seed/polyglot:1"  # layers present once
  done_scan() {
    curl -sf -u admin:admin-pw "http://$reg/portcullis/v1/scan?repository=$1&tag=$2" | grep -q '"status":"completed"'
  }
  # Throughput: N pushes back to back, then wait for the last result.
  local t0 t1
  t0=$(ms)
  for i in $(seq 0 $((N - 1))); do skopeo copy -q "${D[@]}" "dir:$WORK/img$i" "docker://$reg/stage/burst:$i"; done
  for i in $(seq 0 $((N - 1))); do until done_scan stage/burst "$i"; do sleep 0.02; done; done
  t1=$(ms)
  local per_min
  per_min=$(echo "scale=1; $N * 60000 / ($t1 - $t0)" | bc)
  # Latency: one at a time (other digests, so none is a repeat of the burst).
  python3 "$ROOT/tests/integration/derive_images.py" "$WORK/base" "$WORK/lat" 10
  local lat=()
  for i in $(seq 0 9); do
    python3 - "$WORK/lat$i" "$i" <<'PY'
import hashlib, json, os, sys
d, i = sys.argv[1], sys.argv[2]
m = json.load(open(os.path.join(d, "manifest.json")))
old = m["config"]["digest"].split(":")[1]
c = json.load(open(os.path.join(d, old)))
c["config"]["Labels"]["portcullis.bench.latency"] = i
data = json.dumps(c).encode(); new = hashlib.sha256(data).hexdigest()
open(os.path.join(d, new), "wb").write(data); os.remove(os.path.join(d, old))
m["config"]["digest"], m["config"]["size"] = "sha256:" + new, len(data)
open(os.path.join(d, "manifest.json"), "w").write(json.dumps(m))
PY
    skopeo copy -q "${D[@]}" "dir:$WORK/lat$i" "docker://$reg/stage/one:$i"
    t0=$(ms)
    until done_scan stage/one "$i"; do sleep 0.02; done
    lat+=($(( $(ms) - t0 )))
  done
  kill $PID; wait $PID 2>/dev/null || true; PID=""
  local sorted median p90
  sorted=$(printf '%s\n' "${lat[@]}" | sort -n)
  median=$(echo "$sorted" | sed -n 5p)
  p90=$(echo "$sorted" | sed -n 9p)
  printf '| %-5s | %6.1f | %6.0f | %6s | %6s | %5.2f× |\n' "$cache" "$per_min" "$(echo "60000 / $FLOOR" | bc -l)" \
    "$median" "$p90" "$(echo "$median / $FLOOR" | bc -l)"
}

echo "polyglot, $N distinct digests, 2 workers; floor: portcullis scan oci: (CLI, no cache) median ${FLOOR} ms"
echo "| layer cache | scans/min (burst of $N) | floor scans/min (1 CLI) | push→result median ms | p90 ms | median / floor |"
echo "|---|---|---|---|---|---|"
run true
run false
