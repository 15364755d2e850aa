// Version schemes: how each ecosystem orders its versions. A wrong comparison is a silent false
// negative, so each scheme is checked against the real implementation (tests/integration/
// vercmp_test.py: dpkg --compare-versions, rpm's rpm.vercmp).
#pragma once

#include <string_view>

#include "base/result.hpp"

namespace portcullis::vuln {

enum class Scheme { kDpkg, kRpm };

Result<Scheme> parse_scheme(std::string_view name);

// -1, 0 or 1.
int compare_dpkg(std::string_view a, std::string_view b);
// rpm EVR: [epoch:]version[-release], each part by rpmvercmp.
int compare_rpm(std::string_view a, std::string_view b);
int compare(Scheme scheme, std::string_view a, std::string_view b);

}  // namespace portcullis::vuln
