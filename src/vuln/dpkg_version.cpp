// Debian version ordering (deb-version(7); dpkg's verrevcmp): epoch, then upstream version and
// revision compared in alternating non-digit and digit runs, '~' sorting before everything,
// even the end of the string.
#include <cctype>
#include <charconv>

#include "vuln/version.hpp"

namespace portcullis::vuln {
namespace {

struct DebVersion {
  long epoch = 0;
  std::string_view upstream;
  std::string_view revision;
};

DebVersion parse(std::string_view v) {
  DebVersion out;
  auto colon = v.find(':');
  if (colon != std::string_view::npos) {
    std::from_chars(v.data(), v.data() + colon, out.epoch);
    v.remove_prefix(colon + 1);
  }
  auto dash = v.rfind('-');
  if (dash != std::string_view::npos) {
    out.revision = v.substr(dash + 1);
    v = v.substr(0, dash);
  }
  out.upstream = v;
  return out;
}

int order(int c) {
  if (std::isdigit(c)) return 0;
  if (std::isalpha(c)) return c;
  if (c == '~') return -1;
  if (c != 0) return c + 256;
  return 0;
}

int verrevcmp(std::string_view a, std::string_view b) {
  size_t i = 0;
  size_t j = 0;
  auto at = [](std::string_view s, size_t k) {
    return k < s.size() ? static_cast<unsigned char>(s[k]) : 0;
  };
  while (i < a.size() || j < b.size()) {
    int first_diff = 0;
    while ((i < a.size() && !std::isdigit(at(a, i))) || (j < b.size() && !std::isdigit(at(b, j)))) {
      int ac = order(at(a, i));
      int bc = order(at(b, j));
      if (ac != bc) return ac - bc;
      ++i;
      ++j;
    }
    while (at(a, i) == '0') ++i;
    while (at(b, j) == '0') ++j;
    while (std::isdigit(at(a, i)) && std::isdigit(at(b, j))) {
      if (first_diff == 0) first_diff = at(a, i) - at(b, j);
      ++i;
      ++j;
    }
    if (std::isdigit(at(a, i))) return 1;
    if (std::isdigit(at(b, j))) return -1;
    if (first_diff != 0) return first_diff;
  }
  return 0;
}

int sign(long v) { return v < 0 ? -1 : (v > 0 ? 1 : 0); }

}  // namespace

int compare_dpkg(std::string_view a, std::string_view b) {
  DebVersion x = parse(a);
  DebVersion y = parse(b);
  if (x.epoch != y.epoch) return x.epoch < y.epoch ? -1 : 1;
  if (int r = verrevcmp(x.upstream, y.upstream); r != 0) return sign(r);
  return sign(verrevcmp(x.revision, y.revision));
}

}  // namespace portcullis::vuln
