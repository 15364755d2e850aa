#!/usr/bin/env bash
# SIGTERM drains: an upload in flight when the signal arrives completes with 201, new connections
# are refused, and the server exits 0.
source "$(dirname "$0")/lib.sh"

PORTCULLIS_AUTH_ENABLED=false start_server "$WORK/data"
head -c 3000000 /dev/urandom >"$WORK/blob"
digest="sha256:$(sha256sum "$WORK/blob" | cut -d' ' -f1)"
# ~3 s upload at 1 MB/s.
curl -s -o /dev/null -w '%{http_code}' --limit-rate 1000000 -X POST -H 'Content-Type: application/octet-stream' \
  --data-binary @"$WORK/blob" "http://$REG/v2/drain/blobs/uploads/?digest=$digest" >"$WORK/status" &
curl_pid=$!
sleep 0.7
kill -TERM "$SERVER_PID"
sleep 0.3
if curl -s -m 2 "http://$REG/v2/" >/dev/null; then fail "new request accepted while draining"; fi
wait "$curl_pid" || true
[ "$(cat "$WORK/status")" = "201" ] || fail "in-flight upload got $(cat "$WORK/status")"
wait "$SERVER_PID"
rc=$?
SERVER_PID=""
[ "$rc" -eq 0 ] || fail "server exited $rc"
[ -f "$WORK/data/blobs/sha256/${digest:7:2}/${digest:7}" ] || fail "drained upload not stored"
echo "in-flight upload finished with 201 after SIGTERM; server exited 0"
