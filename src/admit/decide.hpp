// The decision for a whole workload: every image evaluated; denied when an image is blocked
// (the message lists each offending image, its rule and why); dry-run rules let images through
// with a warning; break-glass admits and is marked for the audit log.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "admit/evaluate.hpp"
#include "admit/review.hpp"

namespace portcullis::admit {

struct WorkloadDecision {
  bool allowed = true;
  bool break_glass = false;
  std::string message;                // why it was denied
  std::vector<std::string> warnings;  // dry-run and break-glass notes
  std::vector<ImageDecision> images;  // one per container image, in pod spec order
};

WorkloadDecision decide(const AdmissionPolicy& policy, const std::string& cluster,
                        const Workload& workload, Verifier& verifier,
                        Deadline deadline = kNoDeadline);

// One audit event per image: time, request uid, cluster, namespace, service account, workload
// kind and name, image and digest, rule, evaluation and enforcement mode, result
// (ALLOWED, DENIED, DRYRUN_DENIED, BREAK_GLASS), reasons, breakGlass.
std::vector<nlohmann::json> audit_events(const std::string& cluster, const Workload& workload,
                                         const WorkloadDecision& decision, const std::string& time);

}  // namespace portcullis::admit
