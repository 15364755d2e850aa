// Binary Authorization policy semantics: name patterns (every example of the concepts document
// in ../shared/seeds/001_*, and near misses), parsing errors by line and field, rule precedence,
// every evaluation and enforcement mode, the system-image policy, workload decisions and audit
// events. Attestation checks are answered by a recording fake verifier here; the real registry
// path is in tests/integration/admit_test.sh.
#include "admit/policy.hpp"

#include <gtest/gtest.h>

#include "admit/decide.hpp"
#include "admit/evaluate.hpp"
#include "admit/name_pattern.hpp"
#include "admit/review.hpp"

namespace portcullis::admit {
namespace {

const std::string kDigest =
    "sha256:77b0b75136b9bd0fd36fb50f4c92ae0dbdbbe164ab67885e736fa4374e0cbb8c";

TEST(NamePattern, ConceptsDocumentExamples) {
  // gcr.io/example-project/*: every image directly under the path.
  EXPECT_TRUE(
      name_pattern_matches("gcr.io/example-project/*", "gcr.io/example-project/helloworld"));
  EXPECT_TRUE(
      name_pattern_matches("gcr.io/example-project/*", "gcr.io/example-project/helloworld:latest"));
  EXPECT_TRUE(name_pattern_matches("gcr.io/example-project/*",
                                   "gcr.io/example-project/helloworld@" + kDigest));
  EXPECT_FALSE(name_pattern_matches("gcr.io/example-project/*",
                                    "gcr.io/example-project/my-directory/helloworld"));
  EXPECT_FALSE(
      name_pattern_matches("gcr.io/example-project/*", "gcr.io/example-project2/helloworld"));
  // gcr.io/example-project/**: subdirectories too.
  EXPECT_TRUE(name_pattern_matches("gcr.io/example-project/**",
                                   "gcr.io/example-project/my-directory/helloworld"));
  EXPECT_TRUE(
      name_pattern_matches("gcr.io/example-project/**", "gcr.io/example-project/helloworld:v1"));
  EXPECT_FALSE(
      name_pattern_matches("gcr.io/example-project/**", "gcr.io/other-project/helloworld"));
  EXPECT_FALSE(name_pattern_matches("gcr.io/example-project/**", "gcr.io/example-project"));
  // gcr.io/example-project/helloworld: that image, every version.
  EXPECT_TRUE(name_pattern_matches("gcr.io/example-project/helloworld",
                                   "gcr.io/example-project/helloworld"));
  EXPECT_TRUE(name_pattern_matches("gcr.io/example-project/helloworld",
                                   "gcr.io/example-project/helloworld:v2"));
  EXPECT_TRUE(name_pattern_matches("gcr.io/example-project/helloworld",
                                   "gcr.io/example-project/helloworld@" + kDigest));
  EXPECT_FALSE(name_pattern_matches("gcr.io/example-project/helloworld",
                                    "gcr.io/example-project/helloworld2"));
  EXPECT_FALSE(name_pattern_matches("gcr.io/example-project/helloworld",
                                    "gcr.io/example-project/helloworld/sub"));
  // Tags.
  EXPECT_TRUE(name_pattern_matches("gcr.io/example-project/helloworld:latest",
                                   "gcr.io/example-project/helloworld:latest"));
  EXPECT_TRUE(name_pattern_matches("gcr.io/example-project/helloworld:my-tag",
                                   "gcr.io/example-project/helloworld:my-tag"));
  EXPECT_FALSE(name_pattern_matches("gcr.io/example-project/helloworld:latest",
                                    "gcr.io/example-project/helloworld:latest2"));
  EXPECT_FALSE(name_pattern_matches("gcr.io/example-project/helloworld:latest",
                                    "gcr.io/example-project/helloworld"));
  EXPECT_FALSE(name_pattern_matches("gcr.io/example-project/helloworld:my-tag",
                                    "gcr.io/example-project/helloworld@" + kDigest));
  // :* every tag of one image.
  EXPECT_TRUE(name_pattern_matches("gcr.io/example-project/helloworld:*",
                                   "gcr.io/example-project/helloworld:anything"));
  EXPECT_FALSE(name_pattern_matches("gcr.io/example-project/helloworld:*",
                                    "gcr.io/example-project/helloworld2:v1"));
  EXPECT_FALSE(name_pattern_matches("gcr.io/example-project/helloworld:*",
                                    "gcr.io/example-project/helloworld"));
  // A digest: exactly that version.
  EXPECT_TRUE(name_pattern_matches("gcr.io/example-project/helloworld@" + kDigest,
                                   "gcr.io/example-project/helloworld@" + kDigest));
  std::string other = kDigest;
  other.back() = 'd';
  EXPECT_FALSE(name_pattern_matches("gcr.io/example-project/helloworld@" + kDigest,
                                    "gcr.io/example-project/helloworld@" + other));
  EXPECT_FALSE(name_pattern_matches("gcr.io/example-project/helloworld@" + kDigest,
                                    "gcr.io/example-project/helloworld:latest"));
  // The default exemptions named there, and the REST reference's nginx* example.
  EXPECT_TRUE(
      name_pattern_matches("gcr.io/google_containers/*", "gcr.io/google_containers/pause:3.1"));
  EXPECT_FALSE(name_pattern_matches("gcr.io/google_containers/*", "gcr.io/google_containers/a/b"));
  EXPECT_TRUE(name_pattern_matches("k8s.gcr.io/**", "k8s.gcr.io/kube-proxy/x:v1"));
  EXPECT_TRUE(name_pattern_matches("gcr.io/nginx*", "gcr.io/nginx@latest"));
  EXPECT_FALSE(name_pattern_matches("gcr.io/nginx*", "gcr.io/nginx/image"));
  EXPECT_TRUE(name_pattern_matches("gcr.io/nginx**", "gcr.io/nginx/image"));
}

TEST(NamePattern, MalformedPatternsAreRejected) {
  EXPECT_TRUE(validate_name_pattern("gcr.io/example-project/*"));
  EXPECT_TRUE(validate_name_pattern("gcr.io/example-project/**"));
  EXPECT_TRUE(validate_name_pattern("gcr.io/example-project/helloworld:*"));
  EXPECT_FALSE(validate_name_pattern(""));
  EXPECT_FALSE(validate_name_pattern("gcr.io/*/helloworld"));  // not trailing
  EXPECT_FALSE(validate_name_pattern("gcr.io/example-project/***"));
  EXPECT_FALSE(validate_name_pattern("gcr*"));  // in the registry part
  EXPECT_FALSE(validate_name_pattern("*"));
  EXPECT_FALSE(validate_name_pattern("gcr.io/ex ample"));
  EXPECT_FALSE(validate_name_pattern("gcr.io//x"));
  EXPECT_NE(validate_name_pattern("gcr.io/*/x").error().message().find("only at the end"),
            std::string::npos);
}

const char* kPolicy = R"(name: projects/example/policy
globalPolicyEvaluationMode: ENABLE
admissionWhitelistPatterns:
- namePattern: gcr.io/example-project/exempt/**
defaultAdmissionRule:
  evaluationMode: REQUIRE_ATTESTATION
  enforcementMode: ENFORCED_BLOCK_AND_AUDIT_LOG
  requireAttestationsBy:
  - projects/example/attestors/built-by-ci
clusterAdmissionRules:
  us-east1-a.prod-cluster:
    evaluationMode: ALWAYS_DENY
    enforcementMode: ENFORCED_BLOCK_AND_AUDIT_LOG
  us-east1-a.dev-cluster:
    evaluationMode: ALWAYS_DENY
    enforcementMode: DRYRUN_AUDIT_LOG_ONLY
kubernetesNamespaceAdmissionRules:
  playground:
    evaluationMode: ALWAYS_ALLOW
    enforcementMode: ENFORCED_BLOCK_AND_AUDIT_LOG
kubernetesServiceAccountAdmissionRules:
  playground:deployer:
    evaluationMode: REQUIRE_ATTESTATION
    enforcementMode: DRYRUN_AUDIT_LOG_ONLY
    requireAttestationsBy: [qa, security]
istioServiceIdentityAdmissionRules:
  spiffe://example.svc.id.goog/ns/mesh/sa/frontend:
    evaluationMode: ALWAYS_ALLOW
    enforcementMode: ENFORCED_BLOCK_AND_AUDIT_LOG
)";

AdmissionPolicy policy() {
  auto p = parse_admission_policy(kPolicy, "policy.yaml");
  EXPECT_TRUE(p) << p.error().what();
  return *p;
}

TEST(Policy, ParsesEveryDocumentedField) {
  auto p = policy();
  EXPECT_EQ(p.name, "projects/example/policy");
  EXPECT_TRUE(p.global_policy_evaluation);
  EXPECT_EQ(p.admission_whitelist_patterns.size(), 1u);
  EXPECT_EQ(p.default_rule.evaluation_mode, EvaluationMode::kRequireAttestation);
  EXPECT_EQ(p.cluster_rules.size(), 2u);
  EXPECT_EQ(p.namespace_rules.size(), 1u);
  EXPECT_EQ(p.service_account_rules.at("playground:deployer").require_attestations_by.size(), 2u);
  EXPECT_EQ(p.istio_rules.size(), 1u);
}

std::string error_of(const std::string& yaml) {
  auto p = parse_admission_policy(yaml, "p.yaml");
  return p ? "(parsed)" : p.error().message();
}

TEST(Policy, ErrorsNameLineAndField) {
  const std::string rule =
      "defaultAdmissionRule:\n  evaluationMode: ALWAYS_ALLOW\n  enforcementMode: "
      "ENFORCED_BLOCK_AND_AUDIT_LOG\n";
  EXPECT_EQ(error_of(rule + "colour: red\n"),
            "p.yaml:4: colour: unknown field (expected one of: name, description, "
            "globalPolicyEvaluationMode, admissionWhitelistPatterns, defaultAdmissionRule, "
            "clusterAdmissionRules, kubernetesNamespaceAdmissionRules, "
            "kubernetesServiceAccountAdmissionRules, istioServiceIdentityAdmissionRules, "
            "updateTime, etag)");
  EXPECT_EQ(error_of("defaultAdmissionRule:\n  evaluationMode: ALWAYS_ALOW\n  enforcementMode: "
                     "ENFORCED_BLOCK_AND_AUDIT_LOG\n"),
            "p.yaml:2: defaultAdmissionRule.evaluationMode: \"ALWAYS_ALOW\" is not one of "
            "ALWAYS_ALLOW, ALWAYS_DENY, REQUIRE_ATTESTATION");
  EXPECT_NE(error_of("defaultAdmissionRule:\n  evaluationMode: ALWAYS_ALLOW\n  enforcementMode: "
                     "BLOCK\n")
                .find("p.yaml:3: defaultAdmissionRule.enforcementMode: \"BLOCK\""),
            std::string::npos);
  EXPECT_NE(error_of("name: x\n").find("defaultAdmissionRule: required"), std::string::npos);
  EXPECT_NE(error_of(rule + "admissionWhitelistPatterns:\n- namePattern: gcr.io/*/x\n")
                .find("p.yaml:5: admissionWhitelistPatterns[0].namePattern:"),
            std::string::npos);
  EXPECT_NE(error_of(rule + "globalPolicyEvaluationMode: ON\n")
                .find("p.yaml:4: globalPolicyEvaluationMode"),
            std::string::npos);
  EXPECT_NE(
      error_of(rule + "clusterAdmissionRules:\n  prod-cluster:\n    evaluationMode: ALWAYS_ALLOW\n"
                      "    enforcementMode: ENFORCED_BLOCK_AND_AUDIT_LOG\n")
          .find("is not location.clusterId"),
      std::string::npos);
  EXPECT_NE(
      error_of(rule + "kubernetesServiceAccountAdmissionRules:\n  deployer:\n    evaluationMode: "
                      "ALWAYS_ALLOW\n    enforcementMode: ENFORCED_BLOCK_AND_AUDIT_LOG\n")
          .find("is not namespace:service-account"),
      std::string::npos);
  EXPECT_NE(error_of("defaultAdmissionRule:\n  evaluationMode: REQUIRE_ATTESTATION\n  "
                     "enforcementMode: ENFORCED_BLOCK_AND_AUDIT_LOG\n")
                .find("needs at least one attestor"),
            std::string::npos);
  EXPECT_NE(error_of(rule + "  requireAttestationsBy: [a]\n").find("only allowed with"),
            std::string::npos);
  EXPECT_NE(error_of("defaultAdmissionRule:\n  evaluationMode: ALWAYS_ALLOW\n")
                .find("enforcementMode: required"),
            std::string::npos);
  EXPECT_NE(error_of("defaultAdmissionRule: [\n").find("p.yaml:"), std::string::npos);
}

TEST(Policy, MostSpecificRuleApplies) {
  auto p = policy();
  EXPECT_EQ(select_rule(p, {"", "", "", ""}).name, "defaultAdmissionRule");
  EXPECT_EQ(select_rule(p, {"us-east1-a.prod-cluster", "web", "default", ""}).name,
            "clusterAdmissionRules[us-east1-a.prod-cluster]");
  // Namespace beats cluster; service account beats namespace; Istio identity beats namespace.
  EXPECT_EQ(select_rule(p, {"us-east1-a.prod-cluster", "playground", "default", ""}).name,
            "kubernetesNamespaceAdmissionRules[playground]");
  EXPECT_EQ(select_rule(p, {"us-east1-a.prod-cluster", "playground", "deployer", ""}).name,
            "kubernetesServiceAccountAdmissionRules[playground:deployer]");
  EXPECT_EQ(select_rule(
                p, {"", "playground", "other", "spiffe://example.svc.id.goog/ns/mesh/sa/frontend"})
                .name,
            "istioServiceIdentityAdmissionRules[spiffe://example.svc.id.goog/ns/mesh/sa/frontend]");
  // Near misses fall through: a service account of another namespace, another cluster.
  EXPECT_EQ(select_rule(p, {"us-east1-b.prod-cluster", "web", "deployer", ""}).name,
            "defaultAdmissionRule");
}

// Answers from a table: which (digest, attestor) pairs are attested; records calls.
class FakeVerifier : public Verifier {
 public:
  FakeVerifier() : Verifier(VerifierOptions{}) {}
  Result<std::string> resolve(const std::string& image, Deadline) override {
    ++resolves;
    if (image.find("unresolvable") != std::string::npos) {
      return make_error(ErrorCode::kNotFound, "{}: tag not found", image);
    }
    return kDigest;
  }
  Result<AttestationCheck> check(const std::string&, const std::string& digest,
                                 const std::vector<std::string>& attestors, Deadline) override {
    ++checks;
    if (unreachable) return make_error(ErrorCode::kIo, "registry unreachable");
    AttestationCheck out;
    for (const auto& a : attestors) {
      if (!attested.count(digest + " " + a)) out.missing.push_back("attestor " + a + ": none");
    }
    return out;
  }
  std::set<std::string> attested;
  bool unreachable = false;
  int resolves = 0;
  int checks = 0;
};

TEST(Evaluate, EveryEvaluationAndEnforcementMode) {
  auto p = policy();
  FakeVerifier v;
  // ALWAYS_ALLOW.
  auto allow = evaluate_image(p, {"", "playground", "default", ""}, "nginx:1", v);
  EXPECT_TRUE(allow.conforms && allow.allowed);
  // ALWAYS_DENY, enforced.
  auto deny = evaluate_image(p, {"us-east1-a.prod-cluster", "web", "default", ""}, "nginx:1", v);
  EXPECT_FALSE(deny.allowed);
  EXPECT_EQ(deny.reasons[0], "evaluationMode ALWAYS_DENY");
  // ALWAYS_DENY, dry run: allowed but not conforming.
  auto dry = evaluate_image(p, {"us-east1-a.dev-cluster", "web", "default", ""}, "nginx:1", v);
  EXPECT_TRUE(dry.allowed);
  EXPECT_FALSE(dry.conforms);
  EXPECT_EQ(dry.enforcement_mode, EnforcementMode::kDryrunAuditLogOnly);
  // REQUIRE_ATTESTATION: missing, then present; the tag is resolved to a digest first.
  auto missing = evaluate_image(p, {"", "web", "default", ""}, "registry.example/app:1", v);
  EXPECT_FALSE(missing.allowed);
  EXPECT_EQ(missing.digest, kDigest);
  EXPECT_EQ(v.resolves, 1);
  v.attested.insert(kDigest + " projects/example/attestors/built-by-ci");
  auto attested =
      evaluate_image(p, {"", "web", "default", ""}, "registry.example/app@" + kDigest, v);
  EXPECT_TRUE(attested.allowed && attested.conforms);
  EXPECT_EQ(v.resolves, 1);  // a digest reference needs no resolution
  // Every listed attestor must have attested (service account rule: qa and security).
  v.attested.insert(kDigest + " qa");
  auto one_of_two =
      evaluate_image(p, {"", "playground", "deployer", ""}, "registry.example/app:1", v);
  EXPECT_FALSE(one_of_two.conforms);
  EXPECT_TRUE(one_of_two.allowed);  // that rule is a dry run
  ASSERT_EQ(one_of_two.reasons.size(), 1u);
  EXPECT_EQ(one_of_two.reasons[0], "attestor security: none");
  v.attested.insert(kDigest + " security");
  EXPECT_TRUE(
      evaluate_image(p, {"", "playground", "deployer", ""}, "registry.example/app:1", v).conforms);
  // A reference that cannot be resolved to a digest is denied with that reason.
  auto unresolved =
      evaluate_image(p, {"", "web", "default", ""}, "registry.example/unresolvable:1", v);
  EXPECT_FALSE(unresolved.allowed);
  EXPECT_NE(unresolved.reasons[0].find("cannot resolve the image to a digest"), std::string::npos);
  // Registry unreachable: fail-closed.
  v.unreachable = true;
  auto closed = evaluate_image(p, {"", "web", "default", ""}, "registry.example/app:1", v);
  EXPECT_FALSE(closed.allowed);
  EXPECT_NE(closed.reasons[0].find("fail-closed"), std::string::npos);
}

TEST(Evaluate, ExemptionsAndSystemImagesComeFirst) {
  auto p = policy();
  FakeVerifier v;
  auto exempt = evaluate_image(p, {"us-east1-a.prod-cluster", "", "", ""},
                               "gcr.io/example-project/exempt/tools/x:1", v);
  EXPECT_TRUE(exempt.exempt && exempt.allowed);
  EXPECT_EQ(exempt.rule, "admissionWhitelistPatterns");
  auto system = evaluate_image(p, {"us-east1-a.prod-cluster", "", "", ""},
                               "registry.k8s.io/kube-proxy:v1.29.0", v);
  EXPECT_TRUE(system.exempt && system.allowed);
  EXPECT_EQ(system.rule, "globalPolicyEvaluationMode");
  EXPECT_EQ(v.checks, 0);
  // With the global policy off, the same image meets the cluster's ALWAYS_DENY.
  p.global_policy_evaluation = false;
  EXPECT_FALSE(evaluate_image(p, {"us-east1-a.prod-cluster", "", "", ""},
                              "registry.k8s.io/kube-proxy:v1.29.0", v)
                   .allowed);
  // Docker Hub short names match their normalised form.
  p.admission_whitelist_patterns = {"docker.io/library/nginx"};
  EXPECT_TRUE(evaluate_image(p, {"us-east1-a.prod-cluster", "", "", ""}, "nginx:1.25", v).exempt);
  EXPECT_FALSE(evaluate_image(p, {"us-east1-a.prod-cluster", "", "", ""}, "nginxx:1.25", v).exempt);
}

std::string review(const std::string& kind, const std::string& object) {
  return R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u-1",)"
         R"("kind":{"group":"","version":"v1","kind":")" +
         kind + R"("},"namespace":"web","operation":"CREATE","object":)" + object + "}}";
}

TEST(Review, WorkloadsBreakGlassAndAudit) {
  auto w = parse_admission_review(review(
      "Pod",
      R"({"metadata":{"name":"p","annotations":{"alpha.image-policy.k8s.io/break-glass":"true"}},)"
      R"("spec":{"serviceAccountName":"deployer","initContainers":[{"name":"i","image":"busybox"}],)"
      R"("containers":[{"name":"c","image":"nginx:1"}],"ephemeralContainers":[{"name":"e","image":"debug"}]}})"));
  ASSERT_TRUE(w) << w.error().what();
  EXPECT_TRUE(w->break_glass);
  EXPECT_EQ(w->service_account, "deployer");
  ASSERT_EQ(w->images.size(), 3u);
  EXPECT_EQ(w->images[0].field, "initContainers[0]");
  EXPECT_EQ(w->images[2].image, "debug");
  auto cron = parse_admission_review(review(
      "CronJob", R"({"metadata":{"name":"c"},"spec":{"schedule":"* * * * *","jobTemplate":{"spec":)"
                 R"({"template":{"spec":{"containers":[{"name":"c","image":"job:1"}]}}}}}})"));
  ASSERT_TRUE(cron) << cron.error().what();
  EXPECT_EQ(cron->images[0].image, "job:1");
  EXPECT_EQ(cron->service_account, "default");
  EXPECT_FALSE(parse_admission_review(review("ConfigMap", R"({"metadata":{"name":"x"}})")));
  EXPECT_FALSE(parse_admission_review("{}"));
  EXPECT_FALSE(
      parse_admission_review(review("Deployment", R"({"metadata":{"name":"d"},"spec":{}})")));

  // ALWAYS_DENY in the cluster: denied, unless break-glass.
  auto p = policy();
  FakeVerifier v;
  auto denied = decide(p, "us-east1-a.prod-cluster", *w, v);
  EXPECT_TRUE(denied.allowed);  // break-glass
  EXPECT_NE(denied.warnings.back().find("break-glass"), std::string::npos);
  auto events = audit_events("us-east1-a.prod-cluster", *w, denied, "2026-11-23T00:00:00Z");
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[1]["result"], "BREAK_GLASS");
  EXPECT_EQ(events[1]["breakGlass"], true);
  EXPECT_EQ(events[1]["rule"], "clusterAdmissionRules[us-east1-a.prod-cluster]");
  w->break_glass = false;
  auto blocked = decide(p, "us-east1-a.prod-cluster", *w, v);
  EXPECT_FALSE(blocked.allowed);
  EXPECT_NE(blocked.message.find("image nginx:1 (containers[0]): clusterAdmissionRules"),
            std::string::npos);
  EXPECT_EQ(audit_events("c", *w, blocked, "t")[0]["result"], "DENIED");
  auto dry = decide(p, "us-east1-a.dev-cluster", *w, v);
  EXPECT_TRUE(dry.allowed);
  EXPECT_EQ(dry.warnings.size(), 3u);
  EXPECT_EQ(audit_events("c", *w, dry, "t")[0]["result"], "DRYRUN_DENIED");
  auto response = admission_response("u-1", false, blocked.message, {});
  EXPECT_EQ(response["response"]["status"]["code"], 403);
  EXPECT_EQ(response["response"]["uid"], "u-1");
}

}  // namespace
}  // namespace portcullis::admit
