// The Debian security tracker's JSON export (security-tracker.debian.org/tracker/data/json):
// {source package: {CVE or TEMP id: {description, releases: {codename: {status, fixed_version,
// urgency, repositories}}}}}. Versions are source-package versions, so matching goes by source
// package. status "resolved" with fixed_version "0" means the release was never affected;
// "open" and "undetermined" mean affected with no fix.
#include <array>

#include "vuln/feed.hpp"
#include "vuln/json_fields.hpp"

namespace portcullis::vuln {
namespace {

// Codenames to the major version OSV uses in "Debian:N".
constexpr std::array<std::pair<std::string_view, std::string_view>, 9> kReleases = {{
    {"wheezy", "7"},
    {"jessie", "8"},
    {"stretch", "9"},
    {"buster", "10"},
    {"bullseye", "11"},
    {"bookworm", "12"},
    {"trixie", "13"},
    {"forky", "14"},
    {"duke", "15"},
}};

std::string_view release_number(std::string_view codename) {
  for (const auto& [name, number] : kReleases) {
    if (name == codename) return number;
  }
  return {};
}

bool looks_like_entry_id(std::string_view key) {
  return key.starts_with("CVE-") || key.starts_with("TEMP-");
}

class DebianTrackerFeed final : public Feed {
 public:
  std::string_view kind() const override { return "debian-tracker"; }

  bool recognizes(const nlohmann::json& doc) const override {
    if (!doc.is_object() || doc.empty()) return false;
    const auto& first = doc.begin().value();
    if (!first.is_object() || first.empty()) return false;
    return looks_like_entry_id(first.begin().key()) && first.begin().value().contains("releases");
  }

  Status import(const nlohmann::json& doc, std::string_view file, FeedSink& sink) const override {
    for (const auto& [source, entries] : doc.items()) {
      if (!entries.is_object()) {
        return make_error(ErrorCode::kInvalidArgument, "{}: \"{}\" is not an object", file, source);
      }
      for (const auto& [id, entry] : entries.items()) {
        Advisory a;
        a.id = id;
        a.summary = text(entry, "description");
        const auto* releases = member(entry, "releases");
        if (releases == nullptr || !releases->is_object()) {
          return make_error(ErrorCode::kInvalidArgument, "{}: {}/{}: releases missing", file,
                            source, id);
        }
        for (const auto& [codename, release] : releases->items()) {
          std::string_view number = release_number(codename);
          if (number.empty()) continue;  // sid, experimental: not a release images run
          std::string status = text(release, "status");
          std::string fixed = text(release, "fixed_version");
          if (status == "resolved" && (fixed.empty() || fixed == "0")) continue;  // never affected
          if (status != "resolved" && status != "open" && status != "undetermined") {
            return make_error(ErrorCode::kInvalidArgument, "{}: {}/{}/{}: unknown status \"{}\"",
                              file, source, id, codename, status);
          }
          Affected af;
          af.ecosystem = "Debian:" + std::string(number);
          af.package = source;
          Range range;
          range.events.push_back({Event::Kind::kIntroduced, "0"});
          if (status == "resolved") range.events.push_back({Event::Kind::kFixed, fixed});
          af.ranges.push_back(std::move(range));
          af.severity = normalize_severity(text(release, "urgency"));
          a.affected.push_back(std::move(af));
        }
        if (!a.affected.empty()) sink.add(std::move(a));
      }
    }
    return Ok{};
  }
};

}  // namespace

std::unique_ptr<Feed> make_debian_tracker_feed() { return std::make_unique<DebianTrackerFeed>(); }

}  // namespace portcullis::vuln
