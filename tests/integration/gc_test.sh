#!/usr/bin/env bash
# portcullis gc while the server runs: within the grace period nothing goes; after it, blobs
# only a deleted manifest referenced are removed, shared ones stay and images still pull.
source "$(dirname "$0")/lib.sh"

PORTCULLIS_AUTH_ENABLED=false start_server "$WORK/data"
tls=(--src-tls-verify=false --dest-tls-verify=false)
skopeo copy -q "${tls[@]}" "oci:$LAYOUT:debian-base" "docker://$REG/stage/debian:1" || fail "push debian"
skopeo copy -q "${tls[@]}" "oci:$LAYOUT:node-app" "docker://$REG/stage/node:1" || fail "push node"
count() { find "$WORK/data/blobs" -type f | wc -l; }
before=$(count)   # debian: config + layer; node-app: config + 2 more layers (base layer shared)
[ "$before" -eq 5 ] || fail "expected 5 blob files, found $before"

skopeo delete --tls-verify=false "docker://$REG/stage/node:1" || fail "delete node"
"$BIN" gc --data "$WORK/data" >"$WORK/gc1.txt" || fail "gc"
grep -q "blobs deleted: 0" "$WORK/gc1.txt" || fail "gc inside the grace period deleted: $(cat "$WORK/gc1.txt")"
[ "$(count)" -eq 5 ] || fail "files vanished inside the grace period"

sleep 1.1
"$BIN" gc --data "$WORK/data" --grace-period 0s >"$WORK/gc2.txt" || fail "gc"
grep -q "blobs deleted: 3" "$WORK/gc2.txt" || fail "gc after grace: $(cat "$WORK/gc2.txt")"
[ "$(count)" -eq 2 ] || fail "expected 2 blob files after gc, found $(count)"
for layer in edd42045950aee6994b9d0673fa98ab92da33feab491371ab6346eb7cf83b2c0 027c0bca02b114aaa1d6d9b41a6d4274a8aed3f676c93d582c5e856085cd460f; do
  [ ! -e "$WORK/data/blobs/sha256/${layer:0:2}/$layer" ] || fail "node-app layer $layer survived"
done
skopeo copy -q "${tls[@]}" "docker://$REG/stage/debian:1" "oci:$WORK/back:debian" || fail "debian no longer pulls"
echo "gc kept everything inside the grace period, then removed 3 unreferenced blobs and kept the shared layer"
