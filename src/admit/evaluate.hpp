// Evaluating one image of a workload against the policy: the system-image and exemption
// allowlists first, then the one rule that applies (the most specific: service account, then
// Istio service identity, then namespace, then cluster, then the default rule), then its
// evaluation mode; the enforcement mode decides whether a non-conforming image is blocked.
#pragma once

#include <string>
#include <vector>

#include "admit/policy.hpp"
#include "admit/verifier.hpp"

namespace portcullis::admit {

// Where the workload is being deployed.
struct Deployment {
  std::string cluster;          // location.clusterId
  std::string ns;               // Kubernetes namespace
  std::string service_account;  // in that namespace
  std::string istio_identity;   // spiffe://…, when known
};

struct SelectedRule {
  std::string name;  // "kubernetesNamespaceAdmissionRules[prod]", "defaultAdmissionRule", ...
  const AdmissionRule* rule = nullptr;
};

SelectedRule select_rule(const AdmissionPolicy& policy, const Deployment& where);

struct ImageDecision {
  std::string image;   // as written
  std::string digest;  // when known
  std::string rule;    // which rule (or allowlist entry) decided
  EvaluationMode evaluation_mode = EvaluationMode::kAlwaysAllow;
  EnforcementMode enforcement_mode = EnforcementMode::kEnforcedBlockAndAuditLog;
  bool exempt = false;       // matched the system or exemption allowlist
  bool conforms = false;     // the rule holds for the image
  bool allowed = false;      // conforms, or a dry-run rule let it through
  bool failed_open = false;  // admitted unverified: the registry could not be reached
  std::vector<std::string> reasons;
};

// Registry work stops at `deadline`; an image whose attestations could not be checked in time
// is then treated as unreachable (fail-closed unless the verifier fails open).
ImageDecision evaluate_image(const AdmissionPolicy& policy, const Deployment& where,
                             const std::string& image, Verifier& verifier,
                             Deadline deadline = kNoDeadline);

}  // namespace portcullis::admit
