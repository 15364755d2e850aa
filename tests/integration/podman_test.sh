#!/usr/bin/env bash
# podman against portcullis (vfs storage under a temporary root): pull an image pushed by skopeo,
# push it to another repository, pull that back; the image (config digest) is the same.
source "$(dirname "$0")/lib.sh"

PORTCULLIS_AUTH_ENABLED=false start_server "$WORK/data"
pm=(podman --root "$WORK/root" --runroot "$WORK/run" --storage-driver vfs --cgroup-manager cgroupfs
    --events-backend none)
export CONTAINERS_REGISTRIES_CONF="$WORK/registries.conf"
printf 'unqualified-search-registries = []\n' >"$CONTAINERS_REGISTRIES_CONF"

skopeo copy -q --dest-tls-verify=false "oci:$LAYOUT:debian-base" "docker://$REG/stage/debian:12" || fail "seed"
"${pm[@]}" pull -q --tls-verify=false "$REG/stage/debian:12" >"$WORK/id1" || fail "podman pull"
config=sha256:8be1ef43bdde70add184ce31e57d0aed4e3aada5892b41fd85096819be034995
[ "sha256:$(cat "$WORK/id1")" = "$config" ] || fail "pulled image id $(cat "$WORK/id1"), want $config"

"${pm[@]}" tag "$REG/stage/debian:12" "$REG/verified/debian:12"
"${pm[@]}" push -q --tls-verify=false "$REG/verified/debian:12" || fail "podman push"
"${pm[@]}" rmi -a -f >/dev/null
"${pm[@]}" pull -q --tls-verify=false "$REG/verified/debian:12" >"$WORK/id2" || fail "podman pull after push"
[ "sha256:$(cat "$WORK/id2")" = "$config" ] || fail "round trip changed the image: $(cat "$WORK/id2")"
# The manifest podman pushed is served with the digest the registry computed.
digest=$(skopeo inspect --tls-verify=false "docker://$REG/verified/debian:12" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Digest"])')
raw=$(skopeo inspect --tls-verify=false --raw "docker://$REG/verified/debian:12" | sha256sum | cut -d' ' -f1)
[ "$digest" = "sha256:$raw" ] || fail "served digest $digest != content sha256:$raw"
echo "podman pull, push and pull back: image $config"
