// Rule selection and the decision for one image.
#include "admit/evaluate.hpp"

#include "admit/name_pattern.hpp"
#include "oci/reference.hpp"

namespace portcullis::admit {
namespace {

// The image as written and, when it differs, as Docker normalises it ("nginx" is
// "docker.io/library/nginx"): patterns may name either.
std::vector<std::string> spellings(const std::string& image) {
  std::vector<std::string> out = {image};
  if (auto ref = oci::parse_reference(image)) {
    std::string full = ref->registry + "/" + ref->repository;
    if (!ref->tag.empty() && image.find(':' + ref->tag) != std::string::npos) {
      full += ":" + ref->tag;
    }
    if (ref->digest) full += "@" + ref->digest->str();
    if (full != image) out.push_back(full);
  }
  return out;
}

std::optional<std::string> allowlisted(const std::vector<std::string>& patterns,
                                       const std::string& image) {
  for (const auto& spelling : spellings(image)) {
    for (const auto& p : patterns) {
      if (name_pattern_matches(p, spelling)) return p;
    }
  }
  return std::nullopt;
}

}  // namespace

SelectedRule select_rule(const AdmissionPolicy& policy, const Deployment& where) {
  if (!where.service_account.empty()) {
    std::string key = where.ns + ":" + where.service_account;
    if (auto it = policy.service_account_rules.find(key);
        it != policy.service_account_rules.end()) {
      return {"kubernetesServiceAccountAdmissionRules[" + key + "]", &it->second};
    }
  }
  if (!where.istio_identity.empty()) {
    if (auto it = policy.istio_rules.find(where.istio_identity); it != policy.istio_rules.end()) {
      return {"istioServiceIdentityAdmissionRules[" + where.istio_identity + "]", &it->second};
    }
  }
  if (!where.ns.empty()) {
    if (auto it = policy.namespace_rules.find(where.ns); it != policy.namespace_rules.end()) {
      return {"kubernetesNamespaceAdmissionRules[" + where.ns + "]", &it->second};
    }
  }
  if (!where.cluster.empty()) {
    if (auto it = policy.cluster_rules.find(where.cluster); it != policy.cluster_rules.end()) {
      return {"clusterAdmissionRules[" + where.cluster + "]", &it->second};
    }
  }
  return {"defaultAdmissionRule", &policy.default_rule};
}

ImageDecision evaluate_image(const AdmissionPolicy& policy, const Deployment& where,
                             const std::string& image, Verifier& verifier, Deadline deadline) {
  ImageDecision d;
  d.image = image;
  if (auto ref = oci::parse_reference(image); ref && ref->digest) d.digest = ref->digest->str();
  if (policy.global_policy_evaluation) {
    if (auto p = allowlisted(system_image_patterns(), image)) {
      d.rule = "globalPolicyEvaluationMode";
      d.exempt = d.conforms = d.allowed = true;
      d.reasons.push_back(fmt::format("system image (matches {})", *p));
      return d;
    }
  }
  if (auto p = allowlisted(policy.admission_whitelist_patterns, image)) {
    d.rule = "admissionWhitelistPatterns";
    d.exempt = d.conforms = d.allowed = true;
    d.reasons.push_back(fmt::format("exempt: matches namePattern {}", *p));
    return d;
  }
  auto selected = select_rule(policy, where);
  const AdmissionRule& rule = *selected.rule;
  d.rule = selected.name;
  d.evaluation_mode = rule.evaluation_mode;
  d.enforcement_mode = rule.enforcement_mode;
  switch (rule.evaluation_mode) {
    case EvaluationMode::kAlwaysAllow:
      d.conforms = true;
      d.reasons.emplace_back("evaluationMode ALWAYS_ALLOW");
      break;
    case EvaluationMode::kAlwaysDeny:
      d.reasons.emplace_back("evaluationMode ALWAYS_DENY");
      break;
    case EvaluationMode::kRequireAttestation: {
      auto digest =
          d.digest.empty() ? verifier.resolve(image, deadline) : Result<std::string>(d.digest);
      if (!digest) {
        d.reasons.push_back("cannot resolve the image to a digest: " + digest.error().message());
        break;
      }
      d.digest = *digest;
      auto check = verifier.check(image, d.digest, rule.require_attestations_by, deadline);
      if (!check) {
        if (verifier.fail_open()) {
          d.conforms = true;
          d.failed_open = true;
          d.reasons.push_back("fail-open: attestations not checked: " + check.error().message());
        } else {
          d.reasons.push_back("attestations not checked (fail-closed): " + check.error().message());
        }
        break;
      }
      d.conforms = check->missing.empty();
      if (d.conforms) {
        std::string names;
        for (const auto& a : rule.require_attestations_by) names += (names.empty() ? "" : ", ") + a;
        d.reasons.push_back("attested by " + names);
      }
      for (const auto& m : check->missing) d.reasons.push_back(m);
      break;
    }
  }
  d.allowed = d.conforms || rule.enforcement_mode == EnforcementMode::kDryrunAuditLogOnly;
  return d;
}

}  // namespace portcullis::admit
