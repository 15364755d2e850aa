// Findings in the report shapes `portcullis scan` writes: the CycloneDX 1.5 `vulnerabilities`
// section, a JSON list, and a table grouped by package.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "vuln/database.hpp"
#include "vuln/matcher.hpp"

namespace portcullis::vuln {

// One entry per vulnerability id, `affects` naming each package's bom-ref
// (cyclonedx.org/docs/1.5/json/#vulnerabilities).
nlohmann::json cyclonedx_vulnerabilities(const std::vector<Finding>& findings);

nlohmann::json findings_json(const std::vector<Finding>& findings, const DbMetadata& db);

std::string findings_table(const std::vector<Finding>& findings);

}  // namespace portcullis::vuln
