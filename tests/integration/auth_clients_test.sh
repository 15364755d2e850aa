#!/usr/bin/env bash
# With authentication on: skopeo and podman log in with a username and password and get bearer
# tokens from /token; a user with pull-only permission can pull but is refused a push.
source "$(dirname "$0")/lib.sh"

export PORTCULLIS_ADMIN_PASSWORD=admin-pw-for-tests
start_server "$WORK/data"
unset PORTCULLIS_ADMIN_PASSWORD
export REGISTRY_AUTH_FILE="$WORK/auth.json"
pm=(podman --root "$WORK/root" --runroot "$WORK/run" --storage-driver vfs --cgroup-manager cgroupfs
    --events-backend none)

# Anonymous access is refused.
if skopeo copy -q --dest-tls-verify=false "oci:$LAYOUT:distroless" "docker://$REG/stage/x:1" --all 2>"$WORK/anon.err"; then
  fail "anonymous push succeeded"
fi
grep -qi "unauthorized\|authentication required" "$WORK/anon.err" || fail "anonymous push error: $(cat "$WORK/anon.err")"

# A wrong password is refused at login.
if skopeo login --tls-verify=false -u admin -p wrong "$REG" >/dev/null 2>&1; then fail "login with a wrong password"; fi

skopeo login --tls-verify=false -u admin -p admin-pw-for-tests "$REG" >/dev/null || fail "skopeo login"
skopeo copy -q --dest-tls-verify=false --all "oci:$LAYOUT:distroless" "docker://$REG/stage/distroless:1" || fail "admin push"
skopeo logout "$REG" >/dev/null

"${pm[@]}" login --tls-verify=false -u admin -p admin-pw-for-tests "$REG" >/dev/null || fail "podman login"
"${pm[@]}" pull -q --tls-verify=false "$REG/stage/distroless:1" >/dev/null || fail "podman pull with login"
"${pm[@]}" logout "$REG" >/dev/null

tokens=$(curl -s "http://$REG/metrics" | awk '/portcullis_http_requests_total\{route="token",method="GET",status="200"\}/{print $2}')
[ "${tokens:-0}" -ge 2 ] || fail "clients did not use the token flow (tokens issued: ${tokens:-0})"

# A pull-only user: pull works, push is refused with DENIED.
echo reader-pw | "$BIN" user add reader --password-stdin --data "$WORK/data" || fail "user add"
"$BIN" user grant reader stage/ pull --data "$WORK/data" || fail "user grant"
skopeo inspect --tls-verify=false --creds reader:reader-pw "docker://$REG/stage/distroless:1" >/dev/null || fail "reader pull"
if skopeo copy -q --dest-tls-verify=false --dest-creds reader:reader-pw "oci:$LAYOUT:debian-base" \
    "docker://$REG/stage/debian:1" 2>"$WORK/reader.err"; then
  fail "pull-only user could push"
fi
grep -q "denied\|DENIED\|may not push" "$WORK/reader.err" || fail "reader push error: $(cat "$WORK/reader.err")"
# Nor anywhere outside its namespace.
if skopeo inspect --tls-verify=false --creds reader:reader-pw "docker://$REG/verified/x:1" >/dev/null 2>&1; then
  fail "reader read outside its grant"
fi
echo "skopeo and podman logged in via tokens ($tokens issued); pull-only user refused a push"
