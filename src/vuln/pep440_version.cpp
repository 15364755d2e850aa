// Python version ordering, PEP 440 as the `packaging` library implements it (Version and its
// _cmpkey): [N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local], with the spellings the PEP normalizes
// (alpha, beta, c, pre, preview, rev, r, "-N" post-releases, '-', '_' and '.' separators,
// any case, a leading "v", surrounding whitespace). Anything else is not a version.
#include <array>
#include <string>
#include <vector>

#include "vuln/decimal.hpp"
#include "vuln/version.hpp"

namespace portcullis::vuln {
namespace {

struct Pep440 {
  std::string_view epoch = "0";
  std::vector<std::string_view> release;  // trailing zeros dropped (1.0 == 1)
  std::string pre_label;                  // "a", "b", "rc" or empty
  std::string_view pre_number;
  bool has_post = false;
  std::string_view post_number;
  bool has_dev = false;
  std::string_view dev_number;
  bool has_local = false;
  std::vector<std::string> local;
};

class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  bool done() const { return i_ == s_.size(); }
  char peek(size_t k = 0) const { return i_ + k < s_.size() ? s_[i_ + k] : '\0'; }
  bool is_sep(size_t k = 0) const {
    char c = peek(k);
    return c == '-' || c == '_' || c == '.';
  }
  std::string_view digits() {
    size_t start = i_;
    while (is_digit(peek())) ++i_;
    return s_.substr(start, i_ - start);
  }
  // The longest of the labels at position k (case-insensitive); empty when none.
  template <size_t N>
  std::string_view label(const std::array<std::string_view, N>& labels, size_t k) const {
    std::string_view best;
    for (std::string_view l : labels) {
      if (l.size() <= best.size() || i_ + k + l.size() > s_.size()) continue;
      bool match = true;
      for (size_t j = 0; j < l.size() && match; ++j) {
        char c = s_[i_ + k + j];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        match = c == l[j];
      }
      if (match) best = l;
    }
    return best;
  }
  void skip(size_t n) { i_ += n; }
  // An optional separator then digits: consumed only when the digits are there.
  std::string_view optional_number() {
    if (is_sep() && is_digit(peek(1))) skip(1);
    return digits();
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

constexpr std::array<std::string_view, 8> kPreLabels = {"a",     "b",    "c",   "rc",
                                                        "alpha", "beta", "pre", "preview"};
constexpr std::array<std::string_view, 3> kPostLabels = {"post", "rev", "r"};
constexpr std::array<std::string_view, 1> kDevLabels = {"dev"};

std::string normalize_pre(std::string_view label) {
  if (label == "alpha" || label == "a") return "a";
  if (label == "beta" || label == "b") return "b";
  return "rc";  // c, rc, pre, preview
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// The longest label that matches at the optional separator or right here.
template <size_t N>
std::string_view take_label(Scanner& s, const std::array<std::string_view, N>& labels) {
  size_t offset = s.is_sep() ? 1 : 0;
  std::string_view l = s.label(labels, offset);
  if (l.empty() && offset == 1) return {};
  if (!l.empty()) s.skip(offset + l.size());
  return l;
}

bool parse(std::string_view v, Pep440& out) {
  while (!v.empty() && is_space(v.front())) v.remove_prefix(1);
  while (!v.empty() && is_space(v.back())) v.remove_suffix(1);
  if (!v.empty() && (v[0] == 'v' || v[0] == 'V')) v.remove_prefix(1);
  Scanner s(v);
  std::string_view first = s.digits();
  if (first.empty()) return false;
  if (s.peek() == '!') {
    out.epoch = first;
    s.skip(1);
    first = s.digits();
    if (first.empty()) return false;
  }
  out.release.push_back(first);
  while (s.peek() == '.' && is_digit(s.peek(1))) {
    s.skip(1);
    out.release.push_back(s.digits());
  }
  while (out.release.size() > 1 && strip_leading_zeros(out.release.back()) == "0") {
    out.release.pop_back();
  }
  if (out.release.size() == 1 && strip_leading_zeros(out.release[0]) == "0") out.release.clear();

  std::string_view pre = take_label(s, kPreLabels);
  if (!pre.empty()) {
    out.pre_label = normalize_pre(pre);
    out.pre_number = s.optional_number();
  }
  if (s.peek() == '-' && is_digit(s.peek(1))) {
    s.skip(1);
    out.has_post = true;
    out.post_number = s.digits();
  } else if (!take_label(s, kPostLabels).empty()) {
    out.has_post = true;
    out.post_number = s.optional_number();
  }
  if (!take_label(s, kDevLabels).empty()) {
    out.has_dev = true;
    out.dev_number = s.optional_number();
  }
  if (s.peek() == '+') {
    s.skip(1);
    out.has_local = true;
    std::string part;
    while (true) {
      char c = s.peek();
      if (is_alnum(c)) {
        part += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        s.skip(1);
      } else if ((c == '-' || c == '_' || c == '.') && !part.empty() && is_alnum(s.peek(1))) {
        out.local.push_back(std::move(part));
        part.clear();
        s.skip(1);
      } else {
        break;
      }
    }
    if (part.empty()) return false;
    out.local.push_back(std::move(part));
  }
  return s.done();
}

int compare_release(const std::vector<std::string_view>& a,
                    const std::vector<std::string_view>& b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (int c = compare_decimal(a[i], b[i]); c != 0) return c;
  }
  if (a.size() == b.size()) return 0;
  return a.size() < b.size() ? -1 : 1;
}

// packaging's _cmpkey turns absent parts into +/- infinity; these ranks do the same.
int pre_rank(const Pep440& v) {
  if (!v.pre_label.empty()) return 0;
  if (!v.has_post && v.has_dev) return -1;  // 1.0.dev0 < 1.0a0
  return 1;
}

int compare_local_part(const std::string& a, const std::string& b) {
  bool an = all_digits(a);
  bool bn = all_digits(b);
  if (an && bn) return compare_decimal(a, b);
  if (an != bn) return an ? 1 : -1;  // numeric segments sort after alphanumeric ones
  return sign_of(a.compare(b));
}

int compare_parsed(const Pep440& x, const Pep440& y) {
  if (int c = compare_decimal(x.epoch, y.epoch); c != 0) return c;
  if (int c = compare_release(x.release, y.release); c != 0) return c;
  int px = pre_rank(x);
  int py = pre_rank(y);
  if (px != py) return px < py ? -1 : 1;
  if (px == 0) {
    if (int c = sign_of(x.pre_label.compare(y.pre_label)); c != 0) return c;
    if (int c = compare_decimal(x.pre_number.empty() ? "0" : x.pre_number,
                                y.pre_number.empty() ? "0" : y.pre_number);
        c != 0) {
      return c;
    }
  }
  if (x.has_post != y.has_post) return x.has_post ? 1 : -1;
  if (x.has_post) {
    if (int c = compare_decimal(x.post_number.empty() ? "0" : x.post_number,
                                y.post_number.empty() ? "0" : y.post_number);
        c != 0) {
      return c;
    }
  }
  if (x.has_dev != y.has_dev) return x.has_dev ? -1 : 1;
  if (x.has_dev) {
    if (int c = compare_decimal(x.dev_number.empty() ? "0" : x.dev_number,
                                y.dev_number.empty() ? "0" : y.dev_number);
        c != 0) {
      return c;
    }
  }
  if (x.has_local != y.has_local) return x.has_local ? 1 : -1;
  for (size_t i = 0; i < x.local.size() && i < y.local.size(); ++i) {
    if (int c = compare_local_part(x.local[i], y.local[i]); c != 0) return c;
  }
  if (x.local.size() == y.local.size()) return 0;
  return x.local.size() < y.local.size() ? -1 : 1;
}

}  // namespace

std::optional<int> compare_pep440(std::string_view a, std::string_view b) {
  Pep440 x;
  Pep440 y;
  if (!parse(a, x) || !parse(b, y)) return std::nullopt;
  return compare_parsed(x, y);
}

}  // namespace portcullis::vuln
