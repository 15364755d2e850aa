// rpm version ordering: rpmvercmp (rpm's lib/rpmvercmp.c semantics: alphanumeric segments,
// numeric beats alphabetic, '~' sorts before everything, '^' after the end only) over epoch,
// version and release.
#include <cctype>

#include "vuln/version.hpp"

namespace portcullis::vuln {
namespace {

bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }

int rpmvercmp(std::string_view a, std::string_view b) {
  if (a == b) return 0;
  size_t i = 0;
  size_t j = 0;
  auto at = [](std::string_view s, size_t k) { return k < s.size() ? s[k] : '\0'; };
  while (i < a.size() || j < b.size()) {
    while (i < a.size() && !is_alnum(a[i]) && a[i] != '~' && a[i] != '^') ++i;
    while (j < b.size() && !is_alnum(b[j]) && b[j] != '~' && b[j] != '^') ++j;
    if (at(a, i) == '~' || at(b, j) == '~') {
      if (at(a, i) != '~') return 1;
      if (at(b, j) != '~') return -1;
      ++i;
      ++j;
      continue;
    }
    if (at(a, i) == '^' || at(b, j) == '^') {
      if (i >= a.size()) return -1;
      if (j >= b.size()) return 1;
      if (at(a, i) != '^') return 1;
      if (at(b, j) != '^') return -1;
      ++i;
      ++j;
      continue;
    }
    if (i >= a.size() || j >= b.size()) break;
    size_t si = i;
    size_t sj = j;
    bool numeric = is_digit(a[i]);
    if (numeric) {
      while (si < a.size() && is_digit(a[si])) ++si;
      while (sj < b.size() && is_digit(b[sj])) ++sj;
    } else {
      while (si < a.size() && is_alpha(a[si])) ++si;
      while (sj < b.size() && is_alpha(b[sj])) ++sj;
    }
    if (sj == j) return numeric ? 1 : -1;  // different segment types: numeric is newer
    std::string_view x = a.substr(i, si - i);
    std::string_view y = b.substr(j, sj - j);
    if (numeric) {
      while (!x.empty() && x.front() == '0') x.remove_prefix(1);
      while (!y.empty() && y.front() == '0') y.remove_prefix(1);
      if (x.size() != y.size()) return x.size() > y.size() ? 1 : -1;
    }
    if (int c = x.compare(y); c != 0) return c < 0 ? -1 : 1;
    i = si;
    j = sj;
  }
  if (i >= a.size() && j >= b.size()) return 0;
  return i < a.size() ? 1 : -1;
}

struct Evr {
  std::string_view epoch;
  std::string_view version;
  std::string_view release;
};

Evr parse(std::string_view v) {
  Evr out;
  auto colon = v.find(':');
  if (colon != std::string_view::npos && colon > 0 &&
      v.substr(0, colon).find_first_not_of("0123456789") == std::string_view::npos) {
    out.epoch = v.substr(0, colon);
    v.remove_prefix(colon + 1);
  }
  auto dash = v.rfind('-');
  if (dash != std::string_view::npos) {
    out.release = v.substr(dash + 1);
    v = v.substr(0, dash);
  }
  out.version = v;
  return out;
}

}  // namespace

int compare_rpm(std::string_view a, std::string_view b) {
  Evr x = parse(a);
  Evr y = parse(b);
  // A missing epoch is 0.
  if (int r = rpmvercmp(x.epoch.empty() ? "0" : x.epoch, y.epoch.empty() ? "0" : y.epoch); r != 0)
    return r;
  if (int r = rpmvercmp(x.version, y.version); r != 0) return r;
  // A missing release sorts before any release (rpm.vercmp("1.0", "1.0-1") is -1).
  return rpmvercmp(x.release, y.release);
}

}  // namespace portcullis::vuln
