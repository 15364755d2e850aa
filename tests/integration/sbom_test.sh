#!/usr/bin/env bash
# portcullis sbom end to end: every shared image in every format; CycloneDX validates against
# the official 1.5 schema, SPDX against the 2.3 rules; exit codes; atomic --output; stdout holds
# only the document.
source "$(dirname "$0")/lib.sh"
SCHEMA="$(cd "$(dirname "$0")/../schema" && pwd)"
[ -d "$SCHEMA/node_modules/ajv" ] || (cd "$SCHEMA" && npm ci --no-audit --no-fund --silent) || fail "npm ci in tests/schema"

images=("oci:$LAYOUT:debian-base" "oci:$LAYOUT:node-app" "oci:$LAYOUT:polyglot" "oci:$LAYOUT:distroless"
        "docker-archive:$SHARED/images/distroless-amd64.docker-archive.tar"
        "docker-archive:$SHARED/images/node-app.docker-archive.tar.gz")
n=0
for image in "${images[@]}"; do
  n=$((n + 1))
  for format in cyclonedx-json spdx-json json table; do
    "$BIN" sbom --cache-dir "$WORK/cache" "$image" --format "$format" >"$WORK/$n.$format" 2>"$WORK/$n.$format.err" \
      || fail "sbom $image --format $format: $(cat "$WORK/$n.$format.err")"
  done
  python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$WORK/$n.json" || fail "json output of $image is not JSON"
  grep -q "packages$" "$WORK/$n.table" || fail "table output of $image"
done
node "$SCHEMA/validate.js" "$WORK"/*.cyclonedx-json || fail "CycloneDX validation"
node "$SCHEMA/validate_spdx.js" "$WORK"/*.spdx-json || fail "SPDX validation"
"$BIN" sbom --cache-dir "$WORK/cache" "oci:$LAYOUT:distroless" --platform linux/arm64 --format cyclonedx-json >"$WORK/arm.cdx" \
  || fail "arm64"
grep -q 'arch=arm64' "$WORK/arm.cdx" || fail "arm64 child not reported with arch arm64"

expect_exit() {
  local want=$1; shift
  set +e; "$@" >"$WORK/out" 2>"$WORK/err"; local got=$?; set -e
  [ "$got" = "$want" ] || fail "'$*' exited $got, want $want: $(cat "$WORK/err")"
}
expect_exit 2 "$BIN" sbom "oci:$LAYOUT:debian-base" --format xml
expect_exit 2 "$BIN" sbom
expect_exit 3 "$BIN" sbom "oci:$WORK/missing:x"
expect_exit 3 "$BIN" sbom "oci:$LAYOUT:nope"
grep -q "debian-base, node-app, polyglot, distroless" "$WORK/err" || fail "unknown ref should list refs: $(cat "$WORK/err")"
expect_exit 3 "$BIN" sbom "oci:$LAYOUT:distroless" --platform linux/s390x
grep -q "linux/amd64, linux/arm64/v8" "$WORK/err" || fail "platform error should list platforms"
# A failed run leaves no output file; a good one replaces it whole.
echo keep >"$WORK/out.json"
expect_exit 3 "$BIN" sbom "oci:$WORK/missing:x" --output "$WORK/out.json"
[ "$(cat "$WORK/out.json")" = keep ] || fail "failed run touched --output"
expect_exit 0 "$BIN" sbom "oci:$LAYOUT:node-app" --format json --output "$WORK/out.json"
[ ! -s "$WORK/out" ] || fail "--output also wrote to stdout"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["packages"])==90, len(d["packages"])' "$WORK/out.json" \
  || fail "--output document"
# A truncated archive is a processing error naming the input.
head -c 1000000 "$SHARED/images/node-app.docker-archive.tar.gz" >"$WORK/trunc.tar.gz"
expect_exit 3 "$BIN" sbom --no-cache "docker-archive:$WORK/trunc.tar.gz"
grep -q "trunc.tar.gz" "$WORK/err" || fail "truncated archive error: $(cat "$WORK/err")"
# docker:// against portcullis itself, with authentication: --creds, then skopeo's auth file.
export PORTCULLIS_ADMIN_PASSWORD=sbom-test-pw
start_server "$WORK/registry"
unset PORTCULLIS_ADMIN_PASSWORD
skopeo copy -q --all --dest-tls-verify=false --dest-creds admin:sbom-test-pw "oci:$LAYOUT:distroless" \
  "docker://$REG/stage/distroless:1" || fail "push distroless"
skopeo copy -q --dest-tls-verify=false --dest-creds admin:sbom-test-pw "oci:$LAYOUT:polyglot" \
  "docker://$REG/stage/polyglot:1" || fail "push polyglot"
expect_exit 0 "$BIN" sbom --no-cache "docker://$REG/stage/polyglot:1" --tls-verify=false --creds admin:sbom-test-pw --format json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["packages"])==126, len(d["packages"]); assert d["image"]["manifest_digest"]=="sha256:3c7c82c94098c849da33dd6b5385d13818340234d8e1f27bb9c65004b8d421dd"' "$WORK/out" \
  || fail "docker:// polyglot: $(head -c 300 "$WORK/out")"
export REGISTRY_AUTH_FILE="$WORK/auth.json"
skopeo login -u admin -p sbom-test-pw --tls-verify=false "$REG" >/dev/null || fail "skopeo login"
expect_exit 0 "$BIN" sbom --no-cache "$REG/stage/distroless:1" --platform linux/arm64 --tls-verify=false --format json
grep -q '"arch": "arm64"' "$WORK/out" || fail "bare reference with auth file, arm64"
unset REGISTRY_AUTH_FILE
expect_exit 3 "$BIN" sbom --no-cache "docker://$REG/stage/polyglot:1" --tls-verify=false --creds admin:wrong
grep -q "invalid username or password" "$WORK/err" || fail "wrong password: $(cat "$WORK/err")"
expect_exit 3 "$BIN" sbom --no-cache "docker://$REG/stage/absent:1" --tls-verify=false --creds admin:sbom-test-pw
echo "sbom: ${#images[@]} images x 4 formats; CycloneDX and SPDX valid; docker:// with token auth; exit codes as documented"
