// Reports of a verdict: the terminal table, JSON, SARIF 2.1.0 and JUnit XML.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "policy/evaluate.hpp"

namespace portcullis::policy {

// Vulnerabilities grouped by package with fix versions, suppressed findings and why, then the
// verdict rule by rule. ANSI colors only when `color` (a terminal).
std::string verdict_table(const Verdict& verdict, bool color);

nlohmann::json verdict_json(const Verdict& verdict, const analyze::Inventory& inventory,
                            const std::optional<vuln::DbMetadata>& db);

// SARIF 2.1.0 (docs.oasis-open.org/sarif): one result per finding, per secret and per failed
// rule, located at the file in the image where there is one.
std::string verdict_sarif(const Verdict& verdict, const analyze::Inventory& inventory,
                          const std::string& image);

// JUnit XML as GitLab and Jenkins read it: one test case per rule; a failed stop rule is a
// <failure>, a failed warn rule passes with its reasons in <system-out>.
std::string verdict_junit(const Verdict& verdict, const std::string& image);

}  // namespace portcullis::policy
