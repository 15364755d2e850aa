// OSV (ossf.github.io/osv-schema), as JSON or YAML, for any ecosystem: GHSA, PyPA, Go vulndb,
// AlmaLinux and others. Withdrawn records (the `withdrawn` field, or a summary starting
// "Withdrawn:"/"WITHDRAWN:" as GHSA and Go mark them) are counted and left out. GIT ranges are
// about commits and are skipped.
#include "base/json_text.hpp"
#include "vuln/cvss.hpp"
#include "vuln/feed.hpp"
#include "vuln/json_fields.hpp"

namespace portcullis::vuln {
namespace {

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

// A distribution's advisory (ALSA, DSA, ...) lists the CVEs it fixes as `related`; they name the
// same vulnerabilities for matching. Language advisories use `related` loosely, so not there.
bool is_distribution(std::string_view ecosystem) {
  return ecosystem.find(':') != std::string_view::npos;
}

// Red Hat style summaries: "Important: firefox security update".
std::string severity_from_summary(std::string_view summary) {
  auto colon = summary.find(':');
  if (colon == std::string_view::npos || colon > 10) return {};
  return normalize_severity(summary.substr(0, colon));
}

Result<Range> parse_range(const nlohmann::json& range, std::string_view where) {
  Range out;
  for (const auto& e : array_or_empty(range, "events")) {
    static const std::pair<std::string_view, Event::Kind> kKinds[] = {
        {"introduced", Event::Kind::kIntroduced},
        {"fixed", Event::Kind::kFixed},
        {"last_affected", Event::Kind::kLastAffected},
        {"limit", Event::Kind::kLimit}};
    bool known = false;
    for (const auto& [name, kind] : kKinds) {
      if (const auto* v = member(e, name); v != nullptr) {
        std::string version = text(e, name);
        if (version.empty()) {
          return make_error(ErrorCode::kInvalidArgument, "{}: event \"{}\" has no version", where,
                            name);
        }
        out.events.push_back({kind, std::move(version)});
        known = true;
        break;
      }
    }
    if (!known) {
      return make_error(ErrorCode::kInvalidArgument, "{}: unknown range event {}", where,
                        to_json_text(e));
    }
  }
  return out;
}

class OsvFeed final : public Feed {
 public:
  std::string_view kind() const override { return "osv"; }

  bool recognizes(const nlohmann::json& doc) const override {
    return doc.is_object() && doc.contains("id") && doc.contains("modified") &&
           (doc.contains("affected") || doc.contains("withdrawn") || doc.contains("aliases"));
  }

  Status import(const nlohmann::json& doc, std::string_view file, FeedSink& sink) const override {
    Advisory a;
    a.id = text(doc, "id");
    a.summary = text(doc, "summary");
    if (a.summary.empty()) {
      std::string details = text(doc, "details");
      a.summary = details.substr(0, details.find('\n'));
    }
    a.modified = text(doc, "modified");
    a.published = text(doc, "published");
    sink.snapshot(a.modified);
    if (!text(doc, "withdrawn").empty() || starts_with_nocase(a.summary, "withdrawn:")) {
      sink.withdrawn(a.id);
      return Ok{};
    }
    for (const auto& alias : array_or_empty(doc, "aliases")) {
      if (alias.is_string()) a.aliases.push_back(alias.get<std::string>());
    }
    for (const auto& s : array_or_empty(doc, "severity")) {
      if (text(s, "type") != "CVSS_V3") continue;
      std::string vector = text(s, "score");
      auto score = cvss3_base_score(vector);
      if (!score) return score.error().context("{}: severity", file);
      a.cvss_vector = vector;
      a.cvss_score = *score;
    }
    if (const auto* db = member(doc, "database_specific"); db != nullptr) {
      a.severity = normalize_severity(text(*db, "severity"));
    }
    if (a.severity.empty()) a.severity = severity_from_summary(a.summary);
    bool distribution = false;
    size_t index = 0;
    for (const auto& entry : array_or_empty(doc, "affected")) {
      std::string where = fmt::format("{}: affected[{}]", file, index++);
      const auto* package = member(entry, "package");
      if (package == nullptr) continue;  // OSV allows affected entries without a package
      Affected af;
      af.ecosystem = text(*package, "ecosystem");
      std::string name = text(*package, "name");
      if (af.ecosystem.empty() || name.empty()) {
        return make_error(ErrorCode::kInvalidArgument, "{}: package.ecosystem and name required",
                          where);
      }
      distribution = distribution || is_distribution(af.ecosystem);
      af.package = normalize_package_name(af.ecosystem, name);
      for (const auto& r : array_or_empty(entry, "ranges")) {
        std::string type = text(r, "type");
        if (type != "ECOSYSTEM" && type != "SEMVER") continue;
        auto range = parse_range(r, where);
        if (!range) return range.error();
        af.ranges.push_back(std::move(*range));
      }
      for (const auto& v : array_or_empty(entry, "versions")) {
        if (v.is_string()) af.versions.push_back(v.get<std::string>());
      }
      if (const auto* es = member(entry, "ecosystem_specific"); es != nullptr) {
        af.severity = normalize_severity(text(*es, "urgency"));
      }
      if (af.ranges.empty() && af.versions.empty()) continue;
      a.affected.push_back(std::move(af));
    }
    if (distribution) {
      for (const auto& r : array_or_empty(doc, "related")) {
        if (r.is_string()) a.aliases.push_back(r.get<std::string>());
      }
    }
    sink.add(std::move(a));
    return Ok{};
  }
};

}  // namespace

std::unique_ptr<Feed> make_osv_feed() { return std::make_unique<OsvFeed>(); }

}  // namespace portcullis::vuln
