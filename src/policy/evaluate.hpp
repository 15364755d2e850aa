// Evaluation: a pure function from (findings, inventory, DB metadata, policy, suppressions, now)
// to a verdict that lists every rule with its result and the reasons, and every suppressed
// finding with why.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "analyze/inventory.hpp"
#include "policy/policy.hpp"
#include "policy/suppression.hpp"
#include "vuln/database.hpp"
#include "vuln/matcher.hpp"

namespace portcullis::policy {

struct EvaluationInput {
  std::vector<vuln::Finding> findings;
  analyze::Inventory inventory;
  std::optional<vuln::DbMetadata> db;
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
  std::vector<VexStatement> vex;
  std::vector<IgnoreEntry> ignores;
  std::optional<Severity> minimum_severity;  // --severity: findings below are not considered
  bool ignore_unfixed = false;               // --ignore-unfixed
};

struct RuleResult {
  std::string name;
  std::string kind;
  std::string description;
  Action action = Action::kStop;
  bool passed = true;
  std::vector<std::string> reasons;  // why it failed, one line per offending item
};

struct SuppressedFinding {
  vuln::Finding finding;
  std::string reason;  // "allowed until 2027-01-01: ...", "VEX not_affected: ...", ...
};

struct Verdict {
  std::string policy;
  bool passed = true;  // no stop rule failed
  std::vector<RuleResult> rules;
  std::vector<vuln::Finding> findings;  // those considered (after filters and suppressions)
  std::vector<SuppressedFinding> suppressed;
  int warnings = 0;  // warn rules that did not pass
};

Verdict evaluate(const Policy& policy, const EvaluationInput& input);

Severity severity_of(const vuln::Finding& f);

}  // namespace portcullis::policy
