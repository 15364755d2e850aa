#!/usr/bin/env bash
# Signatures and attestations in every storage layout:
# - OCI 1.1 referrers on portcullis (referrers API): each signature and attestation is a
#   referrer with `subject`; verify passes from the referrer alone once the cosign tag is gone;
# - Debian's docker-registry (distribution 2.8, no referrers API): the referrers tag schema index
#   "sha256-<hex>" is kept, and verify passes from it alone;
# - a local OCI layout image signed into an OCI layout directory (--output), which skopeo reads.
source "$(dirname "$0")/lib.sh"

PORTCULLIS_AUTH_ENABLED=false start_server "$WORK/data"
BIN=$(readlink -f "$BIN")
cd "$WORK"
"$BIN" key generate --type ecdsa-p384 --out ours >/dev/null || fail "key generate"
"$BIN" key generate --type rsa-2048 --out theirs >/dev/null || fail "key generate"
expect() {  # expect WANT_EXIT ARGS...
  local want=$1; shift
  set +e; "$BIN" "$@" >"$WORK/out" 2>"$WORK/err"; local got=$?; set -e
  [ "$got" = "$want" ] || fail "portcullis $* exited $got, want $want: $(cat "$WORK/out" "$WORK/err")"
}
digest_of() { skopeo inspect --raw --tls-verify=false "docker://$1" | sha256sum | sed 's/^/sha256:/; s/ .*//'; }

# --- portcullis: referrers API ---
skopeo copy -q --dest-tls-verify=false "oci:$LAYOUT:debian-base" "docker://$REG/stage/app:1" || fail "seed"
app=$(digest_of "$REG/stage/app:1")
expect 0 sign "$REG/stage/app:1" --key ours.key --tls-verify=false
echo '{"buildDefinition":{"buildType":"https://example.com/build/v1","externalParameters":{"source":"git+https://github.com/example/app@refs/heads/main"}},"runDetails":{"builder":{"id":"https://example.com/builder"}}}' >prov.json
expect 0 attest "$REG/stage/app:1" --key ours.key --predicate prov.json --type slsaprovenance --tls-verify=false
curl -sf "http://$REG/v2/stage/app/referrers/$app" >referrers.json || fail "referrers API"
python3 - referrers.json <<'PY' || fail "referrers listing: $(cat referrers.json)"
import json, sys
r = json.load(open(sys.argv[1]))["manifests"]
types = sorted(m["artifactType"] for m in r)
assert types == ["application/vnd.dev.cosign.artifact.sig.v1+json", "application/vnd.dsse.envelope.v1+json"], types
att = [m for m in r if m["artifactType"] == "application/vnd.dsse.envelope.v1+json"][0]
assert att["annotations"]["dev.sigstore.bundle.predicateType"] == "https://slsa.dev/provenance/v1", att
PY
# Drop cosign's tags: what is left are the referrers.
skopeo delete --tls-verify=false "docker://$REG/stage/app:${app/:/-}.sig" || fail "delete .sig"
skopeo delete --tls-verify=false "docker://$REG/stage/app:${app/:/-}.att" || fail "delete .att"
expect 0 verify "$REG/stage/app:1" --key ours.pub --tls-verify=false
grep -q "referrer sha256:" "$WORK/out" || fail "not verified from the referrer: $(cat "$WORK/out")"
expect 0 verify "$REG/stage/app:1" --key ours.pub --tls-verify=false --attestation-type slsaprovenance
grep -q "referrer sha256:" "$WORK/out" || fail "attestation not from the referrer: $(cat "$WORK/out")"
expect 1 verify "$REG/stage/app:1" --key theirs.pub --tls-verify=false
grep -q "referrer sha256:.*bad signature" "$WORK/out" || fail "other key: $(cat "$WORK/out")"
expect 1 verify "$REG/stage/app:1" --key theirs.pub --tls-verify=false --attestation-type slsaprovenance
grep -q "DSSE envelope not verified" "$WORK/out" || fail "other key, attestation: $(cat "$WORK/out")"
# A referrer of another image re-pointed at this one by a forged listing is not a candidate:
# its manifest's own subject decides (checked in fetch); an attestation for another predicate
# type is rejected with the type.
expect 1 verify "$REG/stage/app:1" --key ours.pub --tls-verify=false --attestation-type cyclonedx
grep -q "predicate type https://slsa.dev/provenance/v1, not" "$WORK/out" || fail "type: $(cat "$WORK/out")"

# --- scan --attest: SBOM, vulnerability report and verdict attached in one step ---
"$BIN" db build --out vuln.db --feeds "$SHARED/vulndata/osv/npm" >/dev/null 2>db.err || fail "db build: $(cat db.err)"
expect 2 scan "$REG/stage/app:1" --db vuln.db --attest --tls-verify=false
expect 2 scan "oci:$LAYOUT:debian-base" --db vuln.db --attest --key ours.key
# debian-base fails the built-in policy (root user): the verdict is attested all the same.
expect 1 scan "$REG/stage/app:1" --db vuln.db --attest --key ours.key --tls-verify=false --format json
[ "$(grep -c "attested $REG/stage/app@$app" "$WORK/err")" = 3 ] || fail "scan --attest: $(cat "$WORK/err")"
for t in cyclonedx vuln verdict; do
  expect 0 verify "$REG/stage/app:1" --key ours.pub --tls-verify=false --attestation-type $t
done
skopeo inspect --raw --tls-verify=false "docker://$REG/stage/app:${app/:/-}.att" >att.json || fail "no .att tag"
python3 - att.json "$REG" <<'PY' || fail "verdict predicate"
import base64, json, subprocess, sys
m = json.load(open(sys.argv[1]))
layers = {l["annotations"]["predicateType"]: l["digest"] for l in m["layers"]}
d = layers["https://portcullis.dev/attestation/verdict/v1"]
env = json.loads(subprocess.run(["curl", "-sf", f"http://{sys.argv[2]}/v2/stage/app/blobs/{d}"], capture_output=True, check=True).stdout)
st = json.loads(base64.b64decode(env["payload"]))
p = st["predicate"]
assert st["_type"] == "https://in-toto.io/Statement/v1" and st["subject"][0]["name"].endswith("/stage/app"), st
assert p["policy"] == {"name": "portcullis-default", "version": "1"}, p["policy"]
assert p["result"] == "FAILED" and any(r["name"] == "not-root" and not r["passed"] for r in p["rules"]), p
assert p["db"]["sources"][0]["advisories"] > 0, p["db"]
d = layers["https://cyclonedx.org/bom"]
env = json.loads(subprocess.run(["curl", "-sf", f"http://{sys.argv[2]}/v2/stage/app/blobs/{d}"], capture_output=True, check=True).stdout)
bom = json.loads(base64.b64decode(env["payload"]))["predicate"]
assert bom["bomFormat"] == "CycloneDX" and len(bom["components"]) >= 88, len(bom["components"])
PY

# --- distribution 2.8 (no referrers API): the tag schema ---
DPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >dist.yml <<YML
version: 0.1
storage:
  filesystem:
    rootdirectory: $WORK/dist
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$DPORT
YML
docker-registry serve dist.yml >dist.log 2>&1 &
DIST_PID=$!
trap 'kill $DIST_PID 2>/dev/null || true; cleanup' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$DPORT/v2/" >/dev/null && break; sleep 0.1; done
DREG=127.0.0.1:$DPORT
skopeo copy -q --dest-tls-verify=false "oci:$LAYOUT:debian-base" "docker://$DREG/app:1" || fail "seed distribution"
dapp=$(digest_of "$DREG/app:1")
expect 0 sign "$DREG/app:1" --key ours.key --tls-verify=false
expect 0 attest "$DREG/app:1" --key ours.key --predicate prov.json --type slsaprovenance --tls-verify=false
skopeo inspect --raw --tls-verify=false "docker://$DREG/app:${dapp/:/-}" >schema.json || fail "no referrers tag schema index"
python3 - schema.json <<'PY' || fail "tag schema index: $(cat schema.json)"
import json, sys
i = json.load(open(sys.argv[1]))
assert i["mediaType"] == "application/vnd.oci.image.index.v1+json", i
assert len(i["manifests"]) == 2, i
PY
skopeo delete --tls-verify=false "docker://$DREG/app:${dapp/:/-}.sig" || fail "delete .sig on distribution"
expect 0 verify "$DREG/app:1" --key ours.pub --tls-verify=false
grep -q "referrer sha256:" "$WORK/out" || fail "distribution: not from the tag schema: $(cat "$WORK/out")"
expect 0 verify "$DREG/app:1" --key ours.pub --tls-verify=false --attestation-type slsaprovenance

# --- a local image, signatures into an OCI layout directory ---
expect 2 sign "oci:$LAYOUT:debian-base" --key ours.key --output sigs
grep -q "identity" "$WORK/err" || fail "local sign without --identity: $(cat "$WORK/err")"
expect 2 sign "oci:$LAYOUT:debian-base" --key ours.key --identity example.com/app:1
grep -q -- "--output DIR" "$WORK/err" || fail "local sign without --output: $(cat "$WORK/err")"
expect 0 sign "oci:$LAYOUT:debian-base" --key ours.key --identity example.com/app:1 --output sigs
expect 0 attest "oci:$LAYOUT:debian-base" --key ours.key --identity example.com/app --predicate prov.json --type slsaprovenance --output sigs
expect 0 verify "oci:$LAYOUT:debian-base" --key ours.pub --signatures sigs --identity example.com/app:1
expect 0 verify "oci:$LAYOUT:debian-base" --key ours.pub --signatures sigs --attestation-type slsaprovenance
expect 1 verify "oci:$LAYOUT:node-app" --key ours.pub --signatures sigs
expect 1 verify "oci:$LAYOUT:debian-base" --key ours.pub --signatures sigs --identity example.com/other:1
grep -q "wrong identity" "$WORK/out" || fail "local identity: $(cat "$WORK/out")"
base=$(layout_digest debian-base)
skopeo inspect --raw "oci:sigs:${base/:/-}.sig" | grep -q simplesigning || fail "skopeo cannot read the signature layout"
# The directory pushes as is: the signature then verifies in a registry.
skopeo copy -q --dest-tls-verify=false "oci:$LAYOUT:debian-base" "docker://$REG/local/app:1" || fail "seed local"
skopeo copy -q --dest-tls-verify=false "oci:sigs:${base/:/-}.sig" "docker://$REG/local/app:${base/:/-}.sig" || fail "push signature layout"
expect 0 verify "$REG/local/app:1" --key ours.pub --tls-verify=false --identity example.com/app:1
# A truncated blob in the layout is caught (corrupt store: exit 3).
sig_layer=$(skopeo inspect --raw "oci:sigs:${base/:/-}.sig" | python3 -c 'import json,sys; print(json.load(sys.stdin)["layers"][0]["digest"].split(":")[1])')
chmod u+w "sigs/blobs/sha256/$sig_layer"; truncate -s 10 "sigs/blobs/sha256/$sig_layer"
expect 3 verify "oci:$LAYOUT:debian-base" --key ours.pub --signatures sigs
grep -q "does not match its digest" "$WORK/err" || fail "truncated blob: $(cat "$WORK/err")"
echo "referrers_test: OK"
