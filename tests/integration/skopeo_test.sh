#!/usr/bin/env bash
# skopeo against portcullis: every image of the shared OCI layout is copied into the registry and
# back, byte for byte (same manifest digests, same blobs), the multi-arch index with --all;
# inspect, list-tags and delete work.
source "$(dirname "$0")/lib.sh"

# sendfile on here (the default is off), so the zero-copy path is exercised by real clients.
PORTCULLIS_SERVER_SENDFILE=true PORTCULLIS_AUTH_ENABLED=false start_server "$WORK/data"
tls=(--src-tls-verify=false --dest-tls-verify=false)
copied=0
for ref in $(layout_refs); do
  want=$(layout_digest "$ref")
  all=()
  case "$(python3 -c 'import json,sys; print([m["mediaType"] for m in json.load(open(sys.argv[1]))["manifests"] if m["annotations"]["org.opencontainers.image.ref.name"]==sys.argv[2]][0])' "$LAYOUT/index.json" "$ref")" in
    *index*) all=(--all) ;;
  esac
  skopeo copy -q "${tls[@]}" "${all[@]}" --preserve-digests "oci:$LAYOUT:$ref" "docker://$REG/stage/$ref:v1" \
    || fail "push $ref"
  got=$(skopeo inspect --tls-verify=false --raw "docker://$REG/stage/$ref:v1" | sha256sum | cut -d' ' -f1)
  [ "sha256:$got" = "$want" ] || fail "$ref: registry serves manifest sha256:$got, layout has $want"
  head_digest=$(curl -sfI -H 'Accept: application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json' \
    "http://$REG/v2/stage/$ref/manifests/v1" | tr -d '\r' | awk -F': ' 'tolower($1)=="docker-content-digest"{print $2}')
  [ "$head_digest" = "$want" ] || fail "$ref: Docker-Content-Digest $head_digest != $want"
  skopeo copy -q "${tls[@]}" "${all[@]}" --preserve-digests "docker://$REG/stage/$ref:v1" "oci:$WORK/back:$ref" \
    || fail "pull $ref"
  copied=$((copied + 1))
done
# Every blob the pull wrote is byte-identical to the original layout's blob of that digest.
blobs=0
for f in "$WORK"/back/blobs/sha256/*; do
  name=$(basename "$f")
  cmp -s "$f" "$LAYOUT/blobs/sha256/$name" || fail "blob $name differs from the layout's"
  [ "$(sha256sum "$f" | cut -d' ' -f1)" = "$name" ] || fail "blob $name does not hash to its name"
  blobs=$((blobs + 1))
done
for ref in $(layout_refs); do
  back=$(python3 -c 'import json,sys; print([m["digest"] for m in json.load(open(sys.argv[1]))["manifests"] if m["annotations"]["org.opencontainers.image.ref.name"]==sys.argv[2]][0])' "$WORK/back/index.json" "$ref")
  [ "$back" = "$(layout_digest "$ref")" ] || fail "$ref came back as $back"
done
echo "copied $copied images in and out, $blobs blobs byte-identical"

# The multi-arch index came with both children.
skopeo inspect --tls-verify=false --override-arch arm64 "docker://$REG/stage/distroless:v1" >"$WORK/arm64.json" || fail "inspect arm64 child"
grep -q '"Architecture": "arm64"' "$WORK/arm64.json" || fail "arm64 child not served"

# inspect, list-tags, delete.
skopeo inspect --tls-verify=false "docker://$REG/stage/debian-base:v1" >"$WORK/inspect.json" || fail "inspect"
python3 - "$WORK/inspect.json" <<'PY' || fail "inspect output"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["Digest"] == "sha256:27b06bdf644ab5fb17e2ebb073c440d5499330addde7ff86f2c7a8aaa4a5b18a", d["Digest"]
assert d["Architecture"] == "amd64" and d["Os"] == "linux"
assert d["Layers"] == ["sha256:3c0483155b66d8d659e8ce5a46a666e62cb4b2477e2b91fd8cc74c6ba94c9f9a"]
PY
skopeo copy -q "${tls[@]}" "docker://$REG/stage/debian-base:v1" "docker://$REG/stage/debian-base:v2" || fail "retag"
tags=$(skopeo list-tags --tls-verify=false "docker://$REG/stage/debian-base" | python3 -c 'import json,sys; print(",".join(json.load(sys.stdin)["Tags"]))')
[ "$tags" = "v1,v2" ] || fail "list-tags gave $tags"
skopeo delete --tls-verify=false "docker://$REG/stage/node-app:v1" || fail "delete"
if skopeo inspect --tls-verify=false "docker://$REG/stage/node-app:v1" >/dev/null 2>&1; then
  fail "node-app:v1 still there after delete"
fi
echo "inspect, list-tags and delete work"
