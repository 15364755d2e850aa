// Fuzzes the feed importers: the input as a JSON document (and, when it is not JSON, as YAML)
// handed to every feed that recognizes it. Errors are fine; crashes and hangs are not.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/yaml_json.hpp"
#include "vuln/cvss.hpp"
#include "vuln/feed.hpp"

namespace {

struct NullSink final : portcullis::vuln::FeedSink {
  void add(portcullis::vuln::Advisory) override {}
  void add(portcullis::vuln::CvssRecord) override {}
  void add(portcullis::vuln::KevRecord) override {}
  void withdrawn(std::string_view) override {}
  void snapshot(std::string_view) override {}
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded()) {
    auto yaml = portcullis::parse_yaml_as_json(text, "fuzz.yaml");
    if (!yaml) return 0;
    doc = std::move(*yaml);
  }
  NullSink sink;
  for (const auto& feed : portcullis::vuln::feeds()) {
    if (feed->recognizes(doc)) (void)feed->import(doc, "fuzz", sink);
  }
  (void)portcullis::vuln::cvss3_base_score(text);
  return 0;
}
