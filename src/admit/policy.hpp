// Binary Authorization's project policy (policy YAML reference, REST Policy/AdmissionRule):
// field names and enum values exactly as Google documents them.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace portcullis::admit {

enum class EvaluationMode { kAlwaysAllow, kAlwaysDeny, kRequireAttestation };
enum class EnforcementMode { kEnforcedBlockAndAuditLog, kDryrunAuditLogOnly };

std::string_view evaluation_mode_name(EvaluationMode mode);  // "ALWAYS_ALLOW", ...
std::string_view enforcement_mode_name(
    EnforcementMode mode);  // "ENFORCED_BLOCK_AND_AUDIT_LOG", ...

struct AdmissionRule {
  EvaluationMode evaluation_mode = EvaluationMode::kAlwaysAllow;
  EnforcementMode enforcement_mode = EnforcementMode::kEnforcedBlockAndAuditLog;
  std::vector<std::string> require_attestations_by;  // attestor names (projects/P/attestors/A or A)
};

struct AdmissionPolicy {
  std::string name;
  std::string description;
  bool global_policy_evaluation = false;                  // globalPolicyEvaluationMode: ENABLE
  std::vector<std::string> admission_whitelist_patterns;  // namePattern of each entry
  AdmissionRule default_rule;
  std::map<std::string, AdmissionRule> cluster_rules;          // "location.clusterId"
  std::map<std::string, AdmissionRule> namespace_rules;        // "namespace"
  std::map<std::string, AdmissionRule> service_account_rules;  // "namespace:service-account"
  std::map<std::string, AdmissionRule> istio_rules;            // "spiffe://…/ns/N/sa/S"
};

// Errors name the file, the line and the field; unknown fields, unknown enum values, malformed
// patterns and malformed rule keys are errors.
Result<AdmissionPolicy> parse_admission_policy(std::string_view text, std::string_view file);
Result<AdmissionPolicy> load_admission_policy(const std::string& path);

// The documented system-image allowlist that globalPolicyEvaluationMode: ENABLE trusts.
const std::vector<std::string>& system_image_patterns();

}  // namespace portcullis::admit
