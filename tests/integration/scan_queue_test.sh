#!/usr/bin/env bash
# The scan queue survives a crash: ten images are pushed into a scan-on-push repository with one
# worker and no layer cache, the server is killed with SIGKILL while their scans are queued (one
# running), and after a restart every scan completes exactly once: one scan_completed event, one
# stored result, one SBOM and one report referrer per image.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"

export PORTCULLIS_ADMIN_PASSWORD=admin-pw
BIN=$(readlink -f "$BIN")
cd "$WORK"
api() { curl -sf -u admin:admin-pw "http://$REG/portcullis/v1/$1"; }
"$BIN" db build --out vuln.db --feeds "$SHARED/vulndata/osv/pypi" \
  debian="$SHARED/vulndata/debian-changelogs/bookworm-fixed.json" >/dev/null 2>&1 || fail "db build"
cat >serve.yaml <<YML
repositories:
  - {pattern: stage/**, scan_on_push: true}
scanning: {db: vuln.db, workers: 1, layer_cache: false}
YML
skopeo copy -q "oci:$LAYOUT:polyglot" "dir:$WORK/base" || fail "copy polyglot"
python3 "$HERE/derive_images.py" "$WORK/base" "$WORK/img" 10 || fail "derive images"

start_server "$WORK/data" --config serve.yaml
# The shared layers first, so the ten pushes below are quick and land together.
skopeo copy -q --dest-tls-verify=false --dest-creds admin:admin-pw "dir:$WORK/base" \
  "docker://$REG/seed/polyglot:1" || fail "seed"
PIDS=()
for i in $(seq 0 9); do
  skopeo copy -q --dest-tls-verify=false --dest-creds admin:admin-pw "dir:$WORK/img$i" \
    "docker://$REG/stage/app:$i" &
  PIDS+=($!)
done
for p in "${PIDS[@]}"; do wait "$p" || fail "a push failed"; done
QUEUE=$(curl -sf "http://$REG/metrics" | grep '^portcullis_scan_queue' | tr '\n' ' ')
DONE=$(curl -sf "http://$REG/metrics" | grep '^portcullis_scans_completed_total' | cut -d' ' -f2)
kill -KILL "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=""
echo "killed with SIGKILL: $QUEUE; completed before the kill: $DONE"
[ "$DONE" -lt 10 ] || fail "every scan finished before the kill; nothing was queued"

start_server "$WORK/data" --config serve.yaml
grep -q 'scans resumed after a restart' "$WORK/server.log" || echo "(no scan was running at the kill)"
all_done() {
  for i in $(seq 0 9); do
    api "scan?repository=stage/app&tag=$i" | grep -q '"status":"completed"' || return 1
  done
}
for _ in $(seq 1 600); do all_done && break; sleep 0.2; done
all_done || fail "not every scan completed after the restart"
sleep 2  # anything still running would now show up as a second completion
api "audit?action=scan_completed&repository=stage/app" >events.json
for i in $(seq 0 9); do
  d=$(skopeo inspect --raw --tls-verify=false --creds admin:admin-pw "docker://$REG/stage/app:$i" | sha256sum | cut -d' ' -f1)
  curl -sf -u admin:admin-pw "http://$REG/v2/stage/app/referrers/sha256:$d" >"refs$i.json" || fail "referrers $i"
  echo "sha256:$d"
done >digests.txt
python3 - events.json digests.txt refs{0..9}.json <<'PY' || fail "exactly once"
import collections, json, sys
events = json.load(open(sys.argv[1]))["events"]
digests = open(sys.argv[2]).read().split()
per = collections.Counter(e["digest"] for e in events)
assert sorted(per) == sorted(digests) and set(per.values()) == {1}, per
for path in sys.argv[3:]:
    kinds = collections.Counter(m.get("artifactType") for m in json.load(open(path))["manifests"])
    assert kinds == {"application/vnd.cyclonedx+json": 1,
                     "application/vnd.portcullis.scan.report.v1+json": 1}, (path, kinds)
print("after the restart: 10 images, each with 1 scan_completed event, 1 SBOM and 1 report referrer")
PY
curl -sf "http://$REG/metrics" | grep '^portcullis_scan_queue' | grep -v ' 0$' && fail "jobs left in the queue"
echo "scan_queue_test: OK"
