#!/usr/bin/env bash
# portcullis db update against a local feed server serving ../shared/vulndata: first fetch,
# conditional requests (304: nothing rebuilt), a changed feed rebuilt, and failed or interrupted
# updates (404, truncated body, malformed feed) leaving the old DB byte-identical.
source "$(dirname "$0")/lib.sh"
V="$SHARED/vulndata"
FEEDS="$WORK/served"
mkdir -p "$FEEDS"
python3 - "$V/osv/npm" "$FEEDS/npm-all.zip" <<'PY'
import os, sys, zipfile
src, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for f in sorted(os.listdir(src)):
        if f.endswith(".json"):
            z.write(os.path.join(src, f), f)
PY
cp "$V/debian-changelogs/bookworm-fixed.json" "$FEEDS/json"   # served like the tracker: no extension
cp "$V/kev/known_exploited_vulnerabilities.json" "$FEEDS/kev.json"
cp "$V/alpine-secdb/claircore-testdata/v3.10-community.json" "$FEEDS/community.json"

python3 "$(dirname "$0")/feed_server.py" "$FEEDS" "$WORK/requests.log" >"$WORK/port" &
SERVER_PID=$!
for _ in $(seq 1 50); do [ -s "$WORK/port" ] && break; sleep 0.1; done
URL="http://127.0.0.1:$(cat "$WORK/port")"
cat >"$WORK/feeds.yaml" <<YAML
feeds:
  - {name: osv-npm, url: $URL/npm-all.zip}
  - {name: debian-tracker, url: $URL/json}
  - {name: cisa-kev, url: $URL/kev.json}
  - {name: alpine-v3.10-community, url: $URL/community.json}
YAML
DB="$WORK/db/vuln.db"
export PORTCULLIS_DB="$DB"

"$BIN" db update --config "$WORK/feeds.yaml" >"$WORK/out1" 2>&1 || fail "first update: $(cat "$WORK/out1")"
[ "$(grep -c fetched "$WORK/out1")" = 4 ] || fail "first update should fetch 4 feeds: $(cat "$WORK/out1")"
"$BIN" db status >"$WORK/status1" || fail "status"
grep -q "osv-npm .* osv .* 46 .* 1 " "$WORK/status1" || fail "npm source: $(cat "$WORK/status1")"
grep -q "cisa-kev .* 1404" "$WORK/status1" || fail "kev source: $(cat "$WORK/status1")"
grep -q "debian-tracker .* debian-tracker .* 569 " "$WORK/status1" || fail "tracker: $(cat "$WORK/status1")"
sum1=$(sha256sum "$DB" | cut -d' ' -f1)

# Unchanged feeds: every request conditional, every answer 304, the DB untouched.
: >"$WORK/requests.log"
"$BIN" db update --config "$WORK/feeds.yaml" >"$WORK/out2" 2>&1 || fail "second update: $(cat "$WORK/out2")"
[ "$(grep -c 'not modified' "$WORK/out2")" = 4 ] || fail "second update should be all 304: $(cat "$WORK/out2")"
grep -q "up to date" "$WORK/out2" || fail "second update should say up to date"
[ "$(grep -c 'inm="' "$WORK/requests.log")" = 4 ] || fail "requests not conditional: $(cat "$WORK/requests.log")"
grep -q 'ims=[A-Z][a-z][a-z], ' "$WORK/requests.log" || fail "no If-Modified-Since sent"
[ "$(sha256sum "$DB" | cut -d' ' -f1)" = "$sum1" ] || fail "DB changed though no feed did"

# One feed changes: only it is fetched; the DB is rebuilt with it.
python3 - "$FEEDS/kev.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["vulnerabilities"] = d["vulnerabilities"][:-1]
json.dump(d, open(sys.argv[1], "w"))
PY
"$BIN" db update --config "$WORK/feeds.yaml" >"$WORK/out3" 2>&1 || fail "third update: $(cat "$WORK/out3")"
grep -q "cisa-kev .*fetched" "$WORK/out3" || fail "changed kev not fetched: $(cat "$WORK/out3")"
[ "$(grep -c 'not modified' "$WORK/out3")" = 3 ] || fail "others should be 304: $(cat "$WORK/out3")"
"$BIN" db status | grep -q "cisa-kev .* 1403" || fail "rebuilt DB should have 1403 KEV entries"
sum2=$(sha256sum "$DB" | cut -d' ' -f1)

# Failures keep the old DB byte for byte, and say which feed failed.
expect_unchanged() {
  local what=$1 config=$2 pattern=$3
  set +e; "$BIN" db update --config "$config" >"$WORK/fail.out" 2>&1; local rc=$?; set -e
  [ "$rc" = 3 ] || fail "$what: exit $rc, want 3: $(cat "$WORK/fail.out")"
  grep -q "$pattern" "$WORK/fail.out" || fail "$what: error should match '$pattern': $(cat "$WORK/fail.out")"
  [ "$(sha256sum "$DB" | cut -d' ' -f1)" = "$sum2" ] || fail "$what: DB changed"
  ls "$(dirname "$DB")" | grep -q tmp && fail "$what: temporary file left behind"
  return 0
}
sed "s#$URL/kev.json#$URL/missing.json#" "$WORK/feeds.yaml" >"$WORK/missing.yaml"
expect_unchanged "404" "$WORK/missing.yaml" "cisa-kev.*HTTP 404"
sed "s#$URL/kev.json#$URL/truncated/kev.json#" "$WORK/feeds.yaml" >"$WORK/truncated.yaml"
expect_unchanged "truncated download" "$WORK/truncated.yaml" "cisa-kev"
echo '{"broken": ' >"$FEEDS/kev.json"
expect_unchanged "malformed feed" "$WORK/feeds.yaml" "not valid JSON"
"$BIN" db update --feed "x=http://127.0.0.1:1/nothing" >"$WORK/refused" 2>&1 && fail "refused connection should fail"
[ "$(sha256sum "$DB" | cut -d' ' -f1)" = "$sum2" ] || fail "refused connection: DB changed"

# The updated DB serves scans.
printf 'name: report-only\nrules: []\n' >"$WORK/report-only.yaml"
"$BIN" scan "oci:$LAYOUT:node-app" --policy "$WORK/report-only.yaml" --format json -o "$WORK/scan.json" 2>/dev/null \
  || fail "scan with updated DB"
grep -q GHSA-p6mc-m468-83gw "$WORK/scan.json" || fail "scan findings missing"
echo "db update: first fetch, 304s without rebuild, changed feed rebuilt, 4 failure modes keep the DB"
