// Alpine version ordering, as apk-tools' version.c compares: numeric components (a leading zero
// makes a component sort as a decimal fraction), one trailing letter, `_suffix[N]` where alpha,
// beta, pre and rc sort before the release and cvs, svn, git, hg and p after it, then `-rN`.
// A string that stops following that grammar is compared token by token up to the break.
#include <array>
#include <cstdint>

#include "vuln/decimal.hpp"
#include "vuln/version.hpp"

namespace portcullis::vuln {
namespace {

// In grammar order: a token may only be followed by one of a later kind (or the exceptions in
// next_token).
enum Token { kInvalid = -1, kDigitOrZero, kDigit, kLetter, kSuffix, kSuffixNo, kRevisionNo, kEnd };

constexpr std::array<std::string_view, 4> kPreSuffixes = {"alpha", "beta", "pre", "rc"};
constexpr std::array<std::string_view, 5> kPostSuffixes = {"cvs", "svn", "git", "hg", "p"};

// Values are compared as numbers; a saturating int64 keeps absurd digit runs ordered enough
// without overflow (apk-tools itself uses a C int and wraps).
struct Cursor {
  std::string_view rest;
  Token type = kDigit;
};

void next_token(Cursor& c) {
  Token n = kInvalid;
  std::string_view s = c.rest;
  if (s.empty() || s[0] == '\0') {
    n = kEnd;
  } else if ((c.type == kDigit || c.type == kDigitOrZero) && is_lower(s[0])) {
    n = kLetter;
  } else if (c.type == kLetter && is_digit(s[0])) {
    n = kDigit;
  } else if (c.type == kSuffix && is_digit(s[0])) {
    n = kSuffixNo;
  } else {
    switch (s[0]) {
      case '.':
        n = kDigitOrZero;
        break;
      case '_':
        n = kSuffix;
        break;
      case '-':
        if (s.size() > 1 && s[1] == 'r') {
          n = kRevisionNo;
          s.remove_prefix(1);
        }
        break;
      default:
        break;
    }
    if (n != kInvalid) s.remove_prefix(1);
  }
  if (n < c.type) {
    bool allowed = (n == kDigitOrZero && c.type == kDigit) ||
                   (n == kSuffix && c.type == kSuffixNo) || (n == kDigit && c.type == kLetter);
    if (!allowed) n = kInvalid;
  }
  c.type = n;
  c.rest = s;
}

int64_t read_number(std::string_view s, size_t& i) {
  int64_t v = 0;
  while (i < s.size() && is_digit(s[i])) {
    if (v < INT64_MAX / 10 - 10) v = v * 10 + (s[i] - '0');
    ++i;
  }
  return v;
}

int64_t suffix_value(std::string_view s, size_t& i, bool& ok) {
  for (size_t k = 0; k < kPreSuffixes.size(); ++k) {
    if (s.starts_with(kPreSuffixes[k])) {
      i = kPreSuffixes[k].size();
      return static_cast<int64_t>(k) - static_cast<int64_t>(kPreSuffixes.size());
    }
  }
  for (size_t k = 0; k < kPostSuffixes.size(); ++k) {
    if (s.starts_with(kPostSuffixes[k])) {
      i = kPostSuffixes[k].size();
      return static_cast<int64_t>(k);
    }
  }
  ok = false;
  return -1;
}

int64_t get_token(Cursor& c) {
  if (c.rest.empty()) {
    c.type = kEnd;
    return 0;
  }
  size_t i = 0;
  int64_t v = 0;
  Token nt = kInvalid;
  switch (c.type) {
    case kDigitOrZero:
      if (c.rest[0] == '0') {
        // Leading zeros: "1.01" sorts below "1.1", like a decimal fraction.
        while (i < c.rest.size() && c.rest[i] == '0') ++i;
        nt = kDigit;
        v = -static_cast<int64_t>(i);
        break;
      }
      [[fallthrough]];
    case kDigit:
    case kSuffixNo:
    case kRevisionNo:
      v = read_number(c.rest, i);
      break;
    case kLetter:
      v = static_cast<unsigned char>(c.rest[0]);
      i = 1;
      break;
    case kSuffix: {
      bool ok = true;
      v = suffix_value(c.rest, i, ok);
      if (ok) break;
      c.type = kInvalid;
      return -1;
    }
    default:
      c.type = kInvalid;
      return -1;
  }
  c.rest.remove_prefix(i);
  if (c.rest.empty()) {
    c.type = kEnd;
  } else if (nt != kInvalid) {
    c.type = nt;
  } else {
    next_token(c);
  }
  return v;
}

}  // namespace

int compare_apk(std::string_view a, std::string_view b) {
  Cursor x{a, kDigit};
  Cursor y{b, kDigit};
  int64_t av = 0;
  int64_t bv = 0;
  while (x.type == y.type && x.type != kEnd && x.type != kInvalid && av == bv) {
    av = get_token(x);
    bv = get_token(y);
  }
  if (av != bv) return av < bv ? -1 : 1;
  if (x.type == y.type) return 0;
  // Equal so far: the longer version is newer, unless what it has left is a pre-release suffix.
  if (x.type == kSuffix) {
    Cursor t = x;
    if (get_token(t) < 0) return -1;
  }
  if (y.type == kSuffix) {
    Cursor t = y;
    if (get_token(t) < 0) return 1;
  }
  if (x.type > y.type) return -1;
  if (y.type > x.type) return 1;
  return 0;
}

}  // namespace portcullis::vuln
