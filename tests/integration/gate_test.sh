#!/usr/bin/env bash
# portcullis scan as a CI gate over the shared images: node-app fails the built-in policy for
# exactly the reasons the images README plants (AWS keys in Env, root, fixable critical/high
# vulnerabilities, the .env secret deleted by a later layer); debian-base's verdict rule by rule;
# SARIF valid against SARIF 2.1.0, JUnit as GitLab reads it, CycloneDX valid; one test per exit
# code class; `policy validate`.
source "$(dirname "$0")/lib.sh"
SCHEMA="$(cd "$(dirname "$0")/../schema" && pwd)"
[ -d "$SCHEMA/node_modules/ajv-draft-04" ] || (cd "$SCHEMA" && npm ci --no-audit --no-fund --silent) || fail "npm ci in tests/schema"
V="$SHARED/vulndata"
export PORTCULLIS_DB="$WORK/vuln.db"
"$BIN" db build --feeds "$V/osv/npm" debian="$V/debian-changelogs/bookworm-fixed.json" "$V/kev" "$V/nvd" \
  >/dev/null 2>"$WORK/build.err" || fail "db build: $(cat "$WORK/build.err")"
NODE="oci:$LAYOUT:node-app"
BASE="oci:$LAYOUT:debian-base"

gate() {  # gate WANT_EXIT ARGS...: runs scan, checks the exit code
  local want=$1; shift
  set +e; "$BIN" scan --cache-dir "$WORK/cache" "$@" >"$WORK/out" 2>"$WORK/err"; local got=$?; set -e
  [ "$got" = "$want" ] || fail "scan $* exited $got, want $want: $(tail -5 "$WORK/err")"
}
has() { grep -qF -- "$1" "$WORK/out" || fail "report lacks '$1'"; }

# node-app and the default policy: exit 1, and the reasons.
gate 1 "$NODE"
has "FAIL  no-fixable-critical-or-high"
has "GHSA-xvch-5gv4-984h (CVE-2021-44906) in minimist 1.2.0: CRITICAL CVSS 9.8, fixed in 1.2.6"
has "GHSA-p6mc-m468-83gw (CVE-2020-8203) in lodash 4.17.15: HIGH CVSS 7.4, fixed in 4.17.20"
has "FAIL  no-secrets-in-config"
has "aws-access-key-id in config.Env[2]: AKIA****************"
has "aws-secret-access-key in config.Env[3]: wJal"
has "FAIL  not-root"
has 'config.User is "": the container runs as root'
has "FAIL  no-secrets-in-files"
has "aws-access-key-id in app/.env:2: deleted by layer sha256:bb43eb5a8e6e but still shipped in layer sha256:6b71dc3d1791 (not in the final filesystem"
grep -q "AKIAIOSFODNN7EXAMPLE\|wJalrXUtnFEMI\|Passw0rd\|ghp_Portcullis\|npm_Portcullis" "$WORK/out" && fail "a secret is not masked in the table"
has "FAILED: 4 stop rule(s) failed"
cp "$WORK/out" "$WORK/node-app.table"

# Every other format of the same verdict: exit 1 too, valid documents, secrets masked.
for format in json sarif junit cyclonedx-json; do
  gate 1 "$NODE" --format "$format" --output "$WORK/node-app.$format"
  grep -q "AKIAIOSFODNN7EXAMPLE\|wJalrXUtnFEMI\|Passw0rd\|ghp_Portcullis\|npm_Portcullis" "$WORK/node-app.$format" \
    && fail "a secret is not masked in $format"
done
node "$SCHEMA/validate_sarif.js" "$WORK/node-app.sarif" || fail "SARIF"
mv "$WORK/node-app.cyclonedx-json" "$WORK/node-app.cdx.json"
node "$SCHEMA/validate.js" "$WORK/node-app.cdx.json" || fail "CycloneDX"
python3 - "$WORK/node-app.junit" "$WORK/node-app.json" <<'PY' || fail "JUnit/JSON structure"
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites", root.tag
suite = root.find("testsuite")
cases = suite.findall("testcase")
assert len(cases) == int(suite.get("tests")), "tests attribute"
failed = [c.get("name") for c in cases if c.find("failure") is not None]
assert int(suite.get("failures")) == len(failed) == 4, failed
assert set(failed) == {"no-fixable-critical-or-high", "no-secrets-in-config", "not-root", "no-secrets-in-files"}, failed
doc = json.load(open(sys.argv[2]))
v = doc["verdict"]
assert v["passed"] is False and len(v["rules"]) == len(cases)
removed = [s for s in doc["secrets"] if s["location"] == "file"]
assert removed and all(s["in_final_fs"] is False and s["removed_by_layer"] for s in removed), removed
print(f"node-app: {len(cases)} rules, failed: {', '.join(sorted(failed))}")
PY

# debian-base: explained rule by rule.
gate 1 "$BASE"
for rule in no-fixable-critical-or-high no-known-exploited unfixable-critical no-secrets-in-config \
            no-secrets-in-files not-root no-package-managers setuid-files image-age source-label db-freshness; do
  grep -qE "^  (pass|FAIL|warn)  $rule" "$WORK/out" || fail "debian-base verdict lacks rule $rule"
done
grep -q "^  pass  no-secrets-in-files" "$WORK/out" || fail "debian-base has no secrets"
grep -q "usr/bin/passwd 04755 setuid" "$WORK/out" || fail "setuid files not listed"
cp "$WORK/out" "$WORK/debian-base.table"

# Exit 0: a policy the image meets; suppressions with VEX and an ignore file.
cat >"$WORK/lenient.yaml" <<'YAML'
name: lenient
rules:
  - {name: no-kev, action: stop, vulnerabilities: {known_exploited: true}}
  - {name: critical, action: warn, vulnerabilities: {severity: CRITICAL}}
YAML
gate 0 "$NODE" --policy "$WORK/lenient.yaml"
has "PASSED (1 warning rule(s))"
cat >"$WORK/only-vulns.yaml" <<'YAML'
name: only-vulns
rules:
  - {name: fixable-high, action: stop, vulnerabilities: {severity: HIGH, fixable: true, package_types: [npm]}}
YAML
gate 1 "$NODE" --policy "$WORK/only-vulns.yaml"
cat >"$WORK/app.vex.json" <<'JSON'
{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.com/vex/1", "author": "t",
 "timestamp": "2026-11-23T00:00:00Z", "version": 1,
 "statements": [
  {"vulnerability": {"name": "CVE-2021-44906"}, "products": [{"@id": "pkg:npm/minimist"}],
   "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"},
  {"vulnerability": {"name": "GHSA-p6mc-m468-83gw"}, "status": "not_affected",
   "justification": "vulnerable_code_cannot_be_controlled_by_adversary"}]}
JSON
printf '# lodash fixed in the next release\nGHSA-35jh-r3h4-6jhm exp:2099-01-01\n' >"$WORK/ignore"
gate 0 "$NODE" --policy "$WORK/only-vulns.yaml" --vex "$WORK/app.vex.json" --ignorefile "$WORK/ignore"
has "VEX not_affected"
has "vulnerable_code_not_in_execute_path"
has "ignored ($WORK/ignore:2, until 2099-01-01)"
gate 0 "$NODE" --policy "$WORK/only-vulns.yaml" --severity CRITICAL --vex "$WORK/app.vex.json"
gate 1 "$NODE" --policy "$WORK/only-vulns.yaml" --ignore-unfixed

# Exit 2: invalid input, named.
printf 'name: bad\nrules:\n  - name: r\n    vulnerabilities: {severity: HGIH}\n' >"$WORK/bad.yaml"
gate 2 "$NODE" --policy "$WORK/bad.yaml"
grep -q "bad.yaml:4: rules\[0\].vulnerabilities.severity" "$WORK/err" || fail "policy error should name line and field: $(cat "$WORK/err")"
gate 2 "$NODE" --format xml
gate 2 "$NODE" --severity SEVERE
gate 2 "$NODE" --no-such-flag
echo '{"statements": []}' >"$WORK/notvex.json"
gate 2 "$NODE" --vex "$WORK/notvex.json"
gate 2 "$NODE" --vex "$WORK/missing.json"
gate 2 "$NODE" --policy "$WORK/missing.yaml"
# Exit 3: processing errors.
gate 3 "$NODE" --db "$WORK/none.db"
gate 3 "oci:$WORK/no-layout:x"

# policy validate.
"$BIN" policy validate "$WORK/lenient.yaml" | grep -q 'valid policy "lenient" with 2 rule(s)' || fail "validate"
set +e; "$BIN" policy validate "$WORK/bad.yaml" 2>"$WORK/err"; rc=$?; set -e
[ "$rc" = 2 ] || fail "validate of a bad policy exited $rc"
"$BIN" policy default >"$WORK/default.yaml" && "$BIN" policy validate "$WORK/default.yaml" >/dev/null || fail "default policy"
# The examples stay valid: the policy, and the pipelines as YAML.
EXAMPLES="$(cd "$(dirname "$0")/../../examples" && pwd)"
"$BIN" policy validate "$EXAMPLES/policy.yaml" >/dev/null || fail "examples/policy.yaml"
gate 1 "$NODE" --policy "$EXAMPLES/policy.yaml"
has "FAIL  binauthz-vulnerability-check"
/usr/bin/python3 -c 'import sys, yaml; [yaml.safe_load(open(f)) for f in sys.argv[1:]]' \
  "$EXAMPLES/gitlab-ci.yml" "$EXAMPLES/github-actions.yml" || fail "example pipelines are not YAML"
echo "gate: node-app and debian-base verdicts, 5 formats, exit codes 0/1/2/3"
