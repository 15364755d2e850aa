// RubyGems version ordering, as Gem::Version#<=>: the string (whitespace-trimmed, '-' read as
// ".pre.") is split into numeric and alphabetic segments; trailing zeros are dropped from the
// numeric part and from the pre-release part; a string segment sorts below a number (so
// "1.0.a" < "1.0"). Strings outside Gem::Version's pattern are not versions.
#include <string>
#include <vector>

#include "vuln/decimal.hpp"
#include "vuln/version.hpp"

namespace portcullis::vuln {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool is_ident(char c) { return is_alnum(c) || c == '-'; }

// Gem::Version::ANCHORED_VERSION_PATTERN:
// /\A\s*([0-9]+(?>\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?)?\s*\z/
bool matches_pattern(std::string_view v) {
  size_t i = 0;
  if (v.empty()) return true;
  if (!is_digit(v[0])) return false;
  while (i < v.size() && is_digit(v[i])) ++i;
  while (i + 1 < v.size() && v[i] == '.' && is_alnum(v[i + 1])) {
    ++i;
    while (i < v.size() && is_alnum(v[i])) ++i;
  }
  if (i < v.size() && v[i] == '-') {
    ++i;
    size_t start = i;
    while (i < v.size() && is_ident(v[i])) ++i;
    if (i == start) return false;
    while (i + 1 < v.size() && v[i] == '.' && is_ident(v[i + 1])) {
      ++i;
      while (i < v.size() && is_ident(v[i])) ++i;
    }
  }
  return i == v.size();
}

struct Segment {
  bool numeric;
  std::string_view text;
};

bool is_zero(const Segment& s) { return s.numeric && strip_leading_zeros(s.text) == "0"; }

std::optional<std::vector<Segment>> canonical_segments(std::string_view v, std::string& storage) {
  while (!v.empty() && is_space(v.front())) v.remove_prefix(1);
  while (!v.empty() && is_space(v.back())) v.remove_suffix(1);
  if (!matches_pattern(v)) return std::nullopt;
  if (v.empty()) v = "0";
  storage.clear();
  for (char c : v) {
    if (c == '-') {
      storage += ".pre.";
    } else {
      storage += c;
    }
  }
  std::vector<Segment> all;
  std::string_view s = storage;
  for (size_t i = 0; i < s.size();) {
    size_t start = i;
    if (is_digit(s[i])) {
      while (i < s.size() && is_digit(s[i])) ++i;
      all.push_back({true, s.substr(start, i - start)});
    } else if (is_alpha(s[i])) {
      while (i < s.size() && is_alpha(s[i])) ++i;
      all.push_back({false, s.substr(start, i - start)});
    } else {
      ++i;
    }
  }
  // Numeric part up to the first string segment, then the rest; each loses trailing zeros.
  size_t split = 0;
  while (split < all.size() && all[split].numeric) ++split;
  std::vector<Segment> out(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(split));
  while (!out.empty() && is_zero(out.back())) out.pop_back();
  size_t rest_end = all.size();
  while (rest_end > split && is_zero(all[rest_end - 1])) --rest_end;
  out.insert(out.end(), all.begin() + static_cast<std::ptrdiff_t>(split),
             all.begin() + static_cast<std::ptrdiff_t>(rest_end));
  return out;
}

}  // namespace

std::optional<int> compare_gem(std::string_view a, std::string_view b) {
  std::string sa;
  std::string sb;
  auto x = canonical_segments(a, sa);
  auto y = canonical_segments(b, sb);
  if (!x || !y) return std::nullopt;
  static const Segment kZero{true, "0"};
  size_t n = std::max(x->size(), y->size());
  for (size_t i = 0; i < n; ++i) {
    const Segment& l = i < x->size() ? (*x)[i] : kZero;
    const Segment& r = i < y->size() ? (*y)[i] : kZero;
    if (l.numeric && r.numeric) {
      if (int c = compare_decimal(l.text, r.text); c != 0) return c;
      continue;
    }
    if (l.numeric != r.numeric) return l.numeric ? 1 : -1;
    if (int c = sign_of(l.text.compare(r.text)); c != 0) return c;
  }
  return 0;
}

}  // namespace portcullis::vuln
