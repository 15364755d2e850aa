// Secret rules, written as small scanners rather than regular expressions: a line is examined
// only when it holds one of the rules' anchors, so most of an image's text costs one pass of
// memchr-like searching.
#include "analyze/secrets.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>

namespace portcullis::analyze {
namespace {

bool is_upper_or_digit(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool is_alnum(char c) { return is_upper_or_digit(c) || (c >= 'a' && c <= 'z'); }
bool is_word(char c) { return is_alnum(c) || c == '_'; }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Runs of `ok` characters at `pos`.
size_t run_length(std::string_view s, size_t pos, bool (*ok)(char)) {
  size_t n = 0;
  while (pos + n < s.size() && ok(s[pos + n])) ++n;
  return n;
}

bool boundary_before(std::string_view s, size_t pos) { return pos == 0 || !is_alnum(s[pos - 1]); }

double entropy(std::string_view v) {
  std::array<int, 256> counts{};
  for (char c : v) ++counts[static_cast<unsigned char>(c)];
  double h = 0;
  for (int n : counts) {
    if (n == 0) continue;
    double p = static_cast<double>(n) / static_cast<double>(v.size());
    h -= p * std::log2(p);
  }
  return h;
}

struct Found {
  std::string rule;
  std::string_view value;
};

// AKIA/ASIA... followed by 16 upper-case letters or digits.
void aws_access_key_ids(std::string_view line, std::vector<Found>& out) {
  static constexpr std::array<std::string_view, 8> kPrefixes = {"AKIA", "ASIA", "AGPA", "AIDA",
                                                                "AROA", "AIPA", "ANPA", "ANVA"};
  for (auto prefix : kPrefixes) {
    for (size_t pos = line.find(prefix); pos != std::string_view::npos;
         pos = line.find(prefix, pos + 1)) {
      if (!boundary_before(line, pos)) continue;
      size_t n = run_length(line, pos + 4, is_upper_or_digit);
      if (n == 16) out.push_back({"aws-access-key-id", line.substr(pos, 20)});
    }
  }
}

// KEY = VALUE / KEY: VALUE / KEY "VALUE": the value after a key, quotes stripped.
std::string_view assigned_value(std::string_view line, size_t key_end) {
  size_t i = key_end;
  while (i < line.size() && is_word(line[i])) ++i;  // rest of the key name
  if (i < line.size() && (line[i] == '"' || line[i] == '\'')) ++i;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  if (i >= line.size() || (line[i] != '=' && line[i] != ':')) return {};
  ++i;
  if (i < line.size() && line[i] == '=') ++i;  // ==, :=
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  char quote = 0;
  if (i < line.size() && (line[i] == '"' || line[i] == '\'')) quote = line[i++];
  size_t start = i;
  while (i < line.size() && line[i] != quote &&
         (quote != 0 || (line[i] != ' ' && line[i] != '\t' && line[i] != ',' && line[i] != ';')))
    ++i;
  return line.substr(start, i - start);
}

// Case-insensitive search for `needle` (lower case) in `line`, from `from`.
size_t find_nocase(std::string_view line, std::string_view needle, size_t from) {
  if (needle.size() > line.size()) return std::string_view::npos;
  for (size_t i = from; i + needle.size() <= line.size(); ++i) {
    size_t k = 0;
    while (k < needle.size() && lower(line[i + k]) == needle[k]) ++k;
    if (k == needle.size()) return i;
  }
  return std::string_view::npos;
}

bool is_base64ish(char c) { return is_alnum(c) || c == '/' || c == '+' || c == '='; }

void aws_secret_keys(std::string_view line, std::vector<Found>& out) {
  for (size_t pos = find_nocase(line, "aws", 0); pos != std::string_view::npos;
       pos = find_nocase(line, "aws", pos + 1)) {
    size_t key = find_nocase(line, "secret", pos);
    if (key == std::string_view::npos || key > pos + 12) continue;
    std::string_view value = assigned_value(line, key);
    if (value.size() == 40 && run_length(value, 0, is_base64ish) == 40) {
      out.push_back({"aws-secret-access-key", value});
    }
  }
}

void prefixed_tokens(std::string_view line, std::vector<Found>& out) {
  struct Shape {
    std::string_view prefix;
    std::string_view rule;
    size_t min;
    size_t max;
  };
  static constexpr std::array<Shape, 8> kShapes = {{
      {"ghp_", "github-token", 36, 36},
      {"gho_", "github-token", 36, 36},
      {"ghu_", "github-token", 36, 36},
      {"ghs_", "github-token", 36, 36},
      {"ghr_", "github-token", 36, 36},
      {"github_pat_", "github-token", 82, 82},
      {"glpat-", "gitlab-token", 20, 20},
      {"npm_", "npm-token", 36, 36},
  }};
  auto token_char = [](char c) { return is_word(c) || c == '-'; };
  for (const auto& s : kShapes) {
    for (size_t pos = line.find(s.prefix); pos != std::string_view::npos;
         pos = line.find(s.prefix, pos + 1)) {
      if (pos > 0 && token_char(line[pos - 1])) continue;
      size_t n = 0;
      while (pos + s.prefix.size() + n < line.size() && token_char(line[pos + s.prefix.size() + n]))
        ++n;
      if (n >= s.min && n <= s.max)
        out.push_back({std::string(s.rule), line.substr(pos, s.prefix.size() + n)});
    }
  }
}

void private_keys(std::string_view line, std::vector<Found>& out) {
  size_t pos = line.find("-----BEGIN ");
  if (pos == std::string_view::npos) return;
  size_t end = line.find("PRIVATE KEY", pos);
  if (end == std::string_view::npos || end > pos + 40) return;
  size_t close = line.find("-----", end);
  if (close == std::string_view::npos) return;
  out.push_back({"private-key", line.substr(pos, close + 5 - pos)});
}

bool placeholder(std::string_view v) {
  static constexpr std::array<std::string_view, 8> kWords = {
      "true", "false", "null", "none", "changeme", "password", "example", "redacted"};
  std::string l;
  for (char c : v) l += lower(c);
  for (auto w : kWords) {
    if (l == w) return true;
  }
  return v.front() == '$' || v.front() == '%' || v.front() == '<' || v.front() == '{' ||
         v.front() == '/' || v.front() == '*';
}

// NAME_PASSWORD=..., secret: ..., api_key = "..." with a value that is long and varied enough
// to be a real credential.
void generic_assignments(std::string_view line, std::vector<Found>& out) {
  static constexpr std::array<std::string_view, 6> kKeys = {"password", "passwd",  "secret",
                                                            "token",    "api_key", "apikey"};
  for (auto key : kKeys) {
    for (size_t pos = find_nocase(line, key, 0); pos != std::string_view::npos;
         pos = find_nocase(line, key, pos + 1)) {
      std::string_view value = assigned_value(line, pos + key.size());
      if (value.size() < 8 || placeholder(value) || entropy(value) < 3.0) continue;
      out.push_back({"generic-password", value});
    }
  }
}

bool has_anchor(std::string_view line) {
  static constexpr std::array<std::string_view, 12> kAnchors = {
      "AKIA", "ASIA", "AGPA", "AIDA",   "AROA", "AIPA",
      "ANPA", "ANVA", "gh",   "glpat-", "npm_", "-----BEGIN "};
  for (auto a : kAnchors) {
    if (line.find(a) != std::string_view::npos) return true;
  }
  static constexpr std::array<std::string_view, 6> kWords = {"secret", "password", "passwd",
                                                             "token",  "api_key",  "apikey"};
  for (auto w : kWords) {
    if (find_nocase(line, w, 0) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace

std::string mask_secret(std::string_view value) {
  if (value.size() < 8) return std::string(value.size(), '*');
  return std::string(value.substr(0, 4)) + std::string(value.size() - 4, '*');
}

std::vector<SecretMatch> find_secrets(std::string_view text) {
  std::vector<SecretMatch> out;
  int number = 0;
  for (size_t start = 0; start <= text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    ++number;
    start = end + 1;
    if (line.empty() || !has_anchor(line)) {
      if (end == text.size()) break;
      continue;
    }
    std::vector<Found> found;
    aws_access_key_ids(line, found);
    aws_secret_keys(line, found);
    prefixed_tokens(line, found);
    private_keys(line, found);
    size_t specific = found.size();
    generic_assignments(line, found);
    // A value a specific rule already named is not reported again as a generic one.
    std::set<std::string_view> seen;
    for (size_t i = 0; i < found.size(); ++i) {
      bool overlaps = false;
      for (size_t k = 0; k < specific && i >= specific; ++k) {
        const auto& a = found[k].value;
        const auto& b = found[i].value;
        overlaps = overlaps || (b.data() < a.data() + a.size() && a.data() < b.data() + b.size());
      }
      if (overlaps || !seen.insert(found[i].value).second) continue;
      out.push_back({found[i].rule, number, mask_secret(found[i].value)});
    }
    if (end == text.size()) break;
  }
  return out;
}

}  // namespace portcullis::analyze
