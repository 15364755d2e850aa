// Version schemes: how each ecosystem orders its versions. A wrong comparison is a silent false
// negative, so each scheme is checked against the real implementation
// (tests/integration/vercmp_test.py).
#pragma once

#include <optional>
#include <string_view>

#include "base/result.hpp"

namespace portcullis::vuln {

enum class Scheme { kDpkg, kRpm, kApk, kNpm, kPep440, kMaven, kGo, kGem };

// "dpkg", "rpm", "apk", "npm" (node semver), "pep440", "maven", "go", "gem".
Result<Scheme> parse_scheme(std::string_view name);
std::string_view scheme_name(Scheme scheme);

// -1, 0 or 1. dpkg, rpm, apk, Maven and Go order any string, as their tools do; npm, PEP 440
// and RubyGems reject strings that are not versions of theirs: nullopt when a or b is one.
std::optional<int> compare(Scheme scheme, std::string_view a, std::string_view b);
// Whether the scheme's own tools accept the string as a version.
bool is_valid(Scheme scheme, std::string_view v);

int compare_dpkg(std::string_view a, std::string_view b);
// rpm EVR: [epoch:]version[-release], each part by rpmvercmp.
int compare_rpm(std::string_view a, std::string_view b);
// apk-tools' apk_version_compare: digits, letters, _suffixes, -rN revisions.
int compare_apk(std::string_view a, std::string_view b);
// Maven's ComparableVersion.
int compare_maven(std::string_view a, std::string_view b);
// golang.org/x/mod/semver Compare, the "v" prefix optional (OSV Go data has none). Invalid
// versions sort below valid ones and equal to each other, as there.
int compare_go(std::string_view a, std::string_view b);
bool is_valid_go(std::string_view v);
std::optional<int> compare_npm(std::string_view a, std::string_view b);
std::optional<int> compare_pep440(std::string_view a, std::string_view b);
std::optional<int> compare_gem(std::string_view a, std::string_view b);

}  // namespace portcullis::vuln
