// CISA's Known Exploited Vulnerabilities catalogue (known_exploited_vulnerabilities.json).
#include "vuln/feed.hpp"
#include "vuln/json_fields.hpp"

namespace portcullis::vuln {
namespace {

class KevFeed final : public Feed {
 public:
  std::string_view kind() const override { return "cisa-kev"; }

  bool recognizes(const nlohmann::json& doc) const override {
    return doc.is_object() && doc.contains("catalogVersion") && doc.contains("vulnerabilities");
  }

  Status import(const nlohmann::json& doc, std::string_view file, FeedSink& sink) const override {
    sink.snapshot(text(doc, "dateReleased"));
    for (const auto& v : array_or_empty(doc, "vulnerabilities")) {
      std::string cve = text(v, "cveID");
      if (cve.empty()) {
        return make_error(ErrorCode::kInvalidArgument, "{}: vulnerability without cveID", file);
      }
      sink.add(KevRecord{cve, text(v, "dateAdded")});
    }
    return Ok{};
  }
};

}  // namespace

std::unique_ptr<Feed> make_kev_feed() { return std::make_unique<KevFeed>(); }

}  // namespace portcullis::vuln
