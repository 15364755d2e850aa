// Scan evaluation and summary.
#include "pipeline/scan_summary.hpp"

#include "policy/evaluate.hpp"
#include "policy/report.hpp"
#include "vuln/matcher.hpp"

namespace portcullis::pipeline {

Result<ScanEvaluation> evaluate_scan(const analyze::Inventory& inventory, vuln::Database& db,
                                     const ScanningConfig& scanning,
                                     const std::string& policy_name) {
  std::string name = policy_name.empty() ? "default" : policy_name;
  policy::Policy pol = policy::default_policy();
  if (auto file = scanning.policies.find(name); file != scanning.policies.end()) {
    auto loaded = policy::load_policy(file->second.string());
    if (!loaded) return loaded.error();
    pol = std::move(*loaded);
  } else if (name != "default") {
    return make_error(ErrorCode::kInvalidArgument, "no scan policy \"{}\"", name);
  }
  auto matched = vuln::match(inventory, db);
  if (!matched) return matched.error();
  policy::EvaluationInput in;
  in.findings = matched->findings;
  in.inventory = inventory;
  in.db = db.metadata();
  auto verdict = policy::evaluate(pol, in);

  ScanEvaluation out;
  out.passed = verdict.passed;
  nlohmann::json all = nlohmann::json::object();
  nlohmann::json fixable = nlohmann::json::object();
  for (auto s :
       {policy::Severity::kCritical, policy::Severity::kHigh, policy::Severity::kMedium,
        policy::Severity::kLow, policy::Severity::kNegligible, policy::Severity::kUnknown}) {
    all[std::string(policy::severity_name(s))] = 0;
    fixable[std::string(policy::severity_name(s))] = 0;
  }
  for (const auto& f : verdict.findings) {
    std::string sev(policy::severity_name(policy::severity_of(f)));
    all[sev] = all[sev].get<int>() + 1;
    if (!f.fixed_versions.empty()) fixable[sev] = fixable[sev].get<int>() + 1;
  }
  nlohmann::json failed = nlohmann::json::array();
  for (const auto& r : verdict.rules) {
    if (r.passed || r.action != policy::Action::kStop) continue;
    failed.push_back(r.name);
    out.reason +=
        (out.reason.empty() ? "" : "; ") + r.name +
        (r.reasons.empty() ? ""
                           : " (" + r.reasons.front() + (r.reasons.size() > 1 ? ", …" : "") + ")");
  }
  out.summary = {
      {"policy", verdict.policy},
      {"verdict", verdict.passed ? "passed" : "failed"},
      {"packages", inventory.packages.size()},
      {"os", inventory.os.empty() ? "" : inventory.os.id + " " + inventory.os.version_id},
      {"vulnerabilities", all},
      {"fixable", fixable},
      {"failed_rules", failed},
      {"user", inventory.config.user},
      {"db", db.metadata().built_at}};
  out.report = policy::verdict_json(verdict, inventory, db.metadata());
  return out;
}

}  // namespace portcullis::pipeline
