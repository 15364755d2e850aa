# Shared helpers for the integration tests: a registry on a free port with its own data
# directory, stopped when the test exits.
set -euo pipefail

BIN=${1:?usage: $0 PATH_TO_PORTCULLIS}
SHARED=${PORTCULLIS_SHARED:-$(cd "$(dirname "$0")/../../.." && pwd)/shared}
LAYOUT="$SHARED/images/oci-layout"
WORK=$(mktemp -d /tmp/portcullis-it-XXXXXX)
SERVER_PID=""

cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  # PORTCULLIS_IT_LOG=FILE keeps the last server log (e.g. to look for sanitizer reports).
  if [ -n "${PORTCULLIS_IT_LOG:-}" ] && [ -f "$WORK/server.log" ]; then cp "$WORK/server.log" "$PORTCULLIS_IT_LOG"; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  if [ -f "$WORK/server.log" ]; then tail -20 "$WORK/server.log" >&2; fi
  exit 1
}

# start_server DATA_DIR [extra serve flags...]: sets PORT and REG (host:port).
start_server() {
  local data=$1
  shift
  : >"$WORK/server.log"
  "$BIN" serve --data "$data" --listen 127.0.0.1:0 "$@" >>"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    PORT=$(grep -o 'msg="listening".* port=[0-9]*' "$WORK/server.log" | grep -o 'port=[0-9]*' | cut -d= -f2 | tail -1 || true)
    if [ -n "$PORT" ]; then
      REG="127.0.0.1:$PORT"
      return 0
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || fail "server exited: $(cat "$WORK/server.log")"
    sleep 0.1
  done
  fail "server did not start"
}

stop_server() {
  kill -TERM "$SERVER_PID"
  wait "$SERVER_PID" || true
  SERVER_PID=""
}

# Refs of the shared OCI layout.
layout_refs() {
  python3 -c 'import json,sys; [print(m["annotations"]["org.opencontainers.image.ref.name"]) for m in json.load(open(sys.argv[1]))["manifests"]]' "$LAYOUT/index.json"
}

layout_digest() {
  python3 -c 'import json,sys; print([m["digest"] for m in json.load(open(sys.argv[1]))["manifests"] if m["annotations"]["org.opencontainers.image.ref.name"]==sys.argv[2]][0])' "$LAYOUT/index.json" "$1"
}
