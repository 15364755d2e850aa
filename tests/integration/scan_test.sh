#!/usr/bin/env bash
# portcullis db build + scan over the real feed snapshots in ../shared/vulndata: the node-app
# npm advisories exactly as the vulndata README computes them, debian-base and polyglot Debian
# findings exactly as expected-*.tsv (computed with dpkg itself), CycloneDX with vulnerabilities
# valid against the official 1.5 schema, and the exit codes.
source "$(dirname "$0")/lib.sh"
SCHEMA="$(cd "$(dirname "$0")/../schema" && pwd)"
[ -d "$SCHEMA/node_modules/ajv" ] || (cd "$SCHEMA" && npm ci --no-audit --no-fund --silent) || fail "npm ci in tests/schema"
V="$SHARED/vulndata"
DB="$WORK/vuln.db"
"$BIN" db build --out "$DB" --feeds "$V/osv/npm" "$V/osv/maven" pypi="$V/osv/pypi/vulns" \
  go="$V/osv/go/data/osv" "$V/osv/almalinux/almalinux10" alpine="$V/alpine-secdb/alpinelinux-alpine-secdb" \
  "$V/alpine-secdb/vuln-list-split" debian="$V/debian-changelogs/bookworm-fixed.json" "$V/kev" "$V/nvd" \
  >"$WORK/build.out" 2>"$WORK/build.err" || fail "db build: $(cat "$WORK/build.err")"
grep -q "osv/npm .* 46 .* 1 " "$WORK/build.out" || fail "npm source row: $(cat "$WORK/build.out")"
grep -q "go .* 4274 .* 17 " "$WORK/build.out" || fail "go: 17 withdrawn expected: $(cat "$WORK/build.out")"
grep -q "pypi .* 10 " "$WORK/build.out" || fail "pypi: 10 withdrawn expected"

# Findings only: a policy without rules always passes (the gate is gate_test.sh's subject).
printf 'name: report-only\nrules: []\n' >"$WORK/report-only.yaml"
scan() { "$BIN" scan --db "$DB" --cache-dir "$WORK/cache" --policy "$WORK/report-only.yaml" "$@"; }
for img in debian-base node-app polyglot; do
  scan "oci:$LAYOUT:$img" --format json -o "$WORK/$img.json" 2>"$WORK/$img.err" || fail "scan $img: $(cat "$WORK/$img.err")"
  scan "oci:$LAYOUT:$img" --format cyclonedx-json -o "$WORK/$img.cdx.json" 2>/dev/null || fail "scan $img cyclonedx"
done
node "$SCHEMA/validate.js" "$WORK"/*.cdx.json || fail "CycloneDX with vulnerabilities does not validate"

python3 - "$WORK" "$V/debian-changelogs" <<'PY'
import csv, json, sys
work, expected = sys.argv[1], sys.argv[2]
def findings(img):
    return json.load(open(f"{work}/{img}.json"))["findings"]
def ids(img, name):
    return sorted(f["id"] for f in findings(img) if f["package"]["name"] == name and f["package"]["type"] == "npm")
errors = []
want = {"lodash": ["GHSA-29mw-wpgm-hmr9", "GHSA-35jh-r3h4-6jhm", "GHSA-p6mc-m468-83gw"],
        "minimist": ["GHSA-vh95-rmgr-6w4m", "GHSA-xvch-5gv4-984h"]}
for name, expect in want.items():
    if ids("node-app", name) != expect:
        errors.append(f"node-app {name}: {ids('node-app', name)} != {expect}")
for f in findings("node-app"):
    if f["id"] == "GHSA-7fhm-mqm4-2wp7":
        errors.append("withdrawn GHSA-7fhm-mqm4-2wp7 reported")
    if f["id"] == "GHSA-p6mc-m468-83gw" and f["aliases"] != ["CVE-2020-8203"]:
        errors.append(f"aliases of GHSA-p6mc-m468-83gw: {f['aliases']}")
# The same findings in the CycloneDX document's vulnerabilities section.
cdx = json.load(open(f"{work}/node-app.cdx.json"))
vulns = {v["id"] for v in cdx["vulnerabilities"]}
for expect in want.values():
    if not set(expect) <= vulns:
        errors.append(f"CycloneDX vulnerabilities lack {set(expect) - vulns}")
refs = {c["bom-ref"] for c in cdx["components"]}
for v in cdx["vulnerabilities"]:
    for a in v["affects"]:
        if a["ref"] not in refs:
            errors.append(f"{v['id']} affects unknown bom-ref {a['ref']}")
for img in ["debian-base", "polyglot"]:
    got = {(f["package"]["name"], f["id"], tuple(f["fixed_versions"])) for f in findings(img) if f["package"]["type"] == "deb"}
    rows = list(csv.DictReader(open(f"{expected}/expected-{img}.tsv"), delimiter="\t"))
    exp = {(r["binary"], r["cve"], (r["fixed_version"],)) for r in rows}
    if got != exp:
        errors.append(f"{img}: missing {sorted(exp - got)[:5]} extra {sorted(got - exp)[:5]}")
    print(f"{img}: {len(got)} Debian findings, {len({g[1] for g in got})} CVEs, "
          f"{len({g[0] for g in got})} binaries (expected {len(exp)})")
print("node-app npm:", {n: ids("node-app", n) for n in want})
if errors:
    print("\n".join(errors)); sys.exit(1)
PY

expect_exit() {
  local want=$1; shift
  set +e; "$@" >"$WORK/out" 2>"$WORK/err"; local got=$?; set -e
  [ "$got" = "$want" ] || fail "'$*' exited $got, want $want: $(cat "$WORK/err")"
}
expect_exit 3 "$BIN" scan --db "$WORK/none.db" "oci:$LAYOUT:node-app"
grep -q "not found" "$WORK/err" || fail "missing DB message"
echo "not a database" >"$WORK/bad.db"
expect_exit 3 "$BIN" scan --db "$WORK/bad.db" "oci:$LAYOUT:node-app"
expect_exit 2 "$BIN" scan --db "$DB" "oci:$LAYOUT:node-app" --format xml
expect_exit 3 "$BIN" db status --db "$WORK/none.db"
expect_exit 3 "$BIN" db build --out "$WORK/x.db" --feeds "$WORK/nothing-here"
[ -e "$WORK/x.db" ] && fail "failed build left a DB"
printf '{"id": "GHSA-x", "modified": "2024-01-01T00:00:00Z", "affected": [{"package": {"ecosystem": "npm", "name": "a"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"oops": "1"}]}]}]}' >"$WORK/bad-osv.json"
expect_exit 2 "$BIN" db build --out "$WORK/x.db" --feeds "$WORK/bad-osv.json"
grep -q "bad-osv.json: affected\[0\]: unknown range event" "$WORK/err" || fail "bad OSV error should name file and field: $(cat "$WORK/err")"
# Old DBs are refused with a clear message; PORTCULLIS_DB selects the DB.
PORTCULLIS_DB="$DB" "$BIN" db status | grep -q "schema version: [0-9]" || fail "PORTCULLIS_DB"
echo "scan: exact findings for node-app, debian-base and polyglot; CycloneDX valid; exit codes"
