// Alpine secdb (secdb.alpinelinux.org/vX.Y/{main,community}.json, and the older YAML form):
// per package origin, `secfixes` maps the version that fixed a CVE to the CVE ids. The key "0"
// means the package was never affected. Also the per-package split form
// ({name, secfixes, distroversion, ...}) some mirrors publish.
#include "vuln/feed.hpp"
#include "vuln/json_fields.hpp"

namespace portcullis::vuln {
namespace {

class AlpineSecdbFeed final : public Feed {
 public:
  std::string_view kind() const override { return "alpine-secdb"; }

  bool recognizes(const nlohmann::json& doc) const override {
    return doc.is_object() && doc.contains("distroversion") &&
           (doc.contains("packages") || doc.contains("secfixes"));
  }

  Status import(const nlohmann::json& doc, std::string_view file, FeedSink& sink) const override {
    std::string branch = text(doc, "distroversion");  // "v3.20"
    if (!branch.starts_with("v")) branch = "v" + branch;
    std::string ecosystem = "Alpine:" + branch;
    if (doc.contains("secfixes")) return add_package(doc, ecosystem, file, sink);
    for (const auto& entry : array_or_empty(doc, "packages")) {
      const auto* pkg = member(entry, "pkg");
      if (pkg == nullptr) {
        return make_error(ErrorCode::kInvalidArgument, "{}: packages[] entry without pkg", file);
      }
      auto status = add_package(*pkg, ecosystem, file, sink);
      if (!status) return status;
    }
    return Ok{};
  }

 private:
  static Status add_package(const nlohmann::json& pkg, const std::string& ecosystem,
                            std::string_view file, FeedSink& sink) {
    std::string name = text(pkg, "name");
    if (name.empty()) return make_error(ErrorCode::kInvalidArgument, "{}: pkg without name", file);
    const auto* secfixes = member(pkg, "secfixes");
    if (secfixes == nullptr || !secfixes->is_object()) return Ok{};
    for (const auto& [fixed, ids] : secfixes->items()) {
      if (fixed == "0" || ids.is_null()) continue;  // never affected; a version with no ids
      if (!ids.is_array()) {
        return make_error(ErrorCode::kInvalidArgument, "{}: {} secfixes {}: not a list", file, name,
                          fixed);
      }
      for (const auto& id_value : ids) {
        if (!id_value.is_string()) continue;
        // Entries may carry extra words: "CVE-2019-14904 CVE-2019-14905" or "CVE-x (note)".
        std::string line = id_value.get<std::string>();
        for (size_t pos = 0; pos < line.size();) {
          size_t end = line.find(' ', pos);
          std::string id = line.substr(pos, end - pos);
          pos = end == std::string::npos ? line.size() : end + 1;
          if (id.empty() || id.front() == '(') continue;
          Advisory a;
          a.id = id;
          Affected af;
          af.ecosystem = ecosystem;
          af.package = name;
          af.ranges.push_back(
              {{{Event::Kind::kIntroduced, "0"}, {Event::Kind::kFixed, std::string(fixed)}}});
          a.affected.push_back(std::move(af));
          sink.add(std::move(a));
        }
      }
    }
    return Ok{};
  }
};

}  // namespace

std::unique_ptr<Feed> make_alpine_secdb_feed() { return std::make_unique<AlpineSecdbFeed>(); }

}  // namespace portcullis::vuln
