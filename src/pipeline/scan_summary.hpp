// A scan's verdict and summary from an inventory: matched against the DB, evaluated with a
// named scan policy ("default" or empty: the configured "default" file, else the built-in
// policy). Used on push, on re-match after a DB update, and by promotion conditions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "analyze/inventory.hpp"
#include "pipeline/config.hpp"
#include "vuln/database.hpp"

namespace portcullis::pipeline {

// The artifactType of the report referrer (the `scan --format json` document).
inline constexpr std::string_view kScanReportType =
    "application/vnd.portcullis.scan.report.v1+json";

struct ScanEvaluation {
  bool passed = false;
  // {policy, verdict, packages, os, vulnerabilities{SEV: n}, fixable{SEV: n}, failed_rules, db}
  nlohmann::json summary;
  nlohmann::json report;  // findings and verdict
  std::string reason;     // the failed stop rules, one line
};

Result<ScanEvaluation> evaluate_scan(const analyze::Inventory& inventory, vuln::Database& db,
                                     const ScanningConfig& scanning,
                                     const std::string& policy_name);

}  // namespace portcullis::pipeline
