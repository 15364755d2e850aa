// Report shapes for findings.
#include "vuln/report.hpp"

#include <fmt/format.h>

#include <map>

#include "vuln/cvss.hpp"

namespace portcullis::vuln {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return s;
}

std::string fixes(const Finding& f) {
  return f.fixed_versions.empty() ? "no fix" : fmt::format("{}", fmt::join(f.fixed_versions, ", "));
}

// CycloneDX rating severities: critical, high, medium, low, info, none, unknown.
std::string cyclonedx_severity(const std::string& s) {
  if (s == "NEGLIGIBLE") return "info";
  if (s.empty() || s == "UNKNOWN") return "unknown";
  return lower(s);
}

}  // namespace

nlohmann::json cyclonedx_vulnerabilities(const std::vector<Finding>& findings) {
  using nlohmann::json;
  std::map<std::string, json> by_id;
  for (const auto& f : findings) {
    auto [it, fresh] = by_id.try_emplace(f.id);
    json& v = it->second;
    if (fresh) {
      v = {{"bom-ref", "vuln:" + f.id}, {"id", f.id}, {"source", {{"name", f.sources.front()}}}};
      json references = json::array();
      for (const auto& alias : f.aliases) {
        references.push_back(
            {{"id", alias},
             {"source", {{"name", alias.starts_with("CVE-") ? "NVD" : f.sources.front()}}}});
      }
      if (!references.empty()) v["references"] = references;
      json ratings = json::array();
      if (f.cvss_score >= 0) {
        ratings.push_back({{"score", f.cvss_score},
                           {"severity", cyclonedx_severity(cvss3_rating(f.cvss_score))},
                           {"method", f.cvss_vector.starts_with("CVSS:3.0") ? "CVSSv3" : "CVSSv31"},
                           {"vector", f.cvss_vector}});
      }
      if (f.severity_source != "cvss") {
        // The distribution's or the advisory's own rating, which the finding's severity uses.
        ratings.push_back({{"severity", cyclonedx_severity(f.severity)}, {"method", "other"}});
        if (!f.severity_source.empty()) {
          ratings.back()["source"] = {{"name", f.severity_source}};
        }
      }
      v["ratings"] = ratings;
      if (!f.summary.empty()) v["description"] = f.summary;
      if (!f.fixed_versions.empty()) v["recommendation"] = "Upgrade to " + fixes(f);
      v["affects"] = json::array();
      v["properties"] = json::array({{{"name", "portcullis:known_exploited"},
                                      {"value", f.known_exploited ? "true" : "false"}},
                                     {{"name", "portcullis:sources"},
                                      {"value", fmt::format("{}", fmt::join(f.sources, ","))}}});
    }
    v["affects"].push_back(
        {{"ref", f.bom_ref},
         {"versions", json::array({{{"version", f.installed_version}, {"status", "affected"}}})}});
    v["properties"].push_back(
        {{"name", "portcullis:fixed_versions:" + f.bom_ref}, {"value", fixes(f)}});
  }
  json out = json::array();
  for (auto& [id, v] : by_id) out.push_back(std::move(v));
  return out;
}

nlohmann::json findings_json(const std::vector<Finding>& findings, const DbMetadata& db) {
  using nlohmann::json;
  json list = json::array();
  for (const auto& f : findings) {
    json item = {
        {"id", f.id},
        {"aliases", f.aliases},
        {"package", {{"name", f.package_name}, {"type", f.package_type}, {"purl", f.purl}}},
        {"installed_version", f.installed_version},
        {"ecosystem", f.ecosystem},
        {"fixed_versions", f.fixed_versions},
        {"severity", f.severity},
        {"severity_source", f.severity_source},
        {"known_exploited", f.known_exploited},
        {"sources", f.sources},
        {"published", f.published},
        {"summary", f.summary}};
    if (f.cvss_score >= 0) {
      item["cvss"] = {{"score", f.cvss_score}, {"vector", f.cvss_vector}};
    }
    list.push_back(std::move(item));
  }
  json sources = json::array();
  for (const auto& s : db.sources) {
    sources.push_back({{"name", s.name}, {"snapshot", s.snapshot}});
  }
  return {{"db", {{"built_at", db.built_at}, {"sources", sources}}}, {"findings", list}};
}

std::string findings_table(const std::vector<Finding>& findings) {
  std::string out;
  std::string current;
  for (const auto& f : findings) {
    std::string package =
        fmt::format("{} {} ({})", f.package_name, f.installed_version, f.package_type);
    if (package != current) {
      out += package + "\n";
      current = package;
    }
    std::string score = f.cvss_score >= 0 ? fmt::format(" {:.1f}", f.cvss_score) : "";
    out += fmt::format("  {:<22} {:<10}{:<5} fixed in: {}{}\n", f.id, f.severity, score, fixes(f),
                       f.known_exploited ? "  [known exploited]" : "");
  }
  if (findings.empty()) out += "no vulnerabilities found\n";
  return out;
}

}  // namespace portcullis::vuln
