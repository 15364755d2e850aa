// The scheme names used on the command line, in feeds and in the DB, and dispatch to each
// scheme's ordering.
#include <array>
#include <utility>

#include "vuln/version.hpp"

namespace portcullis::vuln {
namespace {

constexpr std::array<std::pair<std::string_view, Scheme>, 8> kNames = {{
    {"dpkg", Scheme::kDpkg},
    {"rpm", Scheme::kRpm},
    {"apk", Scheme::kApk},
    {"npm", Scheme::kNpm},
    {"pep440", Scheme::kPep440},
    {"maven", Scheme::kMaven},
    {"go", Scheme::kGo},
    {"gem", Scheme::kGem},
}};

}  // namespace

Result<Scheme> parse_scheme(std::string_view name) {
  for (const auto& [n, s] : kNames) {
    if (n == name) return s;
  }
  return make_error(ErrorCode::kInvalidArgument,
                    "version scheme \"{}\" is not one of dpkg, rpm, apk, npm, pep440, maven, go, "
                    "gem",
                    name);
}

std::string_view scheme_name(Scheme scheme) {
  for (const auto& [n, s] : kNames) {
    if (s == scheme) return n;
  }
  return "?";
}

std::optional<int> compare(Scheme scheme, std::string_view a, std::string_view b) {
  switch (scheme) {
    case Scheme::kDpkg:
      return compare_dpkg(a, b);
    case Scheme::kRpm:
      return compare_rpm(a, b);
    case Scheme::kApk:
      return compare_apk(a, b);
    case Scheme::kMaven:
      return compare_maven(a, b);
    case Scheme::kGo:
      return compare_go(a, b);
    case Scheme::kNpm:
      return compare_npm(a, b);
    case Scheme::kPep440:
      return compare_pep440(a, b);
    case Scheme::kGem:
      return compare_gem(a, b);
  }
  return std::nullopt;
}

bool is_valid(Scheme scheme, std::string_view v) {
  switch (scheme) {
    case Scheme::kNpm:
    case Scheme::kPep440:
    case Scheme::kGem:
      return compare(scheme, v, v).has_value();
    case Scheme::kGo:
      return is_valid_go(v);
    default:
      return !v.empty();
  }
}

}  // namespace portcullis::vuln
