// npm version ordering, as node's `semver` package compares in strict mode: optional "v",
// MAJOR.MINOR.PATCH without leading zeros, dot-separated pre-release identifiers (numeric ones
// compared as numbers and below alphanumeric ones), build metadata ignored. Surrounding
// whitespace is trimmed; anything else is not a version.
#include <cstdint>
#include <vector>

#include "vuln/decimal.hpp"
#include "vuln/version.hpp"

namespace portcullis::vuln {
namespace {

constexpr size_t kMaxLength = 256;                      // semver's MAX_LENGTH
constexpr uint64_t kMaxSafeInteger = 9007199254740991;  // Number.MAX_SAFE_INTEGER

struct SemVer {
  uint64_t major = 0, minor = 0, patch = 0;
  std::vector<std::string_view> prerelease;
};

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool is_ident_char(char c) { return is_alnum(c) || c == '-'; }

bool parse_number(std::string_view& v, uint64_t& out) {
  size_t i = 0;
  while (i < v.size() && is_digit(v[i])) ++i;
  if (i == 0 || (v[0] == '0' && i > 1) || i > 16) return false;
  out = 0;
  for (size_t k = 0; k < i; ++k) out = out * 10 + static_cast<uint64_t>(v[k] - '0');
  if (out > kMaxSafeInteger) return false;
  v.remove_prefix(i);
  return true;
}

// Identifiers up to the next '+' (pre-release) or the end (build).
bool parse_identifiers(std::string_view& v, bool prerelease, std::vector<std::string_view>* out) {
  size_t end = prerelease ? v.find('+') : std::string_view::npos;
  std::string_view part = v.substr(0, end);
  v.remove_prefix(part.size());
  while (true) {
    size_t dot = part.find('.');
    std::string_view id = part.substr(0, dot);
    if (id.empty()) return false;
    for (char c : id) {
      if (!is_ident_char(c)) return false;
    }
    if (prerelease && all_digits(id) && id.size() > 1 && id[0] == '0') return false;
    if (out != nullptr) out->push_back(id);
    if (dot == std::string_view::npos) return true;
    part.remove_prefix(dot + 1);
  }
}

bool parse(std::string_view v, SemVer& out) {
  if (v.size() > kMaxLength) return false;
  while (!v.empty() && is_space(v.front())) v.remove_prefix(1);
  while (!v.empty() && is_space(v.back())) v.remove_suffix(1);
  if (!v.empty() && v[0] == 'v') v.remove_prefix(1);
  if (!parse_number(v, out.major) || v.empty() || v[0] != '.') return false;
  v.remove_prefix(1);
  if (!parse_number(v, out.minor) || v.empty() || v[0] != '.') return false;
  v.remove_prefix(1);
  if (!parse_number(v, out.patch)) return false;
  if (!v.empty() && v[0] == '-') {
    v.remove_prefix(1);
    if (!parse_identifiers(v, true, &out.prerelease)) return false;
  }
  if (!v.empty() && v[0] == '+') {
    v.remove_prefix(1);
    if (!parse_identifiers(v, false, nullptr)) return false;
  }
  return v.empty();
}

int compare_number(uint64_t a, uint64_t b) { return a < b ? -1 : (a > b ? 1 : 0); }

int compare_identifiers(std::string_view a, std::string_view b) {
  bool an = all_digits(a);
  bool bn = all_digits(b);
  if (an && bn) return compare_decimal(a, b);
  if (an != bn) return an ? -1 : 1;
  return sign_of(a.compare(b));
}

}  // namespace

std::optional<int> compare_npm(std::string_view a, std::string_view b) {
  SemVer x;
  SemVer y;
  if (!parse(a, x) || !parse(b, y)) return std::nullopt;
  if (int c = compare_number(x.major, y.major); c != 0) return c;
  if (int c = compare_number(x.minor, y.minor); c != 0) return c;
  if (int c = compare_number(x.patch, y.patch); c != 0) return c;
  // A release is newer than any of its pre-releases.
  if (x.prerelease.empty() || y.prerelease.empty()) {
    if (x.prerelease.empty() && y.prerelease.empty()) return 0;
    return x.prerelease.empty() ? 1 : -1;
  }
  for (size_t i = 0;; ++i) {
    if (i == x.prerelease.size() && i == y.prerelease.size()) return 0;
    if (i == x.prerelease.size()) return -1;
    if (i == y.prerelease.size()) return 1;
    if (int c = compare_identifiers(x.prerelease[i], y.prerelease[i]); c != 0) return c;
  }
}

}  // namespace portcullis::vuln
