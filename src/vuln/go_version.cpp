// Go module version ordering, as golang.org/x/mod/semver: "vMAJOR[.MINOR[.PATCH[-pre][+build]]]"
// (the short forms only without pre-release or build), numbers without leading zeros compared
// at any size, pre-release identifiers as in SemVer 2.0, build metadata ignored. Pseudo-versions
// (v0.0.0-20191109021931-daa7c04131f5) are pre-releases and sort by their timestamp; a
// "+incompatible" suffix is build metadata. OSV's Go data leaves out the "v"; it is optional here.
#include <string>

#include "vuln/decimal.hpp"
#include "vuln/version.hpp"

namespace portcullis::vuln {
namespace {

struct Parsed {
  std::string_view major, minor, patch, prerelease;
};

bool parse_int(std::string_view& v, std::string_view& out) {
  size_t i = 0;
  while (i < v.size() && is_digit(v[i])) ++i;
  if (i == 0 || (v[0] == '0' && i != 1)) return false;
  out = v.substr(0, i);
  v.remove_prefix(i);
  return true;
}

bool is_ident_char(char c) { return is_alnum(c) || c == '-'; }

bool is_bad_num(std::string_view v) {
  size_t i = 0;
  while (i < v.size() && is_digit(v[i])) ++i;
  return i == v.size() && i > 1 && v[0] == '0';
}

// Dot-separated non-empty identifiers after a '-' or '+'; pre-release numbers without leading
// zeros.
bool parse_idents(std::string_view& v, char stop, bool check_numbers, std::string_view& out) {
  size_t i = 1;
  size_t start = 1;
  while (i < v.size() && v[i] != stop) {
    if (!is_ident_char(v[i]) && v[i] != '.') return false;
    if (v[i] == '.') {
      if (start == i || (check_numbers && is_bad_num(v.substr(start, i - start)))) return false;
      start = i + 1;
    }
    ++i;
  }
  if (start == i || (check_numbers && is_bad_num(v.substr(start, i - start)))) return false;
  out = v.substr(0, i);
  v.remove_prefix(i);
  return true;
}

// x/mod/semver requires the "v"; OSV's Go ranges leave it out, so it is optional here (which
// orders "1.2.3" exactly as x/mod orders "v1.2.3").
bool parse(std::string_view v, Parsed& p) {
  if (!v.empty() && v[0] == 'v') v.remove_prefix(1);
  if (!parse_int(v, p.major)) return false;
  if (v.empty()) {
    p.minor = p.patch = "0";
    return true;
  }
  if (v[0] != '.') return false;
  v.remove_prefix(1);
  if (!parse_int(v, p.minor)) return false;
  if (v.empty()) {
    p.patch = "0";
    return true;
  }
  if (v[0] != '.') return false;
  v.remove_prefix(1);
  if (!parse_int(v, p.patch)) return false;
  if (!v.empty() && v[0] == '-' && !parse_idents(v, '+', true, p.prerelease)) return false;
  std::string_view build;
  if (!v.empty() && v[0] == '+' && !parse_idents(v, '\0', false, build)) return false;
  return v.empty();
}

std::string_view next_ident(std::string_view& x) {
  size_t i = 0;
  while (i < x.size() && x[i] != '.') ++i;
  std::string_view out = x.substr(0, i);
  x.remove_prefix(i);
  return out;
}

int compare_prerelease(std::string_view x, std::string_view y) {
  if (x == y) return 0;
  if (x.empty()) return 1;
  if (y.empty()) return -1;
  while (!x.empty() && !y.empty()) {
    x.remove_prefix(1);  // the '-' or '.'
    y.remove_prefix(1);
    std::string_view dx = next_ident(x);
    std::string_view dy = next_ident(y);
    if (dx != dy) {
      bool ix = all_digits(dx);
      bool iy = all_digits(dy);
      if (ix != iy) return ix ? -1 : 1;
      if (ix && dx.size() != dy.size()) return dx.size() < dy.size() ? -1 : 1;
      return dx < dy ? -1 : 1;
    }
  }
  return x.empty() ? -1 : 1;
}

}  // namespace

bool is_valid_go(std::string_view v) {
  Parsed p;
  return parse(v, p);
}

int compare_go(std::string_view a, std::string_view b) {
  Parsed x;
  Parsed y;
  bool okx = parse(a, x);
  bool oky = parse(b, y);
  if (!okx && !oky) return 0;
  if (!okx) return -1;
  if (!oky) return 1;
  if (int c = compare_decimal(x.major, y.major); c != 0) return c;
  if (int c = compare_decimal(x.minor, y.minor); c != 0) return c;
  if (int c = compare_decimal(x.patch, y.patch); c != 0) return c;
  return compare_prerelease(x.prerelease, y.prerelease);
}

}  // namespace portcullis::vuln
