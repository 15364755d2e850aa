// Policy YAML -> Policy, strictly: unknown fields, wrong types and unknown enum values are errors
// naming the file, the line and the field.

#include <array>
#include <set>

#include "base/file.hpp"
#include "base/yaml_fields.hpp"
#include "policy/policy.hpp"

namespace portcullis::policy {
namespace {

constexpr std::array<std::pair<std::string_view, Severity>, 7> kSeverities = {{
    {"UNKNOWN", Severity::kUnknown},
    {"NEGLIGIBLE", Severity::kNegligible},
    {"MINIMAL", Severity::kNegligible},
    {"LOW", Severity::kLow},
    {"MEDIUM", Severity::kMedium},
    {"HIGH", Severity::kHigh},
    {"CRITICAL", Severity::kCritical},
}};

constexpr std::array<std::pair<std::string_view, SeverityLimit>, 7> kLimits = {{
    {"BLOCK_ALL", SeverityLimit::kBlockAll},
    {"MINIMAL", SeverityLimit::kMinimal},
    {"LOW", SeverityLimit::kLow},
    {"MEDIUM", SeverityLimit::kMedium},
    {"HIGH", SeverityLimit::kHigh},
    {"CRITICAL", SeverityLimit::kCritical},
    {"ALLOW_ALL", SeverityLimit::kAllowAll},
}};

constexpr std::array<std::pair<std::string_view, Rule::Kind>, 10> kKinds = {{
    {"vulnerabilities", Rule::Kind::kVulnerabilities},
    {"vulnerability_check", Rule::Kind::kVulnerabilityCheck},
    {"runs_as_root", Rule::Kind::kRunsAsRoot},
    {"config_secrets", Rule::Kind::kConfigSecrets},
    {"required_labels", Rule::Kind::kRequiredLabels},
    {"max_image_age_days", Rule::Kind::kMaxImageAge},
    {"package_managers", Rule::Kind::kPackageManagers},
    {"setuid_files", Rule::Kind::kSetuidFiles},
    {"secrets", Rule::Kind::kSecrets},
    {"db_max_age_days", Rule::Kind::kDbMaxAge},
}};

// Reads one YAML document with a file name and field paths for every error.
class Reader : public YamlFields {
 public:
  using YamlFields::YamlFields;

  Result<bool> boolean(const YAML::Node& node, const std::string& field) const {
    if (node.IsScalar()) {
      const auto& s = node.Scalar();
      if (s == "true") return true;
      if (s == "false") return false;
    }
    return error(node, field, "expected true or false");
  }

  Result<int> integer(const YAML::Node& node, const std::string& field) const {
    if (node.IsScalar()) {
      const auto& s = node.Scalar();
      if (!s.empty() && s.size() < 9 && s.find_first_not_of("0123456789") == std::string::npos) {
        return std::stoi(s);
      }
    }
    return error(node, field, "expected a non-negative whole number");
  }

  Result<double> number(const YAML::Node& node, const std::string& field) const {
    if (node.IsScalar()) {
      try {
        size_t used = 0;
        double v = std::stod(node.Scalar(), &used);
        if (used == node.Scalar().size() && v >= 0 && v <= 10) return v;
      } catch (const std::exception&) {
      }
    }
    return error(node, field, "expected a number from 0 to 10");
  }

  Result<std::vector<std::string>> strings(const YAML::Node& node, const std::string& field) const {
    if (!node.IsSequence()) return error(node, field, "expected a list of strings");
    std::vector<std::string> out;
    for (size_t i = 0; i < node.size(); ++i) {
      auto s = string(node[i], fmt::format("{}[{}]", field, i));
      if (!s) return s.error();
      out.push_back(*s);
    }
    return out;
  }

  template <typename T, size_t N>
  Result<T> one_of(const YAML::Node& node, const std::string& field,
                   const std::array<std::pair<std::string_view, T>, N>& values) const {
    if (node.IsScalar()) {
      for (const auto& [name, v] : values) {
        if (name == node.Scalar()) return v;
      }
    }
    std::string list;
    for (const auto& [name, v] : values) list += (list.empty() ? "" : ", ") + std::string(name);
    return error(
        node, field,
        fmt::format("\"{}\" is not one of {}", node.IsScalar() ? node.Scalar() : "?", list));
  }
};

#define PORTCULLIS_ASSIGN(target, expr) \
  do {                                  \
    auto value_ = (expr);               \
    if (!value_) return value_.error(); \
    (target) = *value_;                 \
  } while (0)

Status parse_vulnerabilities(const Reader& r, const YAML::Node& node, const std::string& field,
                             VulnerabilityConditions& out) {
  PORTCULLIS_TRY(r.keys(node, field,
                        {"severity", "fixable", "cvss_at_least", "known_exploited",
                         "fix_available_for_days", "package_types"}));
  if (node.size() == 0) return r.error(node, field, "give at least one condition");
  if (node["severity"]) {
    PORTCULLIS_ASSIGN(out.severity, r.one_of(node["severity"], field + ".severity", kSeverities));
  }
  if (node["fixable"])
    PORTCULLIS_ASSIGN(out.fixable, r.boolean(node["fixable"], field + ".fixable"));
  if (node["cvss_at_least"]) {
    PORTCULLIS_ASSIGN(out.cvss_at_least, r.number(node["cvss_at_least"], field + ".cvss_at_least"));
  }
  if (node["known_exploited"]) {
    PORTCULLIS_ASSIGN(out.known_exploited,
                      r.boolean(node["known_exploited"], field + ".known_exploited"));
  }
  if (node["fix_available_for_days"]) {
    PORTCULLIS_ASSIGN(out.fix_available_for_days,
                      r.integer(node["fix_available_for_days"], field + ".fix_available_for_days"));
  }
  if (node["package_types"]) {
    PORTCULLIS_ASSIGN(out.package_types,
                      r.strings(node["package_types"], field + ".package_types"));
  }
  return Ok{};
}

Status parse_check(const Reader& r, const YAML::Node& node, const std::string& field,
                   VulnerabilityCheck& out) {
  PORTCULLIS_TRY(
      r.keys(node, field,
             {"maximumFixableSeverity", "maximumUnfixableSeverity", "allowedCves", "blockedCves"}));
  if (!node["maximumFixableSeverity"] || !node["maximumUnfixableSeverity"]) {
    return r.error(node, field,
                   "maximumFixableSeverity and maximumUnfixableSeverity are required (as in "
                   "Binary Authorization's VulnerabilityCheck)");
  }
  PORTCULLIS_ASSIGN(out.maximum_fixable, r.one_of(node["maximumFixableSeverity"],
                                                  field + ".maximumFixableSeverity", kLimits));
  PORTCULLIS_ASSIGN(out.maximum_unfixable, r.one_of(node["maximumUnfixableSeverity"],
                                                    field + ".maximumUnfixableSeverity", kLimits));
  if (node["allowedCves"]) {
    PORTCULLIS_ASSIGN(out.allowed_cves, r.strings(node["allowedCves"], field + ".allowedCves"));
  }
  if (node["blockedCves"]) {
    PORTCULLIS_ASSIGN(out.blocked_cves, r.strings(node["blockedCves"], field + ".blockedCves"));
  }
  return Ok{};
}

// `true`, or {allow: [...]}.
Status parse_allow(const Reader& r, const YAML::Node& node, const std::string& field,
                   std::vector<std::string>& allow) {
  if (node.IsScalar()) {
    auto b = r.boolean(node, field);
    if (!b) return b.error();
    if (!*b) return r.error(node, field, "false is not a rule; remove the rule instead");
    return Ok{};
  }
  PORTCULLIS_TRY(r.keys(node, field, {"allow"}));
  if (node["allow"]) PORTCULLIS_ASSIGN(allow, r.strings(node["allow"], field + ".allow"));
  return Ok{};
}

Result<Rule> parse_rule(const Reader& r, const YAML::Node& node, const std::string& field) {
  std::initializer_list<std::string_view> fields = {"name",
                                                    "action",
                                                    "description",
                                                    "vulnerabilities",
                                                    "vulnerability_check",
                                                    "runs_as_root",
                                                    "config_secrets",
                                                    "required_labels",
                                                    "max_image_age_days",
                                                    "package_managers",
                                                    "setuid_files",
                                                    "secrets",
                                                    "db_max_age_days"};
  PORTCULLIS_TRY(r.keys(node, field, fields));
  Rule rule;
  rule.source = r.where(node);
  if (!node["name"]) return r.error(node, field, "name is required");
  PORTCULLIS_ASSIGN(rule.name, r.string(node["name"], field + ".name"));
  if (node["action"]) {
    static constexpr std::array<std::pair<std::string_view, Action>, 2> kActions = {
        {{"stop", Action::kStop}, {"warn", Action::kWarn}}};
    PORTCULLIS_ASSIGN(rule.action, r.one_of(node["action"], field + ".action", kActions));
  }
  if (node["description"]) {
    PORTCULLIS_ASSIGN(rule.description, r.string(node["description"], field + ".description"));
  }
  int kinds = 0;
  for (const auto& [name, kind] : kKinds) {
    const YAML::Node& value = node[std::string(name)];
    if (!value) continue;
    ++kinds;
    rule.kind = kind;
    std::string f = field + "." + std::string(name);
    switch (kind) {
      case Rule::Kind::kVulnerabilities:
        PORTCULLIS_TRY(parse_vulnerabilities(r, value, f, rule.vulnerabilities));
        break;
      case Rule::Kind::kVulnerabilityCheck:
        PORTCULLIS_TRY(parse_check(r, value, f, rule.vulnerability_check));
        break;
      case Rule::Kind::kRunsAsRoot:
      case Rule::Kind::kConfigSecrets: {
        auto b = r.boolean(value, f);
        if (!b) return b.error();
        if (!*b) return r.error(value, f, "false is not a rule; remove the rule instead");
        break;
      }
      case Rule::Kind::kRequiredLabels:
        PORTCULLIS_ASSIGN(rule.labels, r.strings(value, f));
        break;
      case Rule::Kind::kMaxImageAge:
      case Rule::Kind::kDbMaxAge:
        PORTCULLIS_ASSIGN(rule.days, r.integer(value, f));
        break;
      case Rule::Kind::kPackageManagers:
      case Rule::Kind::kSetuidFiles:
        PORTCULLIS_TRY(parse_allow(r, value, f, rule.allow));
        break;
      case Rule::Kind::kSecrets:
        if (value.IsMap()) {
          PORTCULLIS_TRY(r.keys(value, f, {"include_removed"}));
          if (value["include_removed"]) {
            PORTCULLIS_ASSIGN(rule.include_removed,
                              r.boolean(value["include_removed"], f + ".include_removed"));
          }
        } else {
          auto b = r.boolean(value, f);
          if (!b) return b.error();
        }
        break;
    }
  }
  if (kinds != 1) {
    return r.error(node, field,
                   kinds == 0 ? "a rule needs one kind (vulnerabilities, vulnerability_check, "
                                "runs_as_root, config_secrets, required_labels, "
                                "max_image_age_days, package_managers, setuid_files, secrets, "
                                "db_max_age_days)"
                              : "a rule has exactly one kind");
  }
  return rule;
}

bool is_date(const std::string& s) {
  return s.size() == 10 && s[4] == '-' && s[7] == '-' &&
         s.find_first_not_of("0123456789-") == std::string::npos;
}

}  // namespace

Result<Policy> parse_policy(std::string_view yaml, std::string_view file) {
  Reader r(file);
  YAML::Node loaded;
  try {
    loaded = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return make_error(ErrorCode::kInvalidArgument, "{}:{}: {}", file, e.mark.line + 1, e.msg);
  }
  const YAML::Node& root = loaded;  // const: lookups never add keys
  try {
    PORTCULLIS_TRY(r.keys(root, "", {"name", "version", "rules", "allowed_cves", "blocked_cves"}));
    Policy p;
    if (!root["name"]) return r.error(root, "name", "required");
    PORTCULLIS_ASSIGN(p.name, r.string(root["name"], "name"));
    if (root["version"]) PORTCULLIS_ASSIGN(p.version, r.string(root["version"], "version"));
    if (!root["rules"] || !root["rules"].IsSequence()) {
      return r.error(root, "rules", "a list of rules is required");
    }
    std::set<std::string> names;
    for (size_t i = 0; i < root["rules"].size(); ++i) {
      auto rule = parse_rule(r, root["rules"][i], fmt::format("rules[{}]", i));
      if (!rule) return rule.error();
      if (!names.insert(rule->name).second) {
        return r.error(root["rules"][i], fmt::format("rules[{}].name", i),
                       fmt::format("\"{}\" is used twice", rule->name));
      }
      p.rules.push_back(std::move(*rule));
    }
    if (const YAML::Node& list = root["allowed_cves"]) {
      if (!list.IsSequence()) return r.error(list, "allowed_cves", "expected a list");
      for (size_t i = 0; i < list.size(); ++i) {
        std::string f = fmt::format("allowed_cves[{}]", i);
        PORTCULLIS_TRY(r.keys(list[i], f, {"id", "justification", "expires"}));
        AllowedCve a;
        a.source = r.where(list[i]);
        for (const char* required : {"id", "justification", "expires"}) {
          if (!list[i][required]) return r.error(list[i], f + "." + required, "required");
        }
        PORTCULLIS_ASSIGN(a.id, r.string(list[i]["id"], f + ".id"));
        PORTCULLIS_ASSIGN(a.justification,
                          r.string(list[i]["justification"], f + ".justification"));
        PORTCULLIS_ASSIGN(a.expires, r.string(list[i]["expires"], f + ".expires"));
        if (!is_date(a.expires))
          return r.error(list[i]["expires"], f + ".expires", "expected YYYY-MM-DD");
        p.allowed_cves.push_back(std::move(a));
      }
    }
    if (root["blocked_cves"]) {
      PORTCULLIS_ASSIGN(p.blocked_cves, r.strings(root["blocked_cves"], "blocked_cves"));
    }
    return p;
  } catch (const YAML::Exception& e) {
    return make_error(ErrorCode::kInvalidArgument, "{}:{}: {}", file, e.mark.line + 1, e.msg);
  }
}

Result<Policy> load_policy(const std::string& path) {
  auto text = read_file(path);
  if (!text) return text.error();
  return parse_policy(*text, path);
}

Result<Policy> combine(const std::vector<Policy>& policies) {
  if (policies.size() == 1) return policies.front();
  Policy out;
  for (const auto& p : policies) {
    out.name += (out.name.empty() ? "" : "+") + p.name;
    for (const auto& rule : p.rules) {
      for (const auto& existing : out.rules) {
        if (existing.name == rule.name) {
          return make_error(ErrorCode::kInvalidArgument, "rule \"{}\" is defined at {} and at {}",
                            rule.name, existing.source, rule.source);
        }
      }
      out.rules.push_back(rule);
    }
    out.allowed_cves.insert(out.allowed_cves.end(), p.allowed_cves.begin(), p.allowed_cves.end());
    out.blocked_cves.insert(out.blocked_cves.end(), p.blocked_cves.begin(), p.blocked_cves.end());
  }
  return out;
}

std::optional<Severity> parse_severity(std::string_view name) {
  std::string upper;
  for (char c : name) upper += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  for (const auto& [n, s] : kSeverities) {
    if (n == upper) return s;
  }
  return std::nullopt;
}

std::string_view severity_name(Severity s) {
  for (const auto& [n, v] : kSeverities) {
    if (v == s && n != "MINIMAL") return n;
  }
  return "UNKNOWN";
}

std::string_view kind_name(Rule::Kind kind) {
  for (const auto& [n, k] : kKinds) {
    if (k == kind) return n;
  }
  return "?";
}

}  // namespace portcullis::policy
