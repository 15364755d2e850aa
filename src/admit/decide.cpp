// Workload decisions and their audit events.
#include "admit/decide.hpp"

namespace portcullis::admit {
namespace {

std::string joined(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "; ") + p;
  return out;
}

}  // namespace

WorkloadDecision decide(const AdmissionPolicy& policy, const std::string& cluster,
                        const Workload& workload, Verifier& verifier, Deadline deadline) {
  WorkloadDecision out;
  out.break_glass = workload.break_glass;
  Deployment where{cluster, workload.ns, workload.service_account, ""};
  std::vector<std::string> denied;
  for (const auto& c : workload.images) {
    auto d = evaluate_image(policy, where, c.image, verifier, deadline);
    std::string what = fmt::format("image {} ({}): {} ({}, {}): {}", c.image, c.field, d.rule,
                                   evaluation_mode_name(d.evaluation_mode),
                                   enforcement_mode_name(d.enforcement_mode), joined(d.reasons));
    if (!d.allowed) {
      denied.push_back(what);
    } else if (!d.conforms) {
      out.warnings.push_back("dry run, would be denied: " + what);
    } else if (d.failed_open) {
      out.warnings.push_back("admitted unverified: " + what);
    }
    out.images.push_back(std::move(d));
  }
  if (!denied.empty()) {
    if (workload.break_glass) {
      out.warnings.push_back("break-glass: admitted although denied: " + joined(denied));
    } else {
      out.allowed = false;
      out.message = fmt::format("portcullis denied {} {}/{}: {}", workload.kind, workload.ns,
                                workload.name, joined(denied));
    }
  }
  return out;
}

std::vector<nlohmann::json> audit_events(const std::string& cluster, const Workload& workload,
                                         const WorkloadDecision& decision,
                                         const std::string& time) {
  std::vector<nlohmann::json> out;
  for (size_t i = 0; i < decision.images.size(); ++i) {
    const auto& d = decision.images[i];
    std::string result = d.conforms         ? "ALLOWED"
                         : d.allowed        ? "DRYRUN_DENIED"
                         : decision.allowed ? "BREAK_GLASS"
                                            : "DENIED";
    out.push_back({{"time", time},
                   {"uid", workload.uid},
                   {"cluster", cluster},
                   {"namespace", workload.ns},
                   {"serviceAccount", workload.service_account},
                   {"kind", workload.kind},
                   {"name", workload.name},
                   {"container", workload.images[i].field},
                   {"image", d.image},
                   {"digest", d.digest},
                   {"rule", d.rule},
                   {"evaluationMode", evaluation_mode_name(d.evaluation_mode)},
                   {"enforcementMode", enforcement_mode_name(d.enforcement_mode)},
                   {"result", result},
                   {"reasons", d.reasons},
                   {"breakGlass", decision.break_glass}});
  }
  return out;
}

}  // namespace portcullis::admit
