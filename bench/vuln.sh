#!/usr/bin/env bash
# Vulnerability DB and gate benchmark over ../shared/vulndata: `db build` from every feed
# snapshot, opening the DB (`db status`), `scan` of debian-base against the igzip floor of its
# layer, and what matching and policy add to a scan: `scan` against `sbom` of the same image in
# the same run (cold: no layer cache; warm: cached layers). Prints ratios.
# Usage: bench/vuln.sh [PORTCULLIS_BIN]   (env: RUNS=5)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-build/release/src/cli/portcullis}
RUNS=${RUNS:-5}
SHARED=${PORTCULLIS_SHARED:-$(cd .. && pwd)/shared}
V="$SHARED/vulndata"
LAYOUT="$SHARED/images/oci-layout"
WORK=$(mktemp -d /tmp/portcullis-vuln-bench-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
timed() { local s e; s=$(now); "$@" >/dev/null 2>&1; e=$(now); echo "$e - $s" | bc; }
feeds=("$V/osv/npm" "$V/osv/maven" pypi="$V/osv/pypi/vulns" go="$V/osv/go/data/osv"
       "$V/osv/almalinux/almalinux10" alpine="$V/alpine-secdb/alpinelinux-alpine-secdb"
       "$V/alpine-secdb/vuln-list-split" debian="$V/debian-changelogs/bookworm-fixed.json"
       "$V/kev" "$V/nvd")
find "$V" -type f -exec cat {} + >/dev/null  # page cache warm

build=(); open=()
for i in $(seq 1 "$RUNS"); do
  build+=("$(timed "$BIN" db build --out "$WORK/vuln.db" --feeds "${feeds[@]}")")
  open+=("$(timed "$BIN" db status --db "$WORK/vuln.db")")
done
advisories=$("$BIN" db status --db "$WORK/vuln.db" | awk 'NR>5 {s+=$4} END {print s}')
files=$(find "$V/osv/npm" "$V/osv/maven" "$V/osv/pypi/vulns" "$V/osv/go/data/osv" "$V/osv/almalinux/almalinux10" \
  "$V/alpine-secdb/alpinelinux-alpine-secdb" "$V/alpine-secdb/vuln-list-split" -type f \( -name '*.json' -o -name '*.yaml' \) | wc -l)

printf '\n%-52s %12s\n' "metric (median of $RUNS)" value
printf '%-52s %11.3fs\n' "db build: $((files + 3)) feed files, $advisories advisories" "$(printf '%s\n' "${build[@]}" | median)"
printf '%-52s %11.1fM\n' "db file size" "$(echo "$(stat -c %s "$WORK/vuln.db") / 1048576" | bc -l)"
printf '%-52s %11.3fs\n' "db open + metadata (db status, whole process)" "$(printf '%s\n' "${open[@]}" | median)"

# The CI gate on debian-base against the floor for reading its layer (igzip -dc), same run.
LAYER="$LAYOUT/blobs/sha256/3c0483155b66d8d659e8ce5a46a666e62cb4b2477e2b91fd8cc74c6ba94c9f9a"
floor=(); gate=()
for _ in $(seq 1 "$RUNS"); do
  floor+=("$(timed igzip -dc "$LAYER")")
  gate+=("$(timed "$BIN" scan --db "$WORK/vuln.db" --no-cache "oci:$LAYOUT:debian-base" --format json)")
done
f=$(printf '%s\n' "${floor[@]}" | median); g=$(printf '%s\n' "${gate[@]}" | median)
printf '%-52s %11.3fs\n' "igzip -dc of debian-base's layer (floor)" "$f"
printf '%-52s %11.3fs\n' "scan debian-base, default policy, no layer cache" "$g"
printf '%-52s %11.2fx  (target <= 2x)\n' "ratio scan / floor" "$(echo "$g / $f" | bc -l)"

for img in node-app polyglot; do
  sb_cold=(); sc_cold=(); sb_warm=(); sc_warm=()
  "$BIN" sbom --cache-dir "$WORK/cache" "oci:$LAYOUT:$img" --format json >/dev/null
  for _ in $(seq 1 "$RUNS"); do
    sb_cold+=("$(timed "$BIN" sbom --no-cache "oci:$LAYOUT:$img" --format json)")
    sc_cold+=("$(timed "$BIN" scan --db "$WORK/vuln.db" --no-cache "oci:$LAYOUT:$img" --format json)")
    sb_warm+=("$(timed "$BIN" sbom --cache-dir "$WORK/cache" "oci:$LAYOUT:$img" --format json)")
    sc_warm+=("$(timed "$BIN" scan --db "$WORK/vuln.db" --cache-dir "$WORK/cache" "oci:$LAYOUT:$img" --format json)")
  done
  findings=$({ "$BIN" scan --db "$WORK/vuln.db" --no-cache "oci:$LAYOUT:$img" --format json 2>/dev/null || true; } \
    | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["findings"]))')
  a=$(printf '%s\n' "${sb_cold[@]}" | median); b=$(printf '%s\n' "${sc_cold[@]}" | median)
  c=$(printf '%s\n' "${sb_warm[@]}" | median); d=$(printf '%s\n' "${sc_warm[@]}" | median)
  printf '%-52s %11.3fs\n' "$img: sbom, no layer cache" "$a"
  printf '%-52s %11.3fs\n' "$img: scan ($findings findings), no layer cache" "$b"
  printf '%-52s %11.1f%%  (target < 10%%)\n' "$img: DB open + match share of the cold scan" "$(echo "($b - $a) * 100 / $b" | bc -l)"
  printf '%-52s %11.3fs / %.3fs\n' "$img: sbom / scan, warm layer cache" "$c" "$d"
done
