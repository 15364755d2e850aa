#!/usr/bin/env bash
# Admission control end to end: a signed (attested) image and an unsigned one in a portcullis
# registry; `admit validate` and `admit evaluate`; the webhook over real HTTPS answering
# AdmissionReviews built from the objects kubectl writes (`kubectl create deployment|job|cronjob
# --dry-run=client -o json`; Pod, ReplicaSet, StatefulSet and DaemonSet objects are derived from
# kubectl's Deployment, since `kubectl run` and friends need a live API server); dry-run,
# break-glass, the audit log, metrics, and a policy reload on SIGHUP.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"

PORTCULLIS_AUTH_ENABLED=false start_server "$WORK/data"
BIN=$(readlink -f "$BIN")
cd "$WORK"
expect() {  # expect WANT_EXIT ARGS...
  local want=$1; shift
  set +e; "$BIN" "$@" >"$WORK/out" 2>"$WORK/err"; local got=$?; set -e
  [ "$got" = "$want" ] || fail "portcullis $* exited $got, want $want: $(cat "$WORK/out" "$WORK/err")"
}
skopeo copy -q --dest-tls-verify=false "oci:$LAYOUT:debian-base" "docker://$REG/verified/app:1" || fail "seed"
skopeo copy -q --dest-tls-verify=false "oci:$LAYOUT:node-app" "docker://$REG/stage/app:1" || fail "seed"
skopeo copy -q --dest-tls-verify=false "oci:$LAYOUT:debian-base" "docker://$REG/tools/debug:1" || fail "seed"
"$BIN" key generate --type ecdsa-p256 --out ci >/dev/null
"$BIN" key generate --type ecdsa-p256 --out mallory >/dev/null
expect 0 sign "$REG/verified/app:1" --key ci.key --type binauthz --tls-verify=false
expect 0 sign "$REG/stage/app:1" --key mallory.key --type binauthz --tls-verify=false
{
  echo "name: projects/p/attestors/built-by-ci"
  echo "userOwnedGrafeasNote:"
  echo "  noteReference: projects/p/notes/built-by-ci"
  echo "  publicKeys:"
  echo "  - pkixPublicKey:"
  echo "      signatureAlgorithm: ECDSA_P256_SHA256"
  echo "      publicKeyPem: |"
  sed 's/^/        /' ci.pub
} >attestors.yaml
cat >policy.yaml <<YML
name: projects/p/policy
globalPolicyEvaluationMode: ENABLE
admissionWhitelistPatterns:
- namePattern: $REG/tools/**
defaultAdmissionRule:
  evaluationMode: REQUIRE_ATTESTATION
  enforcementMode: ENFORCED_BLOCK_AND_AUDIT_LOG
  requireAttestationsBy: [projects/p/attestors/built-by-ci]
kubernetesNamespaceAdmissionRules:
  sandbox:
    evaluationMode: ALWAYS_DENY
    enforcementMode: DRYRUN_AUDIT_LOG_ONLY
clusterAdmissionRules:
  us-east1-a.locked:
    evaluationMode: ALWAYS_DENY
    enforcementMode: ENFORCED_BLOCK_AND_AUDIT_LOG
YML

# --- validate ---
expect 0 admit validate policy.yaml
sed '0,/ALWAYS_DENY/s//ALWAYS_DENIED/' policy.yaml >bad.yaml
expect 2 admit validate bad.yaml
grep -q 'bad.yaml:11: kubernetesNamespaceAdmissionRules\[sandbox\].evaluationMode: "ALWAYS_DENIED" is not one of' "$WORK/err" \
  || fail "validate message: $(cat "$WORK/err")"

# --- evaluate ---
E=(admit evaluate --policy policy.yaml --attestors attestors.yaml --tls-verify=false)
expect 0 "${E[@]}" "$REG/verified/app:1"
grep -q "ALLOWED" "$WORK/out" && grep -q "attested by projects/p/attestors/built-by-ci" "$WORK/out" || fail "evaluate signed: $(cat "$WORK/out")"
expect 1 "${E[@]}" "$REG/stage/app:1"
grep -q "DENIED" "$WORK/out" && grep -q "attestor projects/p/attestors/built-by-ci: none of 1 attestation(s) verifies" "$WORK/out" \
  || fail "evaluate other key: $(cat "$WORK/out")"
expect 1 "${E[@]}" "$REG/stage/missing:1"
grep -q "cannot resolve the image to a digest" "$WORK/out" || fail "unresolvable: $(cat "$WORK/out")"
expect 0 "${E[@]}" "$REG/tools/debug:1" registry.k8s.io/pause:3.9
grep -q "exempt: matches namePattern $REG/tools/\*\*" "$WORK/out" && grep -q "system image" "$WORK/out" || fail "exempt: $(cat "$WORK/out")"
expect 0 "${E[@]}" --namespace sandbox "$REG/verified/app:1"
grep -q "dry run: would be denied" "$WORK/out" || fail "dry run: $(cat "$WORK/out")"
expect 1 "${E[@]}" --cluster us-east1-a.locked "$REG/verified/app:1"
expect 2 "${E[@]}" "UPPER/Case:1"
expect 2 admit evaluate --policy bad.yaml "$REG/verified/app:1"

# --- the webhook over HTTPS ---
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=webhook \
  -addext "subjectAltName=IP:127.0.0.1" -keyout tls.key -out tls.crt 2>/dev/null || fail "openssl"
WPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cp policy.yaml live.yaml
"$BIN" admit serve --policy live.yaml --attestors attestors.yaml --tls-verify=false --tls-cert tls.crt --tls-key tls.key \
  --listen 127.0.0.1:$WPORT --audit-log audit.jsonl --cluster us-east1-a.prod >webhook.log 2>&1 &
WPID=$!
trap 'kill $WPID 2>/dev/null || true; cleanup' EXIT
for _ in $(seq 1 50); do curl -sf --cacert tls.crt "https://127.0.0.1:$WPORT/healthz" >/dev/null && break; sleep 0.1; done
curl -sf --cacert tls.crt "https://127.0.0.1:$WPORT/healthz" | grep -q ok || fail "webhook healthz: $(cat webhook.log)"

# Workload objects for IMAGE, by kind: kubectl's own, or derived from kubectl's Deployment.
objects() {  # DIR IMAGE
  mkdir -p "$1"
  kubectl create deployment web --image="$2" --dry-run=client -o json >"$1/Deployment.json"
  kubectl create job batch --image="$2" --dry-run=client -o json >"$1/Job.json"
  kubectl create cronjob nightly --image="$2" --schedule="0 3 * * *" --dry-run=client -o json >"$1/CronJob.json"
  python3 - "$1" <<'PY'
import copy, json, os, sys
d = sys.argv[1]
dep = json.load(open(os.path.join(d, "Deployment.json")))
t = dep["spec"]["template"]
pod = {"apiVersion": "v1", "kind": "Pod", "metadata": dict(t["metadata"], name="web-pod"), "spec": t["spec"]}
json.dump(pod, open(os.path.join(d, "Pod.json"), "w"))
for kind in ("ReplicaSet", "StatefulSet", "DaemonSet"):
    o = copy.deepcopy(dep); o["kind"] = kind
    if kind == "StatefulSet": o["spec"]["serviceName"] = "web"
    if kind == "DaemonSet": o["spec"].pop("replicas", None); o["spec"].pop("strategy", None)
    json.dump(o, open(os.path.join(d, kind + ".json"), "w"))
PY
}
# review KIND OBJECT_FILE NAMESPACE -> response on stdout
review() {
  python3 - "$1" "$2" "$3" >review.json <<'PY'
import json, sys, uuid
kind, path, ns = sys.argv[1:4]
obj = json.load(open(path))
group = {"Pod": "", "Job": "batch", "CronJob": "batch"}.get(kind, "apps")
print(json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {
  "uid": str(uuid.uuid4()), "kind": {"group": group, "version": "v1", "kind": kind},
  "resource": {"group": group, "version": "v1", "resource": kind.lower() + "s"},
  "namespace": ns, "operation": "CREATE", "object": obj,
  "userInfo": {"username": "kubernetes-admin"}}}))
PY
  curl -sf --cacert tls.crt -H 'Content-Type: application/json' --data-binary @review.json \
    "https://127.0.0.1:$WPORT/validate"
}
allowed() { python3 -c 'import json,sys; r=json.load(sys.stdin)["response"]; print("allowed" if r["allowed"] else "denied: " + r["status"]["message"]); [print("warning: " + w) for w in r.get("warnings", [])]'; }

objects signed "$REG/verified/app:1"
objects unsigned "$REG/stage/app:1"
kinds=(Pod Deployment ReplicaSet StatefulSet DaemonSet Job CronJob)
for kind in "${kinds[@]}"; do
  out=$(review $kind signed/$kind.json prod | allowed)
  [ "$out" = allowed ] || fail "$kind with the attested image: $out"
  out=$(review $kind unsigned/$kind.json prod | allowed)
  case "$out" in
    "denied: portcullis denied $kind prod/"*"image $REG/stage/app:1 (containers[0]): defaultAdmissionRule (REQUIRE_ATTESTATION, ENFORCED_BLOCK_AND_AUDIT_LOG)"*) ;;
    *) fail "$kind with the unsigned image: $out" ;;
  esac
  out=$(review $kind unsigned/$kind.json sandbox | allowed)
  case "$out" in
    allowed*"warning: dry run, would be denied: image $REG/stage/app:1"*"ALWAYS_DENY"*) ;;
    *) fail "$kind in the dry-run namespace: $out" ;;
  esac
done
# Break-glass admits and is audited.
kubectl annotate --local -f unsigned/Deployment.json alpha.image-policy.k8s.io/break-glass=true --dry-run=client -o json >glass.json
out=$(review Deployment glass.json prod | allowed)
case "$out" in allowed*"warning: break-glass"*) ;; *) fail "break-glass: $out" ;; esac
python3 - audit.jsonl "$REG" <<'PY' || fail "audit log: $(tail -3 audit.jsonl)"
import json, sys
events = [json.loads(l) for l in open(sys.argv[1])]
assert len(events) == 7 * 3 + 1, len(events)
by = {}
for e in events: by.setdefault(e["result"], []).append(e)
assert len(by["ALLOWED"]) == 7 and len(by["DENIED"]) == 7 and len(by["DRYRUN_DENIED"]) == 7, {k: len(v) for k, v in by.items()}
g = by["BREAK_GLASS"][0]
assert g["breakGlass"] is True and g["kind"] == "Deployment" and g["namespace"] == "prod", g
a = by["ALLOWED"][0]
for key in ("time", "uid", "cluster", "namespace", "serviceAccount", "kind", "name", "image", "digest", "rule", "evaluationMode", "enforcementMode", "result", "reasons", "breakGlass"):
    assert key in a, key
assert a["cluster"] == "us-east1-a.prod" and a["digest"].startswith("sha256:") and a["serviceAccount"] == "default", a
PY
curl -sf --cacert tls.crt "https://127.0.0.1:$WPORT/metrics" >metrics.txt
grep -q 'portcullis_admission_decisions_total{result="DENIED",rule="defaultAdmissionRule",mode="ENFORCED_BLOCK_AND_AUDIT_LOG"} 7' metrics.txt || fail "metrics: $(cat metrics.txt)"
hits=$(awk '/^portcullis_admission_cache_hits_total/{print $2}' metrics.txt)
[ "$hits" -ge 10 ] || fail "cache hits: $hits"
# A malformed review is a 400, not a decision.
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert tls.crt --data '{"kind":"x"}' "https://127.0.0.1:$WPORT/validate")
[ "$code" = 400 ] || fail "malformed review: $code"
# Reload on SIGHUP: the default rule becomes ALWAYS_ALLOW, and the unsigned image is admitted.
sed -i 's/evaluationMode: REQUIRE_ATTESTATION/evaluationMode: ALWAYS_ALLOW/; /requireAttestationsBy/d' live.yaml
kill -HUP $WPID; sleep 0.3
out=$(review Pod unsigned/Pod.json prod | allowed)
[ "$out" = allowed ] || fail "after reload: $out"
grep -q "policy reloaded" webhook.log || fail "no reload logged: $(cat webhook.log)"
# The same webhook mounted inside `portcullis serve` (authentication on; the webhook path needs
# none), over the server's TLS.
SPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PORTCULLIS_ADMIN_PASSWORD=x PORTCULLIS_ADMISSION_POLICY=policy.yaml PORTCULLIS_ADMISSION_ATTESTORS=attestors.yaml \
  PORTCULLIS_ADMISSION_TLS_VERIFY=false PORTCULLIS_ADMISSION_AUDIT_LOG=serve-audit.jsonl \
  "$BIN" serve --data "$WORK/data2" --listen 127.0.0.1:$SPORT --tls-cert tls.crt --tls-key tls.key >serve2.log 2>&1 &
SPID=$!
trap 'kill $WPID $SPID 2>/dev/null || true; cleanup' EXIT
for _ in $(seq 1 50); do curl -sf --cacert tls.crt "https://127.0.0.1:$SPORT/admission/healthz" >/dev/null && break; sleep 0.1; done
# review() writes review.json (and asks the standalone webhook); the same body goes to serve.
mounted() { curl -sf --cacert tls.crt -H 'Content-Type: application/json' --data-binary @review.json \
  "https://127.0.0.1:$SPORT/admission/validate" | allowed; }
review Pod signed/Pod.json prod >/dev/null
out=$(mounted)
[ "$out" = allowed ] || fail "mounted webhook, attested image: $out $(tail -5 serve2.log)"
review Pod unsigned/Pod.json prod >/dev/null
out=$(mounted)
case "$out" in "denied: portcullis denied Pod prod/"*) ;; *) fail "mounted webhook, unsigned: $out" ;; esac
[ "$(wc -l <serve-audit.jsonl)" = 2 ] || fail "mounted webhook audit: $(cat serve-audit.jsonl)"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert tls.crt "https://127.0.0.1:$SPORT/v2/_catalog")
[ "$code" = 401 ] || fail "registry API without credentials: $code"
# --- continuous validation of running pods ---
python3 - signed/Pod.json unsigned/Pod.json "$REG" >pods.json <<'PY'
import hashlib, json, subprocess, sys
items = []
for i, path in enumerate(sys.argv[1:3]):
    pod = json.load(open(path))
    pod["metadata"].update(name=f"pod-{i}", namespace="prod")
    image = pod["spec"]["containers"][0]["image"]
    raw = subprocess.run(["skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + image], capture_output=True, check=True).stdout
    digest = "sha256:" + hashlib.sha256(raw).hexdigest()
    name = pod["spec"]["containers"][0]["name"]
    pod["status"] = {"phase": "Running", "containerStatuses": [{"name": name, "image": image, "imageID": "docker-pullable://" + image.split(":")[0] + ":" + image.split(":")[1] + "@" + digest}]}
    items.append(pod)
print(json.dumps({"apiVersion": "v1", "kind": "PodList", "items": items}))
PY
C=(admit cv --policy policy.yaml --attestors attestors.yaml --tls-verify=false --cluster us-east1-a.prod)
expect 1 "${C[@]}" --pods pods.json
[ "$(wc -l <"$WORK/out")" = 1 ] || fail "cv violations: $(cat "$WORK/out")"
python3 -c 'import json,sys; v=json.loads(open(sys.argv[1]).read()); assert v["pod"]=="pod-1" and v["namespace"]=="prod" and v["images"][0]["digest"].startswith("sha256:") and v["images"][0]["rule"]=="defaultAdmissionRule", v' "$WORK/out" \
  || fail "cv violation: $(cat "$WORK/out")"
grep -q "^2 .*1 .*1" "$WORK/err" || fail "cv summary: $(cat "$WORK/err")"
# Through a kubeconfig: bearer token, then client certificate (a fake API server over HTTPS).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=client-ca \
  -keyout ca.key -out ca.crt 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=cv-reader -keyout client.key -out client.csr 2>/dev/null
openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 -out client.crt 2>/dev/null
kubeconfig() {  # PORT USER-YAML
  cat <<KC
apiVersion: v1
kind: Config
current-context: test
contexts:
- name: test
  context: {cluster: fake, user: reader}
clusters:
- name: fake
  cluster:
    server: https://127.0.0.1:$1
    certificate-authority-data: $(base64 -w0 tls.crt)
users:
- name: reader
  user:
$2
KC
}
python3 "$HERE/fake_apiserver.py" tls.crt tls.key pods.json --token s3cret >api1.port &
API1=$!
python3 "$HERE/fake_apiserver.py" tls.crt tls.key pods.json --client-ca ca.crt >api2.port &
API2=$!
trap 'kill $WPID $SPID $API1 $API2 2>/dev/null || true; cleanup' EXIT
for _ in $(seq 1 50); do [ -s api1.port ] && [ -s api2.port ] && break; sleep 0.1; done
kubeconfig "$(cat api1.port)" "    token: s3cret" >token.kubeconfig
kubeconfig "$(cat api1.port)" "    token: wrong" >badtoken.kubeconfig
kubeconfig "$(cat api2.port)" "    client-certificate-data: $(base64 -w0 client.crt)
    client-key-data: $(base64 -w0 client.key)" >cert.kubeconfig
expect 1 "${C[@]}" --kubeconfig token.kubeconfig
grep -q '"pod":"pod-1"' "$WORK/out" || fail "cv via token: $(cat "$WORK/out")"
expect 1 "${C[@]}" --kubeconfig cert.kubeconfig
grep -q '"pod":"pod-1"' "$WORK/out" || fail "cv via client certificate: $(cat "$WORK/out")"
expect 3 "${C[@]}" --kubeconfig badtoken.kubeconfig
grep -q "HTTP 401" "$WORK/err" || fail "cv with a wrong token: $(cat "$WORK/err")"
expect 2 "${C[@]}"
expect 2 "${C[@]}" --pods pods.json --interval 0s

# --- a registry that never answers: the review's deadline bounds the wait; fail-closed by
# default, fail-open on request ---
python3 -c '
import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
print(s.getsockname()[1], flush=True)
conns = []
while True:
    c, _ = s.accept(); conns.append(c)
' >blackhole.port &
BH=$!
trap 'kill $WPID $SPID $API1 $API2 $BH 2>/dev/null || true; cleanup' EXIT
for _ in $(seq 1 50); do [ -s blackhole.port ] && break; sleep 0.1; done
dead="127.0.0.1:$(cat blackhole.port)/app@sha256:27b06bdf644ab5fb17e2ebb073c440d5499330addde7ff86f2c7a8aaa4a5b18a"
kubectl create deployment dead --image="$dead" --dry-run=client -o json >dead.json
for mode in closed open; do
  DPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  extra=(); [ $mode = open ] && extra=(--fail-open)
  "$BIN" admit serve --policy policy.yaml --attestors attestors.yaml --tls-verify=false --tls-cert tls.crt \
    --tls-key tls.key --listen 127.0.0.1:$DPORT --deadline-ms 1500 --audit-log /dev/null "${extra[@]}" >dead-$mode.log 2>&1 &
  DPID=$!
  for _ in $(seq 1 50); do curl -sf --cacert tls.crt "https://127.0.0.1:$DPORT/healthz" >/dev/null && break; sleep 0.1; done
  WPORT_SAVED=$WPORT; WPORT=$DPORT
  start=$(date +%s.%N)
  out=$(review Deployment dead.json prod | allowed)
  took=$(echo "$(date +%s.%N) - $start" | bc)
  WPORT=$WPORT_SAVED
  kill $DPID; wait $DPID 2>/dev/null || true
  [ "$(echo "$took < 3" | bc)" = 1 ] || fail "fail-$mode review took $took s (deadline 1.5 s)"
  case "$mode:$out" in
    "closed:denied: "*"attestations not checked (fail-closed)"*) ;;
    "open:allowed"*"fail-open: attestations not checked"*) ;;
    *) fail "fail-$mode: $out" ;;
  esac
done

# --- admit install: manifests with a CA that verifies the serving certificate ---
expect 0 admit install --policy policy.yaml --attestors attestors.yaml --cluster us-east1-a.prod --output install.yaml
[ "$(stat -c %a install.yaml)" = 600 ] || fail "install output mode"
expect 0 admit validate "$HERE/../../examples/admission-policy.yaml"
python3 - install.yaml <<'PY' || fail "install manifests"
import base64, json, sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
kinds = [d["kind"] for d in docs]
assert kinds == ["Namespace", "ConfigMap", "Secret", "Deployment", "Service", "ValidatingWebhookConfiguration"], kinds
cm, secret, dep, svc, vwc = docs[1], docs[2], docs[3], docs[4], docs[5]
assert "policy.yaml" in cm["data"] and "attestors.yaml" in cm["data"]
open("ca.pem", "wb").write(base64.b64decode(vwc["webhooks"][0]["clientConfig"]["caBundle"]))
open("serving.crt", "wb").write(base64.b64decode(secret["data"]["tls.crt"]))
open("serving.key", "wb").write(base64.b64decode(secret["data"]["tls.key"]))
w = vwc["webhooks"][0]
assert w["failurePolicy"] == "Fail" and w["sideEffects"] == "None" and w["admissionReviewVersions"] == ["v1"]
assert w["clientConfig"]["service"] == {"namespace": "portcullis-system", "name": "portcullis-admission", "path": "/validate", "port": 443}
sel = w["namespaceSelector"]["matchExpressions"][0]
assert sel["operator"] == "NotIn" and sel["values"] == ["kube-system", "portcullis-system"], sel
resources = sorted(r for rule in w["rules"] for r in rule["resources"])
assert resources == sorted(["pods", "pods/ephemeralcontainers", "deployments", "replicasets", "statefulsets", "daemonsets", "jobs", "cronjobs"]), resources
args = dep["spec"]["template"]["spec"]["containers"][0]["args"]
assert args[:2] == ["admit", "serve"] and "--cluster" in args and "us-east1-a.prod" in args, args
assert svc["spec"]["ports"][0]["port"] == 443
PY
openssl verify -CAfile ca.pem serving.crt >/dev/null || fail "the CA does not verify the serving certificate"
openssl x509 -in serving.crt -noout -ext subjectAltName | grep -q "DNS:portcullis-admission.portcullis-system.svc" || fail "SAN"
IPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" admit serve --policy policy.yaml --tls-cert serving.crt --tls-key serving.key --listen 127.0.0.1:$IPORT >iserve.log 2>&1 &
IPID=$!
trap 'kill $WPID $SPID $API1 $API2 $BH $IPID 2>/dev/null || true; cleanup' EXIT
ok=""
for _ in $(seq 1 50); do
  if curl -sf --cacert ca.pem --resolve "portcullis-admission.portcullis-system.svc:$IPORT:127.0.0.1" \
      "https://portcullis-admission.portcullis-system.svc:$IPORT/healthz" >/dev/null; then ok=1; break; fi
  sleep 0.1
done
[ -n "$ok" ] || fail "the generated certificate does not serve the Service name: $(cat iserve.log)"
expect 2 admit install --policy bad.yaml
expect 2 admit install --policy policy.yaml --timeout 31

echo "admit_test: OK (7 workload kinds: attested allowed, unsigned denied, dry-run warned; break-glass audited)"
