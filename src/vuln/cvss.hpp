// CVSS v3.0/v3.1 base scores from vector strings (FIRST's specification, section 7.1), and the
// qualitative rating every report uses.
#pragma once

#include <string>
#include <string_view>

#include "base/result.hpp"

namespace portcullis::vuln {

// "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" → 9.8. The error names the bad metric.
Result<double> cvss3_base_score(std::string_view vector);

// CVSS v3 qualitative severity: NONE (0), LOW, MEDIUM, HIGH, CRITICAL (>= 9.0).
std::string cvss3_rating(double score);

}  // namespace portcullis::vuln
