// Scan results as attestation predicates.
#include "policy/predicates.hpp"

#include "vuln/report.hpp"

namespace portcullis::policy {
namespace {

nlohmann::json db_json(const std::optional<vuln::DbMetadata>& db) {
  if (!db) return nullptr;
  nlohmann::json sources = nlohmann::json::array();
  for (const auto& s : db->sources) {
    sources.push_back({{"name", s.name}, {"snapshot", s.snapshot}, {"advisories", s.advisories}});
  }
  return {{"schemaVersion", db->schema_version}, {"builtAt", db->built_at}, {"sources", sources}};
}

}  // namespace

nlohmann::json verdict_predicate(const Policy& policy, const Verdict& verdict,
                                 const std::optional<vuln::DbMetadata>& db,
                                 const ScanTimes& times) {
  nlohmann::json rules = nlohmann::json::array();
  for (const auto& r : verdict.rules) {
    rules.push_back({{"name", r.name},
                     {"kind", r.kind},
                     {"action", r.action == Action::kStop ? "stop" : "warn"},
                     {"passed", r.passed},
                     {"reasons", r.reasons}});
  }
  return {{"policy", {{"name", policy.name}, {"version", policy.version}}},
          {"result", verdict.passed ? "PASSED" : "FAILED"},
          {"rules", rules},
          {"findings", verdict.findings.size()},
          {"suppressed", verdict.suppressed.size()},
          {"db", db_json(db)},
          {"evaluatedOn", times.finished}};
}

nlohmann::json vuln_predicate(const Verdict& verdict, const std::optional<vuln::DbMetadata>& db,
                              const std::string& scanner_version, const ScanTimes& times) {
  auto result = vuln::findings_json(verdict.findings, db ? *db : vuln::DbMetadata{});
  return {
      {"invocation", {{"parameters", nullptr}, {"uri", ""}, {"event_id", ""}, {"builder.id", ""}}},
      {"scanner",
       {{"uri", "pkg:generic/portcullis@" + scanner_version},
        {"version", scanner_version},
        {"db", {{"uri", ""}, {"version", db ? db->built_at : ""}}},
        {"result", result}}},
      {"metadata", {{"scanStartedOn", times.started}, {"scanFinishedOn", times.finished}}}};
}

}  // namespace portcullis::policy
