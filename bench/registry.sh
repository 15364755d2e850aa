#!/usr/bin/env bash
# Registry benchmark: portcullis against Debian's docker-registry (CNCF Distribution 2.8), same
# machine, same run. Push and pull of a 10 x 20 MB image with skopeo; GET manifest and HEAD blob
# requests per second at 1 and 16 connections (wrk for GET; bench/head_load for HEAD, since wrk
# and ab wait for a body after HEAD); idle memory. Prints ratios.
# Usage: bench/registry.sh [PORTCULLIS_BIN]   (env: WRK_SECONDS=10 RUNS=3)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-build/release/src/cli/portcullis}
HEAD_LOAD=${HEAD_LOAD:-build/release/bench/head_load}
DIST=/usr/bin/docker-registry
WRK_SECONDS=${WRK_SECONDS:-10}
RUNS=${RUNS:-3}
WORK=$(mktemp -d /tmp/portcullis-bench-XXXXXX)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"' EXIT
[ -x "$BIN" ] || { echo "build first: make build" >&2; exit 2; }
[ -x "$DIST" ] || { echo "missing $DIST (scripts/install-deps)" >&2; exit 2; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 1 100); do curl -s -o /dev/null "http://$1/v2/" && return 0; sleep 0.1; done; echo "no server at $1" >&2; exit 1; }
rss_kb() { awk '/VmRSS/{print $2}' "/proc/$1/status"; }
now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }

# start NAME DATA: sets ADDR and PID
start() {
  local port; port=$(free_port)
  ADDR=127.0.0.1:$port
  if [ "$1" = portcullis ]; then
    PORTCULLIS_AUTH_ENABLED=false PORTCULLIS_LOG_LEVEL=warn "$BIN" serve --data "$2" --listen "$ADDR" >"$WORK/$1.log" 2>&1 &
  else
    cat >"$WORK/dist.yml" <<YML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage:
  filesystem: {rootdirectory: $2}
  delete: {enabled: true}
  cache: {blobdescriptor: inmemory}
http: {addr: $ADDR}
YML
    "$DIST" serve "$WORK/dist.yml" >"$WORK/$1.log" 2>&1 &
  fi
  PID=$!
  PIDS+=("$PID")
  wait_up "$ADDR"
}
stop() { kill "$1"; wait "$1" 2>/dev/null || true; }

echo "building a 10 x 20 MB image..." >&2
python3 bench/make_layout.py "$WORK/layout" 10 $((20 * 1024 * 1024)) >/dev/null

declare -A push pull idle_start idle_after get1 get16 head1 head16
for reg in distribution portcullis; do
  push_times=(); pull_times=()
  for run in $(seq 1 "$RUNS"); do
    start "$reg" "$WORK/data-$reg-$run"
    [ "$run" = 1 ] && idle_start[$reg]=$(rss_kb "$PID")
    t0=$(now)
    skopeo copy -q --dest-tls-verify=false "oci:$WORK/layout:bench" "docker://$ADDR/bench/app:1"
    t1=$(now)
    skopeo copy -q --src-tls-verify=false "docker://$ADDR/bench/app:1" "dir:$WORK/pulled-$reg-$run"
    t2=$(now)
    rm -rf "$WORK/pulled-$reg-$run"
    push_times+=("$(echo "$t1 - $t0" | bc)"); pull_times+=("$(echo "$t2 - $t1" | bc)")
    if [ "$run" = "$RUNS" ]; then
      manifest_url="http://$ADDR/v2/bench/app/manifests/1"
      layer=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["layers"][0]["digest"])' \
        "$WORK/layout/blobs/sha256/$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"][7:])' "$WORK/layout/index.json")")
      accept='Accept: application/vnd.oci.image.manifest.v1+json'
      for c in 1 16; do
        r=$(wrk -t "$([ $c = 1 ] && echo 1 || echo 2)" -c "$c" -d "${WRK_SECONDS}s" -H "$accept" "$manifest_url" | awk '/Requests\/sec/{print $2}')
        if [ $c = 1 ]; then get1[$reg]=$r; else get16[$reg]=$r; fi
        r=$("$HEAD_LOAD" 127.0.0.1 "${ADDR#*:}" "/v2/bench/app/blobs/$layer" "$c" "$WRK_SECONDS" | cut -d' ' -f1)
        if [ $c = 1 ]; then head1[$reg]=$r; else head16[$reg]=$r; fi
      done
      sleep 2
      idle_after[$reg]=$(rss_kb "$PID")
      # Correctness guard: a benchmark of wrong answers is worthless.
      code=$(curl -s -o /dev/null -w '%{http_code}' -H "$accept" "$manifest_url")
      [ "$code" = 200 ] || { echo "$reg answered $code for the manifest" >&2; exit 1; }
    fi
    stop "$PID"
  done
  push[$reg]=$(printf '%s\n' "${push_times[@]}" | median)
  pull[$reg]=$(printf '%s\n' "${pull_times[@]}" | median)
done

ratio() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f'{a/b:.2f}x' if b else 'n/a')" "$1" "$2"; }
printf '\n%-34s %14s %14s %10s\n' "metric (median of $RUNS for push/pull)" distribution portcullis ratio
printf '%-34s %14s %14s %10s\n' "push 10x20MB, seconds (lower better)" "${push[distribution]}" "${push[portcullis]}" "$(ratio "${push[distribution]}" "${push[portcullis]}")"
printf '%-34s %14s %14s %10s\n' "pull 10x20MB, seconds (lower better)" "${pull[distribution]}" "${pull[portcullis]}" "$(ratio "${pull[distribution]}" "${pull[portcullis]}")"
printf '%-34s %14s %14s %10s\n' "GET manifest req/s, 1 conn" "${get1[distribution]}" "${get1[portcullis]}" "$(ratio "${get1[portcullis]}" "${get1[distribution]}")"
printf '%-34s %14s %14s %10s\n' "GET manifest req/s, 16 conns" "${get16[distribution]}" "${get16[portcullis]}" "$(ratio "${get16[portcullis]}" "${get16[distribution]}")"
printf '%-34s %14s %14s %10s\n' "HEAD blob req/s, 1 conn" "${head1[distribution]}" "${head1[portcullis]}" "$(ratio "${head1[portcullis]}" "${head1[distribution]}")"
printf '%-34s %14s %14s %10s\n' "HEAD blob req/s, 16 conns" "${head16[distribution]}" "${head16[portcullis]}" "$(ratio "${head16[portcullis]}" "${head16[distribution]}")"
printf '%-34s %14s %14s %10s\n' "RSS idle at start, KiB" "${idle_start[distribution]}" "${idle_start[portcullis]}" "$(ratio "${idle_start[distribution]}" "${idle_start[portcullis]}")"
printf '%-34s %14s %14s %10s\n' "RSS idle after load, KiB" "${idle_after[distribution]}" "${idle_after[portcullis]}" "$(ratio "${idle_after[distribution]}" "${idle_after[portcullis]}")"
echo "ratios: >1 means portcullis is better (faster, more requests, less memory)"
