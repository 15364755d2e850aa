// SARIF 2.1.0 output (OASIS SARIF v2.1.0, the schema in tests/schema validates it).
#include <set>

#include "base/json_text.hpp"
#include "policy/report.hpp"

namespace portcullis::policy {
namespace {

using nlohmann::json;

std::string level_of(Severity s) {
  if (s >= Severity::kHigh) return "error";
  if (s == Severity::kMedium) return "warning";
  return "note";
}

// GitHub code scanning reads security-severity (a CVSS-like number) to rank results.
std::string security_severity(const vuln::Finding& f) {
  if (f.cvss_score >= 0) return fmt::format("{:.1f}", f.cvss_score);
  switch (severity_of(f)) {
    case Severity::kCritical:
      return "9.5";
    case Severity::kHigh:
      return "8.0";
    case Severity::kMedium:
      return "5.5";
    case Severity::kLow:
      return "2.0";
    default:
      return "0.0";
  }
}

json location(const std::string& uri, int line) {
  json physical = {{"artifactLocation", {{"uri", uri.empty() ? "image" : uri}}}};
  if (line > 0) physical["region"] = {{"startLine", line}};
  return json::array({{{"physicalLocation", physical}}});
}

}  // namespace

std::string verdict_sarif(const Verdict& v, const analyze::Inventory& inventory,
                          const std::string& image) {
  json rules = json::array();
  json results = json::array();
  std::set<std::string> declared;
  auto declare = [&](const std::string& id, const std::string& text, json properties) {
    if (!declared.insert(id).second) return;
    rules.push_back({{"id", id},
                     {"name", id},
                     {"shortDescription", {{"text", text.empty() ? id : text}}},
                     {"properties", std::move(properties)}});
  };
  for (const auto& f : v.findings) {
    declare(
        f.id, f.summary,
        {{"security-severity", security_severity(f)}, {"tags", json::array({"vulnerability"})}});
    std::string fix = f.fixed_versions.empty()
                          ? "no fix available"
                          : fmt::format("fixed in {}", fmt::join(f.fixed_versions, ", "));
    results.push_back(
        {{"ruleId", f.id},
         {"level", level_of(severity_of(f))},
         {"message",
          {{"text", fmt::format("{} {} ({}) is affected by {} [{}]: {}", f.package_name,
                                f.installed_version, f.purl, f.id, f.severity, fix)}}},
         {"locations", location(f.bom_ref.substr(f.bom_ref.find('#') + 1), 0)}});
  }
  for (const auto& s : inventory.secrets) {
    std::string id = "secret/" + s.rule;
    declare(id, "Secret: " + s.rule,
            {{"security-severity", "9.0"}, {"tags", json::array({"secret"})}});
    std::string where =
        s.location == "file"
            ? (s.in_final_fs ? "" : " (deleted by a later layer, still in the image)")
            : " (image config)";
    results.push_back({{"ruleId", id},
                       {"level", "error"},
                       {"message", {{"text", fmt::format("{} {}{}", s.rule, s.masked, where)}}},
                       {"locations", location(s.path, s.line)}});
  }
  for (const auto& r : v.rules) {
    if (r.passed) continue;
    std::string id = "policy/" + r.name;
    declare(id, r.description, {{"tags", json::array({"policy"})}});
    results.push_back(
        {{"ruleId", id},
         {"level", r.action == Action::kStop ? "error" : "warning"},
         {"message", {{"text", fmt::format("{}: {}", r.name, fmt::join(r.reasons, "; "))}}},
         {"locations", location(image, 0)}});
  }
  json doc = {
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs", json::array({{{"tool",
                              {{"driver",
                                {{"name", "portcullis"},
                                 {"version", "0.1.0"},
                                 {"informationUri", "https://github.com/portcullis/portcullis"},
                                 {"rules", rules}}}}},
                             {"results", results},
                             {"properties",
                              {{"image", image}, {"policy", v.policy}, {"passed", v.passed}}}}})}};
  return to_json_text(doc, 2) + "\n";
}

}  // namespace portcullis::policy
