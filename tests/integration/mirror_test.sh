#!/usr/bin/env bash
# Mirroring against Debian's docker-registry (CNCF Distribution 2.8) on loopback as the
# upstream: tags matching the filter arrive locally and are scanned within a poll interval; a
# changed digest is mirrored again; an index arrives with every platform; a tag whose blob is
# corrupt upstream fails without leaving a manifest behind, is audited as mirror_failed and
# retried with backoff; an unreachable upstream counts in the metrics. Token authentication: a
# second portcullis (auth on, Docker token flow) is mirrored with credentials from the
# configuration; wrong credentials are a mirror_failed naming the 401. Push mirroring: an image
# promoted into verified/ is replicated to the upstream registry.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"

export PORTCULLIS_ADMIN_PASSWORD=admin-pw
BIN=$(readlink -f "$BIN")
cd "$WORK"
api() { curl -sf -u admin:admin-pw "http://$REG/portcullis/v1/$1"; }
wait_for() {
  local limit=$1 what=$2; shift 2
  for _ in $(seq 1 $((limit * 10))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  fail "timed out after ${limit}s waiting for $what"
}
now_ms() { date +%s%3N; }

"$BIN" db build --out vuln.db --feeds "$SHARED/vulndata/osv/npm" \
  debian="$SHARED/vulndata/debian-changelogs/bookworm-fixed.json" >/dev/null 2>&1 || fail "db build"
DPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
DEAD=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >dist.yml <<YML
version: 0.1
storage:
  filesystem:
    rootdirectory: $WORK/dist
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$DPORT
YML
docker-registry serve dist.yml >dist.log 2>&1 &
DIST_PID=$!
trap 'kill $DIST_PID 2>/dev/null || true; cleanup' EXIT
wait_for 10 "docker-registry" curl -sf "http://127.0.0.1:$DPORT/v2/"
UP=127.0.0.1:$DPORT
U=(--dest-tls-verify=false)
skopeo copy -q "${U[@]}" "oci:$LAYOUT:debian-base" "docker://$UP/app:1" || fail "seed upstream"

# An upstream that wants credentials: portcullis with authentication, Bearer tokens from /token.
UPP=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PORTCULLIS_ADMIN_PASSWORD=up-pw "$BIN" serve --data "$WORK/up" --listen "127.0.0.1:$UPP" --log-level debug >up.log 2>&1 &
UP_PID=$!
trap 'kill $DIST_PID $UP_PID 2>/dev/null || true; cleanup' EXIT
wait_for 10 "the authenticated upstream" curl -s -o /dev/null "http://127.0.0.1:$UPP/v2/"
skopeo copy -q "${U[@]}" --dest-creds admin:up-pw "oci:$LAYOUT:distroless" "docker://127.0.0.1:$UPP/team/app:1" \
  || fail "seed the authenticated upstream"

INTERVAL=4
cat >serve.yaml <<YML
repositories:
  - {pattern: stage/**, scan_on_push: true}
scanning: {db: vuln.db}
mirrors:
  - name: dist
    upstream: {registry: "$UP", repository: app, tls_verify: false}
    tags: ["1", "2*"]
    to: stage/mirrored
    interval: ${INTERVAL}s
  - name: authed
    upstream: {registry: "127.0.0.1:$UPP", repository: team/app, username: admin, password: up-pw, tls_verify: false}
    to: stage/authed
    interval: ${INTERVAL}s
  - name: badauth
    upstream: {registry: "127.0.0.1:$UPP", repository: team/app, username: admin, password: wrong, tls_verify: false}
    to: stage/badauth
    interval: 1h
  - name: dead
    upstream: {registry: "127.0.0.1:$DEAD", repository: gone, tls_verify: false}
    to: stage/dead
    interval: 1h
promotions:
  - {name: ship, from: "stage/mirrored:1", to: "verified/mirrored:{tag}"}
push_mirrors:
  - name: prod
    from: verified/**
    to: {registry: "$UP", repository: prod, tls_verify: false}
YML
start_server "$WORK/data" --config serve.yaml
scanned() { api "scan?repository=stage/mirrored&tag=$1" | grep -q '"status":"completed"'; }
wait_for $((INTERVAL * 3 + 60)) "stage/mirrored:1 mirrored and scanned" scanned 1

# A new tag upstream arrives, scanned, within one poll interval (plus the scan).
T0=$(now_ms)
skopeo copy -q "${U[@]}" "oci:$LAYOUT:node-app" "docker://$UP/app:2" || fail "push app:2 upstream"
skopeo copy -q "${U[@]}" "oci:$LAYOUT:polyglot" "docker://$UP/app:skipped" || fail "push app:skipped upstream"
wait_for $((INTERVAL * 3 + 60)) "stage/mirrored:2 mirrored and scanned" scanned 2
T1=$(now_ms)
echo "mirror latency: new upstream tag -> local and scanned in $((T1 - T0)) ms (poll interval ${INTERVAL}s)"
if skopeo inspect --raw --tls-verify=false --creds admin:admin-pw "docker://$REG/stage/mirrored:skipped" >/dev/null 2>&1; then
  fail "a tag outside the filter was mirrored"
fi
[ "$(skopeo inspect --raw --tls-verify=false "docker://$UP/app:2" | sha256sum)" = \
  "$(skopeo inspect --raw --tls-verify=false --creds admin:admin-pw "docker://$REG/stage/mirrored:2" | sha256sum)" ] \
  || fail "the mirrored manifest differs from upstream's"

# A changed digest under the same tag is mirrored again.
skopeo copy -q "${U[@]}" "oci:$LAYOUT:polyglot" "docker://$UP/app:2" || fail "re-tag app:2 upstream"
WANT=$(skopeo inspect --raw --tls-verify=false "docker://$UP/app:2" | sha256sum | cut -d' ' -f1)
moved() { [ "$(skopeo inspect --raw --tls-verify=false --creds admin:admin-pw "docker://$REG/stage/mirrored:2" | sha256sum | cut -d' ' -f1)" = "$WANT" ]; }
wait_for $((INTERVAL * 3 + 30)) "the changed digest of app:2" moved

# An index arrives with every platform.
skopeo copy -q --all "${U[@]}" "oci:$LAYOUT:distroless" "docker://$UP/app:20" || fail "push the index upstream"
wait_for $((INTERVAL * 3 + 60)) "the index" scanned 20
skopeo inspect --raw --tls-verify=false --creds admin:admin-pw "docker://$REG/stage/mirrored:20" >index.json
python3 - index.json <<'PY' >children.txt || fail "index: $(cat index.json)"
import json, sys
i = json.load(open(sys.argv[1]))
assert len(i["manifests"]) >= 2, i
for m in i["manifests"]: print(m["digest"])
PY
while read -r d; do
  skopeo inspect --raw --tls-verify=false --creds admin:admin-pw "docker://$REG/stage/mirrored@$d" >/dev/null \
    || fail "platform manifest $d missing"
done <children.txt
echo "index mirrored with $(wc -l <children.txt) platforms"

# A tag whose blob is corrupt upstream: no manifest is left, the failure is audited and retried.
skopeo copy -q --override-arch amd64 "oci:$LAYOUT:distroless" "dir:$WORK/broken" || fail "copy distroless"
python3 - "$WORK/broken" <<'PY' || fail "make a distinct image"
import hashlib, json, os, sys
d = sys.argv[1]
m = json.load(open(os.path.join(d, "manifest.json")))
old = m["config"]["digest"].split(":")[1]
cfg = json.load(open(os.path.join(d, old)))
cfg["config"]["Labels"] = {"broken": "yes"}
data = json.dumps(cfg).encode()
new = hashlib.sha256(data).hexdigest()
open(os.path.join(d, new), "wb").write(data)
os.remove(os.path.join(d, old))
m["config"]["digest"], m["config"]["size"] = "sha256:" + new, len(data)
open(os.path.join(d, "manifest.json"), "w").write(json.dumps(m))
PY
# Pushed under a tag the filter skips, its config blob corrupted in place (same length), then
# tagged 22: the upstream serves bytes that do not match the digest.
skopeo copy -q "${U[@]}" "dir:$WORK/broken" "docker://$UP/app:hold" || fail "push app:hold"
CFG=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["config"]["digest"].split(":")[1])' "$WORK/broken/manifest.json")
python3 - "$WORK/dist/docker/registry/v2/blobs/sha256/${CFG:0:2}/$CFG/data" <<'PY' || fail "corrupt the blob"
import sys
p = sys.argv[1]
data = bytearray(open(p, "rb").read())
data[0:1] = b"X" if data[0:1] != b"X" else b"Y"
open(p, "wb").write(bytes(data))
PY
skopeo copy -q "${U[@]}" "dir:$WORK/broken" "docker://$UP/app:22" || fail "push app:22"
failed() { api "audit?action=mirror_failed&repository=stage/mirrored" | python3 -c 'import json,sys; e=[x for x in json.load(sys.stdin)["events"] if x["reason"].startswith("22: ")]; assert len(e) >= 2'; }
wait_for 60 "two mirror_failed events for app:22" failed
api "audit?action=mirror_failed&repository=stage/mirrored" | python3 -c 'import json,sys; e=[x for x in json.load(sys.stdin)["events"] if x["reason"].startswith("22: ")]; print("mirror_failed:", e[0]["reason"][:160], "| retry in", [x["detail"]["retry_in_seconds"] for x in e])'
if skopeo inspect --raw --tls-verify=false --creds admin:admin-pw "docker://$REG/stage/mirrored:22" >/dev/null 2>&1; then
  fail "a manifest whose blob is corrupt upstream was stored"
fi
MANIFEST22=$(skopeo inspect --raw --tls-verify=false "docker://$UP/app:22" | sha256sum | cut -d' ' -f1)
[ "$(curl -s -o /dev/null -w '%{http_code}' -u admin:admin-pw "http://$REG/v2/stage/mirrored/manifests/sha256:$MANIFEST22")" = 404 ] \
  || fail "the broken manifest is stored by digest"
api "audit?action=mirror_failed&repository=stage/dead" | grep -q "127.0.0.1:$DEAD" || fail "unreachable upstream not audited"
curl -sf "http://$REG/metrics" | grep -E '^portcullis_mirror_failures_total [1-9]' || fail "mirror failures not in the metrics"
curl -sf "http://$REG/metrics" | grep -E '^portcullis_mirrored_total [1-9]' || fail "mirrored not in the metrics"

# Token authentication with the configured credentials; wrong ones fail with the 401.
wait_for 30 "the authenticated mirror" skopeo inspect --raw --tls-verify=false --creds admin:admin-pw "docker://$REG/stage/authed:1"
grep -q 'path=/token status=200' up.log || fail "the upstream issued no token: $(grep token up.log | head -3)"
api "audit?action=mirror_failed&repository=stage/badauth" | grep -q '401' || fail "bad credentials: $(api "audit?action=mirror_failed&repository=stage/badauth")"

# Push mirroring: stage/mirrored:1 was promoted (rule ship) and replicated to the upstream.
replicated() { skopeo inspect --raw --tls-verify=false "docker://$UP/prod/mirrored:1" >/dev/null; }
wait_for 30 "the push mirror" replicated
[ "$(skopeo inspect --raw --tls-verify=false "docker://$UP/prod/mirrored:1" | sha256sum)" = \
  "$(skopeo inspect --raw --tls-verify=false "docker://$UP/app:1" | sha256sum)" ] || fail "replicated manifest differs"
skopeo copy -q --src-tls-verify=false "docker://$UP/prod/mirrored:1" "oci:$WORK/pulled:x" || fail "pull the replica"
api "audit?action=mirror" | grep -q '"result":"replicated"' || fail "replication not audited"
echo "mirror_test: OK"
