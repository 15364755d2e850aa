// OpenVEX and ignore-file readers.
#include "policy/suppression.hpp"

#include <nlohmann/json.hpp>

#include "base/json_text.hpp"

namespace portcullis::policy {
namespace {}  // namespace

Result<std::vector<VexStatement>> parse_openvex(std::string_view json, std::string_view file) {
  auto doc = nlohmann::json::parse(json, nullptr, false);
  if (!doc.is_object()) return make_error(ErrorCode::kInvalidArgument, "{}: not JSON", file);
  if (!string_field(doc, "@context").starts_with("https://openvex.dev/ns")) {
    return make_error(ErrorCode::kInvalidArgument,
                      "{}: @context is not an OpenVEX context (https://openvex.dev/ns/...)", file);
  }
  auto statements = doc.find("statements");
  if (statements == doc.end() || !statements->is_array()) {
    return make_error(ErrorCode::kInvalidArgument, "{}: statements: expected a list", file);
  }
  std::vector<VexStatement> out;
  for (size_t i = 0; i < statements->size(); ++i) {
    const auto& s = (*statements)[i];
    VexStatement v;
    v.source = fmt::format("{}#statements[{}]", file, i);
    auto vuln = s.find("vulnerability");
    if (vuln != s.end() && vuln->is_string()) {  // v0.0.1: a plain id
      v.vulnerabilities.push_back(vuln->get<std::string>());
    } else if (vuln != s.end() && vuln->is_object()) {  // v0.2.0: {name, aliases}
      if (auto name = string_field(*vuln, "name"); !name.empty()) v.vulnerabilities.push_back(name);
      if (auto a = vuln->find("aliases"); a != vuln->end() && a->is_array()) {
        for (const auto& alias : *a) {
          if (alias.is_string()) v.vulnerabilities.push_back(alias.get<std::string>());
        }
      }
    }
    if (v.vulnerabilities.empty()) {
      return make_error(ErrorCode::kInvalidArgument, "{}: vulnerability.name is required",
                        v.source);
    }
    if (auto products = s.find("products"); products != s.end() && products->is_array()) {
      for (const auto& p : *products) {
        if (p.is_string()) v.products.push_back(p.get<std::string>());
        if (!p.is_object()) continue;
        if (auto id = string_field(p, "@id"); !id.empty()) v.products.push_back(id);
        if (auto subs = p.find("subcomponents"); subs != p.end() && subs->is_array()) {
          for (const auto& sub : *subs) {
            if (auto id = sub.is_object() ? string_field(sub, "@id") : ""; !id.empty()) {
              v.products.push_back(id);
            }
          }
        }
      }
    }
    v.status = string_field(s, "status");
    if (v.status != "not_affected" && v.status != "affected" && v.status != "fixed" &&
        v.status != "under_investigation") {
      return make_error(ErrorCode::kInvalidArgument,
                        "{}: status \"{}\" is not not_affected, affected, fixed or "
                        "under_investigation",
                        v.source, v.status);
    }
    v.justification = string_field(s, "justification");
    if (auto impact = string_field(s, "impact_statement"); !impact.empty()) {
      v.justification += (v.justification.empty() ? "" : ": ") + impact;
    }
    if (v.status == "not_affected" && v.justification.empty()) {
      return make_error(ErrorCode::kInvalidArgument,
                        "{}: not_affected needs a justification or an impact_statement", v.source);
    }
    out.push_back(std::move(v));
  }
  return out;
}

Result<std::vector<IgnoreEntry>> parse_ignore_file(std::string_view text, std::string_view file) {
  std::vector<IgnoreEntry> out;
  size_t number = 0;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++number;
    line = line.substr(0, line.find('#'));
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r'))
      line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty()) continue;
    IgnoreEntry e;
    e.source = fmt::format("{}:{}", file, number);
    auto space = line.find_first_of(" \t");
    e.id = std::string(line.substr(0, space));
    if (space != std::string_view::npos) {
      std::string_view rest = line.substr(space);
      while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
      if (!rest.starts_with("exp:") || rest.size() != 14) {
        return make_error(ErrorCode::kInvalidArgument,
                          "{}: expected \"ID\" or \"ID exp:YYYY-MM-DD\", got \"{}\"", e.source,
                          line);
      }
      e.expires = std::string(rest.substr(4));
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace portcullis::policy
