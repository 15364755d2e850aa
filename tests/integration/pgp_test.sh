#!/usr/bin/env bash
# OpenPGP simple signing against skopeo, both ways: a `skopeo standalone-sign` signature
# verifies with portcullis, a portcullis signature verifies with `skopeo standalone-verify`;
# another key, another image, another identity and a truncated file are rejected.
source "$(dirname "$0")/lib.sh"
BIN=$(readlink -f "$BIN")
export GNUPGHOME="$WORK/gnupg"
mkdir -m 700 "$GNUPGHOME"
trap 'gpgconf --kill gpg-agent >/dev/null 2>&1 || true; cleanup' EXIT
gpg --batch --passphrase '' --quick-gen-key "signer <signer@example.com>" ed25519 sign never 2>/dev/null
gpg --batch --passphrase '' --quick-gen-key "other <other@example.com>" rsa3072 sign never 2>/dev/null
fprs=($(gpg --list-keys --with-colons | awk -F: '/^fpr/{print $10}'))
SIGNER=${fprs[0]}
OTHER=${fprs[1]}
BASE="oci:$LAYOUT:debian-base"
NODE="oci:$LAYOUT:node-app"
skopeo inspect --raw "$BASE" >"$WORK/manifest.json"

expect() {  # expect WANT_EXIT ARGS...
  local want=$1; shift
  set +e; "$BIN" "$@" >"$WORK/out" 2>"$WORK/err"; local got=$?; set -e
  [ "$got" = "$want" ] || fail "portcullis $* exited $got, want $want: $(cat "$WORK/out" "$WORK/err")"
}

# skopeo signs, portcullis verifies.
skopeo standalone-sign "$WORK/manifest.json" registry.example/app:1 "$SIGNER" -o "$WORK/skopeo.sig" \
  || fail "skopeo standalone-sign"
expect 0 verify "$BASE" --gpg-key "$SIGNER" --signature "$WORK/skopeo.sig" --identity registry.example/app:1
grep -q "OpenPGP signature by $SIGNER" "$WORK/out" || fail "verify output: $(cat "$WORK/out")"
# portcullis signs, skopeo verifies.
expect 0 sign "$BASE" --gpg-key "$SIGNER" --identity registry.example/app:1 --output "$WORK/ours.sig"
skopeo standalone-verify "$WORK/manifest.json" registry.example/app:1 "$SIGNER" "$WORK/ours.sig" >"$WORK/skopeo.out" \
  || fail "skopeo standalone-verify rejected a portcullis signature"
grep -q "Signature verified" "$WORK/skopeo.out" || fail "skopeo: $(cat "$WORK/skopeo.out")"
# Rejections, each with its reason.
expect 1 verify "$BASE" --gpg-key "$OTHER" --signature "$WORK/ours.sig"
grep -q "signed by $SIGNER, not by $OTHER" "$WORK/out" || fail "other key: $(cat "$WORK/out")"
expect 1 verify "$NODE" --gpg-key "$SIGNER" --signature "$WORK/ours.sig"
grep -q "wrong digest" "$WORK/out" || fail "other image: $(cat "$WORK/out")"
expect 1 verify "$BASE" --gpg-key "$SIGNER" --signature "$WORK/ours.sig" --identity registry.example/app:2
grep -q "wrong identity" "$WORK/out" || fail "identity: $(cat "$WORK/out")"
head -c 100 "$WORK/ours.sig" >"$WORK/truncated.sig"
expect 1 verify "$BASE" --gpg-key "$SIGNER" --signature "$WORK/truncated.sig"
expect 2 sign "$BASE" --gpg-key "$SIGNER" --output "$WORK/x.sig"          # no --identity
expect 2 sign "$BASE" --gpg-key 0000000000000000000000000000000000000000 --identity r/a --output "$WORK/x.sig"
[ -e "$WORK/x.sig" ] && fail "a failed sign wrote a file"
# skopeo agrees about the tampering portcullis catches.
skopeo standalone-verify "$WORK/manifest.json" registry.example/app:1 "$OTHER" "$WORK/ours.sig" >/dev/null 2>&1 \
  && fail "skopeo accepted a signature for another key"
# Binary Authorization attestors with asciiArmoredPgpPublicKey: the skopeo signature verifies
# under the signer's attestor, not under the other key's; a wrong explicit id is refused.
attestor_yaml() {  # NAME FINGERPRINT [ID]
  echo "- name: projects/p/attestors/$1"
  echo "  userOwnedGrafeasNote:"
  echo "    noteReference: projects/p/notes/$1"
  echo "    publicKeys:"
  echo "    - id: \"${3:-$2}\""
  echo "      asciiArmoredPgpPublicKey: |"
  gpg --armor --export "$2" | sed 's/^/        /'
}
{ attestor_yaml signer "$SIGNER"; attestor_yaml other "$OTHER"; } >"$WORK/attestors.yaml"
expect 0 verify "$BASE" --attestor signer --attestors "$WORK/attestors.yaml" --signature "$WORK/skopeo.sig" --identity registry.example/app:1
grep -q "by attestor signer: .*signed by $SIGNER (OpenPGP)" "$WORK/out" || fail "PGP attestor: $(cat "$WORK/out")"
expect 1 verify "$BASE" --attestor signer --attestor projects/p/attestors/other --attestors "$WORK/attestors.yaml" --signature "$WORK/skopeo.sig"
grep -q "NOT verified .* by attestor other" "$WORK/out" || fail "PGP other attestor: $(cat "$WORK/out")"
attestor_yaml bad "$SIGNER" "$OTHER" >"$WORK/bad.yaml"
expect 2 verify "$BASE" --attestor bad --attestors "$WORK/bad.yaml" --signature "$WORK/skopeo.sig"
grep -q "is not the key's fingerprint" "$WORK/err" || fail "wrong PGP id: $(cat "$WORK/err")"
echo "pgp: skopeo->portcullis and portcullis->skopeo verified; 4 tamperings rejected"
