#!/usr/bin/env bash
# Attestors kept by the server (CLI and HTTP API, permission-checked) and the Voucher check
# suite: `portcullis vouch` on node-app fails snakeoil and nobody and attests neither; on a clean
# image every check passes and is attested with its own key, each verifying under its own
# attestor; POST /vouch answers as Voucher's server does, authenticated, digest required.
source "$(dirname "$0")/lib.sh"

export PORTCULLIS_ADMIN_PASSWORD=admin-pw
export PORTCULLIS_VOUCH_CONFIG="$WORK/vouch.yaml" PORTCULLIS_VOUCH_TLS_VERIFY=false
BIN=$(readlink -f "$BIN")
cd "$WORK"
V="$SHARED/vulndata"
expect() {  # expect WANT_EXIT ARGS...
  local want=$1; shift
  set +e; "$BIN" "$@" >"$WORK/out" 2>"$WORK/err"; local got=$?; set -e
  [ "$got" = "$want" ] || fail "portcullis $* exited $got, want $want: $(cat "$WORK/out" "$WORK/err")"
}
for k in snakeoil nobody provenance approved builder review; do
  "$BIN" key generate --type ecdsa-p256 --out $k >/dev/null || fail "key $k"
done
"$BIN" key generate --type ed25519 --out diy >/dev/null || fail "key diy"
"$BIN" key generate --type rsa-3072 --out policy >/dev/null || fail "key policy"
"$BIN" db build --out vuln.db --feeds "$V/osv/npm" debian="$V/debian-changelogs/bookworm-fixed.json" \
  >/dev/null 2>db.err || fail "db build: $(cat db.err)"
cat >vouch.yaml <<YML
checks: [snakeoil, nobody, diy, provenance, approved, policy]
failon: high
db: vuln.db
valid_repos: ["127.0.0.1:"]
trusted_builder_attestors: [builder]
trusted_source_repos: ["https://github.com/example/"]
approved_attestors: [review]
keys:
  snakeoil: snakeoil.key
  nobody: nobody.key
  diy: {path: diy.key, algorithm: ED25519}
  provenance: provenance.key
  approved: approved.key
  policy: {path: policy.key, algorithm: RSA_SIGN_PKCS1_3072_SHA256}
YML
start_server "$WORK/data"
A=(--server "$REG" --tls-verify=false)

# --- attestors: admins change them, users list them, anonymous callers are refused ---
echo reader-pw | "$BIN" user add reader --password-stdin --data "$WORK/data" || fail "user add"
"$BIN" user grant reader stage/ pull --data "$WORK/data" || fail "user grant"
for k in snakeoil nobody diy provenance approved builder review; do
  expect 0 attestor create $k "${A[@]}" --creds admin:admin-pw --note-reference projects/p/notes/$k --key $k.pub
done
expect 0 attestor create policy "${A[@]}" --creds admin:admin-pw --key policy.pub --algorithm RSA_SIGN_PKCS1_3072_SHA256
expect 3 attestor create policy "${A[@]}" --creds admin:admin-pw --key policy.pub
grep -q "409" "$WORK/err" || fail "duplicate attestor: $(cat "$WORK/err")"
expect 3 attestor create sneaky "${A[@]}" --creds reader:reader-pw --key review.pub
grep -q "admins only" "$WORK/err" || fail "reader created an attestor: $(cat "$WORK/err")"
expect 3 attestor list "${A[@]}"
grep -q "wants credentials" "$WORK/err" || fail "anonymous list: $(cat "$WORK/err")"
expect 0 attestor list "${A[@]}" --creds reader:reader-pw
grep -q "^builder .*projects/p/notes/builder .*ni:///sha-256;.*(ECDSA_P256_SHA256)" "$WORK/out" || fail "list: $(cat "$WORK/out")"
grep -q "^policy .*(RSA_SIGN_PKCS1_3072_SHA256)" "$WORK/out" || fail "list policy: $(cat "$WORK/out")"
"$BIN" key generate --type ecdsa-p384 --out builder2 >/dev/null
expect 0 attestor add-key builder "${A[@]}" --creds admin:admin-pw --key builder2.pub --comment "second builder key"
expect 3 attestor add-key builder "${A[@]}" --creds admin:admin-pw --key builder2.pub
expect 3 attestor add-key builder "${A[@]}" --creds reader:reader-pw --key review.pub
expect 2 attestor add-key builder "${A[@]}" --creds admin:admin-pw --key builder2.pub --algorithm ECDSA_P256_SHA256
expect 0 attestor create temp "${A[@]}" --creds admin:admin-pw --key review.pub
expect 0 attestor delete temp "${A[@]}" --creds admin:admin-pw
expect 3 attestor delete temp "${A[@]}" --creds admin:admin-pw
grep -q "404" "$WORK/err" || fail "delete twice: $(cat "$WORK/err")"
# The API speaks Binary Authorization's attestor shape.
curl -sf -u reader:reader-pw "http://$REG/portcullis/v1/attestors/builder" >builder.json || fail "GET attestor"
python3 - builder.json <<'PY' || fail "attestor JSON: $(cat builder.json)"
import json, sys
a = json.load(open(sys.argv[1]))
keys = a["userOwnedGrafeasNote"]["publicKeys"]
assert a["name"] == "builder" and a["userOwnedGrafeasNote"]["noteReference"] == "projects/p/notes/builder"
assert [k["pkixPublicKey"]["signatureAlgorithm"] for k in keys] == ["ECDSA_P256_SHA256", "ECDSA_P384_SHA384"], keys
assert keys[1]["comment"] == "second builder key" and keys[0]["id"].startswith("ni:///sha-256;")
PY
"$BIN" attestor list "${A[@]}" --creds admin:admin-pw --format json >attestors.json || fail "list json"

# --- images: node-app, and a clean one (distroless amd64 running as uid 65532) ---
skopeo copy -q --dest-tls-verify=false --dest-creds admin:admin-pw "oci:$LAYOUT:node-app" "docker://$REG/stage/node-app:1" || fail "seed node-app"
skopeo copy -q --override-arch amd64 "oci:$LAYOUT:distroless" "dir:$WORK/clean" || fail "copy distroless"
python3 - "$WORK/clean" <<'PY' || fail "make the clean image"
import hashlib, json, os, sys
d = sys.argv[1]
m = json.load(open(os.path.join(d, "manifest.json")))
old = m["config"]["digest"].split(":")[1]
cfg = json.load(open(os.path.join(d, old)))
cfg["config"]["User"] = "65532"
data = json.dumps(cfg).encode()
new = hashlib.sha256(data).hexdigest()
open(os.path.join(d, new), "wb").write(data)
os.remove(os.path.join(d, old))
m["config"]["digest"], m["config"]["size"] = "sha256:" + new, len(data)
open(os.path.join(d, "manifest.json"), "w").write(json.dumps(m))
PY
skopeo copy -q --dest-tls-verify=false --dest-creds admin:admin-pw "dir:$WORK/clean" "docker://$REG/stage/clean:1" || fail "seed clean"
digest_of() { skopeo inspect --raw --tls-verify=false --creds admin:admin-pw "docker://$1" | sha256sum | sed 's/^/sha256:/; s/ .*//'; }
NODE="$REG/stage/node-app@$(digest_of "$REG/stage/node-app:1")"
CLEAN="$REG/stage/clean@$(digest_of "$REG/stage/clean:1")"
C=(--creds admin:admin-pw --tls-verify=false)
echo '{"buildDefinition":{"buildType":"https://example.com/build/v1","externalParameters":{"source":"git+https://github.com/example/clean@refs/heads/main"}},"runDetails":{"builder":{"id":"https://example.com/builder"}}}' >prov.json
expect 0 attest "$CLEAN" --key builder.key --predicate prov.json --type slsaprovenance "${C[@]}"
expect 0 sign "$CLEAN" --key review.key --type binauthz "${C[@]}"

# --- vouch node-app: snakeoil and nobody fail, nothing attested for them ---
expect 1 vouch "$NODE" --config vouch.yaml --format json "${C[@]}"
cat "$WORK/out"
python3 - "$WORK/out" <<'PY' || fail "node-app vouch: $(cat "$WORK/out")"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["success"] is False
by = {c["name"]: c for c in r["results"]}
assert list(by) == ["snakeoil", "nobody", "diy", "provenance", "approved", "policy"], list(by)
for name in ("snakeoil", "nobody", "provenance", "approved", "policy"):
    assert by[name]["success"] is False and by[name]["attested"] is False, by[name]
assert "vulnerabilities at or above HIGH" in by["snakeoil"]["err"], by["snakeoil"]
assert "runs as root" in by["nobody"]["err"], by["nobody"]
assert by["diy"]["success"] is True and by["diy"]["attested"] is True, by["diy"]
assert "no provenance attestation" in by["provenance"]["err"], by["provenance"]
assert "no attestation by review" in by["approved"]["err"], by["approved"]
PY
for check in snakeoil nobody provenance approved policy; do
  expect 1 verify "$NODE" --attestor $check "${C[@]}"
done
expect 0 verify "$NODE" --attestor diy "${C[@]}"
# Two attestors required: both must verify.
expect 1 verify "$NODE" --attestor diy --attestor nobody "${C[@]}"
grep -q "^verified .* by attestor diy" "$WORK/out" && grep -q "^NOT verified .* by attestor nobody" "$WORK/out" \
  || fail "two attestors: $(cat "$WORK/out")"

# --- vouch the clean image: every check passes and is attested with its own key ---
expect 0 vouch "$CLEAN" --config vouch.yaml "${C[@]}"
cat "$WORK/out"
[ "$(grep -c ' pass   attested' "$WORK/out")" = 6 ] || fail "clean vouch: $(cat "$WORK/out")"
for check in snakeoil nobody diy provenance approved policy; do
  expect 0 verify "$CLEAN" --attestor $check "${C[@]}"
  expect 0 verify "$CLEAN" --attestor $check --attestors attestors.json "${C[@]}"
done
# Each attestation is by that check's key only: the nobody attestor does not accept the diy one.
python3 - attestors.json >only-nobody.json <<'PY'
import json, sys
print(json.dumps({"attestors": [a for a in json.load(open(sys.argv[1]))["attestors"] if a["name"] == "nobody"]}))
PY
expect 0 verify "$CLEAN" --attestor nobody --attestors only-nobody.json "${C[@]}"
grep -q "voucher.check\|signed by" "$WORK/out" || fail "nobody verify output: $(cat "$WORK/out")"

# --- POST /vouch ---
code=$(curl -s -o vouch.out -w '%{http_code}' -X POST -d "{\"image_url\":\"$CLEAN\"}" "http://$REG/vouch")
[ "$code" = 401 ] || fail "anonymous /vouch: $code $(cat vouch.out)"
code=$(curl -s -o vouch.out -w '%{http_code}' -u admin:admin-pw -X POST -d "{\"image_url\":\"$REG/stage/clean:1\"}" "http://$REG/vouch")
[ "$code" = 400 ] && grep -q "must name a digest" vouch.out || fail "/vouch with a tag: $code $(cat vouch.out)"
code=$(curl -s -o vouch.out -w '%{http_code}' -u admin:admin-pw -X POST -d '{"image":"x"}' "http://$REG/vouch")
[ "$code" = 400 ] || fail "/vouch without image_url: $code"
code=$(curl -s -o vouch.out -w '%{http_code}' -u admin:admin-pw -X POST -d "{\"image_url\":\"$NODE\"}" "http://$REG/vouch")
[ "$code" = 200 ] || fail "/vouch node-app: $code $(cat vouch.out)"
python3 - vouch.out "$NODE" <<'PY' || fail "/vouch answer: $(cat vouch.out)"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["image"] == sys.argv[2] and r["success"] is False, r
by = {c["name"]: c for c in r["results"]}
assert set(by) == {"snakeoil", "nobody", "diy", "provenance", "approved", "policy"}
assert by["nobody"]["success"] is False and by["nobody"]["attested"] is False and by["nobody"]["err"]
PY
code=$(curl -s -o vouch.out -w '%{http_code}' -u admin:admin-pw -X POST -d "{\"image_url\":\"$CLEAN\"}" "http://$REG/vouch/nobody")
[ "$code" = 200 ] && python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["success"] and [c["name"] for c in r["results"]]==["nobody"] and r["results"][0]["attested"]' vouch.out \
  || fail "/vouch/nobody: $code $(cat vouch.out)"
# A user who may not push where the attestation goes cannot attest through the server.
code=$(curl -s -o vouch.out -w '%{http_code}' -u reader:reader-pw -X POST -d "{\"image_url\":\"$CLEAN\"}" "http://$REG/vouch/nobody")
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["results"][0]["attested"] is False and r["results"][0]["err"]' vouch.out \
  || fail "reader attested through /vouch: $code $(cat vouch.out)"
# Config errors name the file and field.
printf 'checks: [snakeoil, nobdy]\n' >bad.yaml
expect 2 vouch "$CLEAN" --config bad.yaml "${C[@]}"
grep -q 'bad.yaml: checks\[1\]: unknown check "nobdy"' "$WORK/err" || fail "bad config: $(cat "$WORK/err")"
echo "vouch_test: OK"
