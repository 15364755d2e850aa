// Inputs that suppress findings besides the policy's allowed CVEs: OpenVEX documents
// (openvex.dev, spec v0.2.0) and ignore files (Trivy's .trivyignore format).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace portcullis::policy {

struct VexStatement {
  std::vector<std::string> vulnerabilities;  // name and aliases
  std::vector<std::string> products;         // product and subcomponent @ids (purls, images)
  std::string status;                        // not_affected, affected, fixed, under_investigation
  std::string justification;                 // or impact_statement
  std::string source;                        // FILE#statements[N]
};

// Errors name the file and the statement.
Result<std::vector<VexStatement>> parse_openvex(std::string_view json, std::string_view file);

struct IgnoreEntry {
  std::string id;
  std::string expires;  // YYYY-MM-DD, or empty for never
  std::string source;   // FILE:LINE
};

// One id per line, optionally followed by "exp:YYYY-MM-DD"; '#' starts a comment.
Result<std::vector<IgnoreEntry>> parse_ignore_file(std::string_view text, std::string_view file);

}  // namespace portcullis::policy
