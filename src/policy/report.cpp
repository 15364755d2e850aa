// The verdict as a table and as JSON.
#include "policy/report.hpp"

#include "vuln/report.hpp"

namespace portcullis::policy {
namespace {

std::string paint(bool color, const char* code, const std::string& text) {
  return color ? fmt::format("\033[{}m{}\033[0m", code, text) : text;
}

}  // namespace

std::string verdict_table(const Verdict& v, bool color) {
  std::string out = vuln::findings_table(v.findings);
  if (!v.suppressed.empty()) {
    out += fmt::format("\nsuppressed ({}):\n", v.suppressed.size());
    for (const auto& s : v.suppressed) {
      out += fmt::format("  {} in {} {}: {}\n", s.finding.id, s.finding.package_name,
                         s.finding.installed_version, s.reason);
    }
  }
  out += fmt::format("\npolicy {}:\n", v.policy);
  for (const auto& r : v.rules) {
    std::string status = r.passed ? paint(color, "32", "pass")
                                  : (r.action == Action::kStop ? paint(color, "1;31", "FAIL")
                                                               : paint(color, "33", "warn"));
    out += fmt::format("  {:<4}  {}{}\n", status, r.name,
                       r.description.empty() ? "" : " — " + r.description);
    for (const auto& reason : r.reasons) out += "          " + reason + "\n";
  }
  int failed = 0;
  for (const auto& r : v.rules) failed += (!r.passed && r.action == Action::kStop) ? 1 : 0;
  out += "\n";
  out += v.passed ? paint(color, "1;32", "PASSED")
                  : paint(color, "1;31", fmt::format("FAILED: {} stop rule(s) failed", failed));
  if (v.warnings > 0) out += fmt::format(" ({} warning rule(s))", v.warnings);
  out += "\n";
  return out;
}

nlohmann::json verdict_json(const Verdict& v, const analyze::Inventory& inventory,
                            const std::optional<vuln::DbMetadata>& db) {
  using nlohmann::json;
  json doc = db ? vuln::findings_json(v.findings, *db)
                : vuln::findings_json(v.findings, vuln::DbMetadata{});
  json suppressed = json::array();
  for (const auto& s : v.suppressed) {
    suppressed.push_back({{"id", s.finding.id},
                          {"package", s.finding.package_name},
                          {"installed_version", s.finding.installed_version},
                          {"reason", s.reason}});
  }
  doc["suppressed"] = suppressed;
  json secrets = json::array();
  for (const auto& s : inventory.secrets) {
    json item = {{"rule", s.rule}, {"location", s.location}, {"path", s.path}, {"value", s.masked}};
    if (s.location == "file") {
      item["line"] = s.line;
      item["layer"] = s.layer_diff_id;
      item["in_final_fs"] = s.in_final_fs;
      if (!s.in_final_fs) item["removed_by_layer"] = s.removed_by_layer;
    }
    secrets.push_back(std::move(item));
  }
  doc["secrets"] = secrets;
  json rules = json::array();
  for (const auto& r : v.rules) {
    rules.push_back({{"name", r.name},
                     {"kind", r.kind},
                     {"action", r.action == Action::kStop ? "stop" : "warn"},
                     {"passed", r.passed},
                     {"reasons", r.reasons}});
  }
  doc["verdict"] = {{"policy", v.policy}, {"passed", v.passed}, {"rules", rules}};
  return doc;
}

}  // namespace portcullis::policy
