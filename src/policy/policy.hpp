// The scan policy: named rules, each with an action (stop fails the scan, warn only reports),
// plus allowed CVEs (with a justification and an expiry) and blocked CVEs. Read from YAML
// (docs/policy.md); several files combine; a built-in default applies when none is given.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace portcullis::policy {

enum class Action { kStop, kWarn };

// Finding severities in order; kUnknown sorts lowest.
enum class Severity { kUnknown, kNegligible, kLow, kMedium, kHigh, kCritical };
std::optional<Severity> parse_severity(std::string_view name);  // "HIGH", "high", "MINIMAL"...
std::string_view severity_name(Severity s);

// Binary Authorization's VulnerabilityCheck limits (BLOCK_ALL ... ALLOW_ALL).
enum class SeverityLimit { kBlockAll, kMinimal, kLow, kMedium, kHigh, kCritical, kAllowAll };

struct VulnerabilityConditions {     // every given condition must hold for a finding to match
  std::optional<Severity> severity;  // at or above
  std::optional<bool> fixable;
  std::optional<double> cvss_at_least;
  std::optional<bool> known_exploited;
  std::optional<int> fix_available_for_days;
  std::vector<std::string> package_types;  // empty: all
};

struct VulnerabilityCheck {
  SeverityLimit maximum_fixable = SeverityLimit::kAllowAll;
  SeverityLimit maximum_unfixable = SeverityLimit::kAllowAll;
  std::vector<std::string> allowed_cves;
  std::vector<std::string> blocked_cves;
};

struct Rule {
  enum class Kind {
    kVulnerabilities,
    kVulnerabilityCheck,
    kRunsAsRoot,
    kConfigSecrets,
    kRequiredLabels,
    kMaxImageAge,
    kPackageManagers,
    kSetuidFiles,
    kSecrets,
    kDbMaxAge,
  };
  std::string name;
  Action action = Action::kStop;
  std::string description;
  Kind kind = Kind::kVulnerabilities;
  VulnerabilityConditions vulnerabilities;
  VulnerabilityCheck vulnerability_check;
  std::vector<std::string> labels;  // required_labels
  std::vector<std::string> allow;   // package_managers / setuid_files: names or paths allowed
  int days = 0;                     // max_image_age_days, db_max_age_days
  bool include_removed = true;      // secrets: also those in deleted files of lower layers
  std::string source;               // "FILE:LINE" where the rule was defined
};

struct AllowedCve {
  std::string id;
  std::string justification;
  std::string expires;  // YYYY-MM-DD; the entry stops suppressing after that day
  std::string source;
};

struct Policy {
  std::string name;
  std::string version;
  std::vector<Rule> rules;
  std::vector<AllowedCve> allowed_cves;
  std::vector<std::string> blocked_cves;
};

std::string_view kind_name(Rule::Kind kind);

// Errors name the file, line and field ("policy.yaml:12: rules[3].vulnerabilities.severity:
// "HGIH" is not one of ...").
Result<Policy> parse_policy(std::string_view yaml, std::string_view file);
Result<Policy> load_policy(const std::string& path);
// Several policies as one: rules, allowed and blocked CVEs together; a rule name used twice is
// an error naming both places.
Result<Policy> combine(const std::vector<Policy>& policies);
const Policy& default_policy();
std::string_view default_policy_yaml();

}  // namespace portcullis::policy
