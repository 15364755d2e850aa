// CVSS v3 base score (CVSS v3.1 specification, 7.1 "Base Metrics Equations" and Appendix A
// "Roundup"). v3.0 vectors use the same equations; their rounding differs only in floating-point
// corner cases, which the v3.1 Roundup was introduced to remove.
#include "vuln/cvss.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

namespace portcullis::vuln {
namespace {

double roundup(double value) {
  auto scaled = static_cast<long long>(std::llround(value * 100000));
  if (scaled % 10000 == 0) return static_cast<double>(scaled) / 100000.0;
  return (std::floor(static_cast<double>(scaled) / 10000) + 1) / 10.0;
}

Result<double> weight(const std::map<std::string, std::string, std::less<>>& metrics,
                      std::string_view name, std::initializer_list<std::pair<char, double>> table,
                      std::string_view vector) {
  auto it = metrics.find(name);
  if (it == metrics.end()) {
    return make_error(ErrorCode::kInvalidArgument, "CVSS vector {}: metric {} is missing", vector,
                      name);
  }
  for (const auto& [code, w] : table) {
    if (it->second.size() == 1 && it->second[0] == code) return w;
  }
  return make_error(ErrorCode::kInvalidArgument, "CVSS vector {}: {}:{} is not a valid value",
                    vector, name, it->second);
}

}  // namespace

Result<double> cvss3_base_score(std::string_view vector) {
  if (!vector.starts_with("CVSS:3.0/") && !vector.starts_with("CVSS:3.1/")) {
    return make_error(ErrorCode::kInvalidArgument, "CVSS vector {}: not CVSS:3.0 or CVSS:3.1",
                      vector);
  }
  std::map<std::string, std::string, std::less<>> metrics;
  std::string_view rest = vector.substr(9);
  while (!rest.empty()) {
    auto slash = rest.find('/');
    std::string_view part = rest.substr(0, slash);
    auto colon = part.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == part.size()) {
      return make_error(ErrorCode::kInvalidArgument, "CVSS vector {}: malformed part \"{}\"",
                        vector, part);
    }
    if (!metrics.emplace(std::string(part.substr(0, colon)), std::string(part.substr(colon + 1)))
             .second) {
      return make_error(ErrorCode::kInvalidArgument, "CVSS vector {}: metric {} repeated", vector,
                        part.substr(0, colon));
    }
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  }
  using Table = std::initializer_list<std::pair<char, double>>;
  std::optional<Error> bad;
  auto w = [&](std::string_view name, Table table) {
    auto r = weight(metrics, name, table, vector);
    if (!r) {
      if (!bad) bad = r.error();
      return 0.0;
    }
    return *r;
  };
  bool changed = w("S", {{'U', 0}, {'C', 1}}) == 1;
  double av = w("AV", {{'N', 0.85}, {'A', 0.62}, {'L', 0.55}, {'P', 0.2}});
  double ac = w("AC", {{'L', 0.77}, {'H', 0.44}});
  double pr = w("PR", {{'N', 0.85}, {'L', changed ? 0.68 : 0.62}, {'H', changed ? 0.5 : 0.27}});
  double ui = w("UI", {{'N', 0.85}, {'R', 0.62}});
  Table cia = {{'H', 0.56}, {'L', 0.22}, {'N', 0}};
  double c = w("C", cia);
  double i = w("I", cia);
  double a = w("A", cia);
  if (bad) return *bad;
  double iss = 1 - ((1 - c) * (1 - i) * (1 - a));
  double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * std::pow(iss - 0.02, 15) : 6.42 * iss;
  double exploitability = 8.22 * av * ac * pr * ui;
  if (impact <= 0) return 0.0;
  if (changed) return roundup(std::min(1.08 * (impact + exploitability), 10.0));
  return roundup(std::min(impact + exploitability, 10.0));
}

std::string cvss3_rating(double score) {
  if (score >= 9.0) return "CRITICAL";
  if (score >= 7.0) return "HIGH";
  if (score >= 4.0) return "MEDIUM";
  if (score > 0.0) return "LOW";
  return "NONE";
}

}  // namespace portcullis::vuln
