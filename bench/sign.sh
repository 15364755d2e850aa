#!/usr/bin/env bash
# Signature benchmark: signatures created and verified per second per algorithm (one core,
# simple-signing payload), against `openssl speed` of the same primitives in the same run as
# the floor. Usage: bench/sign.sh   (env: SECONDS_PER_CASE=1)
set -euo pipefail
cd "$(dirname "$0")/.."
SPEED=${SPEED:-build/release/bench/sign_speed}
"$SPEED" "${SECONDS_PER_CASE:-1}"
echo
echo "floor: openssl speed (raw primitives, no hashing of a payload, no key parsing)"
openssl speed -seconds "${SECONDS_PER_CASE:-1}" ecdsap256 ecdsap384 ecdsap521 rsa2048 rsa4096 ed25519 2>/dev/null \
  | grep -E "^ *(256|384|521) bits ecdsa|^rsa +(2048|4096)|^ *253 bits EdDSA"
