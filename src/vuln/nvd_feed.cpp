// NVD CVE records (API 2.0 `cve` objects, one per file as mirrors keep them, or a whole API
// response page): the CVSS v3 base score and vector, preferring NVD's own (Primary) metric over
// a CNA's. Rejected CVEs are skipped.
#include "vuln/cvss.hpp"
#include "vuln/feed.hpp"
#include "vuln/json_fields.hpp"

namespace portcullis::vuln {
namespace {

Status add_cve(const nlohmann::json& cve, std::string_view file, FeedSink& sink) {
  std::string id = text(cve, "id");
  if (id.empty()) return make_error(ErrorCode::kInvalidArgument, "{}: cve without id", file);
  sink.snapshot(text(cve, "lastModified"));
  if (text(cve, "vulnStatus") == "Rejected") return Ok{};
  const auto* metrics = member(cve, "metrics");
  if (metrics == nullptr) return Ok{};
  for (std::string_view key : {"cvssMetricV31", "cvssMetricV30"}) {
    const nlohmann::json* chosen = nullptr;
    for (const auto& m : array_or_empty(*metrics, key)) {
      if (chosen == nullptr || text(m, "type") == "Primary") chosen = &m;
    }
    if (chosen == nullptr) continue;
    const auto* data = member(*chosen, "cvssData");
    if (data == nullptr) continue;
    std::string vector = text(*data, "vectorString");
    auto score = cvss3_base_score(vector);
    if (!score) return score.error().context("{}: {}", file, id);
    sink.add(CvssRecord{id, vector, *score});
    return Ok{};
  }
  return Ok{};
}

class NvdFeed final : public Feed {
 public:
  std::string_view kind() const override { return "nvd"; }

  bool recognizes(const nlohmann::json& doc) const override {
    if (!doc.is_object()) return false;
    if (doc.contains("resultsPerPage") && doc.contains("vulnerabilities")) return true;
    return text(doc, "id").starts_with("CVE-") && doc.contains("metrics");
  }

  Status import(const nlohmann::json& doc, std::string_view file, FeedSink& sink) const override {
    if (!doc.contains("resultsPerPage")) return add_cve(doc, file, sink);
    for (const auto& v : array_or_empty(doc, "vulnerabilities")) {
      if (const auto* cve = member(v, "cve"); cve != nullptr) {
        auto status = add_cve(*cve, file, sink);
        if (!status) return status;
      }
    }
    return Ok{};
  }
};

}  // namespace

std::unique_ptr<Feed> make_nvd_feed() { return std::make_unique<NvdFeed>(); }

}  // namespace portcullis::vuln
