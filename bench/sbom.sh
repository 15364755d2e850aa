#!/usr/bin/env bash
# Scanner benchmark: `portcullis sbom` of debian-base against the floor for reading its gzip
# layer (`igzip -dc` to /dev/null) in the same run, cold and warm cache; peak memory on a
# synthetic image with a 2 GB layer. Prints ratios.
# Usage: bench/sbom.sh [PORTCULLIS_BIN]   (env: RUNS=5, BIG_BYTES=2147483648)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-build/release/src/cli/portcullis}
RUNS=${RUNS:-5}
BIG_BYTES=${BIG_BYTES:-2147483648}
SHARED=${PORTCULLIS_SHARED:-$(cd .. && pwd)/shared}
LAYOUT="$SHARED/images/oci-layout"
LAYER="$LAYOUT/blobs/sha256/3c0483155b66d8d659e8ce5a46a666e62cb4b2477e2b91fd8cc74c6ba94c9f9a"
WORK=$(mktemp -d /tmp/portcullis-sbom-bench-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
timed() { local s e; s=$(now); "$@" >/dev/null; e=$(now); echo "$e - $s" | bc; }

cat "$LAYER" >/dev/null  # page cache warm for both
floor=(); cold=(); warm=()
for _ in $(seq 1 "$RUNS"); do
  floor+=("$(timed igzip -dc "$LAYER")")
  cold+=("$(timed "$BIN" sbom --no-cache "oci:$LAYOUT:debian-base" --format json)")
done
"$BIN" sbom --cache-dir "$WORK/cache" "oci:$LAYOUT:debian-base" --format json >/dev/null
for _ in $(seq 1 "$RUNS"); do
  warm+=("$(timed "$BIN" sbom --cache-dir "$WORK/cache" "oci:$LAYOUT:debian-base" --format json)")
done
f=$(printf '%s\n' "${floor[@]}" | median)
c=$(printf '%s\n' "${cold[@]}" | median)
w=$(printf '%s\n' "${warm[@]}" | median)

echo "building a synthetic image with a $BIG_BYTES-byte layer..." >&2
python3 bench/make_big_layout.py "$WORK/big" "$BIG_BYTES"
/usr/bin/time -f '%M %e' -o "$WORK/big.time" "$BIN" sbom --no-cache "oci:$WORK/big:big" --format json >"$WORK/big.json"
read -r peak_kib big_seconds <"$WORK/big.time"
grep -q '"name": "big"' "$WORK/big.json" || { echo "big image: package not found" >&2; exit 1; }

printf '\n%-44s %12s\n' "metric (median of $RUNS)" value
printf '%-44s %12s\n' "igzip -dc debian-base layer, s (floor)" "$f"
printf '%-44s %12s\n' "portcullis sbom debian-base, cold, s" "$c"
printf '%-44s %12s\n' "ratio cold / floor (target <= 1.5)" "$(echo "scale=2; $c / $f" | bc)"
printf '%-44s %12s\n' "portcullis sbom debian-base, warm cache, ms" "$(echo "$w * 1000 / 1" | bc)"
printf '%-44s %12s\n' "2 GB layer: peak RSS, MiB (target <= 200)" "$((peak_kib / 1024))"
printf '%-44s %12s\n' "2 GB layer: wall time, s" "$big_seconds"
